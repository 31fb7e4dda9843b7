/* Drawing the deployment with Graphviz: cgraph builds the graph, dot lays
 * it out, the SVG renderer writes it into memory.  The model (boxes,
 * sides, arrows, firewall rows) comes from sfb_drawing.c. */
#include "sfb_layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "sfb_results.h"

static const char *const level_colour[] = { "#1a7f37", "#bf8700", "#cf222e", "#6e7781" };

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

/* A node for a host or a folded box in graph in, named (in Graphviz, and
 * as its element id) KIND-N, drawn as a stack when it is several
 * endpoints or hosts; b is scratch.  NULL when memory runs out.  The
 * names of the nodes are their ids so that an edge's title in the SVG
 * ("host-3->fw-0:r2:w") names the elements it joins. */
static Agnode_t *
host_node(Agraph_t *in, sfb_buf *b, const char *label, const char *kind, size_t n, bool stack)
{
	Agnode_t *nd = NULL;

	sfb_buf_reset(b);
	sfb_buf_printf(b, "%s-%zu", kind, n);
	if (sfb_buf_status(b) != SFB_OK || (nd = agnode(in, b->data, 1)) == NULL)
		return NULL;
	sfb_buf_reset(b);
	label_text(b, label);
	if (sfb_buf_status(b) != SFB_OK)
		return NULL;
	set(nd, "label", b->data);
	set(nd, "id", agnameof(nd));
	set(nd, "class", "host");
	set(nd, "shape", stack ? "box3d" : "box");
	set(nd, "style", "rounded,filled");
	set(nd, "fillcolor", "white");
	return nd;
}

/* Text inside a Graphviz HTML label: its markup characters as entities. */
static void
html_text(sfb_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': sfb_buf_puts(b, "&amp;"); break;
		case '<': sfb_buf_puts(b, "&lt;"); break;
		case '>': sfb_buf_puts(b, "&gt;"); break;
		case '"': sfb_buf_puts(b, "&quot;"); break;
		default: sfb_buf_putc(b, *s);
		}
	}
}

#define SIDE_LINES 6

/* "internal side" or "external side", then its endpoints (an address, or
 * a name and the address the outside reaches), at most SIDE_LINES. */
static void
side_label(const sfb_plan *plan, const struct sfb_drawing *d, const struct sfb_box *bx, int side,
    sfb_buf *b)
{
	const sfb_topology *t = plan->topo;
	size_t i, k, n = 0;

	sfb_buf_puts(b, side == SFB_SIDE_EXTERNAL ? "external side" : "internal side");
	for (i = 0; i < bx->nhosts; i++) {
		const struct sfb_host *h = &t->hosts[bx->hosts[i]];

		for (k = h->first_ep; k < h->first_ep + h->nep; k++) {
			const struct sfb_endpoint *ep = &t->eps[k];

			if (sfb_drawing_side(plan, d, k) != side)
				continue;
			if (n++ >= SIDE_LINES || d->folded)
				continue;
			sfb_buf_puts(b, "\\n");
			if (side == SFB_SIDE_EXTERNAL && ep->fqdn != NULL) {
				label_text(b, ep->fqdn);
				sfb_buf_putc(b, ' ');
			}
			label_text(b, ep->pub_text != NULL ? ep->pub_text :
			    ep->addr_text != NULL ? ep->addr_text : t->zones[ep->zone].name);
		}
	}
	if (d->folded)
		sfb_buf_printf(b, "\\n%zu endpoint(s)", n);
	else if (n > SIDE_LINES)
		sfb_buf_printf(b, "\\nand %zu more", n - SIDE_LINES);
}

static const char *
level_of(int level)
{
	return level < 0 ? "#57606a" : level_colour[level];
}

/* A firewall as the poster draws it: its name over one row per arrow
 * through it, which names the arrow's ports in the arrow's colour (a
 * Graphviz HTML label; port rK is row K). */
