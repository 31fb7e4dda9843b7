/* Catalog writers: text, JSON (stable, see docs/catalog-format.md), CSV, Markdown. */
#include "sfb_catalog.h"
#include "sfb_esc.h"

#include <stdlib.h>
#include <string.h>

#include "sfb_text.h"

static bool
selected(const sfb_catalog *cat, const struct sfb_cflow *f, long profile)
{
	(void)cat;
	return profile < 0 || (size_t)profile == f->profile;
}

static void
roles_list(sfb_buf *b, const sfb_catalog *cat, const size_t *r, size_t n, const char *sep)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			sfb_buf_puts(b, sep);
		sfb_buf_puts(b, cat->roles[r[i]].name);
	}
}

void
sfb_cites_text(sfb_buf *b, const sfb_catalog *cat, const struct sfb_cite *c, size_t n)
{
	size_t i;

	/* Catalog text may come from --catalog DIR: nothing of it may end the
	 * line (a zone-file comment, a text report) it is written on. */
	for (i = 0; i < n; i++) {
		sfb_buf_printf(b, "%s%s: ", i ? "; " : "", cat->docs[c[i].doc].id);
		sfb_esc_put(b, SFB_ESC_LINE, c[i].section);
	}
}

json_t *
sfb_when_json(sfb_jb *jb, const sfb_catalog *cat, const struct sfb_when *w)
{
	json_t *o, *a;
	size_t i;

	if (w->versions == 0 && w->nfeatures == 0)
		return json_null();
	o = sfb_jb_obj(jb);
	a = sfb_jb_arr(jb);
	for (i = 0; i < cat->nversions; i++)
		if (w->versions & ((uint32_t)1 << i))
			sfb_jb_push_str(jb, a, cat->versions[i].name);
	sfb_jb_set(jb, o, "versions", a);
	a = sfb_jb_arr(jb);
	for (i = 0; i < w->nfeatures; i++) {
		if (w->off != NULL && w->off[i])
			sfb_jb_push(jb, a, json_sprintf("no-%s", cat->features[w->features[i]].name));
		else
			sfb_jb_push_str(jb, a, cat->features[w->features[i]].name);
	}
	sfb_jb_set(jb, o, "features", a);
	return o;
}

void
sfb_reach_text(sfb_buf *b, const sfb_catalog *cat, const struct sfb_cflow *f)
{
	if (f->when.versions != 0 || f->when.nfeatures != 0) {
		sfb_buf_puts(b, "  only with: ");
		sfb_when_text(b, cat, &f->when);
		sfb_buf_putc(b, '\n');
	}
	if (f->scope != SFB_SCOPE_GLOBAL || f->lb || f->lb_sip || f->port_role >= 0) {
		sfb_buf_printf(b, "  reach: scope %s", sfb_scope_name(f->scope));
		if (f->lb)
			sfb_buf_puts(b, ", to the pool's load balancer vip");
		if (f->lb_sip)
			sfb_buf_puts(b, ", to the pool's vip where the pool balances everything by hardware (load_balancing: hardware)");
		if (f->port_role >= 0)
			sfb_buf_printf(b, ", port from the %s endpoint's ports:",
			    cat->roles[f->port_role].name);
		if (f->nreach_cite > 0) {
			sfb_buf_puts(b, " (");
			sfb_cites_text(b, cat, f->reach_cite, f->nreach_cite);
			sfb_buf_putc(b, ')');
		}
		sfb_buf_putc(b, '\n');
	}
}

void
sfb_condition_text(sfb_buf *b, const struct sfb_cflow *f)
{
	if (f->condition == NULL)
		return;
	sfb_buf_puts(b, "  only if: ");
	sfb_esc_put(b, SFB_ESC_LINE, f->condition);
	sfb_buf_putc(b, '\n');
}

json_t *
sfb_cites_json(sfb_jb *jb, const sfb_catalog *cat, const struct sfb_cite *c, size_t n)
{
	json_t *a = sfb_jb_arr(jb), *o;
	size_t i;

	for (i = 0; i < n; i++) {
		o = sfb_jb_obj(jb);
		sfb_jb_str(jb, o, "doc", cat->docs[c[i].doc].id);
		sfb_jb_str(jb, o, "section", c[i].section);
		sfb_jb_push(jb, a, o);
	}
	return a;
}

