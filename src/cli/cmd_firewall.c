/* sfbnet firewall: loadable rules for one firewall (or one Windows host) of
 * the topology. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define TARGETS "nftables, iptables, ip6tables, asa, srx, pf, windows, csv, md"

static const struct cli_opt opts[] = {
	{ "target", 't', "TARGET", TARGETS " (required)", false },
	{ "firewall", 'F', "NAME", "the firewall (required when the topology has several)", false },
	{ "host", 'H', "NAME", "the Windows host, for --target windows (required when several)", false },
	{ "mode", 'm', "MODE", "standalone (default: the whole forward policy, default drop) or "
	  "include (only sfbnet's allow rules, to hook into your own policy)", false },
	{ "table", 0, "TABLE", "nftables include: your existing table, 'FAMILY NAME' (default 'inet filter')", false },
	{ "acl", 0, "NAME", "asa include: your access list the entries are appended to", false },
	{ "nat", 0, NULL, "also the NAT the topology's public addresses imply (static, symmetric)", false },
	{ "catalog", 0, "DIR", "read the catalog from DIR instead of the built-in one", false },
	{ "output", 'o', "FILE", "write to FILE (whole or not at all) instead of stdout", false },
	{ NULL, 0, NULL, NULL, false }
};

static int
run(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	const char *tname = cli_opt(cmd, a, "target");
	const char *fw = cli_opt(cmd, a, "firewall"), *host = cli_opt(cmd, a, "host");
	const char *mode = cli_opt(cmd, a, "mode"), *table = cli_opt(cmd, a, "table");
	char fam[8];
	sfb_fw_opts o;
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
	memset(&o, 0, sizeof(o));
	if (mode != NULL && strcmp(mode, "include") == 0)
		o.mode = SFB_MODE_INCLUDE;
	else if (mode != NULL && strcmp(mode, "standalone") != 0)
		return cli_error(EXIT_USAGE, "firewall: unknown --mode '%s' (standalone, include)",
		    mode);
	if (sfb_target_per_host((sfb_target)target) &&
	    (mode != NULL || cli_flag(cmd, a, "nat")))
		return cli_error(EXIT_USAGE, "firewall: --mode and --nat apply to a firewall's "
		    "ruleset; --target %s adds rules to each host's own firewall already", tname);
	o.nat = cli_flag(cmd, a, "nat");
	o.acl = cli_opt(cmd, a, "acl");
	if (table != NULL) {
		/* "FAMILY NAME", or NAME alone (family inet) */
		const char *sp = strchr(table, ' ');

		if (sp == NULL) {
			o.nft_table = table;
		} else {
			if ((size_t)(sp - table) >= sizeof(fam))
				return cli_error(EXIT_USAGE, "firewall: --table '%s': FAMILY NAME "
				    "(inet, ip or ip6, then the table)", table);
			memcpy(fam, table, (size_t)(sp - table));
			fam[sp - table] = '\0';
			o.nft_family = fam;
			o.nft_table = sp + 1;
		}
	}
	/* A network firewall's rules need only its own flows: the plan keeps
	 * no others (a host's need every firewall's). */
	if ((rc = cli_load_plan_for(s, cmd, a, fw, 0)) != EXIT_GOOD)
		return rc;
	cli_warnings(s->ctx);
	if (sfb_target_per_host((sfb_target)target))
		st = sfb_host_firewall_write(s->ctx, s->plan, (sfb_target)target, host, &s->out);
	else
		st = sfb_firewall_write_opts(s->ctx, s->plan, (sfb_target)target, fw, &o, &s->out);
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
	"With --mode include it holds only sfbnet's allow rules, in a chain (nftables,\n"
	"iptables), your access list (asa), a group (srx) or an anchor (pf) that your\n"
	"own policy hooks in; its header says how to hook it in and how to remove it.\n"
	"--nat adds the static NAT of every public address behind the firewall:\n"
	"inbound to the inside address with the source kept, outbound from it to the\n"
	"public one.\n"
	"Targets: nftables, iptables, ip6tables (Linux), asa (Cisco ASA), srx (Juniper\n"
	"SRX), pf (OpenBSD/FreeBSD anchor), csv and md (change-ticket table), and\n"
	"windows: a PowerShell script of inbound rules for one Windows server (--host).",
	run
};