static sfb_status
fw_label(const sfb_plan *plan, const struct sfb_drawing *d, size_t fw, sfb_buf *b)
{
	const struct sfb_arrow **by_row = NULL;
	sfb_buf ports;
	size_t i, k, nr = d->nrows[fw];
	sfb_status st = SFB_OK;

	sfb_buf_init(&ports);
	if ((by_row = calloc(nr + 1, sizeof(*by_row))) == NULL) {
		st = SFB_ENOMEM;
		goto out;
	}
	for (i = 0; i < d->n; i++)
		for (k = 0; k < d->a[i].nvia; k++)
			if (d->a[i].via[k].fw == fw && d->a[i].via[k].row < nr)
				by_row[d->a[i].via[k].row] = &d->a[i];
	sfb_buf_puts(b, "<TABLE BORDER=\"2\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\" "
	    "COLOR=\"#cf222e\" BGCOLOR=\"#ffebe9\"><TR><TD BORDER=\"0\"><FONT POINT-SIZE=\"11\">");
	html_text(b, plan->topo->fws[fw].name);
	sfb_buf_puts(b, "</FONT></TD></TR>");
	for (i = 0; i < nr; i++) {
		const struct sfb_arrow *ar = by_row[i];

		if (ar == NULL)
			continue;
		sfb_buf_printf(b, "<TR><TD PORT=\"r%zu\" COLOR=\"%s\" BGCOLOR=\"white\">"
		    "<FONT POINT-SIZE=\"8\" COLOR=\"%s\">", i, level_of(ar->level), level_of(ar->level));
		sfb_buf_reset(&ports);
		sfb_drawing_ports(ar, 60, &ports);
		html_text(b, sfb_buf_str(&ports));
		sfb_buf_puts(b, "</FONT></TD></TR>");
	}
	sfb_buf_puts(b, "</TABLE>");
	if (sfb_buf_status(&ports) != SFB_OK || sfb_buf_status(b) != SFB_OK)
		st = SFB_ENOMEM;
out:
	free(by_row);
	sfb_buf_free(&ports);
	return st;
}

/* Graphviz objects of the drawing while it is built. */
struct gv {
	Agraph_t *g, **zg;
	Agnode_t **hn;                /* [box] its node (a pool's or an Edge's middle host) */
	Agnode_t **sn;                /* [2 box + side - 1] a two-sided box's sides */
	Agnode_t **fn, **anchor;      /* [fw]; [zone] a node that holds its place */
	char **cl;                    /* [box] the cluster its arrows end at, or NULL */
};

static Agnode_t *
end_of(const struct gv *v, size_t box, int side)
{
	return side == SFB_SIDE_NONE ? v->hn[box] : v->sn[2 * box + (size_t)side - 1];
}

/* An invisible edge that puts a before b, left to right. */
static sfb_status
order(Agraph_t *g, Agnode_t *a, Agnode_t *b, const char *weight)
{
	Agedge_t *e = agedge(g, a, b, NULL, 1);

	if (e == NULL)
		return SFB_ENOMEM;
	set(e, "style", "invis");
	set(e, "weight", weight);
	return SFB_OK;
}

/* The zone a side of a two-sided box stands in: that of its first
 * endpoint on that side. */
static size_t
side_zone(const sfb_plan *plan, const struct sfb_drawing *d, const struct sfb_box *bx, int side)
{
	const sfb_topology *t = plan->topo;
	size_t i, k;

	for (i = 0; i < bx->nhosts; i++) {
		const struct sfb_host *h = &t->hosts[bx->hosts[i]];

		for (k = h->first_ep; k < h->first_ep + h->nep; k++)
			if (sfb_drawing_side(plan, d, k) == side)
				return t->eps[k].zone;
	}
	return bx->zone;
}

/* A pool, or a two-sided box (an Edge or a pool of them): a dashed box
 * around its hosts, and for an Edge its internal side, its hosts and its
 * external side from left to right (or the other way round, ext_left). */
