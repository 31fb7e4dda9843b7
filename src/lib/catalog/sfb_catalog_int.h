/* What the catalog's files share (private to src/lib/catalog): the model's
 * helpers (sfb_catalog.c), the cite loader (sfb_catalog_cite.c) and the
 * dns:/certificates: loader (sfb_catalog_dnscert.c), which the document
 * loader (sfb_catalog_load.c) calls; no loader calls another back. */
#ifndef SFB_CATALOG_INT_H
#define SFB_CATALOG_INT_H

#include "sfb_catalog.h"
#include "sfb_yaml.h"

/* sfb_catalog.c */
bool sfb_cat_valid_ident(const char *s);
long sfb_cat_find_doc(const sfb_catalog *cat, const char *id);
long sfb_cat_find_name(const struct sfb_name *v, size_t n, const char *name);
sfb_status sfb_cat_dup(sfb_ctx *ctx, char **dst, const char *s);
/* sfb_catalog_cite.c: the `cite:` list of an entry; the first citation must
 * be own_doc (unless it is NULL: a reach_cite list). */
sfb_status sfb_cat_load_cites(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_ydoc *d,
    const sfb_ynode *n, const char *own_doc, struct sfb_cite **out, size_t *count);
void sfb_cat_free_cites(struct sfb_cite *c, size_t n);
/* when: { versions: [..], features: [..] } of an entry. */
sfb_status sfb_cat_load_when(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_ydoc *d,
    const sfb_ynode *m, struct sfb_when *w);
/* True if id is already used by a flow, a DNS record, a certificate or a
 * discovery order. */
bool sfb_cat_id_taken(const sfb_catalog *cat, const char *id);

/* sfb_catalog_dnscert.c: the dns: and certificates: lists of one document
 * file. */
sfb_status sfb_cat_load_dns(sfb_ctx *ctx, sfb_catalog *cat, const sfb_ydoc *d,
    const sfb_ynode *list, const char *own_doc);
sfb_status sfb_cat_load_certs(sfb_ctx *ctx, sfb_catalog *cat, const sfb_ydoc *d,
    const sfb_ynode *list, const char *own_doc);
/* The discovery: list of one document file. */
sfb_status sfb_cat_load_discovery(sfb_ctx *ctx, sfb_catalog *cat, const sfb_ydoc *d,
    const sfb_ynode *list, const char *own_doc);
void sfb_cat_free_disc(struct sfb_cdisc *c);
void sfb_cat_free_dns(struct sfb_cdns *r);
void sfb_cat_free_cert(struct sfb_ccert *c);

#endif
