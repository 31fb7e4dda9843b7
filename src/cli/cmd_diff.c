/* sfbnet diff: what changes between two topologies (the change ticket). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sfbnet/diff.h"

static const struct cli_opt opts[] = {
	{ "firewall", 'F', "NAME", "only the rules of this firewall", false },
	{ "format", 'f', "FORMAT", "text (default), json or md", false },
	{ "catalog", 0, "DIR", "read the catalog from DIR instead of the built-in one", false },
	{ "output", 'o', "FILE", "write to FILE (whole or not at all) instead of stdout", false },
	{ NULL, 0, NULL, NULL, false }
};

static int
run(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	static const char *const formats[] = { "text", "json", "md", NULL };
	sfb_topology *old = NULL, *new_ = NULL;
	sfb_diff *d = NULL;
	const char *fmt;
	sfb_status st;
	int rc;

	if ((rc = cli_format(cmd, a, formats, "text", &fmt)) != EXIT_GOOD ||
	    (rc = cli_load_catalog(s, cmd, a)) != EXIT_GOOD)
		return rc;
	st = sfb_topology_load(s->ctx, s->cat, a->pos[0], &old);
	if (st == SFB_OK)
		st = sfb_topology_load(s->ctx, s->cat, a->pos[1], &new_);
	if (st == SFB_EIO)   /* a topology that cannot be read is bad input */
		st = SFB_EINVAL;
	if (st == SFB_OK)
		st = sfb_diff_run(s->ctx, s->cat, old, new_, cli_opt(cmd, a, "firewall"), &d);
	if (st == SFB_OK)
		st = sfb_diff_write(s->ctx, d, strcmp(fmt, "json") == 0 ? SFB_FORMAT_JSON :
		    strcmp(fmt, "md") == 0 ? SFB_FORMAT_MD : SFB_FORMAT_TEXT, &s->out);
	rc = st != SFB_OK ? cli_fail(s->ctx, st) : sfb_diff_changed(d) ? EXIT_FINDING : EXIT_GOOD;
	sfb_diff_free(d);
	sfb_topology_free(old);
	sfb_topology_free(new_);
	return rc;
}

const struct cli_cmd cmd_diff = {
	"diff", "what changes between two topologies: rules, DNS records, certificates",
	"OLD_TOPOLOGY NEW_TOPOLOGY", 2, 2, opts,
	"Compare two topologies for a change ticket: per firewall (matched by name)\n"
	"and catalog flow, the packets the new plan lets through that the old did not\n"
	"(added, widened) and the reverse (removed, narrowed), as protocol, address\n"
	"sets and port ranges; firewalls added or removed; DNS records and the\n"
	"certificates' subjects and SANs added or removed.  Exit status 1 when\n"
	"something changes, 0 when nothing does.",
	run
};