static sfb_status
group_box(const sfb_plan *plan, const struct sfb_drawing *d, struct gv *v, size_t i, sfb_buf *b,
    sfb_buf *lb)
{
	const sfb_topology *t = plan->topo;
	const struct sfb_box *bx = &d->box[i];
	const char *pool = t->hosts[bx->hosts[0]].pool;
	Agraph_t *in;
	Agnode_t *nd, *left = NULL, *right = NULL;
	size_t k, nn = d->folded ? 1 : bx->nhosts;
	int s;

	sfb_buf_reset(b);
	sfb_buf_printf(b, "cluster_z%zu_b%zu", bx->zone, i);
	if (sfb_buf_status(b) != SFB_OK || (in = agsubg(v->zg[bx->zone], b->data, 1)) == NULL)
		return SFB_ENOMEM;
	if (!bx->sided && (v->cl[i] = strdup(b->data)) == NULL)
		return SFB_ENOMEM;
	sfb_buf_reset(lb);
	label_text(lb, d->folded || pool == NULL ? bx->name : pool);
	if (sfb_buf_status(lb) != SFB_OK)
		return SFB_ENOMEM;
	set(in, "label", lb->data);
	if (!bx->sided) {
		sfb_buf_reset(b);
		sfb_drawing_end_id(d, i, SFB_SIDE_NONE, b);
		if (sfb_buf_status(b) != SFB_OK)
			return SFB_ENOMEM;
		set(in, "id", b->data);
	}
	set(in, "class", bx->sided ? "pool edge" : "pool");
	set(in, "style", "dashed,rounded");
	set(in, "fillcolor", "");
	for (s = SFB_SIDE_INTERNAL; bx->sided && s <= SFB_SIDE_EXTERNAL; s++) {
		size_t z = side_zone(plan, d, bx, s);

		sfb_buf_reset(b);
		sfb_drawing_end_id(d, i, s, b);
		sfb_buf_reset(lb);
		/* A side in another zone (an Edge between two perimeter
		 * networks) stands in that zone, named after its Edge. */
		if (z != bx->zone) {
			label_text(lb, d->folded || pool == NULL ? bx->name : pool);
			sfb_buf_puts(lb, "\\n");
		}
		side_label(plan, d, bx, s, lb);
		if (sfb_buf_status(b) != SFB_OK || sfb_buf_status(lb) != SFB_OK ||
		    (nd = agnode(z != bx->zone ? v->zg[z] : in, b->data, 1)) == NULL)
			return SFB_ENOMEM;
		v->sn[2 * i + (size_t)s - 1] = nd;
		set(nd, "label", lb->data);
		set(nd, "id", b->data);
		set(nd, "class", "side");
		set(nd, "shape", "box");
		set(nd, "style", "filled");
		set(nd, "fillcolor", s == SFB_SIDE_EXTERNAL ? "#fff8c5" : "#ddf4ff");
		set(nd, "fontsize", "8");
		if ((s == SFB_SIDE_EXTERNAL) == bx->ext_left)
			left = nd;
		else
			right = nd;
	}
	for (k = 0; k < nn; k++) {
		size_t hi = bx->hosts[k];

		nd = d->folded ? host_node(in, b, bx->name, "box", i, true) :
		    host_node(in, b, t->hosts[hi].name, "host", hi, t->hosts[hi].nep > 1);
		if (nd == NULL)
			return SFB_ENOMEM;
		/* A pool's arrows meet its middle host, clipped at its box. */
		if (k == nn / 2)
			v->hn[i] = nd;
		if (left != NULL && (order(v->g, left, nd, "8") != SFB_OK ||
		    order(v->g, nd, right, "8") != SFB_OK))
			return SFB_ENOMEM;
	}
	return SFB_OK;
}

/* Arrow i: from its source to the row of each firewall it crosses, on
 * the side of the zone it comes from, and on to its destination; the last
 * part has the head and the id arrow-N.  Every part is an edge from left
 * to right in Graphviz, the way the zones stand (dir=back draws one that
 * goes right to left): edges both ways between the same ranks would let
 * dot rank a firewall level with the hosts beside it. */
