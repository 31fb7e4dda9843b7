/* sfbnet — the two-sided path test: a responder behind the firewall, a
 * prober in front of it, both driven by the plan. */
#ifndef SFBNET_PATHTEST_H
#define SFBNET_PATHTEST_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "sfbnet/catalog.h"
#include "sfbnet/context.h"
#include "sfbnet/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

/* New probes per second unless told otherwise: safe for a production
 * firewall's intrusion prevention; a lab takes --rate 50000. */
#define SFB_PROBE_DEFAULT_RATE 1000

/* How the probes are sent.  connect: a socket and a connection per port,
 * no privilege needed; every open TCP port has shown the responder's
 * token.  raw: TCP as SYNs through a raw socket and UDP in batches from a
 * few sockets, for lab speed; it needs root or CAP_NET_RAW, and checks
 * the token of TCP on a few ports per destination (docs/pathtest.md). */
typedef enum sfb_probe_engine {
	SFB_PROBE_CONNECT,
	SFB_PROBE_RAW
} sfb_probe_engine;

typedef struct sfb_probe_opts {
	const char *host;        /* probe the flows that start at this host */
	const char *to_host;     /* only those ending at this host (NULL: all) */
	/* Send from this address instead of each flow's source endpoint's
	 * (NULL: the endpoint's, which this machine must hold). */
	const char *source;
	/* Only the flows that cross this firewall (NULL: all). */
	const char *firewall;
	/* Where a responder stands in for a destination that is a network (the
	 * internet, partners, Office 365): "ROLE=ADDRESS" or "HOST=ADDRESS";
	 * without one such a destination is skipped. */
	const char *const *targets;
	size_t ntargets;
	const char *token;       /* session token shared with the responder;
	                          * NULL: connect-only mode (no responder) */
	unsigned timeout_ms;     /* per port at most (default 500); once 32 answers
	                          * have come back, twice TCP's retransmission timeout
	                          * from their round-trip times (at least 100 ms),
	                          * unless fixed_timeout */
	bool fixed_timeout;
	unsigned concurrency;    /* ports in flight at once (default: rate x timeout,
	                          * within the descriptor limit) */
	unsigned rate;           /* new probes per second (default
	                          * SFB_PROBE_DEFAULT_RATE; a lab: 50,000) */
	unsigned retries;        /* UDP datagrams re-sent before "filtered" (default 1) */
	bool single_pass;        /* no second pass, at a quarter of the rate, over
	                          * the ports left filtered or unverified and the
	                          * UDP ports called closed */
	bool progress;           /* progress lines on stderr */
	sfb_probe_engine engine;
	/* Stop early once this becomes non-zero (checked ten times a second;
	 * the report then holds what was done).  NULL: never. */
	const volatile sig_atomic_t *stop;
} sfb_probe_opts;

typedef struct sfb_probe_result sfb_probe_result;

/* Probe every destination port of every planned flow from opts->host. */
sfb_status sfb_probe_run(sfb_ctx *ctx, const sfb_plan *plan, const sfb_probe_opts *opts,
    sfb_probe_result **out);
void sfb_probe_result_free(sfb_probe_result *r);
/* true if every required flow passed. */
bool sfb_probe_all_required_pass(const sfb_probe_result *r);
sfb_status sfb_probe_write(sfb_ctx *ctx, const sfb_probe_result *r, sfb_format fmt,
    char **out);

typedef enum sfb_responder_mode {
	SFB_RESPONDER_AUTO,      /* bind when the ports fit the descriptor limit, else tproxy */
	SFB_RESPONDER_BIND,      /* one socket per port */
	SFB_RESPONDER_TPROXY     /* nftables TPROXY funnels each protocol into one socket */
} sfb_responder_mode;

typedef struct sfb_responder_opts {
	const char *host;        /* answer for the flows that end at this host */
	const char *listen_tcp;  /* explicit port sets instead ("443,50000-59999") */
	const char *listen_udp;
	const char *token;       /* required */
	unsigned duration_s;     /* exit after this long (required, > 0) */
	sfb_responder_mode mode;
	const char *user;        /* drop privileges to this user (default "nobody") */
	bool verbose;
	/* Stop early once this becomes non-zero (the caller's signal handler
	 * sets it; the library installs no handler of its own). */
	const volatile sig_atomic_t *stop;
	/* Probes this session will see at most, to size the memory of the
	 * ones answered (a replay gets nothing); 0: eight per port. */
	size_t expect_probes;
	/* Called once every socket is bound, before privileges drop (NULL:
	 * not called). */
	void (*on_ready)(void *arg);
	void *ready_arg;
	/* Die (SIGKILL) when the process that started it does, even once it
	 * has become another user (which clears an earlier PR_SET_PDEATHSIG). */
	bool die_with_parent;
} sfb_responder_opts;

/* Serve until the duration ends.  Needs root for ports below 1024 and for
 * tproxy mode; drops privileges once the sockets are bound. */
sfb_status sfb_responder_run(sfb_ctx *ctx, const sfb_plan *plan,
    const sfb_responder_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
