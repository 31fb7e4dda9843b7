/* sfbnet audit: a ruleset evaluated against the plan by set arithmetic on
 * boxes (protocol x source x destination x source port x destination
 * port), never packet by packet.
 *
 * The packets of a flow start as one region.  Walking a chain, each rule
 * cuts from the region what it matches and decides it: accept, drop,
 * return, or a jump into another chain that decides its part in turn; at
 * the end of a base chain its policy takes the rest.  The base chains of
 * the forward hook run in priority order, what one accepts going on to the
 * next (nftables), or the filter table's FORWARD chain alone (iptables).
 * What a rule the audit cannot model could see becomes "unknown", never a
 * guess.  Every box keeps the rule that decided it, so a report names the
 * rule behind each missing part and each surplus. */
#include <stdlib.h>
#include <string.h>

#include "emit/sfb_emit.h"
#include "sfb_audit_int.h"

#define MAX_DEPTH 64       /* jumps deep: nft allows 16, iptables has no loops */

struct walk {
	struct sfb_audit *A;
	const char *iif, *oif;    /* the packets' interfaces, NULL: not known */
	bool any_iface;           /* surplus and shadow analysis: interfaces match */
	bool first_accept;        /* keep the tag of the first rule that accepts */
	bool nat;                 /* walking nat chains: dnat decides, the rest goes on */
	bool not_lo;              /* a host's input: the packets come from the network, not lo */
};

static const struct tag nobody = { RS_NOBODY, 0 };

enum { IF_MATCH, IF_NOMATCH, IF_UNKNOWN };

static int
iface_test(const struct rs_iface *f, const char *have, bool any, bool not_lo)
{
	bool eq;

	if (f->name == NULL)
		return IF_MATCH;
	/* A flow to a host arrives from the network: not by the loopback. */
	if (have == NULL && not_lo && !f->prefix && strcmp(f->name, "lo") == 0)
		return f->neg ? IF_MATCH : IF_NOMATCH;
	if (any)
		return IF_MATCH;
	if (have == NULL)
		return IF_UNKNOWN;
	eq = f->prefix ? strncmp(have, f->name, strlen(f->name)) == 0 : strcmp(have, f->name) == 0;
	return eq != f->neg ? IF_MATCH : IF_NOMATCH;
}

static sfb_status walk_chain(struct walk *W, size_t ci, struct region *R, struct region *acc,
    struct region *drop, struct region *unk, struct region *ret, int depth);

static void
rs_hull_of_region(struct rs_hull *h, const struct region *R)
{
	struct rs_hull one;
	size_t i;

	rs_hull_of(h, NULL, 0);
	for (i = 0; i < R->n; i++) {
		rs_hull_of(&one, &R->v[i].b, 1);
		h->protos |= one.protos;
		h->dp_lo = one.dp_lo < h->dp_lo ? one.dp_lo : h->dp_lo;
		h->dp_hi = one.dp_hi > h->dp_hi ? one.dp_hi : h->dp_hi;
		h->src_lo = one.src_lo < h->src_lo ? one.src_lo : h->src_lo;
		h->src_hi = one.src_hi > h->src_hi ? one.src_hi : h->src_hi;
		h->dst_lo = one.dst_lo < h->dst_lo ? one.dst_lo : h->dst_lo;
		h->dst_hi = one.dst_hi > h->dst_hi ? one.dst_hi : h->dst_hi;
		h->src6 |= one.src6;
		h->dst6 |= one.dst6;
	}
}

/* Move src into acc; with first_accept, boxes already accepted by an
 * earlier rule keep its tag. */
static sfb_status
accept_into(struct walk *W, struct region *acc, struct region *src, struct tag t)
{
	size_t i;

	if (!W->first_accept)
		return region_move(acc, src, true, t);
	for (i = 0; i < src->n; i++)
		if (src->v[i].tag.chain == RS_NOBODY)
			src->v[i].tag = t;
	return region_move(acc, src, false, t);
}

static sfb_status
walk_chain(struct walk *W, size_t ci, struct region *R, struct region *acc, struct region *drop,
    struct region *unk, struct region *ret, int depth)
{
	struct rs_chain *c = &W->A->rs.chains[ci];
	struct region D, sub;
	struct rs_hull hull;
	struct rs_rule *r;
	struct tag t;
	sfb_status st = SFB_OK;
	size_t i, k;
	int fi, fo;

