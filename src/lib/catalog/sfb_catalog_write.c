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
	sfb_jb_set(jb, o, "cite", sfb_cites_json(jb, cat, f->cite, f->ncite));
	return o;
}

static sfb_status
write_json(const sfb_catalog *cat, long profile, sfb_buf *out)
{
	sfb_jb jb = { false };
	json_t *root = sfb_jb_obj(&jb), *a, *o;
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
		sfb_buf_puts(b, "  cite: ");
		sfb_cites_text(b, cat, f->cite, f->ncite);
		sfb_buf_puts(b, "\n\n");
	}
}

static void
write_table(const sfb_catalog *cat, long profile, sfb_buf *b, bool md)
{
	static const char *const cols[] = { "id", "profile", "from", "to", "protocol",
		"src_ports", "dst_ports", "app", "purpose", "required", "condition", "cite" };
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
		sfb_cites_text(sfb_table_scratch(&t), cat, f->cite, f->ncite);
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
