/* The JSON of `nft -j list ruleset` (libnftables-json(5)) into the ruleset
 * model: tables, chains with their hook, priority and policy, named sets,
 * and rules as unions of boxes.
 *
 * Each match of a rule narrows every box of the rule along one dimension
 * (addresses, ports, protocols); a match on a concatenation (ip daddr .
 * tcp dport @set) multiplies the boxes by the set's elements.  What the
 * model cannot express (tcp flags, marks, rate limits, verdict maps, xt
 * matches) is kept as text in rule->unknown: the evaluator calls every
 * packet such a rule could see "unknown" rather than guess. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "sfb_esc.h"
#include "sfb_rs.h"

#define MAX_BOXES 4096   /* per rule: past it the rule is "unknown" */

struct nftp {
	sfb_ctx *ctx;
	const char *file;
	struct rs_ruleset *rs;
	json_t *sets;            /* "family table name" -> the set's JSON object */
};

/* --- values -------------------------------------------------------------- */

static int
table_family(const char *f)
{
	if (f == NULL)
		return -1;
	if (strcmp(f, "ip") == 0)
		return 4;
	if (strcmp(f, "ip6") == 0)
		return 6;
	if (strcmp(f, "inet") == 0)
		return 0;
	return -1;    /* arp, bridge, netdev: not the IP forward path */
}

/* The family's every address: IPv4, IPv6, or both. */
static sfb_status
family_all(sfb_addrset *a, int family)
{
	sfb_status st;

	if (family == 6)
		return sfb_addrset_parse(a, "::/0");
	if ((st = sfb_addrset_parse(a, "0.0.0.0/0")) != SFB_OK || family == 4)
		return st;
	return sfb_addrset_parse(a, "::/0");
}

static json_t *
named_set(struct nftp *P, const char *family, const char *table, const char *name)
{
	char key[512];

	if (snprintf(key, sizeof(key), "%s %s %s", family, table, name) >= (int)sizeof(key))
		return NULL;
	return json_object_get(P->sets, key);
}

/* The elements a right-hand side stands for: an array (anonymous set), the
 * elements of a named set ("@name"), or the one value itself. */
struct elems {
	json_t *own;     /* a reference to free */
	json_t *arr;     /* the array of elements */
};

static bool
get_elems(struct nftp *P, const char *family, const char *table, json_t *right,
    struct elems *e)
{
	const char *s;
	json_t *set;

	e->own = NULL;
	if (json_is_object(right) && (set = json_object_get(right, "set")) != NULL) {
		if (json_is_array(set)) {
			e->arr = set;
			return true;
		}
		right = set;  /* a set of one element */
	}
	if (json_is_string(right) && (s = json_string_value(right))[0] == '@') {
		if ((set = named_set(P, family, table, s + 1)) == NULL)
			return false;
		set = json_object_get(set, "elem");
		if (set == NULL) {      /* an empty set */
			e->own = json_array();
			e->arr = e->own;
			return e->own != NULL;
		}
		e->arr = set;
		return json_is_array(set);
	}
	e->own = json_array();
	if (e->own == NULL || json_array_append(e->own, right) != 0)
		return false;
	e->arr = e->own;
	return true;
}

/* An element's value: {"elem": {"val": ...}} carries one with options. */
static json_t *
elem_val(json_t *v)
{
	json_t *in;

	if (json_is_object(v) && (in = json_object_get(v, "elem")) != NULL && json_is_object(in))
		return json_object_get(in, "val");
	return v;
}