static json_t *
flow_json(sfb_jb *jb, const sfb_catalog *cat, const struct sfb_cflow *f, sfb_buf *tmp)
{
	json_t *o = sfb_jb_obj(jb), *a;
	size_t i;

	sfb_jb_str(jb, o, "id", f->id);
	sfb_jb_str(jb, o, "profile", cat->profiles[f->profile].name);
	a = sfb_jb_arr(jb);
	for (i = 0; i < f->nfrom; i++)
		sfb_jb_push_str(jb, a, cat->roles[f->from[i]].name);
	sfb_jb_set(jb, o, "from", a);
	a = sfb_jb_arr(jb);
	for (i = 0; i < f->nto; i++)
		sfb_jb_push_str(jb, a, cat->roles[f->to[i]].name);
	sfb_jb_set(jb, o, "to", a);
	sfb_jb_str(jb, o, "protocol", sfb_proto_name(f->proto));
	sfb_buf_reset(tmp);
	sfb_portset_print(tmp, &f->sport);
	sfb_jb_str(jb, o, "src_ports", sfb_buf_str(tmp));
	sfb_buf_reset(tmp);
	sfb_portset_print(tmp, &f->dport);
	sfb_jb_str(jb, o, "dst_ports", sfb_buf_str(tmp));
	sfb_jb_str(jb, o, "app", f->app);
	sfb_jb_str(jb, o, "purpose", f->purpose);
	sfb_jb_bool(jb, o, "required", f->required);
	sfb_jb_str(jb, o, "condition", f->condition);
	sfb_jb_set(jb, o, "when", sfb_when_json(jb, cat, &f->when));
	sfb_jb_str(jb, o, "scope", sfb_scope_name(f->scope));
	sfb_jb_bool(jb, o, "load_balanced", f->lb);
	sfb_jb_bool(jb, o, "load_balanced_sip", f->lb_sip);
	sfb_jb_str(jb, o, "port_of", f->port_role >= 0 ? cat->roles[f->port_role].name : NULL);
	sfb_jb_set(jb, o, "cite", sfb_cites_json(jb, cat, f->cite, f->ncite));
	sfb_jb_set(jb, o, "reach_cite", sfb_cites_json(jb, cat, f->reach_cite, f->nreach_cite));
	return o;
}

