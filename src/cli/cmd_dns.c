/* sfbnet dns: the DNS records of a topology, per view. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct cli_opt opts[] = {
	{ "view", 'V', "VIEW", "internal, external, or all (default)", false },
	{ "format", 'f', "FORMAT", "zone (default: BIND zone-file lines), json, or windows "
	  "(PowerShell for Windows DNS Server)", false },
	{ "zone", 'z', "ZONE", "only the records of this zone", false },
	{ "standalone", 0, NULL, "add $TTL, SOA and NS so each zone loads as it is", false },
	{ "catalog", 0, "DIR", "read the catalog from DIR instead of the built-in one", false },
	{ "output", 'o', "FILE", "write to FILE (whole or not at all) instead of stdout", false },
	{ NULL, 0, NULL, NULL, false }
};

static int
run(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	static const char *const formats[] = { "zone", "json", "windows", NULL };
	const char *view = cli_opt(cmd, a, "view"), *fmt;
	int rc, views = SFB_DNS_ALL;
	sfb_status st;

	if ((rc = cli_format(cmd, a, formats, "zone", &fmt)) != EXIT_GOOD)
		return rc;
	if (view != NULL && strcmp(view, "internal") == 0)
		views = SFB_DNS_INTERNAL;
	else if (view != NULL && strcmp(view, "external") == 0)
		views = SFB_DNS_EXTERNAL;
	else if (view != NULL && strcmp(view, "all") != 0)
		return cli_error(EXIT_USAGE, "dns: unknown view '%s' (internal, external, all)", view);
	if ((rc = cli_load_topology(s, cmd, a)) != EXIT_GOOD)
		return rc;
	if (cli_flag(cmd, a, "standalone") && strcmp(fmt, "zone") != 0)
		return cli_error(EXIT_USAGE, "dns: --standalone applies to --format zone");
	st = sfb_dns_write(s->ctx, s->cat, s->topo, views, cli_opt(cmd, a, "zone"),
	    cli_flag(cmd, a, "standalone"), strcmp(fmt, "json") == 0 ? SFB_DNS_JSON :
	    strcmp(fmt, "windows") == 0 ? SFB_DNS_WINDOWS : SFB_DNS_ZONE, &s->out);
	cli_warnings(s->ctx);
	if (st != SFB_OK)
		return cli_fail(s->ctx, st);
	return EXIT_GOOD;
}

const struct cli_cmd cmd_dns = {
	"dns", "the DNS records a topology needs, per view", "TOPOLOGY", 1, 1, opts,
	"Write the internal and external DNS records of every SIP domain: SRV, A/AAAA\n"
	"and CNAME, with the Enterprise or Standard Edition resolution chosen from the\n"
	"topology, each with its purpose and citation (a comment in zone format).\n"
	"Records that must resolve in both views of a split-brain DNS are in both.",
	run
};
