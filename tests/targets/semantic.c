/* semantic: read a generated ruleset back and prove it passes exactly the
 * plan's flows.
 *
 *   semantic [--include] [--nat] TARGET RULES PLAN.json [HOST]
 *   semantic --batch JOBS     (many runs, few processes: see batch())
 *
 * TARGET is one of nftables, iptables, ip6tables, asa, srx, pf, windows,
 * csv, md.  PLAN.json is `sfbnet plan EX --format json --firewall FW` for a
 * firewall target, or `sfbnet plan EX --format json` (every flow) with HOST
 * for the windows target.
 *
 * Each target's rules are parsed into tuples (protocol, source addresses,
 * destination addresses, source ports, destination ports, action); rules
 * that one plan entry is spread over (one ACE per ASA interface, one SRX
 * policy per zone pair, one iptables rule per multiport chunk) are joined
 * again, after checking that together they cover the whole product of
 * their parts.  Both sides are then cut per address family (a tuple counts
 * for a family only when its sources and destinations both have addresses
 * of it), printed canonically, and compared as multisets: nothing missing,
 * nothing extra.  Exit 0 when equal, 1 when not, 2 on a parse error.
 *
 * --include: the ruleset is of --mode include, so it must NOT have a
 * default deny (it is hooked into a policy of the admin's), and an ASA
 * access list may be unbound (the admin binds it).  --nat: the ruleset's
 * NAT statements, read per target as (direction, public, inside) for
 * DNAT in and SNAT out (a static NAT of ASA or SRX counts for both), must
 * be exactly those of the plan: every destination of the firewall's
 * flows that carries a public address (dst_public), in and out; without
 * --nat there must be none. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "../lib/batch.h"

#include "sfbnet/sfbnet.h"
#include "sfb_buf.h"
#include "sfb_ctx.h"
#include "sfb_iset.h"
#include "sfb_strv.h"

enum { P_TCP = 1, P_UDP = 2 };

/* One parsed rule, or one part of a rule spread over several. */
struct piece {
	char *group;       /* pieces with the same group are one rule; NULL: alone */
	char *from, *to;   /* labels of the parts (zones, port chunks) */
	int proto;
	sfb_addrset src, dst;
	sfb_portset sp, dp;
	bool accept;
	int line;
};

struct rules {
	struct piece *v;
	size_t n, cap;
	bool diag_excluded;   /* SRX: no part joins a zone to itself */
};

/* Named address sets, port sets (object groups, tables, chains). */
struct named {
	char *name;
	sfb_addrset a;
	sfb_portset p;
	char *link;           /* iptables: the chain a source chain jumps to */
	struct term *terms;   /* SRX applications */
	size_t nterms, capterms;
	bool svc;             /* ASA: a service group */
};

/* One term of an SRX application. */
struct term {
	char *name;
	int proto;
	sfb_portset sp, dp;
};

struct names {
	struct named *v;
	size_t n, cap;
};

static const char *prog_file;
static int cur_line;
/* NAT statements read from the ruleset: "in PUBLIC INSIDE" / "out ..." */
static sfb_strv nat_got;
static bool include_mode, want_nat;
/* ASA: the nameif of the outside zone's interface and what that zone
 * covers: an ACE bound there sees sources from the outside only, so its
 * "any" means that zone (sanitized name, NULL when the firewall does not
 * touch the outside). */
static char *outside_if;
static sfb_addrset outside_space;

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "semantic: %s:%d: ", prog_file ? prog_file : "-", cur_line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static char *
xstrdup(const char *s)
{
	char *r = sfb_strdup(s);

	if (r == NULL)
		die("out of memory");
	return r;
}

static void
xgrow(void *arrp, size_t *cap, size_t n, size_t el)
{
	if (sfb_grow(arrp, cap, n, el) != SFB_OK)
		die("out of memory");
}

/* --- names -------------------------------------------------------------- */

static struct named *
name_find(struct names *ns, const char *name)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		if (strcmp(ns->v[i].name, name) == 0)
			return &ns->v[i];
	return NULL;
}

static struct named *
name_get(struct names *ns, const char *name)
{
	struct named *nm = name_find(ns, name);

	if (nm != NULL)
		return nm;
	xgrow(&ns->v, &ns->cap, ns->n + 1, sizeof(*ns->v));
	nm = &ns->v[ns->n++];
	memset(nm, 0, sizeof(*nm));
	nm->name = xstrdup(name);
	sfb_addrset_init(&nm->a);
	sfb_portset_init(&nm->p);
	return nm;
}

static void
names_free(struct names *ns)
{
	size_t i;

	size_t k;

	for (i = 0; i < ns->n; i++) {
		free(ns->v[i].name);
		free(ns->v[i].link);
		sfb_addrset_free(&ns->v[i].a);
		sfb_portset_free(&ns->v[i].p);
		for (k = 0; k < ns->v[i].nterms; k++) {
			free(ns->v[i].terms[k].name);
			sfb_portset_free(&ns->v[i].terms[k].sp);
			sfb_portset_free(&ns->v[i].terms[k].dp);
		}
		free(ns->v[i].terms);
	}
	free(ns->v);
	memset(ns, 0, sizeof(*ns));
}

/* --- parsing helpers ---------------------------------------------------- */

static void
add_addr(sfb_addrset *a, const char *text)
{
	if (sfb_addrset_parse(a, text) != SFB_OK)
		die("bad address '%s'", text);
}

/* "10.0.0.0/8, 10.1.2.3" as the plan writes them. */
static void
add_addr_list(sfb_addrset *a, const char *text)
{
	sfb_buf item;
	const char *p;

	sfb_buf_init(&item);
	for (p = text;; p++) {
		if (*p == ',' || *p == '\0') {
			if (item.len > 0)
				add_addr(a, sfb_buf_str(&item));
			sfb_buf_reset(&item);
			if (*p == '\0')
				break;
		} else if (*p != ' ') {
			sfb_buf_putc(&item, *p);
		}
	}
	sfb_buf_free(&item);
}

static void
set_all(sfb_addrset *a, int family)
{
	sfb_addrset all;

	sfb_addrset_init(&all);
	if (sfb_addrset_all(&all) != SFB_OK)
		die("out of memory");
	if (family != 6 && sfb_iset_union(&a->v4, &all.v4) != SFB_OK)
		die("out of memory");
	if (family != 4 && sfb_iset_union(&a->v6, &all.v6) != SFB_OK)
		die("out of memory");
	sfb_addrset_free(&all);
}

/* Ports "443", "50000-59999", "50000:59999", "any", comma lists. */
static void
add_ports(sfb_portset *p, const char *text)
{
	sfb_buf t;
	const char *c;

	sfb_buf_init(&t);
	for (c = text; *c != '\0'; c++)
		sfb_buf_putc(&t, *c == ':' ? '-' : *c);
	if (sfb_portset_parse(p, sfb_buf_str(&t)) != SFB_OK)
		die("bad ports '%s'", text);
	sfb_buf_free(&t);
}

static int
proto_of(const char *s)
{
	if (strcasecmp(s, "tcp") == 0)
		return P_TCP;
	if (strcasecmp(s, "udp") == 0)
		return P_UDP;
	die("unknown protocol '%s'", s);
}

/* Split a line into tokens: blanks separate; with punct, ',' '{' '}' stand
 * alone; a string quoted with one of quotes is one token without its
 * quotes ('' inside '...' is a quote, as in PowerShell). */
static void
tokenize(const char *line, const char *quotes, bool punct, sfb_strv *tok)
{
	sfb_buf t;
	const char *p = line;
	char q;

	sfb_buf_init(&t);
	sfb_strv_free(tok);
	sfb_strv_init(tok);
	while (*p != '\0') {
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		sfb_buf_reset(&t);
		if (punct && (*p == ',' || *p == '{' || *p == '}')) {
			sfb_buf_putc(&t, *p++);
		} else if (strchr(quotes, *p) != NULL) {
			q = *p++;
			for (;;) {
				if (*p == '\0')
					die("unterminated quote");
				if (*p == q && q == '\'' && p[1] == '\'') {
					sfb_buf_putc(&t, q);
					p += 2;
					continue;
				}
				if (*p == q) {
					p++;
					break;
				}
				sfb_buf_putc(&t, *p++);
			}
		} else {
			while (*p != '\0' && *p != ' ' && *p != '\t' && strchr(quotes, *p) == NULL &&
			    !(punct && (*p == ',' || *p == '{' || *p == '}')))
				sfb_buf_putc(&t, *p++);
		}
		if (sfb_strv_addn(tok, t.data != NULL ? t.data : "", t.len, false) != SFB_OK)
			die("out of memory");
	}
	sfb_buf_free(&t);
}

static bool
tok_is(const sfb_strv *t, size_t i, const char *s)
{
	return i < t->n && strcmp(t->v[i], s) == 0;
}

static const char *
tok_at(const sfb_strv *t, size_t i)
{
	if (i >= t->n)
		die("line ends too early");
	return t->v[i];
}

/* The lines of a file, CR stripped. */
static void
read_lines(const char *path, sfb_strv *lines)
{
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_buf b;
	size_t i, start = 0, end;

	sfb_buf_init(&b);
	if (ctx == NULL || sfb_read_file(ctx, path, &b) != SFB_OK)
		die("cannot read %s", path);
	sfb_strv_init(lines);
	for (i = 0; i <= b.len; i++) {
		if (i < b.len && b.data[i] != '\n')
			continue;
		if (i == b.len && start == b.len)
			break;
		end = i;
		if (end > start && b.data[end - 1] == '\r')
			end--;
		if (sfb_strv_addn(lines, b.data + start, end - start, false) != SFB_OK)
			die("out of memory");
		start = i + 1;
	}
	sfb_buf_free(&b);
	sfb_ctx_free(ctx);
}

