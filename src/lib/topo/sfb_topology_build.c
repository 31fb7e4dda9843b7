/* The topology builder: what every front end (the YAML loader; later the
 * Topology Builder and Office 365 importers) hands over is resolved and
 * checked here, with the positions the front end kept: duplicate host
 * names, pools that no host has, an Edge pool behind NAT with a vip; in
 * version 2 the units, sites and uses and the virtual endpoints of the
 * load balancers; what each zone covers; two hosts on one address; two
 * services on one address and port; an Edge's two sides in one network. */
#include "sfb_topology_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static sfb_status check_edge_networks(struct sfb_tb *B);

struct name_ref {
	const char *name;
	size_t idx;
};

/* Names in order, equal names in list order. */
static int
then_by_index(const struct name_ref *x, const struct name_ref *y, int c)
{
	if (c != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int
cmp_name_ref(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;

	return then_by_index(x, y, strcmp(x->name, y->name));
}

static int
cmp_name_ref_nocase(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;

	return then_by_index(x, y, strcasecmp(x->name, y->name));
}

/* The first name (in list order) that repeats an earlier one, found by
 * sorting, so that 100,000 names cost n log n: *dup is its index and
 * *orig the index of its first occurrence; *dup == n when none repeats. */
sfb_status
sfb_tb_find_duplicate(sfb_ctx *ctx, const char *const *names, size_t stride, size_t n,
    bool nocase, size_t *orig, size_t *dup)
{
	struct name_ref *refs;
	size_t i;

	*dup = n;
	if (n < 2)
		return SFB_OK;
	refs = calloc(n, sizeof(*refs));
	if (refs == NULL)
		return sfb_oom(ctx);
	for (i = 0; i < n; i++) {
		refs[i].name = *(const char *const *)((const char *)names + i * stride);
		refs[i].idx = i;
	}
	qsort(refs, n, sizeof(*refs), nocase ? cmp_name_ref_nocase : cmp_name_ref);
	for (i = 1; i < n; i++) {
		bool same = nocase ? strcasecmp(refs[i].name, refs[i - 1].name) == 0 :
		    strcmp(refs[i].name, refs[i - 1].name) == 0;

		/* Equal names sort by index, so refs[i - 1] of a run of equal
		 * names is preceded by the run's first occurrence. */
		if (same && refs[i].idx < *dup) {
			size_t k = i - 1;

			while (k > 0 && (nocase ? strcasecmp(refs[k - 1].name, refs[i].name) == 0 :
			    strcmp(refs[k - 1].name, refs[i].name) == 0))
				k--;
			*dup = refs[i].idx;
			*orig = refs[k].idx;
		}
	}
	free(refs);
	return SFB_OK;
}

/* Duplicate host names, at the later one's name. */
static sfb_status
check_duplicate_hosts(struct sfb_tb *B)
{
	const sfb_topology *t = B->t;
	size_t orig = 0, dup;
	sfb_status st;

	if (t->nhosts == 0)
		return SFB_OK;
	if ((st = sfb_tb_find_duplicate(B->ctx, (const char *const *)&t->hosts[0].name,
	    sizeof(t->hosts[0]), t->nhosts, false, &orig, &dup)) != SFB_OK)
		return st;
	if (dup == t->nhosts)
		return SFB_OK;
	return sfb_fail(B->ctx, SFB_EINVAL, t->file, t->hosts[dup].line, t->hosts[dup].col,
	    "duplicate host name '%s' (first at line %d)", t->hosts[dup].name,
	    t->hosts[orig].line);
}

/* One address of an endpoint that stands for a single address, for the
 * duplicate check: its family and value. */
struct addr_ref {
	int family;
	sfb_u128 key;
	size_t ep;
};

static int
cmp_addr_ref(const void *a, const void *b)
{
	const struct addr_ref *x = a, *y = b;
	int c;

	if (x->family != y->family)
		return x->family - y->family;
	if ((c = sfb_u128_cmp(x->key, y->key)) != 0)
		return c;
	return x->ep < y->ep ? -1 : x->ep > y->ep;
}

/* Two hosts on one address: the firewall cannot tell them apart, so every
 * rule for one opens the other's ports too.  (One host may put several
 * endpoints on its address: the roles of one server.)  Found by sorting;
 * the error is at the later endpoint and names the earlier. */
static sfb_status
check_duplicate_addresses(struct sfb_tb *B)
{
	const sfb_topology *t = B->t;
	const struct sfb_endpoint *ep, *prev;
	struct addr_ref *refs;
	size_t i, k, n = 0, best = SIZE_MAX, first = 0;
	sfb_status st = SFB_OK;

	refs = calloc(t->neps + 1, sizeof(*refs));
	if (refs == NULL)
		return sfb_oom(B->ctx);
	for (i = 0; i < t->neps; i++) {
		ep = &t->eps[i];
		if (ep->addr_text == NULL || !sfb_addr_is_single(ep->addr_text))
			continue;
		if (ep->addr.v4.n == 1 && ep->addr.v6.n == 0)
			refs[n] = (struct addr_ref){ 4, ep->addr.v4.r[0].lo, i };
		else if (ep->addr.v6.n == 1 && ep->addr.v4.n == 0)
			refs[n] = (struct addr_ref){ 6, ep->addr.v6.r[0].lo, i };
		else
			continue;
		n++;
	}
	qsort(refs, n, sizeof(*refs), cmp_addr_ref);
	/* The first endpoint in file order whose address an endpoint of
	 * another host, earlier in the file, already has. */
	for (i = 1, k = 0; i < n; i++) {
		if (refs[i].family != refs[i - 1].family ||
		    sfb_u128_cmp(refs[i].key, refs[i - 1].key) != 0) {
			k = i;   /* a new run of one address starts */
			continue;
		}
		/* The run's first endpoint is the earliest (equal keys sort by
		 * index): compare with it. */
		if (t->eps[refs[k].ep].host != t->eps[refs[i].ep].host && refs[i].ep < best) {
			best = refs[i].ep;
			first = refs[k].ep;
		}
	}
	if (best != SIZE_MAX) {
		ep = &t->eps[best];
		prev = &t->eps[first];
		st = sfb_fail(B->ctx, SFB_EINVAL, t->file, ep->addr_line, ep->addr_col,
		    "address %s of host '%s' is already the address of host '%s' (line %d): "
		    "a firewall cannot tell two hosts on one address apart (put the roles of "
		    "one server on one host)", ep->addr_text, t->hosts[ep->host].name,
		    t->hosts[prev->host].name, prev->addr_line);
	}
	free(refs);
	return st;
}

/* True if host h has an external Edge endpoint (access, web conferencing
 * or A/V) with a NAT public address. */
static bool
edge_nat(const struct sfb_tb *B, size_t h)
{
	const struct sfb_host *host = &B->t->hosts[h];
	const struct sfb_endpoint *ep;
	size_t i;

	for (i = host->first_ep; i < host->first_ep + host->nep; i++) {
		ep = &B->t->eps[i];
		if (ep->pub_text != NULL && sfb_endpoint_has_trait(B->cat, ep, SFB_TRAIT_EDGE_EXTERNAL))
			return true;
	}
	return false;
}

/* pools: each names a pool some host has; an Edge pool behind NAT takes no
 * vip. */
static sfb_status
check_pools(struct sfb_tb *B)
{
	const sfb_topology *t = B->t;
	const struct sfb_pooldecl *pd;
	sfb_strmap used, natted;
	sfb_status st = SFB_OK;
	size_t i, j;

	sfb_strmap_init(&used);
	sfb_strmap_init(&natted);
	/* The pools the hosts name, indexed once; and the Edge pools behind
	 * NAT (an external Edge endpoint with a public address). */
	for (j = 0; j < t->nhosts; j++)
		if (t->hosts[j].pool != NULL &&
		    (sfb_strmap_put(&used, t->hosts[j].pool, j, NULL, NULL) != SFB_OK ||
		    (edge_nat(B, j) &&
		    sfb_strmap_put(&natted, t->hosts[j].pool, j, NULL, NULL) != SFB_OK))) {
			st = sfb_oom(B->ctx);
			goto out;
		}
	for (i = 0; i < t->npools; i++) {
		pd = &t->pools[i];
		if (!sfb_strmap_get(&used, pd->fqdn, &j)) {
			st = sfb_fail(B->ctx, SFB_EINVAL, t->file, pd->fqdn_line, pd->fqdn_col,
			    "no host has pool '%s'", pd->fqdn);
			goto out;
		}
		/* Topology Builder refuses the combination: an Edge pool behind
		 * NAT is balanced by DNS, never by a hardware load balancer. */
		if (pd->vip != NULL && sfb_strmap_get(&natted, pd->fqdn, &j)) {
			st = sfb_fail(B->ctx, SFB_EINVAL, t->file, pd->vip_line, pd->vip_col,
			    "pool '%s' is an Edge pool behind NAT (host '%s' has a public address): "
			    "NAT is not supported with hardware load balancing, so give it no vip "
			    "(DNS load balancing) or no public addresses [ms-tb-edge-ip: Topology "
			    "Builder, Add Edge Server IP Options, NAT support]", pd->fqdn,
			    t->hosts[j].name);
			goto out;
		}
		/* Version 1 keeps its meaning, but says what it leaves out. */
		if (pd->vip != NULL && t->version < 2 &&
		    (st = sfb_warn(B->ctx, t->file, pd->vip_line, pd->vip_col, "pool '%s': "
		    "topology version 1 puts the vip in DNS only, and its rules let web "
		    "traffic reach the members, not the load balancer; write version: 2 to "
		    "plan the load-balanced traffic (clients, other pools and the reverse "
		    "proxy to the vip) [ms-load-balancing: Hardware load balancer "
		    "requirements, Director and Front End pool web services]", pd->fqdn)) != SFB_OK)
			goto out;
	}
out:
	sfb_strmap_free(&used);
	sfb_strmap_free(&natted);
	return st;
}

/* --- resolve ------------------------------------------------------------ */

static sfb_status
add_unit(struct sfb_tb *B, size_t *cap, const char *name, size_t pool, size_t host,
    size_t *out)
{
	sfb_topology *t = B->t;
	struct sfb_unit *u;

	if (sfb_grow(&t->units, cap, t->nunits + 1, sizeof(*t->units)) != SFB_OK)
		return sfb_oom(B->ctx);
	u = &t->units[t->nunits];
	memset(u, 0, sizeof(*u));
	u->name = name;
	u->pool = pool;
	u->host = host;
	u->site = SFB_NO_SITE;
	u->version = t->product;
	*out = t->nunits++;
	return SFB_OK;
}

/* A unit's site: its pool's, else that of its members (which must agree). */
static sfb_status
unit_sites(struct sfb_tb *B)
{
	sfb_topology *t = B->t;
	struct sfb_host *h;
	struct sfb_unit *u;
	size_t i;

	for (i = 0; i < t->npools; i++) {
		u = &t->units[t->pools[i].unit];
		u->site = t->pools[i].site;
		if (t->pools[i].version >= 0)
			u->version = t->pools[i].version;
	}
	for (i = 0; i < t->nhosts; i++) {
		h = &t->hosts[i];
		u = &t->units[h->unit];
		if (h->site == SFB_NO_SITE)
			continue;
		if (u->host == SIZE_MAX && u->pool != SIZE_MAX && t->pools[u->pool].site != SFB_NO_SITE &&
		    t->pools[u->pool].site != h->site)
			return sfb_fail(B->ctx, SFB_EINVAL, t->file, h->site_line, h->site_col,
			    "host '%s' is in site '%s', but its pool '%s' is in site '%s' (a pool "
			    "member takes its pool's site)", h->name, t->sites[h->site].name, u->name,
			    t->sites[t->pools[u->pool].site].name);
		if (u->site != SFB_NO_SITE && u->site != h->site)
			return sfb_fail(B->ctx, SFB_EINVAL, t->file, h->site_line, h->site_col,
			    "host '%s' is in site '%s', but another member of pool '%s' is in site "
			    "'%s'", h->name, t->sites[h->site].name, u->name, t->sites[u->site].name);
		u->site = h->site;
	}
	return SFB_OK;
}

/* What the units' endpoints are, in one pass over them: [u * nroles + r]
 * says whether unit u has an endpoint with role r, zone[u] is the zone of
 * its first endpoint (SIZE_MAX: none).  uses and the load balancers ask
 * it per name and per pool. */
struct unit_eps {
	bool *role;
	size_t *zone;
};

static sfb_status
unit_eps_build(struct sfb_tb *B, struct unit_eps *ue)
{
	const sfb_topology *t = B->t;
	const struct sfb_endpoint *ep;
	size_t i, k, u, nr = B->cat->nroles;

	ue->role = calloc(t->nunits * nr + 1, sizeof(bool));
	ue->zone = malloc((t->nunits + 1) * sizeof(size_t));
	if (ue->role == NULL || ue->zone == NULL)
		return sfb_oom(B->ctx);
	for (u = 0; u < t->nunits; u++)
		ue->zone[u] = SIZE_MAX;
	for (i = 0; i < t->neps_real; i++) {
		ep = &t->eps[i];
		u = t->hosts[ep->host].unit;
		if (ue->zone[u] == SIZE_MAX)
			ue->zone[u] = ep->zone;
		for (k = 0; k < ep->nroles; k++)
			ue->role[u * nr + ep->roles[k]] = true;
	}
	return SFB_OK;
}

static void
unit_eps_free(struct unit_eps *ue)
{
	free(ue->role);
	free(ue->zone);
}

/* pools[].uses (as the front end read it: role -> names with their
 * positions) into units. */
static sfb_status
resolve_uses(struct sfb_tb *B, sfb_strmap *by_name, const struct unit_eps *ue)
{
	sfb_topology *t = B->t;
	const struct sfb_pooldecl *pd;
	const struct sfb_usedecl *ud;
	struct sfb_unit *u;
	struct sfb_use *use;
	size_t i, k, j, unit;

	for (i = 0; i < t->npools; i++) {
		pd = &t->pools[i];
		if (pd->nuses_decl == 0)
			continue;
		u = &t->units[pd->unit];
		u->uses = calloc(pd->nuses_decl + 1, sizeof(*u->uses));
		if (u->uses == NULL)
			return sfb_oom(B->ctx);
		for (k = 0; k < pd->nuses_decl; k++) {
			ud = &pd->uses_decl[k];
			use = &u->uses[u->nuses++];
			use->role = ud->role;
			use->units = calloc(ud->n + 1, sizeof(size_t));
			if (use->units == NULL)
				return sfb_oom(B->ctx);
			for (j = 0; j < ud->n; j++) {
				if (!sfb_strmap_get(by_name, ud->names[j], &unit))
					return sfb_fail(B->ctx, SFB_EINVAL, t->file, ud->lines[j], ud->cols[j],
					    "uses: no pool or host named '%s'", ud->names[j]);
				if (!ue->role[unit * B->cat->nroles + ud->role])
					return sfb_fail(B->ctx, SFB_EINVAL, t->file, ud->lines[j], ud->cols[j],
					    "uses: '%s' has no endpoint with role '%s'", ud->names[j],
					    B->cat->roles[ud->role].name);
				use->units[use->nunits++] = unit;
			}
		}
	}
	return SFB_OK;
}

/* The endpoint of a pool's vip or snat, on a host of its own: it has every
 * role of the pool's members (the plan asks only for those of
 * load-balanced flows). */
static sfb_status
add_virtual(struct sfb_tb *B, size_t pool, const char *addr, bool snat,
    const struct unit_eps *ue, size_t *out)
{
	sfb_topology *t = B->t;
	struct sfb_pooldecl *pd = &t->pools[pool];
	const bool *has = &ue->role[pd->unit * B->cat->nroles];
	struct sfb_endpoint *ep;
	struct sfb_host *h;
	size_t i, r, zone = SIZE_MAX, nroles = 0, *roles = NULL;
	sfb_buf name;
	sfb_status st = SFB_OK;
	sfb_addrset tmp;

	/* Its zone: the first zone whose networks hold the address, else the
	 * zone of the pool's first member. */
	sfb_addrset_init(&tmp);
	if (sfb_addrset_parse(&tmp, addr) != SFB_OK) {
		sfb_addrset_free(&tmp);
		return sfb_oom(B->ctx);
	}
	for (i = 0; i < t->nzones && zone == SIZE_MAX; i++)
		if (!t->zones[i].is_default && sfb_addrset_subset(&tmp, &t->zones[i].nets))
			zone = i;
	if (zone == SIZE_MAX)
		zone = ue->zone[pd->unit];
	roles = calloc(B->cat->nroles + 1, sizeof(size_t));
	if (roles == NULL)
		goto oom;
	for (r = 0; r < B->cat->nroles; r++)
		if (has[r])
			roles[nroles++] = r;
	if (sfb_grow(&t->hosts, &B->caphosts, t->nhosts + 1, sizeof(*t->hosts)) != SFB_OK ||
	    sfb_grow(&t->eps, &B->capeps, t->neps + 1, sizeof(*t->eps)) != SFB_OK)
		goto oom;
	h = &t->hosts[t->nhosts];
	memset(h, 0, sizeof(*h));
	sfb_buf_init(&name);
	sfb_buf_printf(&name, "%s:%s", snat ? "snat" : "vip", pd->fqdn);
	h->name = sfb_buf_take(&name);
	h->pool = sfb_strdup(pd->fqdn);
	if (h->name == NULL || h->pool == NULL) {
		free(h->name);
		free(h->pool);
		goto oom;
	}
	h->virt = true;
	h->site = pd->site;
	h->unit = pd->unit;
	h->first_ep = t->neps;
	h->nep = 1;
	ep = &t->eps[t->neps];
	memset(ep, 0, sizeof(*ep));
	t->nhosts++;
	t->neps++;
	ep->virt = true;
	ep->host = t->nhosts - 1;
	ep->zone = zone;
	ep->line = pd->vip_line;
	ep->col = pd->vip_col;
	ep->addr_line = pd->vip_line;
	ep->addr_col = pd->vip_col;
	ep->addr = tmp;
	sfb_addrset_init(&tmp);
	ep->roles = roles;
	ep->nroles = nroles;
	roles = NULL;
	if ((ep->addr_text = sfb_strdup(addr)) == NULL)
		goto oom;
	if (!snat && (ep->fqdn = sfb_strdup(pd->web_internal != NULL ? pd->web_internal :
	    pd->fqdn)) == NULL)
		goto oom;
	*out = t->neps - 1;
	goto out;
oom:
	st = sfb_oom(B->ctx);
out:
	sfb_addrset_free(&tmp);
	free(roles);
	return st;
}

static sfb_status
resolve_v2(struct sfb_tb *B)
{
	sfb_topology *t = B->t;
	sfb_strmap by_name;   /* pool fqdn, host name -> unit */
	struct unit_eps ue = { NULL, NULL };
	size_t i, unit, cap = 0, pool;
	struct sfb_host *h;
	sfb_status st = SFB_OK;
	bool had;

	sfb_strmap_init(&by_name);
	/* Declared pools first, in their order; then pools only hosts name,
	 * and lone hosts. */
	for (i = 0; i < t->npools; i++) {
		if ((st = add_unit(B, &cap, t->pools[i].fqdn, i, SIZE_MAX, &unit)) != SFB_OK)
			goto out;
		t->pools[i].unit = unit;
		if (sfb_strmap_put(&by_name, t->pools[i].fqdn, unit, NULL, NULL) != SFB_OK)
			goto oom;
	}
	for (i = 0; i < t->nhosts; i++) {
		h = &t->hosts[i];
		if (h->pool != NULL) {
			if (!sfb_strmap_get(&by_name, h->pool, &unit)) {
				if ((st = add_unit(B, &cap, h->pool, SIZE_MAX, SIZE_MAX, &unit)) != SFB_OK)
					goto out;
				if (sfb_strmap_put(&by_name, h->pool, unit, NULL, NULL) != SFB_OK)
					goto oom;
			}
		} else if ((st = add_unit(B, &cap, h->name, SIZE_MAX, i, &unit)) != SFB_OK)
			goto out;
		h->unit = unit;
	}
	/* Host names too, for uses: a pool member stands for its pool. */
	for (i = 0; i < t->nhosts; i++) {
		if (sfb_strmap_put(&by_name, t->hosts[i].name, t->hosts[i].unit, &had, NULL) != SFB_OK)
			goto oom;
		if (had && t->hosts[i].pool == NULL) {
			st = sfb_fail(B->ctx, SFB_EINVAL, t->file, t->eps[t->hosts[i].first_ep].line, 0,
			    "host '%s' has the name of a pool", t->hosts[i].name);
			goto out;
		}
	}
	if ((st = unit_sites(B)) != SFB_OK || (st = unit_eps_build(B, &ue)) != SFB_OK ||
	    (st = resolve_uses(B, &by_name, &ue)) != SFB_OK)
		goto out;
	for (i = 0; i < t->nhosts; i++)
		if (t->hosts[i].site == SFB_NO_SITE)
			t->hosts[i].site = t->units[t->hosts[i].unit].site;
	if ((st = check_edge_networks(B)) != SFB_OK)
		goto out;
	for (pool = 0; pool < t->npools; pool++) {
		if (t->pools[pool].vip != NULL &&
		    (st = add_virtual(B, pool, t->pools[pool].vip, false, &ue, &t->pools[pool].vip_ep)) != SFB_OK)
			goto out;
		if (t->pools[pool].snat != NULL &&
		    (st = add_virtual(B, pool, t->pools[pool].snat, true, &ue, &t->pools[pool].snat_ep)) != SFB_OK)
			goto out;
	}
	goto out;
oom:
	st = sfb_oom(B->ctx);
out:
	unit_eps_free(&ue);
	sfb_strmap_free(&by_name);
	return st;
}

/* An outside endpoint without addresses whose roles are cloud services with
 * published ranges (the vocabulary's `networks:`, e.g. office365) stands for
 * those ranges, not for the whole internet. */
static sfb_status
cloud_networks(struct sfb_tb *B, struct sfb_endpoint *ep)
{
	const struct sfb_name *r;
	sfb_addrset within;
	sfb_buf text;
	sfb_status st = SFB_OK;
	size_t k;

	sfb_buf_init(&text);
	sfb_addrset_init(&within);
	for (k = 0; k < ep->nroles; k++) {
		r = &B->cat->roles[ep->roles[k]];
		if (r->nets_text == NULL || (text.len > 0 && sfb_addrset_subset(&r->nets, &ep->addr)))
			continue;
		if (sfb_addrset_union(&ep->addr, &r->nets) != SFB_OK)
			goto oom;
		sfb_buf_printf(&text, "%s%s", text.len > 0 ? ", " : "", r->nets_text);
	}
	if (text.len == 0)
		goto out;
	if (sfb_buf_status(&text) != SFB_OK)
		goto oom;
	/* Never an address another zone claims (the outside zone's space is
	 * what the other zones leave). */
	if (sfb_addrset_intersect(&within, &ep->addr, &B->t->zones[ep->zone].space) != SFB_OK)
		goto oom;
	sfb_addrset_free(&ep->addr);
	ep->addr = within;
	sfb_addrset_init(&within);
	if (sfb_addrset_empty(&ep->addr))
		goto out;   /* all inside other zones: the endpoint stands for its zone */
	ep->addr_text = sfb_buf_take(&text);
	ep->addr_line = ep->line;
	ep->addr_col = ep->col;
	goto out;
oom:
	st = sfb_oom(B->ctx);
out:
	sfb_addrset_free(&within);
	sfb_buf_free(&text);
	return st;
}

/* What each zone covers.  A zone is its networks plus the addresses its
 * endpoints name (an endpoint outside its zone's networks is a warning,
 * not an error: the design brief's own example places clients that way);
 * the zone without networks is everything no other zone covers.  Then
 * endpoints without addresses stand for their whole zone. */
static sfb_status
resolve_zones(struct sfb_tb *B)
{
	sfb_topology *t = B->t;
	struct sfb_endpoint *ep;
	struct sfb_zone *zone;
	sfb_addrset inside, all;
	sfb_status st = SFB_OK;
	size_t i, z;

	sfb_addrset_init(&inside);
	sfb_addrset_init(&all);
	for (z = 0; z < t->nzones; z++)
		if (sfb_addrset_copy(&t->zones[z].space, &t->zones[z].nets) != SFB_OK)
			goto oom;
	for (i = 0; i < t->neps; i++) {
		ep = &t->eps[i];
		zone = &t->zones[ep->zone];
		if (ep->addr_text == NULL || zone->is_default)
			continue;
		for (z = 0; z < t->nzones; z++) {
			if (z == ep->zone || t->zones[z].is_default ||
			    !sfb_addrset_overlaps(&ep->addr, &t->zones[z].nets))
				continue;
			st = sfb_fail(B->ctx, SFB_EINVAL, t->file, ep->addr_line, ep->addr_col,
			    "address '%s' is in zone '%s' (%s), not in zone '%s'", ep->addr_text,
			    t->zones[z].name, "by its networks", zone->name);
			goto out;
		}
		if (!sfb_addrset_subset(&ep->addr, &zone->nets) &&
		    (st = sfb_warn(B->ctx, t->file, ep->addr_line, ep->addr_col,
		    "address '%s' is outside the networks of zone '%s'; it is taken as part "
		    "of that zone", ep->addr_text, zone->name)) != SFB_OK)
			goto oom;
		if (sfb_addrset_union(&zone->space, &ep->addr) != SFB_OK)
			goto oom;
	}
	for (z = 0; z < t->nzones; z++)
		if (!t->zones[z].is_default && sfb_addrset_union(&inside, &t->zones[z].space) != SFB_OK)
			goto oom;
	for (z = 0; z < t->nzones; z++) {
		zone = &t->zones[z];
		if (!zone->is_default)
			continue;
		sfb_addrset_free(&all);
		sfb_addrset_init(&all);
		sfb_addrset_free(&zone->space);
		sfb_addrset_init(&zone->space);
		if (sfb_addrset_all(&all) != SFB_OK ||
		    sfb_addrset_diff(&zone->space, &all, &inside) != SFB_OK)
			goto oom;
	}
	/* An address two zones claim, or a public (outside) address that lies
	 * inside the organization, would make rules for the wrong side. */
	for (i = 0; i < t->neps; i++) {
		ep = &t->eps[i];
		for (z = 0; z < t->nzones; z++) {
			if (t->zones[z].is_default)
				continue;
			if (ep->addr_text != NULL && z != ep->zone && !t->zones[ep->zone].is_default &&
			    sfb_addrset_overlaps(&ep->addr, &t->zones[z].space)) {
				st = sfb_fail(B->ctx, SFB_EINVAL, t->file, ep->addr_line, ep->addr_col,
				    "address '%s' is also in zone '%s'", ep->addr_text, t->zones[z].name);
				goto out;
			}
			if (ep->pub_text != NULL && sfb_addrset_overlaps(&ep->pub, &t->zones[z].space)) {
				st = sfb_fail(B->ctx, SFB_EINVAL, t->file, ep->pub_line, ep->pub_col,
				    "public address '%s' lies inside zone '%s'; a NAT public address is "
				    "on the outside", ep->pub_text, t->zones[z].name);
				goto out;
			}
		}
	}
	for (i = 0; i < t->neps; i++) {
		ep = &t->eps[i];
		zone = &t->zones[ep->zone];
		if (ep->addr_text == NULL && zone->is_default &&
		    (st = cloud_networks(B, ep)) != SFB_OK)
			goto out;
		if (ep->addr_text == NULL) {
			if (sfb_addrset_copy(&ep->addr, &zone->space) != SFB_OK)
				goto oom;
			if (sfb_addrset_empty(&ep->addr)) {
				st = sfb_fail(B->ctx, SFB_EINVAL, t->file, ep->line, ep->col,
				    "endpoint stands for zone '%s', which has no addresses", zone->name);
				goto out;
			}
		} else if (zone->is_default && sfb_addrset_overlaps(&ep->addr, &inside)) {
			st = sfb_fail(B->ctx, SFB_EINVAL, t->file, ep->addr_line, ep->addr_col,
			    "address '%s' belongs to another zone, not to zone '%s'", ep->addr_text,
			    zone->name);
			goto out;
		}
	}
	goto out;
oom:
	st = sfb_oom(B->ctx);
out:
	sfb_addrset_free(&inside);
	sfb_addrset_free(&all);
	return st;
}

/* --- Edge internal and external interfaces in one network ----------------- */

/* The first Edge host whose internal interface and an external Edge service
 * share one network that the topology lists (a zone's networks entry, or
 * the outside zone), warned at the external endpoint.  Microsoft: the
 * Edge's internal interface must be on another network than its external
 * one, with no routing between them. */
static sfb_status
check_edge_networks(struct sfb_tb *B)
{
	const sfb_topology *t = B->t;
	const struct sfb_endpoint *in, *ex;
	const struct sfb_host *h;
	size_t internal = B->cat->known[SFB_KR_EDGE_INTERNAL];
	size_t i, a, b, z, k;
	bool same, ext;
	sfb_status st = SFB_OK;

	for (i = 0; i < t->nhosts_real && st == SFB_OK; i++) {
		h = &t->hosts[i];
		for (a = h->first_ep; a < h->first_ep + h->nep && st == SFB_OK; a++) {
			in = &t->eps[a];
			if (!sfb_endpoint_has_role(in, internal) || in->addr_text == NULL)
				continue;
			for (b = h->first_ep; b < h->first_ep + h->nep && st == SFB_OK; b++) {
				ex = &t->eps[b];
				ext = sfb_endpoint_has_trait(B->cat, ex, SFB_TRAIT_EDGE_EXTERNAL);
				if (b == a || !ext || ex->addr_text == NULL || ex->zone != in->zone)
					continue;
				same = t->zones[in->zone].is_default;
				for (k = 0; !same && k < t->zones[in->zone].nprefixes; k++)
					same = sfb_addrset_subset(&in->addr, &t->zones[in->zone].prefixes[k]) &&
					    sfb_addrset_subset(&ex->addr, &t->zones[in->zone].prefixes[k]);
				z = in->zone;
				if (same && (st = sfb_warn(B->ctx, t->file, ex->addr_line, ex->addr_col,
				    "Edge host '%s': its internal interface (%s) and its external "
				    "interface (%s) are in one network of zone '%s'; put them on "
				    "different networks with no routing between them "
				    "[ms-load-balancing: Hardware Load Balancer Requirements for Edge "
				    "Servers Running the A/V Edge Service, the internal interface on a "
				    "different network than the external one]", h->name, in->addr_text,
				    ex->addr_text, t->zones[z].name)) == SFB_OK)
					goto out;   /* one warning a file: the rest repeat it */
			}
		}
	}
out:
	return st;
}

/* --- two services on one address and port --------------------------------- */

/* A listening service of an endpoint with a single address: the role and
 * the TCP ports it listens on there. */
struct listener {
	int family;
	sfb_u128 addr;
	size_t role, ep;
	const sfb_portset *ports;
};

static int
cmp_listener(const void *a, const void *b)
{
	const struct listener *x = a, *y = b;
	int c;

	if (x->family != y->family)
		return x->family - y->family;
	if ((c = sfb_u128_cmp(x->addr, y->addr)) != 0)
		return c;
	return x->ep < y->ep ? -1 : x->ep > y->ep;
}

/* Two roles that listen on the same TCP port of one address (their main
 * services, the catalog's port_of flows, or the endpoint's ports:) cannot
 * both be there: the single-IP Edge must say which port each service
 * takes.  Both versions: a version 1 file cannot write such an Edge
 * correctly at all. */
static sfb_status
check_ports(struct sfb_tb *B)
{
	const sfb_topology *t = B->t;
	const sfb_catalog *cat = B->cat;
	struct listener *v = NULL;
	sfb_portset *main_ports = NULL;
	const struct sfb_endpoint *ep, *ea, *eb;
	size_t i, j, k, r, n = 0, cap = 0;
	sfb_status st = SFB_OK;
	sfb_iset both;

	sfb_iset_init(&both);
	main_ports = calloc(cat->nroles + 1, sizeof(*main_ports));
	if (main_ports == NULL)
		goto oom;
	for (r = 0; r < cat->nroles; r++)
		sfb_portset_init(&main_ports[r]);
	for (i = 0; i < cat->nflows; i++)
		if (cat->flows[i].port_role >= 0 && (cat->flows[i].proto & SFB_PROTO_TCP) &&
		    sfb_iset_union(&main_ports[cat->flows[i].port_role].s, &cat->flows[i].dport.s) != SFB_OK)
			goto oom;
	for (i = 0; i < t->neps_real; i++) {
		ep = &t->eps[i];
		if (ep->addr_text == NULL || !sfb_addr_is_single(ep->addr_text))
			continue;
		for (k = 0; k < ep->nroles; k++) {
			const sfb_portset *ps = sfb_endpoint_port(ep, ep->roles[k]);

			if (ps == NULL)
				ps = &main_ports[ep->roles[k]];
			if (sfb_iset_empty(&ps->s))
				continue;
			if (sfb_grow(&v, &cap, n + 1, sizeof(*v)) != SFB_OK)
				goto oom;
			v[n].family = ep->addr.v4.n == 1 ? 4 : 6;
			v[n].addr = ep->addr.v4.n == 1 ? ep->addr.v4.r[0].lo : ep->addr.v6.r[0].lo;
			v[n].role = ep->roles[k];
			v[n].ep = i;
			v[n].ports = ps;
			n++;
		}
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_listener);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n && v[j].family == v[i].family &&
		    sfb_u128_cmp(v[j].addr, v[i].addr) == 0; j++) {
			if (v[j].role == v[i].role)
				continue;
			sfb_iset_free(&both);
			sfb_iset_init(&both);
			if (sfb_iset_intersect(&both, &v[i].ports->s, &v[j].ports->s) != SFB_OK)
				goto oom;
			if (sfb_iset_empty(&both))
				continue;
			ea = &t->eps[v[i].ep];
			eb = &t->eps[v[j].ep];
			st = sfb_fail(B->ctx, SFB_EINVAL, t->file,
			    eb->nports > 0 ? eb->ports_line : eb->line,
			    eb->nports > 0 ? eb->ports_col : eb->col,
			    "%s and %s both listen on TCP %llu of %s (host '%s'): two services "
			    "cannot share one address and port; give each its port with ports: "
			    "{ %s: PORT } (a single-IP Edge: access 5061, web conferencing 444, A/V "
			    "443) [ms-tb-edge-ip: Topology Builder, single FQDN and IP address]",
			    cat->roles[v[i].role].name, cat->roles[v[j].role].name,
			    (unsigned long long)both.r[0].lo.lo, ea->addr_text,
			    t->hosts[eb->host].name, cat->roles[v[j].role].name);
			goto out;
		}
	goto out;
oom:
	st = sfb_oom(B->ctx);
out:
	sfb_iset_free(&both);
	for (r = 0; main_ports != NULL && r < cat->nroles; r++)
		sfb_portset_free(&main_ports[r]);
	free(main_ports);
	free(v);
	return st;
}


sfb_status
sfb_topology_build(sfb_ctx *ctx, const sfb_catalog *cat, sfb_topology *t)
{
	struct sfb_tb B = { ctx, cat, t, t->nhosts, t->neps };
	sfb_status st;

	t->nhosts_real = t->nhosts;
	t->neps_real = t->neps;
	if ((st = check_duplicate_hosts(&B)) != SFB_OK ||
	    (st = check_pools(&B)) != SFB_OK ||
	    (t->version >= 2 && (st = resolve_v2(&B)) != SFB_OK) ||
	    (st = resolve_zones(&B)) != SFB_OK ||
	    (st = check_duplicate_addresses(&B)) != SFB_OK ||
	    (st = check_ports(&B)) != SFB_OK)
		return st;
	return SFB_OK;
}
