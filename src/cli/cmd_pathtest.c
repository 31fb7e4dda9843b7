/* sfbnet responder / sfbnet probe: the two sides of the path test. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static volatile sig_atomic_t stop_flag;

static void
on_signal(int sig)
{
	stop_flag = sig;
}

/* --token SECRET or --token-file FILE (first line); NULL when neither. */
static int
read_token(const struct cli_cmd *cmd, const struct cli_args *a, char **out)
{
	const char *tok = cli_opt(cmd, a, "token"), *file = cli_opt(cmd, a, "token-file");
	char line[512];
	FILE *fp;
	size_t n;

	*out = NULL;
	if (tok != NULL && file != NULL)
		return cli_error(EXIT_USAGE, "%s: give --token or --token-file, not both", cmd->name);
	if (tok != NULL) {
		*out = strdup(tok);
		return *out != NULL ? EXIT_GOOD : cli_error(EXIT_RUNTIME, "out of memory");
	}
	if (file == NULL)
		return EXIT_GOOD;
	fp = fopen(file, "r");
	if (fp == NULL || fgets(line, sizeof(line), fp) == NULL) {
		if (fp != NULL)
			fclose(fp);
		return cli_error(EXIT_USAGE, "%s: cannot read a token from %s", cmd->name, file);
	}
	fclose(fp);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (n == 0)
		return cli_error(EXIT_USAGE, "%s: %s holds an empty token", cmd->name, file);
	*out = strdup(line);
	return *out != NULL ? EXIT_GOOD : cli_error(EXIT_RUNTIME, "out of memory");
}


static const struct cli_opt probe_opts[] = {
	{ "host", 'H', "NAME", "the host of the topology this runs on (required)", false },
	{ "to", 0, "HOST", "only the flows that end at HOST", false },
	{ "source", 0, "ADDR", "send from ADDR instead of each flow's source endpoint address",
	    false },
	{ "firewall", 'F', "NAME", "only the flows that cross firewall NAME", false },
	{ "target", 0, "NAME=ADDR", "a responder at ADDR stands in for a destination that is a "
	    "network (NAME: a role or a host; repeatable)", true },
	{ "token", 'k', "SECRET", "the session token shared with the responder", false },
	{ "token-file", 0, "FILE", "read the token from the first line of FILE", false },
	{ "connect-only", 0, NULL, "no responder: TCP connect only (UDP is not tested)", false },
	{ "timeout", 0, "MS", "longest wait per port in ms (default 500; adapts down)", false },
	{ "fixed-timeout", 0, NULL, "always wait the full --timeout (no adaptation)", false },
	{ "concurrency", 0, "N", "ports in flight at once (default rate x timeout)", false },
	{ "rate", 0, "N", "new probes per second (default 1000, safe for a production "
	    "firewall; a lab: 50000)", false },
	{ "retries", 0, "N", "UDP datagrams re-sent before \"filtered\" (default 1)", false },
	{ "single-pass", 0, NULL, "do not ask unanswered ports again (second pass, 1/4 rate)", false },
	{ "engine", 0, "ENGINE", "connect (default: a connection per port) or raw (TCP SYNs "
	    "through a raw socket, UDP in batches: lab speed, needs root)", false },
	{ "format", 'f', "FORMAT", "text (default) or json", false },
	{ "progress", 0, NULL, "progress lines on stderr", false },
	{ "catalog", 0, "DIR", "read the catalog from DIR instead of the built-in one", false },
	{ "output", 'o', "FILE", "write the report to FILE instead of stdout", false },
	{ NULL, 0, NULL, NULL, false }
};

