/* The deployment drawn, as the poster draws it: zones as boxes with their
 * hosts, an Edge with its internal and external sides, and one arrow per
 * pair of hosts (or sides) a planned flow through a firewall joins,
 * passing through a row of each firewall it crosses that names its ports.
 * sfb_drawing.c builds the model; sfb_layout.c lays it out with Graphviz
 * (dot) and renders it as SVG. */
#ifndef SFB_LAYOUT_H
#define SFB_LAYOUT_H

#include <stdbool.h>

#include "plan/sfb_plan.h"

/* Where an arrow meets a box: the box itself, or one side of a two-sided
 * box (an Edge: its internal interface, or its external services). */
enum { SFB_SIDE_NONE = 0, SFB_SIDE_INTERNAL = 1, SFB_SIDE_EXTERNAL = 2 };

/* A box of the drawing: one host, or a pool, or (a folded drawing) the
 * hosts of one zone that share a pool, or else the same roles. */
struct sfb_box {
	size_t zone;
	size_t *hosts, nhosts, cap;
	char *name;               /* the host's name, or "POOL (n hosts)" / "ROLES x n" */
	bool pool;                /* its hosts are a pool's */
	bool sided;               /* its hosts have internal and external endpoints */
	bool ext_left;            /* sided: the external side faces left */
};

/* An arrow's way through one firewall: its row in the firewall's table,
 * and the firewall's sides it comes in and goes out by.  The drawing puts
 * a firewall's first zone west of it and its other zones east
 * (sfb_layout.c); these say which of them the arrow's zones lie toward. */
struct sfb_crossing {
	size_t fw, row;
	bool in_west, out_west;
};

/* An arrow of the drawing: the flows from box src to box dst (at their
 * sides), through the firewalls on the path between their zones. */
struct sfb_arrow {
	size_t src, dst;          /* box indices */
	int sside, dside;         /* SFB_SIDE_* */
	size_t zs, zd;            /* the zones of its endpoints */
	struct sfb_crossing *via; /* the firewalls it crosses, from zs to zd */
	size_t nvia;
	size_t *flows, nflows;    /* catalog flow indices, unique */
	sfb_portset tcp, udp;     /* its destination ports: the plan's (a version 2
	                           * endpoint's ports: replace the catalog's) */
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
	size_t *nrows;            /* [fw]: the rows of its table (arrows through it) */
	char *svg;                /* the <svg> element, NUL-terminated */
};

/* The boxes and arrows of the plan (box pairs of the planned flows that
 * cross a firewall), in a stable order. */
sfb_status sfb_drawing_arrows(sfb_ctx *ctx, const sfb_plan *plan, struct sfb_drawing *d);
/* Lay out and render, with each arrow's level as its colour (call after
 * setting the levels).  Element ids: zone-N, host-N (unfolded) or box-N
 * (folded), pool-N (the box of pool N), side-N-in / side-N-out (of box N), fw-N, arrow-N (the last
 * part of arrow N, with its head) and arrow-N-K (its K-th part before,
 * from a box or firewall row to the next row); the indices of the
 * topology and of d. */
sfb_status sfb_drawing_render(sfb_ctx *ctx, const sfb_plan *plan, struct sfb_drawing *d);
void sfb_drawing_free(struct sfb_drawing *d);
/* "tcp 443,5061; udp 3478": arrow ar's ports, cut at cut characters with
 * "..." (0: whole). */
void sfb_drawing_ports(const struct sfb_arrow *ar, size_t cut, sfb_buf *b);
/* The side of its box endpoint ep is drawn on (SFB_SIDE_*). */
int sfb_drawing_side(const sfb_plan *plan, const struct sfb_drawing *d, size_t ep);
/* The element id of box's side, or of the box, which an arrow ends at (and
 * the layout names them by): side-N-in/out, box-N
 * (folded), pool-N (a pool's dashed box) or host-N. */
void sfb_drawing_end_id(const struct sfb_drawing *d, size_t box, int side, sfb_buf *out);

#endif
