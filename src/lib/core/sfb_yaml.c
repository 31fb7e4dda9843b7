/* YAML document tree built from libfyaml events, with positions. */
#include "sfb_yaml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

/* Nesting deeper than this is refused, so a hostile file cannot exhaust the
 * stack of the recursive consumers. */
#define SFB_YAML_MAX_DEPTH 64

/* All nodes and strings of a document live in one arena, freed at once. */
struct arena_block {
	struct arena_block *next;
	size_t used, size;
	max_align_t data[];
};

struct sfb_ydoc {
	char *file;
	sfb_ynode *root;
	struct arena_block *blocks;
};

static void *
arena_alloc(sfb_ydoc *d, size_t n)
{
	struct arena_block *b = d->blocks;
	size_t align = sizeof(max_align_t), size;
	void *p;

	n = (n + align - 1) / align * align;
	if (b == NULL || b->size - b->used < n) {
		size = n > 65536 ? n : 65536;
		b = malloc(sizeof(*b) + size);
		if (b == NULL)
			return NULL;
		b->used = 0;
		b->size = size;
		b->next = d->blocks;
		d->blocks = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

void
sfb_ydoc_free(sfb_ydoc *d)
{
	struct arena_block *b, *next;

	if (d == NULL)
		return;
	for (b = d->blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(d->file);
	free(d);
}

sfb_ynode *
sfb_ydoc_root(const sfb_ydoc *d)
{
	return d->root;
}

const char *
sfb_ydoc_file(const sfb_ydoc *d)
{
	return d->file;
}

/* A node under construction: children are collected in a growable list on
 * the heap, then copied into the arena when the node closes. */
struct frame {
	sfb_ynode *node;
	sfb_ynode **kids;
	size_t n, cap;
};

struct builder {
	sfb_ctx *ctx;
	sfb_ydoc *doc;
	const char *text;     /* what is parsed, for the spans of quoted scalars */
	size_t len;
	struct frame stack[SFB_YAML_MAX_DEPTH];
	int depth;
};

static sfb_status
add_child(struct builder *bd, sfb_ynode *child)
{
	struct frame *f;
	sfb_status st;

	if (bd->depth == 0) {
		bd->doc->root = child;
		return SFB_OK;
	}
	f = &bd->stack[bd->depth - 1];
	st = sfb_grow(&f->kids, &f->cap, f->n + 1, sizeof(*f->kids));
	if (st != SFB_OK)
		return st;
	f->kids[f->n++] = child;
	return SFB_OK;
}

static sfb_ynode *
new_node(struct builder *bd, sfb_ytype t, struct fy_event *ev)
{
	sfb_ynode *n = arena_alloc(bd->doc, sizeof(*n));
	const struct fy_mark *m = fy_event_start_mark(ev);

	if (n == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->type = t;
	n->line = m != NULL ? m->line + 1 : 0;
	n->col = m != NULL ? m->column + 1 : 0;
	n->start = m != NULL ? m->input_pos : 0;
	n->end = n->start;
	return n;
}

/* Keys are compared as scalars; a duplicate is an error at the second one. */
static sfb_status
check_duplicate_keys(struct builder *bd, struct frame *f)
{
	size_t i, j;

	if (f->n > 2 * 256)
		return sfb_y_fail(bd->ctx, bd->doc, f->node,
		    "mapping with more than 256 keys");
	for (i = 0; i < f->n; i += 2) {
		if (f->kids[i]->type != SFB_Y_SCALAR)
			return sfb_y_fail(bd->ctx, bd->doc, f->kids[i],
			    "mapping keys must be plain scalars");
		/* Quadratic in the width of one mapping; the loaders' mappings
		 * have at most a few dozen keys, and wider ones are refused. */
		for (j = 0; j < i; j += 2)
			if (f->kids[j]->len == f->kids[i]->len &&
			    memcmp(f->kids[j]->str, f->kids[i]->str, f->kids[i]->len) == 0)
				return sfb_y_fail(bd->ctx, bd->doc, f->kids[i],
				    "duplicate key '%s' (first at line %d)",
				    f->kids[i]->str, f->kids[j]->line);
	}
	return SFB_OK;
}

static sfb_status
close_frame(struct builder *bd, struct fy_event *ev)
{
	struct frame *f = &bd->stack[bd->depth - 1];
	const struct fy_mark *end = fy_event_end_mark(ev);
	sfb_status st = SFB_OK;

	/* A flow collection ends after its closing bracket; a block one after
	 * its last item (its end event sits where the next token starts). */
	if (f->node->flow && end != NULL && end->input_pos >= f->node->start)
		f->node->end = end->input_pos;
	else if (f->n > 0)
		f->node->end = f->kids[f->n - 1]->end;

	if (f->node->type == SFB_Y_MAP) {
		st = check_duplicate_keys(bd, f);
		if (st != SFB_OK)
			goto out;
	}
	if (f->n > 0) {
		f->node->kids = arena_alloc(bd->doc, f->n * sizeof(*f->kids));
		if (f->node->kids == NULL) {
			st = sfb_oom(bd->ctx);
			goto out;
		}
		memcpy(f->node->kids, f->kids, f->n * sizeof(*f->kids));
	}
	f->node->n = f->n;
	bd->depth--;
	st = add_child(bd, f->node);
	if (st != SFB_OK)
		st = sfb_oom(bd->ctx);
out:
	free(f->kids);
	f->kids = NULL;
	f->n = f->cap = 0;
	return st;
}

static sfb_status
on_event(struct builder *bd, struct fy_event *ev)
{
	const struct fy_mark *m = fy_event_start_mark(ev);
	int line = m != NULL ? m->line + 1 : 0, col = m != NULL ? m->column + 1 : 0;
	sfb_ynode *n;
	const char *text;
	size_t len;
	char *copy;
	struct fy_token *anchor = NULL;

	switch (ev->type) {
	case FYET_DOCUMENT_START:
		if (bd->doc->root != NULL)
			return sfb_fail(bd->ctx, SFB_EINVAL, bd->doc->file, line, col,
			    "only one YAML document per file is allowed");
		return SFB_OK;
	case FYET_ALIAS:
		return sfb_fail(bd->ctx, SFB_EINVAL, bd->doc->file, line, col,
		    "YAML aliases are not supported: write the value out");
	case FYET_SCALAR:
		anchor = ev->scalar.anchor;
		if (anchor != NULL)
			break;
		n = new_node(bd, SFB_Y_SCALAR, ev);
		if (n == NULL)
			return sfb_oom(bd->ctx);
		text = ev->scalar.value != NULL ?
		    fy_token_get_text(ev->scalar.value, &len) : NULL;
		if (text == NULL) {
			text = "";
			len = 0;
		}
		copy = arena_alloc(bd->doc, len + 1);
		if (copy == NULL)
			return sfb_oom(bd->ctx);
		memcpy(copy, text, len);
		copy[len] = '\0';
		n->str = copy;
		n->len = len;
		n->plain = ev->scalar.value == NULL ||
		    fy_token_scalar_style(ev->scalar.value) == FYSS_PLAIN;
		m = fy_event_end_mark(ev);
		if (m != NULL && m->input_pos >= n->start)
			n->end = m->input_pos;
		/* libfyaml's marks of a quoted scalar leave its quotes out (and
		 * line and column stay so); the span takes them in. */
		if (ev->scalar.value != NULL &&
		    (fy_token_scalar_style(ev->scalar.value) == FYSS_SINGLE_QUOTED ||
		    fy_token_scalar_style(ev->scalar.value) == FYSS_DOUBLE_QUOTED)) {
			char q = fy_token_scalar_style(ev->scalar.value) == FYSS_SINGLE_QUOTED ?
			    '\'' : '"';

			if (n->start > 0 && n->start <= bd->len && bd->text[n->start - 1] == q)
				n->start--;
			if (n->end < bd->len && bd->text[n->end] == q)
				n->end++;
		}
		if (strlen(copy) != len)
			return sfb_fail(bd->ctx, SFB_EINVAL, bd->doc->file, line, col,
			    "NUL character in a string");
		return add_child(bd, n) == SFB_OK ? SFB_OK : sfb_oom(bd->ctx);
	case FYET_SEQUENCE_START:
	case FYET_MAPPING_START:
		anchor = ev->type == FYET_SEQUENCE_START ?
		    ev->sequence_start.anchor : ev->mapping_start.anchor;
		if (anchor != NULL)
			break;
		if (bd->depth >= SFB_YAML_MAX_DEPTH)
			return sfb_fail(bd->ctx, SFB_EINVAL, bd->doc->file, line, col,
			    "nesting deeper than %d levels", SFB_YAML_MAX_DEPTH);
		n = new_node(bd, ev->type == FYET_SEQUENCE_START ? SFB_Y_SEQ : SFB_Y_MAP, ev);
		if (n == NULL)
			return sfb_oom(bd->ctx);
		n->flow = fy_event_get_node_style(ev) == FYNS_FLOW;
		bd->stack[bd->depth].node = n;
		bd->stack[bd->depth].kids = NULL;
		bd->stack[bd->depth].n = bd->stack[bd->depth].cap = 0;
		bd->depth++;
		return SFB_OK;
	case FYET_SEQUENCE_END:
	case FYET_MAPPING_END:
		if (bd->depth == 0)
			return sfb_fail(bd->ctx, SFB_EINTERNAL, bd->doc->file, line, col,
			    "unbalanced YAML events");
		return close_frame(bd, ev);
	default:
		return SFB_OK;
	}
	return sfb_fail(bd->ctx, SFB_EINVAL, bd->doc->file, line, col,
	    "YAML anchors are not supported: write the value out");
}

/* Length of the UTF-8 sequence at c (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), 0 if it is not valid. */
/* Input must be UTF-8 text without NUL bytes.  Checked before libfyaml
 * sees it: libfyaml 0.7.12 ends a document silently at a NUL (the rest of a
 * topology would vanish) and loops forever on some invalid UTF-8 (upstream
 * issue #101). */
/* Flow brackets nested deeper than the tree may be: counted before libfyaml
 * sees the text, because libfyaml 0.7.12 scans a whole run of '[' (hundreds
 * of bytes of state each) before the first event reaches the depth check:
 * 4 MB of '[' took 1.4 GB.  A light scan: quotes are taken as quotes only
 * where a scalar may start, comments run to the end of the line, and a
 * closing bracket never takes the count below zero, so a stray bracket in
 * a plain scalar costs nothing but a level of headroom. */
struct bracket_scan {
	int depth;
	char quote;          /* '\'' or '"' inside a quoted scalar, else 0 */
	bool comment, escape;
	int prev;            /* the previous byte, -1 at the start of a line */
};

/* One byte; false when the nesting passes the limit. */
static bool
bracket_step(struct bracket_scan *b, int ch)
{
	bool token_start = b->prev < 0 || b->prev == ' ' || b->prev == '\t' ||
	    b->prev == '[' || b->prev == '{' || b->prev == ',' || b->prev == ':' ||
	    b->prev == '-';

	if (ch == '\n') {
		b->comment = false;
		b->prev = -1;
		return true;
	}
	if (b->comment) {
		b->prev = ch;
		return true;
	}
	if (b->quote != 0) {
		if (b->escape)
			b->escape = false;
		else if (b->quote == '"' && ch == '\\')
			b->escape = true;
		else if (ch == b->quote)
			b->quote = 0;
		b->prev = ch;
		return true;
	}
	if (ch == '#' && (b->prev < 0 || b->prev == ' ' || b->prev == '\t'))
		b->comment = true;
	else if ((ch == '\'' || ch == '"') && token_start)
		b->quote = (char)ch;
	else if (ch == '[' || ch == '{')
		b->depth++;
	else if ((ch == ']' || ch == '}') && b->depth > 0)
		b->depth--;
	b->prev = ch;
	return b->depth <= SFB_YAML_MAX_DEPTH;
}

static sfb_status
check_text(sfb_ctx *ctx, const char *file, const char *text, size_t len)
{
	struct bracket_scan br = { 0, 0, false, false, -1 };
	sfb_cur c;
	int line = 1, col = 1;
	unsigned long cp;

	sfb_cur_init(&c, text, len);
	while (!sfb_cur_eof(&c)) {
		if (sfb_cur_peek(&c) == 0)
			return sfb_fail(ctx, SFB_EINVAL, file, line, col,
			    "NUL byte: a topology or catalog file is text");
		if (!sfb_cur_utf8(&c, &cp))
			return sfb_fail(ctx, SFB_EINVAL, file, line, col,
			    "invalid UTF-8: the file must be UTF-8 text");
		if (!bracket_step(&br, cp < 0x80 ? (int)cp : 0x80))
			return sfb_fail(ctx, SFB_EINVAL, file, line, col,
			    "brackets nested more than %d deep", SFB_YAML_MAX_DEPTH);
		if (cp == '\n') {
			line++;
			col = 0;
		}
		col++;
	}
	return SFB_OK;
}

/* The first error libfyaml collected, as FILE:LINE:COLUMN: message. */
static sfb_status
report_parse_error(sfb_ctx *ctx, sfb_ydoc *doc, struct fy_diag *diag)
{
	void *it = NULL;
	struct fy_diag_error *e;

	while ((e = fy_diag_errors_iterate(diag, &it)) != NULL) {
		if (e->type < FYET_ERROR)
			continue;
		return sfb_fail(ctx, SFB_EINVAL, doc->file, e->line + 1,
		    e->column + 1, "YAML syntax error: %s", e->msg);
	}
	return sfb_fail(ctx, SFB_EINVAL, doc->file, 0, 0, "YAML syntax error");
}

sfb_status
sfb_ydoc_parse(sfb_ctx *ctx, const char *file, const char *text, size_t len,
    sfb_ydoc **out)
{
	struct fy_diag_cfg dcfg;
	struct fy_diag *diag = NULL;
	struct fy_parse_cfg pcfg;
	struct fy_parser *fyp = NULL;
	struct fy_event *ev;
	struct builder *bd = NULL;
	sfb_ydoc *doc = NULL;
	sfb_status st = SFB_OK;

	*out = NULL;
	doc = calloc(1, sizeof(*doc));
	bd = calloc(1, sizeof(*bd));
	if (doc == NULL || bd == NULL || (doc->file = sfb_strdup(file)) == NULL) {
		st = sfb_oom(ctx);
		goto out;
	}
	if (len > SFB_MAX_INPUT) {
		st = sfb_fail(ctx, SFB_EINVAL, file, 0, 0, "file larger than %u bytes",
		    SFB_MAX_INPUT);
		goto out;
	}
	if ((st = check_text(ctx, file, text, len)) != SFB_OK)
		goto out;
	bd->ctx = ctx;
	bd->doc = doc;
	bd->text = text;
	bd->len = len;

	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = NULL;
	dcfg.colorize = false;
	diag = fy_diag_create(&dcfg);
	if (diag == NULL) {
		st = sfb_oom(ctx);
		goto out;
	}
	fy_diag_set_collect_errors(diag, true);
	memset(&pcfg, 0, sizeof(pcfg));
	pcfg.flags = FYPCF_QUIET;
	pcfg.diag = diag;
	fyp = fy_parser_create(&pcfg);
	if (fyp == NULL || fy_parser_set_string(fyp, len > 0 ? text : "", len) != 0) {
		st = sfb_oom(ctx);
		goto out;
	}
	while ((ev = fy_parser_parse(fyp)) != NULL) {
		st = on_event(bd, ev);
		fy_parser_event_free(fyp, ev);
		if (st != SFB_OK)
			goto out;
	}
	if (fy_parser_get_stream_error(fyp)) {
		st = report_parse_error(ctx, doc, diag);
		goto out;
	}
	*out = doc;
	doc = NULL;
out:
	if (bd != NULL) {
		while (bd->depth > 0)
			free(bd->stack[--bd->depth].kids);
		free(bd);
	}
	if (fyp != NULL)
		fy_parser_destroy(fyp);
	if (diag != NULL)
		fy_diag_destroy(diag);
	sfb_ydoc_free(doc);
	return st;
}

sfb_status
sfb_ydoc_load(sfb_ctx *ctx, const char *path, sfb_ydoc **out)
{
	sfb_buf b;
	sfb_status st;

	*out = NULL;
	sfb_buf_init(&b);
	st = sfb_read_file(ctx, path, &b);
	if (st == SFB_OK)
		st = sfb_ydoc_parse(ctx, path, sfb_buf_str(&b), b.len, out);
	sfb_buf_free(&b);
	return st;
}

static const char *
type_name(sfb_ytype t)
{
	switch (t) {
	case SFB_Y_SCALAR: return "a scalar";
	case SFB_Y_SEQ: return "a list";
	case SFB_Y_MAP: return "a mapping";
	}
	return "?";
}

/* Report at a node's place, as an error (fail) or a warning. */
static sfb_status vreport(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n, bool fail,
    const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static sfb_status
vreport(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n, bool fail, const char *fmt,
    va_list ap)
{
	sfb_buf msg;
	sfb_status st;
	int line = n != NULL ? n->line : 0, col = n != NULL ? n->col : 0;

	if (!fail)
		return sfb_vwarn_kind(ctx, fmt, d->file, line, col, fmt, ap);
	sfb_buf_init(&msg);
	sfb_buf_vprintf(&msg, fmt, ap);
	if (sfb_buf_status(&msg) != SFB_OK)
		st = sfb_oom(ctx);
	else if (fail)
		st = sfb_fail(ctx, SFB_EINVAL, d->file, line, col, "%s", sfb_buf_str(&msg));
	else
		st = sfb_warn(ctx, d->file, line, col, "%s", sfb_buf_str(&msg));
	sfb_buf_free(&msg);
	return st;
}

sfb_status
sfb_y_fail(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n, const char *fmt, ...)
{
	va_list ap;
	sfb_status st;

	va_start(ap, fmt);
	st = vreport(ctx, d, n, true, fmt, ap);
	va_end(ap);
	return st;
}

sfb_status
sfb_y_warn(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n, const char *fmt, ...)
{
	va_list ap;
	sfb_status st;

	va_start(ap, fmt);
	st = vreport(ctx, d, n, false, fmt, ap);
	va_end(ap);
	return st;
}

bool
sfb_y_is_null(const sfb_ynode *n)
{
	return n == NULL || (n->type == SFB_Y_SCALAR && n->plain &&
	    (n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0));
}

sfb_status
sfb_y_expect(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n, sfb_ytype t,
    const char *what)
{
	if (n != NULL && n->type == t && !(t == SFB_Y_SCALAR && sfb_y_is_null(n)))
		return SFB_OK;
	if (n != NULL && sfb_y_is_null(n))
		return sfb_y_fail(ctx, d, n, "%s must be %s, not empty", what, type_name(t));
	return sfb_y_fail(ctx, d, n, "%s must be %s", what, type_name(t));
}

sfb_ynode *
sfb_y_get(const sfb_ynode *map, const char *key)
{
	size_t i;

	if (map == NULL || map->type != SFB_Y_MAP)
		return NULL;
	for (i = 0; i + 1 < map->n; i += 2)
		if (strcmp(map->kids[i]->str, key) == 0)
			return map->kids[i + 1];
	return NULL;
}

sfb_status
sfb_y_check_keys(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *map,
    const char *what, const char *const *keys)
{
	size_t i, k;
	const char *name;
	sfb_buf allowed;
	sfb_status st;

	st = sfb_y_expect(ctx, d, map, SFB_Y_MAP, what);
	if (st != SFB_OK)
		return st;
	for (i = 0; i + 1 < map->n; i += 2) {
		for (k = 0; keys[k] != NULL; k++) {
			name = keys[k][0] == '!' ? keys[k] + 1 : keys[k];
			if (strcmp(name, map->kids[i]->str) == 0)
				break;
		}
		if (keys[k] != NULL)
			continue;
		sfb_buf_init(&allowed);
		for (k = 0; keys[k] != NULL; k++) {
			sfb_buf_puts(&allowed, k ? ", " : "");
			sfb_buf_puts(&allowed, keys[k][0] == '!' ? keys[k] + 1 : keys[k]);
		}
		st = sfb_y_fail(ctx, d, map->kids[i], "unknown key '%s' in %s (allowed: %s)",
		    map->kids[i]->str, what, sfb_buf_str(&allowed));
		sfb_buf_free(&allowed);
		return st;
	}
	for (k = 0; keys[k] != NULL; k++)
		if (keys[k][0] == '!' && sfb_y_get(map, keys[k] + 1) == NULL)
			return sfb_y_fail(ctx, d, map, "%s is missing the required key '%s'",
			    what, keys[k] + 1);
	return SFB_OK;
}

sfb_status
sfb_y_str(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n, const char *what,
    const char **out)
{
	sfb_status st = sfb_y_expect(ctx, d, n, SFB_Y_SCALAR, what);

	if (st == SFB_OK)
		*out = n->str;
	return st;
}

sfb_status
sfb_y_bool(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n, const char *what,
    bool *out)
{
	sfb_status st = sfb_y_expect(ctx, d, n, SFB_Y_SCALAR, what);

	if (st != SFB_OK)
		return st;
	if (n->plain && strcmp(n->str, "true") == 0)
		*out = true;
	else if (n->plain && strcmp(n->str, "false") == 0)
		*out = false;
	else
		return sfb_y_fail(ctx, d, n, "%s must be true or false, not '%s'", what, n->str);
	return SFB_OK;
}

sfb_status
sfb_y_uint(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n, const char *what,
    uint64_t max, uint64_t *out)
{
	sfb_status st = sfb_y_expect(ctx, d, n, SFB_Y_SCALAR, what);

	if (st != SFB_OK)
		return st;
	if (!sfb_parse_uint(n->str, max, out))
		return sfb_y_fail(ctx, d, n, "%s must be a whole number from 0 to %llu, not '%s'",
		    what, (unsigned long long)max, n->str);
	return SFB_OK;
}

/* One port item: 5061, "50000-59999", any. */
static sfb_status
load_port_item(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n, const char *what,
    sfb_portset *ps)
{
	sfb_status st = sfb_y_expect(ctx, d, n, SFB_Y_SCALAR, what);

	if (st != SFB_OK)
		return st;
	st = sfb_portset_parse_term(ps, n->str);
	if (st == SFB_ENOMEM)
		return sfb_oom(ctx);
	if (st != SFB_OK)
		return sfb_y_fail(ctx, d, n, "%s: '%s' is not a port, a range lo-hi "
		    "within 0-65535, or 'any'", what, n->str);
	return SFB_OK;
}

/* A port item or a list of them (the catalog's src_ports and dst_ports, a
 * topology endpoint's ports:). */
sfb_status
sfb_y_ports(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n, const char *what,
    sfb_portset *ps)
{
	sfb_status st;
	size_t i;

	if (n != NULL && n->type == SFB_Y_SEQ) {
		if (n->n == 0)
			return sfb_y_fail(ctx, d, n, "%s must not be an empty list", what);
		for (i = 0; i < n->n; i++)
			if ((st = load_port_item(ctx, d, n->kids[i], what, ps)) != SFB_OK)
				return st;
		return SFB_OK;
	}
	return load_port_item(ctx, d, n, what, ps);
}
