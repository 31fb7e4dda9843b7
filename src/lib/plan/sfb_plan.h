/* Plan internals: what the writers and the firewall targets read. */
#ifndef SFB_PLAN_H
#define SFB_PLAN_H

#include <stdint.h>

#include "sfbnet/plan.h"
#include "catalog/sfb_catalog.h"
#include "topo/sfb_topology.h"

#define SFB_NO_FIREWALL ((size_t)-1)

/* One catalog flow through one firewall (or inside one zone, fw ==
 * SFB_NO_FIREWALL): every source endpoint that has one of the flow's
 * "from" roles, every destination endpoint that has one of its "to" roles,
 * whose zone path crosses that firewall.  The address sets are the unions
 * of the endpoints' addresses as the firewall's forward path sees them;
 * dst_public holds the NAT public addresses of destinations reached from
 * the outside zone. */
struct sfb_entry {
	size_t flow;          /* index into cat->flows */
	size_t fw;            /* index into topo->fws, or SFB_NO_FIREWALL */
	sfb_addrset src, dst, dst_public;
	size_t *src_eps, nsrc, capsrc; /* endpoint indices, sorted, unique */
	size_t *dst_eps, ndst, capdst;
	/* Version 2: the destination port(s) of these destinations when their
	 * `ports:` replace the flow's (port_of); NULL: the flow's.  Read it
	 * through sfb_entry_dport. */
	const sfb_portset *dport;
	size_t seq;           /* creation order: entries of one flow through one
	                       * firewall (version 2 groups) keep it */
};

static inline const sfb_portset *
sfb_entry_dport(const sfb_catalog *cat, const struct sfb_entry *e)
{
	return e->dport != NULL ? e->dport : &cat->flows[e->flow].dport;
}

/* A catalog flow of an enabled profile that the topology cannot carry. */
struct sfb_unmatched {
	size_t flow;
	size_t missing_role;  /* a role of the flow no endpoint has */
	int side;             /* 0: from, 1: to */
};

struct sfb_plan {
	const sfb_catalog *cat;
	const sfb_topology *topo;
	struct sfb_entry *entries;   /* sorted by (fw, flow); intra-zone last */
	size_t nentries, capentries;
	struct sfb_unmatched *unmatched;
	size_t nunmatched, capunmatched;
	/* Zone paths, as the breadth-first tree from each source zone:
	 * [zs * nzones + zd] gives the number of firewalls from zs to zd
	 * (path_len, -1: no path) and the last hop into zd (via_fw, and
	 * via_zone, the zone it comes from).  12 bytes a pair of zones, where
	 * a table of whole paths would need zones^2 x firewalls. */
	int32_t *path_len;
	uint32_t *via_fw, *via_zone;
	/* [fw], for a firewall of more than SFB_SIDE_TABLE_AT zones: [zone] ->
	 * the index in its zones of the one traffic from that zone enters it
	 * by (UINT32_MAX: none); NULL for smaller firewalls, where a look at
	 * each of its zones is as quick. */
	uint32_t **fw_side;
	/* Flows of the whole plan, whether or not their entries are kept. */
	size_t count_fw, count_intra;
	/* sfb_plan_build_for: entries kept only for this firewall (a slot
	 * index; nfws + 1 keeps every slot), or none at all. */
	size_t keep_slot;
	bool count_only;
};

/* Number of firewalls on the path from zone zs to zone zd; -1: none. */
int sfb_plan_path_len(const sfb_plan *plan, size_t zs, size_t zd);

#define SFB_SIDE_TABLE_AT 4

/* The zone of firewall fw on the side of zone z, as an index into its
 * zones: z itself when fw touches it, else the zone of fw nearest to z
 * (ties: the firewall's zone order).  SIZE_MAX when no zone of fw leads
 * to z. */
size_t sfb_plan_fw_side(const sfb_plan *plan, size_t fw, size_t z);


/* Entries of one firewall: [*first, *first + *count). */
void sfb_plan_fw_range(const sfb_plan *plan, size_t fw, size_t *first, size_t *count);

#endif