	region_init(&D);
	region_init(&sub);
	if (depth > MAX_DEPTH) {
		/* A loop of jumps (which the kernel refuses): unknown. */
		t = (struct tag){ ci, 0 };
		st = region_move(unk, R, true, t);
		goto out;
	}
	/* The hull of what enters the chain stays a hull of what is left in
	 * it (what jumps return is part of what went in). */
	rs_hull_of_region(&hull, R);
	for (i = 0; i < c->n && R->n > 0 && st == SFB_OK; i++) {
		r = &c->rules[i];
		t = (struct tag){ ci, i };
		if (r->never_new || r->verdict == RS_CONTINUE || (r->verdict == RS_DNAT && !W->nat))
			continue;
		if (!rs_hull_meets(&r->hull, &hull))
			continue;
		fi = iface_test(&r->iif, W->iif, W->any_iface, W->not_lo);
		fo = iface_test(&r->oif, W->oif, W->any_iface, W->not_lo);
		if (fi == IF_NOMATCH || fo == IF_NOMATCH)
			continue;
		for (k = 0; k < r->nboxes && st == SFB_OK && R->n > 0; k++)
			st = region_cut(R, &r->boxes[k], &D, nobody);
		if (st != SFB_OK || D.n == 0)
			continue;
		if (r->unknown != NULL || fi == IF_UNKNOWN || fo == IF_UNKNOWN) {
			st = region_move(unk, &D, true, t);
			continue;
		}
		/* The boxes cut from R keep no tag of their own yet: give them
		 * back the tags they came with where first_accept needs them.
		 * (region_cut tags the cut part with `nobody`.) */
		switch (r->verdict) {
		case RS_ACCEPT:
			st = accept_into(W, acc, &D, t);
			break;
		case RS_DROP:
			st = region_move(drop, &D, true, t);
			break;
		case RS_RETURN:
			st = region_move(ret, &D, false, t);
			break;
		case RS_JUMP:
			if ((st = walk_chain(W, r->target, &D, acc, drop, unk, &sub, depth + 1)) == SFB_OK)
				st = region_move(R, &sub, false, t);
			break;
		case RS_GOTO:
			st = walk_chain(W, r->target, &D, acc, drop, unk, ret, depth + 1);
			break;
		case RS_DNAT:
			/* translated: acc, tagged with the rule that says where to */
			st = region_move(acc, &D, true, t);
			break;
		}
		region_clear(&D);
	}
	if (st == SFB_OK && R->n > 0) {
		t = (struct tag){ ci, RS_POLICY };
		if (!c->base)
			st = region_move(ret, R, false, t);
		else if (c->policy == RS_DROP)
			st = region_move(drop, R, true, t);
		else
			st = accept_into(W, acc, R, t);
	}
out:
	region_free(&D);
	region_free(&sub);
	return st;
}

/* The base chains of a hook that a packet of family fam crosses, by
 * priority (stable): the filter chains of the audited hook (iptables: its
 * filter table's), or with nat the nat chains of the prerouting hook. */
static sfb_status
hook_chains(const struct sfb_audit *A, int fam, bool nat, size_t **out, size_t *n)
{
	const struct rs_chain *c;
	size_t i, k, cap = 0, tmp;

	*out = NULL;
	*n = 0;
	for (i = 0; i < A->rs.n; i++) {
		c = &A->rs.chains[i];
		if (!c->base || (c->family != 0 && c->family != fam))
			continue;
		if (nat ? c->hook != RS_HOOK_PREROUTING || !c->nat :
		    c->hook != A->hook || !c->filter ||
		    (A->rs.kind == RS_KIND_IPTABLES && strcmp(c->table, "filter") != 0))
			continue;
		if (sfb_grow(out, &cap, *n + 1, sizeof(**out)) != SFB_OK)
			return SFB_ENOMEM;
		(*out)[(*n)++] = i;
	}
	for (i = 1; i < *n; i++)
		for (k = i; k > 0 && A->rs.chains[(*out)[k - 1]].prio > A->rs.chains[(*out)[k]].prio; k--) {
			tmp = (*out)[k];
			(*out)[k] = (*out)[k - 1];
			(*out)[k - 1] = tmp;
		}
	return SFB_OK;
}

/* Does the ruleset hold anything for family fam?  (An iptables-save file
 * without ip6tables-save says nothing about IPv6.) */