static bool
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* One NAT statement: direction, public and inside address (a "/32" or
 * "/128" suffix dropped). */
static void
nat_add(const char *dir, const char *pub, const char *inside)
{
	sfb_buf b;
	size_t n;

	sfb_buf_init(&b);
	sfb_buf_printf(&b, "%s ", dir);
	n = strcspn(pub, "/");
	sfb_buf_add(&b, pub, n);
	sfb_buf_putc(&b, ' ');
	n = strcspn(inside, "/");
	sfb_buf_add(&b, inside, n);
	sfb_strv_add(&nat_got, sfb_buf_str(&b), false);
	sfb_buf_free(&b);
}

static struct piece *
piece_new(struct rules *r)
{
	struct piece *p;

	xgrow(&r->v, &r->cap, r->n + 1, sizeof(*r->v));
	p = &r->v[r->n++];
	memset(p, 0, sizeof(*p));
	sfb_addrset_init(&p->src);
	sfb_addrset_init(&p->dst);
	sfb_portset_init(&p->sp);
	sfb_portset_init(&p->dp);
	p->accept = true;
	p->line = cur_line;
	return p;
}

static void
all_ports(sfb_portset *p)
{
	if (sfb_portset_all(p) != SFB_OK)
		die("out of memory");
}

static void
copy_addr(sfb_addrset *dst, const sfb_addrset *src)
{
	if (sfb_addrset_union(dst, src) != SFB_OK)
		die("out of memory");
}

static void
copy_ports(sfb_portset *dst, const sfb_portset *src)
{
	if (sfb_iset_union(&dst->s, &src->s) != SFB_OK)
		die("out of memory");
}

/* --- nftables ----------------------------------------------------------- */

static void
nft_ports(const sfb_strv *t, size_t *i, sfb_portset *p)
{
	sfb_buf s;

	sfb_buf_init(&s);
	if (tok_is(t, *i, "{")) {
		for ((*i)++; !tok_is(t, *i, "}"); (*i)++)
			sfb_buf_puts(&s, tok_at(t, *i));
		(*i)++;
	} else {
		sfb_buf_puts(&s, tok_at(t, (*i)++));
	}
	add_ports(p, sfb_buf_str(&s));
	sfb_buf_free(&s);
}

static void
parse_nftables(const sfb_strv *lines, struct rules *r, bool *deny)
{
	struct names sets = { NULL, 0, 0 };
	struct named *cur = NULL;
	struct piece *p;
	sfb_strv t;
	size_t l, i, b;
	bool elems = false;

	sfb_strv_init(&t);
	for (l = 0; l < lines->n; l++) {
		cur_line = (int)l + 1;
		if (lines->v[l][0] == '#')
			continue;
		tokenize(lines->v[l], "\"", true, &t);
		if (t.n == 0)
			continue;
		if (tok_is(&t, 0, "set") && t.n >= 3) {
			cur = name_get(&sets, t.v[1]);
			continue;
		}
		if (cur != NULL && tok_is(&t, 0, "elements")) {
			elems = true;
			continue;
		}
		if (cur != NULL && elems) {
			if (tok_is(&t, 0, "}")) {
				elems = false;
				cur = NULL;
				continue;
			}
			add_addr(&cur->a, t.v[0]);
			continue;
		}
		if (tok_is(&t, 0, "type") && tok_is(&t, t.n - 2, "policy") &&
		    tok_is(&t, t.n - 1, "drop;"))
			*deny = true;
		/* NAT: "ip daddr P dnat ip to I", "ip saddr I ... snat ip to P". */
		for (i = 0; i + 3 < t.n; i++)
			if ((tok_is(&t, i, "dnat") || tok_is(&t, i, "snat")) && tok_is(&t, i + 2, "to"))
				break;
		if (i + 3 < t.n) {
			bool in = tok_is(&t, i, "dnat");

			nat_add(in ? "in" : "out", in ? tok_at(&t, 2) : t.v[i + 3],
			    in ? t.v[i + 3] : tok_at(&t, 2));
			continue;
		}
		/* A rule may start with the interfaces (firewalls whose topology
		 * names them): "iifname X oifname Y ip saddr ...". */
		b = tok_is(&t, 0, "iifname") && tok_is(&t, 2, "oifname") ? 4 : 0;
		if (!(tok_is(&t, b, "ip") || tok_is(&t, b, "ip6")) || !tok_is(&t, b + 1, "saddr"))
			continue;
		p = piece_new(r);
		for (i = 0; i < t.n; i++) {
			if (tok_is(&t, i, "saddr") || tok_is(&t, i, "daddr")) {
				const char *ref = tok_at(&t, i + 1);
				struct named *nm = ref[0] == '@' ? name_find(&sets, ref + 1) : NULL;

				if (nm == NULL)
					die("unknown set '%s'", ref);
				copy_addr(tok_is(&t, i, "saddr") ? &p->src : &p->dst, &nm->a);
				i++;
			} else if ((tok_is(&t, i, "tcp") || tok_is(&t, i, "udp")) &&
			    (tok_is(&t, i + 1, "sport") || tok_is(&t, i + 1, "dport"))) {
				p->proto = proto_of(t.v[i]);
				i += 2;
				nft_ports(&t, &i, tok_is(&t, i - 1, "sport") ? &p->sp : &p->dp);
				i--;
			} else if (tok_is(&t, i, "l4proto")) {
				p->proto = proto_of(tok_at(&t, ++i));
			} else if (tok_is(&t, i, "accept")) {
				p->accept = true;
			} else if (tok_is(&t, i, "drop")) {
				p->accept = false;
			} else if (tok_is(&t, i, "comment")) {
				break;
			}
		}
		if (p->sp.s.n == 0)
			all_ports(&p->sp);
		if (p->dp.s.n == 0)
			all_ports(&p->dp);
		if (p->proto == 0)
			die("rule without protocol");
	}
	sfb_strv_free(&t);
	names_free(&sets);
}

/* --- iptables ----------------------------------------------------------- */

struct ipt_jump {
	char *group, *sp, *dp, *chain;
	int proto, line;
};

static void
parse_iptables(const sfb_strv *lines, struct rules *r, int family, bool *deny)
{
	struct names chains = { NULL, 0, 0 };
	struct ipt_jump *fl = NULL;
	size_t nfl = 0, capfl = 0, l, i, k;
	struct named *nm, *s, *d;
	struct piece *p;
	const char *target;
	sfb_buf lab;
	sfb_strv t;
	bool any;

	sfb_strv_init(&t);
	sfb_buf_init(&lab);
	for (l = 0; l < lines->n; l++) {
		cur_line = (int)l + 1;
		if (lines->v[l][0] == '#')
			continue;
		tokenize(lines->v[l], "\"", false, &t);
		if (tok_is(&t, 0, "-P") && tok_is(&t, 1, "FORWARD") && tok_is(&t, 2, "DROP"))
			*deny = true;
		if (!tok_is(&t, 0, "-A"))
			continue;
		if (tok_is(&t, 1, "SFBNET")) {
			xgrow(&fl, &capfl, nfl + 1, sizeof(*fl));
			memset(&fl[nfl], 0, sizeof(fl[nfl]));
			fl[nfl].line = cur_line;
			for (i = 2; i < t.n; i++) {
				if (tok_is(&t, i, "-p"))
					fl[nfl].proto = proto_of(tok_at(&t, ++i));
				else if (tok_is(&t, i, "--sports"))
					fl[nfl].sp = xstrdup(tok_at(&t, ++i));
				else if (tok_is(&t, i, "--dports"))
					fl[nfl].dp = xstrdup(tok_at(&t, ++i));
				else if (tok_is(&t, i, "--comment"))
					fl[nfl].group = xstrdup(tok_at(&t, ++i));
				else if (tok_is(&t, i, "-j"))
					fl[nfl].chain = xstrdup(tok_at(&t, ++i));
			}
			if (fl[nfl].chain == NULL || fl[nfl].group == NULL || fl[nfl].proto == 0)
				die("incomplete rule in SFBNET");
			nfl++;
			continue;
		}
		if (!starts(tok_at(&t, 1), "SFBNET-"))
			continue;
		/* NAT: "-A SFBNET-DNAT -d P ... -j DNAT --to-destination I",
		 * "-A SFBNET-SNAT -s I ... -j SNAT --to-source P" (and the RETURN
		 * rules of the inside networks). */
		if (tok_is(&t, 1, "SFBNET-DNAT") || tok_is(&t, 1, "SFBNET-SNAT")) {
			const char *a = NULL, *to = NULL;

			for (i = 2; i < t.n; i++) {
				if (tok_is(&t, i, "-d") || tok_is(&t, i, "-s"))
					a = tok_at(&t, ++i);
				else if (tok_is(&t, i, "--to-destination") || tok_is(&t, i, "--to-source"))
					to = tok_at(&t, ++i);
			}
			if (to != NULL && a != NULL)
				nat_add(tok_is(&t, 1, "SFBNET-DNAT") ? "in" : "out",
				    tok_is(&t, 1, "SFBNET-DNAT") ? a : to,
				    tok_is(&t, 1, "SFBNET-DNAT") ? to : a);
			continue;
		}
		/* SFBNET-S<n>: "-s P -j SFBNET-D<m>"; SFBNET-D<m>: "-d P -j ACCEPT";
		 * a rule without -s/-d stands for the whole family. */
		nm = name_get(&chains, t.v[1]);
		target = NULL;
		any = true;
		for (i = 2; i < t.n; i++) {
			if (tok_is(&t, i, "-s") || tok_is(&t, i, "-d")) {
				add_addr(&nm->a, tok_at(&t, ++i));
				any = false;
			} else if (tok_is(&t, i, "-j")) {
				target = tok_at(&t, ++i);
			}
		}
		if (target == NULL)
			die("rule without -j");
		if (any)
			set_all(&nm->a, family);
		if (starts(t.v[1], "SFBNET-S")) {
			if (nm->link != NULL && strcmp(nm->link, target) != 0)
				die("source chain %s jumps to two chains", t.v[1]);
			if (nm->link == NULL)
				nm->link = xstrdup(target);
		} else if (strcmp(target, "ACCEPT") != 0) {
			die("destination chain %s does not accept", t.v[1]);
		}
	}
	for (k = 0; k < nfl; k++) {
		cur_line = fl[k].line;
		s = name_find(&chains, fl[k].chain);
		d = s != NULL && s->link != NULL ? name_find(&chains, s->link) : NULL;
		if (d == NULL)
			die("jump to an unknown or empty chain %s", fl[k].chain);
		p = piece_new(r);
		p->proto = fl[k].proto;
		copy_addr(&p->src, &s->a);
		copy_addr(&p->dst, &d->a);
		if (fl[k].sp != NULL)
			add_ports(&p->sp, fl[k].sp);
		else
			all_ports(&p->sp);
		if (fl[k].dp != NULL)
			add_ports(&p->dp, fl[k].dp);
		else
			all_ports(&p->dp);
		/* The multiport chunks of one flow are the parts of one rule. */
		sfb_buf_reset(&lab);
		sfb_buf_printf(&lab, "%s|%d|%s", fl[k].group, fl[k].proto, fl[k].chain);
		p->group = xstrdup(sfb_buf_str(&lab));
		p->from = xstrdup(fl[k].sp != NULL ? fl[k].sp : "*");
		p->to = xstrdup(fl[k].dp != NULL ? fl[k].dp : "*");
		free(fl[k].group);
		free(fl[k].sp);
		free(fl[k].dp);
		free(fl[k].chain);
	}
	free(fl);
	sfb_buf_free(&lab);
	sfb_strv_free(&t);
	names_free(&chains);
}