/* One address element into a (a string, a prefix, or a range). */
static sfb_status
add_addr(sfb_addrset *a, json_t *v)
{
	json_t *p, *r;
	char buf[128];
	sfb_addrset lo, tmp;
	sfb_status st;

	v = elem_val(v);
	if (json_is_string(v))
		return sfb_addrset_parse(a, json_string_value(v));
	if (json_is_object(v) && (p = json_object_get(v, "prefix")) != NULL) {
		if (!json_is_string(json_object_get(p, "addr")) ||
		    !json_is_integer(json_object_get(p, "len")))
			return SFB_EINVAL;
		if (snprintf(buf, sizeof(buf), "%s/%lld", json_string_value(json_object_get(p, "addr")),
		    (long long)json_integer_value(json_object_get(p, "len"))) >= (int)sizeof(buf))
			return SFB_EINVAL;
		return sfb_addrset_parse(a, buf);
	}
	if (json_is_object(v) && (r = json_object_get(v, "range")) != NULL) {
		/* a - b: parse both ends as single addresses, add the span. */
		if (!json_is_array(r) || json_array_size(r) != 2 ||
		    !json_is_string(json_array_get(r, 0)) || !json_is_string(json_array_get(r, 1)))
			return SFB_EINVAL;
		sfb_addrset_init(&lo);
		sfb_addrset_init(&tmp);
		st = sfb_addrset_parse(&lo, json_string_value(json_array_get(r, 0)));
		if (st == SFB_OK)
			st = sfb_addrset_parse(&tmp, json_string_value(json_array_get(r, 1)));
		if (st == SFB_OK) {
			const sfb_iset *l = sfb_iset_empty(&lo.v4) ? &lo.v6 : &lo.v4;
			const sfb_iset *h = sfb_iset_empty(&tmp.v4) ? &tmp.v6 : &tmp.v4;

			if ((l == &lo.v4) != (h == &tmp.v4) || l->n != 1 || h->n != 1)
				st = SFB_EINVAL;
			else
				st = sfb_iset_add(l == &lo.v4 ? &a->v4 : &a->v6, l->r[0].lo, h->r[0].hi);
		}
		sfb_addrset_free(&lo);
		sfb_addrset_free(&tmp);
		return st;
	}
	return SFB_EINVAL;
}

static const struct { const char *name; unsigned port; } services[] = {
	{ "ssh", 22 }, { "domain", 53 }, { "http", 80 }, { "kerberos", 88 }, { "ntp", 123 },
	{ "snmp", 161 }, { "ldap", 389 }, { "https", 443 }, { "microsoft-ds", 445 },
	{ "ldaps", 636 }, { "ms-sql-s", 1433 }, { "sip", 5060 }, { "sip-tls", 5061 },
};

static bool
port_of(json_t *v, unsigned *out)
{
	size_t i;
	uint64_t x;

	if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 65535) {
		*out = (unsigned)json_integer_value(v);
		return true;
	}
	if (!json_is_string(v))
		return false;
	if (sfb_parse_uint(json_string_value(v), 65535, &x)) {
		*out = (unsigned)x;
		return true;
	}
	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		if (strcmp(services[i].name, json_string_value(v)) == 0) {
			*out = services[i].port;
			return true;
		}
	return false;
}

static sfb_status
add_port(sfb_portset *p, json_t *v)
{
	json_t *r;
	unsigned lo, hi;

	v = elem_val(v);
	if (json_is_object(v) && (r = json_object_get(v, "range")) != NULL) {
		if (!json_is_array(r) || json_array_size(r) != 2 || !port_of(json_array_get(r, 0), &lo) ||
		    !port_of(json_array_get(r, 1), &hi) || lo > hi)
			return SFB_EINVAL;
		return sfb_portset_add(p, lo, hi);
	}
	if (!port_of(v, &lo))
		return SFB_EINVAL;
	return sfb_portset_add(p, lo, lo);
}

/* A protocol name or number as the mask bit. */
static bool
proto_of(json_t *v, unsigned *out)
{
	const char *s;

	v = elem_val(v);
	if (json_is_integer(v)) {
		*out = json_integer_value(v) == 6 ? RS_TCP : json_integer_value(v) == 17 ? RS_UDP :
		    RS_OTHER;
		return json_integer_value(v) >= 0 && json_integer_value(v) <= 255;
	}
	if (!json_is_string(v))
		return false;
	s = json_string_value(v);
	*out = strcmp(s, "tcp") == 0 ? RS_TCP : strcmp(s, "udp") == 0 ? RS_UDP : RS_OTHER;
	return true;
}

/* --- narrowing a rule -------------------------------------------------- */

enum dim { D_SRC, D_DST, D_SPORT, D_DPORT, D_PROTO, D_NONE };

/* What a match's left side selects: a dimension of the box, and what it
 * implies (ip saddr: IPv4 only; tcp dport: TCP only). */
