/* sfbnet validate: load a topology, check it, and say what the plan holds. */
#include <stdio.h>

#include "cli.h"

static const struct cli_opt opts[] = {
	{ "catalog", 0, "DIR", "read the catalog from DIR instead of the built-in one" },
	{ "strict", 0, NULL, "exit 1 when there are warnings" },
	{ NULL, 0, NULL, NULL }
};

static int
run(const struct cli_cmd *cmd, struct cli_args *a)
{
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_catalog *cat = NULL;
	sfb_topology *topo = NULL;
	sfb_plan *plan = NULL;
	size_t nwarn;
	sfb_status st;
	int rc;

	if (ctx == NULL)
		return cli_error(EXIT_RUNTIME, "out of memory");
	if ((rc = cli_load_plan(ctx, cmd, a, &cat, &topo, &plan)) != EXIT_GOOD)
		goto out;
	st = sfb_dns_lint(ctx, cat, topo);
	cli_warnings(ctx);
	if (st != SFB_OK) {
		rc = cli_fail(ctx, st);
		goto out;
	}
	nwarn = sfb_ctx_warning_count(ctx);
	printf("%s: valid: topology '%s', %zu zone(s), %zu firewall(s), %zu host(s), "
	    "%zu flow(s) through firewalls, %zu inside zones, %zu warning(s)\n", a->pos[0],
	    sfb_topology_name(topo), sfb_topology_zone_count(topo),
	    sfb_topology_firewall_count(topo), sfb_topology_host_count(topo),
	    sfb_plan_firewall_flow_count(plan),
	    sfb_plan_flow_count(plan) - sfb_plan_firewall_flow_count(plan), nwarn);
	rc = nwarn > 0 && cli_flag(cmd, a, "strict") ? EXIT_FINDING : EXIT_GOOD;
out:
	sfb_plan_free(plan);
	sfb_topology_free(topo);
	sfb_catalog_free(cat);
	sfb_ctx_free(ctx);
	return rc;
}

const struct cli_cmd cmd_validate = {
	"validate", "check a topology file", "TOPOLOGY", 1, 1, opts,
	"Load TOPOLOGY, check it strictly (errors as FILE:LINE:COLUMN: message, exit\n"
	"status 2), build the plan, check it against the DNS and certificate rules\n"
	"(federation SRV name matching, Edge public addresses, simple URLs, name\n"
	"lengths: warnings with their citations), and print a one-line summary.",
	run
};
