/* sfbnet import o365 --into: a copy of a topology whose office365 endpoints
 * carry the imported networks.
 *
 * The copy is the topology's own text with a few edits, so that its
 * comments, order and layout stay: each endpoint with the office365 role
 * gets `networks: [...]` in place of its networks, network or address (or
 * in front of its first key when it has none: an endpoint without address
 * stands for the role's default networks of the catalog, which the
 * document's ranges replace), and a comment line above it naming the
 * document and the rows (replaced, not stacked, when the copy is imported
 * into again).  Edits are made at the byte offsets of the YAML tree's
 * nodes; the copy is loaded again before it is handed over. */
#include "sfb_o365.h"

#include <stdlib.h>
#include <string.h>

#include "catalog/sfb_catalog.h"
#include "sfb_esc.h"
#include "sfb_yaml.h"
#include "sfbnet/topology.h"

/* The start of the comment line the import writes (and finds again). */
#define MARK "# sfbnet import o365:"

struct edit {
	size_t start, end;   /* the bytes [start, end) are replaced */
	size_t seq;          /* order of making, for edits at one offset */
	char *text;
};

struct editor {
	sfb_ctx *ctx;
	const sfb_ydoc *doc;
	const char *text;
	size_t len;
	const char *eol;     /* "\n", or "\r\n" when the file has them */
	struct edit *v;
	size_t n, cap;
	sfb_buf nets;        /* "[13.107.64.0/18, 52.112.0.0/14]" */
	sfb_buf comment;     /* MARK and the rest, without indentation */
	size_t changed;
};

struct list_ctx {
	sfb_buf *b;
	bool first;
};

static sfb_status
add_item(void *arg, const char *cidr)
{
	struct list_ctx *lc = arg;

	sfb_buf_puts(lc->b, lc->first ? "" : ", ");
	sfb_o365_put_item(lc->b, cidr);
	lc->first = false;
	return sfb_buf_status(lc->b);
}

/* Replace [start, end) with text (taken over, freed on failure too). */
static sfb_status
add_edit(struct editor *E, size_t start, size_t end, sfb_buf *text)
{
	sfb_status st;

	if ((st = sfb_buf_status(text)) != SFB_OK ||
	    (st = sfb_grow(&E->v, &E->cap, E->n + 1, sizeof(*E->v))) != SFB_OK) {
		sfb_buf_free(text);
		return sfb_oom(E->ctx);
	}
	E->v[E->n].start = start;
	E->v[E->n].end = end;
	E->v[E->n].seq = E->n;
	E->v[E->n].text = sfb_buf_take(text);
	if (E->v[E->n].text == NULL && (E->v[E->n].text = sfb_strdup("")) == NULL)
		return sfb_oom(E->ctx);
	E->n++;
	return SFB_OK;
}

/* The offset where the line holding off starts. */
static size_t
line_start(const struct editor *E, size_t off)
{
	while (off > 0 && E->text[off - 1] != '\n')
		off--;
	return off;
}

/* The comment line above an endpoint written in block context (nothing
 * but indentation and "- " before it on its line); an earlier one of ours
 * right above is replaced. */
static sfb_status
edit_comment(struct editor *E, const sfb_ynode *e)
{
	size_t ls = line_start(E, e->start), i, prev, p;
	sfb_buf b;

	for (i = ls; i < e->start; i++)
		if (E->text[i] != ' ' && E->text[i] != '\t' && E->text[i] != '-')
			return SFB_OK;    /* in a flow list: no room for a line */
	sfb_buf_init(&b);
	for (i = ls; i < e->start && (E->text[i] == ' ' || E->text[i] == '\t'); i++)
		sfb_buf_putc(&b, E->text[i]);
	sfb_buf_add(&b, sfb_buf_str(&E->comment), E->comment.len);
	sfb_buf_puts(&b, E->eol);
	prev = ls;
	if (ls > 0) {
		p = line_start(E, ls - 1);
		for (i = p; i < ls && (E->text[i] == ' ' || E->text[i] == '\t'); i++)
			;
		if (ls - i >= strlen(MARK) && memcmp(E->text + i, MARK, strlen(MARK)) == 0)
			prev = p;
	}
	return add_edit(E, prev, ls, &b);
}

