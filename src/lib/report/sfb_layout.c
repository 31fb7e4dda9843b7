/* Drawing the deployment with Graphviz: cgraph builds the graph, dot lays
 * it out, the SVG renderer writes it into memory. */
#include "sfb_layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "sfb_results.h"
#include "sfb_strmap.h"

static const char *const level_colour[] = { "#1a7f37", "#bf8700", "#cf222e", "#6e7781" };

void
sfb_drawing_free(struct sfb_drawing *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->a[i].flows);
	for (i = 0; i < d->nbox; i++) {
		free(d->box[i].hosts);
		free(d->box[i].name);
	}
	free(d->box);
	free(d->box_of);
	free(d->a);
	free(d->svg);
	memset(d, 0, sizeof(*d));
}

static int
cmp_pair(const void *x, const void *y)
{
	const size_t *a = x, *b = y;

	for (int k = 0; k < 3; k++)
		if (a[k] != b[k])
			return a[k] < b[k] ? -1 : 1;
	return 0;
}

/* One box per host; or, folded, per zone and pool (or role set). */
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

sfb_status
sfb_drawing_arrows(sfb_ctx *ctx, const sfb_plan *plan, struct sfb_drawing *d)
{
	const sfb_topology *t = plan->topo;
	const struct sfb_entry *e;
	size_t *v = NULL, n = 0, cap = 0, i, a, b, j;
	sfb_status st = SFB_OK;

	if ((st = make_boxes(ctx, plan, d)) != SFB_OK)
		return st;
	/* (src box, dst box, flow) triples, sorted and unique. */
	for (i = 0; i < plan->nentries; i++) {
		e = &plan->entries[i];
		/* The drawing is of what crosses firewalls, as the poster's is;
		 * traffic inside a zone would bury it. */
		if (e->fw == SFB_NO_FIREWALL)
			continue;
		for (a = 0; a < e->nsrc; a++) {
			for (b = 0; b < e->ndst; b++) {
				size_t hs = d->box_of[t->eps[e->src_eps[a]].host],
				    hd = d->box_of[t->eps[e->dst_eps[b]].host];

				if (hs == hd)
					continue;
				if (sfb_grow(&v, &cap, n + 3, sizeof(*v)) != SFB_OK)
					goto oom;
				v[n++] = hs;
				v[n++] = hd;
				v[n++] = e->flow;
			}
		}
	}
	if (n > 0)
		qsort(v, n / 3, 3 * sizeof(*v), cmp_pair);
	for (i = 0; i < n; i = j) {
		struct sfb_arrow *ar;

		if (sfb_grow(&d->a, &d->cap, d->n + 1, sizeof(*d->a)) != SFB_OK)
			goto oom;
		ar = &d->a[d->n];
		memset(ar, 0, sizeof(*ar));
		ar->src = v[i];
		ar->dst = v[i + 1];
		ar->level = -1;
		d->n++;
		for (j = i; j < n && v[j] == v[i] && v[j + 1] == v[i + 1]; j += 3)
			;
		if ((ar->flows = calloc((j - i) / 3, sizeof(*ar->flows))) == NULL)
			goto oom;
		for (a = i; a < j; a += 3)
			if (ar->nflows == 0 || ar->flows[ar->nflows - 1] != v[a + 2])
				ar->flows[ar->nflows++] = v[a + 2];
	}
	goto out;
oom:
	st = sfb_oom(ctx);
out:
	free(v);
	return st;
}

/* Graphviz reads backslash escapes in labels (\N, \l ...): double them. */
static void
label_text(sfb_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			sfb_buf_putc(b, '\\');
		sfb_buf_putc(b, *s);
	}
}

static void
set(void *obj, const char *k, const char *v)
{
	agsafeset(obj, (char *)k, (char *)v, "");
}

