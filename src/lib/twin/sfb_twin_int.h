/* Twin internals shared by its parts: the namespaces and links it builds
 * (sfb_twin_net.c), the probes it sends (sfb_twin_probe.c) and its report
 * (sfb_twin_report.c). */
#ifndef SFB_TWIN_INT_H
#define SFB_TWIN_INT_H

#include <stdint.h>
#include <sys/types.h>

#include "pathtest/sfb_prober.h"
#include "plan/sfb_plan.h"
#include "sfbnet/twin.h"

/* Transit links between a firewall and a zone are /30s of this block:
 * the zone's side .1, the firewall's .2 (link L: 169.254.L/64.(L%64)*4). */
#define TWIN_TRANSIT 0xa9fe0000u  /* 169.254.0.0/16 */
#define TWIN_MAX_LINKS 16384

/* Endpoints without an address of their own (a network, the internet)
 * get one, taken from 198.18.0.0/15 (RFC 2544's benchmark block) when
 * their network covers it, else from their network. */
#define TWIN_SPARE 0xc6120000u    /* 198.18.0.0 */
#define TWIN_SPARE_MASK 0xfffe0000u

/* Ports of one prober run at most: its responders' memory of answered
 * probes (four a port: two passes, a retry each) stays within
 * SFB_REPLAY_MAX. */
#define TWIN_CHUNK_PORTS 200000

struct twin_link {
	size_t fw, zone;
	size_t k;                 /* the zone's index among the firewall's */
	char fw_if[16], zone_if[16];
	uint32_t zone_addr, fw_addr;
};

/* A flow destination or a pair of hosts the twin could not probe. */
struct twin_skip {
	size_t flow;              /* SFB_PROBE_UNPLANNED for a pair */
	size_t src_ep, dst_ep;
	const char *why;
};

struct sfb_twin_result {
	sfb_ctx *ctx;
	const sfb_plan *plan;
	sfb_twin_opts o;
	char prefix[32];          /* "sfbt<pid>-" */
	char **zns, **fns;        /* namespace of each zone / firewall */
	struct twin_link *links;
	size_t nlinks;
	uint32_t *ep_addr;        /* per endpoint, host order; 0: not emulated */
	uint32_t *ep_pub;         /* its NAT public address, 0: none */
	char **rules_text;        /* per firewall: the user's ruleset, or NULL */
	const char **rules_file;  /*   and its file name */
	struct sfb_probe_spec *specs;  /* sorted by source zone */
	size_t nspecs, capspecs, nplanned;
	size_t *spec_zone;        /* the source zone of each spec */
	sfb_portset **owned;      /* port sets the specs point at */
	size_t nowned, capowned;
	struct twin_skip *skip;
	size_t nskip, capskip;
	sfb_probe_result **runs;  /* one per prober run (a zone's specs, in chunks) */
	size_t *run_zone;         /* the zone each ran in */
	size_t nruns, capruns, caprunzone;
	pid_t *resp;              /* the responders of the current run */
	size_t nresp, capresp;
	bool built, stopped;
	uint64_t build_ms, probe_ms;
	char token[33];
};

void sfb_twin_log(struct sfb_twin_result *tw, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* sfb_twin_net.c */
sfb_status sfb_twin_addresses(struct sfb_twin_result *tw);
sfb_status sfb_twin_build(struct sfb_twin_result *tw);
void sfb_twin_teardown(struct sfb_twin_result *tw);
void sfb_twin_print_addr(sfb_buf *b, uint32_t a);

/* sfb_twin_probe.c */
sfb_status sfb_twin_specs(struct sfb_twin_result *tw);
sfb_status sfb_twin_probe(struct sfb_twin_result *tw);
void sfb_twin_stop_responders(struct sfb_twin_result *tw);

#endif