/* The edits of one office365 endpoint (a mapping). */
static sfb_status
edit_endpoint(struct editor *E, const sfb_ynode *e)
{
	const sfb_ynode *key = NULL, *val = NULL, *k0;
	size_t i;
	sfb_buf b;
	sfb_status st;

	if (e->n < 2)
		return SFB_OK;
	for (i = 0; i + 1 < e->n; i += 2) {
		if (strcmp(e->kids[i]->str, "networks") == 0 ||
		    strcmp(e->kids[i]->str, "network") == 0 ||
		    strcmp(e->kids[i]->str, "address") == 0) {
			key = e->kids[i];
			val = e->kids[i + 1];
		}
	}
	if ((st = edit_comment(E, e)) != SFB_OK)
		return st;
	sfb_buf_init(&b);
	if (key != NULL && strcmp(key->str, "networks") == 0) {
		sfb_buf_puts(&b, ": ");
		sfb_buf_add(&b, sfb_buf_str(&E->nets), E->nets.len);
		return add_edit(E, key->end, val->end, &b);
	}
	if (key != NULL) {
		if (strcmp(key->str, "address") == 0 &&
		    (st = sfb_y_warn(E->ctx, E->doc, key, "the address of this %s endpoint is "
		    "replaced by the imported networks", SFB_O365_ROLE)) != SFB_OK)
			return st;
		sfb_buf_puts(&b, "networks: ");
		sfb_buf_add(&b, sfb_buf_str(&E->nets), E->nets.len);
		return add_edit(E, key->start, val->end, &b);
	}
	/* None yet: in front of the first key, at its column. */
	k0 = e->kids[0];
	sfb_buf_puts(&b, "networks: ");
	sfb_buf_add(&b, sfb_buf_str(&E->nets), E->nets.len);
	if (e->flow) {
		sfb_buf_puts(&b, ", ");
	} else {
		sfb_buf_puts(&b, E->eol);
		for (i = line_start(E, k0->start); i < k0->start; i++)
			sfb_buf_putc(&b, E->text[i] == '\t' ? '\t' : ' ');
	}
	return add_edit(E, k0->start, k0->start, &b);
}

static bool
names_role(const sfb_ynode *roles, const char *role, size_t *others)
{
	size_t i;
	bool found = false;

	*others = 0;
	if (roles == NULL || roles->type != SFB_Y_SEQ)
		return false;
	for (i = 0; i < roles->n; i++) {
		if (roles->kids[i]->type == SFB_Y_SCALAR && strcmp(roles->kids[i]->str, role) == 0)
			found = true;
		else
			++*others;
	}
	return found;
}

/* Every endpoint of every host with the office365 role. */
static sfb_status
find_endpoints(struct editor *E, const sfb_ynode *root)
{
	const sfb_ynode *hosts = sfb_y_get(root, "hosts"), *eps, *e;
	size_t h, j, others;
	sfb_status st;

	if (hosts == NULL || hosts->type != SFB_Y_SEQ)
		return SFB_OK;
	for (h = 0; h < hosts->n; h++) {
		eps = sfb_y_get(hosts->kids[h], "endpoints");
		if (eps == NULL || eps->type != SFB_Y_SEQ)
			continue;
		for (j = 0; j < eps->n; j++) {
			e = eps->kids[j];
			if (e->type != SFB_Y_MAP ||
			    !names_role(sfb_y_get(e, "roles"), SFB_O365_ROLE, &others))
				continue;
			if (others > 0 && (st = sfb_y_warn(E->ctx, E->doc, e, "this endpoint has "
			    "other roles than %s: they get the imported networks too",
			    SFB_O365_ROLE)) != SFB_OK)
				return st;
			if ((st = edit_endpoint(E, e)) != SFB_OK)
				return st;
			E->changed++;
		}
	}
	return SFB_OK;
}