/* --engine connect|raw (shared with twin). */
int
cli_probe_engine(const struct cli_cmd *cmd, const struct cli_args *a, int dflt, int *out)
{
	const char *e = cli_opt(cmd, a, "engine");

	*out = dflt;
	if (e == NULL)
		return EXIT_GOOD;
	if (strcmp(e, "connect") == 0)
		*out = SFB_PROBE_CONNECT;
	else if (strcmp(e, "raw") == 0)
		*out = SFB_PROBE_RAW;
	else
		return cli_error(EXIT_USAGE, "%s: unknown --engine '%s' (connect, raw)", cmd->name, e);
	return EXIT_GOOD;
}

static int
run_probe(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	static const char *const formats[] = { "text", "json", NULL };
	sfb_probe_result *res = NULL;
	const char *targets[CLI_MAX_REPEAT];
	sfb_probe_opts o;
	char *token = NULL;
	const char *fmt;
	sfb_status st;
	int rc, engine;

	memset(&o, 0, sizeof(o));
	o.retries = 1;
	if ((rc = cli_format(cmd, a, formats, "text", &fmt)) != EXIT_GOOD ||
	    (rc = cli_probe_engine(cmd, a, SFB_PROBE_CONNECT, &engine)) != EXIT_GOOD ||
	    (rc = read_token(cmd, a, &token)) != EXIT_GOOD ||
	    (rc = cli_number(cmd, a, "timeout", 600000, &o.timeout_ms)) != EXIT_GOOD ||
	    (rc = cli_number(cmd, a, "concurrency", 65536, &o.concurrency)) != EXIT_GOOD ||
	    (rc = cli_number(cmd, a, "rate", 10000000, &o.rate)) != EXIT_GOOD ||
	    (rc = cli_number(cmd, a, "retries", 10, &o.retries)) != EXIT_GOOD)
		goto out;
	if ((o.host = cli_opt(cmd, a, "host")) == NULL) {
		rc = cli_error(EXIT_USAGE, "probe: --host NAME is required");
		goto out;
	}
	if ((token == NULL) != cli_flag(cmd, a, "connect-only")) {
		rc = cli_error(EXIT_USAGE, "probe: give --token (responder mode) or --connect-only");
		goto out;
	}
	o.token = token;
	o.to_host = cli_opt(cmd, a, "to");
	o.source = cli_opt(cmd, a, "source");
	o.firewall = cli_opt(cmd, a, "firewall");
	o.ntargets = cli_opt_each(cmd, a, "target", targets, CLI_MAX_REPEAT);
	o.targets = targets;
	o.progress = cli_flag(cmd, a, "progress");
	o.fixed_timeout = cli_flag(cmd, a, "fixed-timeout");
	o.single_pass = cli_flag(cmd, a, "single-pass");
	o.engine = (sfb_probe_engine)engine;
	if ((rc = cli_load_plan(s, cmd, a)) != EXIT_GOOD)
		goto out;
	st = sfb_probe_run(s->ctx, s->plan, &o, &res);
	if (st == SFB_OK)
		st = sfb_probe_write(s->ctx, res, strcmp(fmt, "json") == 0 ? SFB_FORMAT_JSON :
		    SFB_FORMAT_TEXT, &s->out);
	if (st != SFB_OK) {
		rc = cli_fail(s->ctx, st);
		goto out;
	}
	rc = sfb_probe_all_required_pass(res) ? EXIT_GOOD : EXIT_FINDING;
out:
	free(token);
	sfb_probe_result_free(res);
	return rc;
}

const struct cli_cmd cmd_probe = {
	"probe", "probe every port of the flows from a host, across the firewall", "TOPOLOGY",
	1, 1, probe_opts,
	"For every planned flow that starts at --host, probe every destination port:\n"
	"TCP connect, UDP token datagram, with the source port the flow requires.\n"
	"Against `sfbnet responder` (same --token) the verdict per port is open (the\n"
	"responder answered), closed (RST or ICMP unreachable), filtered (no answer),\n"
	"unverified (a connection something else accepted) or error (this side could\n"
	"not send); per flow pass (every port open), partial (failing ports as ranges)\n"
	"or fail.  Exit status 1 when a required flow does not pass or nothing was\n"
	"tested.",
	run_probe
};

