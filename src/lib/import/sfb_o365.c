/* The Office 365 IP address and URL web service JSON, imported: the
 * Skype/Teams rows as the address sets of the office365 role.
 *
 * The document (https://endpoints.office.com/endpoints/worldwide) is an
 * array of endpoint sets: id, serviceArea, serviceAreaDisplayName, urls,
 * ips, tcpPorts, udpPorts, category, expressRoute, required, notes.  Every
 * row is checked (a field of the wrong type, a bad prefix or port is an
 * error at its line and column); the rows of the Skype service area are
 * kept: their ranges become the office365 role's networks, their ports are
 * checked against the catalog's flows of that role, and those without
 * addresses are listed for a proxy or an FQDN-based firewall.  docs/import.md
 * describes the output. */
#include "sfb_o365.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "catalog/sfb_catalog.h"
#include "sfb_esc.h"
#include "sfb_jpos.h"
#include "sfbnet/import.h"

/* --- where a value sits in the text ------------------------------------ */

/* jansson gives a line and column for syntax errors only; a value of the
 * wrong type is found again by skimming the (valid) text along its path
 * (core/sfb_jpos.h): the row's index in the array, the key in the row, the
 * item in the value's array. */

/* --- reading the document ---------------------------------------------- */

struct reader {
	sfb_ctx *ctx;
	const char *name, *text;
	size_t len;
	struct sfb_o365 *o;
	/* Where each row of the array starts: byte offset, line, column
	 * (found in one pass once the document parsed). */
	size_t *rowoff;
	int *rowline, *rowcol;
	size_t nrowoff;
};

/* The start of every row of the array, in one pass. */
static sfb_status
find_rows(struct reader *R, size_t n)
{
	sfb_cur c;
	size_t i, last = 0;
	int line = 1, col = 1;

	R->rowoff = calloc(n + 1, sizeof(*R->rowoff));
	R->rowline = calloc(n + 1, sizeof(*R->rowline));
	R->rowcol = calloc(n + 1, sizeof(*R->rowcol));
	if (R->rowoff == NULL || R->rowline == NULL || R->rowcol == NULL)
		return sfb_oom(R->ctx);
	sfb_cur_init(&c, R->text, R->len);
	sfb_jskim_ws(&c);
	if (!sfb_cur_accept(&c, '['))
		return SFB_OK;
	for (i = 0; i < n; i++) {
		sfb_jskim_ws(&c);
		if (sfb_cur_eof(&c))
			break;
		sfb_jadvance(R->text, last, c.pos, &line, &col);
		last = c.pos;
		R->rowoff[i] = c.pos;
		R->rowline[i] = line;
		R->rowcol[i] = col;
		R->nrowoff = i + 1;
		sfb_jskim_value(&c);
		sfb_jskim_ws(&c);
		if (!sfb_cur_accept(&c, ','))
			break;
	}
	return SFB_OK;
}

/* The place of row index, its key (NULL: the row) and the item-th element
 * of that key's array (item < 0: the value itself); the nearest place
 * found where the path ends early. */
static void
where(const struct reader *R, size_t row, const char *key, long item, int *line, int *col)
{
	sfb_cur c;
	size_t base, best = 0;

	*line = *col = 1;
	if (row >= R->nrowoff)
		return;
	base = R->rowoff[row];
	*line = R->rowline[row];
	*col = R->rowcol[row];
	sfb_cur_init(&c, R->text + base, R->len - base);
	if (key == NULL || !sfb_jskim_member(&c, key))
		goto out;
	best = c.pos;
	if (item < 0 || !sfb_cur_accept(&c, '[') || !sfb_jskim_items(&c, (size_t)item))
		goto out;
	best = c.pos;
out:
	sfb_jadvance(R->text, base, base + best, line, col);
}

