/* sfbnet firewall: loadable rules for one firewall (or one Windows host) of
 * the topology. */
#include <stdlib.h>

#include "cli.h"

#define TARGETS "nftables, iptables, ip6tables, asa, srx, pf, windows, csv, md"

static const struct cli_opt opts[] = {
	{ "target", 't', "TARGET", TARGETS " (required)" },
	{ "firewall", 'F', "NAME", "the firewall (required when the topology has several)" },
	{ "host", 'H', "NAME", "the Windows host, for --target windows (required when several)" },
	{ "catalog", 0, "DIR", "read the catalog from DIR instead of the built-in one" },
	{ "output", 'o', "FILE", "write to FILE (whole or not at all) instead of stdout" },
	{ NULL, 0, NULL, NULL }
};

static int
run(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	const char *tname = cli_opt(cmd, a, "target");
	const char *fw = cli_opt(cmd, a, "firewall"), *host = cli_opt(cmd, a, "host");
	sfb_status st;
	int rc, target;

	if (tname == NULL)
		return cli_error(EXIT_USAGE, "firewall: --target is required (" TARGETS ")");
	if ((target = sfb_target_parse(tname)) < 0)
		return cli_error(EXIT_USAGE, "firewall: unknown target '%s' (" TARGETS ")", tname);
	/* A host firewall and a network firewall are chosen differently; an
	 * option that would be ignored is refused instead. */
	if (sfb_target_per_host((sfb_target)target) && fw != NULL)
		return cli_error(EXIT_USAGE, "firewall: --target %s writes the rules of one host: "
		    "use --host, not --firewall", tname);
	if (!sfb_target_per_host((sfb_target)target) && host != NULL)
		return cli_error(EXIT_USAGE, "firewall: --host applies to --target windows only");
	/* A network firewall's rules need only its own flows: the plan keeps
	 * no others (a host's need every firewall's). */
	if ((rc = cli_load_plan_for(s, cmd, a, fw, 0)) != EXIT_GOOD)
		return rc;
	cli_warnings(s->ctx);
	if (sfb_target_per_host((sfb_target)target))
		st = sfb_host_firewall_write(s->ctx, s->plan, (sfb_target)target, host, &s->out);
	else
		st = sfb_firewall_write(s->ctx, s->plan, (sfb_target)target, fw, &s->out);
	if (st != SFB_OK)
		return cli_fail(s->ctx, st);
	return EXIT_GOOD;
}

const struct cli_cmd cmd_firewall = {
	"firewall", "generate the rules of one firewall", "TOPOLOGY", 1, 1, opts,
	"Generate a stateful, default-drop ruleset for the forward path of one firewall\n"
	"of TOPOLOGY: established and related traffic accepted once, new connections\n"
	"only where a planned flow requires them, one comment per rule naming the flow\n"
	"and its citation.  The output loads as-is, and loading it again replaces it.\n"
	"Targets: nftables, iptables, ip6tables (Linux), asa (Cisco ASA), srx (Juniper\n"
	"SRX), pf (OpenBSD/FreeBSD anchor), csv and md (change-ticket table), and\n"
	"windows: a PowerShell script of inbound rules for one Windows server (--host).",
	run
};
