/* sfbnet report: one HTML page with the deployment drawn and the results
 * on it. */
#include <string.h>

#include "cli.h"

static const struct cli_opt opts[] = {
	{ "results", 'r', "FILE", "the --format json output of check, audit, probe or twin, "
	    "drawn on its flows and hosts (repeatable)", true },
	{ "catalog", 0, "DIR", "read the catalog from DIR instead of the built-in one", false },
	{ "output", 'o', "FILE", "write the page to FILE (whole or not at all) instead of stdout",
	    false },
	{ NULL, 0, NULL, NULL, false }
};

static int
run(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	const char *files[CLI_MAX_REPEAT];
	sfb_report_opts o;
	sfb_status st;
	int rc;

	memset(&o, 0, sizeof(o));
	o.nresults = cli_opt_each(cmd, a, "results", files, CLI_MAX_REPEAT);
	o.results = files;
	if ((rc = cli_load_plan(s, cmd, a)) != EXIT_GOOD)
		return rc;
	if ((st = sfb_report_html(s->ctx, s->plan, &o, &s->out)) != SFB_OK)
		return cli_fail(s->ctx, st);
	return EXIT_GOOD;
}

const struct cli_cmd cmd_report = {
	"report", "one self-contained HTML page: the deployment drawn, results on it, the tables",
	"TOPOLOGY", 1, 1, opts,
	"Write one HTML page (inline SVG, style and script; nothing is loaded from the\n"
	"network): the zones, firewalls and hosts drawn by Graphviz with an arrow per\n"
	"pair of hosts a planned flow joins, labelled with its protocols and ports;\n"
	"the results of --results files (check, audit, probe, twin) coloured on their\n"
	"arrows (pass green, partial amber, fail red, unknown grey); a click on an\n"
	"arrow, a host or a firewall shows its flows, ports, purposes, citations and\n"
	"results; the rules of each firewall, the DNS records, the certificates and\n"
	"the results as filterable tables; a print style sheet for the change board.",
	run
};