/* --- Cisco ASA ---------------------------------------------------------- */

/* An IPv4 netmask as a prefix length; -1 when it is not one. */
static int
mask_len(const char *mask)
{
	sfb_addrset m;
	uint64_t v;
	int n = 0;

	sfb_addrset_init(&m);
	if (sfb_addrset_parse(&m, mask) != SFB_OK || m.v4.n != 1)
		die("bad netmask '%s'", mask);
	v = m.v4.r[0].lo.lo;
	sfb_addrset_free(&m);
	while (n < 32 && (v & (1ull << (31 - n))) != 0)
		n++;
	return (v & ((1ull << (32 - n)) - 1)) == 0 ? n : -1;
}

static void
add_addr_mask(sfb_addrset *a, const char *addr, const char *mask)
{
	sfb_buf t;
	int n = mask_len(mask);

	if (n < 0)
		die("netmask '%s' is not contiguous", mask);
	sfb_buf_init(&t);
	sfb_buf_printf(&t, "%s/%d", addr, n);
	add_addr(a, sfb_buf_str(&t));
	sfb_buf_free(&t);
}

static bool
is_dotted(const char *s)
{
	return strchr(s, '.') != NULL && strchr(s, ':') == NULL && strchr(s, '/') == NULL;
}

/* An address in an ACE: any, any4, any6, host X, A MASK, object-group N. */
static void
asa_addr(const sfb_strv *t, size_t *i, struct names *groups, sfb_addrset *a)
{
	const char *w = tok_at(t, *i);
	struct named *g;

	if (strcmp(w, "any") == 0 || strcmp(w, "any4") == 0 || strcmp(w, "any6") == 0) {
		set_all(a, w[3] == '4' ? 4 : w[3] == '6' ? 6 : 0);
		(*i)++;
	} else if (strcmp(w, "host") == 0) {
		add_addr(a, tok_at(t, *i + 1));
		*i += 2;
	} else if (strcmp(w, "object-group") == 0) {
		g = name_find(groups, tok_at(t, *i + 1));
		if (g == NULL || g->svc)
			die("unknown network object group '%s'", t->v[*i + 1]);
		copy_addr(a, &g->a);
		*i += 2;
	} else if (is_dotted(w)) {
		add_addr_mask(a, w, tok_at(t, *i + 1));
		*i += 2;
	} else {
		add_addr(a, w);
		(*i)++;
	}
}

/* An optional port match: eq N, range A B, object-group of a service. */
static void
asa_ports(const sfb_strv *t, size_t *i, struct names *groups, sfb_portset *p)
{
	struct named *g;
	sfb_buf s;

	sfb_buf_init(&s);
	if (tok_is(t, *i, "eq")) {
		add_ports(p, tok_at(t, *i + 1));
		*i += 2;
	} else if (tok_is(t, *i, "range")) {
		sfb_buf_printf(&s, "%s-%s", tok_at(t, *i + 1), tok_at(t, *i + 2));
		add_ports(p, sfb_buf_str(&s));
		*i += 3;
	} else if (tok_is(t, *i, "object-group") && (g = name_find(groups, tok_at(t, *i + 1)))
	    != NULL && g->svc) {
		copy_ports(p, &g->p);
		*i += 2;
	} else {
		all_ports(p);
	}
	sfb_buf_free(&s);
}

struct acl {
	char *name, *iface, *remark;
	bool deny_all;
};

static void
parse_asa(const sfb_strv *lines, struct rules *r, const sfb_strv *zones, bool *deny)
{
	struct names groups = { NULL, 0, 0 };
	struct named *cur = NULL;
	struct acl *acls = NULL;
	char *nat_host = NULL;
	bool nat_obj = false;
	size_t nacls = 0, capacls = 0, l, i, k, first = r->n;
	const char *rem;
	struct piece *p;
	sfb_buf key;
	sfb_strv t;

	sfb_strv_init(&t);
	sfb_buf_init(&key);
	for (l = 0; l < lines->n; l++) {
		const char *raw = lines->v[l];

		cur_line = (int)l + 1;
		if (raw[0] == '!')
			continue;
		tokenize(raw, "", false, &t);
		if (t.n == 0)
			continue;
		/* NAT: "object network N", " host I", " nat (a,b) static P"
		 * (static object NAT works both ways). */
		if (tok_is(&t, 0, "object") && tok_is(&t, 1, "network")) {
			nat_obj = true;
			free(nat_host);
			nat_host = NULL;
			cur = NULL;
			continue;
		}
		if (raw[0] == ' ' && nat_obj) {
			if (tok_is(&t, 0, "host")) {
				free(nat_host);
				nat_host = xstrdup(tok_at(&t, 1));
			} else if (tok_is(&t, 0, "nat") && tok_is(&t, 2, "static")) {
				if (nat_host == NULL)
					die("object NAT without a host");
				nat_add("in", tok_at(&t, 3), nat_host);
				nat_add("out", t.v[3], nat_host);
			}
			continue;
		}
		nat_obj = false;
		if (raw[0] == ' ' && cur != NULL) {
			if (tok_is(&t, 0, "network-object")) {
				if (tok_is(&t, 1, "host"))
					add_addr(&cur->a, tok_at(&t, 2));
				else if (is_dotted(tok_at(&t, 1)))
					add_addr_mask(&cur->a, t.v[1], tok_at(&t, 2));
				else
					add_addr(&cur->a, t.v[1]);
			} else if (tok_is(&t, 0, "port-object")) {
				i = 1;
				asa_ports(&t, &i, &groups, &cur->p);
			} else {
				die("unexpected line in object group %s", cur->name);
			}
			continue;
		}
		cur = NULL;
		if (tok_is(&t, 0, "object-group")) {
			if (name_find(&groups, tok_at(&t, 2)) != NULL)
				die("object group %s defined twice", t.v[2]);
			cur = name_get(&groups, t.v[2]);
			cur->svc = tok_is(&t, 1, "service");
			continue;
		}
		if (tok_is(&t, 0, "access-list") || tok_is(&t, 0, "access-group")) {
			const char *an = tok_at(&t, 1);

			for (k = 0; k < nacls && strcmp(acls[k].name, an) != 0; k++)
				;
			if (k == nacls) {
				xgrow(&acls, &capacls, nacls + 1, sizeof(*acls));
				memset(&acls[nacls], 0, sizeof(*acls));
				acls[nacls++].name = xstrdup(an);
			}
			if (tok_is(&t, 0, "access-group")) {
				if (!tok_is(&t, 2, "in") || !tok_is(&t, 3, "interface"))
					die("access-group not bound inbound to an interface");
				free(acls[k].iface);
				acls[k].iface = xstrdup(tok_at(&t, 4));
				continue;
			}
			if (tok_is(&t, 2, "remark")) {
				rem = strstr(raw, " remark ") + 8;
				free(acls[k].remark);
				acls[k].remark = xstrdup(rem);
				continue;
			}
			if (!tok_is(&t, 2, "extended"))
				die("not an extended access list");
			if (tok_is(&t, 3, "deny") && tok_is(&t, 4, "ip") && tok_is(&t, 5, "any") &&
			    tok_is(&t, 6, "any") && t.n == 7) {
				acls[k].deny_all = true;
				continue;
			}
			p = piece_new(r);
			p->accept = tok_is(&t, 3, "permit");
			p->proto = proto_of(tok_at(&t, 4));
			i = 5;
			asa_addr(&t, &i, &groups, &p->src);
			asa_ports(&t, &i, &groups, &p->sp);
			asa_addr(&t, &i, &groups, &p->dst);
			asa_ports(&t, &i, &groups, &p->dp);
			if (i != t.n)
				die("unparsed words at the end of the ACE");
			/* The ACEs of one flow in the lists of several
			 * interfaces are the parts of one rule. */
			sfb_buf_reset(&key);
			sfb_buf_printf(&key, "%s|%d", acls[k].remark ? acls[k].remark : "", p->proto);
			p->group = xstrdup(sfb_buf_str(&key));
			p->from = xstrdup(acls[k].name);   /* resolved to the interface below */
			p->to = xstrdup("*");
		}
	}
	for (i = first; i < r->n; i++) {
		for (k = 0; k < nacls && strcmp(acls[k].name, r->v[i].from) != 0; k++)
			;
		cur_line = r->v[i].line;
		if (acls[k].iface == NULL && include_mode)
			continue;   /* the admin's list: they bind it */
		if (acls[k].iface == NULL)
			die("access list %s is bound to no interface", acls[k].name);
		free(r->v[i].from);
		r->v[i].from = xstrdup(acls[k].iface);
		if (outside_if != NULL && strcmp(acls[k].iface, outside_if) == 0) {
			sfb_addrset in;

			sfb_addrset_init(&in);
			if (sfb_addrset_intersect(&in, &r->v[i].src, &outside_space) != SFB_OK)
				die("out of memory");
			sfb_addrset_free(&r->v[i].src);
			r->v[i].src = in;
		}
	}
	free(nat_host);
	/* Default deny: every interface of the firewall has a list that ends
	 * in "deny ip any any" (without one, the ASA would pass traffic by
	 * security level). */
	*deny = !include_mode;
	for (k = 0; k < nacls && include_mode; k++)
		if (acls[k].deny_all) {
			fprintf(stderr, "semantic: include mode, yet %s has deny ip any any\n",
			    acls[k].name);
			*deny = true;
		}
	for (i = 0; i < zones->n && !include_mode; i++) {
		for (k = 0; k < nacls; k++)
			if (acls[k].iface != NULL && strcmp(acls[k].iface, zones->v[i]) == 0 &&
			    acls[k].deny_all)
				break;
		if (k == nacls) {
			fprintf(stderr, "semantic: interface %s has no access list ending in "
			    "deny ip any any\n", zones->v[i]);
			*deny = false;
		}
	}
	for (k = 0; k < nacls; k++) {
		free(acls[k].name);
		free(acls[k].iface);
		free(acls[k].remark);
	}
	free(acls);
	sfb_buf_free(&key);
	sfb_strv_free(&t);
	names_free(&groups);
}

