/* sfbnet — the twin: the whole topology built as network namespaces, a
 * namespace per zone and per firewall, each firewall loaded with its rules,
 * and every planned flow probed across them with real packets. */
#ifndef SFBNET_TWIN_H
#define SFBNET_TWIN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "sfbnet/catalog.h"
#include "sfbnet/context.h"
#include "sfbnet/pathtest.h"
#include "sfbnet/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

/* New probes per second in the twin: no IPS stands between its
 * namespaces, so lab settings; what the machine can carry is the limit.
 * The raw engine costs the kernel a fraction of a connection per probe
 * (docs/benchmarks.md, "Twin"). */
#define SFB_TWIN_DEFAULT_RATE 20000
#define SFB_TWIN_DEFAULT_RATE_RAW 100000

/* The user's own ruleset for one firewall instead of the generated one. */
typedef struct sfb_twin_ruleset {
	const char *firewall;    /* a firewall of the topology */
	const char *file;        /* nftables (nft -f) or iptables-save text */
} sfb_twin_ruleset;

typedef struct sfb_twin_opts {
	const sfb_twin_ruleset *rulesets;
	size_t nrulesets;
	bool nat;                /* load the NAT of the public addresses too, and
	                          * reach them on those from the outside zone */
	unsigned sample;         /* probe at most this many ports of a flow
	                          * destination, spread over its range (0: all) */
	unsigned rate;           /* new probes per second (0: SFB_TWIN_DEFAULT_RATE,
	                          * or _RAW with the raw engine) */
	unsigned timeout_ms;     /* per port at most (0: 500) */
	sfb_probe_engine engine; /* how the probes are sent (the CLI: raw) */
	bool keep;               /* leave the namespaces for a look afterwards */
	/* Progress lines (NULL: none). */
	void (*log)(void *arg, const char *line);
	void *log_arg;
	/* Stop early once this becomes non-zero; the namespaces are removed. */
	const volatile sig_atomic_t *stop;
} sfb_twin_opts;

typedef struct sfb_twin_result sfb_twin_result;

/* Build the twin of plan's topology, probe it, take it down.  Needs root
 * (namespaces, nftables) and ip(8) and nft(8); a ruleset in iptables-save
 * form needs iptables-restore.  The plan must be of every firewall
 * (sfb_plan_build).  Bad input (an unknown firewall, an unreadable or
 * unloadable ruleset) is SFB_EINVAL / SFB_ENOTFOUND; what the machine
 * cannot do, SFB_EIO. */
sfb_status sfb_twin_run(sfb_ctx *ctx, const sfb_plan *plan, const sfb_twin_opts *opts,
    sfb_twin_result **out);
void sfb_twin_result_free(sfb_twin_result *r);
/* True when every required flow passed and no unplanned probe got
 * through (and the run was not cut short). */
bool sfb_twin_ok(const sfb_twin_result *r);
sfb_status sfb_twin_write(sfb_ctx *ctx, const sfb_twin_result *r, sfb_format fmt, char **out);

#ifdef __cplusplus
}
#endif
#endif
