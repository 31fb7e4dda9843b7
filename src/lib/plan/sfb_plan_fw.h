/* The firewall view of the plan (sfb_plan_fw.c): what the emitters write
 * and the audit reads for one firewall. */
#ifndef SFB_PLAN_FW_H
#define SFB_PLAN_FW_H

#include "sfb_plan.h"

/* The firewall a ruleset is for: the named one, or the only one. */
sfb_status sfb_plan_pick_firewall(sfb_ctx *ctx, const sfb_plan *plan, const char *name,
    size_t *fw);

/* The zone of firewall fw on the side of zone z: z itself when fw touches
 * it, else the zone of fw nearest to z (ties: the firewall's zone order).
 * Traffic from an endpoint in z enters fw there, and traffic to it leaves
 * there.  SFB_NO_FIREWALL when no zone of fw leads to z. */
size_t sfb_plan_fw_zone(const sfb_plan *plan, size_t fw, size_t z);

/* The addresses of some endpoints of an entry, grouped by the side of the
 * firewall they are on (sfb_plan_fw_zone): per-interface targets (ASA
 * access groups, SRX zone pairs) write one rule per side. */
struct sfb_zpart {
	size_t zone;          /* a zone of the firewall */
	sfb_addrset addr;
};

struct sfb_zsplit {
	struct sfb_zpart *p;  /* in the firewall's zone order, none empty */
	size_t n;
};

sfb_status sfb_plan_zsplit(const sfb_plan *plan, size_t fw, const size_t *eps, size_t neps,
    struct sfb_zsplit *out);
void sfb_zsplit_free(struct sfb_zsplit *s);

/* What one rule of a Linux target matches: an entry's flow between these
 * sources and destinations, entering by iif and leaving by oif (both NULL
 * when the firewall names no interfaces: then one item is the whole entry;
 * else one item per pair of the firewall's zones the entry joins). */
struct sfb_ritem {
	const struct sfb_entry *e;
	const sfb_addrset *src, *dst;
	const char *iif, *oif;
};

struct sfb_ritems {
	struct sfb_ritem *v;
	size_t n, cap;
	struct sfb_zsplit *splits;   /* own the addresses the items point to */
	size_t nsplits, capsplits;
};

/* Most rules one ruleset may have: a firewall joining many zones, with
 * interfaces (or on the SRX, whose policies are per zone pair), gets one
 * rule per pair of its zones for each flow, which a 76 kB topology can
 * drive into hundreds of megabytes.  Past it: SFB_ERANGE. */
#define SFB_PLAN_MAX_RULES 100000

/* SFB_ERANGE with the message for a ruleset past SFB_PLAN_MAX_RULES. */
sfb_status sfb_plan_too_many(sfb_ctx *ctx, const sfb_plan *plan, size_t fw,
    const char *target);

/* SFB_ERANGE past SFB_PLAN_MAX_RULES items. */
sfb_status sfb_plan_items(const sfb_plan *plan, size_t fw, struct sfb_ritems *out);
void sfb_plan_items_free(struct sfb_ritems *it);

/* One static NAT that the topology's `public` addresses imply on a
 * firewall: the endpoint's inside address and its public one, translated
 * by the firewall where the path from the endpoint's zone enters the
 * outside zone (the zone written without networks).  Inbound, the public
 * address becomes the inside one (the source stays); outbound to the
 * outside zone, the inside address becomes the public one (symmetric, as
 * the A/V Edge requires). */
/* Where Microsoft states the NAT rules an Edge needs. */
#define SFB_NAT_CITE "ms-edge-env: Topology planning: symmetric NAT for incoming and " \
	"outgoing traffic; the NAT must not change incoming source addresses"

struct sfb_nat {
	size_t ep;                 /* index into topo->eps */
	const char *inside, *pub;  /* the addresses as written */
	int family;                /* 4 or 6 */
	size_t in_zone;            /* the firewall's zone on the endpoint's side */
};

struct sfb_nats {
	struct sfb_nat *v;
	size_t n, cap;
	size_t outside;            /* the outside zone (index into topo->zones) */
};

/* The NATs of firewall fw, in endpoint order.  A public address that two
 * endpoints with different inside addresses share is SFB_EINVAL (a NAT by
 * port is not written); a topology without an outside zone has none. */
sfb_status sfb_plan_nats(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, struct sfb_nats *out);
void sfb_plan_nats_free(struct sfb_nats *n);

/* The host view (a host firewall: the Windows target, the audit of an
 * input chain): the host's addresses among the destinations of entry e
 * (every address for an endpoint that stands for its whole zone), added to
 * out. */
sfb_status sfb_plan_host_local(const sfb_plan *plan, size_t host, const struct sfb_entry *e,
    sfb_addrset *out);

#endif
