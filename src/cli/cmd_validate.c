/* sfbnet validate: load a topology, check it, and say what the plan holds. */
#include <stdio.h>

#include "cli.h"

static const struct cli_opt opts[] = {
	{ "catalog", 0, "DIR", "read the catalog from DIR instead of the built-in one" },
	{ "strict", 0, NULL, "exit 1 when there are warnings" },
	{ NULL, 0, NULL, NULL }
};

static int
run(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	size_t nwarn;
	sfb_status st;
	int rc;

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
	"lengths: warnings with their citations), and print a one-line summary.",
	run
};
