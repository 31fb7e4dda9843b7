/* sfbnet — the audit: what an existing firewall ruleset already allows of
 * the plan, what it still blocks, and what it opens that no flow needs,
 * without sending a packet. */
#ifndef SFBNET_AUDIT_H
#define SFBNET_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "sfbnet/catalog.h"
#include "sfbnet/context.h"
#include "sfbnet/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sfb_audit sfb_audit;

/* What to audit: the forward path of a firewall of the topology (the named
 * one, or the only one), or with host the input path of that host's own
 * firewall (every flow that ends at one of its endpoints). */
typedef struct sfb_audit_opts {
	const char *firewall;
	const char *host;         /* NULL: a network firewall */
} sfb_audit_opts;

/* Read the ruleset at path (the JSON of `nft -j list ruleset`, or the
 * output of iptables-save and/or ip6tables-save, told apart by their
 * text) and evaluate it against the flows the plan puts on the firewall
 * (a plan of that firewall is enough) or the host (the whole plan). */
sfb_status sfb_audit_run(sfb_ctx *ctx, const sfb_plan *plan, const sfb_audit_opts *o,
    const char *path, sfb_audit **out);
/* The same with the ruleset's text in memory; name is what messages call it. */
sfb_status sfb_audit_run_mem(sfb_ctx *ctx, const sfb_plan *plan, const sfb_audit_opts *o,
    const char *name, const char *data, size_t len, sfb_audit **out);
void sfb_audit_free(sfb_audit *a);
/* Every required flow allowed, nothing surplus, nothing unknown. */
bool sfb_audit_clean(const sfb_audit *a);
/* SFB_FORMAT_TEXT or SFB_FORMAT_JSON. */
sfb_status sfb_audit_write(sfb_ctx *ctx, const sfb_audit *a, sfb_format fmt, char **out);

#ifdef __cplusplus
}
#endif

#endif