static bool
has_family(const struct sfb_audit *A, int fam)
{
	size_t i;

	if (A->rs.kind == RS_KIND_NFT)
		return true;     /* no base chain: the kernel passes everything */
	for (i = 0; i < A->rs.n; i++)
		if (A->rs.chains[i].family == fam)
			return true;
	return false;
}

/* Evaluate region R (one family) on the forward path: acc, drop, unk. */
static sfb_status
eval_forward(struct walk *W, int fam, struct region *R, struct region *acc, struct region *drop,
    struct region *unk)
{
	struct region a, ret;
	size_t *chains = NULL, n, i;
	sfb_status st;

	region_init(&a);
	region_init(&ret);
	if (!has_family(W->A, fam)) {
		st = region_move(unk, R, true, (struct tag){ RS_NOBODY, (size_t)fam });
		goto out;
	}
	if ((st = hook_chains(W->A, fam, false, &chains, &n)) != SFB_OK)
		goto out;
	for (i = 0; i < n && st == SFB_OK && R->n > 0; i++) {
		st = walk_chain(W, chains[i], R, &a, drop, unk, &ret, 0);
		/* What one base chain accepts, the next one sees. */
		if (st == SFB_OK)
			st = region_move(R, &a, false, nobody);
	}
	if (st == SFB_OK)
		st = region_move(acc, R, false, nobody);
out:
	free(chains);
	region_free(&a);
	region_free(&ret);
	return st;
}

/* The part of box b of one family (4 or 6), or false when it has none. */
static bool
family_part(struct rs_box *out, const struct rs_box *b, int fam, sfb_status *st)
{
	sfb_addrset all;
	struct rs_box f;
	bool ok;

	sfb_addrset_init(&all);
	rs_box_init(&f);
	*st = sfb_addrset_parse(&all, fam == 4 ? "0.0.0.0/0" : "::/0");
	if (*st == SFB_OK)
		*st = rs_box_all(&f);
	if (*st == SFB_OK) {
		sfb_addrset_free(&f.src);
		sfb_addrset_free(&f.dst);
		f.src = all;
		sfb_addrset_init(&all);
		*st = sfb_addrset_copy(&f.dst, &f.src);
	}
	ok = *st == SFB_OK && box_intersect(out, b, &f, st);
	sfb_addrset_free(&all);
	rs_box_free(&f);
	return ok;
}

/* Evaluate one box (both families): acc, drop, unk. */
static sfb_status
eval_box(struct walk *W, const struct rs_box *b, struct region *acc, struct region *drop,
    struct region *unk)
{
	struct region R;
	struct rs_box part;
	sfb_status st = SFB_OK;
	int fam;

	region_init(&R);
	for (fam = 4; fam <= 6 && st == SFB_OK; fam += 2) {
		rs_box_init(&part);
		if (family_part(&part, b, fam, &st))
			st = region_add(&R, &part, nobody);
		rs_box_free(&part);
		if (st == SFB_OK && R.n > 0)
			st = eval_forward(W, fam, &R, acc, drop, unk);
		region_clear(&R);
	}
	region_free(&R);
	return st;
}

/* --- destination NAT ------------------------------------------------------ */

/* Does the ruleset translate destinations at all?  Without a single dnat
 * rule the NAT of the topology's public addresses is done by another
 * device, and this firewall sees the inside addresses. */
static bool
has_dnat(const struct sfb_audit *A)
{
	size_t i, k;

	for (i = 0; i < A->rs.n; i++)
		for (k = 0; k < A->rs.chains[i].n; k++)
			if (A->rs.chains[i].rules[k].verdict == RS_DNAT)
				return true;
	return false;
}

/* Packets of box b sent to the public addresses `pub` of destinations
 * whose inside addresses are `inside`: through the prerouting nat chains,
 * then the forward path.  A part translated to one of the inside
 * addresses goes on with that address (and port); a part translated
 * elsewhere is lost to the flow (dropped, tagged with the dnat rule); an
 * untranslated part meets the forward rules with its public destination. */
