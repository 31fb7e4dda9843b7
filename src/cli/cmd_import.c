/* sfbnet import topology|o365: what admins already have, turned into
 * sfbnet's input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sfbnet/import.h"

static const struct cli_opt opts[] = {
	{ "output", 'o', "FILE", "write to FILE (whole or not at all) instead of stdout", false },
	{ "address", 'a', "FQDN=IP", "topology: the address of a machine or service FQDN "
	    "(repeatable)", true },
	{ "addresses", 0, "FILE.csv", "topology: FQDN,IP lines", false },
	{ "into", 0, "TOPOLOGY", "o365: a copy of TOPOLOGY with the ranges in its office365 "
	    "endpoints", false },
	{ "optional", 0, NULL, "o365: the optional rows too", false },
	{ "catalog", 0, "DIR", "read the catalog from DIR instead of the built-in one", false },
	{ NULL, 0, NULL, NULL, false }
};

/* An option of the other kind is a usage error, not silently ignored. */
static int
only_for(const struct cli_cmd *cmd, const struct cli_args *a, const char *kind,
    const char *const *names)
{
	const char *v[1];

	for (; *names != NULL; names++)
		if (cli_flag(cmd, a, *names) || cli_opt_each(cmd, a, *names, v, 1) > 0)
			return cli_error(EXIT_USAGE, "import: --%s is for 'import %s' only",
			    *names, strcmp(kind, "topology") == 0 ? "o365" : "topology");
	return EXIT_GOOD;
}

static int
run_topology(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	static const char *const other[] = { "into", "optional", NULL };
	const char *addr[CLI_MAX_REPEAT];
	sfb_import_topology_opts o;
	sfb_status st;
	int rc;

	if ((rc = only_for(cmd, a, "topology", other)) != EXIT_GOOD ||
	    (rc = cli_load_catalog(s, cmd, a)) != EXIT_GOOD)
		return rc;
	memset(&o, 0, sizeof(o));
	o.naddresses = cli_opt_each(cmd, a, "address", addr, CLI_MAX_REPEAT);
	o.addresses = addr;
	o.addresses_file = cli_opt(cmd, a, "addresses");
	st = sfb_import_topology(s->ctx, s->cat, a->pos[1], &o, &s->out);
	cli_warnings(s->ctx);
	if (st == SFB_EIO)  /* an input that cannot be read is bad input */
		st = SFB_EINVAL;
	return st == SFB_OK ? EXIT_GOOD : cli_fail(s->ctx, st);
}

static int
run_o365(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	static const char *const other[] = { "address", "addresses", NULL };
	sfb_import_o365_opts o;
	sfb_status st;
	int rc;

	if ((rc = only_for(cmd, a, "o365", other)) != EXIT_GOOD ||
	    (rc = cli_load_catalog(s, cmd, a)) != EXIT_GOOD)
		return rc;
	memset(&o, 0, sizeof(o));
	o.into = cli_opt(cmd, a, "into");
	o.optional = cli_flag(cmd, a, "optional");
	st = sfb_import_o365(s->ctx, s->cat, a->pos[1], &o, &s->out);
	cli_warnings(s->ctx);
	if (st == SFB_EIO)
		st = SFB_EINVAL;
	return st == SFB_OK ? EXIT_GOOD : cli_fail(s->ctx, st);
}

static int
run(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	if (strcmp(a->pos[0], "topology") == 0)
		return run_topology(cmd, a, s);
	if (strcmp(a->pos[0], "o365") == 0)
		return run_o365(cmd, a, s);
	return cli_error(EXIT_USAGE, "import: unknown kind '%s': 'topology' or 'o365'",
	    a->pos[0]);
}

const struct cli_cmd cmd_import = {
	"import", "turn a Topology Builder topology or Office 365 endpoints into sfbnet input",
	"topology|o365 FILE", 2, 2, opts,
	"import topology FILE: read a published topology (Get-CsTopology -AsXml,\n"
	"DefaultTopology.xml) or a Topology Builder file (.tbxml), UTF-8 or UTF-16\n"
	"with a byte-order mark, and write a version 2 topology: SIP domains, simple\n"
	"URLs, sites, pools with their version, members and associations, machines,\n"
	"the Edge's interfaces with NAT and the real ports of its services.  Addresses\n"
	"the XML does not hold come from --address and --addresses; what is still\n"
	"missing is written as a placeholder that validate names with its line.\n"
	"\n"
	"import o365 FILE: read the Office 365 IP address and URL web service JSON\n"
	"and write the networks of the office365 role (the Skype rows' ranges; the\n"
	"optional rows too with --optional) as a host to paste into a topology, or\n"
	"with --into a copy of that topology whose office365 endpoints carry them.\n"
	"Ports no catalog flow has are reported, URL-only rows listed for a proxy\n"
	"(docs/import.md).\n"
	"\n"
	"What could not be mapped is reported on stderr (element or id, and why).\n"
	"Malformed input: exit status 2, the file, line and column, nothing written.",
	run
};