struct sel {
	int dim;
	int family;          /* 4, 6, or 0 */
	unsigned protos;     /* implied protocols */
};

static bool
selector(json_t *left, struct sel *s)
{
	json_t *pl = json_object_get(left, "payload"), *meta = json_object_get(left, "meta");
	const char *proto, *field, *key;

	s->dim = D_NONE;
	s->family = 0;
	s->protos = RS_ALLPROTO;
	if (pl != NULL) {
		proto = json_string_value(json_object_get(pl, "protocol"));
		field = json_string_value(json_object_get(pl, "field"));
		if (proto == NULL || field == NULL)
			return false;
		if (strcmp(proto, "ip") == 0 || strcmp(proto, "ip6") == 0) {
			s->family = proto[2] == '6' ? 6 : 4;
			if (strcmp(field, "saddr") == 0)
				s->dim = D_SRC;
			else if (strcmp(field, "daddr") == 0)
				s->dim = D_DST;
			else if (strcmp(field, "protocol") == 0 || strcmp(field, "nexthdr") == 0)
				s->dim = D_PROTO;
			return s->dim != D_NONE;
		}
		if (strcmp(proto, "tcp") == 0 || strcmp(proto, "udp") == 0 || strcmp(proto, "th") == 0) {
			s->protos = proto[0] == 't' && proto[1] == 'c' ? RS_TCP :
			    proto[0] == 'u' ? RS_UDP : RS_TCP | RS_UDP;
			if (strcmp(field, "sport") == 0)
				s->dim = D_SPORT;
			else if (strcmp(field, "dport") == 0)
				s->dim = D_DPORT;
			return s->dim != D_NONE;
		}
		return false;
	}
	if (meta != NULL && (key = json_string_value(json_object_get(meta, "key"))) != NULL &&
	    strcmp(key, "l4proto") == 0) {
		s->dim = D_PROTO;
		return true;
	}
	return false;
}

/* Narrow box b along sel to the values (or, negated, to the rest);
 * SFB_EINVAL when a value is not of the dimension's kind. */
static sfb_status
narrow(struct rs_box *b, const struct sel *sel, json_t *arr, size_t from, size_t step,
    bool neg, int tfamily)
{
	sfb_addrset a, all, t;
	sfb_portset p, tp;
	unsigned m = 0, bit;
	sfb_status st = SFB_OK;
	size_t i;

	sfb_addrset_init(&a);
	sfb_addrset_init(&all);
	sfb_addrset_init(&t);
	sfb_portset_init(&p);
	sfb_portset_init(&tp);
	b->protos &= sel->protos;
	if (sel->dim == D_SRC || sel->dim == D_DST) {
		sfb_addrset *side = sel->dim == D_SRC ? &b->src : &b->dst;

		for (i = from; i < json_array_size(arr) && st == SFB_OK; i += step)
			st = add_addr(&a, json_array_get(arr, i));
		/* The family of the selector (ip saddr: IPv4) and of the table. */
		if (st == SFB_OK)
			st = family_all(&all, sel->family != 0 ? sel->family : tfamily);
		if (st == SFB_OK && neg)
			st = sfb_addrset_diff(&t, &all, &a);
		else if (st == SFB_OK)
			st = sfb_addrset_intersect(&t, &all, &a);
		sfb_addrset_free(&a);
		sfb_addrset_init(&a);
		if (st == SFB_OK)
			st = sfb_addrset_intersect(&a, side, &t);
		if (st == SFB_OK) {
			sfb_addrset_free(side);
			*side = a;
			sfb_addrset_init(&a);
		}
		/* The other side is of the same family too. */
		if (st == SFB_OK && sel->family != 0) {
			sfb_addrset *other = sel->dim == D_SRC ? &b->dst : &b->src;

			sfb_addrset_free(&t);
			sfb_addrset_init(&t);
			st = sfb_addrset_intersect(&t, other, &all);
			if (st == SFB_OK) {
				sfb_addrset_free(other);
				*other = t;
				sfb_addrset_init(&t);
			}
		}
	} else if (sel->dim == D_SPORT || sel->dim == D_DPORT) {
		sfb_portset *side = sel->dim == D_SPORT ? &b->sport : &b->dport;

		b->protos &= RS_TCP | RS_UDP;
		for (i = from; i < json_array_size(arr) && st == SFB_OK; i += step)
			st = add_port(&p, json_array_get(arr, i));
		if (st == SFB_OK && neg) {
			sfb_iset rest;

			sfb_iset_init(&rest);
			if ((st = sfb_portset_all(&tp)) == SFB_OK &&
			    (st = sfb_iset_diff(&rest, &tp.s, &p.s)) == SFB_OK) {
				sfb_iset_free(&p.s);
				p.s = rest;
				sfb_iset_init(&rest);
			}
			sfb_iset_free(&rest);
		}
		if (st == SFB_OK) {
			sfb_portset_free(&tp);
			sfb_portset_init(&tp);
			st = sfb_iset_intersect(&tp.s, &side->s, &p.s);
		}
		if (st == SFB_OK) {
			sfb_portset_free(side);
			*side = tp;
			sfb_portset_init(&tp);
		}
	} else if (sel->dim == D_PROTO) {
		for (i = from; i < json_array_size(arr); i += step) {
			if (!proto_of(json_array_get(arr, i), &bit)) {
				st = SFB_EINVAL;
				break;
			}
			m |= bit;
		}
		/* "!= tcp" leaves UDP and every other protocol; "== icmp" only
		 * the others (RS_OTHER stands for all of them, so "!= icmp" is
		 * every protocol still). */
		if (st == SFB_OK)
			b->protos &= neg ? (RS_ALLPROTO & ~(m & (RS_TCP | RS_UDP))) : m;
		if (sel->family != 0 && st == SFB_OK) {
			if ((st = family_all(&all, sel->family)) == SFB_OK &&
			    (st = sfb_addrset_intersect(&t, &b->src, &all)) == SFB_OK) {
				sfb_addrset_free(&b->src);
				b->src = t;
				sfb_addrset_init(&t);
			}
		}
	}
	sfb_addrset_free(&a);
	sfb_addrset_free(&all);
	sfb_addrset_free(&t);
	sfb_portset_free(&p);
	sfb_portset_free(&tp);
	return st;
}

