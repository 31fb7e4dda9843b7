/* Regions of packets: unions of disjoint tagged boxes (sfb_region.h). */
#include <stdlib.h>
#include <string.h>

#include "sfb_region.h"

void
region_init(struct region *r)
{
	memset(r, 0, sizeof(*r));
}

void
region_clear(struct region *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		rs_box_free(&r->v[i].b);
	r->n = 0;
}

void
region_free(struct region *r)
{
	region_clear(r);
	free(r->v);
	region_init(r);
}

bool
region_empty(const struct region *r)
{
	return r->n == 0;
}

/* Take b over (no copy) into r. */
static sfb_status
region_take(struct region *r, struct rs_box *b, struct tag t)
{
	if (rs_box_empty(b)) {
		rs_box_free(b);
		return SFB_OK;
	}
	if (sfb_grow(&r->v, &r->cap, r->n + 1, sizeof(*r->v)) != SFB_OK) {
		rs_box_free(b);
		return SFB_ENOMEM;
	}
	r->v[r->n].b = *b;
	r->v[r->n].tag = t;
	r->n++;
	rs_box_init(b);
	return SFB_OK;
}

sfb_status
region_add(struct region *r, const struct rs_box *b, struct tag t)
{
	struct rs_box c;
	sfb_status st;

	rs_box_init(&c);
	if ((st = rs_box_copy(&c, b)) != SFB_OK) {
		rs_box_free(&c);
		return st;
	}
	return region_take(r, &c, t);
}

sfb_status
region_move(struct region *dst, struct region *src, bool retag, struct tag t)
{
	size_t i;

	if (sfb_grow(&dst->v, &dst->cap, dst->n + src->n, sizeof(*dst->v)) != SFB_OK)
		return SFB_ENOMEM;
	for (i = 0; i < src->n; i++) {
		dst->v[dst->n] = src->v[i];
		if (retag)
			dst->v[dst->n].tag = t;
		dst->n++;
	}
	src->n = 0;
	return SFB_OK;
}

bool
box_meets(const struct rs_box *a, const struct rs_box *b)
{
	if ((a->protos & b->protos) == 0)
		return false;
	if (!sfb_addrset_overlaps(&a->src, &b->src) || !sfb_addrset_overlaps(&a->dst, &b->dst))
		return false;
	/* Ports matter only for TCP and UDP. */
	if (((a->protos & b->protos) & (RS_TCP | RS_UDP)) == 0)
		return true;
	return sfb_iset_overlaps(&a->sport.s, &b->sport.s) &&
	    sfb_iset_overlaps(&a->dport.s, &b->dport.s);
}

bool
box_intersect(struct rs_box *out, const struct rs_box *a, const struct rs_box *b, sfb_status *st)
{
	*st = SFB_OK;
	if (!box_meets(a, b))
		return false;
	out->protos = a->protos & b->protos;
	if ((*st = sfb_addrset_intersect(&out->src, &a->src, &b->src)) != SFB_OK ||
	    (*st = sfb_addrset_intersect(&out->dst, &a->dst, &b->dst)) != SFB_OK ||
	    (*st = sfb_iset_intersect(&out->sport.s, &a->sport.s, &b->sport.s)) != SFB_OK ||
	    (*st = sfb_iset_intersect(&out->dport.s, &a->dport.s, &b->dport.s)) != SFB_OK)
		return false;
	return !rs_box_empty(out);
}

/* a - b as up to five disjoint pieces, appended to out with tag t: the
 * protocols b lacks, then within b's protocols the sources b lacks, then
 * the destinations, the source ports and the destination ports. */