/* --- Juniper SRX -------------------------------------------------------- */

struct policy {
	char *name, *from, *to;
	sfb_strv src, dst, app;
	int action;       /* 0 none, 1 permit, 2 deny or reject */
	int line;
};

static void
srx_resolve(struct names *addrs, struct names *sets, const char *ref, sfb_addrset *a, int depth)
{
	struct named *nm;
	size_t i;

	if (depth > 8)
		die("address sets nested too deep at %s", ref);
	if (strcmp(ref, "any") == 0 || strcmp(ref, "any-ipv4") == 0 ||
	    strcmp(ref, "any-ipv6") == 0) {
		set_all(a, ref[3] == '\0' ? 0 : ref[7] == '4' ? 4 : 6);
		return;
	}
	if ((nm = name_find(addrs, ref)) != NULL) {
		copy_addr(a, &nm->a);
		return;
	}
	if ((nm = name_find(sets, ref)) == NULL)
		die("unknown address or address set '%s'", ref);
	/* a set's members were kept as its terms' names */
	for (i = 0; i < nm->nterms; i++)
		srx_resolve(addrs, sets, nm->terms[i].name, a, depth + 1);
}

static struct term *
term_get(struct named *app, const char *name)
{
	size_t i;
	struct term *tm;

	for (i = 0; i < app->nterms; i++)
		if (strcmp(app->terms[i].name, name) == 0)
			return &app->terms[i];
	xgrow(&app->terms, &app->capterms, app->nterms + 1, sizeof(*app->terms));
	tm = &app->terms[app->nterms++];
	memset(tm, 0, sizeof(*tm));
	tm->name = xstrdup(name);
	sfb_portset_init(&tm->sp);
	sfb_portset_init(&tm->dp);
	return tm;
}

/* The ports of one protocol of an application: the union of its terms,
 * which must cover the whole product of their source and destination
 * ranges (a term takes one range of each). */
static bool
srx_app_ports(const struct named *app, int proto, sfb_portset *sp, sfb_portset *dp)
{
	sfb_strv ss, ds, pairs;
	sfb_buf s;
	size_t i, n = 0;
	bool ok;

	sfb_strv_init(&ss);
	sfb_strv_init(&ds);
	sfb_strv_init(&pairs);
	sfb_buf_init(&s);
	for (i = 0; i < app->nterms; i++) {
		const struct term *tm = &app->terms[i];

		if (tm->proto != proto)
			continue;
		n++;
		copy_ports(sp, &tm->sp);
		copy_ports(dp, &tm->dp);
		sfb_buf_reset(&s);
		sfb_portset_print(&s, &tm->sp);
		sfb_strv_add(&ss, sfb_buf_str(&s), true);
		sfb_buf_putc(&s, '|');
		sfb_portset_print(&s, &tm->dp);
		sfb_strv_add(&pairs, sfb_buf_str(&s), true);
		sfb_buf_reset(&s);
		sfb_portset_print(&s, &tm->dp);
		sfb_strv_add(&ds, sfb_buf_str(&s), true);
	}
	ok = n > 0 && pairs.n == n && pairs.n == ss.n * ds.n;
	if (n > 0 && !ok)
		fprintf(stderr, "semantic: application %s: its %s terms do not cover every pair "
		    "of their source and destination ranges\n", app->name,
		    proto == P_TCP ? "tcp" : "udp");
	sfb_strv_free(&ss);
	sfb_strv_free(&ds);
	sfb_strv_free(&pairs);
	sfb_buf_free(&s);
	return ok;
}