static void
set_unknown(struct rs_rule *r, const char *what)
{
	if (r->unknown == NULL)
		r->unknown = sfb_strdup(what);
}

/* Drop boxes that match nothing. */
static void
prune(struct rs_rule *r)
{
	size_t i, k = 0;

	for (i = 0; i < r->nboxes; i++) {
		if (rs_box_empty(&r->boxes[i])) {
			rs_box_free(&r->boxes[i]);
			continue;
		}
		r->boxes[k++] = r->boxes[i];
	}
	r->nboxes = k;
}

/* A match on a concatenation: each element of the set becomes, for every
 * existing box, a copy narrowed along every part. */
static sfb_status
match_concat(struct rs_rule *r, json_t *parts, struct elems *e, bool neg, int tfamily)
{
	struct sel sel[8];
	struct rs_box *nb = NULL;
	size_t nnb = 0, cap = 0, i, k, j, np = json_array_size(parts);
	json_t *val, *one = NULL;
	sfb_status st = SFB_OK;

	if (np == 0 || np > 8 || neg) {
		set_unknown(r, neg ? "a negated concatenation" : "a concatenation");
		return SFB_OK;
	}
	for (j = 0; j < np; j++)
		if (!selector(json_array_get(parts, j), &sel[j])) {
			set_unknown(r, "a concatenation of fields the audit does not model");
			return SFB_OK;
		}
	if (r->nboxes * json_array_size(e->arr) > MAX_BOXES) {
		set_unknown(r, "a concatenation set too large to model");
		return SFB_OK;
	}
	for (k = 0; k < json_array_size(e->arr) && st == SFB_OK; k++) {
		val = json_object_get(elem_val(json_array_get(e->arr, k)), "concat");
		if (!json_is_array(val) || json_array_size(val) != np) {
			st = SFB_EINVAL;
			break;
		}
		for (i = 0; i < r->nboxes && st == SFB_OK; i++) {
			if (sfb_grow(&nb, &cap, nnb + 1, sizeof(*nb)) != SFB_OK) {
				st = SFB_ENOMEM;
				break;
			}
			rs_box_init(&nb[nnb]);
			st = rs_box_copy(&nb[nnb], &r->boxes[i]);
			nnb++;
			for (j = 0; j < np && st == SFB_OK; j++) {
				json_decref(one);
				if ((one = json_array()) == NULL ||
				    json_array_append(one, json_array_get(val, j)) != 0) {
					st = SFB_ENOMEM;
					break;
				}
				st = narrow(&nb[nnb - 1], &sel[j], one, 0, 1, false, tfamily);
			}
		}
	}
	json_decref(one);
	if (st != SFB_OK) {
		for (i = 0; i < nnb; i++)
			rs_box_free(&nb[i]);
		free(nb);
		return st;
	}
	for (i = 0; i < r->nboxes; i++)
		rs_box_free(&r->boxes[i]);
	free(r->boxes);
	r->boxes = nb;
	r->nboxes = nnb;
	r->capboxes = cap;
	prune(r);
	return SFB_OK;
}