static sfb_status
box_minus(const struct rs_box *a, const struct rs_box *b, struct region *out, struct tag t)
{
	struct rs_box cur, piece;
	sfb_status st = SFB_OK;
	unsigned common = a->protos & b->protos;

	rs_box_init(&cur);
	rs_box_init(&piece);
	if ((st = rs_box_copy(&cur, a)) != SFB_OK)
		goto out;
	if (a->protos & ~b->protos) {
		if ((st = rs_box_copy(&piece, a)) != SFB_OK)
			goto out;
		piece.protos = a->protos & ~b->protos;
		if ((st = region_take(out, &piece, t)) != SFB_OK)
			goto out;
	}
	cur.protos = common;
	/* Protocols without ports (RS_OTHER): ports do not split them. */
	if ((common & RS_OTHER) && (common & (RS_TCP | RS_UDP)) &&
	    !(sfb_iset_subset(&cur.sport.s, &b->sport.s) && sfb_iset_subset(&cur.dport.s, &b->dport.s))) {
		/* Handle the portless part on its own: it is inside b exactly
		 * when its addresses are. */
		struct rs_box other;

		rs_box_init(&other);
		if ((st = rs_box_copy(&other, &cur)) == SFB_OK) {
			other.protos = RS_OTHER;
			sfb_iset_free(&other.sport.s);
			sfb_iset_free(&other.dport.s);
			sfb_portset_init(&other.sport);
			sfb_portset_init(&other.dport);
			if ((st = sfb_portset_all(&other.sport)) == SFB_OK &&
			    (st = sfb_portset_all(&other.dport)) == SFB_OK) {
				struct rs_box bb;

				rs_box_init(&bb);
				if ((st = rs_box_copy(&bb, b)) == SFB_OK) {
					sfb_iset_free(&bb.sport.s);
					sfb_iset_free(&bb.dport.s);
					sfb_portset_init(&bb.sport);
					sfb_portset_init(&bb.dport);
					if ((st = sfb_portset_all(&bb.sport)) == SFB_OK &&
					    (st = sfb_portset_all(&bb.dport)) == SFB_OK)
						st = box_minus(&other, &bb, out, t);
				}
				rs_box_free(&bb);
			}
		}
		rs_box_free(&other);
		if (st != SFB_OK)
			goto out;
		cur.protos &= RS_TCP | RS_UDP;
	}
	/* sources */
	rs_box_free(&piece);
	rs_box_init(&piece);
	if ((st = rs_box_copy(&piece, &cur)) != SFB_OK)
		goto out;
	sfb_addrset_free(&piece.src);
	sfb_addrset_init(&piece.src);
	if ((st = sfb_addrset_diff(&piece.src, &cur.src, &b->src)) != SFB_OK ||
	    (st = region_take(out, &piece, t)) != SFB_OK)
		goto out;
	{
		sfb_addrset x;

		sfb_addrset_init(&x);
		if ((st = sfb_addrset_intersect(&x, &cur.src, &b->src)) != SFB_OK) {
			sfb_addrset_free(&x);
			goto out;
		}
		sfb_addrset_free(&cur.src);
		cur.src = x;
	}
	/* destinations */
	rs_box_init(&piece);
	if ((st = rs_box_copy(&piece, &cur)) != SFB_OK)
		goto out;
	sfb_addrset_free(&piece.dst);
	sfb_addrset_init(&piece.dst);
	if ((st = sfb_addrset_diff(&piece.dst, &cur.dst, &b->dst)) != SFB_OK ||
	    (st = region_take(out, &piece, t)) != SFB_OK)
		goto out;
	{
		sfb_addrset x;

		sfb_addrset_init(&x);
		if ((st = sfb_addrset_intersect(&x, &cur.dst, &b->dst)) != SFB_OK) {
			sfb_addrset_free(&x);
			goto out;
		}
		sfb_addrset_free(&cur.dst);
		cur.dst = x;
	}
	if ((cur.protos & (RS_TCP | RS_UDP)) == 0)
		goto out;       /* no ports: the rest of cur lies inside b */
	/* source ports */
	rs_box_init(&piece);
	if ((st = rs_box_copy(&piece, &cur)) != SFB_OK)
		goto out;
	sfb_iset_free(&piece.sport.s);
	sfb_iset_init(&piece.sport.s);
	if ((st = sfb_iset_diff(&piece.sport.s, &cur.sport.s, &b->sport.s)) != SFB_OK ||
	    (st = region_take(out, &piece, t)) != SFB_OK)
		goto out;
	{
		sfb_iset x;

		sfb_iset_init(&x);
		if ((st = sfb_iset_intersect(&x, &cur.sport.s, &b->sport.s)) != SFB_OK) {
			sfb_iset_free(&x);
			goto out;
		}
		sfb_iset_free(&cur.sport.s);
		cur.sport.s = x;
	}
	/* destination ports */
	rs_box_init(&piece);
	if ((st = rs_box_copy(&piece, &cur)) != SFB_OK)
		goto out;
	sfb_iset_free(&piece.dport.s);
	sfb_iset_init(&piece.dport.s);
	if ((st = sfb_iset_diff(&piece.dport.s, &cur.dport.s, &b->dport.s)) != SFB_OK ||
	    (st = region_take(out, &piece, t)) != SFB_OK)
		goto out;
out:
	rs_box_free(&piece);
	rs_box_free(&cur);
	return st;
}

