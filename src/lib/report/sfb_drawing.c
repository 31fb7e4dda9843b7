/* The drawing's model: which boxes, which sides, which arrows through
 * which firewall rows.  Nothing here knows Graphviz (sfb_layout.c). */
#include "sfb_layout.h"

#include <stdlib.h>
#include <string.h>

#include "sfb_strmap.h"

void
sfb_drawing_free(struct sfb_drawing *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		sfb_portset_free(&d->a[i].tcp);
		sfb_portset_free(&d->a[i].udp);
		free(d->a[i].flows);
		free(d->a[i].via);
	}
	for (i = 0; i < d->nbox; i++) {
		free(d->box[i].hosts);
		free(d->box[i].name);
	}
	free(d->box);
	free(d->box_of);
	free(d->a);
	free(d->nrows);
	free(d->svg);
	memset(d, 0, sizeof(*d));
}

void
sfb_drawing_end_id(const struct sfb_drawing *d, size_t box, int side, sfb_buf *out)
{
	const struct sfb_box *bx = &d->box[box];

	if (side != SFB_SIDE_NONE)
		sfb_buf_printf(out, "side-%zu-%s", box, side == SFB_SIDE_EXTERNAL ? "out" : "in");
	else if (d->folded)
		sfb_buf_printf(out, "box-%zu", box);
	else if (bx->pool)
		sfb_buf_printf(out, "pool-%zu", box);
	else
		sfb_buf_printf(out, "host-%zu", bx->hosts[0]);
}

void
sfb_drawing_ports(const struct sfb_arrow *ar, size_t cut, sfb_buf *b)
{
	size_t start = b->len;

	if (sfb_portset_count(&ar->tcp) > 0) {
		sfb_buf_puts(b, "tcp ");
		sfb_portset_print(b, &ar->tcp);
	}
	if (sfb_portset_count(&ar->udp) > 0) {
		sfb_buf_puts(b, b->len > start ? "; udp " : "udp ");
		sfb_portset_print(b, &ar->udp);
	}
	if (cut > 3 && b->len - start > cut && sfb_buf_status(b) == SFB_OK) {
		b->len = start + cut - 3;
		b->data[b->len] = '\0';
		sfb_buf_puts(b, "...");
	}
}

/* An arrow's key and one of its flows: (src box, src side, dst box, dst
 * side, src zone, dst zone, flow), then the plan entry it comes from. */
#define KEY 7
#define WORDS 8

/* Tuples of n words, compared word by word (for qsort's comparators). */
static int
cmp_words(const size_t *a, const size_t *b, int n)
{
	for (int k = 0; k < n; k++)
		if (a[k] != b[k])
			return a[k] < b[k] ? -1 : 1;
	return 0;
}

static int
cmp_key(const void *x, const void *y)
{
	return cmp_words(x, y, WORDS);
}

/* A firewall row's key: (firewall, west box, east box, arrow, index). */
static int
cmp_row(const void *x, const void *y)
{
	return cmp_words(x, y, 5);
}

/* Two-sided: some host of the box has an external Edge endpoint and
 * another endpoint that is not (an Edge Server, or a pool of them). */
static bool
box_sided(const sfb_plan *plan, const struct sfb_box *bx)
{
	const sfb_topology *t = plan->topo;
	size_t i, k;

	for (i = 0; i < bx->nhosts; i++) {
		const struct sfb_host *h = &t->hosts[bx->hosts[i]];
		bool ext = false, in = false;

		for (k = h->first_ep; k < h->first_ep + h->nep; k++) {
			if (sfb_endpoint_has_trait(plan->cat, &t->eps[k], SFB_TRAIT_EDGE_EXTERNAL))
				ext = true;
			else
				in = true;
		}
		if (ext && in)
			return true;
	}
	return false;
}