static void
parse_srx(const sfb_strv *lines, struct rules *r, bool *deny, bool *bad)
{
	struct names addrs = { NULL, 0, 0 }, sets = { NULL, 0, 0 }, apps = { NULL, 0, 0 };
	struct names nats = { NULL, 0, 0 };
	struct policy *pol = NULL, *pp;
	size_t npol = 0, cappol = 0, l, i, k, b;
	bool deleted = false, applied = false;
	struct named *nm;
	struct term *tm;
	struct piece *p;
	sfb_strv t;
	size_t s;

	sfb_strv_init(&t);
	r->diag_excluded = true;
	for (l = 0; l < lines->n; l++) {
		cur_line = (int)l + 1;
		if (lines->v[l][0] == '#')
			continue;
		tokenize(lines->v[l], "", false, &t);
		if (t.n == 0)
			continue;
		if (tok_is(&t, 0, "delete") && tok_is(&t, 1, "groups") && tok_is(&t, 2, "sfbnet")) {
			deleted = true;
			continue;
		}
		if (tok_is(&t, 0, "set") && tok_is(&t, 1, "apply-groups") && tok_is(&t, 2, "sfbnet")) {
			applied = true;
			continue;
		}
		if (!tok_is(&t, 0, "set"))
			die("not a set command");
		s = tok_is(&t, 1, "groups") ? 3 : 1;
		if (s == 3 && !deleted)
			die("the group is set before it is deleted: loading twice would merge");
		if (tok_is(&t, s, "security") && tok_is(&t, s + 1, "address-book")) {
			if (tok_is(&t, s + 3, "address")) {
				nm = name_get(&addrs, tok_at(&t, s + 4));
				add_addr(&nm->a, tok_at(&t, s + 5));
			} else if (tok_is(&t, s + 3, "address-set")) {
				nm = name_get(&sets, tok_at(&t, s + 4));
				(void)term_get(nm, tok_at(&t, s + 6));
			} else {
				die("unknown address-book statement");
			}
		} else if (tok_is(&t, s, "applications") && tok_is(&t, s + 1, "application")) {
			nm = name_get(&apps, tok_at(&t, s + 2));
			if (!tok_is(&t, s + 3, "term"))
				die("application without terms");
			tm = term_get(nm, tok_at(&t, s + 4));
			if (tok_is(&t, s + 5, "protocol"))
				tm->proto = proto_of(tok_at(&t, s + 6));
			else if (tok_is(&t, s + 5, "source-port"))
				add_ports(&tm->sp, tok_at(&t, s + 6));
			else if (tok_is(&t, s + 5, "destination-port"))
				add_ports(&tm->dp, tok_at(&t, s + 6));
			else
				die("unknown application statement");
		} else if (tok_is(&t, s, "security") && tok_is(&t, s + 1, "nat") &&
		    tok_is(&t, s + 2, "static") && tok_is(&t, s + 3, "rule-set")) {
			/* "... rule-set R from zone Z", "... rule N match
			 * destination-address P/32", "... rule N then static-nat
			 * prefix I/32" (static NAT works both ways). */
			if (tok_is(&t, s + 5, "rule") && tok_is(&t, s + 7, "match") &&
			    tok_is(&t, s + 8, "destination-address")) {
				nm = name_get(&nats, tok_at(&t, s + 6));
				add_addr(&nm->a, tok_at(&t, s + 9));
				free(nm->link);
				nm->link = xstrdup(t.v[s + 9]);
			} else if (tok_is(&t, s + 5, "rule") && tok_is(&t, s + 7, "then") &&
			    tok_is(&t, s + 8, "static-nat") && tok_is(&t, s + 9, "prefix")) {
				nm = name_find(&nats, tok_at(&t, s + 6));
				if (nm == NULL || nm->link == NULL)
					die("static-nat before its match");
				nat_add("in", nm->link, tok_at(&t, s + 10));
				nat_add("out", nm->link, t.v[s + 10]);
			} else if (!tok_is(&t, s + 5, "from")) {
				die("unknown static NAT statement");
			}
		} else if (tok_is(&t, s, "security") && tok_is(&t, s + 1, "policies") &&
		    tok_is(&t, s + 2, "default-policy")) {
			*deny = tok_is(&t, s + 3, "deny-all");
		} else if (tok_is(&t, s, "security") && tok_is(&t, s + 1, "policies") &&
		    tok_is(&t, s + 2, "from-zone") && tok_is(&t, s + 4, "to-zone") &&
		    tok_is(&t, s + 6, "policy")) {
			for (k = 0; k < npol; k++)
				if (strcmp(pol[k].name, tok_at(&t, s + 7)) == 0 &&
				    strcmp(pol[k].from, t.v[s + 3]) == 0 &&
				    strcmp(pol[k].to, t.v[s + 5]) == 0)
					break;
			if (k == npol) {
				xgrow(&pol, &cappol, npol + 1, sizeof(*pol));
				pp = &pol[npol++];
				memset(pp, 0, sizeof(*pp));
				pp->name = xstrdup(t.v[s + 7]);
				pp->from = xstrdup(t.v[s + 3]);
				pp->to = xstrdup(t.v[s + 5]);
				pp->line = cur_line;
				sfb_strv_init(&pp->src);
				sfb_strv_init(&pp->dst);
				sfb_strv_init(&pp->app);
			}
			pp = &pol[k];
			if (tok_is(&t, s + 8, "match") && tok_is(&t, s + 9, "source-address"))
				sfb_strv_add(&pp->src, tok_at(&t, s + 10), false);
			else if (tok_is(&t, s + 8, "match") && tok_is(&t, s + 9, "destination-address"))
				sfb_strv_add(&pp->dst, tok_at(&t, s + 10), false);
			else if (tok_is(&t, s + 8, "match") && tok_is(&t, s + 9, "application"))
				sfb_strv_add(&pp->app, tok_at(&t, s + 10), false);
			else if (tok_is(&t, s + 8, "then"))
				pp->action = tok_is(&t, s + 9, "permit") ? 1 : 2;
			else
				die("unknown policy statement");
		} else {
			die("unknown statement");
		}
	}
	/* A term without source-port or destination-port matches every port. */
	for (k = 0; k < apps.n; k++) {
		for (i = 0; i < apps.v[k].nterms; i++) {
			if (apps.v[k].terms[i].sp.s.n == 0)
				all_ports(&apps.v[k].terms[i].sp);
			if (apps.v[k].terms[i].dp.s.n == 0)
				all_ports(&apps.v[k].terms[i].dp);
		}
	}
	if (!applied) {
		fprintf(stderr, "semantic: the group sfbnet is never applied (set apply-groups)\n");
		*bad = true;
	}
	for (k = 0; k < npol; k++) {
		pp = &pol[k];
		cur_line = pp->line;
		if (pp->action == 0) {
			/* Junos commits a policy without "then" as... nothing
			 * it can pass: count it as missing. */
			fprintf(stderr, "semantic: policy %s (%s to %s) has no action\n", pp->name,
			    pp->from, pp->to);
			continue;
		}
		if (pp->src.n == 0 || pp->dst.n == 0 || pp->app.n == 0)
			die("policy %s lacks a match (commit would fail)", pp->name);
		for (i = 0; i < 2; i++) {
			int proto = i == 0 ? P_TCP : P_UDP;
			sfb_portset sp, dp;
			bool any = false;

			sfb_portset_init(&sp);
			sfb_portset_init(&dp);
			for (b = 0; b < pp->app.n; b++) {
				nm = name_find(&apps, pp->app.v[b]);
				if (nm == NULL)
					die("unknown application %s", pp->app.v[b]);
				for (size_t q = 0; q < nm->nterms; q++)
					any |= nm->terms[q].proto == proto;
				if (any && !srx_app_ports(nm, proto, &sp, &dp))
					*bad = true;
			}
			if (any) {
				p = piece_new(r);
				p->line = pp->line;
				p->proto = proto;
				p->accept = pp->action == 1;
				copy_ports(&p->sp, &sp);
				copy_ports(&p->dp, &dp);
				for (b = 0; b < pp->src.n; b++)
					srx_resolve(&addrs, &sets, pp->src.v[b], &p->src, 0);
				for (b = 0; b < pp->dst.n; b++)
					srx_resolve(&addrs, &sets, pp->dst.v[b], &p->dst, 0);
				/* "sfb-<flow>-<proto>-<n>": the policies of one flow
				 * in several zone pairs are the parts of one rule. */
				{
					const char *dash = strrchr(pp->name, '-');
					size_t len = dash != NULL ? (size_t)(dash - pp->name)
					    : strlen(pp->name);

					p->group = sfb_strndup(pp->name, len);
					if (p->group == NULL)
						die("out of memory");
				}
				p->from = xstrdup(pp->from);
				p->to = xstrdup(pp->to);
			}
			sfb_portset_free(&sp);
			sfb_portset_free(&dp);
		}
	}
	for (k = 0; k < npol; k++) {
		free(pol[k].name);
		free(pol[k].from);
		free(pol[k].to);
		sfb_strv_free(&pol[k].src);
		sfb_strv_free(&pol[k].dst);
		sfb_strv_free(&pol[k].app);
	}
	free(pol);
	sfb_strv_free(&t);
	names_free(&addrs);
	names_free(&sets);
	names_free(&apps);
	names_free(&nats);
}

/* --- pf ----------------------------------------------------------------- */

static void
pf_ports(const sfb_strv *t, size_t *i, sfb_portset *p)
{
	sfb_buf s;

	if (!tok_is(t, *i, "port")) {
		all_ports(p);
		return;
	}
	(*i)++;
	sfb_buf_init(&s);
	if (tok_is(t, *i, "{")) {
		for ((*i)++; !tok_is(t, *i, "}"); (*i)++) {
			if (strcmp(tok_at(t, *i), ",") == 0)
				continue;
			if (s.len > 0)
				sfb_buf_putc(&s, ',');
			sfb_buf_puts(&s, t->v[*i]);
		}
		(*i)++;
	} else {
		sfb_buf_puts(&s, tok_at(t, (*i)++));
	}
	add_ports(p, sfb_buf_str(&s));
	sfb_buf_free(&s);
}

static void
pf_addr(const sfb_strv *t, size_t *i, struct names *tables, sfb_addrset *a)
{
	const char *w = tok_at(t, *i);
	struct named *nm;
	sfb_buf n;

	(*i)++;
	if (strcmp(w, "any") == 0) {
		set_all(a, 0);
		return;
	}
	if (w[0] != '<' || w[strlen(w) - 1] != '>') {
		add_addr(a, w);
		return;
	}
	sfb_buf_init(&n);
	sfb_buf_add(&n, w + 1, strlen(w) - 2);
	nm = name_find(tables, sfb_buf_str(&n));
	if (nm == NULL)
		die("unknown table %s", w);
	copy_addr(a, &nm->a);
	sfb_buf_free(&n);
}

static void
parse_pf(const sfb_strv *lines, struct rules *r)
{
	struct names tables = { NULL, 0, 0 };
	struct named *nm;
	struct piece *p;
	sfb_buf joined;
	sfb_strv t;
	size_t l, i, len;
	int start = 0;

	sfb_strv_init(&t);
	sfb_buf_init(&joined);
	for (l = 0; l < lines->n; l++) {
		const char *raw = lines->v[l];

		if (joined.len == 0)
			start = (int)l + 1;
		if (joined.len == 0 && raw[0] == '#')
			continue;
		len = strlen(raw);
		/* A backslash at the end of a line continues it. */
		if (len > 0 && raw[len - 1] == '\\' && raw[0] != '#') {
			sfb_buf_add(&joined, raw, len - 1);
			sfb_buf_putc(&joined, ' ');
			continue;
		}
		sfb_buf_puts(&joined, raw);
		cur_line = start;
		tokenize(sfb_buf_str(&joined), "\"", true, &t);
		sfb_buf_reset(&joined);
		if (t.n == 0)
			continue;
		if (tok_is(&t, 0, "table")) {
			const char *w = tok_at(&t, 1);
			sfb_buf n;

			sfb_buf_init(&n);
			sfb_buf_add(&n, w + 1, strlen(w) - 2);
			nm = name_get(&tables, sfb_buf_str(&n));
			sfb_buf_free(&n);
			for (i = 2; i < t.n && !tok_is(&t, i, "{"); i++)
				;
			for (i++; i < t.n && !tok_is(&t, i, "}"); i++)
				if (strcmp(t.v[i], ",") != 0)
					add_addr(&nm->a, t.v[i]);
			if (i == t.n)
				die("table without a closing brace");
			continue;
		}
		/* NAT: "match in to P rdr-to I ...", "match out from I to !
		 * <sfb_inside> nat-to P ...". */
		if (tok_is(&t, 0, "match")) {
			for (i = 1; i < t.n && !tok_is(&t, i, "rdr-to") && !tok_is(&t, i, "nat-to"); i++)
				;
			if (i == t.n)
				die("match rule without rdr-to or nat-to");
			if (tok_is(&t, i, "rdr-to") && tok_is(&t, 2, "to"))
				nat_add("in", tok_at(&t, 3), tok_at(&t, i + 1));
			else if (tok_is(&t, i, "nat-to") && tok_is(&t, 2, "from"))
				nat_add("out", tok_at(&t, i + 1), tok_at(&t, 3));
			else
				die("match rule sfbnet does not write");
			continue;
		}
		if (!tok_is(&t, 0, "pass") && !tok_is(&t, 0, "block"))
			die("unexpected line");
		p = piece_new(r);
		p->accept = tok_is(&t, 0, "pass");
		for (i = 1; i < t.n && !tok_is(&t, i, "proto"); i++)
			;
		p->proto = proto_of(tok_at(&t, i + 1));
		i += 2;
		if (!tok_is(&t, i, "from"))
			die("rule without from");
		i++;
		pf_addr(&t, &i, &tables, &p->src);
		pf_ports(&t, &i, &p->sp);
		if (!tok_is(&t, i, "to"))
			die("rule without to");
		i++;
		pf_addr(&t, &i, &tables, &p->dst);
		pf_ports(&t, &i, &p->dp);
		if (p->accept && !(tok_is(&t, i, "keep") && tok_is(&t, i + 1, "state")))
			die("pass rule without keep state");
	}
	if (joined.len > 0)
		die("the file ends inside a continued line");
	sfb_buf_free(&joined);
	sfb_strv_free(&t);
	names_free(&tables);
}

