/* sfbnet federation: the hybrid federation rules and external access,
 * checked on the PowerShell exports of both sides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sfbnet/federation.h"

static const struct cli_opt opts[] = {
	{ "onprem", 0, "FILE", "the on-premises export (docs/federation.md)", false },
	{ "online", 0, "FILE", "Get-CsTenantFederationConfiguration | ConvertTo-Json -Depth 5", false },
	{ "can-reach", 0, "DOMAIN", "say for each side whether its users can federate with DOMAIN "
	    "(repeatable)", true },
	{ "format", 'f', "FORMAT", "text (default) or json", false },
	{ "catalog", 0, "DIR", "read the catalog from DIR instead of the built-in one", false },
	{ "output", 'o', "FILE", "write the report to FILE (whole or not at all) instead of stdout",
	    false },
	{ NULL, 0, NULL, NULL, false }
};

static int
run(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	static const char *const formats[] = { "text", "json", NULL };
	const char *reach[CLI_MAX_REPEAT], *fmt;
	sfb_federation_opts o;
	sfb_federation *f = NULL;
	sfb_status st;
	int rc;

	if ((rc = cli_format(cmd, a, formats, "text", &fmt)) != EXIT_GOOD)
		return rc;
	memset(&o, 0, sizeof(o));
	o.onprem = cli_opt(cmd, a, "onprem");
	o.online = cli_opt(cmd, a, "online");
	o.ncan_reach = cli_opt_each(cmd, a, "can-reach", reach, CLI_MAX_REPEAT);
	o.can_reach = reach;
	if (o.onprem == NULL && o.online == NULL)
		return cli_error(EXIT_USAGE, "federation: give --onprem FILE, --online FILE or both");
	if (a->npos > 0) {
		if ((rc = cli_load_topology(s, cmd, a)) != EXIT_GOOD)
			return rc;
		o.topo = s->topo;
		o.cat = s->cat;
	}
	st = sfb_federation_check(s->ctx, &o, &f);
	if (st == SFB_EIO)
		st = SFB_EINVAL;
	if (st == SFB_OK)
		st = sfb_federation_write(s->ctx, f, strcmp(fmt, "json") == 0 ? SFB_FORMAT_JSON :
		    SFB_FORMAT_TEXT, &s->out);
	if (st != SFB_OK) {
		sfb_federation_free(f);
		return cli_fail(s->ctx, st);
	}
	rc = sfb_federation_pass(f) ? EXIT_GOOD : EXIT_FINDING;
	sfb_federation_free(f);
	return rc;
}

const struct cli_cmd cmd_federation = {
	"federation", "the hybrid federation rules and external access, on the real exports",
	"[TOPOLOGY]", 0, 1, opts,
	"Check the federation configuration of both sides of a hybrid deployment, as\n"
	"PowerShell exports it (docs/federation.md): partner discovery on premises\n"
	"matches open federation online, the blocked lists and the allowed lists are\n"
	"the same, the tenant's federation is on, the SIP address space is shared\n"
	"(online, and the hosting provider sipfed.online.lync.com on premises).  With a\n"
	"TOPOLOGY: none of its SIP domains blocked, its federated partners reachable.\n"
	"--can-reach DOMAIN says for each side, under its external-access mode (on\n"
	"except for blocked domains, on only for allowed domains, off), whether its\n"
	"users can federate with DOMAIN, and why.  Exit status 1 when a rule fails or\n"
	"a domain cannot be reached.",
	run
};
