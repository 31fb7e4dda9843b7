/* sfbnet catalog: print what the source documents require. */
#include <stdlib.h>

#include "cli.h"

static const struct cli_opt opts[] = {
	{ "profile", 'p', "PROFILE", "only the flows of this profile" },
	{ "format", 'f', "FORMAT", "text (default), json, csv or md" },
	{ "catalog", 0, "DIR", "read the catalog from DIR instead of the built-in one" },
	{ "output", 'o', "FILE", "write to FILE (whole or not at all) instead of stdout" },
	{ NULL, 0, NULL, NULL }
};

static int
run(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	static const char *const formats[] = { "text", "json", "csv", "md", NULL };
	const char *fmt;
	char *text = NULL;
	sfb_status st;
	int rc;

	if ((rc = cli_format(cmd, a, formats, "text", &fmt)) != EXIT_GOOD ||
	    (rc = cli_load_catalog(s, cmd, a)) != EXIT_GOOD)
		goto out;
	st = sfb_catalog_write(s->ctx, s->cat, cli_opt(cmd, a, "profile"),
	    (sfb_format)sfb_format_parse(fmt), &text);
	if (st != SFB_OK) {
		rc = cli_fail(s->ctx, st);
		goto out;
	}
	rc = cli_output(cmd, a, text);
out:
	free(text);
	return rc;
}

const struct cli_cmd cmd_catalog = {
	"catalog", "print the catalog: every flow the source documents require", NULL, 0, 0,
	opts,
	"Print the catalog: for every flow the source documents require, its roles,\n"
	"protocol, source and destination ports, purpose and citation.",
	run
};