/* ct state: does the match let a new connection's first packet through? */
static bool
state_has_new(json_t *right)
{
	size_t i;

	if (json_is_string(right))
		return strcmp(json_string_value(right), "new") == 0;
	if (json_is_object(right) && json_object_get(right, "set") != NULL)
		right = json_object_get(right, "set");
	for (i = 0; json_is_array(right) && i < json_array_size(right); i++)
		if (json_is_string(json_array_get(right, i)) &&
		    strcmp(json_string_value(json_array_get(right, i)), "new") == 0)
			return true;
	return false;
}

static sfb_status
iface(struct rs_rule *r, bool in, json_t *right, bool neg)
{
	struct rs_iface *f = in ? &r->iif : &r->oif;
	const char *s;
	size_t n;

	if (!json_is_string(right) || f->name != NULL) {
		set_unknown(r, "an interface set");
		return SFB_OK;
	}
	s = json_string_value(right);
	if ((f->name = sfb_strdup(s)) == NULL)
		return SFB_ENOMEM;
	n = strlen(f->name);
	if (n > 0 && f->name[n - 1] == '*') {
		f->name[n - 1] = '\0';
		f->prefix = true;
	}
	f->neg = neg;
	return SFB_OK;
}

static sfb_status
one_match(struct nftp *P, struct rs_rule *r, json_t *m, const char *family, const char *table,
    int tfamily)
{
	json_t *left = json_object_get(m, "left"), *right = json_object_get(m, "right"), *meta, *ct;
	const char *op = json_string_value(json_object_get(m, "op")), *key;
	struct elems e = { NULL, NULL };
	struct sel sel;
	sfb_status st = SFB_OK;
	bool neg;
	size_t i;

	if (left == NULL || right == NULL || op == NULL)
		return SFB_EINVAL;
	neg = strcmp(op, "!=") == 0;
	if (!neg && strcmp(op, "==") != 0 && strcmp(op, "in") != 0) {
		set_unknown(r, "a comparison other than == and !=");
		return SFB_OK;
	}
	if ((ct = json_object_get(left, "ct")) != NULL) {
		key = json_string_value(json_object_get(ct, "key"));
		if (key != NULL && strcmp(key, "state") == 0) {
			if (state_has_new(right) == neg)
				r->never_new = true;
		} else {
			set_unknown(r, "a ct match other than state");
		}
		return SFB_OK;
	}
	if ((meta = json_object_get(left, "meta")) != NULL) {
		key = json_string_value(json_object_get(meta, "key"));
		if (key != NULL && (strcmp(key, "iifname") == 0 || strcmp(key, "iif") == 0))
			return iface(r, true, right, neg);
		if (key != NULL && (strcmp(key, "oifname") == 0 || strcmp(key, "oif") == 0))
			return iface(r, false, right, neg);
		if (key != NULL && (strcmp(key, "nfproto") == 0 || strcmp(key, "protocol") == 0) &&
		    json_is_string(right)) {
			const char *v = json_string_value(right);
			int fam = strcmp(v, "ipv4") == 0 || strcmp(v, "ip") == 0 ? 4 :
			    strcmp(v, "ipv6") == 0 || strcmp(v, "ip6") == 0 ? 6 : -1;
			sfb_addrset all, t;

			if (fam < 0) {
				set_unknown(r, "a protocol family other than IPv4 and IPv6");
				return SFB_OK;
			}
			if (neg)
				fam = fam == 4 ? 6 : 4;
			for (i = 0; i < r->nboxes && st == SFB_OK; i++) {
				sfb_addrset_init(&all);
				sfb_addrset_init(&t);
				if ((st = family_all(&all, fam)) == SFB_OK &&
				    (st = sfb_addrset_intersect(&t, &r->boxes[i].src, &all)) == SFB_OK) {
					sfb_addrset_free(&r->boxes[i].src);
					r->boxes[i].src = t;
					sfb_addrset_init(&t);
				}
				sfb_addrset_free(&all);
				sfb_addrset_free(&t);
			}
			prune(r);
			return st;
		}
		if (key == NULL || strcmp(key, "l4proto") != 0) {
			set_unknown(r, "a meta match the audit does not model");
			return SFB_OK;
		}
	}
	if (!get_elems(P, family, table, right, &e)) {
		st = e.own == NULL && json_is_string(right) ? SFB_EINVAL : SFB_ENOMEM;
		goto out;
	}
	if (json_object_get(left, "concat") != NULL) {
		st = match_concat(r, json_object_get(left, "concat"), &e, neg, tfamily);
		goto out;
	}
	if (!selector(left, &sel)) {
		set_unknown(r, "a match the audit does not model");
		goto out;
	}
	for (i = 0; i < r->nboxes && st == SFB_OK; i++)
		st = narrow(&r->boxes[i], &sel, e.arr, 0, 1, neg, tfamily);
	if (st == SFB_OK)
		prune(r);
out:
	json_decref(e.own);
	return st;
}

