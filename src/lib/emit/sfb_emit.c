/* Shared parts of the firewall targets. */
#include "sfb_emit.h"
#include "sfb_esc.h"

#include <stdlib.h>
#include <string.h>

sfb_status
sfb_emit_pick_firewall(sfb_ctx *ctx, const sfb_plan *plan, const char *name, size_t *fw)
{
	const sfb_topology *t = plan->topo;
	sfb_buf names;
	long i;
	size_t k;
	sfb_status st;

	if (name != NULL) {
		i = sfb_topology_find_firewall(t, name);
		if (i < 0)
			return sfb_topology_no_such(ctx, t, "firewall", name);
		*fw = (size_t)i;
		return SFB_OK;
	}
	if (t->nfws == 1) {
		*fw = 0;
		return SFB_OK;
	}
	if (t->nfws == 0)
		return sfb_failf(ctx, SFB_EINVAL, "%s defines no firewalls", t->file);
	/* Rules of several firewalls in one file would be loaded on one box
	 * by mistake; make the choice explicit. */
	sfb_buf_init(&names);
	for (k = 0; k < t->nfws; k++)
		sfb_buf_printf(&names, "%s%s", k ? ", " : "", t->fws[k].name);
	st = sfb_buf_status(&names) != SFB_OK ? sfb_oom(ctx) :
	    sfb_failf(ctx, SFB_EINVAL, "%s has %zu firewalls (%s): choose one with --firewall NAME",
	    t->file, t->nfws, sfb_buf_str(&names));
	sfb_buf_free(&names);
	return st;
}

void
sfb_setreg_init(struct sfb_setreg *r)
{
	memset(r, 0, sizeof(*r));
}

void
sfb_setreg_free(struct sfb_setreg *r)
{
	free(r->sets);
	free(r->tab);
	free(r->hash);
	sfb_setreg_init(r);
}

static uint64_t
iset_hash(uint64_t h, const sfb_iset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		h = (h ^ s->r[i].lo.hi) * 1099511628211ull;
		h = (h ^ s->r[i].lo.lo) * 1099511628211ull;
		h = (h ^ s->r[i].hi.hi) * 1099511628211ull;
		h = (h ^ s->r[i].hi.lo) * 1099511628211ull;
	}
	return (h ^ s->n) * 1099511628211ull;
}

static uint64_t
addrset_hash(const sfb_addrset *a)
{
	return iset_hash(iset_hash(1469598103934665603ull, &a->v4), &a->v6);
}

/* Put set i into the table (which has room). */
static void
tab_put(struct sfb_setreg *r, size_t i)
{
	size_t k;

	for (k = (size_t)r->hash[i] & (r->tcap - 1); r->tab[k] != 0; k = (k + 1) & (r->tcap - 1))
		;
	r->tab[k] = i + 1;
}

long
sfb_setreg_add(struct sfb_setreg *r, const sfb_addrset *a)
{
	uint64_t h = addrset_hash(a);
	size_t k, i, ncap, *tab;

	for (k = r->tcap ? (size_t)h & (r->tcap - 1) : 0; r->tcap && r->tab[k] != 0;
	    k = (k + 1) & (r->tcap - 1)) {
		i = r->tab[k] - 1;
		if (r->hash[i] == h && sfb_addrset_equal(r->sets[i], a))
			return (long)i;
	}
	if (sfb_grow(&r->sets, &r->cap, r->n + 1, sizeof(*r->sets)) != SFB_OK ||
	    sfb_grow(&r->hash, &r->hcap, r->n + 1, sizeof(*r->hash)) != SFB_OK)
		return -1;
	r->sets[r->n] = a;
	r->hash[r->n] = h;
	/* At most half full: a bigger table, and everything put again. */
	if ((r->n + 1) * 2 > r->tcap) {
		ncap = r->tcap ? r->tcap * 2 : 64;
		tab = calloc(ncap, sizeof(*tab));
		if (tab == NULL)
			return -1;
		free(r->tab);
		r->tab = tab;
		r->tcap = ncap;
		for (i = 0; i < r->n; i++)
			tab_put(r, i);
	}
	tab_put(r, r->n);
	return (long)r->n++;
}

