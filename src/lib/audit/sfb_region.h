/* Regions: sets of packets as unions of disjoint boxes (sfb_rs.h), each box
 * tagged with the rule that decided it.  The audit evaluates a ruleset on
 * whole regions at once (every packet of a flow, every packet a rule
 * matches) with intersections and differences of boxes, never packet by
 * packet. */
#ifndef SFB_REGION_H
#define SFB_REGION_H

#include "sfb_rs.h"

/* Who decided a box: a rule (chain, rule index) or a chain's policy (rule
 * RS_POLICY), or nobody yet (chain RS_NOBODY). */
#define RS_POLICY ((size_t)-1)
#define RS_NOBODY ((size_t)-1)

struct tag {
	size_t chain, rule;
};

struct tbox {
	struct rs_box b;
	struct tag tag;
};

struct region {
	struct tbox *v;
	size_t n, cap;
};

void region_init(struct region *r);
void region_free(struct region *r);
void region_clear(struct region *r);
bool region_empty(const struct region *r);
/* Append a copy of b with tag t (nothing when b is empty). */
sfb_status region_add(struct region *r, const struct rs_box *b, struct tag t);
/* Move every box of src to the end of dst (src left empty); with retag,
 * the boxes get tag t. */
sfb_status region_move(struct region *dst, struct region *src, bool retag, struct tag t);

/* out = a & b; false when empty (out is then left empty). */
bool box_intersect(struct rs_box *out, const struct rs_box *a, const struct rs_box *b,
    sfb_status *st);
/* Cheap test: can a and b meet at all? */
bool box_meets(const struct rs_box *a, const struct rs_box *b);

/* Split r by b: the parts of r inside b go to `in` (tagged t, or keeping
 * their own tags when t.chain is RS_NOBODY), r keeps the rest (its own
 * tags); in may be NULL to just remove them. */
sfb_status region_cut(struct region *r, const struct rs_box *b, struct region *in, struct tag t);
/* r -= every box of s. */
sfb_status region_sub(struct region *r, const struct region *s);

/* "tcp 10.0.0.0/8 -> 172.16.2.10 dport 5061" (ports only when not all). */
void box_print(sfb_buf *out, const struct rs_box *b);
/* The same with at most max prefixes of each address set (0: all). */
void box_print_short(sfb_buf *out, const struct rs_box *b, size_t max);

#endif