static sfb_status
eval_with_dnat(struct walk *W, const struct rs_box *b, const sfb_addrset *pub,
    const sfb_addrset *inside, struct region *acc, struct region *drop, struct region *unk)
{
	struct walk N = *W;
	struct region R, trans, ret;
	struct rs_box x, y;
	size_t *chains = NULL, n, i, k;
	sfb_addrset to;
	sfb_status st = SFB_OK;
	int fam;

	N.nat = true;
	N.first_accept = false;
	region_init(&R);
	region_init(&trans);
	region_init(&ret);
	rs_box_init(&x);
	rs_box_init(&y);
	sfb_addrset_init(&to);
	if ((st = rs_box_copy(&x, b)) != SFB_OK)
		goto out;
	sfb_addrset_free(&x.dst);
	sfb_addrset_init(&x.dst);
	if ((st = sfb_addrset_copy(&x.dst, pub)) != SFB_OK)
		goto out;
	for (fam = 4; fam <= 6 && st == SFB_OK; fam += 2) {
		region_clear(&R);
		region_clear(&trans);
		rs_box_free(&y);
		rs_box_init(&y);
		if (!family_part(&y, &x, fam, &st)) {
			if (st != SFB_OK)
				break;
			continue;
		}
		if ((st = region_add(&R, &y, nobody)) != SFB_OK ||
		    (st = hook_chains(W->A, fam, true, &chains, &n)) != SFB_OK)
			break;
		for (i = 0; i < n && st == SFB_OK && R.n > 0; i++)
			st = walk_chain(&N, chains[i], &R, &trans, drop, unk, &ret, 0);
		free(chains);
		chains = NULL;
		/* The policy of a nat chain accepts: those are untranslated. */
		for (k = 0; k < trans.n && st == SFB_OK; k++) {
			struct tbox *tb = &trans.v[k];
			const struct rs_rule *r;

			if (tb->tag.chain == RS_NOBODY || tb->tag.rule == RS_POLICY) {
				st = region_add(&R, &tb->b, nobody);
				continue;
			}
			r = &W->A->rs.chains[tb->tag.chain].rules[tb->tag.rule];
			sfb_addrset_free(&to);
			sfb_addrset_init(&to);
			if (r->nat_addr == NULL || sfb_addrset_parse(&to, r->nat_addr) != SFB_OK ||
			    !sfb_addrset_subset(&to, inside)) {
				st = region_add(drop, &tb->b, tb->tag);
				continue;
			}
			sfb_addrset_free(&tb->b.dst);
			tb->b.dst = to;
			sfb_addrset_init(&to);
			if (r->nat_port != 0) {
				sfb_portset_free(&tb->b.dport);
				sfb_portset_init(&tb->b.dport);
				if ((st = sfb_portset_add(&tb->b.dport, r->nat_port, r->nat_port)) != SFB_OK)
					break;
			}
			st = eval_box(W, &tb->b, acc, drop, unk);
		}
		if (st == SFB_OK && R.n > 0) {
			for (k = 0; k < R.n && st == SFB_OK; k++)
				st = eval_box(W, &R.v[k].b, acc, drop, unk);
		}
	}
out:
	free(chains);
	region_free(&R);
	region_free(&trans);
	region_free(&ret);
	rs_box_free(&x);
	rs_box_free(&y);
	sfb_addrset_free(&to);
	return st;
}

/* --- the plan's flows ---------------------------------------------------- */

/* The packets of plan entry e between src and dst: its flow's protocols
 * and source ports, the entry's destination ports (endpoint ports:). */
sfb_status
sfb_entry_box(const sfb_plan *plan, const struct sfb_entry *e, const sfb_addrset *src,
    const sfb_addrset *dst, struct rs_box *b)
{
	const struct sfb_cflow *f = &plan->cat->flows[e->flow];
	sfb_status st;

	b->protos = (unsigned)f->proto & (RS_TCP | RS_UDP);
	if ((st = sfb_addrset_copy(&b->src, src)) != SFB_OK ||
	    (st = sfb_addrset_copy(&b->dst, dst)) != SFB_OK ||
	    (st = sfb_iset_copy(&b->sport.s, &f->sport.s)) != SFB_OK ||
	    (st = sfb_iset_copy(&b->dport.s, &sfb_entry_dport(plan->cat, e)->s)) != SFB_OK)
		return st;
	return SFB_OK;
}

/* A new result for entry e at the end of A->f; NULL when out of memory. */
static struct aflow *
new_aflow(struct sfb_audit *A, const struct sfb_entry *e)
{
	struct aflow *af;

	if ((af = realloc(A->f, (A->nf + 1) * sizeof(*A->f))) == NULL)
		return NULL;
	A->f = af;
	af = &A->f[A->nf++];
	memset(af, 0, sizeof(*af));
	af->e = e;
	region_init(&af->dropped);
	region_init(&af->unknown);
	return af;
}