static sfb_status rfail(struct reader *R, size_t row, const char *key, long item,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static sfb_status rwarn(struct reader *R, size_t row, const char *key, long item,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static sfb_status
rfail(struct reader *R, size_t row, const char *key, long item, const char *fmt, ...)
{
	sfb_buf msg;
	va_list ap;
	int line, col;
	sfb_status st;

	where(R, row, key, item, &line, &col);
	sfb_buf_init(&msg);
	va_start(ap, fmt);
	sfb_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (sfb_buf_status(&msg) != SFB_OK)
		st = sfb_oom(R->ctx);
	else
		st = sfb_fail(R->ctx, SFB_EINVAL, R->name, line, col, "%s", sfb_buf_str(&msg));
	sfb_buf_free(&msg);
	return st;
}

static sfb_status
rwarn(struct reader *R, size_t row, const char *key, long item, const char *fmt, ...)
{
	va_list ap;
	int line, col;
	sfb_status st;

	where(R, row, key, item, &line, &col);
	va_start(ap, fmt);
	st = sfb_vwarn_kind(R->ctx, fmt, R->name, line, col, fmt, ap);
	va_end(ap);
	return st;
}

enum field_kind { F_INT, F_STR, F_BOOL, F_STRS };

struct field {
	const char *key;
	enum field_kind kind;
	bool must;
};

/* Every field of the web service's schema (the "endpoints" method). */
static const struct field fields[] = {
	{ "id", F_INT, true },
	{ "serviceArea", F_STR, true },
	{ "serviceAreaDisplayName", F_STR, false },
	{ "urls", F_STRS, false },
	{ "ips", F_STRS, false },
	{ "tcpPorts", F_STR, false },
	{ "udpPorts", F_STR, false },
	{ "category", F_STR, false },
	{ "expressRoute", F_BOOL, false },
	{ "required", F_BOOL, true },
	{ "notes", F_STR, false },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static const char *const kind_text[] = {
	[F_INT] = "a whole number",
	[F_STR] = "a string",
	[F_BOOL] = "true or false",
	[F_STRS] = "an array of strings",
};

/* The types of every field of row i; unknown keys are warned about. */
static sfb_status
check_fields(struct reader *R, size_t i, json_t *row, const char *idtext)
{
	const char *key, *first = NULL;
	json_t *v, *item;
	size_t f, j, nunknown = 0;
	sfb_status st = SFB_OK;
	sfb_buf unknown;

	for (f = 0; f < NFIELDS; f++) {
		v = json_object_get(row, fields[f].key);
		if (v == NULL) {
			if (fields[f].must)
				return rfail(R, i, NULL, -1, "%s: the key '%s' is missing",
				    idtext, fields[f].key);
			continue;
		}
		switch (fields[f].kind) {
		case F_INT:
			if (json_is_integer(v))
				continue;
			break;
		case F_STR:
			if (json_is_string(v))
				continue;
			break;
		case F_BOOL:
			if (json_is_boolean(v))
				continue;
			break;
		case F_STRS:
			if (!json_is_array(v))
				break;
			json_array_foreach(v, j, item)
				if (!json_is_string(item))
					return rfail(R, i, fields[f].key, (long)j,
					    "%s: %s[%zu] must be a string, not %s", idtext,
					    fields[f].key, j, sfb_json_kind(item));
			continue;
		}
		return rfail(R, i, fields[f].key, -1, "%s: %s must be %s, not %s", idtext,
		    fields[f].key, kind_text[fields[f].kind], sfb_json_kind(v));
	}
	/* Keys the schema does not have (a newer web service?): one warning a
	 * row, at the first of them. */
	sfb_buf_init(&unknown);
	json_object_foreach(row, key, v) {
		for (f = 0; f < NFIELDS; f++)
			if (strcmp(key, fields[f].key) == 0)
				break;
		if (f < NFIELDS)
			continue;
		if (nunknown++ == 0)
			first = key;
		if (nunknown <= 5)
			sfb_buf_printf(&unknown, "%s'%s'", nunknown > 1 ? ", " : "", key);
	}
	if (nunknown > 5)
		sfb_buf_printf(&unknown, " and %zu more", nunknown - 5);
	if (sfb_buf_status(&unknown) != SFB_OK)
		st = sfb_oom(R->ctx);
	else if (nunknown > 0)
		st = rwarn(R, i, first, -1, "%s: unknown key%s %s ignored", idtext,
		    nunknown == 1 ? "" : "s", sfb_buf_str(&unknown));
	sfb_buf_free(&unknown);
	return st;
}

/* "80,443", "143, 587, 993, 995", "3478-3481": digits, commas, spaces
 * and ranges, nothing else ("any" means something to sfbnet, not here). */
static sfb_status
parse_ports(struct reader *R, size_t i, json_t *row, const char *key, const char *idtext,
    sfb_portset *ps)
{
	const char *s = json_string_value(json_object_get(row, key));
	sfb_cur c;
	int ch;
	sfb_status st;

	if (s == NULL)
		return SFB_OK;
	sfb_cur_init_str(&c, s);
	sfb_cur_skip_space(&c);
	if (sfb_cur_eof(&c))
		return SFB_OK;    /* "": no ports */
	while ((ch = sfb_cur_peek(&c)) >= 0 && ((ch >= '0' && ch <= '9') || ch == ',' ||
	    ch == '-' || ch == ' '))
		sfb_cur_skip(&c, 1);
	st = sfb_cur_eof(&c) ? sfb_portset_parse(ps, s) : SFB_EINVAL;
	if (st == SFB_ENOMEM)
		return sfb_oom(R->ctx);
	if (st != SFB_OK)
		return rfail(R, i, key, -1, "%s: %s '%s' is not a list of ports such as "
		    "\"80,443\" or \"3478-3481\" (each 0-65535)", idtext, key, s);
	return SFB_OK;
}

static void
row_free(struct sfb_o365_row *r)
{
	free(r->display);
	free(r->category);
	free(r->notes);
	sfb_strv_free(&r->urls);
	sfb_addrset_free(&r->ips);
	sfb_portset_free(&r->tcp);
	sfb_portset_free(&r->udp);
	memset(r, 0, sizeof(*r));
}

static sfb_status
dup_field(json_t *row, const char *key, char **out)
{
	const char *s = json_string_value(json_object_get(row, key));

	*out = NULL;
	if (s == NULL)
		return SFB_OK;
	*out = sfb_strdup(s);
	return *out != NULL ? SFB_OK : SFB_ENOMEM;
}

/* Row i: its fields checked; a Skype row kept. */
static sfb_status
read_row(struct reader *R, size_t i, json_t *row)
{
	struct sfb_o365_row r;
	char idtext[48];
	const char *area, *cat;
	json_t *arr, *item;
	size_t j;
	sfb_status st;
	sfb_buf b;

	memset(&r, 0, sizeof(r));
	sfb_strv_init(&r.urls);
	sfb_addrset_init(&r.ips);
	sfb_portset_init(&r.tcp);
	sfb_portset_init(&r.udp);
	sfb_buf_init(&b);
	if (!json_is_object(row)) {
		st = rfail(R, i, NULL, -1, "entry %zu of the array must be an object (an "
		    "endpoint set with id, serviceArea, ips ...), not %s", i + 1,
		    sfb_json_kind(row));
		goto out;
	}
	r.index = i;
	if (json_is_integer(json_object_get(row, "id"))) {
		r.id = (long long)json_integer_value(json_object_get(row, "id"));
		sfb_buf_printf(&b, "id %lld", r.id);
	} else {
		sfb_buf_printf(&b, "entry %zu", i + 1);
	}
	if (sfb_buf_status(&b) != SFB_OK || b.len >= sizeof(idtext)) {
		st = sfb_oom(R->ctx);
		goto out;
	}
	memcpy(idtext, sfb_buf_str(&b), b.len + 1);
	if ((st = check_fields(R, i, row, idtext)) != SFB_OK ||
	    (st = parse_ports(R, i, row, "tcpPorts", idtext, &r.tcp)) != SFB_OK ||
	    (st = parse_ports(R, i, row, "udpPorts", idtext, &r.udp)) != SFB_OK)
		goto out;
	arr = json_object_get(row, "ips");
	json_array_foreach(arr, j, item) {
		st = sfb_addrset_parse(&r.ips, json_string_value(item));
		if (st == SFB_ENOMEM) {
			st = sfb_oom(R->ctx);
			goto out;
		}
		if (st != SFB_OK) {
			st = rfail(R, i, "ips", (long)j, "%s: ips[%zu] '%s' is not an IPv4 or "
			    "IPv6 prefix (address/length, no host bits set)", idtext, j,
			    json_string_value(item));
			goto out;
		}
		r.has_ips = true;
	}
	area = json_string_value(json_object_get(row, "serviceArea"));
	R->o->ntotal++;
	if (strcmp(area, SFB_O365_AREA) != 0)
		goto out;    /* checked, not kept */

	where(R, i, NULL, -1, &r.line, &r.col);
	r.required = json_is_true(json_object_get(row, "required"));
	cat = json_string_value(json_object_get(row, "category"));
	if (cat != NULL && strcmp(cat, "Optimize") != 0 && strcmp(cat, "Allow") != 0 &&
	    strcmp(cat, "Default") != 0 &&
	    (st = rwarn(R, i, "category", -1, "%s: category '%s' is none of Optimize, "
	    "Allow, Default (kept as it is)", idtext, cat)) != SFB_OK)
		goto out;
	if ((st = dup_field(row, "serviceAreaDisplayName", &r.display)) != SFB_OK ||
	    (st = dup_field(row, "category", &r.category)) != SFB_OK ||
	    (st = dup_field(row, "notes", &r.notes)) != SFB_OK) {
		st = sfb_oom(R->ctx);
		goto out;
	}
	arr = json_object_get(row, "urls");
	json_array_foreach(arr, j, item)
		if (sfb_strv_add(&r.urls, json_string_value(item), false) != SFB_OK) {
			st = sfb_oom(R->ctx);
			goto out;
		}
	if (sfb_grow(&R->o->rows, &R->o->caprows, R->o->nrows + 1, sizeof(r)) != SFB_OK) {
		st = sfb_oom(R->ctx);
		goto out;
	}
	R->o->rows[R->o->nrows++] = r;
	memset(&r, 0, sizeof(r));    /* handed over */
out:
	row_free(&r);
	sfb_buf_free(&b);
	return st;
}

static int
cmp_row_id(const void *a, const void *b)
{
	const struct sfb_o365_row *x = *(const struct sfb_o365_row *const *)a;
	const struct sfb_o365_row *y = *(const struct sfb_o365_row *const *)b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Two Skype rows with one id: both are imported, and said so. */
static sfb_status
check_ids(struct reader *R)
{
	const struct sfb_o365_row **v = NULL;
	size_t i;
	sfb_status st = SFB_OK;

	if (R->o->nrows < 2)
		return SFB_OK;
	if ((v = calloc(R->o->nrows, sizeof(*v))) == NULL)
		return sfb_oom(R->ctx);
	for (i = 0; i < R->o->nrows; i++)
		v[i] = &R->o->rows[i];
	qsort(v, R->o->nrows, sizeof(*v), cmp_row_id);
	for (i = 1; i < R->o->nrows; i++)
		if (v[i]->id == v[i - 1]->id &&
		    (st = rwarn(R, v[i]->index, "id", -1, "id %lld: the id of another Skype "
		    "row (line %d): both are imported", v[i]->id, v[i - 1]->line)) != SFB_OK)
			break;
	free(v);
	return st;
}

static sfb_status
read_doc(struct reader *R)
{
	json_error_t err;
	json_t *root = NULL, *row;
	size_t i;
	sfb_status st = SFB_OK;

	root = json_loadb(R->len > 0 ? R->text : "", R->len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		st = sfb_fail(R->ctx, SFB_EINVAL, R->name, err.line > 0 ? err.line : 0,
		    err.line > 0 && err.column > 0 ? err.column : 0,
		    "JSON syntax error: %s", err.text);
		goto out;
	}
	if (!json_is_array(root)) {
		st = sfb_fail(R->ctx, SFB_EINVAL, R->name, 1, 1, "the document must be an "
		    "array of endpoint sets (what https://endpoints.office.com/endpoints/"
		    "worldwide returns), not %s", sfb_json_kind(root));
		goto out;
	}
	if ((st = find_rows(R, json_array_size(root))) != SFB_OK)
		goto out;
	json_array_foreach(root, i, row)
		if ((st = read_row(R, i, row)) != SFB_OK)
			goto out;
	st = check_ids(R);
out:
	json_decref(root);
	return st;
}

/* --- what the rows say -------------------------------------------------- */

bool
sfb_o365_taken(const struct sfb_o365 *o, const struct sfb_o365_row *r)
{
	return r->has_ips && (r->required || o->optional);
}

void
sfb_o365_ids(sfb_buf *b, const struct sfb_o365 *o)
{
	size_t i;
	bool first = true;

	for (i = 0; i < o->nrows; i++) {
		if (!sfb_o365_taken(o, &o->rows[i]))
			continue;
		sfb_buf_printf(b, "%s%lld", first ? "" : ", ", o->rows[i].id);
		first = false;
	}
}

static bool
has_role(const size_t *roles, size_t n, size_t role)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (roles[i] == role)
			return true;
	return false;
}

/* The ports at the office365 end of the catalog's flows: the destination
 * ports of flows to the role, the source ports of flows from it (where the
 * flow names them: a source port of "any" is no service port). */
static sfb_status
catalog_ports(const sfb_catalog *cat, size_t role, sfb_portset *tcp, sfb_portset *udp)
{
	const struct sfb_cflow *f;
	const sfb_portset *p;
	size_t i;
	int side;
	sfb_status st;

	for (i = 0; i < cat->nflows; i++) {
		f = &cat->flows[i];
		for (side = 0; side < 2; side++) {
			if (side == 0 && !has_role(f->to, f->nto, role))
				continue;
			if (side == 1 && (!has_role(f->from, f->nfrom, role) ||
			    sfb_portset_is_all(&f->sport)))
				continue;
			p = side == 0 ? &f->dport : &f->sport;
			if ((f->proto & SFB_PROTO_TCP) &&
			    (st = sfb_iset_union(&tcp->s, &p->s)) != SFB_OK)
				return st;
			if ((f->proto & SFB_PROTO_UDP) &&
			    (st = sfb_iset_union(&udp->s, &p->s)) != SFB_OK)
				return st;
		}
	}
	return SFB_OK;
}

/* Every port of a Skype row taken that no catalog flow of the role has. */
static sfb_status
check_ports(struct reader *R, const sfb_catalog *cat, size_t role)
{
	sfb_portset tcp, udp, extra;
	const struct sfb_o365_row *r;
	sfb_buf text;
	size_t i;
	int proto;
	sfb_status st;

	sfb_portset_init(&tcp);
	sfb_portset_init(&udp);
	sfb_portset_init(&extra);
	sfb_buf_init(&text);
	if ((st = catalog_ports(cat, role, &tcp, &udp)) != SFB_OK) {
		st = sfb_oom(R->ctx);
		goto out;
	}
	for (i = 0; i < R->o->nrows; i++) {
		r = &R->o->rows[i];
		if (!r->required && !R->o->optional)
			continue;
		for (proto = 0; proto < 2; proto++) {
			sfb_portset_free(&extra);
			if (sfb_iset_diff(&extra.s, proto == 0 ? &r->tcp.s : &r->udp.s,
			    proto == 0 ? &tcp.s : &udp.s) != SFB_OK) {
				st = sfb_oom(R->ctx);
				goto out;
			}
			if (sfb_iset_empty(&extra.s))
				continue;
			sfb_buf_reset(&text);
			sfb_portset_print(&text, &extra);
			if (sfb_buf_status(&text) != SFB_OK) {
				st = sfb_oom(R->ctx);
				goto out;
			}
			st = rwarn(R, r->index, proto == 0 ? "tcpPorts" : "udpPorts", -1,
			    "id %lld: %s port %s is in no catalog flow to or from the %s role: "
			    "not planned (sfbnet catalog --format json lists the flows)", r->id,
			    proto == 0 ? "TCP" : "UDP", sfb_buf_str(&text), SFB_O365_ROLE);
			if (st != SFB_OK)
				goto out;
		}
	}
out:
	sfb_portset_free(&tcp);
	sfb_portset_free(&udp);
	sfb_portset_free(&extra);
	sfb_buf_free(&text);
	return st;
}

/* The union of the rows taken; the rows left out and the URL-only rows,
 * reported. */
static sfb_status
collect(struct reader *R, bool into)
{
	struct sfb_o365 *o = R->o;
	const struct sfb_o365_row *r;
	sfb_buf left, urlonly;
	size_t i, nleft = 0, nurl = 0;
	sfb_status st = SFB_OK;

	sfb_buf_init(&left);
	sfb_buf_init(&urlonly);
	for (i = 0; i < o->nrows; i++) {
		r = &o->rows[i];
		if (!r->required && !o->optional) {
			sfb_buf_printf(&left, "%s%lld", nleft++ ? ", " : "", r->id);
			continue;
		}
		if (!r->has_ips) {
			sfb_buf_printf(&urlonly, "%s%lld", nurl++ ? ", " : "", r->id);
			if (into && (st = rwarn(R, r->index, "urls", -1, "id %lld: URLs only, no "
			    "addresses (%zu names, the first '%s'): allow them on a proxy or an "
			    "FQDN-based firewall", r->id, r->urls.n,
			    r->urls.n > 0 ? r->urls.v[0] : "")) != SFB_OK)
				goto out;
			continue;
		}
		if ((st = sfb_addrset_union(&o->nets, &r->ips)) != SFB_OK) {
			st = sfb_oom(R->ctx);
			goto out;
		}
	}
	if (sfb_buf_status(&left) != SFB_OK || sfb_buf_status(&urlonly) != SFB_OK) {
		st = sfb_oom(R->ctx);
		goto out;
	}
	if (nleft > 0 && (st = sfb_warn(R->ctx, R->name, 0, 0, "%zu optional Skype row%s left "
	    "out (id%s %s): --optional takes them", nleft, nleft == 1 ? "" : "s",
	    nleft == 1 ? "" : "s", sfb_buf_str(&left))) != SFB_OK)
		goto out;
	if (!into && nurl > 0 && (st = sfb_warn(R->ctx, R->name, 0, 0, "%zu Skype row%s with "
	    "URLs only, no addresses (id%s %s): listed in the output for a proxy or an "
	    "FQDN-based firewall", nurl, nurl == 1 ? "" : "s", nurl == 1 ? "" : "s",
	    sfb_buf_str(&urlonly))) != SFB_OK)
		goto out;
	if (sfb_addrset_empty(&o->nets))
		st = sfb_fail(R->ctx, SFB_EINVAL, R->name, 0, 0, "no %s Skype row with "
		    "addresses (serviceArea \"%s\" and ips): nothing to import%s",
		    o->optional ? "" : "required", SFB_O365_AREA,
		    o->optional ? "" : " (--optional takes the optional rows too)");
out:
	sfb_buf_free(&left);
	sfb_buf_free(&urlonly);
	return st;
}

/* --- the fragment -------------------------------------------------------- */

void
sfb_o365_put_item(sfb_buf *b, const char *cidr)
{
	size_t n = strlen(cidr);

	if (n > 0 && (cidr[0] == ':' || cidr[n - 1] == ':'))
		sfb_buf_printf(b, "\"%s\"", cidr);
	else
		sfb_buf_puts(b, cidr);
}

#define SFB_O365_MAX_ID_PAIRS 4000000u

static sfb_status
add_cidr(void *arg, const char *cidr)
{
	return sfb_strv_add(arg, cidr, false);
}

/* "tcp 80,443  udp 3478-3481" (nothing for a row without ports). */
static void
put_ports(sfb_buf *b, const struct sfb_o365_row *r)
{
	if (!sfb_iset_empty(&r->tcp.s)) {
		sfb_buf_puts(b, "  tcp ");
		sfb_portset_print(b, &r->tcp);
	}
	if (!sfb_iset_empty(&r->udp.s)) {
		sfb_buf_puts(b, "  udp ");
		sfb_portset_print(b, &r->udp);
	}
}

static void
put_row_line(sfb_buf *b, const struct sfb_o365_row *r)
{
	sfb_buf_printf(b, "#   id %lld", r->id);
	if (r->category != NULL) {
		sfb_buf_puts(b, "  ");
		sfb_esc_put(b, SFB_ESC_LINE, r->category);
	}
	sfb_buf_puts(b, r->required ? "  required" : "  optional");
	put_ports(b, r);
	if (r->notes != NULL && r->notes[0] != '\0') {
		sfb_buf_puts(b, "  (");
		sfb_esc_put(b, SFB_ESC_LINE, r->notes);
		sfb_buf_putc(b, ')');
	}
	sfb_buf_putc(b, '\n');
}

/* One prefix of the networks, with the ids of the rows it comes from. */
static sfb_status
put_block(sfb_buf *b, const struct sfb_o365 *o, const char *cidr, size_t width, bool ids)
{
	sfb_addrset one;
	size_t i, n, mark;
	long long last = 0;
	int pass;
	bool first;
	sfb_status st;

	sfb_addrset_init(&one);
	if ((st = sfb_addrset_parse(&one, cidr)) != SFB_OK)
		goto out;
	mark = b->len;
	sfb_buf_puts(b, "          - ");
	sfb_o365_put_item(b, cidr);
	if (!ids) {
		sfb_buf_putc(b, '\n');
		goto out;
	}
	n = b->len - mark;    /* the item's line so far */
	for (i = n < width + 12 ? width + 12 - n + 2 : 2; i > 0; i--)
		sfb_buf_putc(b, ' ');
	sfb_buf_puts(b, "# ");
	/* Two rows of one id (the document repeats none, but may) name it once. */
	for (pass = 0; pass < 2; pass++) {
		first = true;
		for (i = n = 0; i < o->nrows; i++) {
			if (!sfb_o365_taken(o, &o->rows[i]) ||
			    !sfb_addrset_overlaps(&one, &o->rows[i].ips) ||
			    (!first && o->rows[i].id == last))
				continue;
			if (pass == 1)
				sfb_buf_printf(b, "%s%lld", first ? "" : ", ", o->rows[i].id);
			last = o->rows[i].id;
			first = false;
			n++;
		}
		if (pass == 0)
			sfb_buf_puts(b, n == 1 ? "id " : "ids ");
	}
	sfb_buf_putc(b, '\n');
out:
	sfb_addrset_free(&one);
	return st;
}

static sfb_status
write_fragment(sfb_ctx *ctx, const struct sfb_o365 *o, char **out)
{
	const struct sfb_o365_row *r;
	sfb_strv blocks;
	sfb_buf b;
	size_t i, j, width = 0, n;
	const char *display = NULL;
	bool ids;
	sfb_status st;

	sfb_buf_init(&b);
	sfb_strv_init(&blocks);
	if ((st = sfb_addrset_each_cidr(&o->nets, 4, add_cidr, &blocks)) != SFB_OK ||
	    (st = sfb_addrset_each_cidr(&o->nets, 6, add_cidr, &blocks)) != SFB_OK) {
		st = sfb_oom(ctx);
		goto out;
	}
	for (i = 0; i < blocks.n; i++)
		if (strlen(blocks.v[i]) > width)
			width = strlen(blocks.v[i]);
	for (i = 0; i < o->nrows && display == NULL; i++)
		display = o->rows[i].display;
	/* Each prefix names the rows it comes from, unless that would cost
	 * more than a real document ever needs (prefixes x rows). */
	ids = blocks.n <= SFB_O365_MAX_ID_PAIRS / (o->nrows + 1);

	sfb_buf_puts(&b, "# The office365 role's networks, imported by sfbnet import o365 from\n# ");
	sfb_esc_put(&b, SFB_ESC_LINE, o->name);
	sfb_buf_printf(&b, "\n# (the Office 365 IP address and URL web service: %zu rows, %zu of the\n"
	    "# service area " SFB_O365_AREA, o->ntotal, o->nrows);
	if (display != NULL) {
		sfb_buf_puts(&b, ", \"");
		sfb_esc_put(&b, SFB_ESC_LINE, display);
		sfb_buf_putc(&b, '"');
	}
	sfb_buf_printf(&b, "; %s).\n#\n", o->optional ? "required and optional rows" :
	    "required rows only, --optional adds the others");
	sfb_buf_puts(&b, "# Rows whose addresses are the networks below:\n");
	for (i = 0; i < o->nrows; i++)
		if (sfb_o365_taken(o, &o->rows[i]))
			put_row_line(&b, &o->rows[i]);
	for (i = n = 0; i < o->nrows; i++)
		n += !o->rows[i].required && !o->optional;
	if (n > 0) {
		sfb_buf_puts(&b, "# Optional rows left out (--optional takes them):\n");
		for (i = 0; i < o->nrows; i++)
			if (!o->rows[i].required && !o->optional)
				put_row_line(&b, &o->rows[i]);
	}
	for (i = n = 0; i < o->nrows; i++)
		n += !o->rows[i].has_ips && (o->rows[i].required || o->optional);
	if (n > 0) {
		sfb_buf_puts(&b, "# Rows with URLs only, no addresses: no rule of sfbnet's can "
		    "carry them;\n# allow these names on a proxy or an FQDN-based firewall:\n");
		for (i = 0; i < o->nrows; i++) {
			r = &o->rows[i];
			if (r->has_ips || (!r->required && !o->optional))
				continue;
			put_row_line(&b, r);
			for (j = 0; j < r->urls.n; j++) {
				sfb_buf_puts(&b, "#       ");
				sfb_esc_put(&b, SFB_ESC_LINE, r->urls.v[j]);
				sfb_buf_putc(&b, '\n');
			}
		}
	}
	sfb_buf_puts(&b, "#\n"
	    "# Paste the host below into the hosts: list of a topology, in place of its\n"
	    "# office365 host if it has one (zone: is the outside zone, the one without\n"
	    "# networks: change it if yours is not called internet), or let sfbnet do it:\n"
	    "#   sfbnet import o365 ENDPOINTS.json --into TOPOLOGY -o NEW-TOPOLOGY\n"
	    "# An office365 endpoint without networks stands for the catalog's default\n"
	    "# ranges; these replace them.\n"
	    "hosts:\n"
	    "  - name: office365\n"
	    "    endpoints:\n"
	    "      - zone: internet\n"
	    "        networks:\n");
	for (i = 0; i < blocks.n; i++)
		if ((st = put_block(&b, o, blocks.v[i], width, ids)) != SFB_OK) {
			st = st == SFB_ENOMEM ? sfb_oom(ctx) : sfb_failf(ctx, SFB_EINTERNAL,
			    "the prefix '%s' does not read back", blocks.v[i]);
			goto out;
		}
	sfb_buf_puts(&b, "        roles: [" SFB_O365_ROLE "]\n");
out:
	st = sfb_buf_finish(ctx, &b, st, out);
	sfb_buf_free(&b);
	sfb_strv_free(&blocks);
	return st;
}

/* --- the API -------------------------------------------------------------- */

static void
o365_free(struct sfb_o365 *o)
{
	size_t i;

	for (i = 0; i < o->nrows; i++)
		row_free(&o->rows[i]);
	free(o->rows);
	sfb_addrset_free(&o->nets);
	memset(o, 0, sizeof(*o));
}

sfb_status
sfb_import_o365_mem(sfb_ctx *ctx, const sfb_catalog *cat, const char *name, const void *data,
    size_t len, const sfb_import_o365_opts *opts, char **out)
{
	static const unsigned char bom8[] = { 0xef, 0xbb, 0xbf };
	const unsigned char *p = data;
	struct sfb_o365 o;
	struct reader R;
	long role;
	sfb_status st;

	*out = NULL;
	memset(&R, 0, sizeof(R));
	memset(&o, 0, sizeof(o));
	sfb_addrset_init(&o.nets);
	o.name = name;
	o.optional = opts != NULL && opts->optional;
	if (cat == NULL) {
		st = sfb_failf(ctx, SFB_EINVAL, "%s: no catalog to check the ports against", name);
		goto out;
	}
	if ((role = sfb_catalog_role(cat, SFB_O365_ROLE)) < 0) {
		st = sfb_failf(ctx, SFB_ENOTFOUND, "the catalog has no role '%s' to import "
		    "Office 365 ranges into", SFB_O365_ROLE);
		goto out;
	}
	if (len > SFB_MAX_INPUT) {
		st = sfb_fail(ctx, SFB_EINVAL, name, 0, 0, "file larger than %u bytes",
		    SFB_MAX_INPUT);
		goto out;
	}
	if (len >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff))) {
		st = sfb_fail(ctx, SFB_EINVAL, name, 1, 1, "UTF-16 text: the endpoints JSON must "
		    "be UTF-8 (save it with Invoke-WebRequest -OutFile, or curl -o)");
		goto out;
	}
	if (len >= 3 && memcmp(p, bom8, 3) == 0) {
		p += 3;      /* a UTF-8 byte-order mark (Out-File -Encoding utf8) */
		len -= 3;
	}
	memset(&R, 0, sizeof(R));
	R.ctx = ctx;
	R.name = name;
	R.text = (const char *)p;
	R.len = len;
	R.o = &o;
	if ((st = read_doc(&R)) != SFB_OK ||
	    (st = check_ports(&R, cat, (size_t)role)) != SFB_OK ||
	    (st = collect(&R, opts != NULL && opts->into != NULL)) != SFB_OK)
		goto out;
	if (opts != NULL && opts->into != NULL)
		st = sfb_o365_into(ctx, cat, &o, opts->into, out);
	else
		st = write_fragment(ctx, &o, out);
out:
	free(R.rowoff);
	free(R.rowline);
	free(R.rowcol);
	o365_free(&o);
	return st;
}

sfb_status
sfb_import_o365(sfb_ctx *ctx, const sfb_catalog *cat, const char *path,
    const sfb_import_o365_opts *opts, char **out)
{
	sfb_buf b;
	sfb_status st;

	*out = NULL;
	sfb_buf_init(&b);
	if ((st = sfb_read_file(ctx, path, &b)) == SFB_OK)
		st = sfb_import_o365_mem(ctx, cat, path, b.data, b.len, opts, out);
	sfb_buf_free(&b);
	return st;
}