static sfb_status
write_json(const sfb_catalog *cat, long profile, sfb_buf *out)
{
	sfb_jb jb = { false };
	json_t *root = sfb_jb_obj(&jb), *a, *o, *tr;
	sfb_buf tmp;
	size_t i;
	sfb_status st;

	sfb_buf_init(&tmp);
	sfb_jb_str(&jb, root, "format", "sfbnet-catalog");
	sfb_jb_int(&jb, root, "version", 1);
	a = sfb_jb_arr(&jb);
	for (i = 0; i < cat->ndocs; i++) {
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "id", cat->docs[i].id);
		sfb_jb_str(&jb, o, "title", cat->docs[i].title);
		sfb_jb_str(&jb, o, "source", cat->docs[i].source);
		sfb_jb_str(&jb, o, "url", cat->docs[i].url);
		sfb_jb_push(&jb, a, o);
	}
	sfb_jb_set(&jb, root, "documents", a);
	a = sfb_jb_arr(&jb);
	for (i = 0; i < cat->nroles; i++) {
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "name", cat->roles[i].name);
		sfb_jb_str(&jb, o, "description", cat->roles[i].description);
		tr = sfb_jb_arr(&jb);
		if (cat->roles[i].traits & SFB_TRAIT_SFB_SERVER)
			sfb_jb_push_str(&jb, tr, "sfb-server");
		if (cat->roles[i].traits & SFB_TRAIT_WINDOWS)
			sfb_jb_push_str(&jb, tr, "windows");
		if (cat->roles[i].traits & SFB_TRAIT_EDGE_EXTERNAL)
			sfb_jb_push_str(&jb, tr, "edge-external");
		sfb_jb_set(&jb, o, "traits", tr);
		sfb_jb_str(&jb, o, "networks", cat->roles[i].nets_text);
		sfb_jb_push(&jb, a, o);
	}
	sfb_jb_set(&jb, root, "roles", a);
	a = sfb_jb_arr(&jb);
	for (i = 0; i < cat->nprofiles; i++) {
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "name", cat->profiles[i].name);
		sfb_jb_str(&jb, o, "description", cat->profiles[i].description);
		sfb_jb_push(&jb, a, o);
	}
	sfb_jb_set(&jb, root, "profiles", a);
	a = sfb_jb_arr(&jb);
	for (i = 0; i < cat->nversions; i++) {
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "name", cat->versions[i].name);
		sfb_jb_str(&jb, o, "description", cat->versions[i].description);
		sfb_jb_push(&jb, a, o);
	}
	sfb_jb_set(&jb, root, "versions", a);
	a = sfb_jb_arr(&jb);
	for (i = 0; i < cat->nfeatures; i++) {
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "name", cat->features[i].name);
		sfb_jb_str(&jb, o, "description", cat->features[i].description);
		sfb_jb_bool(&jb, o, "default", cat->features[i].on_by_default);
		sfb_jb_push(&jb, a, o);
	}
	sfb_jb_set(&jb, root, "features", a);
	a = sfb_jb_arr(&jb);
	for (i = 0; i < cat->nflows; i++)
		if (selected(cat, &cat->flows[i], profile))
			sfb_jb_push(&jb, a, flow_json(&jb, cat, &cat->flows[i], &tmp));
	sfb_jb_set(&jb, root, "flows", a);
	if (sfb_buf_status(&tmp) != SFB_OK)
		jb.failed = true;
	st = sfb_jb_dump(&jb, root, out);
	sfb_buf_free(&tmp);
	return st;
}

static void
write_text(const sfb_catalog *cat, long profile, sfb_buf *b)
{
	const struct sfb_cflow *f;
	size_t i;

	for (i = 0; i < cat->nflows; i++) {
		f = &cat->flows[i];
		if (!selected(cat, f, profile))
			continue;
		sfb_buf_printf(b, "%s  [%s]%s\n  ", f->id, cat->profiles[f->profile].name,
		    f->required ? "" : " (optional)");
		roles_list(b, cat, f->from, f->nfrom, ",");
		sfb_buf_puts(b, " -> ");
		roles_list(b, cat, f->to, f->nto, ",");
		sfb_buf_printf(b, "  %s  src ", sfb_proto_name(f->proto));
		sfb_portset_print(b, &f->sport);
		sfb_buf_puts(b, " dst ");
		sfb_portset_print(b, &f->dport);
		sfb_buf_puts(b, "  ");
		sfb_esc_put(b, SFB_ESC_LINE, f->app);
		sfb_buf_puts(b, "\n  ");
		sfb_esc_put(b, SFB_ESC_LINE, f->purpose);
		sfb_buf_putc(b, '\n');
		sfb_condition_text(b, f);
		sfb_reach_text(b, cat, f);
		sfb_buf_puts(b, "  cite: ");
		sfb_cites_text(b, cat, f->cite, f->ncite);
		sfb_buf_puts(b, "\n\n");
	}
}

/* The features, and the flows each turns on (version 2 topologies). */
static void
write_features(const sfb_catalog *cat, long profile, sfb_buf *b)
{
	const struct sfb_cflow *f;
	size_t i, j, k;

	sfb_buf_puts(b, "features (a version 2 topology switches them with `features:`):\n");
	for (i = 0; i < cat->nfeatures; i++) {
		sfb_buf_printf(b, "  %s%s  ", cat->features[i].name,
		    cat->features[i].on_by_default ? " (on by default)" : "");
		sfb_esc_put(b, SFB_ESC_LINE, cat->features[i].description);
		sfb_buf_puts(b, "\n    flows:");
		for (j = k = 0; j < cat->nflows; j++) {
			f = &cat->flows[j];
			if (!selected(cat, f, profile))
				continue;
			for (k = 0; k < f->when.nfeatures && f->when.features[k] != i; k++)
				;
			if (k < f->when.nfeatures)
				sfb_buf_printf(b, " %s%s", f->id,
				    f->when.off != NULL && f->when.off[k] ? " (when off)" : "");
		}
		sfb_buf_putc(b, '\n');
	}
	sfb_buf_puts(b, "versions:");
	for (i = 0; i < cat->nversions; i++)
		sfb_buf_printf(b, " %s", cat->versions[i].name);
	sfb_buf_putc(b, '\n');
	sfb_buf_puts(b, "roles with published networks (an outside endpoint without an address "
	    "stands for them):\n");
	for (i = 0; i < cat->nroles; i++)
		if (cat->roles[i].nets_text != NULL)
			sfb_buf_printf(b, "  %s  %s\n", cat->roles[i].name, cat->roles[i].nets_text);
}

