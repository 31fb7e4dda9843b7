/* sfbnet check: live checks from where it runs, against the plan. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "sfbnet/check.h"

static const struct cli_opt opts[] = {
	{ "from", 'F', "ZONE", "the zone of the topology this machine is in (with TOPOLOGY)", false },
	{ "domain", 'd', "DOMAIN", "no topology: the external checks of DOMAIN from DNS alone",
	    false },
	{ "partners", 'p', "FILE", "federation partners to check, one domain per line", false },
	{ "dns-server", 0, "ADDR", "ask this DNS server, ADDR[:PORT] (default: /etc/resolv.conf; "
	    "IPv6 as [ADDR]:PORT)", false },
	{ "ca-file", 0, "FILE", "trust the CA certificates in FILE (PEM) instead of the system "
	    "store", false },
	{ "timeout", 0, "MS", "longest wait per step in ms (default 3000)", false },
	{ "concurrency", 0, "N", "checks at once (default 256)", false },
	{ "format", 'f', "FORMAT", "text (default) or json", false },
	{ "progress", 0, NULL, "progress lines on stderr", false },
	{ "catalog", 0, "DIR", "read the catalog from DIR instead of the built-in one", false },
	{ "output", 'o', "FILE", "write the report to FILE (whole or not at all) instead of stdout",
	    false },
	{ NULL, 0, NULL, NULL, false }
};

static int
run(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	static const char *const formats[] = { "text", "json", NULL };
	const char *fmt, *partners_file;
	char **partners = NULL;
	size_t npartners = 0;
	sfb_check_opts o;
	sfb_check *c = NULL;
	sfb_status st;
	int rc;

	memset(&o, 0, sizeof(o));
	if ((rc = cli_format(cmd, a, formats, "text", &fmt)) != EXIT_GOOD ||
	    (rc = cli_number(cmd, a, "timeout", 600000, &o.timeout_ms)) != EXIT_GOOD ||
	    (rc = cli_number(cmd, a, "concurrency", 65536, &o.concurrency)) != EXIT_GOOD)
		return rc;
	o.from = cli_opt(cmd, a, "from");
	o.domain = cli_opt(cmd, a, "domain");
	o.dns_server = cli_opt(cmd, a, "dns-server");
	o.ca_file = cli_opt(cmd, a, "ca-file");
	partners_file = cli_opt(cmd, a, "partners");
	if (a->npos == 0 && o.domain == NULL && partners_file == NULL)
		return cli_error(EXIT_USAGE, "check: give a TOPOLOGY with --from ZONE, --domain DOMAIN "
		    "or --partners FILE");
	if (a->npos > 0 && o.from == NULL)
		return cli_error(EXIT_USAGE, "check: with a TOPOLOGY, --from ZONE says where this "
		    "machine is");
	if (a->npos == 0 && o.from != NULL)
		return cli_error(EXIT_USAGE, "check: --from needs a TOPOLOGY");
	if (cli_flag(cmd, a, "progress"))
		o.log = cli_log_line;
	if (a->npos > 0) {
		if ((rc = cli_load_plan(s, cmd, a)) != EXIT_GOOD)
			return rc;
		o.plan = s->plan;
	} else if (o.domain != NULL) {
		if ((rc = cli_load_catalog(s, cmd, a)) != EXIT_GOOD)
			return rc;
		o.cat = s->cat;
	}
	if (partners_file != NULL) {
		if ((st = sfb_check_read_partners(s->ctx, partners_file, &partners, &npartners)) !=
		    SFB_OK)
			return cli_fail(s->ctx, st == SFB_EIO ? SFB_EINVAL : st);
		o.partners = (const char *const *)partners;
		o.npartners = npartners;
	}
	/* A TLS server that resets the connection while OpenSSL writes must
	 * give that check an error (EPIPE), not end the run. */
	signal(SIGPIPE, SIG_IGN);
	st = sfb_check_run(s->ctx, &o, &c);
	signal(SIGPIPE, SIG_DFL);
	if (st == SFB_OK)
		st = sfb_check_write(s->ctx, c, strcmp(fmt, "json") == 0 ? SFB_FORMAT_JSON :
		    SFB_FORMAT_TEXT, &s->out);
	if (st != SFB_OK)
		rc = cli_fail(s->ctx, st);
	else
		rc = sfb_check_failures(c) == 0 ? EXIT_GOOD : EXIT_FINDING;
	sfb_check_free(c);
	sfb_check_partners_free(partners, npartners);
	return rc;
}

const struct cli_cmd cmd_check = {
	"check", "prove DNS discovery, TLS, MS-TURN, SIP and autodiscover live, against the plan",
	"[TOPOLOGY]", 0, 1, opts,
	"From the zone this machine is in (--from), check what the plan says a client or\n"
	"server there needs: every DNS record of that view, the client's discovery order\n"
	"(lyncdiscoverinternal, lyncdiscover, _sipinternaltls, _sipinternal, _sip._tls\n"
	"outside, sipinternal, sip, sipexternal outside), the federation SRV records,\n"
	"TCP to every planned service, TLS (the chain, every name of the planned\n"
	"certificate, server EKU, expiry, TLS 1.0/1.1 offered), the A/V Edge's media\n"
	"relay (an MS-TURN Allocate and a STUN Binding; the addresses it names against\n"
	"the topology's public address), SIP OPTIONS over TLS and autodiscover with its\n"
	"links.  --domain checks a domain from DNS alone; --partners checks federation\n"
	"partners' SRV records.  One event loop runs every check; each finding has a\n"
	"verdict, a reason, what was seen and a citation (docs/check.md).  Probes go only\n"
	"to the addresses of the plan and the names DNS gives.  Exit status 1 when a\n"
	"check fails.",
	run
};
