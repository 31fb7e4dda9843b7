/* Text output helpers: CSV, Markdown, JSON building. */
#include "sfb_text.h"
#include "sfb_esc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
sfb_csv_field(sfb_buf *b, const char *s)
{
	sfb_esc_put(b, SFB_ESC_CSV, s);
}

void
sfb_md_cell(sfb_buf *b, const char *s)
{
	sfb_esc_put(b, SFB_ESC_MD, s);
}

void
sfb_table_init(sfb_table *t, sfb_buf *out, bool md, const char *const *cols, size_t n)
{
	const char *p;
	size_t c;

	t->out = out;
	t->md = md;
	t->col = 0;
	sfb_buf_init(&t->scratch);
	for (c = 0; c < n; c++) {
		sfb_buf_puts(out, c == 0 ? (md ? "| " : "") : (md ? " | " : ","));
		for (p = cols[c]; *p != '\0'; p++)
			sfb_buf_putc(out, !md && *p == ' ' ? '_' : *p);
	}
	sfb_buf_puts(out, md ? " |\n|" : "\r\n");
	for (c = 0; md && c < n; c++)
		sfb_buf_puts(out, "---|");
	sfb_buf_puts(out, md ? "\n" : "");
}

void
sfb_table_put(sfb_table *t, const char *cell)
{
	sfb_buf_puts(t->out, t->col == 0 ? (t->md ? "| " : "") : (t->md ? " | " : ","));
	if (t->md)
		sfb_md_cell(t->out, cell);
	else
		sfb_csv_field(t->out, cell);
	t->col++;
}

sfb_buf *
sfb_table_scratch(sfb_table *t)
{
	sfb_buf_reset(&t->scratch);
	return &t->scratch;
}

void
sfb_table_put_scratch(sfb_table *t)
{
	sfb_table_put(t, sfb_buf_str(&t->scratch));
}

void
sfb_table_row(sfb_table *t)
{
	sfb_buf_puts(t->out, t->md ? " |\n" : "\r\n");
	t->col = 0;
}

void
sfb_table_free(sfb_table *t)
{
	if (t->scratch.oom)
		t->out->oom = true;
	sfb_buf_free(&t->scratch);
}

json_t *
sfb_jb_obj(sfb_jb *jb)
{
	json_t *o = json_object();

	if (o == NULL)
		jb->failed = true;
	return o;
}

json_t *
sfb_jb_arr(sfb_jb *jb)
{
	json_t *a = json_array();

	if (a == NULL)
		jb->failed = true;
	return a;
}

void
sfb_jb_set(sfb_jb *jb, json_t *obj, const char *key, json_t *value)
{
	if (obj == NULL || value == NULL) {
		json_decref(value);
		jb->failed = true;
		return;
	}
	if (json_object_set_new(obj, key, value) != 0)
		jb->failed = true;
}

void
sfb_jb_str(sfb_jb *jb, json_t *obj, const char *key, const char *s)
{
	sfb_jb_set(jb, obj, key, s != NULL ? json_string(s) : json_null());
}

void
sfb_jb_int(sfb_jb *jb, json_t *obj, const char *key, long long v)
{
	sfb_jb_set(jb, obj, key, json_integer(v));
}

void
sfb_jb_bool(sfb_jb *jb, json_t *obj, const char *key, bool v)
{
	sfb_jb_set(jb, obj, key, json_boolean(v));
}

void
sfb_jb_push(sfb_jb *jb, json_t *arr, json_t *value)
{
	if (arr == NULL || value == NULL) {
		json_decref(value);
		jb->failed = true;
		return;
	}
	if (json_array_append_new(arr, value) != 0)
		jb->failed = true;
}

void
sfb_jb_push_str(sfb_jb *jb, json_t *arr, const char *s)
{
	sfb_jb_push(jb, arr, s != NULL ? json_string(s) : json_null());
}

void
sfb_jb_push_checked(sfb_jb *jb, json_t *arr, const char *s, size_t n)
{
	sfb_jb_push(jb, arr, json_stringn_nocheck(s, n));
}

static int
dump_to_buf(const char *p, size_t n, void *arg)
{
	sfb_buf *b = arg;

	sfb_buf_add(b, p, n);
	return b->oom ? -1 : 0;
}

struct nested {
	sfb_buf *b;
	size_t pad;      /* spaces after each line break */
};

static int
dump_nested(const char *p, size_t n, void *arg)
{
	struct nested *x = arg;
	const char *nl;
	size_t k;

	static const char spaces[] = "                ";

	while (n > 0 && (nl = memchr(p, '\n', n)) != NULL) {
		sfb_buf_add(x->b, p, (size_t)(nl - p) + 1);
		for (k = x->pad; k > 0; k -= k < sizeof(spaces) - 1 ? k : sizeof(spaces) - 1)
			sfb_buf_add(x->b, spaces, k < sizeof(spaces) - 1 ? k : sizeof(spaces) - 1);
		n -= (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	sfb_buf_add(x->b, p, n);
	return x->b->oom ? -1 : 0;
}

sfb_status
sfb_jb_dump_nested(sfb_jb *jb, json_t *value, size_t depth, sfb_buf *b)
{
	struct nested x = { b, depth * 2 };
	sfb_status st = SFB_OK;

	if (jb->failed || value == NULL) {
		st = SFB_ENOMEM;
		goto out;
	}
	if (json_dump_callback(value, dump_nested, &x, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_ENCODE_ANY) != 0) {
		st = SFB_ENOMEM;
		goto out;
	}
	st = sfb_buf_status(b);
out:
	json_decref(value);
	return st;
}

sfb_status
sfb_jb_dump(sfb_jb *jb, json_t *root, sfb_buf *b)
{
	sfb_status st = SFB_OK;

	if (jb->failed || root == NULL) {
		st = SFB_ENOMEM;
		goto out;
	}
	/* Straight into the buffer: no intermediate copy of a large plan. */
	if (json_dump_callback(root, dump_to_buf, b, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
		st = SFB_ENOMEM;
		goto out;
	}
	sfb_buf_putc(b, '\n');
	st = sfb_buf_status(b);
out:
	json_decref(root);
	return st;
}

bool
sfb_name_in_domain(const char *name, const char *domain)
{
	size_t nl = strlen(name), dl = strlen(domain);

	if (nl == dl)
		return strcasecmp(name, domain) == 0;
	return nl > dl && name[nl - dl - 1] == '.' && strcasecmp(name + nl - dl, domain) == 0;
}

/* Letters, digits and '-' in labels of 1-63 that neither start nor end
 * with '-', dots between them, 253 at most, no trailing dot. */
bool
sfb_dns_name_valid(const char *s)
{
	size_t label = 0, total = strlen(s);
	const char *p;

	if (total == 0 || total > 253 || s[total - 1] == '.' || s[0] == '.')
		return false;
	for (p = s; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
		if (*p == '-' && label == 0)
			return false;
		if (++label > 63)
			return false;
	}
	return p[-1] != '-';
}
