/* Shared parts of the firewall targets: choosing the firewall, naming
 * address sets once however many rules use them, and rule comments. */
#ifndef SFB_EMIT_H
#define SFB_EMIT_H

#include "plan/sfb_plan.h"

/* The firewall a ruleset is for: the named one, or the only one. */
sfb_status sfb_emit_pick_firewall(sfb_ctx *ctx, const sfb_plan *plan, const char *name,
    size_t *fw);

/* Distinct address sets of one family, in first-use order. */
struct sfb_setreg {
	const sfb_addrset **sets;
	size_t n, cap;
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

#endif