int
sfb_drawing_side(const sfb_plan *plan, const struct sfb_drawing *d, size_t ep)
{
	const struct sfb_endpoint *e = &plan->topo->eps[ep];

	if (!d->box[d->box_of[e->host]].sided)
		return SFB_SIDE_NONE;
	return sfb_endpoint_has_trait(plan->cat, e, SFB_TRAIT_EDGE_EXTERNAL) ? SFB_SIDE_EXTERNAL :
	    SFB_SIDE_INTERNAL;
}

/* One box per host or pool; or, folded, per zone and pool (or role set). */
static sfb_status
make_boxes(sfb_ctx *ctx, const sfb_plan *plan, struct sfb_drawing *d)
{
	const sfb_topology *t = plan->topo;
	sfb_strmap keys;
	sfb_buf k;
	size_t i, r, b, cap = 0;
	bool had;
	sfb_status st = SFB_OK;

	sfb_strmap_init(&keys);
	sfb_buf_init(&k);
	d->folded = t->nhosts > SFB_FOLD_AT;
	if ((d->box_of = calloc(t->nhosts + 1, sizeof(*d->box_of))) == NULL)
		goto oom;
	for (i = 0; i < t->nhosts; i++) {
		const struct sfb_host *h = &t->hosts[i];
		const struct sfb_endpoint *ep = &t->eps[h->first_ep];
		struct sfb_box *bx;

		sfb_buf_reset(&k);
		sfb_buf_printf(&k, "%zu|", ep->zone);
		/* A pool is one box either way (one arrow for its hosts, which
		 * share their roles and so their flows); unfolded, its hosts
		 * are drawn inside it. */
		if (h->pool != NULL)
			sfb_buf_printf(&k, "pool %s", h->pool);
		else if (!d->folded)
			sfb_buf_printf(&k, "host %zu", i);
		else
			for (r = 0; r < ep->nroles; r++)
				sfb_buf_printf(&k, "%s%s", r > 0 ? ", " : "roles ",
				    plan->cat->roles[ep->roles[r]].name);
		if (sfb_buf_status(&k) != SFB_OK ||
		    sfb_strmap_put(&keys, k.data, d->nbox, &had, &b) != SFB_OK)
			goto oom;
		if (!had) {
			if (sfb_grow(&d->box, &cap, d->nbox + 1, sizeof(*d->box)) != SFB_OK)
				goto oom;
			memset(&d->box[d->nbox], 0, sizeof(*d->box));
			d->box[d->nbox].zone = ep->zone;
			d->nbox++;
		}
		bx = &d->box[b];
		if (sfb_grow(&bx->hosts, &bx->cap, bx->nhosts + 1, sizeof(*bx->hosts)) != SFB_OK)
			goto oom;
		bx->hosts[bx->nhosts++] = i;
		d->box_of[i] = b;
	}
	for (b = 0; b < d->nbox; b++) {
		struct sfb_box *bx = &d->box[b];
		const struct sfb_host *h = &t->hosts[bx->hosts[0]];
		const struct sfb_endpoint *ep = &t->eps[h->first_ep];

		bx->sided = box_sided(plan, bx);
		bx->pool = h->pool != NULL;
		sfb_buf_reset(&k);
		if (bx->nhosts == 1)
			sfb_buf_puts(&k, h->name);
		else if (h->pool != NULL)
			sfb_buf_printf(&k, "%s (%zu hosts)", h->pool, bx->nhosts);
		else {
			for (r = 0; r < ep->nroles; r++)
				sfb_buf_printf(&k, "%s%s", r > 0 ? ", " : "", plan->cat->roles[ep->roles[r]].name);
			sfb_buf_printf(&k, " x %zu", bx->nhosts);
		}
		if (sfb_buf_status(&k) != SFB_OK || (bx->name = strdup(k.data)) == NULL)
			goto oom;
	}
	goto out;
oom:
	st = sfb_oom(ctx);
out:
	sfb_strmap_free(&keys);
	sfb_buf_free(&k);
	return st;
}