void
sfb_emit_comment(sfb_buf *b, const sfb_plan *plan, const struct sfb_entry *e, size_t max)
{
	const struct sfb_cflow *f = &plan->cat->flows[e->flow];
	sfb_buf raw, esc;
	const char *s;
	size_t n, start = b->len;

	sfb_buf_init(&raw);
	sfb_buf_init(&esc);
	sfb_buf_printf(&raw, "%s: %s %s", f->id, plan->cat->docs[f->cite[0].doc].id,
	    f->cite[0].section);
	/* Catalog text may come from --catalog DIR: escaped like any outside
	 * text, in the strictest form (no quote, no backslash) so that every
	 * target can put it in its string or comment as it is. */
	sfb_esc_put(&esc, SFB_ESC_DQ, sfb_buf_str(&raw));
	s = sfb_buf_str(&esc);
	n = strlen(s);
	sfb_buf_add(b, s, n < max ? n : max);
	/* A cut comment ends at a word, never inside a multi-byte UTF-8
	 * character, and says it was cut. */
	if (n > max && b->data != NULL) {
		size_t keep = b->len;

		/* Room for the "..." that says the comment was cut. */
		if (keep > start + 3 && keep - start + 3 > max)
			keep = start + max - 3;
		while (keep > start + 1 && b->data[keep - 1] != ' ')
			keep--;
		if (keep > start + 1)
			b->len = keep - 1;
		while (b->len > start && ((unsigned char)b->data[b->len - 1] & 0xC0) == 0x80)
			b->len--;
		if (b->len > start && ((unsigned char)b->data[b->len - 1] & 0xC0) == 0xC0)
			b->len--;
		b->data[b->len] = '\0';
		if (b->len + 3 <= start + max)
			sfb_buf_puts(b, "...");
	}
	if (raw.oom || esc.oom)
		b->oom = true;
	sfb_buf_free(&raw);
	sfb_buf_free(&esc);
}

int
sfb_emit_protos(int proto, int out[2])
{
	int n = 0;

	if (proto & SFB_PROTO_TCP)
		out[n++] = SFB_PROTO_TCP;
	if (proto & SFB_PROTO_UDP)
		out[n++] = SFB_PROTO_UDP;
	return n;
}

void
sfb_emit_header(sfb_buf *b, const sfb_plan *plan, size_t fw, const char *target,
    const char *prefix)
{
	const sfb_topology *t = plan->topo;
	const struct sfb_firewall *f = &t->fws[fw];
	size_t k;

	/* The topology's name and file path are outside text in a line
	 * comment: escaped so that neither can end the comment. */
	sfb_buf_printf(b, "%s %s ruleset for firewall '%s' of topology '", prefix, target,
	    f->name);
	sfb_esc_put(b, SFB_ESC_LINE, t->name);
	sfb_buf_printf(b, "'\n%s generated by sfbnet %s from ", prefix, sfb_version());
	sfb_esc_put(b, SFB_ESC_LINE, t->file);
	sfb_buf_printf(b, "; do not edit, regenerate.\n%s zones: ", prefix);
	for (k = 0; k < f->nzones; k++)
		sfb_buf_printf(b, "%s%s", k == 0 ? "" : f->nzones == 2 ? " <-> " : ", ",
		    t->zones[f->zones[k]].name);
	if (f->nzones > 2)
		sfb_buf_printf(b, " (one firewall joins all %zu)", f->nzones);
	sfb_buf_printf(b, "\n%s forward path only; replies ride on connection tracking.\n", prefix);
	sfb_buf_printf(b, "%s NAT: destinations are matched on their inside address (after DNAT).\n",
	    prefix);
}

