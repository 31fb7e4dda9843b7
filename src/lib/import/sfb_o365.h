/* The Office 365 endpoints import: what sfb_o365.c (the JSON document and
 * the fragment) and sfb_o365_into.c (the copy of a topology) share. */
#ifndef SFB_O365_H
#define SFB_O365_H

#include <stdbool.h>
#include <stddef.h>

#include "sfb_ctx.h"
#include "sfb_iset.h"
#include "sfb_strv.h"
#include "sfbnet/catalog.h"

/* The role the Skype rows' ranges become. */
#define SFB_O365_ROLE "office365"
/* The serviceArea of the Skype for Business Online / Teams rows. */
#define SFB_O365_AREA "Skype"

/* One row ("endpoint set") of the document's Skype service area. */
struct sfb_o365_row {
	long long id;
	int line, col;              /* where its object starts */
	size_t index;               /* its place in the document's array */
	char *display, *category, *notes;   /* NULL when absent */
	bool required;
	sfb_strv urls;
	sfb_addrset ips;
	bool has_ips;               /* ips present and not empty */
	sfb_portset tcp, udp;
};

struct sfb_o365 {
	const char *name;           /* the document, as messages call it */
	struct sfb_o365_row *rows;  /* the Skype rows, in document order */
	size_t nrows, caprows;
	size_t ntotal;              /* rows of every service area */
	bool optional;              /* optional rows taken too */
	sfb_addrset nets;           /* the ranges of the rows taken */
};

/* A row whose addresses the import takes: it has some, and it is required
 * or --optional was given. */
bool sfb_o365_taken(const struct sfb_o365 *o, const struct sfb_o365_row *r);
/* "11, 12, 13": the ids of the rows taken (rows with addresses). */
void sfb_o365_ids(sfb_buf *b, const struct sfb_o365 *o);

/* A prefix as a YAML list item (quoted where a plain scalar would not read
 * back: an IPv6 text that starts or ends with ':'). */
void sfb_o365_put_item(sfb_buf *b, const char *cidr);

/* The topology at path (which must load against cat), copied with the
 * networks of its office365 endpoints replaced by o->nets; the copy is
 * loaded again before it is handed over in *out. */
sfb_status sfb_o365_into(sfb_ctx *ctx, const sfb_catalog *cat, const struct sfb_o365 *o,
    const char *path, char **out);

#endif