/* The firewalls from zone zs to zone zd, in order, into a new array, and
 * the side of each the arrow comes in and goes out by. */
static sfb_status
path_of(sfb_ctx *ctx, const sfb_plan *plan, struct sfb_arrow *ar)
{
	size_t nz = plan->topo->nzones, z, k;
	int len = sfb_plan_path_len(plan, ar->zs, ar->zd);

	ar->nvia = len > 0 ? (size_t)len : 0;
	if ((ar->via = calloc(ar->nvia + 1, sizeof(*ar->via))) == NULL)
		return sfb_oom(ctx);
	/* The paths are kept as the last hop into each zone: walk back. */
	k = ar->nvia;
	for (z = ar->zd; z != ar->zs && k > 0; z = plan->via_zone[ar->zs * nz + z])
		ar->via[--k].fw = plan->via_fw[ar->zs * nz + z];
	for (k = 0; k < ar->nvia; k++) {
		ar->via[k].in_west = sfb_plan_fw_side(plan, ar->via[k].fw, ar->zs) == 0;
		ar->via[k].out_west = sfb_plan_fw_side(plan, ar->via[k].fw, ar->zd) == 0;
	}
	return SFB_OK;
}

/* Which way a two-sided box faces: its external side toward the
 * firewalls its external arrows cross next, which the drawing puts right
 * of the zone when the zone is the firewall's first (sfb_layout.c).  By a
 * vote of those arrows: internal clients reach an A/V Edge's external
 * side too, through the internal firewall. */
static sfb_status
orient(sfb_ctx *ctx, struct sfb_drawing *d)
{
	long *vote = calloc(d->nbox + 1, sizeof(*vote));
	size_t i, b;

	if (vote == NULL)
		return sfb_oom(ctx);
	for (i = 0; i < d->n; i++) {
		const struct sfb_arrow *ar = &d->a[i];

		if (ar->nvia == 0)
			continue;
		/* +1: its zone lies east of the firewall its external side's
		 * arrow crosses, so that side faces west (left) */
		if (ar->sside == SFB_SIDE_EXTERNAL)
			vote[ar->src] += ar->via[0].in_west ? -1 : 1;
		else if (ar->dside == SFB_SIDE_EXTERNAL)
			vote[ar->dst] += ar->via[ar->nvia - 1].out_west ? -1 : 1;
	}
	for (b = 0; b < d->nbox; b++)
		d->box[b].ext_left = vote[b] > 0;
	free(vote);
	return SFB_OK;
}

/* The rows of each firewall, top to bottom in the order of the boxes on
 * its west side, then of those on its east: dot keeps the boxes of a zone
 * in the order they are made, so the arrows cross less. */
static sfb_status
number_rows(sfb_ctx *ctx, struct sfb_drawing *d)
{
	size_t *v = NULL, n = 0, cap = 0, i, k;
	sfb_status st = SFB_OK;

	for (i = 0; i < d->n; i++) {
		const struct sfb_arrow *ar = &d->a[i];

		for (k = 0; k < ar->nvia; k++) {
			bool from_west = ar->via[k].in_west;

			if (sfb_grow(&v, &cap, n + 5, sizeof(*v)) != SFB_OK) {
				st = sfb_oom(ctx);
				goto out;
			}
			v[n++] = ar->via[k].fw;
			v[n++] = from_west ? ar->src : ar->dst;
			v[n++] = from_west ? ar->dst : ar->src;
			v[n++] = i;
			v[n++] = k;
		}
	}
	if (n > 0)
		qsort(v, n / 5, 5 * sizeof(*v), cmp_row);
	for (i = 0; i < n; i += 5)
		d->a[v[i + 3]].via[v[i + 4]].row = d->nrows[v[i]]++;
out:
	free(v);
	return st;
}