static int
cmp_edit(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The text with every edit made. */
static sfb_status
apply(struct editor *E, sfb_buf *out)
{
	size_t i, at = 0;

	qsort(E->v, E->n, sizeof(*E->v), cmp_edit);
	for (i = 0; i < E->n; i++) {
		if (E->v[i].start < at || E->v[i].end < E->v[i].start || E->v[i].end > E->len)
			return sfb_failf(E->ctx, SFB_EINTERNAL, "import o365: overlapping edits "
			    "at byte %zu", E->v[i].start);
		sfb_buf_add(out, E->text + at, E->v[i].start - at);
		sfb_buf_puts(out, E->v[i].text);
		at = E->v[i].end;
	}
	sfb_buf_add(out, E->text + at, E->len - at);
	return sfb_buf_status(out) == SFB_OK ? SFB_OK : sfb_oom(E->ctx);
}

/* The copy must load as the original did; its error, if any, is told as
 * the copy's (the positions are the copy's lines). */
static sfb_status
reload(sfb_ctx *ctx, const sfb_catalog *cat, const struct sfb_o365 *o, const char *path,
    const sfb_buf *copy)
{
	sfb_ctx *scratch = sfb_ctx_new();
	sfb_topology *t = NULL;
	sfb_status st;

	if (scratch == NULL)
		return sfb_oom(ctx);
	st = sfb_topology_parse(scratch, cat, path, sfb_buf_str(copy), copy->len, &t);
	if (st == SFB_ENOMEM)
		st = sfb_oom(ctx);
	else if (st != SFB_OK)
		st = sfb_fail(ctx, st, o->name, 0, 0, "the networks imported into %s make a "
		    "topology that does not load: %s", path, sfb_ctx_error(scratch));
	sfb_topology_free(t);
	sfb_ctx_free(scratch);
	return st;
}

sfb_status
sfb_o365_into(sfb_ctx *ctx, const sfb_catalog *cat, const struct sfb_o365 *o,
    const char *path, char **out)
{
	struct editor E;
	struct list_ctx lc;
	sfb_topology *topo = NULL;
	sfb_ydoc *doc = NULL;
	sfb_buf text, copy;
	const char *nl;
	size_t i, ntaken;
	sfb_status st;

	*out = NULL;
	memset(&E, 0, sizeof(E));
	sfb_buf_init(&E.nets);
	sfb_buf_init(&E.comment);
	sfb_buf_init(&text);
	sfb_buf_init(&copy);
	E.ctx = ctx;
	/* The topology must load as it is: its own errors are its own. */
	if ((st = sfb_read_file(ctx, path, &text)) != SFB_OK ||
	    (st = sfb_topology_parse(ctx, cat, path, sfb_buf_str(&text), text.len, &topo)) !=
	    SFB_OK ||
	    (st = sfb_ydoc_parse(ctx, path, sfb_buf_str(&text), text.len, &doc)) != SFB_OK)
		goto out;
	E.doc = doc;
	E.text = sfb_buf_str(&text);
	E.len = text.len;
	nl = memchr(E.text, '\n', E.len);
	E.eol = nl != NULL && nl > E.text && nl[-1] == '\r' ? "\r\n" : "\n";

	lc.b = &E.nets;
	lc.first = true;
	sfb_buf_putc(&E.nets, '[');
	if ((st = sfb_addrset_each_cidr(&o->nets, 4, add_item, &lc)) != SFB_OK ||
	    (st = sfb_addrset_each_cidr(&o->nets, 6, add_item, &lc)) != SFB_OK) {
		st = sfb_oom(ctx);
		goto out;
	}
	sfb_buf_putc(&E.nets, ']');
	sfb_buf_puts(&E.comment, MARK " the Skype rows (id");
	for (i = ntaken = 0; i < o->nrows; i++)
		ntaken += sfb_o365_taken(o, &o->rows[i]);
	sfb_buf_puts(&E.comment, ntaken > 1 ? "s " : " ");
	sfb_o365_ids(&E.comment, o);
	sfb_buf_puts(&E.comment, ") of ");
	sfb_esc_put(&E.comment, SFB_ESC_LINE, o->name);
	if (sfb_buf_status(&E.nets) != SFB_OK || sfb_buf_status(&E.comment) != SFB_OK) {
		st = sfb_oom(ctx);
		goto out;
	}
	if ((st = find_endpoints(&E, sfb_ydoc_root(doc))) != SFB_OK)
		goto out;
	if (E.changed == 0) {
		st = sfb_fail(ctx, SFB_EINVAL, path, 0, 0, "no endpoint has the %s role: add "
		    "the host that sfbnet import o365 writes without --into", SFB_O365_ROLE);
		goto out;
	}
	if ((st = apply(&E, &copy)) != SFB_OK ||
	    (st = reload(ctx, cat, o, path, &copy)) != SFB_OK)
		goto out;
	*out = sfb_buf_take(&copy);
	if (*out == NULL)
		st = sfb_oom(ctx);
out:
	for (i = 0; i < E.n; i++)
		free(E.v[i].text);
	free(E.v);
	sfb_buf_free(&E.nets);
	sfb_buf_free(&E.comment);
	sfb_buf_free(&text);
	sfb_buf_free(&copy);
	sfb_ydoc_free(doc);
	sfb_topology_free(topo);
	return st;
}
