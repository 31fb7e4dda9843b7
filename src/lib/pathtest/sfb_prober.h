/* Prober internals shared with its report writer. */
#ifndef SFB_PROBER_H
#define SFB_PROBER_H

#include "plan/sfb_plan.h"
#include "net/sfb_loop.h"
#include "net/sfb_net.h"
#include "net/sfb_wire.h"
#include "sfbnet/pathtest.h"

/* error: the prober itself could not send (no socket, a source port it
 * cannot bind): not a verdict on the firewall. */
enum verdict { V_PENDING, V_OPEN, V_UNVERIFIED, V_CLOSED, V_FILTERED, V_ERROR, V_COUNT };

enum state { S_QUEUED, S_CONNECTING, S_AWAIT, S_DONE };

struct target {
	size_t flow;            /* catalog flow, or SFB_PROBE_UNPLANNED */
	size_t src_ep;          /* the endpoint it leaves from */
	const sfb_portset *dport; /* its destination ports (the plan entry's) */
	int proto;              /* IPPROTO_TCP / IPPROTO_UDP */
	size_t dst_ep;
	struct sfb_sockaddr dst;
	const sfb_portset *sport;  /* NULL: any source port */
	struct sfb_sockaddr src;   /* the source address to send from (port 0) ... */
	bool has_src;              /* ... when there is one */
	uint32_t sport_next;    /* next source port to try in sport */
	size_t first, count;    /* its probes */
	sfb_portset by[V_COUNT];   /* ports per verdict */
	bool answered;          /* a port of its address answered with the token
	                         * (connect-only mode: always true) */
};

struct probe {
	size_t target;
	uint16_t port;
	uint8_t state, verdict, sends;
	uint8_t waited;         /* the echo already had its extra wait (TCP connected, UDP after the retries) */
	uint8_t flags;          /* PF_* */
	uint16_t sport;         /* raw engine: the source port of its SYNs */
	int fd;
	sfb_io io;
	sfb_timer timer;
	uint64_t nonce;
	uint64_t sent_at;       /* us, for the round-trip time */
	struct prober *pr;
};

/* Raw engine: the port answered a SYN with SYN-ACK (open, token not yet
 * seen); the port is one of those the token check connects to. */
#define PF_SYNACK 1
#define PF_SAMPLE 2

struct skipped {
	size_t flow, dst_ep;
	int proto;
	const char *why;
};

struct prober {
	sfb_ctx *ctx;
	const sfb_plan *plan;
	const sfb_probe_opts *o;
	sfb_loop *loop;
	size_t host;
	size_t fw;              /* --firewall (index), or SFB_NO_FIREWALL: every flow */
	/* The last source address asked for, and whether this machine holds it. */
	struct sfb_sockaddr held_addr;
	bool held, held_known;
	struct target *t;
	size_t nt, capt;
	struct probe *p;
	size_t np;
	/* The probes of this pass, in order (the first pass: all of them; the
	 * second: the ones left without an answer) and how many. */
	size_t *order;
	size_t nqueue;
	size_t second;          /* ports asked again in the second pass */
	unsigned rate;          /* new probes per second in this pass */
	struct skipped *skip;
	size_t nskip, capskip;
	size_t next, active, done, limit;
	sfb_timer pace, tick, stopcheck;
	bool stopped;           /* opts->stop was raised: the run was cut short */
	uint64_t started, budget_at;
	double budget;
	/* Adaptive timeout, as TCP and nmap do: a smoothed round-trip time and
	 * its variation (RFC 6298), in microseconds. */
	double srtt, rttvar;
	size_t rtt_samples;
	sfb_status err;
	struct raw_engine *raw; /* --engine raw: its sockets, while its passes run */
	struct sfb_wire_key key; /* the token, ready for HMAC (responder mode) */
	size_t raw_limit;       /* its probes in flight at once */
};

/* Shared by the two engines (sfb_prober.c, sfb_prober_raw.c). */
void sfb_probe_finish(struct probe *p, int verdict);
void sfb_probe_start_more(struct prober *pr);
void sfb_probe_answered(struct prober *pr);
void sfb_probe_note_rtt(struct prober *pr, const struct probe *p);
int sfb_probe_verdict_of_errno(int err);
/* The raw engine: its sockets for every target's source (false with the
 * context's message when a raw socket cannot be had), a probe's packet
 * added to the batch, the batch sent, the sockets closed. */
sfb_status sfb_probe_raw_open(struct prober *pr);
bool sfb_probe_raw_send(struct prober *pr, struct probe *p);
void sfb_probe_raw_flush(struct prober *pr);
void sfb_probe_raw_close(struct prober *pr);

/* A target given directly (the twin) instead of from the plan and one
 * host: what to send from where to where. */
#define SFB_PROBE_UNPLANNED ((size_t)-1)
struct sfb_probe_spec {
	size_t flow;               /* catalog flow, or SFB_PROBE_UNPLANNED */
	int proto;                 /* IPPROTO_TCP / IPPROTO_UDP */
	size_t src_ep, dst_ep;
	struct sfb_sockaddr src;   /* port 0 */
	struct sfb_sockaddr dst;
	const sfb_portset *dport;  /* borrowed: must outlive the result */
	const sfb_portset *sport;  /* NULL: any source port */
};

/* Probe the given targets (opts->host, to_host, source, firewall and
 * targets are not used; opts->token is required). */
sfb_status sfb_probe_run_specs(sfb_ctx *ctx, const sfb_plan *plan, const sfb_probe_opts *opts,
    const struct sfb_probe_spec *specs, size_t n, sfb_probe_result **out);

/* Shared with the twin's report (sfb_probe_report.c): the per-port verdict
 * words, a target's pass / partial / fail, and "tcp" / "udp". */
enum flow_verdict { FV_PASS, FV_PARTIAL, FV_FAIL };
extern const char *const sfb_probe_verdict_names[V_COUNT];
extern const char *const sfb_probe_fv_names[3];
int sfb_probe_target_verdict(const struct target *t);
const char *sfb_probe_proto_name(int proto);

struct sfb_probe_result {
	struct prober pr;
	sfb_probe_opts opts;     /* completed with the defaults */
	uint64_t elapsed_ms;
};

#endif