/* Each result's verdict from what was dropped, unknown and accepted. */
static void
set_verdicts(struct sfb_audit *A)
{
	struct aflow *af;
	size_t k;

	for (k = 0; k < A->nf; k++) {
		af = &A->f[k];
		af->verdict = af->unknown.n > 0 ? AV_UNKNOWN : af->dropped.n == 0 ? AV_ALLOWED :
		    !af->accepted_any ? AV_BLOCKED : AV_PARTIAL;
	}
}

/* A host's own firewall: every flow that ends at the host, from all its
 * sources, to the host's addresses; one result per catalog flow. */
static sfb_status
eval_host_flows(struct sfb_audit *A, struct region *plan_all)
{
	struct walk W = { A, NULL, "", false, false, false, true };
	const struct sfb_entry *e;
	struct region acc;
	struct rs_box b;
	struct aflow *af;
	sfb_addrset local;
	sfb_status st = SFB_OK;
	size_t i, k;

	region_init(&acc);
	sfb_addrset_init(&local);
	for (i = 0; i < A->plan->nentries && st == SFB_OK; i++) {
		e = &A->plan->entries[i];
		sfb_addrset_free(&local);
		sfb_addrset_init(&local);
		if ((st = sfb_plan_host_local(A->plan, A->host, e, &local)) != SFB_OK)
			break;
		if (sfb_addrset_empty(&local))
			continue;
		for (k = 0; k < A->nf && A->f[k].e->flow != e->flow; k++)
			;
		if (k == A->nf && new_aflow(A, e) == NULL) {
			st = SFB_ENOMEM;
			break;
		}
		af = &A->f[k];
		rs_box_init(&b);
		if ((st = sfb_entry_box(A->plan, e, &e->src, &local, &b)) == SFB_OK &&
		    !rs_box_empty(&b) && (st = region_add(plan_all, &b, nobody)) == SFB_OK)
			st = eval_box(&W, &b, &acc, &af->dropped, &af->unknown);
		rs_box_free(&b);
		if (acc.n > 0)
			af->accepted_any = true;
		region_clear(&acc);
	}
	set_verdicts(A);
	sfb_addrset_free(&local);
	region_free(&acc);
	return st;
}

static sfb_status
eval_flows(struct sfb_audit *A, struct region *plan_all)
{
	struct sfb_ritems items;
	struct region acc;
	struct walk W = { A, NULL, NULL, false, false, false, A->host != SIZE_MAX };
	struct rs_box b;
	struct aflow *af;
	sfb_status st;
	size_t i;

	memset(&items, 0, sizeof(items));
	region_init(&acc);
	if ((st = sfb_plan_items(A->plan, A->fw, &items)) != SFB_OK)
		goto out;
	/* One result per plan entry; items of one entry (per interface pair)
	 * are consecutive. */
	for (i = 0; i < items.n && st == SFB_OK; i++) {
		if ((A->nf == 0 || A->f[A->nf - 1].e != items.v[i].e) &&
		    new_aflow(A, items.v[i].e) == NULL) {
			st = SFB_ENOMEM;
			break;
		}
		af = &A->f[A->nf - 1];
		W.iif = items.v[i].iif;
		W.oif = items.v[i].oif;
		rs_box_init(&b);
		if ((st = sfb_entry_box(A->plan, items.v[i].e, items.v[i].src, items.v[i].dst, &b)) == SFB_OK && !rs_box_empty(&b)) {
			st = region_add(plan_all, &b, nobody);
			/* From the outside to a destination behind NAT: the packets
			 * arrive on its public address. */
			if (st == SFB_OK && A->dnat && !sfb_addrset_empty(&items.v[i].e->dst_public))
				st = eval_with_dnat(&W, &b, &items.v[i].e->dst_public, items.v[i].dst,
				    &acc, &af->dropped, &af->unknown);
			else if (st == SFB_OK)
				st = eval_box(&W, &b, &acc, &af->dropped, &af->unknown);
		}
		rs_box_free(&b);
		if (acc.n > 0)
			af->accepted_any = true;
		region_clear(&acc);
	}
	set_verdicts(A);
out:
	sfb_plan_items_free(&items);
	region_free(&acc);
	return st;
}

/* --- findings on the ruleset -------------------------------------------- */