sfb_status
region_cut(struct region *r, const struct rs_box *b, struct region *in, struct tag t)
{
	struct region keep;
	struct rs_box x;
	sfb_status st = SFB_OK;
	size_t i;

	/* Most rules meet none of the boxes: nothing to rebuild then. */
	for (i = 0; i < r->n && !box_meets(&r->v[i].b, b); i++)
		;
	if (i == r->n)
		return SFB_OK;
	region_init(&keep);
	for (i = 0; i < r->n && st == SFB_OK; i++) {
		if (!box_meets(&r->v[i].b, b)) {
			if (sfb_grow(&keep.v, &keep.cap, keep.n + 1, sizeof(*keep.v)) != SFB_OK) {
				st = SFB_ENOMEM;
				break;
			}
			keep.v[keep.n++] = r->v[i];
			rs_box_init(&r->v[i].b);
			continue;
		}
		if (in != NULL) {
			rs_box_init(&x);
			if (box_intersect(&x, &r->v[i].b, b, &st))
				st = region_take(in, &x, t.chain == RS_NOBODY ? r->v[i].tag : t);
			else
				rs_box_free(&x);
			if (st != SFB_OK)
				break;
		}
		st = box_minus(&r->v[i].b, b, &keep, r->v[i].tag);
	}
	region_clear(r);
	free(r->v);
	*r = keep;
	return st;
}

sfb_status
region_sub(struct region *r, const struct region *s)
{
	struct tag none = { RS_NOBODY, 0 };
	sfb_status st = SFB_OK;
	size_t i;

	for (i = 0; i < s->n && st == SFB_OK && r->n > 0; i++)
		st = region_cut(r, &s->v[i].b, NULL, none);
	return st;
}

/* An address set, or with max > 0 its first max prefixes and a count. */
static void
addrs_print(sfb_buf *out, const sfb_addrset *a, size_t max)
{
	sfb_buf all;
	size_t i, n = 0, cut = 0;

	if (max == 0 || sfb_addrset_count_cidrs(a, 4) + sfb_addrset_count_cidrs(a, 6) <= max) {
		sfb_addrset_print(out, a);
		return;
	}
	sfb_buf_init(&all);
	sfb_addrset_print(&all, a);
	for (i = 0; i < all.len; i++)
		if (all.data[i] == ',' && ++n == max) {
			cut = i;
			break;
		}
	if (sfb_buf_status(&all) == SFB_OK && cut > 0) {
		sfb_buf_add(out, all.data, cut);
		sfb_buf_printf(out, ", ... (%zu prefixes in all)",
		    sfb_addrset_count_cidrs(a, 4) + sfb_addrset_count_cidrs(a, 6));
	} else {
		sfb_buf_puts(out, sfb_buf_str(&all));
	}
	sfb_buf_free(&all);
}

void
box_print(sfb_buf *out, const struct rs_box *b)
{
	box_print_short(out, b, 0);
}

void
box_print_short(sfb_buf *out, const struct rs_box *b, size_t max)
{
	const char *p;

	switch (b->protos) {
	case RS_TCP: p = "tcp"; break;
	case RS_UDP: p = "udp"; break;
	case RS_TCP | RS_UDP: p = "tcp+udp"; break;
	case RS_OTHER: p = "other"; break;
	default: p = "any protocol"; break;
	}
	sfb_buf_printf(out, "%s ", p);
	addrs_print(out, &b->src, max);
	sfb_buf_puts(out, " -> ");
	addrs_print(out, &b->dst, max);
	if (b->protos & (RS_TCP | RS_UDP)) {
		if (!sfb_portset_is_all(&b->sport)) {
			sfb_buf_puts(out, " sport ");
			sfb_portset_print(out, &b->sport);
		}
		if (!sfb_portset_is_all(&b->dport)) {
			sfb_buf_puts(out, " dport ");
			sfb_portset_print(out, &b->dport);
		}
	}
}
