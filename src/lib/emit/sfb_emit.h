/* Shared parts of the firewall targets: choosing the firewall, naming
 * address sets once however many rules use them, and rule comments. */
#ifndef SFB_EMIT_H
#define SFB_EMIT_H

#include <stdint.h>

#include "plan/sfb_plan.h"
#include "plan/sfb_plan_fw.h"

/* One target of `sfbnet firewall`: its name, and its writer, either of a
 * network firewall's ruleset or of one host's rules.  Each writer's file
 * exports its target(s); sfb_firewall.c lists them once. */
struct sfb_emit_target {
	const char *name;
	sfb_target target;
	sfb_status (*write_fw)(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, const sfb_fw_opts *o,
	    sfb_buf *b);                                  /* NULL: a per-host target */
	sfb_status (*pick_host)(sfb_ctx *ctx, const sfb_plan *plan, const char *name,
	    size_t *host);
	sfb_status (*write_host)(sfb_ctx *ctx, const sfb_plan *plan, size_t host, sfb_buf *b);
};

extern const struct sfb_emit_target sfb_target_nftables, sfb_target_iptables,
    sfb_target_ip6tables, sfb_target_asa, sfb_target_srx, sfb_target_pf, sfb_target_windows,
    sfb_target_csv, sfb_target_md;


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



/* A name for a vendor configuration: the characters of s that are ASCII
 * letters, digits, '-', '_' or '.', anything else as '_', at most max
 * bytes (an empty s gives "_"). */
void sfb_emit_name(sfb_buf *b, const char *s, size_t max);

/* Ports of a set as inclusive ranges: the number of ranges, and range i. */
size_t sfb_emit_nranges(const sfb_portset *p);
void sfb_emit_range(const sfb_portset *p, size_t i, unsigned *lo, unsigned *hi);


/* The platform's keyword for a set that is every address (any), every IPv4
 * address and no IPv6 (any4), or the reverse (any6); NULL when the set
 * needs a named group. */
const char *sfb_emit_any_keyword(const sfb_addrset *a, const char *any, const char *any4,
    const char *any6);


/* The comment lines every target's --nat section starts with (what the
 * NAT does and Microsoft's rule), each after prefix ("#", "!"). */
void sfb_emit_nat_header(sfb_buf *b, const char *prefix);

/* Options as the writers read them: the defaults filled in. */
const char *sfb_emit_nft_family(const sfb_fw_opts *o);
const char *sfb_emit_nft_table(const sfb_fw_opts *o);

#endif