/* --- rules and chains -------------------------------------------------- */

static void
describe(struct rs_rule *r, const char *chain, long handle, const char *comment)
{
	sfb_buf b;

	sfb_buf_init(&b);
	sfb_buf_printf(&b, "chain %s, handle %ld", chain, handle);
	if (comment != NULL) {
		sfb_buf_puts(&b, ": ");
		sfb_esc_putn(&b, SFB_ESC_LINE, comment, strlen(comment) > 120 ? 120 : strlen(comment));
	}
	if (sfb_buf_status(&b) == SFB_OK)
		r->text = sfb_buf_take(&b);
	sfb_buf_free(&b);
}

static sfb_status
bad(struct nftp *P, const char *what, json_t *o)
{
	const char *t = json_string_value(json_object_get(o, "table"));
	const char *c = json_string_value(json_object_get(o, "chain"));
	long long h = json_integer_value(json_object_get(o, "handle"));

	return sfb_fail(P->ctx, SFB_EINVAL, P->file, 0, 0, "rule handle %lld of table %s, chain %s: %s",
	    h, t != NULL ? t : "?", c != NULL ? c : "?", what);
}

static sfb_status
read_rule(struct nftp *P, json_t *o)
{
	const char *family = json_string_value(json_object_get(o, "family")),
	    *table = json_string_value(json_object_get(o, "table")),
	    *chain = json_string_value(json_object_get(o, "chain")), *k;
	json_t *expr = json_object_get(o, "expr"), *x, *v;
	int tf = table_family(family);
	struct rs_rule *r;
	struct rs_chain *c;
	long ci;
	size_t i;
	sfb_status st;
	void *it;

	if (tf < 0)
		return SFB_OK;      /* not an IP table: not on the forward path */
	if (table == NULL || chain == NULL || !json_is_array(expr))
		return bad(P, "no table, chain or expr", o);
	for (ci = 0; ci < (long)P->rs->n; ci++)
		if (P->rs->chains[ci].family == tf && strcmp(P->rs->chains[ci].table, table) == 0 &&
		    strcmp(P->rs->chains[ci].name, chain) == 0)
			break;
	if (ci == (long)P->rs->n)
		return bad(P, "the chain is not declared", o);
	c = &P->rs->chains[ci];
	if ((r = rs_chain_add_rule(c)) == NULL)
		return sfb_oom(P->ctx);
	r->handle = (long)json_integer_value(json_object_get(o, "handle"));
	describe(r, chain, r->handle, json_string_value(json_object_get(o, "comment")));
	if (tf != 0) {       /* an ip or ip6 table: its family only */
		sfb_addrset all, t;

		sfb_addrset_init(&all);
		sfb_addrset_init(&t);
		st = family_all(&all, tf);
		if (st == SFB_OK && (st = sfb_addrset_intersect(&t, &r->boxes[0].src, &all)) == SFB_OK) {
			sfb_addrset_free(&r->boxes[0].src);
			r->boxes[0].src = t;
			sfb_addrset_init(&t);
		}
		if (st == SFB_OK && (st = sfb_addrset_intersect(&t, &r->boxes[0].dst, &all)) == SFB_OK) {
			sfb_addrset_free(&r->boxes[0].dst);
			r->boxes[0].dst = t;
			sfb_addrset_init(&t);
		}
		sfb_addrset_free(&all);
		sfb_addrset_free(&t);
		if (st != SFB_OK)
			return sfb_oom(P->ctx);
	}
	for (i = 0; i < json_array_size(expr); i++) {
		x = json_array_get(expr, i);
		it = json_object_iter(x);
		if (it == NULL)
			return bad(P, "an empty statement", o);
		k = json_object_iter_key(it);
		v = json_object_iter_value(it);
		if (strcmp(k, "match") == 0) {
			st = one_match(P, r, v, family, table, tf);
			if (st == SFB_ENOMEM)
				return sfb_oom(P->ctx);
			if (st != SFB_OK)
				return bad(P, "a match whose value is not of its field's kind", o);
		} else if (strcmp(k, "accept") == 0) {
			r->verdict = RS_ACCEPT;
		} else if (strcmp(k, "drop") == 0 || strcmp(k, "reject") == 0) {
			r->verdict = RS_DROP;
		} else if (strcmp(k, "return") == 0) {
			r->verdict = RS_RETURN;
		} else if (strcmp(k, "continue") == 0) {
			r->verdict = RS_CONTINUE;
		} else if (strcmp(k, "jump") == 0 || strcmp(k, "goto") == 0) {
			const char *tg = json_string_value(json_object_get(v, "target"));
			long t;

			if (tg == NULL)
				return bad(P, "a jump without a target", o);
			t = rs_ruleset_chain(P->rs, table, tf, tg);
			if (t < 0)
				return sfb_oom(P->ctx);
			c = &P->rs->chains[ci];         /* the array may have moved */
			r = &c->rules[c->n - 1];
			r->verdict = k[0] == 'j' ? RS_JUMP : RS_GOTO;
			r->target = (size_t)t;
		} else if (strcmp(k, "dnat") == 0) {
			json_t *a = json_object_get(v, "addr");

			if (!json_is_string(a)) {
				set_unknown(r, "a dnat to a map or a range");
				continue;
			}
			if ((r->nat_addr = sfb_strdup(json_string_value(a))) == NULL)
				return sfb_oom(P->ctx);
			if (json_object_get(v, "port") != NULL &&
			    !port_of(json_object_get(v, "port"), &r->nat_port))
				set_unknown(r, "a dnat to a port range");
			r->verdict = RS_DNAT;
		} else if (strcmp(k, "counter") == 0 || strcmp(k, "log") == 0 ||
		    strcmp(k, "snat") == 0 || strcmp(k, "masquerade") == 0 ||
		    strcmp(k, "notrack") == 0 || strcmp(k, "mangle") == 0 ||
		    strcmp(k, "comment") == 0) {
			continue;       /* no effect on whether a packet passes */
		} else {
			/* limit, quota, vmap, queue, xt, ...: the audit cannot say
			 * which packets these let through. */
			char what[96];

			snprintf(what, sizeof(what), "a '%s' statement", k);
			set_unknown(r, what);
		}
	}
	return SFB_OK;
}

