/* sfbnet twin: the topology emulated in network namespaces with its rules,
 * every planned flow probed across them. */
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

static const struct cli_opt opts[] = {
	{ "ruleset", 'r', "FIREWALL=FILE", "load FILE (nftables, or iptables-save output) into "
	    "FIREWALL instead of the generated rules (repeatable)", true },
	{ "nat", 0, NULL, "emulate the NAT of the public addresses (generated rules: with "
	    "--nat); the outside reaches them on those", false },
	{ "sample", 0, "N", "probe at most N ports of each flow destination, spread over its "
	    "range (default: every port)", false },
	{ "rate", 0, "N", "new probes per second (default 100000; 20000 with --engine connect)",
	    false },
	{ "timeout", 0, "MS", "longest wait per port in ms (default 500; adapts down)", false },
	{ "engine", 0, "ENGINE", "raw (default: TCP SYNs through a raw socket, UDP in batches) or "
	    "connect (a connection per port)", false },
	{ "keep", 0, NULL, "leave the namespaces for a look afterwards (ip netns del each)",
	    false },
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
	const char *vals[CLI_MAX_REPEAT], *fmt, *eq;
	sfb_twin_ruleset rs[CLI_MAX_REPEAT];
	char *names = NULL;
	size_t n, i, off = 0, total = 0;
	struct sigaction sa, old_int, old_term;
	sfb_twin_result *tw = NULL;
	sfb_twin_opts o;
	sfb_status st;
	int rc, engine;

	memset(&o, 0, sizeof(o));
	if ((rc = cli_format(cmd, a, formats, "text", &fmt)) != EXIT_GOOD ||
	    (rc = cli_probe_engine(cmd, a, SFB_PROBE_RAW, &engine)) != EXIT_GOOD ||
	    (rc = cli_number(cmd, a, "sample", 65536, &o.sample)) != EXIT_GOOD ||
	    (rc = cli_number(cmd, a, "rate", 10000000, &o.rate)) != EXIT_GOOD ||
	    (rc = cli_number(cmd, a, "timeout", 600000, &o.timeout_ms)) != EXIT_GOOD)
		return rc;
	n = cli_opt_each(cmd, a, "ruleset", vals, CLI_MAX_REPEAT);
	for (i = 0; i < n; i++)
		total += strlen(vals[i]) + 1;
	if (n > 0 && (names = malloc(total)) == NULL)
		return cli_error(EXIT_RUNTIME, "out of memory");
	for (i = 0; i < n; i++) {
		eq = strchr(vals[i], '=');
		if (eq == NULL || eq == vals[i] || eq[1] == '\0') {
			rc = cli_error(EXIT_USAGE, "twin: --ruleset %s: write FIREWALL=FILE", vals[i]);
			goto out;
		}
		memcpy(names + off, vals[i], (size_t)(eq - vals[i]));
		names[off + (size_t)(eq - vals[i])] = '\0';
		rs[i].firewall = names + off;
		rs[i].file = eq + 1;
		off += (size_t)(eq - vals[i]) + 1;
	}
	o.rulesets = rs;
	o.nrulesets = n;
	o.engine = (sfb_probe_engine)engine;
	o.nat = cli_flag(cmd, a, "nat");
	o.keep = cli_flag(cmd, a, "keep");
	if (cli_flag(cmd, a, "progress"))
		o.log = cli_log_line;
	o.stop = &stop_flag;
	if ((rc = cli_load_plan(s, cmd, a)) != EXIT_GOOD)
		goto out;
	/* Ctrl-C or a kill: the run stops and its namespaces are removed. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	signal(SIGPIPE, SIG_IGN);
	st = sfb_twin_run(s->ctx, s->plan, &o, &tw);
	signal(SIGPIPE, SIG_DFL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (st == SFB_OK && stop_flag != 0) {
		rc = cli_error(EXIT_RUNTIME, "twin: stopped by signal %d; the namespaces are removed",
		    (int)stop_flag);
		goto out;
	}
	if (st == SFB_OK)
		st = sfb_twin_write(s->ctx, tw, strcmp(fmt, "json") == 0 ? SFB_FORMAT_JSON :
		    SFB_FORMAT_TEXT, &s->out);
	if (st != SFB_OK) {
		rc = cli_fail(s->ctx, st);
		goto out;
	}
	rc = sfb_twin_ok(tw) ? EXIT_GOOD : EXIT_FINDING;
out:
	sfb_twin_result_free(tw);
	free(names);
	return rc;
}

const struct cli_cmd cmd_twin = {
	"twin", "emulate the whole topology in network namespaces and prove its rules with packets",
	"TOPOLOGY", 1, 1, opts,
	"Build the topology as network namespaces: one per zone holding its endpoints'\n"
	"addresses (a network endpoint gets one address of its network; the internet,\n"
	"198.18.0.0/15), one per firewall routing between its zones with the generated\n"
	"nftables rules loaded (or --ruleset FIREWALL=FILE).  Then a responder in every\n"
	"zone answers and a prober in every zone sends: every planned flow that crosses\n"
	"a firewall, on every port (--sample N: N of them), from its source endpoint's\n"
	"address, and a sample of what the plan does not allow between the same\n"
	"endpoints (common services, the ports next to each allowed range).  Per flow:\n"
	"pass, partial or fail with the failing ports as ranges; every unplanned probe\n"
	"that got through is \"unexpected\".  Exit status 1 when a required flow does\n"
	"not pass or something unplanned passes.  Needs root, ip and nft; no packet\n"
	"leaves the namespaces, which are removed at the end, on error and on SIGINT\n"
	"or SIGTERM (a run killed outright is swept up by the next one).",
	run
};
