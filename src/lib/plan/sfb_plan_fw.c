/* The firewall view of the plan: what one firewall must pass, as the
 * emitters write it and the audit reads it.  The firewall a ruleset is
 * for, the side of the firewall each endpoint is on, the rule items (an
 * entry between the sources and destinations of each pair of the
 * firewall's zones, with the interfaces when the topology names them), and
 * the static NATs the topology's public addresses imply. */
#include <stdlib.h>
#include <string.h>

#include "sfb_plan_fw.h"

sfb_status
sfb_plan_pick_firewall(sfb_ctx *ctx, const sfb_plan *plan, const char *name, size_t *fw)
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

size_t
sfb_plan_fw_zone(const sfb_plan *plan, size_t fw, size_t z)
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
sfb_plan_zsplit(const sfb_plan *plan, size_t fw, const size_t *eps, size_t neps,
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

static sfb_status
add_item(struct sfb_ritems *it, const struct sfb_entry *e, const sfb_addrset *src,
    const sfb_addrset *dst, const char *iif, const char *oif)
{
	if (it->n >= SFB_PLAN_MAX_RULES)
		return SFB_ERANGE;
	if (sfb_grow(&it->v, &it->cap, it->n + 1, sizeof(*it->v)) != SFB_OK)
		return SFB_ENOMEM;
	it->v[it->n++] = (struct sfb_ritem){ e, src, dst, iif, oif };
	return SFB_OK;
}

sfb_status
sfb_plan_too_many(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, const char *target)
{
	const struct sfb_firewall *f = &plan->topo->fws[fw];

	return sfb_fail(ctx, SFB_ERANGE, plan->topo->file, 0, 0,
	    "the %s rules of firewall '%s' would be more than %d (this sfbnet's limit): it "
	    "joins %zu zones, and a rule is written for each pair of them a flow crosses "
	    "between; split it into firewalls of fewer zones%s", target, f->name,
	    SFB_PLAN_MAX_RULES, f->nzones,
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
sfb_plan_items(const sfb_plan *plan, size_t fw, struct sfb_ritems *out)
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
		if ((st = sfb_plan_zsplit(plan, fw, e->src_eps, e->nsrc, ss)) != SFB_OK)
			break;
		out->nsplits++;
		if ((st = sfb_plan_zsplit(plan, fw, e->dst_eps, e->ndst, ds)) != SFB_OK)
			break;
		out->nsplits++;
		for (a = 0; a < ss->n && st == SFB_OK; a++)
			for (b = 0; b < ds->n && st == SFB_OK; b++)
				if (ss->p[a].zone != ds->p[b].zone)
					st = add_item(out, e, &ss->p[a].addr, &ds->p[b].addr,
					    ifname_of(f, ss->p[a].zone), ifname_of(f, ds->p[b].zone));
	}
	if (st != SFB_OK)
		sfb_plan_items_free(out);
	return st;
}

void
sfb_plan_items_free(struct sfb_ritems *it)
{
	size_t i;

	for (i = 0; i < it->nsplits; i++)
		sfb_zsplit_free(&it->splits[i]);
	free(it->splits);
	free(it->v);
	memset(it, 0, sizeof(*it));
}

sfb_status
sfb_plan_nats(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, struct sfb_nats *out)
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
	sfb_plan_nats_free(out);
	return st;
}

void
sfb_plan_nats_free(struct sfb_nats *n)
{
	free(n->v);
	memset(n, 0, sizeof(*n));
}

/* The host's addresses among the destinations of an entry (every address
 * for an endpoint that stands for its whole zone). */
sfb_status
sfb_plan_host_local(const sfb_plan *plan, size_t host, const struct sfb_entry *e, sfb_addrset *out)
{
	const struct sfb_endpoint *ep;
	size_t i;
	sfb_status st;

	for (i = 0; i < e->ndst; i++) {
		ep = &plan->topo->eps[e->dst_eps[i]];
		if (ep->host != host)
			continue;
		st = ep->addr_text == NULL ? sfb_addrset_all(out) : sfb_addrset_union(out, &ep->addr);
		if (st != SFB_OK)
			return st;
	}
	return SFB_OK;
}