static sfb_status
read_chain(struct nftp *P, json_t *o)
{
	const char *family = json_string_value(json_object_get(o, "family")),
	    *table = json_string_value(json_object_get(o, "table")),
	    *name = json_string_value(json_object_get(o, "name")),
	    *type = json_string_value(json_object_get(o, "type")),
	    *hook = json_string_value(json_object_get(o, "hook")),
	    *policy = json_string_value(json_object_get(o, "policy"));
	int tf = table_family(family);
	struct rs_chain *c;
	long ci;

	if (tf < 0)
		return SFB_OK;
	if (table == NULL || name == NULL)
		return sfb_fail(P->ctx, SFB_EINVAL, P->file, 0, 0, "a chain without a table or name");
	if ((ci = rs_ruleset_chain(P->rs, table, tf, name)) < 0)
		return sfb_oom(P->ctx);
	c = &P->rs->chains[ci];
	if (hook == NULL)
		return SFB_OK;
	c->base = true;
	c->hook = strcmp(hook, "prerouting") == 0 ? RS_HOOK_PREROUTING :
	    strcmp(hook, "input") == 0 ? RS_HOOK_INPUT :
	    strcmp(hook, "forward") == 0 ? RS_HOOK_FORWARD :
	    strcmp(hook, "output") == 0 ? RS_HOOK_OUTPUT :
	    strcmp(hook, "postrouting") == 0 ? RS_HOOK_POSTROUTING : RS_HOOK_OTHER;
	c->nat = type != NULL && strcmp(type, "nat") == 0;
	c->filter = type == NULL || strcmp(type, "filter") == 0;
	c->prio = (int)json_integer_value(json_object_get(o, "prio"));
	c->policy = policy != NULL && strcmp(policy, "drop") == 0 ? RS_DROP : RS_ACCEPT;
	return SFB_OK;
}