static sfb_status
add_finding(struct sfb_audit *A, int kind, struct tag t, struct region *extra)
{
	struct afinding *f;

	if (sfb_grow(&A->fd, &A->capfd, A->nfd + 1, sizeof(*A->fd)) != SFB_OK)
		return SFB_ENOMEM;
	f = &A->fd[A->nfd++];
	f->kind = kind;
	f->tag = t;
	region_init(&f->extra);
	return extra != NULL ? region_move(&f->extra, extra, false, t) : SFB_OK;
}

static bool
box_is_all(const struct rs_box *b)
{
	return b->protos == RS_ALLPROTO && sfb_emit_is_all(&b->src, 0) &&
	    sfb_emit_is_all(&b->dst, 0) && sfb_portset_is_all(&b->sport) &&
	    sfb_portset_is_all(&b->dport);
}

/* Is chain ci reached from a forward base chain? */
static bool
on_forward_path(const struct sfb_audit *A, size_t ci, int depth)
{
	const struct rs_chain *c = &A->rs.chains[ci];
	size_t i, k;

	if (c->base)
		return c->hook == A->hook && c->filter &&
		    (A->rs.kind == RS_KIND_NFT || strcmp(c->table, "filter") == 0);
	if (depth > MAX_DEPTH)
		return false;
	for (i = 0; i < A->rs.n; i++)
		for (k = 0; k < A->rs.chains[i].n; k++)
			if ((A->rs.chains[i].rules[k].verdict == RS_JUMP ||
			    A->rs.chains[i].rules[k].verdict == RS_GOTO) &&
			    A->rs.chains[i].rules[k].target == ci && on_forward_path(A, i, depth + 1))
				return true;
	return false;
}

/* Evaluate box b as a rule's own packets: on a host's input path only
 * those to the host's own addresses exist. */
static sfb_status
eval_own(struct walk *W, const struct rs_box *b, struct region *acc, struct region *drop,
    struct region *unk)
{
	struct rs_box x;
	sfb_status st = SFB_OK;

	if (W->A->host == SIZE_MAX)
		return eval_box(W, b, acc, drop, unk);
	rs_box_init(&x);
	if ((st = rs_box_copy(&x, b)) == SFB_OK) {
		sfb_addrset_free(&x.dst);
		sfb_addrset_init(&x.dst);
		if ((st = sfb_addrset_intersect(&x.dst, &b->dst, &W->A->host_addrs)) == SFB_OK &&
		    !rs_box_empty(&x))
			st = eval_box(W, &x, acc, drop, unk);
	}
	rs_box_free(&x);
	return st;
}

/* What rule t lets through (acc boxes tagged t) and what decides the rest
 * of its match first, from the rule's own boxes walked from the start;
 * *unknown tells whether a rule the audit cannot model saw some of them
 * (then nobody can say the rule decides nothing). */
static sfb_status
rule_effect(struct sfb_audit *A, struct tag t, struct region *mine, struct region *others,
    bool *unknown)
{
	const struct rs_rule *r = &A->rs.chains[t.chain].rules[t.rule];
	struct walk W = { A, NULL, NULL, true, true, false, A->host != SIZE_MAX };
	struct region acc, drop, unk;
	sfb_status st = SFB_OK;
	size_t i, k;

	region_init(&acc);
	region_init(&drop);
	region_init(&unk);
	for (i = 0; i < r->nboxes && st == SFB_OK; i++)
		st = eval_own(&W, &r->boxes[i], &acc, &drop, &unk);
	*unknown = unk.n > 0;
	for (k = 0; k < 3 && st == SFB_OK; k++) {
		struct region *x = k == 0 ? &acc : k == 1 ? &drop : &unk;

		for (i = 0; i < x->n && st == SFB_OK; i++) {
			bool is = x->v[i].tag.chain == t.chain && x->v[i].tag.rule == t.rule;

			if (is && k == 0 && mine != NULL)
				st = region_add(mine, &x->v[i].b, t);
			else if (!is && others != NULL)
				st = region_add(others, &x->v[i].b, x->v[i].tag);
			else if (is && k == 1 && mine != NULL)
				st = region_add(mine, &x->v[i].b, t);
		}
	}
	region_free(&acc);
	region_free(&drop);
	region_free(&unk);
	return st;
}