bool
sfb_emit_is_all(const sfb_addrset *a, int family)
{
	sfb_addrset all;
	bool r4, r6;

	sfb_addrset_init(&all);
	if (sfb_addrset_all(&all) != SFB_OK) {
		sfb_addrset_free(&all);
		return false;
	}
	r4 = sfb_iset_equal(&a->v4, &all.v4);
	r6 = sfb_iset_equal(&a->v6, &all.v6);
	sfb_addrset_free(&all);
	return family == 4 ? r4 : family == 6 ? r6 : r4 && r6;
}

size_t
sfb_emit_fw_side(const sfb_plan *plan, size_t fw, size_t z)
{
	size_t k = sfb_plan_fw_side(plan, fw, z);

	return k == SIZE_MAX ? SFB_NO_FIREWALL : plan->topo->fws[fw].zones[k];
}

void
sfb_zsplit_free(struct sfb_zsplit *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		sfb_addrset_free(&s->p[i].addr);
	free(s->p);
	s->p = NULL;
	s->n = 0;
}

sfb_status
sfb_emit_zsplit(const sfb_plan *plan, size_t fw, const size_t *eps, size_t neps,
    struct sfb_zsplit *out)
{
	const sfb_topology *t = plan->topo;
	const struct sfb_firewall *f = &t->fws[fw];
	struct sfb_zsplit s = { NULL, 0 };
	const sfb_addrset **sets = NULL;
	size_t *side = NULL, *count = NULL, *at = NULL, k, i, n;
	sfb_status st = SFB_OK;

	s.p = calloc(f->nzones + 1, sizeof(*s.p));
	side = calloc(neps + 1, sizeof(*side));
	count = calloc(f->nzones + 1, sizeof(*count));
	at = calloc(f->nzones + 1, sizeof(*at));
	sets = calloc(neps + 1, sizeof(*sets));
	if (s.p == NULL || side == NULL || count == NULL || at == NULL || sets == NULL) {
		st = SFB_ENOMEM;
		goto out;
	}
	/* Each endpoint's side once, then the endpoints of each side in one
	 * union: endpoints + zones, not endpoints x zones x zones. */
	for (i = 0; i < neps; i++) {
		side[i] = sfb_plan_fw_side(plan, fw, t->eps[eps[i]].zone);
		if (side[i] != SIZE_MAX)
			count[side[i]]++;
	}
	for (k = 1; k < f->nzones; k++)
		at[k] = at[k - 1] + count[k - 1];
	for (i = 0; i < neps; i++)
		if (side[i] != SIZE_MAX)
			sets[at[side[i]]++] = &t->eps[eps[i]].addr;
	for (k = 0, n = 0; k < f->nzones; n += count[k], k++) {
		if (count[k] == 0)
			continue;
		s.p[s.n].zone = f->zones[k];
		sfb_addrset_init(&s.p[s.n].addr);
		s.n++;
		if ((st = sfb_addrset_union_many(&s.p[s.n - 1].addr, &sets[n], count[k])) != SFB_OK)
			goto out;
		if (sfb_addrset_empty(&s.p[s.n - 1].addr))
			sfb_addrset_free(&s.p[--s.n].addr);
	}
	*out = s;
	s.p = NULL;
	s.n = 0;
out:
	sfb_zsplit_free(&s);
	free(side);
	free(count);
	free(at);
	free(sets);
	return st;
}

void
sfb_emit_name(sfb_buf *b, const char *s, size_t max)
{
	size_t i, n = strlen(s);

	if (n == 0 && max > 0)
		sfb_buf_putc(b, '_');
	for (i = 0; i < n && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.')
			sfb_buf_putc(b, (char)c);
		else
			sfb_buf_putc(b, '_');
	}
}

size_t
sfb_emit_nranges(const sfb_portset *p)
{
	return p->s.n;
}

void
sfb_emit_range(const sfb_portset *p, size_t i, unsigned *lo, unsigned *hi)
{
	*lo = (unsigned)p->s.r[i].lo.lo;
	*hi = (unsigned)p->s.r[i].hi.lo;
}