/* --- Windows (PowerShell) ----------------------------------------------- */

static void
ps_values(const sfb_strv *t, size_t *i, sfb_strv *vals)
{
	sfb_strv_free(vals);
	sfb_strv_init(vals);
	sfb_strv_add(vals, tok_at(t, (*i)++), false);
	while (tok_is(t, *i, ",")) {
		sfb_strv_add(vals, tok_at(t, *i + 1), false);
		*i += 2;
	}
}

static void
ps_addrs(const sfb_strv *v, sfb_addrset *a)
{
	size_t k;

	for (k = 0; k < v->n; k++) {
		if (strcasecmp(v->v[k], "Any") == 0)
			set_all(a, 0);
		else
			add_addr(a, v->v[k]);
	}
}

static void
ps_ports(const sfb_strv *v, sfb_portset *p)
{
	size_t k;

	for (k = 0; k < v->n; k++)
		add_ports(p, strcasecmp(v->v[k], "Any") == 0 ? "any" : v->v[k]);
}

static void
parse_windows(const sfb_strv *lines, struct rules *r, bool *bad)
{
	sfb_strv t, v;
	size_t l, i;
	bool removed = false, seen[6];
	struct piece *p;

	sfb_strv_init(&t);
	sfb_strv_init(&v);
	for (l = 0; l < lines->n; l++) {
		cur_line = (int)l + 1;
		if (lines->v[l][0] == '#')
			continue;
		tokenize(lines->v[l], "'", true, &t);
		if (tok_is(&t, 0, "Remove-NetFirewallRule") && tok_is(&t, 1, "-Group") &&
		    tok_is(&t, 2, "sfbnet")) {
			removed = true;
			continue;
		}
		if (!tok_is(&t, 0, "New-NetFirewallRule"))
			continue;
		if (!removed) {
			fprintf(stderr, "semantic: line %d: a rule is created before the group's "
			    "rules are removed: running twice would duplicate it\n", cur_line);
			*bad = true;
		}
		p = piece_new(r);
		memset(seen, 0, sizeof(seen));
		for (i = 1; i < t.n && !tok_is(&t, i, "|");) {
			const char *param = t.v[i++];

			ps_values(&t, &i, &v);
			if (strcmp(param, "-Protocol") == 0) {
				p->proto = proto_of(v.v[0]);
			} else if (strcmp(param, "-LocalAddress") == 0) {
				ps_addrs(&v, &p->dst);
				seen[0] = true;
			} else if (strcmp(param, "-RemoteAddress") == 0) {
				ps_addrs(&v, &p->src);
				seen[1] = true;
			} else if (strcmp(param, "-LocalPort") == 0) {
				ps_ports(&v, &p->dp);
				seen[2] = true;
			} else if (strcmp(param, "-RemotePort") == 0) {
				ps_ports(&v, &p->sp);
				seen[3] = true;
			} else if (strcmp(param, "-Action") == 0) {
				p->accept = strcmp(v.v[0], "Allow") == 0;
			} else if (strcmp(param, "-Direction") == 0) {
				seen[4] = strcmp(v.v[0], "Inbound") == 0;
			} else if (strcmp(param, "-Group") == 0) {
				seen[5] = strcmp(v.v[0], "sfbnet") == 0;
			}
		}
		/* A parameter left out means "any" to Windows. */
		if (!seen[0])
			set_all(&p->dst, 0);
		if (!seen[1])
			set_all(&p->src, 0);
		if (!seen[2])
			all_ports(&p->dp);
		if (!seen[3])
			all_ports(&p->sp);
		if (!seen[4] || !seen[5] || p->proto == 0) {
			fprintf(stderr, "semantic: line %d: rule not inbound, not in group sfbnet, "
			    "or without protocol\n", cur_line);
			*bad = true;
		}
	}
	sfb_strv_free(&t);
	sfb_strv_free(&v);
}

/* --- change-ticket tables ----------------------------------------------- */

static void
csv_split(const char *line, sfb_strv *cells)
{
	sfb_buf c;
	const char *p = line;
	bool q;

	sfb_buf_init(&c);
	sfb_strv_free(cells);
	sfb_strv_init(cells);
	for (;;) {
		sfb_buf_reset(&c);
		q = *p == '"';
		if (q)
			p++;
		while (*p != '\0') {
			if (q && *p == '"' && p[1] == '"') {
				sfb_buf_putc(&c, '"');
				p += 2;
			} else if (q && *p == '"') {
				q = false;
				p++;
			} else if (!q && *p == ',') {
				break;
			} else {
				sfb_buf_putc(&c, *p++);
			}
		}
		if (q)
			die("unterminated quoted field");
		sfb_strv_add(cells, sfb_buf_str(&c), false);
		if (*p != ',')
			break;
		p++;
	}
	sfb_buf_free(&c);
}

static void
md_split(const char *line, sfb_strv *cells)
{
	sfb_buf c;
	const char *p = line;
	size_t e;

	sfb_buf_init(&c);
	sfb_strv_free(cells);
	sfb_strv_init(cells);
	if (*p != '|')
		die("not a table row");
	for (p++; *p != '\0'; p++) {
		if (*p == '\\' && p[1] == '|') {
			sfb_buf_putc(&c, '|');
			p++;
			continue;
		}
		if (*p != '|') {
			sfb_buf_putc(&c, *p);
			continue;
		}
		/* trim the blanks around the cell */
		e = c.len;
		while (e > 0 && c.data[e - 1] == ' ')
			e--;
		for (size_t s0 = 0; s0 <= e; s0++) {
			if (s0 == e || c.data[s0] != ' ') {
				sfb_strv_addn(cells, c.data != NULL ? c.data + s0 : "", e - s0, false);
				break;
			}
		}
		sfb_buf_reset(&c);
	}
	sfb_buf_free(&c);
}

static const char *const ticket_cols[] = {
	"firewall", "source", "destination", "protocol", "source ports", "destination ports",
	"purpose", "citation",
};

static void
parse_ticket(const sfb_strv *lines, struct rules *r, bool md, const char *fw, bool *bad)
{
	sfb_strv c;
	size_t l, k, row = 0;
	struct piece *p;
	sfb_buf h;

	sfb_strv_init(&c);
	sfb_buf_init(&h);
	for (l = 0; l < lines->n; l++) {
		cur_line = (int)l + 1;
		if (lines->v[l][0] == '\0')
			continue;
		if (md)
			md_split(lines->v[l], &c);
		else
			csv_split(lines->v[l], &c);
		if (md && row == 1) {
			row++;
			continue;   /* |---|---| */
		}
		if (c.n != 8)
			die("%zu cells, not 8", c.n);
		if (row++ == 0) {
			for (k = 0; k < 8; k++) {
				sfb_buf_reset(&h);
				for (const char *q = ticket_cols[k]; *q != '\0'; q++)
					sfb_buf_putc(&h, !md && *q == ' ' ? '_' : *q);
				if (strcmp(c.v[k], sfb_buf_str(&h)) != 0)
					die("column %zu is '%s', not '%s'", k + 1, c.v[k], h.data);
			}
			continue;
		}
		if (strcmp(c.v[0], fw) != 0) {
			fprintf(stderr, "semantic: line %d is for firewall '%s', not '%s'\n",
			    cur_line, c.v[0], fw);
			*bad = true;
		}
		p = piece_new(r);
		add_addr_list(&p->src, c.v[1]);
		add_addr_list(&p->dst, c.v[2]);
		p->proto = proto_of(c.v[3]);
		add_ports(&p->sp, c.v[4]);
		add_ports(&p->dp, c.v[5]);
	}
	sfb_buf_free(&h);
	sfb_strv_free(&c);
}

/* --- the plan ----------------------------------------------------------- */

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		die("plan: flow without string '%s'", key);
	return json_string_value(v);
}

static int
jprotos(const char *s)
{
	if (strcmp(s, "both") == 0)
		return P_TCP | P_UDP;
	return proto_of(s);
}

/* A tuple per planned flow of the firewall and protocol. */
static void
plan_firewall(json_t *root, struct rules *r)
{
	json_t *flows = json_object_get(root, "flows"), *f;
	size_t i;
	int protos, k;
	struct piece *p;

	json_array_foreach(flows, i, f) {
		protos = jprotos(jstr(f, "protocol"));
		for (k = P_TCP; k <= P_UDP; k <<= 1) {
			if (!(protos & k))
				continue;
			p = piece_new(r);
			p->proto = k;
			add_addr_list(&p->src, jstr(f, "src_addresses"));
			add_addr_list(&p->dst, jstr(f, "dst_addresses"));
			add_ports(&p->sp, jstr(f, "src_ports"));
			add_ports(&p->dp, jstr(f, "dst_ports"));
		}
	}
}

/* The endpoint of the plan with that id. */
static json_t *
endpoint(json_t *root, const char *id)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(root, "endpoints"), i, e)
		if (id != NULL && strcmp(jstr(e, "id"), id) == 0)
			return e;
	die("plan: no endpoint '%s'", id ? id : "(not a string)");
}

/* The flows a Windows host receives: every flow (through any firewall or
 * inside one zone) with an endpoint of the host among its destinations;
 * the flows with the same id reaching the same addresses of the host are
 * one rule, whose sources are all of theirs. */