/* "tcp 443, 5061; udp 3478" for the flows of an arrow, cut at 60 characters. */
static void
arrow_label(const sfb_plan *plan, const struct sfb_arrow *ar, sfb_buf *b)
{
	sfb_portset tcp, udp;
	const struct sfb_cflow *f;
	size_t i, start = b->len;

	sfb_portset_init(&tcp);
	sfb_portset_init(&udp);
	for (i = 0; i < ar->nflows; i++) {
		f = &plan->cat->flows[ar->flows[i]];
		if (f->proto & SFB_PROTO_TCP)
			(void)sfb_iset_union(&tcp.s, &f->dport.s);
		if (f->proto & SFB_PROTO_UDP)
			(void)sfb_iset_union(&udp.s, &f->dport.s);
	}
	if (sfb_portset_count(&tcp) > 0) {
		sfb_buf_puts(b, "tcp ");
		sfb_portset_print(b, &tcp);
	}
	if (sfb_portset_count(&udp) > 0) {
		sfb_buf_puts(b, b->len > start ? "; udp " : "udp ");
		sfb_portset_print(b, &udp);
	}
	if (b->len - start > 60 && b->data != NULL) {
		b->len = start + 57;
		b->data[b->len] = '\0';
		sfb_buf_puts(b, "...");
	}
	sfb_portset_free(&tcp);
	sfb_portset_free(&udp);
}

/* A node for a host or a folded box in graph in: Graphviz name gname
 * (reused for the element id "KIND-N"), its label, drawn as a stack when it
 * is several endpoints or hosts.  NULL when memory runs out. */
static Agnode_t *
host_node(Agraph_t *in, sfb_buf *gname, const char *label, const char *kind, size_t n,
    bool stack)
{
	Agnode_t *nd = NULL;
	sfb_buf lb;

	sfb_buf_init(&lb);
	label_text(&lb, label);
	if (sfb_buf_status(gname) != SFB_OK || sfb_buf_status(&lb) != SFB_OK ||
	    (nd = agnode(in, gname->data, 1)) == NULL)
		goto out;
	sfb_buf_reset(gname);
	sfb_buf_printf(gname, "%s-%zu", kind, n);
	if (sfb_buf_status(gname) != SFB_OK) {
		nd = NULL;
		goto out;
	}
	set(nd, "label", lb.data);
	set(nd, "id", gname->data);
	set(nd, "class", "host");
	set(nd, "shape", stack ? "box3d" : "box");
	set(nd, "style", "rounded,filled");
	set(nd, "fillcolor", "white");
out:
	sfb_buf_free(&lb);
	return nd;
}

