/* sfbnet plan: the concrete flows per firewall. */
#include <stdlib.h>

#include "cli.h"

static const struct cli_opt opts[] = {
	{ "firewall", 'F', "NAME", "only the flows through this firewall", false },
	{ "format", 'f', "FORMAT", "text (default), json, csv or md", false },
	{ "catalog", 0, "DIR", "read the catalog from DIR instead of the built-in one", false },
	{ "output", 'o', "FILE", "write to FILE (whole or not at all) instead of stdout", false },
	{ NULL, 0, NULL, NULL, false }
};

static int
run(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	static const char *const formats[] = { "text", "json", "csv", "md", NULL };
	const char *fmt;
	sfb_status st;
	int rc;

	if ((rc = cli_format(cmd, a, formats, "text", &fmt)) != EXIT_GOOD ||
	    (rc = cli_load_plan_for(s, cmd, a, cli_opt(cmd, a, "firewall"), 0)) != EXIT_GOOD)
		return rc;
	cli_warnings(s->ctx);
	st = sfb_plan_write(s->ctx, s->plan, cli_opt(cmd, a, "firewall"),
	    (sfb_format)sfb_format_parse(fmt), &s->out);
	if (st != SFB_OK)
		return cli_fail(s->ctx, st);
	return EXIT_GOOD;
}

const struct cli_cmd cmd_plan = {
	"plan", "the concrete flows of a topology, per firewall", "TOPOLOGY", 1, 1, opts,
	"Expand the catalog over TOPOLOGY: every flow of an enabled profile between\n"
	"the endpoints that carry its roles, with the firewalls it crosses on the\n"
	"zone path, its ports, purpose and citations.",
	run
};