static const struct cli_opt responder_opts[] = {
	{ "host", 'H', "NAME", "answer for the flows that end at this host of the topology", false },
	{ "listen-tcp", 0, "PORTS", "listen on these TCP ports (e.g. 443,50000-59999)", false },
	{ "listen-udp", 0, "PORTS", "listen on these UDP ports", false },
	{ "token", 'k', "SECRET", "the session token (required, or --token-file)", false },
	{ "token-file", 0, "FILE", "read the token from the first line of FILE", false },
	{ "duration", 'd', "SECONDS", "exit after this long (required)", false },
	{ "mode", 0, "MODE", "auto (default), bind (a socket per port) or tproxy", false },
	{ "user", 0, "USER", "drop privileges to USER after binding (default nobody)", false },
	{ "verbose", 'v', NULL, "say what it listens on and what it answered", false },
	{ "catalog", 0, "DIR", "read the catalog from DIR instead of the built-in one", false },
	{ NULL, 0, NULL, NULL, false }
};

static int
run_responder(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	sfb_responder_opts o;
	const char *mode = cli_opt(cmd, a, "mode");
	struct sigaction sa;
	char *token = NULL;
	sfb_status st;
	int rc;

	memset(&o, 0, sizeof(o));
	if ((rc = read_token(cmd, a, &token)) != EXIT_GOOD ||
	    (rc = cli_number(cmd, a, "duration", 86400, &o.duration_s)) != EXIT_GOOD)
		goto out;
	if (token == NULL || o.duration_s == 0) {
		rc = cli_error(EXIT_USAGE, "responder: --token and --duration are required");
		goto out;
	}
	o.token = token;
	o.host = cli_opt(cmd, a, "host");
	o.listen_tcp = cli_opt(cmd, a, "listen-tcp");
	o.listen_udp = cli_opt(cmd, a, "listen-udp");
	o.user = cli_opt(cmd, a, "user");
	o.verbose = cli_flag(cmd, a, "verbose");
	o.stop = &stop_flag;
	if (mode == NULL || strcmp(mode, "auto") == 0)
		o.mode = SFB_RESPONDER_AUTO;
	else if (strcmp(mode, "bind") == 0)
		o.mode = SFB_RESPONDER_BIND;
	else if (strcmp(mode, "tproxy") == 0)
		o.mode = SFB_RESPONDER_TPROXY;
	else {
		rc = cli_error(EXIT_USAGE, "responder: unknown mode '%s' (auto, bind, tproxy)", mode);
		goto out;
	}
	if (o.host == NULL && o.listen_tcp == NULL && o.listen_udp == NULL) {
		rc = cli_error(EXIT_USAGE, "responder: give --host NAME (with TOPOLOGY) or "
		    "--listen-tcp/--listen-udp");
		goto out;
	}
	if (o.host != NULL && a->npos == 0) {
		rc = cli_error(EXIT_USAGE, "responder: --host needs a TOPOLOGY");
		goto out;
	}
	if (a->npos > 0 && (rc = cli_load_plan(s, cmd, a)) != EXIT_GOOD)
		goto out;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	st = sfb_responder_run(s->ctx, s->plan, &o);
	if (st != SFB_OK)
		rc = cli_fail(s->ctx, st);
out:
	free(token);
	return rc;
}

const struct cli_cmd cmd_responder = {
	"responder", "answer path-test probes behind the firewall", "[TOPOLOGY]", 0, 1,
	responder_opts,
	"Listen on every destination port of every planned flow that ends at --host\n"
	"(TCP and UDP, whole ranges), or on --listen-tcp/--listen-udp, and answer only\n"
	"probes that carry the session token, never with more bytes than received.\n"
	"Drops privileges once bound and exits after --duration.  When the ports do not\n"
	"fit the descriptor limit, tproxy mode (root, nftables) funnels each protocol\n"
	"into one socket and recovers the original port.",
	run_responder
};
