/* The `cite:` list of a catalog entry, shared by both YAML front ends. */
#include "sfb_catalog.h"

#include <stdlib.h>
#include <string.h>

#include "sfb_catalog_int.h"
#include "sfb_yaml.h"

sfb_status
sfb_cat_load_cites(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_ydoc *d,
    const sfb_ynode *n, const char *own_doc, struct sfb_cite **out, size_t *count)
{
	static const char *const keys[] = { "!doc", "!section", NULL };
	const char *doc, *section;
	sfb_status st;
	size_t i;
	long di;

	if ((st = sfb_y_expect(ctx, d, n, SFB_Y_SEQ, "cite")) != SFB_OK)
		return st;
	if (n->n == 0)
		return sfb_y_fail(ctx, d, n, "cite must hold at least one citation");
	*out = calloc(n->n, sizeof(**out));
	if (*out == NULL)
		return sfb_oom(ctx);
	for (i = 0; i < n->n; i++) {
		if ((st = sfb_y_check_keys(ctx, d, n->kids[i], "a citation", keys)) != SFB_OK ||
		    (st = sfb_y_str(ctx, d, sfb_y_get(n->kids[i], "doc"), "doc", &doc)) != SFB_OK ||
		    (st = sfb_y_str(ctx, d, sfb_y_get(n->kids[i], "section"), "section",
		    &section)) != SFB_OK)
			return st;
		di = sfb_cat_find_doc(cat, doc);
		if (di < 0)
			return sfb_y_fail(ctx, d, sfb_y_get(n->kids[i], "doc"),
			    "citation of unknown document '%s'", doc);
		if (i == 0 && own_doc != NULL && strcmp(doc, own_doc) != 0)
			return sfb_y_fail(ctx, d, sfb_y_get(n->kids[i], "doc"),
			    "the first citation must be this file's document '%s'", own_doc);
		(*out)[i].doc = (size_t)di;
		if ((st = sfb_cat_dup(ctx, &(*out)[i].section, section)) != SFB_OK)
			return st;
		(*count)++;
	}
	return SFB_OK;
}