static void
write_table(const sfb_catalog *cat, long profile, sfb_buf *b, bool md)
{
	static const char *const cols[] = { "id", "profile", "from", "to", "protocol",
		"src_ports", "dst_ports", "app", "purpose", "required", "condition", "when",
		"scope", "load_balanced", "port_of", "cite", "reach_cite" };
	const struct sfb_cflow *f;
	sfb_table t;
	size_t i;

	sfb_table_init(&t, b, md, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < cat->nflows; i++) {
		f = &cat->flows[i];
		if (!selected(cat, f, profile))
			continue;
		sfb_table_put(&t, f->id);
		sfb_table_put(&t, cat->profiles[f->profile].name);
		roles_list(sfb_table_scratch(&t), cat, f->from, f->nfrom, " ");
		sfb_table_put_scratch(&t);
		roles_list(sfb_table_scratch(&t), cat, f->to, f->nto, " ");
		sfb_table_put_scratch(&t);
		sfb_table_put(&t, sfb_proto_name(f->proto));
		sfb_portset_print(sfb_table_scratch(&t), &f->sport);
		sfb_table_put_scratch(&t);
		sfb_portset_print(sfb_table_scratch(&t), &f->dport);
		sfb_table_put_scratch(&t);
		sfb_table_put(&t, f->app);
		sfb_table_put(&t, f->purpose);
		sfb_table_put(&t, f->required ? "required" : "optional");
		sfb_table_put(&t, f->condition != NULL ? f->condition : "");
		sfb_when_text(sfb_table_scratch(&t), cat, &f->when);
		sfb_table_put_scratch(&t);
		sfb_table_put(&t, sfb_scope_name(f->scope));
		sfb_table_put(&t, f->lb ? "yes" : "no");
		sfb_table_put(&t, f->port_role >= 0 ? cat->roles[f->port_role].name : "");
		sfb_cites_text(sfb_table_scratch(&t), cat, f->cite, f->ncite);
		sfb_table_put_scratch(&t);
		sfb_cites_text(sfb_table_scratch(&t), cat, f->reach_cite, f->nreach_cite);
		sfb_table_put_scratch(&t);
		sfb_table_row(&t);
	}
	sfb_table_free(&t);
}

sfb_status
sfb_catalog_write(sfb_ctx *ctx, const sfb_catalog *cat, const char *profile,
    sfb_format fmt, char **out)
{
	sfb_buf b;
	long p = -1;
	sfb_status st = SFB_OK;

	*out = NULL;
	sfb_buf_init(&b);
	if (profile != NULL && (p = sfb_catalog_profile(cat, profile)) < 0) {
		st = sfb_failf(ctx, SFB_EINVAL, "unknown profile '%s'", profile);
		goto out;
	}
	switch (fmt) {
	case SFB_FORMAT_JSON:
		st = write_json(cat, p, &b);
		break;
	case SFB_FORMAT_TEXT:
		write_text(cat, p, &b);
		write_features(cat, p, &b);
		break;
	case SFB_FORMAT_CSV:
	case SFB_FORMAT_MD:
		write_table(cat, p, &b, fmt == SFB_FORMAT_MD);
		break;
	}
	st = sfb_buf_finish(ctx, &b, st, out);
out:
	sfb_buf_free(&b);
	return st;
}