static sfb_status
find(struct sfb_audit *A, const struct region *plan_all)
{
	struct region mine, others;
	const struct rs_rule *r;
	const struct rs_chain *c;
	struct tag t;
	sfb_status st = SFB_OK;
	size_t ci, i;
	bool unseen;

	region_init(&mine);
	region_init(&others);
	for (ci = 0; ci < A->rs.n && st == SFB_OK; ci++) {
		c = &A->rs.chains[ci];
		if (!on_forward_path(A, ci, 0))
			continue;
		for (i = 0; i < c->n && st == SFB_OK; i++) {
			r = &c->rules[i];
			t = (struct tag){ ci, i };
			if (r->never_new || r->verdict == RS_CONTINUE)
				continue;
			if (r->unknown != NULL) {
				st = add_finding(A, AF_NOT_MODELLED, t, NULL);
				continue;
			}
			if (r->verdict != RS_ACCEPT && r->verdict != RS_DROP)
				continue;
			region_clear(&mine);
			region_clear(&others);
			if ((st = rule_effect(A, t, &mine, &others, &unseen)) != SFB_OK)
				break;
			if (mine.n == 0 && !unseen) {
				st = add_finding(A, AF_SHADOWED, t, &others);
				continue;
			}
			if (r->verdict != RS_ACCEPT)
				continue;
			if (r->nboxes == 1 && box_is_all(&r->boxes[0]) && r->iif.name == NULL &&
			    r->oif.name == NULL) {
				st = add_finding(A, AF_ANY, t, NULL);
				continue;
			}
			if ((st = region_sub(&mine, plan_all)) == SFB_OK && mine.n > 0)
				st = add_finding(A, AF_SURPLUS, t, &mine);
		}
		/* A forward base chain whose policy accepts: what reaches it
		 * beyond the plan passes too. */
		if (st == SFB_OK && c->base && c->hook == A->hook && c->filter &&
		    c->policy == RS_ACCEPT && on_forward_path(A, ci, 0)) {
			struct rs_box all;
			struct walk W = { A, NULL, NULL, true, true, false, A->host != SIZE_MAX };
			struct region acc, drop, unk;

			rs_box_init(&all);
			region_init(&acc);
			region_init(&drop);
			region_init(&unk);
			region_clear(&mine);
			if ((st = rs_box_all(&all)) == SFB_OK)
				st = eval_own(&W, &all, &acc, &drop, &unk);
			for (i = 0; i < acc.n && st == SFB_OK; i++)
				if (acc.v[i].tag.chain == ci && acc.v[i].tag.rule == RS_POLICY)
					st = region_add(&mine, &acc.v[i].b, acc.v[i].tag);
			if (st == SFB_OK && (st = region_sub(&mine, plan_all)) == SFB_OK && mine.n > 0)
				st = add_finding(A, AF_POLICY, (struct tag){ ci, RS_POLICY }, &mine);
			rs_box_free(&all);
			region_free(&acc);
			region_free(&drop);
			region_free(&unk);
		}
	}
	/* nftables without a base chain on the forward hook for a family: the
	 * kernel passes every packet of it. */
	for (int fam = 4; fam <= 6 && st == SFB_OK && A->rs.kind == RS_KIND_NFT; fam += 2) {
		size_t *chains = NULL, n = 0;
		struct rs_box all, part;

		if ((st = hook_chains(A, fam, false, &chains, &n)) != SFB_OK)
			break;
		free(chains);
		if (n > 0)
			continue;
		rs_box_init(&all);
		rs_box_init(&part);
		region_clear(&mine);
		if ((st = rs_box_all(&all)) == SFB_OK && A->host != SIZE_MAX) {
			sfb_addrset_free(&all.dst);
			sfb_addrset_init(&all.dst);
			st = sfb_addrset_copy(&all.dst, &A->host_addrs);
		}
		if (st == SFB_OK && family_part(&part, &all, fam, &st))
			st = region_add(&mine, &part, nobody);
		if (st == SFB_OK && (st = region_sub(&mine, plan_all)) == SFB_OK && mine.n > 0)
			st = add_finding(A, AF_POLICY, (struct tag){ RS_NOBODY, 0 }, &mine);
		rs_box_free(&all);
		rs_box_free(&part);
	}
	region_free(&mine);
	region_free(&others);
	return st;
}

/* --- entry points ---------------------------------------------------------- */