sfb_status
sfb_rs_parse_nft(sfb_ctx *ctx, const char *file, const char *data, size_t len,
    struct rs_ruleset *out)
{
	struct nftp P = { ctx, file, out, NULL };
	json_error_t err;
	json_t *root = NULL, *arr, *o, *v;
	sfb_status st = SFB_OK;
	char key[512];
	size_t i;

	out->kind = RS_KIND_NFT;
	out->file = file;
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		sfb_buf m;

		sfb_buf_init(&m);
		sfb_esc_put(&m, SFB_ESC_LINE, err.text);
		st = sfb_buf_status(&m) != SFB_OK ? sfb_oom(ctx) : sfb_fail(ctx, SFB_EINVAL, file,
		    err.line > 0 ? err.line : 1, err.column > 0 ? err.column : 1, "not JSON: %s", m.data);
		sfb_buf_free(&m);
		goto out;
	}
	arr = json_object_get(root, "nftables");
	if (!json_is_array(arr)) {
		st = sfb_fail(ctx, SFB_EINVAL, file, 1, 1, "no \"nftables\" array: not the output of "
		    "'nft -j list ruleset'");
		goto out;
	}
	if ((P.sets = json_object()) == NULL) {
		st = sfb_oom(ctx);
		goto out;
	}
	/* Sets and chains first: a rule may name them before they appear. */
	for (i = 0; i < json_array_size(arr) && st == SFB_OK; i++) {
		o = json_array_get(arr, i);
		if (!json_is_object(o)) {
			st = sfb_fail(ctx, SFB_EINVAL, file, 0, 0, "element %zu of \"nftables\" is not "
			    "an object", i);
			break;
		}
		if ((v = json_object_get(o, "set")) != NULL) {
			const char *f = json_string_value(json_object_get(v, "family")),
			    *t = json_string_value(json_object_get(v, "table")),
			    *n = json_string_value(json_object_get(v, "name"));

			if (f == NULL || t == NULL || n == NULL) {
				st = sfb_fail(ctx, SFB_EINVAL, file, 0, 0, "a set without a family, "
				    "table or name");
				break;
			}
			if (snprintf(key, sizeof(key), "%s %s %s", f, t, n) >= (int)sizeof(key) ||
			    json_object_set(P.sets, key, v) != 0)
				st = sfb_oom(ctx);
		} else if ((v = json_object_get(o, "chain")) != NULL) {
			st = read_chain(&P, v);
		}
	}
	for (i = 0; i < json_array_size(arr) && st == SFB_OK; i++)
		if ((v = json_object_get(json_array_get(arr, i), "rule")) != NULL)
			st = read_rule(&P, v);
out:
	json_decref(P.sets);
	json_decref(root);
	return st;
}
