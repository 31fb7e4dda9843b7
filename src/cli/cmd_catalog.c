/* sfbnet catalog: print what the source documents require. */
#include <stdlib.h>

#include "cli.h"

static const struct cli_opt opts[] = {
	{ "profile", 'p', "PROFILE", "only the flows of this profile", false },
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
	    (rc = cli_load_catalog(s, cmd, a)) != EXIT_GOOD)
		return rc;
	st = sfb_catalog_write(s->ctx, s->cat, cli_opt(cmd, a, "profile"),
	    (sfb_format)sfb_format_parse(fmt), &s->out);
	if (st != SFB_OK)
		return cli_fail(s->ctx, st);
	return EXIT_GOOD;
}

const struct cli_cmd cmd_catalog = {
	"catalog", "print the catalog: every flow the source documents require", NULL, 0, 0,
	opts,
	"Print the catalog: for every flow the source documents require, its roles,\n"
	"protocol, source and destination ports, purpose and citation.",
	run
};