bool
sfb_emit_meet(const sfb_addrset *a, const sfb_addrset *b)
{
	return (sfb_addrset_has_family(a, 4) && sfb_addrset_has_family(b, 4)) ||
	    (sfb_addrset_has_family(a, 6) && sfb_addrset_has_family(b, 6));
}

const char *
sfb_emit_any_keyword(const sfb_addrset *a, const char *any, const char *any4, const char *any6)
{
	if (sfb_emit_is_all(a, 0))
		return any;
	if (sfb_emit_is_all(a, 4) && !sfb_addrset_has_family(a, 6))
		return any4;
	if (sfb_emit_is_all(a, 6) && !sfb_addrset_has_family(a, 4))
		return any6;
	return NULL;
}

static sfb_status
add_item(struct sfb_ritems *it, const struct sfb_entry *e, const sfb_addrset *src,
    const sfb_addrset *dst, const char *iif, const char *oif)
{
	if (it->n >= SFB_EMIT_MAX_RULES)
		return SFB_ERANGE;
	if (sfb_grow(&it->v, &it->cap, it->n + 1, sizeof(*it->v)) != SFB_OK)
		return SFB_ENOMEM;
	it->v[it->n++] = (struct sfb_ritem){ e, src, dst, iif, oif };
	return SFB_OK;
}

sfb_status
sfb_emit_too_many(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, const char *target)
{
	const struct sfb_firewall *f = &plan->topo->fws[fw];

	return sfb_fail(ctx, SFB_ERANGE, plan->topo->file, 0, 0,
	    "the %s rules of firewall '%s' would be more than %d (this sfbnet's limit): it "
	    "joins %zu zones, and a rule is written for each pair of them a flow crosses "
	    "between; split it into firewalls of fewer zones%s", target, f->name,
	    SFB_EMIT_MAX_RULES, f->nzones,
	    f->ifnames != NULL ? " or leave its interfaces out" : "");
}

static const char *
ifname_of(const struct sfb_firewall *f, size_t zone)
{
	size_t k;

	for (k = 0; k < f->nzones; k++)
		if (f->zones[k] == zone)
			return f->ifnames[k];
	return NULL;
}

sfb_status
sfb_emit_items(const sfb_plan *plan, size_t fw, struct sfb_ritems *out)
{
	const struct sfb_firewall *f = &plan->topo->fws[fw];
	const struct sfb_entry *e;
	struct sfb_zsplit *ss, *ds;
	size_t first, count, i, a, b;
	sfb_status st = SFB_OK;

	memset(out, 0, sizeof(*out));
	sfb_plan_fw_range(plan, fw, &first, &count);
	for (i = first; i < first + count && st == SFB_OK; i++) {
		e = &plan->entries[i];
		if (f->ifnames == NULL) {
			st = add_item(out, e, &e->src, &e->dst, NULL, NULL);
			continue;
		}
		if (sfb_grow(&out->splits, &out->capsplits, out->nsplits + 2,
		    sizeof(*out->splits)) != SFB_OK) {
			st = SFB_ENOMEM;
			break;
		}
		ss = &out->splits[out->nsplits];
		ds = &out->splits[out->nsplits + 1];
		memset(ss, 0, 2 * sizeof(*ss));
		if ((st = sfb_emit_zsplit(plan, fw, e->src_eps, e->nsrc, ss)) != SFB_OK)
			break;
		out->nsplits++;
		if ((st = sfb_emit_zsplit(plan, fw, e->dst_eps, e->ndst, ds)) != SFB_OK)
			break;
		out->nsplits++;
		for (a = 0; a < ss->n && st == SFB_OK; a++)
			for (b = 0; b < ds->n && st == SFB_OK; b++)
				if (ss->p[a].zone != ds->p[b].zone)
					st = add_item(out, e, &ss->p[a].addr, &ds->p[b].addr,
					    ifname_of(f, ss->p[a].zone), ifname_of(f, ds->p[b].zone));
	}
	if (st != SFB_OK)
		sfb_emit_items_free(out);
	return st;
}