void
sfb_audit_free(sfb_audit *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nf; i++) {
		region_free(&a->f[i].dropped);
		region_free(&a->f[i].unknown);
	}
	for (i = 0; i < a->nfd; i++)
		region_free(&a->fd[i].extra);
	free(a->f);
	free(a->fd);
	sfb_addrset_free(&a->host_addrs);
	rs_ruleset_free(&a->rs);
	free(a);
}

bool
sfb_audit_clean(const sfb_audit *a)
{
	const struct sfb_cflow *f;
	size_t i;

	for (i = 0; i < a->nf; i++) {
		f = &a->plan->cat->flows[a->f[i].e->flow];
		if (a->f[i].verdict == AV_UNKNOWN || (f->required && a->f[i].verdict != AV_ALLOWED))
			return false;
	}
	for (i = 0; i < a->nfd; i++)
		if (a->fd[i].kind != AF_SHADOWED)
			return false;
	return true;
}

sfb_status
sfb_audit_run_mem(sfb_ctx *ctx, const sfb_plan *plan, const sfb_audit_opts *o, const char *name,
    const char *data, size_t len, sfb_audit **out)
{
	struct sfb_audit *A;
	struct region plan_all;
	sfb_status st;
	size_t i;

	*out = NULL;
	region_init(&plan_all);
	if ((A = calloc(1, sizeof(*A))) == NULL)
		return sfb_oom(ctx);
	A->plan = plan;
	A->file = name;
	sfb_addrset_init(&A->host_addrs);
	st = SFB_OK;
	A->host = SIZE_MAX;
	A->fw = SFB_NO_FIREWALL;
	A->hook = RS_HOOK_FORWARD;
	if (o->host != NULL) {
		for (i = 0; i < plan->topo->nhosts && strcmp(plan->topo->hosts[i].name, o->host); i++)
			;
		if (i == plan->topo->nhosts || i >= plan->topo->nhosts_real) {
			st = sfb_topology_no_such(ctx, plan->topo, "host", o->host);
			goto out;
		}
		A->host = i;
		A->hook = RS_HOOK_INPUT;
		for (size_t k = plan->topo->hosts[i].first_ep;
		    k < plan->topo->hosts[i].first_ep + plan->topo->hosts[i].nep && st == SFB_OK; k++)
			st = plan->topo->eps[k].addr_text == NULL ? sfb_addrset_all(&A->host_addrs) :
			    sfb_addrset_union(&A->host_addrs, &plan->topo->eps[k].addr);
		if (st != SFB_OK) {
			st = sfb_oom(ctx);
			goto out;
		}
	} else if ((st = sfb_plan_pick_firewall(ctx, plan, o->firewall, &A->fw)) != SFB_OK) {
		goto out;
	}
	A->ifaces = A->fw != SFB_NO_FIREWALL && plan->topo->fws[A->fw].ifnames != NULL;
	if ((st = sfb_rs_parse(ctx, name, data, len, &A->rs)) != SFB_OK)
		goto out;
	/* A host's firewall sees the inside address: NAT happens before it. */
	A->dnat = A->host == SIZE_MAX && has_dnat(A);
	for (size_t ci = 0; ci < A->rs.n; ci++)
		for (size_t ri = 0; ri < A->rs.chains[ci].n; ri++)
			rs_hull_of(&A->rs.chains[ci].rules[ri].hull, A->rs.chains[ci].rules[ri].boxes,
			    A->rs.chains[ci].rules[ri].nboxes);
	st = A->host != SIZE_MAX ? eval_host_flows(A, &plan_all) : eval_flows(A, &plan_all);
	if (st != SFB_OK || (st = find(A, &plan_all)) != SFB_OK) {
		st = st == SFB_ENOMEM ? sfb_oom(ctx) : st;
		goto out;
	}
	*out = A;
	A = NULL;
out:
	region_free(&plan_all);
	sfb_audit_free(A);
	return st;
}

sfb_status
sfb_audit_run(sfb_ctx *ctx, const sfb_plan *plan, const sfb_audit_opts *o, const char *path,
    sfb_audit **out)
{
	sfb_buf b;
	sfb_status st;

	*out = NULL;
	sfb_buf_init(&b);
	if ((st = sfb_read_file(ctx, path, &b)) == SFB_OK)
		st = sfb_audit_run_mem(ctx, plan, o, path, b.data != NULL ? b.data : "", b.len, out);
	sfb_buf_free(&b);
	return st;
}