static void
plan_host(json_t *root, const char *host, struct rules *r)
{
	json_t *flows = json_object_get(root, "flows"), *f, *d, *a;
	size_t i, k;
	int protos, pr;
	sfb_addrset local;
	struct piece *p;
	sfb_buf key;

	sfb_buf_init(&key);
	json_array_foreach(flows, i, f) {
		sfb_addrset_init(&local);
		json_array_foreach(json_object_get(f, "destinations"), k, d) {
			/* destinations name endpoints of the plan's "endpoints" */
			d = endpoint(root, json_string_value(d));
			if (strcmp(jstr(d, "host"), host) != 0)
				continue;
			a = json_object_get(d, "addresses");
			if (json_is_string(a))
				add_addr_list(&local, json_string_value(a));
			else
				set_all(&local, 0);   /* the endpoint is its whole zone */
		}
		if (sfb_addrset_empty(&local)) {
			sfb_addrset_free(&local);
			continue;
		}
		protos = jprotos(jstr(f, "protocol"));
		for (pr = P_TCP; pr <= P_UDP; pr <<= 1) {
			if (!(protos & pr))
				continue;
			p = piece_new(r);
			p->proto = pr;
			copy_addr(&p->dst, &local);
			add_addr_list(&p->src, jstr(f, "src_addresses"));
			add_ports(&p->sp, jstr(f, "src_ports"));
			add_ports(&p->dp, jstr(f, "dst_ports"));
			sfb_buf_reset(&key);
			sfb_buf_printf(&key, "%s|%d|", jstr(f, "flow"), pr);
			sfb_addrset_print(&key, &local);
			p->group = xstrdup(sfb_buf_str(&key));
			sfb_buf_reset(&key);
			sfb_buf_printf(&key, "%zu", i);
			p->from = xstrdup(sfb_buf_str(&key));
			p->to = xstrdup("*");
		}
		sfb_addrset_free(&local);
	}
	sfb_buf_free(&key);
}

/* --- joining the parts of a rule ---------------------------------------- */

static void
rules_free(struct rules *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].group);
		free(r->v[i].from);
		free(r->v[i].to);
		sfb_addrset_free(&r->v[i].src);
		sfb_addrset_free(&r->v[i].dst);
		sfb_portset_free(&r->v[i].sp);
		sfb_portset_free(&r->v[i].dp);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* Join the pieces of each group into one tuple: the union of their parts,
 * after checking that every from-part meets every to-part (but a zone
 * never meets itself on SRX) and that a label always stands for the same
 * addresses.  False when a group fails that. */
static bool
merge(struct rules *in, struct rules *out)
{
	bool ok = true, *done = calloc(in->n + 1, sizeof(bool));
	size_t i, j, a, b, k;
	struct piece *m, *x, *y;

	if (done == NULL)
		die("out of memory");
	for (i = 0; i < in->n; i++) {
		if (done[i])
			continue;
		x = &in->v[i];
		m = piece_new(out);
		m->proto = x->proto;
		m->accept = x->accept;
		m->line = x->line;
		for (j = i; j < in->n; j++) {
			y = &in->v[j];
			if (j != i && (x->group == NULL || y->group == NULL ||
			    strcmp(x->group, y->group) != 0))
				continue;
			done[j] = true;
			copy_addr(&m->src, &y->src);
			copy_addr(&m->dst, &y->dst);
			copy_ports(&m->sp, &y->sp);
			copy_ports(&m->dp, &y->dp);
			if (y->accept != x->accept || y->proto != x->proto) {
				fprintf(stderr, "semantic: lines %d and %d of one rule differ in "
				    "action or protocol\n", x->line, y->line);
				ok = false;
			}
		}
		if (x->group == NULL)
			continue;
		/* every (from, to) pair of the group's labels is there */
		for (a = i; a < in->n; a++) {
			if (in->v[a].group == NULL || strcmp(in->v[a].group, x->group) != 0)
				continue;
			for (b = i; b < in->n; b++) {
				if (in->v[b].group == NULL || strcmp(in->v[b].group, x->group) != 0)
					continue;
				if (strcmp(in->v[a].from, in->v[b].from) == 0 &&
				    !sfb_addrset_equal(&in->v[a].src, &in->v[b].src)) {
					fprintf(stderr, "semantic: lines %d and %d: '%s' stands for two "
					    "source sets\n", in->v[a].line, in->v[b].line,
					    in->v[a].from);
					ok = false;
				}
				if (strcmp(in->v[a].to, in->v[b].to) == 0 &&
				    !sfb_addrset_equal(&in->v[a].dst, &in->v[b].dst)) {
					fprintf(stderr, "semantic: lines %d and %d: '%s' stands for two "
					    "destination sets\n", in->v[a].line, in->v[b].line,
					    in->v[a].to);
					ok = false;
				}
				if (in->diag_excluded && strcmp(in->v[a].from, in->v[b].to) == 0)
					continue;
				for (k = i; k < in->n; k++)
					if (in->v[k].group != NULL &&
					    strcmp(in->v[k].group, x->group) == 0 &&
					    strcmp(in->v[k].from, in->v[a].from) == 0 &&
					    strcmp(in->v[k].to, in->v[b].to) == 0)
						break;
				if (k == in->n) {
					fprintf(stderr, "semantic: rule of line %d: the part from '%s' "
					    "to '%s' is missing\n", x->line, in->v[a].from,
					    in->v[b].to);
					ok = false;
				}
			}
		}
	}
	free(done);
	return ok;
}

/* --- comparing ---------------------------------------------------------- */

/* One canonical line per tuple and family in which both sides have
 * addresses.  With dead, a rule that has no such family (it can never
 * match) gives a line of its own, which nothing planned equals. */