void
sfb_emit_items_free(struct sfb_ritems *it)
{
	size_t i;

	for (i = 0; i < it->nsplits; i++)
		sfb_zsplit_free(&it->splits[i]);
	free(it->splits);
	free(it->v);
	memset(it, 0, sizeof(*it));
}

/* --- NAT -------------------------------------------------------------------- */

sfb_status
sfb_emit_nats(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, struct sfb_nats *out)
{
	const sfb_topology *t = plan->topo;
	const struct sfb_endpoint *ep, *other;
	size_t i, j, out_zone = SIZE_MAX, nz = t->nzones, side;
	sfb_status st;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < nz; i++)
		if (t->zones[i].is_default)
			out_zone = i;
	out->outside = out_zone;
	if (out_zone == SIZE_MAX)
		return SFB_OK;
	for (i = 0; i < t->neps_real; i++) {
		ep = &t->eps[i];
		if (ep->pub_text == NULL || ep->zone == out_zone ||
		    sfb_plan_path_len(plan, ep->zone, out_zone) < 1 ||
		    plan->via_fw[ep->zone * nz + out_zone] != fw)
			continue;
		/* One public address, one inside address: the same endpoint
		 * written twice (two hosts' views) is one NAT. */
		for (j = 0; j < out->n; j++) {
			other = &t->eps[out->v[j].ep];
			if (strcmp(other->pub_text, ep->pub_text) != 0)
				continue;
			if (strcmp(other->addr_text, ep->addr_text) == 0)
				break;
			st = sfb_fail(ctx, SFB_EINVAL, t->file, ep->pub_line, ep->pub_col,
			    "public address '%s' is also the NAT address of '%s' (host '%s'): "
			    "--nat writes one static NAT per public address, not a NAT by port",
			    ep->pub_text, other->addr_text, t->hosts[other->host].name);
			goto fail;
		}
		if (j < out->n)
			continue;
		side = sfb_plan_fw_side(plan, fw, ep->zone);
		if (side == SIZE_MAX)
			continue;
		if (sfb_grow(&out->v, &out->cap, out->n + 1, sizeof(*out->v)) != SFB_OK) {
			st = sfb_oom(ctx);
			goto fail;
		}
		out->v[out->n].ep = i;
		out->v[out->n].inside = ep->addr_text;
		out->v[out->n].pub = ep->pub_text;
		out->v[out->n].family = sfb_addrset_has_family(&ep->pub, 4) ? 4 : 6;
		out->v[out->n].in_zone = t->fws[fw].zones[side];
		out->n++;
	}
	return SFB_OK;
fail:
	/* Nothing half-built reaches the caller. */
	sfb_emit_nats_free(out);
	return st;
}

void
sfb_emit_nats_free(struct sfb_nats *n)
{
	free(n->v);
	memset(n, 0, sizeof(*n));
}

const char *
sfb_emit_nft_family(const sfb_fw_opts *o)
{
	return o != NULL && o->nft_family != NULL ? o->nft_family : "inet";
}

const char *
sfb_emit_nft_table(const sfb_fw_opts *o)
{
	return o != NULL && o->nft_table != NULL ? o->nft_table : "filter";
}

void
sfb_emit_nat_header(sfb_buf *b, const char *p)
{
	sfb_buf_printf(b, "%s NAT (--nat): each public address of the topology, on the firewall where\n"
	    "%s   the path from its endpoint enters the outside zone.  Inbound: the public\n"
	    "%s   address becomes the inside one, the source is kept.  Outbound to the\n"
	    "%s   outside zone: the inside address becomes the public one (symmetric NAT,\n"
	    "%s   as the A/V Edge requires) [" SFB_NAT_CITE "]\n", p, p, p, p, p);
}