static sfb_status
arrow_parts(const struct sfb_drawing *d, struct gv *v, size_t i, sfb_buf *b)
{
	const struct sfb_arrow *ar = &d->a[i];
	Agnode_t *from = end_of(v, ar->src, ar->sside), *to;
	char fromport[48] = "", toport[48];
	const char *fromcl = ar->sside == SFB_SIDE_NONE ? v->cl[ar->src] : NULL, *tocl;
	const char *cls = ar->level < 0 ? "arrow" : ar->level == SFB_LV_PASS ? "arrow pass" :
	    ar->level == SFB_LV_PARTIAL ? "arrow partial" : ar->level == SFB_LV_FAIL ?
	    "arrow fail" : "arrow unknown";
	Agedge_t *e;
	bool rightward = true;
	size_t k;

	for (k = 0; k <= ar->nvia; k++) {
		bool last = k == ar->nvia;

		toport[0] = '\0';
		tocl = NULL;
		if (last) {
			to = end_of(v, ar->dst, ar->dside);
			tocl = ar->dside == SFB_SIDE_NONE ? v->cl[ar->dst] : NULL;
			/* it left the last firewall on the east: to the right */
			rightward = !ar->via[k - 1].out_west;
		} else {
			to = v->fn[ar->via[k].fw];
			/* it comes into the firewall on the west: from the left */
			rightward = ar->via[k].in_west;
			(void)snprintf(toport, sizeof(toport), "r%zu:%s", ar->via[k].row, rightward ? "w" : "e");
		}
		e = rightward ? agedge(v->g, from, to, NULL, 1) : agedge(v->g, to, from, NULL, 1);
		if (e == NULL)
			return SFB_ENOMEM;
		sfb_buf_reset(b);
		if (last)
			sfb_buf_printf(b, "arrow-%zu", i);
		else
			sfb_buf_printf(b, "arrow-%zu-%zu", i, k);
		if (sfb_buf_status(b) != SFB_OK)
			return SFB_ENOMEM;
		set(e, "id", b->data);
		set(e, "class", cls);
		set(e, "color", level_of(ar->level));
		set(e, "penwidth", ar->level < 0 ? "1" : "2");
		set(e, "dir", !last ? "none" : rightward ? "forward" : "back");
		if (fromport[0] != '\0')
			set(e, rightward ? "tailport" : "headport", fromport);
		if (toport[0] != '\0')
			set(e, rightward ? "headport" : "tailport", toport);
		if (fromcl != NULL)
			set(e, rightward ? "ltail" : "lhead", fromcl);
		if (tocl != NULL)
			set(e, rightward ? "lhead" : "ltail", tocl);
		if (!last)
			(void)snprintf(fromport, sizeof(fromport), "r%zu:%s", ar->via[k].row,
			    ar->via[k].out_west ? "w" : "e");
		from = to;
		fromcl = NULL;
	}
	return SFB_OK;
}

