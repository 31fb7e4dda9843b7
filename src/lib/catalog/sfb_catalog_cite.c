/* What every kind of catalog entry may carry, shared by both YAML front
 * ends: the `cite:` list and the `when:` condition. */
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

/* when: { versions: [..], features: [..] }: at least one of the two.  A
 * feature written "no-NAME" must be off (the flow that a feature replaces). */
sfb_status
sfb_cat_load_when(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_ydoc *d, const sfb_ynode *m,
    struct sfb_when *w)
{
	static const char *const keys[] = { "versions", "features", NULL };
	const sfb_ynode *v = sfb_y_get(m, "versions"), *fs = sfb_y_get(m, "features");
	sfb_status st;
	size_t i;
	long k;

	if ((st = sfb_y_check_keys(ctx, d, m, "when", keys)) != SFB_OK)
		return st;
	if (v == NULL && fs == NULL)
		return sfb_y_fail(ctx, d, m, "when must name versions, features or both");
	if (v != NULL) {
		if ((st = sfb_y_expect(ctx, d, v, SFB_Y_SEQ, "versions")) != SFB_OK)
			return st;
		if (v->n == 0)
			return sfb_y_fail(ctx, d, v, "versions must name at least one version");
		for (i = 0; i < v->n; i++) {
			if ((st = sfb_y_expect(ctx, d, v->kids[i], SFB_Y_SCALAR, "a version")) != SFB_OK)
				return st;
			if ((k = sfb_catalog_version(cat, v->kids[i]->str)) < 0)
				return sfb_y_fail(ctx, d, v->kids[i], "unknown version '%s'",
				    v->kids[i]->str);
			w->versions |= (uint32_t)1 << k;
		}
	}
	if (fs != NULL) {
		if ((st = sfb_y_expect(ctx, d, fs, SFB_Y_SEQ, "features")) != SFB_OK)
			return st;
		w->features = calloc(fs->n + 1, sizeof(size_t));
		w->off = calloc(fs->n + 1, sizeof(bool));
		if (w->features == NULL || w->off == NULL)
			return sfb_oom(ctx);
		for (i = 0; i < fs->n; i++) {
			const char *name;
			bool off;

			if ((st = sfb_y_expect(ctx, d, fs->kids[i], SFB_Y_SCALAR, "a feature")) != SFB_OK)
				return st;
			name = fs->kids[i]->str;
			off = strncmp(name, "no-", 3) == 0 && sfb_catalog_feature(cat, name + 3) >= 0;
			if ((k = sfb_catalog_feature(cat, off ? name + 3 : name)) < 0)
				return sfb_y_fail(ctx, d, fs->kids[i], "unknown feature '%s'", name);
			w->off[w->nfeatures] = off;
			w->features[w->nfeatures++] = (size_t)k;
		}
	}
	return SFB_OK;
}

