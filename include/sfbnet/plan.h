/* sfbnet — the plan: catalog x topology -> concrete flows per firewall. */
#ifndef SFBNET_PLAN_H
#define SFBNET_PLAN_H

#include <stdbool.h>
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
/* What sfb_plan_build_for keeps. */
#define SFB_PLAN_COUNT_ONLY 0x1u   /* count the flows, keep none (validate) */

/* sfb_plan_build, keeping only the flows through the firewall named
 * firewall (NULL: every flow), or none with SFB_PLAN_COUNT_ONLY; the counts
 * below are those of the whole plan either way.  Paths are computed for
 * every zone, so a one-firewall plan writes that firewall's rules exactly
 * as the whole plan would, at a fraction of the memory on a topology with
 * many firewalls.  An unknown firewall is SFB_ENOTFOUND. */
sfb_status sfb_plan_build_for(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo,
    const char *firewall, unsigned flags, sfb_plan **out);
void sfb_plan_free(sfb_plan *plan);

/* Number of planned flows (through any firewall, or inside one zone). */
size_t sfb_plan_flow_count(const sfb_plan *plan);
/* Of those, the flows through a firewall (one per flow and firewall). */
size_t sfb_plan_firewall_flow_count(const sfb_plan *plan);

/* Render the plan (only the flows through firewall when it is not NULL;
 * an unknown name is SFB_ENOTFOUND) into a new string (*out, free() it). */
sfb_status sfb_plan_write(sfb_ctx *ctx, const sfb_plan *plan, const char *firewall,
    sfb_format fmt, char **out);

/* Firewall rule targets (docs/firewall-targets.md). */
typedef enum sfb_target {
	SFB_TARGET_NFTABLES,
	SFB_TARGET_IPTABLES,
	SFB_TARGET_IP6TABLES,
	SFB_TARGET_ASA,        /* Cisco ASA object groups and access lists */
	SFB_TARGET_SRX,        /* Juniper SRX set commands */
	SFB_TARGET_PF,         /* pf anchor (OpenBSD, FreeBSD) */
	SFB_TARGET_WINDOWS,    /* PowerShell for one Windows server (per host) */
	SFB_TARGET_CSV,        /* change-ticket table */
	SFB_TARGET_MD
} sfb_target;

/* Parse a target name ("nftables", "iptables", "ip6tables", "asa", "srx",
 * "pf", "windows", "csv", "md"); -1 if unknown. */
int sfb_target_parse(const char *name);
const char *sfb_target_name(sfb_target t);
/* True when the target's rules are for one host (windows), not one firewall. */
bool sfb_target_per_host(sfb_target t);

/* Generate the ruleset of one firewall of the topology.  firewall may be
 * NULL only when the topology has exactly one firewall.  A per-host target
 * is SFB_EINVAL here. */
sfb_status sfb_firewall_write(sfb_ctx *ctx, const sfb_plan *plan, sfb_target target,
    const char *firewall, char **out);

/* How a ruleset meets the firewall's own policy (sfbnet firewall --mode). */
typedef enum sfb_fw_mode {
	SFB_MODE_STANDALONE,   /* a dedicated firewall: the whole forward policy, default drop */
	SFB_MODE_INCLUDE       /* only sfbnet's allow rules, hooked into an existing policy */
} sfb_fw_mode;

/* Options of sfb_firewall_write_opts; all zero is sfb_firewall_write. */
typedef struct sfb_fw_opts {
	sfb_fw_mode mode;
	bool nat;                 /* also the NAT the topology's public addresses imply */
	const char *nft_family;   /* include, nftables: the existing table (NULL: "inet") */
	const char *nft_table;    /*   (NULL: "filter") */
	const char *acl;          /* include, asa: the access list to append to (required) */
} sfb_fw_opts;

/* sfb_firewall_write with options (docs/firewall-targets.md, "Include mode"
 * and "NAT").  Options a target cannot honour are SFB_EINVAL with a
 * message. */
sfb_status sfb_firewall_write_opts(sfb_ctx *ctx, const sfb_plan *plan, sfb_target target,
    const char *firewall, const sfb_fw_opts *opts, char **out);

/* Generate the host firewall rules of one host of the topology (a per-host
 * target): the flows it receives, through any firewall or inside its zone.
 * host may be NULL only when exactly one host runs the target's platform. */
sfb_status sfb_host_firewall_write(sfb_ctx *ctx, const sfb_plan *plan, sfb_target target,
    const char *host, char **out);

#ifdef __cplusplus
}
#endif
#endif