sfb_status
sfb_drawing_arrows(sfb_ctx *ctx, const sfb_plan *plan, struct sfb_drawing *d)
{
	const sfb_topology *t = plan->topo;
	const struct sfb_entry *e;
	size_t *v = NULL, n = 0, cap = 0, i, a, b, j;
	sfb_status st = SFB_OK;

	if ((st = make_boxes(ctx, plan, d)) != SFB_OK)
		return st;
	if ((d->nrows = calloc(t->nfws + 1, sizeof(*d->nrows))) == NULL)
		goto oom;
	/* (key, flow, entry) tuples, sorted: an arrow per key. */
	for (i = 0; i < plan->nentries; i++) {
		e = &plan->entries[i];
		/* The drawing is of what crosses firewalls, as the poster's is;
		 * traffic inside a zone would bury it. */
		if (e->fw == SFB_NO_FIREWALL)
			continue;
		for (a = 0; a < e->nsrc; a++) {
			for (b = 0; b < e->ndst; b++) {
				const struct sfb_endpoint *se = &t->eps[e->src_eps[a]],
				    *de = &t->eps[e->dst_eps[b]];
				size_t hs = d->box_of[se->host], hd = d->box_of[de->host];

				if (hs == hd || sfb_plan_path_len(plan, se->zone, de->zone) <= 0)
					continue;
				if (sfb_grow(&v, &cap, n + WORDS, sizeof(*v)) != SFB_OK)
					goto oom;
				v[n++] = hs;
				v[n++] = (size_t)sfb_drawing_side(plan, d, e->src_eps[a]);
				v[n++] = hd;
				v[n++] = (size_t)sfb_drawing_side(plan, d, e->dst_eps[b]);
				v[n++] = se->zone;
				v[n++] = de->zone;
				v[n++] = e->flow;
				v[n++] = i;
			}
		}
	}
	if (n > 0)
		qsort(v, n / WORDS, WORDS * sizeof(*v), cmp_key);
	for (i = 0; i < n; i = j) {
		struct sfb_arrow *ar;

		if (sfb_grow(&d->a, &d->cap, d->n + 1, sizeof(*d->a)) != SFB_OK)
			goto oom;
		ar = &d->a[d->n];
		memset(ar, 0, sizeof(*ar));
		ar->src = v[i];
		ar->sside = (int)v[i + 1];
		ar->dst = v[i + 2];
		ar->dside = (int)v[i + 3];
		ar->zs = v[i + 4];
		ar->zd = v[i + 5];
		ar->level = -1;
		sfb_portset_init(&ar->tcp);
		sfb_portset_init(&ar->udp);
		d->n++;
		for (j = i; j < n && memcmp(&v[j], &v[i], (KEY - 1) * sizeof(*v)) == 0; j += WORDS)
			;
		if ((ar->flows = calloc((j - i) / WORDS, sizeof(*ar->flows))) == NULL)
			goto oom;
		for (a = i; a < j; a += WORDS) {
			const struct sfb_entry *en = &plan->entries[v[a + KEY]];
			const sfb_portset *dp = sfb_entry_dport(plan->cat, en);
			int proto = plan->cat->flows[en->flow].proto;

			if (ar->nflows == 0 || ar->flows[ar->nflows - 1] != v[a + KEY - 1])
				ar->flows[ar->nflows++] = v[a + KEY - 1];
			if (((proto & SFB_PROTO_TCP) && sfb_iset_union(&ar->tcp.s, &dp->s) != SFB_OK) ||
			    ((proto & SFB_PROTO_UDP) && sfb_iset_union(&ar->udp.s, &dp->s) != SFB_OK))
				goto oom;
		}
		if ((st = path_of(ctx, plan, ar)) != SFB_OK)
			goto out;
	}
	if ((st = number_rows(ctx, d)) != SFB_OK)
		goto out;
	st = orient(ctx, d);
	goto out;
oom:
	st = sfb_oom(ctx);
out:
	free(v);
	return st;
}
