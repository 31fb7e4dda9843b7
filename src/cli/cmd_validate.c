/* sfbnet validate: load a topology, check it, and say what the plan holds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct cli_opt opts[] = {
	{ "format", 'f', "FORMAT", "text (default: messages on stderr, a summary line) or json", false },
	{ "catalog", 0, "DIR", "read the catalog from DIR instead of the built-in one", false },
	{ "strict", 0, NULL, "exit 1 when there are warnings", false },
	{ "output", 'o', "FILE", "json: write to FILE (whole or not at all) instead of stdout", false },
	{ NULL, 0, NULL, NULL, false }
};

/* --format json: every error and warning as one document on stdout (or
 * -o FILE once the file is valid); the exit status as for text. */
static int
run_json(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	const char *file = a->pos[0];
	sfb_validate_summary sum;
	sfb_status st, jst;
	char *doc = NULL;
	int rc;

	if ((rc = cli_load_catalog(s, cmd, a)) != EXIT_GOOD)
		return rc;
	memset(&sum, 0, sizeof(sum));
	st = sfb_topology_load(s->ctx, s->cat, file, &s->topo);
	if (st == SFB_EIO)  /* a topology file that cannot be read is bad input */
		st = SFB_EINVAL;
	if (st == SFB_OK)
		st = sfb_plan_build_for(s->ctx, s->cat, s->topo, NULL, SFB_PLAN_COUNT_ONLY, &s->plan);
	if (st == SFB_OK)
		st = sfb_dns_lint(s->ctx, s->cat, s->topo);
	if (st == SFB_OK) {
		sum.topology = sfb_topology_name(s->topo);
		sum.zones = sfb_topology_zone_count(s->topo);
		sum.firewalls = sfb_topology_firewall_count(s->topo);
		sum.hosts = sfb_topology_host_count(s->topo);
		sum.flows_through = sfb_plan_firewall_flow_count(s->plan);
		sum.flows_inside = sfb_plan_flow_count(s->plan) - sum.flows_through;
	}
	if ((jst = sfb_diagnostics_json(s->ctx, file, &sum, &doc)) != SFB_OK)
		return cli_fail(s->ctx, jst);
	if (st != SFB_OK) {
		/* Bad input: the document still goes to stdout (never to -o:
		 * nothing is written on failure). */
		fputs(doc, stdout);
		free(doc);
		return cli_status_exit(st);
	}
	s->out = doc;
	return sfb_ctx_warning_total(s->ctx) > 0 && cli_flag(cmd, a, "strict") ?
	    EXIT_FINDING : EXIT_GOOD;
}

static int
run(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	static const char *const formats[] = { "text", "json", NULL };
	const char *fmt;
	size_t nwarn;
	sfb_status st;
	int rc;

	if ((rc = cli_format(cmd, a, formats, "text", &fmt)) != EXIT_GOOD)
		return rc;
	if (strcmp(fmt, "json") == 0)
		return run_json(cmd, a, s);
	if (cli_opt(cmd, a, "output") != NULL)
		return cli_error(EXIT_USAGE, "validate: -o applies to --format json");
	if ((rc = cli_load_plan_for(s, cmd, a, NULL, SFB_PLAN_COUNT_ONLY)) != EXIT_GOOD)
		return rc;
	st = sfb_dns_lint(s->ctx, s->cat, s->topo);
	cli_warnings(s->ctx);
	if (st != SFB_OK)
		return cli_fail(s->ctx, st);
	nwarn = sfb_ctx_warning_total(s->ctx);
	printf("%s: valid: topology '%s', %zu zone(s), %zu firewall(s), %zu host(s), "
	    "%zu flow(s) through firewalls, %zu inside zones, %zu warning(s)\n", a->pos[0],
	    sfb_topology_name(s->topo), sfb_topology_zone_count(s->topo),
	    sfb_topology_firewall_count(s->topo), sfb_topology_host_count(s->topo),
	    sfb_plan_firewall_flow_count(s->plan),
	    sfb_plan_flow_count(s->plan) - sfb_plan_firewall_flow_count(s->plan), nwarn);
	return nwarn > 0 && cli_flag(cmd, a, "strict") ? EXIT_FINDING : EXIT_GOOD;
}

const struct cli_cmd cmd_validate = {
	"validate", "check a topology file", "TOPOLOGY", 1, 1, opts,
	"Load TOPOLOGY, check it strictly (errors as FILE:LINE:COLUMN: message, exit\n"
	"status 2), build the plan, check it against the DNS and certificate rules\n"
	"(federation SRV name matching, Edge public addresses, simple URLs, name\n"
	"lengths: warnings with their citations), and print a one-line summary.\n"
	"The firewalls, hosts and endpoints of a file are read on past a bad entry,\n"
	"so every bad one is named in one run.  --format json prints every error and\n"
	"warning as one document (file, line, column, severity, code, message,\n"
	"citation) with a verdict: pass, warn or error.",
	run
};
