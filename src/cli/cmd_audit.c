/* sfbnet audit: an existing ruleset against the plan of one firewall. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sfbnet/audit.h"

static const struct cli_opt opts[] = {
	{ "ruleset", 'r', "FILE", "nft -j list ruleset JSON, or iptables-save output (required)", false },
	{ "firewall", 'F', "NAME", "the firewall of the topology the ruleset is on", false },
	{ "host", 'H', "NAME", "instead: the host whose own firewall (input) the ruleset is", false },
	{ "format", 'f', "FORMAT", "text (default) or json", false },
	{ "catalog", 0, "DIR", "read the catalog from DIR instead of the built-in one", false },
	{ "output", 'o', "FILE", "write the report to FILE (whole or not at all) instead of stdout",
	    false },
	{ NULL, 0, NULL, NULL, false }
};

static int
run(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	static const char *const formats[] = { "text", "json", NULL };
	const char *fw = cli_opt(cmd, a, "firewall"), *rules = cli_opt(cmd, a, "ruleset"), *fmt;
	sfb_audit_opts o = { fw, cli_opt(cmd, a, "host") };
	sfb_audit *au = NULL;
	sfb_status st;
	int rc;

	if ((rc = cli_format(cmd, a, formats, "text", &fmt)) != EXIT_GOOD)
		return rc;
	if (rules == NULL)
		return cli_error(EXIT_USAGE, "audit: --ruleset FILE is required");
	if (fw != NULL && o.host != NULL)
		return cli_error(EXIT_USAGE, "audit: --firewall or --host, not both");
	/* A host's firewall needs every flow that ends at it, whatever path. */
	if ((rc = o.host != NULL ? cli_load_plan(s, cmd, a) :
	    cli_load_plan_for(s, cmd, a, fw, 0)) != EXIT_GOOD)
		return rc;
	cli_warnings(s->ctx);
	st = sfb_audit_run(s->ctx, s->plan, &o, rules, &au);
	if (st == SFB_EIO)   /* a ruleset that cannot be read is bad input */
		st = SFB_EINVAL;
	if (st == SFB_OK)
		st = sfb_audit_write(s->ctx, au, strcmp(fmt, "json") == 0 ? SFB_FORMAT_JSON :
		    SFB_FORMAT_TEXT, &s->out);
	if (st != SFB_OK) {
		sfb_audit_free(au);
		return cli_fail(s->ctx, st);
	}
	rc = sfb_audit_clean(au) ? EXIT_GOOD : EXIT_FINDING;
	sfb_audit_free(au);
	return rc;
}

const struct cli_cmd cmd_audit = {
	"audit", "what an existing ruleset allows, blocks, or opens beyond the plan", "TOPOLOGY",
	1, 1, opts,
	"Read the ruleset of one firewall of TOPOLOGY (the JSON of 'nft -j list ruleset',\n"
	"or the output of iptables-save and ip6tables-save, told apart by their text)\n"
	"and evaluate it, without sending a packet, against every flow the plan puts\n"
	"on that firewall: allowed, partial, blocked or unknown, with the missing\n"
	"part and the rule or policy that drops it.  Then the findings on the\n"
	"ruleset: rules that allow traffic no planned flow needs (with the surplus),\n"
	"rules that accept everything, a forward policy of accept, rules the audit\n"
	"cannot model (every flow they could affect is unknown, never guessed), and\n"
	"rules that never decide a packet.  With --host NAME the ruleset is that host's\n"
	"own firewall: its input chains against every flow that ends at the host.\n"
	"Exit status 0 when every required flow is allowed and nothing is surplus or\n"
	"unknown, 1 otherwise.",
	run
};
