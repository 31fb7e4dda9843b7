/* sfbnet — the plan: catalog x topology -> concrete flows per firewall. */
#ifndef SFBNET_PLAN_H
#define SFBNET_PLAN_H

#include <stddef.h>

#include "sfbnet/catalog.h"
#include "sfbnet/context.h"
#include "sfbnet/topology.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sfb_plan sfb_plan;

/* Build the plan.  The plan refers to cat and topo, which must outlive it.
 * Zones that no firewall path connects are reported as context warnings;
 * flows of an enabled profile that no endpoint can carry are listed in the
 * plan ("not planned" in text, "unmatched" in JSON), not warned about: a
 * profile is a menu, and most deployments use only part of it. */
sfb_status sfb_plan_build(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo,
    sfb_plan **out);
void sfb_plan_free(sfb_plan *plan);

/* Number of planned flows (through any firewall, or inside one zone). */
size_t sfb_plan_flow_count(const sfb_plan *plan);
/* Of those, the flows through a firewall (one per flow and firewall). */
size_t sfb_plan_firewall_flow_count(const sfb_plan *plan);

/* Render the plan (only the flows through firewall when it is not NULL;
 * an unknown name is SFB_ENOTFOUND) into a new string (*out, free() it). */
sfb_status sfb_plan_write(sfb_ctx *ctx, const sfb_plan *plan, const char *firewall,
    sfb_format fmt, char **out);

/* Firewall rule targets. */
typedef enum sfb_target {
	SFB_TARGET_NFTABLES,
	SFB_TARGET_IPTABLES,
	SFB_TARGET_IP6TABLES
} sfb_target;

/* Parse a target name ("nftables", "iptables", "ip6tables"); -1 if unknown. */
int sfb_target_parse(const char *name);
const char *sfb_target_name(sfb_target t);

/* Generate the ruleset of one firewall of the topology.  firewall may be
 * NULL only when the topology has exactly one firewall. */
sfb_status sfb_firewall_write(sfb_ctx *ctx, const sfb_plan *plan, sfb_target target,
    const char *firewall, char **out);

#ifdef __cplusplus
}
#endif
#endif
