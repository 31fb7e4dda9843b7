/* The deployment drawn: zones as boxes with their hosts, firewalls between
 * them, one arrow per pair of hosts a planned flow through a firewall
 * joins, laid out by
 * Graphviz (dot) and rendered as SVG. */
#ifndef SFB_LAYOUT_H
#define SFB_LAYOUT_H

#include <stdbool.h>

#include "plan/sfb_plan.h"

/* A box of the drawing: one host, or (a folded drawing) the hosts of one
 * zone that share a pool, or else the same roles. */
struct sfb_box {
	size_t zone;
	size_t *hosts, nhosts, cap;
	char *name;               /* the host's name, or "POOL (n hosts)" / "ROLES x n" */
};

/* An arrow of the drawing: the flows from box src to box dst. */
struct sfb_arrow {
	size_t src, dst;          /* box indices */
	size_t *flows, nflows;    /* catalog flow indices, unique */
	int level;                /* worst result on it (enum sfb_level) or -1: none */
};

/* Past this many hosts the drawing is folded: one box per pool or role
 * set of a zone (a thousand hosts would be a quarter of a million arrows). */
#define SFB_FOLD_AT 40

struct sfb_drawing {
	bool folded;
	struct sfb_box *box;
	size_t nbox;
	size_t *box_of;           /* [host] -> its box */
	struct sfb_arrow *a;
	size_t n, cap;
	char *svg;                /* the <svg> element, NUL-terminated */
};

/* The boxes and arrows of the plan (box pairs of the planned flows that
 * cross a firewall), in a stable order. */
sfb_status sfb_drawing_arrows(sfb_ctx *ctx, const sfb_plan *plan, struct sfb_drawing *d);
/* Lay out and render, with each arrow's level as its colour (call after
 * setting the levels).  Element ids: zone-N, host-N (unfolded) or box-N
 * (folded), fw-N, arrow-N (the indices of the topology and of d). */
sfb_status sfb_drawing_render(sfb_ctx *ctx, const sfb_plan *plan, struct sfb_drawing *d);
void sfb_drawing_free(struct sfb_drawing *d);

#endif