sfb_status
sfb_drawing_render(sfb_ctx *ctx, const sfb_plan *plan, struct sfb_drawing *d)
{
	const sfb_topology *t = plan->topo;
	GVC_t *gvc = NULL;
	Agraph_t *g = NULL, **zg = NULL;
	Agnode_t **hn = NULL, **fn = NULL, **anchor = NULL;
	char **cl = NULL;             /* [box] its pool's cluster, or NULL */
	Agedge_t *e;
	sfb_buf b, lb;
	char *data = NULL, *svg;
	size_t len = 0;
	FILE *mem;
	int rc;
	size_t i, k;
	sfb_status st = SFB_OK;

	sfb_buf_init(&b);
	sfb_buf_init(&lb);
	zg = calloc(t->nzones + 1, sizeof(*zg));
	hn = calloc(d->nbox + 1, sizeof(*hn));
	fn = calloc(t->nfws + 1, sizeof(*fn));
	anchor = calloc(t->nzones + 1, sizeof(*anchor));
	cl = calloc(d->nbox + 1, sizeof(*cl));
	if (cl == NULL || zg == NULL || hn == NULL || fn == NULL || anchor == NULL || (gvc = gvContext()) == NULL ||
	    (g = agopen("sfbnet", Agdirected, NULL)) == NULL)
		goto oom;
	agattr(g, AGRAPH, "rankdir", "LR");
	agattr(g, AGRAPH, "forcelabels", "true");
	agattr(g, AGRAPH, "compound", "true");
	agattr(g, AGRAPH, "nodesep", "0.25");
	agattr(g, AGRAPH, "ranksep", "1.2");
	agattr(g, AGRAPH, "fontname", "DejaVu Sans");
	agattr(g, AGNODE, "fontname", "DejaVu Sans");
	agattr(g, AGNODE, "fontsize", "10");
	agattr(g, AGEDGE, "fontname", "DejaVu Sans");
	agattr(g, AGEDGE, "fontsize", "8");
	for (i = 0; i < t->nzones; i++) {
		sfb_buf_reset(&b);
		sfb_buf_printf(&b, "cluster_z%zu", i);
		if (sfb_buf_status(&b) != SFB_OK || (zg[i] = agsubg(g, b.data, 1)) == NULL)
			goto oom;
		sfb_buf_reset(&lb);
		label_text(&lb, t->zones[i].name);
		sfb_buf_reset(&b);
		sfb_buf_printf(&b, "zone-%zu", i);
		if (sfb_buf_status(&b) != SFB_OK || sfb_buf_status(&lb) != SFB_OK)
			goto oom;
		set(zg[i], "label", lb.data);
		set(zg[i], "id", b.data);
		set(zg[i], "class", "zone");
		set(zg[i], "style", "rounded,filled");
		set(zg[i], "fillcolor", t->zones[i].is_default ? "#f6f8fa" : "#eef4fb");
	}
	for (i = 0; i < d->nbox; i++) {
		const struct sfb_box *bx = &d->box[i];
		const char *pool = t->hosts[bx->hosts[0]].pool;
		size_t z = bx->zone;
		Agraph_t *in = zg[z];

		/* Unfolded, a pool's hosts stand together in a box of their own,
		 * and its arrows start or end at that box (compound edges). */
		if (!d->folded && pool != NULL) {
			sfb_buf_reset(&b);
			sfb_buf_printf(&b, "cluster_z%zu_%s", z, pool);
			if (sfb_buf_status(&b) != SFB_OK || (in = agsubg(zg[z], b.data, 1)) == NULL ||
			    (cl[i] = strdup(b.data)) == NULL)
				goto oom;
			sfb_buf_reset(&lb);
			label_text(&lb, pool);
			if (sfb_buf_status(&lb) != SFB_OK)
				goto oom;
			set(in, "label", lb.data);
			set(in, "class", "pool");
			set(in, "style", "dashed,rounded");
			set(in, "fillcolor", "");
			for (k = 0; k < bx->nhosts; k++) {
				const struct sfb_host *h = &t->hosts[bx->hosts[k]];
				Agnode_t *nd;

				sfb_buf_reset(&b);
				sfb_buf_printf(&b, "p%zu_%zu", i, k);
				if ((nd = host_node(in, &b, h->name, "host", bx->hosts[k], h->nep > 1)) == NULL)
					goto oom;
				/* The arrows meet the middle host, clipped at the box. */
				if (k == bx->nhosts / 2)
					hn[i] = nd;
			}
			if (anchor[z] == NULL)
				anchor[z] = hn[i];
			continue;
		}
		sfb_buf_reset(&b);
		sfb_buf_printf(&b, "h%zu", i);
		if ((hn[i] = host_node(in, &b, bx->name, d->folded ? "box" : "host",
		    d->folded ? i : bx->hosts[0], bx->nhosts > 1 || t->hosts[bx->hosts[0]].nep > 1)) == NULL)
			goto oom;
		if (anchor[z] == NULL)
			anchor[z] = hn[i];
	}
	for (i = 0; i < t->nfws; i++) {
		sfb_buf_reset(&b);
		sfb_buf_printf(&b, "f%zu", i);
		if (sfb_buf_status(&b) != SFB_OK || (fn[i] = agnode(g, b.data, 1)) == NULL)
			goto oom;
		sfb_buf_reset(&lb);
		label_text(&lb, t->fws[i].name);
		sfb_buf_reset(&b);
		sfb_buf_printf(&b, "fw-%zu", i);
		if (sfb_buf_status(&b) != SFB_OK || sfb_buf_status(&lb) != SFB_OK)
			goto oom;
		set(fn[i], "label", lb.data);
		set(fn[i], "id", b.data);
		set(fn[i], "class", "firewall");
		set(fn[i], "shape", "box");
		set(fn[i], "style", "filled");
		set(fn[i], "fillcolor", "#ffebe9");
		set(fn[i], "penwidth", "2");
		/* Invisible edges hold each firewall between its zones. */
		for (k = 0; k < t->fws[i].nzones; k++) {
			size_t z = t->fws[i].zones[k];

			if (anchor[z] == NULL)
				continue;
			e = k == 0 ? agedge(g, anchor[z], fn[i], NULL, 1) : agedge(g, fn[i], anchor[z], NULL, 1);
			if (e == NULL)
				goto oom;
			set(e, "style", "invis");
			set(e, "weight", "4");
		}
	}
	for (i = 0; i < d->n; i++) {
		const struct sfb_arrow *ar = &d->a[i];

		if ((e = agedge(g, hn[ar->src], hn[ar->dst], NULL, 1)) == NULL)
			goto oom;
		sfb_buf_reset(&b);
		sfb_buf_printf(&b, "arrow-%zu", i);
		sfb_buf_reset(&lb);
		arrow_label(plan, ar, &lb);
		if (sfb_buf_status(&b) != SFB_OK || sfb_buf_status(&lb) != SFB_OK)
			goto oom;
		set(e, "id", b.data);
		if (cl[ar->src] != NULL)
			set(e, "ltail", cl[ar->src]);
		if (cl[ar->dst] != NULL)
			set(e, "lhead", cl[ar->dst]);
		/* xlabel, not label: an edge label becomes a virtual node in dot,
		 * and Debian 12's Graphviz frees those twice (gvFreeLayout) when
		 * the edge joins two clusters. */
		set(e, "xlabel", lb.data);
		set(e, "class", ar->level < 0 ? "arrow" : ar->level == SFB_LV_PASS ? "arrow pass" :
		    ar->level == SFB_LV_PARTIAL ? "arrow partial" : ar->level == SFB_LV_FAIL ?
		    "arrow fail" : "arrow unknown");
		set(e, "color", ar->level < 0 ? "#57606a" : level_colour[ar->level]);
		set(e, "fontcolor", ar->level < 0 ? "#57606a" : level_colour[ar->level]);
		set(e, "penwidth", ar->level < 0 ? "1" : "2");
	}
	if (gvLayout(gvc, g, "dot") != 0) {
		st = sfb_failf(ctx, SFB_EINTERNAL, "report: Graphviz could not lay the drawing out");
		goto out;
	}
	/* Into a memory stream: gvRenderData's own buffer is freed twice by
	 * gvFreeLayout in Debian 12's Graphviz. */
	if ((mem = open_memstream(&data, &len)) == NULL) {
		gvFreeLayout(gvc, g);
		goto oom;
	}
	rc = gvRender(gvc, g, "svg", mem);
	fclose(mem);
	gvFreeLayout(gvc, g);
	if (rc != 0 || data == NULL) {
		st = sfb_failf(ctx, SFB_EINTERNAL, "report: Graphviz could not render the drawing");
		goto out;
	}
	/* The <svg> element alone: no XML declaration or doctype inside HTML. */
	svg = strstr(data, "<svg");
	if (svg == NULL || (d->svg = strdup(svg)) == NULL)
		goto oom;
	goto out;
oom:
	st = sfb_oom(ctx);
out:
	free(data);
	if (g != NULL)
		agclose(g);
	if (gvc != NULL)
		gvFreeContext(gvc);
	free(zg);
	free(hn);
	free(fn);
	free(anchor);
	for (i = 0; cl != NULL && i < d->nbox; i++)
		free(cl[i]);
	free(cl);
	sfb_buf_free(&b);
	sfb_buf_free(&lb);
	return st;
}