sfb_status
sfb_drawing_render(sfb_ctx *ctx, const sfb_plan *plan, struct sfb_drawing *d)
{
	const sfb_topology *t = plan->topo;
	GVC_t *gvc = NULL;
	struct gv v;
	sfb_buf b, lb;
	char *data = NULL, *svg, *html;
	size_t len = 0;
	FILE *mem;
	int rc;
	size_t i, k;
	sfb_status st = SFB_OK;

	memset(&v, 0, sizeof(v));
	sfb_buf_init(&b);
	sfb_buf_init(&lb);
	v.zg = calloc(t->nzones + 1, sizeof(*v.zg));
	v.hn = calloc(d->nbox + 1, sizeof(*v.hn));
	v.sn = calloc(2 * d->nbox + 1, sizeof(*v.sn));
	v.fn = calloc(t->nfws + 1, sizeof(*v.fn));
	v.anchor = calloc(t->nzones + 1, sizeof(*v.anchor));
	v.cl = calloc(d->nbox + 1, sizeof(*v.cl));
	if (v.cl == NULL || v.zg == NULL || v.hn == NULL || v.sn == NULL || v.fn == NULL ||
	    v.anchor == NULL || (gvc = gvContext()) == NULL ||
	    (v.g = agopen("sfbnet", Agdirected, NULL)) == NULL)
		goto oom;
	agattr(v.g, AGRAPH, "rankdir", "LR");
	agattr(v.g, AGRAPH, "compound", "true");
	agattr(v.g, AGRAPH, "nodesep", "0.25");
	agattr(v.g, AGRAPH, "ranksep", "0.9");
	agattr(v.g, AGRAPH, "fontname", "DejaVu Sans");
	agattr(v.g, AGNODE, "fontname", "DejaVu Sans");
	agattr(v.g, AGNODE, "fontsize", "10");
	for (i = 0; i < t->nzones; i++) {
		sfb_buf_reset(&b);
		sfb_buf_printf(&b, "cluster_z%zu", i);
		if (sfb_buf_status(&b) != SFB_OK || (v.zg[i] = agsubg(v.g, b.data, 1)) == NULL)
			goto oom;
		sfb_buf_reset(&lb);
		label_text(&lb, t->zones[i].name);
		sfb_buf_reset(&b);
		sfb_buf_printf(&b, "zone-%zu", i);
		if (sfb_buf_status(&b) != SFB_OK || sfb_buf_status(&lb) != SFB_OK)
			goto oom;
		set(v.zg[i], "label", lb.data);
		set(v.zg[i], "id", b.data);
		set(v.zg[i], "class", "zone");
		set(v.zg[i], "style", "rounded,filled");
		set(v.zg[i], "fillcolor", t->zones[i].is_default ? "#f6f8fa" : "#eef4fb");
	}
	for (i = 0; i < d->nbox; i++) {
		const struct sfb_box *bx = &d->box[i];
		size_t z = bx->zone;

		if (bx->sided || (!d->folded && bx->pool)) {
			if (group_box(plan, d, &v, i, &b, &lb) != SFB_OK)
				goto oom;
		} else {
			if ((v.hn[i] = host_node(v.zg[z], &b, bx->name, d->folded ? "box" : "host",
			    d->folded ? i : bx->hosts[0], bx->nhosts > 1 ||
			    t->hosts[bx->hosts[0]].nep > 1)) == NULL)
				goto oom;
		}
		if (v.anchor[z] == NULL)
			v.anchor[z] = v.hn[i];
	}
	for (i = 0; i < t->nfws; i++) {
		Agedge_t *e;

		sfb_buf_reset(&b);
		sfb_buf_printf(&b, "fw-%zu", i);
		if (sfb_buf_status(&b) != SFB_OK || (v.fn[i] = agnode(v.g, b.data, 1)) == NULL)
			goto oom;
		sfb_buf_reset(&lb);
		if (fw_label(plan, d, i, &lb) != SFB_OK)
			goto oom;
		if ((html = agstrdup_html(v.g, lb.data)) == NULL)
			goto oom;
		set(v.fn[i], "label", html);
		agstrfree(v.g, html);
		set(v.fn[i], "id", b.data);
		set(v.fn[i], "class", "firewall");
		set(v.fn[i], "shape", "plain");
		/* Invisible edges hold each firewall between its zones: its
		 * first zone left of it, the others right. */
		for (k = 0; k < t->fws[i].nzones; k++) {
			size_t z = t->fws[i].zones[k];

			if (v.anchor[z] == NULL)
				continue;
			e = k == 0 ? agedge(v.g, v.anchor[z], v.fn[i], NULL, 1) :
			    agedge(v.g, v.fn[i], v.anchor[z], NULL, 1);
			if (e == NULL)
				goto oom;
			set(e, "style", "invis");
			set(e, "weight", "4");
		}
	}
	for (i = 0; i < d->n; i++)
		if (arrow_parts(d, &v, i, &b) != SFB_OK)
			goto oom;
	if (gvLayout(gvc, v.g, "dot") != 0) {
		st = sfb_failf(ctx, SFB_EINTERNAL, "report: Graphviz could not lay the drawing out");
		goto out;
	}
	/* Into a memory stream: gvRenderData's own buffer is freed twice by
	 * gvFreeLayout in Debian 12's Graphviz. */
	if ((mem = open_memstream(&data, &len)) == NULL) {
		gvFreeLayout(gvc, v.g);
		goto oom;
	}
	rc = gvRender(gvc, v.g, "svg", mem);
	fclose(mem);
	gvFreeLayout(gvc, v.g);
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
	if (v.g != NULL)
		agclose(v.g);
	if (gvc != NULL)
		gvFreeContext(gvc);
	free(v.zg);
	free(v.hn);
	free(v.sn);
	free(v.fn);
	free(v.anchor);
	for (i = 0; v.cl != NULL && i < d->nbox; i++)
		free(v.cl[i]);
	free(v.cl);
	sfb_buf_free(&b);
	sfb_buf_free(&lb);
	return st;
}