static void
canon(const struct rules *r, bool v4, bool v6, bool dead, sfb_strv *out)
{
	sfb_buf s;
	size_t i;
	int fam;
	const struct piece *p;

	sfb_buf_init(&s);
	sfb_strv_init(out);
	for (i = 0; i < r->n; i++) {
		p = &r->v[i];
		if (dead && !((sfb_addrset_has_family(&p->src, 4) &&
		    sfb_addrset_has_family(&p->dst, 4)) || (sfb_addrset_has_family(&p->src, 6) &&
		    sfb_addrset_has_family(&p->dst, 6)))) {
			sfb_buf_reset(&s);
			sfb_buf_printf(&s, "rule of line %d: no address family in common: never "
			    "matches", p->line);
			if (sfb_buf_status(&s) != SFB_OK ||
			    sfb_strv_add(out, sfb_buf_str(&s), false) != SFB_OK)
				die("out of memory");
			continue;
		}
		for (fam = 4; fam <= 6; fam += 2) {
			if ((fam == 4 && !v4) || (fam == 6 && !v6) ||
			    !sfb_addrset_has_family(&p->src, fam) ||
			    !sfb_addrset_has_family(&p->dst, fam))
				continue;
			sfb_buf_reset(&s);
			sfb_buf_printf(&s, "%s v%d ", p->proto == P_TCP ? "tcp" : "udp", fam);
			sfb_addrset_print_family(&s, &p->src, fam);
			sfb_buf_puts(&s, " -> ");
			sfb_addrset_print_family(&s, &p->dst, fam);
			sfb_buf_puts(&s, " sport ");
			sfb_portset_print(&s, &p->sp);
			sfb_buf_puts(&s, " dport ");
			sfb_portset_print(&s, &p->dp);
			sfb_buf_puts(&s, p->accept ? " accept" : " deny");
			if (sfb_buf_status(&s) != SFB_OK ||
			    sfb_strv_add(out, sfb_buf_str(&s), false) != SFB_OK)
				die("out of memory");
		}
	}
	sfb_buf_free(&s);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Multiset comparison; prints what is missing and what is extra. */
static size_t
compare(sfb_strv *want, sfb_strv *got)
{
	size_t i = 0, j = 0, bad = 0;
	int c;

	if (want->n > 1)
		qsort(want->v, want->n, sizeof(char *), cmp_str);
	if (got->n > 1)
		qsort(got->v, got->n, sizeof(char *), cmp_str);
	while (i < want->n || j < got->n) {
		c = i == want->n ? 1 : j == got->n ? -1 : strcmp(want->v[i], got->v[j]);
		if (c == 0) {
			i++;
			j++;
			continue;
		}
		bad++;
		if (c < 0)
			fprintf(stderr, "  missing: %.300s\n", want->v[i++]);
		else
			fprintf(stderr, "  extra:   %.300s\n", got->v[j++]);
	}
	return bad;
}

static void
sanitize(sfb_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		sfb_buf_putc(b, (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ? (char)c : '_');
	}
}

/* Sorted, duplicates dropped. */
static void
sort_unique(sfb_strv *v)
{
	size_t i, k = 0;

	if (v->n > 1)
		qsort(v->v, v->n, sizeof(*v->v), cmp_str);
	for (i = 0; i < v->n; i++) {
		if (k > 0 && strcmp(v->v[k - 1], v->v[i]) == 0) {
			free(v->v[i]);
			continue;
		}
		v->v[k++] = v->v[i];
	}
	v->n = k;
}

/* The NAT statements read against the plan's (see the top of the file). */
static bool
nat_check(json_t *root, bool want, bool v4, bool v6)
{
	sfb_strv exp;
	json_t *fw, *z, *d;
	const char *outside;
	size_t i, j;
	sfb_buf b;
	bool ok = true, touches = false, in_fw;

	sfb_strv_init(&exp);
	sfb_buf_init(&b);
	/* The NATs of this firewall: every endpoint with a public address in
	 * one of its zones, when another of its zones is the outside one (a
	 * topology whose NATed endpoints sit a firewall further in is beyond
	 * this checker). */
	fw = json_array_get(json_object_get(root, "firewalls"), 0);
	outside = json_string_value(json_object_get(root, "outside_zone"));
	json_array_foreach(json_object_get(fw, "zones"), i, z)
		if (outside != NULL && strcmp(json_string_value(z), outside) == 0)
			touches = true;
	json_array_foreach(json_object_get(root, "endpoints"), j, d) {
		if (!want || !touches || !json_is_string(json_object_get(d, "public")))
			continue;
		in_fw = false;
		json_array_foreach(json_object_get(fw, "zones"), i, z)
			if (strcmp(json_string_value(z), jstr(d, "zone")) == 0)
				in_fw = true;
		if (!in_fw)
			continue;
		/* iptables writes the IPv4 NATs, ip6tables the IPv6 ones */
		if (strchr(jstr(d, "public"), ':') != NULL ? !v6 : !v4)
			continue;
		sfb_buf_reset(&b);
		sfb_buf_printf(&b, "in %s %s", jstr(d, "public"), jstr(d, "addresses"));
		sfb_strv_add(&exp, sfb_buf_str(&b), false);
		sfb_buf_reset(&b);
		sfb_buf_printf(&b, "out %s %s", jstr(d, "public"), jstr(d, "addresses"));
		sfb_strv_add(&exp, sfb_buf_str(&b), false);
	}
	sort_unique(&exp);
	sort_unique(&nat_got);
	for (i = 0; i < exp.n || i < nat_got.n; i++) {
		const char *e = i < exp.n ? exp.v[i] : NULL, *g = i < nat_got.n ? nat_got.v[i] : NULL;

		if (e != NULL && g != NULL && strcmp(e, g) == 0)
			continue;
		fprintf(stderr, "semantic: NAT: planned %s, in the ruleset %s\n", e ? e : "(nothing)",
		    g ? g : "(nothing)");
		ok = false;
		break;
	}
	if (ok && want)
		printf("semantic: NAT: %zu statement(s) = planned\n", nat_got.n);
	sfb_buf_free(&b);
	sfb_strv_free(&exp);
	return ok;
}

/* One run: semantic [--include] [--nat] TARGET RULES PLAN.json [HOST]. */
static int
check_one(int argc, char **argv)
{
	const char *target, *rules_path, *plan_path, *host = NULL, *fw = "";
	struct rules plan = { NULL, 0, 0, false }, raw = { NULL, 0, 0, false };
	struct rules got = { NULL, 0, 0, false }, want = { NULL, 0, 0, false };
	sfb_strv lines, zones, wl, gl;
	bool deny = true, need_deny = false, bad = false, v4 = true, v6 = true;
	json_error_t jerr;
	json_t *root, *fws, *z;
	size_t i, nbad;
	sfb_buf zn;

	sfb_strv_init(&nat_got);
	sfb_addrset_init(&outside_space);
	for (; argc > 1 && argv[1][0] == '-'; argc--, argv++) {
		if (strcmp(argv[1], "--include") == 0)
			include_mode = true;
		else if (strcmp(argv[1], "--nat") == 0)
			want_nat = true;
		else
			break;
	}
	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: semantic [--include] [--nat] TARGET RULES PLAN.json [HOST]\n"
		    "       semantic --batch JOBS\n");
		return 2;
	}
	target = argv[1];
	rules_path = argv[2];
	plan_path = argv[3];
	if (argc == 5)
		host = argv[4];
	if ((strcmp(target, "windows") == 0) != (host != NULL)) {
		fprintf(stderr, "semantic: HOST is for the windows target, and required by it\n");
		return 2;
	}
	prog_file = plan_path;
	root = json_load_file(plan_path, 0, &jerr);
	if (root == NULL)
		die("%s", jerr.text);
	sfb_strv_init(&zones);
	sfb_buf_init(&zn);
	fws = json_object_get(root, "firewalls");
	if (host == NULL) {
		if (json_array_size(fws) != 1)
			die("the plan must be of one firewall (plan --firewall NAME)");
		fw = jstr(json_array_get(fws, 0), "name");
		{
			json_t *f0 = json_array_get(fws, 0), *ifs = json_object_get(f0, "interfaces");
			const char *out = json_string_value(json_object_get(root, "outside_zone"));
			json_t *zn_j;
			size_t zi;

			/* The ASA's nameifs: the topology's interface names, else
			 * the zone names. */
			json_array_foreach(json_object_get(f0, "zones"), i, z) {
				sfb_buf_reset(&zn);
				sanitize(&zn, json_string_value(json_is_array(ifs) ?
				    json_array_get(ifs, i) : z));
				sfb_strv_add(&zones, sfb_buf_str(&zn), false);
				if (out != NULL && strcmp(json_string_value(z), out) == 0) {
					outside_if = xstrdup(sfb_buf_str(&zn));
					json_array_foreach(json_object_get(root, "zones"), zi, zn_j)
						if (strcmp(jstr(zn_j, "name"), out) == 0)
							add_addr_list(&outside_space, jstr(zn_j, "addresses"));
				}
			}
		}
		plan_firewall(root, &plan);
	} else {
		plan_host(root, host, &plan);
	}
	prog_file = rules_path;
	read_lines(rules_path, &lines);
	if (strcmp(target, "nftables") == 0) {
		need_deny = true;
		deny = false;
		parse_nftables(&lines, &raw, &deny);
	} else if (strcmp(target, "iptables") == 0 || strcmp(target, "ip6tables") == 0) {
		v6 = target[2] == '6';
		v4 = !v6;
		deny = false;
		need_deny = true;
		parse_iptables(&lines, &raw, v4 ? 4 : 6, &deny);
	} else if (strcmp(target, "asa") == 0) {
		need_deny = true;
		parse_asa(&lines, &raw, &zones, &deny);
	} else if (strcmp(target, "srx") == 0) {
		need_deny = true;
		deny = false;
		parse_srx(&lines, &raw, &deny, &bad);
	} else if (strcmp(target, "pf") == 0) {
		parse_pf(&lines, &raw);
	} else if (strcmp(target, "windows") == 0) {
		parse_windows(&lines, &raw, &bad);
	} else if (strcmp(target, "csv") == 0 || strcmp(target, "md") == 0) {
		parse_ticket(&lines, &raw, target[0] == 'm', fw, &bad);
	} else {
		die("unknown target '%s'", target);
	}
	if (include_mode && need_deny && deny) {
		fprintf(stderr, "semantic: %s: --mode include, yet a default deny\n", rules_path);
		bad = true;
	} else if (need_deny && !deny && !include_mode) {
		fprintf(stderr, "semantic: %s: no default deny\n", rules_path);
		bad = true;
	}
	if (host == NULL && !nat_check(root, want_nat, v4, v6))
		bad = true;
	if (!merge(&raw, &got))
		bad = true;
	if (!merge(&plan, &want))
		die("the plan's own rules do not join (a bug of this checker)");
	canon(&want, v4, v6, false, &wl);
	canon(&got, v4, v6, true, &gl);
	nbad = compare(&wl, &gl);
	if (nbad > 0 || bad)
		fprintf(stderr, "semantic: %s %s: %zu rule tuple(s), %zu planned, %zu difference(s)%s\n",
		    target, rules_path, gl.n, wl.n, nbad, bad ? ", and the problems above" : "");
	else
		printf("semantic: %s %s: %zu rule tuple(s) = %zu planned\n", target, rules_path,
		    gl.n, wl.n);
	sfb_strv_free(&wl);
	sfb_strv_free(&gl);
	sfb_strv_free(&nat_got);
	free(outside_if);
	sfb_addrset_free(&outside_space);
	sfb_strv_free(&lines);
	sfb_strv_free(&zones);
	sfb_buf_free(&zn);
	rules_free(&plan);
	rules_free(&raw);
	rules_free(&got);
	rules_free(&want);
	json_decref(root);
	return nbad > 0 || bad ? 1 : 0;
}

/* One run of --batch: job i as check_one, its stdout and stderr in its
 * OUT file.  A run that dies (die(), a sanitizer's abort) ends the
 * process there, as it would end a process of its own; batch_run goes on
 * with a new one. */
static int
run_one(size_t i, void *arg)
{
	const sfb_strv *jobs = arg;
	sfb_strv tok;
	char **args;
	size_t k;
	int rc;

	sfb_strv_init(&tok);
	prog_file = "batch";
	cur_line = (int)i + 1;
	tokenize(jobs->v[i], "", false, &tok);
	if ((args = calloc(tok.n + 1, sizeof(*args))) == NULL)
		die("out of memory");
	args[0] = "semantic";
	for (k = 1; k < tok.n; k++)
		args[k] = tok.v[k];
	if (!batch_redirect(tok.v[0], NULL)) {
		perror(tok.v[0]);
		_exit(2);
	}
	/* What check_one reads before it sets it. */
	prog_file = NULL;
	cur_line = 0;
	include_mode = want_nat = false;
	outside_if = NULL;
	rc = check_one((int)tok.n, args);
	free(args);
	sfb_strv_free(&tok);
	return rc;
}

/* --batch JOBS: one run per line of JOBS, "OUT ARG...", blank-separated
 * (no blank inside an argument): the run of ARG... as on the command line,
 * its stdout and stderr written to OUT.  Prints each run's exit status, one
 * line per job (128 + the signal when one ended it).  The runs take turns
 * in few processes (tests/lib/batch.c).  Exit 0 when every job ran and the
 * leak check found nothing, else 1 (2: JOBS unreadable). */
static int
batch(const char *path)
{
	sfb_strv jobs;
	int rc;

	prog_file = path;
	read_lines(path, &jobs);
	for (cur_line = 1; (size_t)cur_line <= jobs.n; cur_line++) {
		if (strchr(jobs.v[cur_line - 1], ' ') == NULL &&
		    strchr(jobs.v[cur_line - 1], '\t') == NULL)
			die("a job is OUT ARG...");
	}
	rc = batch_run("semantic: --batch", jobs.n, run_one, &jobs, false);
	sfb_strv_free(&jobs);
	return rc;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--batch") == 0)
		return batch(argv[2]);
	return check_one(argc, argv);
}
