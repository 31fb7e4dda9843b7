/* Shared parts of the firewall targets: choosing the firewall, naming
 * address sets once however many rules use them, and rule comments. */
#ifndef SFB_EMIT_H
#define SFB_EMIT_H

#include <stdint.h>

#include "plan/sfb_plan.h"

/* The firewall a ruleset is for: the named one, or the only one. */
sfb_status sfb_emit_pick_firewall(sfb_ctx *ctx, const sfb_plan *plan, const char *name,
    size_t *fw);

/* Distinct address sets of one family, in first-use order, found again
 * through a hash of their ranges (a ruleset may name 100,000s of sets). */
struct sfb_setreg {
	const sfb_addrset **sets;
	size_t n, cap;
	size_t *tab;          /* open addressing: index + 1, 0 empty */
	uint64_t *hash;       /* of sets[i] */
	size_t tcap, hcap;    /* tcap: 0 or a power of two */
};

void sfb_setreg_init(struct sfb_setreg *r);
void sfb_setreg_free(struct sfb_setreg *r);
/* Index of a set equal to a, adding it if new; -1 on allocation failure. */
long sfb_setreg_add(struct sfb_setreg *r, const sfb_addrset *a);

/* "flow-id: doc section" without quotes or control characters, cut to at
 * most max bytes on a UTF-8 boundary (nft allows 128, iptables 256). */
void sfb_emit_comment(sfb_buf *b, const sfb_plan *plan, const struct sfb_entry *e,
    size_t max);

/* Protocols of a flow, in output order: tcp then udp. */
int sfb_emit_protos(int proto, int out[2]);

/* The common header every target writes (as comment lines with prefix). */
void sfb_emit_header(sfb_buf *b, const sfb_plan *plan, size_t fw, const char *target,
    const char *prefix);

/* True if a and b have addresses of one family in common: a rule between
 * them can match something.  Targets leave the others out, as nftables
 * leaves out a family that one side lacks. */
bool sfb_emit_meet(const sfb_addrset *a, const sfb_addrset *b);

/* True if a holds every address of family (4 or 6), or of both when
 * family is 0. */
bool sfb_emit_is_all(const sfb_addrset *a, int family);

/* The zone of firewall fw on the side of zone z: z itself when fw touches
 * it, else the zone of fw nearest to z (ties: the firewall's zone order).
 * Traffic from an endpoint in z enters fw there, and traffic to it leaves
 * there.  SFB_NO_FIREWALL when no zone of fw leads to z. */
size_t sfb_emit_fw_side(const sfb_plan *plan, size_t fw, size_t z);

/* The addresses of some endpoints of an entry, grouped by the side of the
 * firewall they are on (sfb_emit_fw_side): per-interface targets (ASA
 * access groups, SRX zone pairs) write one rule per side. */
struct sfb_zpart {
	size_t zone;          /* a zone of the firewall */
	sfb_addrset addr;
};

struct sfb_zsplit {
	struct sfb_zpart *p;  /* in the firewall's zone order, none empty */
	size_t n;
};

sfb_status sfb_emit_zsplit(const sfb_plan *plan, size_t fw, const size_t *eps, size_t neps,
    struct sfb_zsplit *out);
void sfb_zsplit_free(struct sfb_zsplit *s);

/* A name for a vendor configuration: the characters of s that are ASCII
 * letters, digits, '-', '_' or '.', anything else as '_', at most max
 * bytes (an empty s gives "_"). */
void sfb_emit_name(sfb_buf *b, const char *s, size_t max);

/* Ports of a set as inclusive ranges: the number of ranges, and range i. */
size_t sfb_emit_nranges(const sfb_portset *p);
void sfb_emit_range(const sfb_portset *p, size_t i, unsigned *lo, unsigned *hi);

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
#define SFB_EMIT_MAX_RULES 100000

/* SFB_ERANGE with the message for a ruleset past SFB_EMIT_MAX_RULES. */
sfb_status sfb_emit_too_many(sfb_ctx *ctx, const sfb_plan *plan, size_t fw,
    const char *target);

/* SFB_ERANGE past SFB_EMIT_MAX_RULES items. */
sfb_status sfb_emit_items(const sfb_plan *plan, size_t fw, struct sfb_ritems *out);
void sfb_emit_items_free(struct sfb_ritems *it);

/* The platform's keyword for a set that is every address (any), every IPv4
 * address and no IPv6 (any4), or the reverse (any6); NULL when the set
 * needs a named group. */
const char *sfb_emit_any_keyword(const sfb_addrset *a, const char *any, const char *any4,
    const char *any6);

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
sfb_status sfb_emit_nats(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, struct sfb_nats *out);
void sfb_emit_nats_free(struct sfb_nats *n);

/* The comment lines every target's --nat section starts with (what the
 * NAT does and Microsoft's rule), each after prefix ("#", "!"). */
void sfb_emit_nat_header(sfb_buf *b, const char *prefix);

/* Options as the writers read them: the defaults filled in. */
const char *sfb_emit_nft_family(const sfb_fw_opts *o);
const char *sfb_emit_nft_table(const sfb_fw_opts *o);

#endif
