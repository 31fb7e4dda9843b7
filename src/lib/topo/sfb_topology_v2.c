/* Topology format version 2: product, features, sites, what pools use,
 * load balancer addresses and per-endpoint ports (docs/topology.md).
 * The version 1 loader calls in here for the keys only version 2 has; the
 * resolve step then turns names into indices: units (pools, and hosts
 * outside any pool), their sites, versions and uses, and the virtual
 * endpoints that stand for a pool's vip and snat. */
#include "sfb_topology_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

sfb_status sfb_load_ports(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n,
    const char *what, sfb_portset *ps);
static sfb_status check_edge_networks(struct loader *L, const sfb_ynode *root);

static sfb_status
version_of(struct loader *L, const sfb_ynode *n, int *out)
{
	const char *s;
	sfb_status st;
	long v;
	size_t i;
	sfb_buf b;

	if ((st = sfb_y_str(L->ctx, L->d, n, "version", &s)) != SFB_OK)
		return st;
	if ((v = sfb_catalog_version(L->cat, s)) >= 0) {
		*out = (int)v;
		return SFB_OK;
	}
	sfb_buf_init(&b);
	for (i = 0; i < L->cat->nversions; i++)
		sfb_buf_printf(&b, "%s%s", i > 0 ? ", " : "", L->cat->versions[i].name);
	st = sfb_y_fail(L->ctx, L->d, n, "unknown product version '%s' (known: %s)", s,
	    b.len > 0 ? sfb_buf_str(&b) : "none");
	sfb_buf_free(&b);
	return st;
}

static long
find_site(const sfb_topology *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nsites; i++)
		if (strcmp(t->sites[i].name, name) == 0)
			return (long)i;
	return -1;
}

static sfb_status
load_features(struct loader *L, const sfb_ynode *seq)
{
	sfb_topology *t = L->t;
	const char *s, *name;
	sfb_status st;
	size_t i;
	bool off;
	long f;

	t->nfeatures = L->cat->nfeatures;
	t->feature_on = calloc(t->nfeatures + 1, sizeof(bool));
	if (t->feature_on == NULL)
		return sfb_oom(L->ctx);
	for (i = 0; i < t->nfeatures; i++)
		t->feature_on[i] = L->cat->features[i].on_by_default;
	if (seq == NULL)
		return SFB_OK;
	if ((st = sfb_y_expect(L->ctx, L->d, seq, SFB_Y_SEQ, "features")) != SFB_OK)
		return st;
	for (i = 0; i < seq->n; i++) {
		if ((st = sfb_y_str(L->ctx, L->d, seq->kids[i], "a feature", &s)) != SFB_OK)
			return st;
		off = strncmp(s, "no-", 3) == 0;
		name = off ? s + 3 : s;
		if ((f = sfb_catalog_feature(L->cat, name)) < 0)
			return sfb_y_fail(L->ctx, L->d, seq->kids[i],
			    "unknown feature '%s' (`sfbnet catalog` lists them)", name);
		t->feature_on[f] = !off;
	}
	return SFB_OK;
}

static sfb_status
load_sites(struct loader *L, const sfb_ynode *seq)
{
	static const char *const keys[] = { "!name", "kind", "central", NULL };
	sfb_topology *t = L->t;
	const sfb_ynode *m, *c;
	struct sfb_site *site;
	const char *s;
	sfb_status st;
	size_t i;
	long k;

	if (seq == NULL)
		return SFB_OK;
	if ((st = sfb_y_expect(L->ctx, L->d, seq, SFB_Y_SEQ, "sites")) != SFB_OK ||
	    (st = sfb_tl_count(L, seq, "sites", seq->n, SFB_TOPO_MAX_ZONES)) != SFB_OK)
		return st;
	t->sites = calloc(seq->n + 1, sizeof(*t->sites));
	if (t->sites == NULL)
		return sfb_oom(L->ctx);
	for (i = 0; i < seq->n; i++) {
		m = seq->kids[i];
		if ((st = sfb_y_check_keys(L->ctx, L->d, m, "a site", keys)) != SFB_OK ||
		    (st = sfb_y_str(L->ctx, L->d, sfb_y_get(m, "name"), "site name", &s)) != SFB_OK)
			return st;
		if (!sfb_tl_valid_name(s))
			return sfb_y_fail(L->ctx, L->d, sfb_y_get(m, "name"),
			    "'%s' is not a valid site name (letters, digits, '-', '_', '.')", s);
		if (find_site(t, s) >= 0)
			return sfb_y_fail(L->ctx, L->d, sfb_y_get(m, "name"), "duplicate site '%s'", s);
		site = &t->sites[t->nsites++];
		site->central = SFB_NO_SITE;
		site->line = m->line;
		site->col = m->col;
		if ((st = sfb_tl_dup(L, &site->name, s)) != SFB_OK)
			return st;
		if (sfb_y_get(m, "kind") != NULL) {
			if ((st = sfb_y_str(L->ctx, L->d, sfb_y_get(m, "kind"), "kind", &s)) != SFB_OK)
				return st;
			if (strcmp(s, "branch") == 0)
				site->branch = true;
			else if (strcmp(s, "central") != 0)
				return sfb_y_fail(L->ctx, L->d, sfb_y_get(m, "kind"),
				    "kind must be central or branch, not '%s'", s);
		}
		if (site->branch != (sfb_y_get(m, "central") != NULL))
			return sfb_y_fail(L->ctx, L->d, site->branch ? m : sfb_y_get(m, "central"),
			    site->branch ? "branch site '%s' must name its central site (central:)" :
			    "site '%s' is not a branch: only a branch names a central site",
			    site->name);
	}
	/* Central sites may come later in the list than their branches. */
	for (i = 0; i < seq->n; i++) {
		if ((c = sfb_y_get(seq->kids[i], "central")) == NULL)
			continue;
		if ((st = sfb_y_str(L->ctx, L->d, c, "central", &s)) != SFB_OK)
			return st;
		if ((k = find_site(t, s)) < 0)
			return sfb_y_fail(L->ctx, L->d, c, "unknown site '%s'", s);
		if (t->sites[k].branch)
			return sfb_y_fail(L->ctx, L->d, c,
			    "site '%s' is a branch: a branch's central site must be central", s);
		t->sites[i].central = (size_t)k;
	}
	return SFB_OK;
}

sfb_status
sfb_tl_v2_header(struct loader *L, const sfb_ynode *root)
{
	sfb_status st;

	if (sfb_y_get(root, "product") != NULL &&
	    (st = version_of(L, sfb_y_get(root, "product"), &L->t->product)) != SFB_OK)
		return st;
	if ((st = load_features(L, sfb_y_get(root, "features"))) != SFB_OK)
		return st;
	return load_sites(L, sfb_y_get(root, "sites"));
}

static sfb_status
site_ref(struct loader *L, const sfb_ynode *n, size_t *out)
{
	const char *s;
	sfb_status st;
	long k;

	if ((st = sfb_y_str(L->ctx, L->d, n, "site", &s)) != SFB_OK)
		return st;
	if ((k = find_site(L->t, s)) < 0)
		return sfb_y_fail(L->ctx, L->d, n, "unknown site '%s'%s", s,
		    L->t->nsites == 0 ? " (the topology has no sites:)" : "");
	*out = (size_t)k;
	return SFB_OK;
}

sfb_status
sfb_tl_v2_host(struct loader *L, const sfb_ynode *h, struct sfb_host *host)
{
	const sfb_ynode *n = sfb_y_get(h, "site");

	if (n == NULL)
		return SFB_OK;
	host->site_line = n->line;
	host->site_col = n->col;
	return site_ref(L, n, &host->site);
}

sfb_status
sfb_tl_v2_ports(struct loader *L, const sfb_ynode *n, struct sfb_endpoint *ep)
{
	const sfb_ynode *key;
	struct sfb_epport *pp;
	sfb_status st;
	size_t i, r;
	long role;

	if ((st = sfb_y_expect(L->ctx, L->d, n, SFB_Y_MAP, "ports")) != SFB_OK)
		return st;
	ep->ports_line = n->line;
	ep->ports_col = n->col;
	ep->ports = calloc(n->n / 2 + 1, sizeof(*ep->ports));
	if (ep->ports == NULL)
		return sfb_oom(L->ctx);
	for (i = 0; i + 1 < n->n; i += 2) {
		key = n->kids[i];
		if ((role = sfb_catalog_role(L->cat, key->str)) < 0)
			return sfb_y_fail(L->ctx, L->d, key, "ports: unknown role '%s'", key->str);
		for (r = 0; r < ep->nroles && ep->roles[r] != (size_t)role; r++)
			;
		if (r == ep->nroles)
			return sfb_y_fail(L->ctx, L->d, key,
			    "ports: '%s' is not a role of this endpoint", key->str);
		pp = &ep->ports[ep->nports++];
		pp->role = (size_t)role;
		pp->line = key->line;
		pp->col = key->col;
		sfb_portset_init(&pp->ports);
		if ((st = sfb_load_ports(L->ctx, L->d, n->kids[i + 1], "a port", &pp->ports)) != SFB_OK)
			return st;
		if (sfb_portset_is_all(&pp->ports))
			return sfb_y_fail(L->ctx, L->d, n->kids[i + 1],
			    "ports: '%s' needs its port(s), not any", key->str);
	}
	return SFB_OK;
}

sfb_status
sfb_tl_v2_pool(struct loader *L, const sfb_ynode *p, struct sfb_pooldecl *pd)
{
	static const char *const ws_keys[] = { "internal", "external", NULL };
	const sfb_ynode *n;
	sfb_addrset tmp;
	const char *s;
	sfb_status st;

	if ((n = sfb_y_get(p, "site")) != NULL && (st = site_ref(L, n, &pd->site)) != SFB_OK)
		return st;
	if ((n = sfb_y_get(p, "version")) != NULL && (st = version_of(L, n, &pd->version)) != SFB_OK)
		return st;
	if ((n = sfb_y_get(p, "snat")) != NULL) {
		if (sfb_y_get(p, "vip") == NULL)
			return sfb_y_fail(L->ctx, L->d, n,
			    "snat is the load balancer's source address: the pool needs a vip too");
		sfb_addrset_init(&tmp);
		st = sfb_tl_address(L, n, "snat", true, &tmp);
		sfb_addrset_free(&tmp);
		if (st != SFB_OK || (st = sfb_y_str(L->ctx, L->d, n, "snat", &s)) != SFB_OK ||
		    (st = sfb_tl_dup(L, &pd->snat, s)) != SFB_OK)
			return st;
	}
	if ((n = sfb_y_get(p, "web_services")) != NULL) {
		if ((st = sfb_y_check_keys(L->ctx, L->d, n, "web_services", ws_keys)) != SFB_OK)
			return st;
		if (sfb_y_get(n, "internal") != NULL &&
		    (st = sfb_tl_dns_name(L, sfb_y_get(n, "internal"), "internal",
		    &pd->web_internal)) != SFB_OK)
			return st;
		if (sfb_y_get(n, "external") != NULL &&
		    (st = sfb_tl_dns_name(L, sfb_y_get(n, "external"), "external",
		    &pd->web_external)) != SFB_OK)
			return st;
	}
	if ((n = sfb_y_get(p, "uses")) != NULL &&
	    (st = sfb_y_expect(L->ctx, L->d, n, SFB_Y_MAP, "uses")) != SFB_OK)
		return st;
	return SFB_OK;
}

/* --- resolve ------------------------------------------------------------ */

static sfb_status
add_unit(struct loader *L, size_t *cap, const char *name, size_t pool, size_t host,
    size_t *out)
{
	sfb_topology *t = L->t;
	struct sfb_unit *u;

	if (sfb_grow(&t->units, cap, t->nunits + 1, sizeof(*t->units)) != SFB_OK)
		return sfb_oom(L->ctx);
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
unit_sites(struct loader *L)
{
	sfb_topology *t = L->t;
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
			return sfb_fail(L->ctx, SFB_EINVAL, t->file, h->site_line, h->site_col,
			    "host '%s' is in site '%s', but its pool '%s' is in site '%s' (a pool "
			    "member takes its pool's site)", h->name, t->sites[h->site].name, u->name,
			    t->sites[t->pools[u->pool].site].name);
		if (u->site != SFB_NO_SITE && u->site != h->site)
			return sfb_fail(L->ctx, SFB_EINVAL, t->file, h->site_line, h->site_col,
			    "host '%s' is in site '%s', but another member of pool '%s' is in site "
			    "'%s'", h->name, t->sites[h->site].name, u->name, t->sites[u->site].name);
		u->site = h->site;
	}
	return SFB_OK;
}

/* Does unit u have an endpoint with role r? */
static bool
unit_has_role(const sfb_topology *t, size_t u, size_t r)
{
	const struct sfb_endpoint *ep;
	size_t i, k;

	for (i = 0; i < t->neps; i++) {
		ep = &t->eps[i];
		if (ep->virt || t->hosts[ep->host].unit != u)
			continue;
		for (k = 0; k < ep->nroles; k++)
			if (ep->roles[k] == r)
				return true;
	}
	return false;
}

/* pools[].uses: role -> [pool fqdn or host name]. */
static sfb_status
resolve_uses(struct loader *L, sfb_strmap *by_name)
{
	sfb_topology *t = L->t;
	const sfb_ynode *p, *uses, *key, *list, *item;
	struct sfb_unit *u;
	struct sfb_use *use;
	size_t i, k, j, unit;
	sfb_status st;
	long role;

	for (i = 0; i < t->npools; i++) {
		p = L->pools_seq->kids[i];
		if ((uses = sfb_y_get(p, "uses")) == NULL)
			continue;
		u = &t->units[t->pools[i].unit];
		u->uses = calloc(uses->n / 2 + 1, sizeof(*u->uses));
		if (u->uses == NULL)
			return sfb_oom(L->ctx);
		for (k = 0; k + 1 < uses->n; k += 2) {
			key = uses->kids[k];
			list = uses->kids[k + 1];
			if ((role = sfb_catalog_role(L->cat, key->str)) < 0)
				return sfb_y_fail(L->ctx, L->d, key, "uses: unknown role '%s'", key->str);
			if ((st = sfb_y_expect(L->ctx, L->d, list, SFB_Y_SEQ, "uses")) != SFB_OK)
				return st;
			use = &u->uses[u->nuses++];
			use->role = (size_t)role;
			use->units = calloc(list->n + 1, sizeof(size_t));
			if (use->units == NULL)
				return sfb_oom(L->ctx);
			for (j = 0; j < list->n; j++) {
				item = list->kids[j];
				if ((st = sfb_y_expect(L->ctx, L->d, item, SFB_Y_SCALAR, "a pool or host")) != SFB_OK)
					return st;
				if (!sfb_strmap_get(by_name, item->str, &unit))
					return sfb_y_fail(L->ctx, L->d, item,
					    "uses: no pool or host named '%s'", item->str);
				if (!unit_has_role(t, unit, (size_t)role))
					return sfb_y_fail(L->ctx, L->d, item,
					    "uses: '%s' has no endpoint with role '%s'", item->str, key->str);
				use->units[use->nunits++] = unit;
			}
		}
	}
	return SFB_OK;
}

/* The roles of a pool's members that a load balancer serves: every role of
 * them (the plan asks only for those of load-balanced flows). */
static sfb_status
add_virtual(struct loader *L, size_t pool, const char *addr, bool snat, size_t *out)
{
	sfb_topology *t = L->t;
	struct sfb_pooldecl *pd = &t->pools[pool];
	struct sfb_endpoint *ep, *m;
	struct sfb_host *h;
	size_t i, k, r, zone = SIZE_MAX, nroles = 0, *roles = NULL;
	sfb_buf name;
	sfb_status st = SFB_OK;

	/* Its zone: the first zone whose networks hold the address, else the
	 * zone of the pool's first member. */
	sfb_addrset tmp;
	sfb_addrset_init(&tmp);
	if (sfb_addrset_parse(&tmp, addr) != SFB_OK) {
		sfb_addrset_free(&tmp);
		return sfb_oom(L->ctx);
	}
	for (i = 0; i < t->nzones && zone == SIZE_MAX; i++)
		if (!t->zones[i].is_default && sfb_addrset_subset(&tmp, &t->zones[i].nets))
			zone = i;
	roles = calloc(L->cat->nroles + 1, sizeof(size_t));
	if (roles == NULL)
		goto oom;
	for (i = 0; i < t->nhosts_real; i++) {
		h = &t->hosts[i];
		if (h->pool == NULL || strcasecmp(h->pool, pd->fqdn) != 0)
			continue;
		for (k = h->first_ep; k < h->first_ep + h->nep; k++) {
			m = &t->eps[k];
			if (zone == SIZE_MAX)
				zone = m->zone;
			for (r = 0; r < m->nroles; r++) {
				size_t j;

				for (j = 0; j < nroles && roles[j] != m->roles[r]; j++)
					;
				if (j == nroles)
					roles[nroles++] = m->roles[r];
			}
		}
	}
	if (sfb_grow(&t->hosts, &L->caphosts, t->nhosts + 1, sizeof(*t->hosts)) != SFB_OK ||
	    sfb_grow(&t->eps, &L->capeps, t->neps + 1, sizeof(*t->eps)) != SFB_OK)
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
	st = sfb_oom(L->ctx);
out:
	sfb_addrset_free(&tmp);
	free(roles);
	return st;
}

sfb_status
sfb_tl_v2_resolve(struct loader *L, const sfb_ynode *root)
{
	sfb_topology *t = L->t;
	sfb_strmap by_name;   /* pool fqdn, host name -> unit */
	size_t i, unit, cap = 0, pool;
	struct sfb_host *h;
	sfb_status st = SFB_OK;
	bool had;

	sfb_strmap_init(&by_name);
	/* Declared pools first, in their order; then pools only hosts name,
	 * and lone hosts. */
	for (i = 0; i < t->npools; i++) {
		if ((st = add_unit(L, &cap, t->pools[i].fqdn, i, SIZE_MAX, &unit)) != SFB_OK)
			goto out;
		t->pools[i].unit = unit;
		if (sfb_strmap_put(&by_name, t->pools[i].fqdn, unit, NULL, NULL) != SFB_OK)
			goto oom;
	}
	for (i = 0; i < t->nhosts; i++) {
		h = &t->hosts[i];
		if (h->pool != NULL) {
			if (!sfb_strmap_get(&by_name, h->pool, &unit)) {
				if ((st = add_unit(L, &cap, h->pool, SIZE_MAX, SIZE_MAX, &unit)) != SFB_OK)
					goto out;
				if (sfb_strmap_put(&by_name, h->pool, unit, NULL, NULL) != SFB_OK)
					goto oom;
			}
		} else if ((st = add_unit(L, &cap, h->name, SIZE_MAX, i, &unit)) != SFB_OK)
			goto out;
		h->unit = unit;
	}
	/* Host names too, for uses: a pool member stands for its pool. */
	for (i = 0; i < t->nhosts; i++) {
		if (sfb_strmap_put(&by_name, t->hosts[i].name, t->hosts[i].unit, &had, NULL) != SFB_OK)
			goto oom;
		if (had && t->hosts[i].pool == NULL) {
			st = sfb_fail(L->ctx, SFB_EINVAL, t->file, t->eps[t->hosts[i].first_ep].line, 0,
			    "host '%s' has the name of a pool", t->hosts[i].name);
			goto out;
		}
	}
	if ((st = unit_sites(L)) != SFB_OK || (st = resolve_uses(L, &by_name)) != SFB_OK)
		goto out;
	for (i = 0; i < t->nhosts; i++)
		if (t->hosts[i].site == SFB_NO_SITE)
			t->hosts[i].site = t->units[t->hosts[i].unit].site;
	if ((st = check_edge_networks(L, root)) != SFB_OK)
		goto out;
	for (pool = 0; pool < t->npools; pool++) {
		if (t->pools[pool].vip != NULL &&
		    (st = add_virtual(L, pool, t->pools[pool].vip, false, &t->pools[pool].vip_ep)) != SFB_OK)
			goto out;
		if (t->pools[pool].snat != NULL &&
		    (st = add_virtual(L, pool, t->pools[pool].snat, true, &t->pools[pool].snat_ep)) != SFB_OK)
			goto out;
	}
	goto out;
oom:
	st = sfb_oom(L->ctx);
out:
	sfb_strmap_free(&by_name);
	return st;
}

/* --- Edge internal and external interfaces in one network ----------------- */

/* The first Edge host whose internal interface and an external Edge service
 * share one network that the topology lists (a zone's networks entry, or
 * the outside zone), warned at the external endpoint.  Microsoft: the
 * Edge's internal interface must be on another network than its external
 * one, with no routing between them. */
static sfb_status
check_edge_networks(struct loader *L, const sfb_ynode *root)
{
	const sfb_topology *t = L->t;
	const sfb_ynode *zones = sfb_y_get(root, "zones"), *nets;
	const struct sfb_endpoint *in, *ex;
	const struct sfb_host *h;
	long internal = sfb_catalog_role(L->cat, "edge-internal");
	size_t i, a, b, r, z, k;
	sfb_addrset net;
	bool same, ext;
	sfb_status st = SFB_OK;

	sfb_addrset_init(&net);
	for (i = 0; internal >= 0 && i < t->nhosts_real && st == SFB_OK; i++) {
		h = &t->hosts[i];
		for (a = h->first_ep; a < h->first_ep + h->nep && st == SFB_OK; a++) {
			in = &t->eps[a];
			for (r = 0; r < in->nroles && in->roles[r] != (size_t)internal; r++)
				;
			if (r == in->nroles || in->addr_text == NULL)
				continue;
			for (b = h->first_ep; b < h->first_ep + h->nep && st == SFB_OK; b++) {
				ex = &t->eps[b];
				for (r = 0, ext = false; r < ex->nroles; r++)
					ext |= (L->cat->roles[ex->roles[r]].traits & SFB_TRAIT_EDGE_EXTERNAL) != 0;
				if (b == a || !ext || ex->addr_text == NULL || ex->zone != in->zone)
					continue;
				same = t->zones[in->zone].is_default;
				nets = sfb_y_get(zones->kids[in->zone], "networks");
				for (k = 0; !same && nets != NULL && nets->type == SFB_Y_SEQ && k < nets->n; k++) {
					sfb_addrset_free(&net);
					sfb_addrset_init(&net);
					if (sfb_addrset_parse(&net, nets->kids[k]->str) != SFB_OK)
						continue;
					same = sfb_addrset_subset(&in->addr, &net) &&
					    sfb_addrset_subset(&ex->addr, &net);
				}
				z = in->zone;
				if (same && (st = sfb_warn(L->ctx, t->file, ex->addr_line, ex->addr_col,
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
	sfb_addrset_free(&net);
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
sfb_status
sfb_tl_check_ports(struct loader *L)
{
	const sfb_topology *t = L->t;
	const sfb_catalog *cat = L->cat;
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
			st = sfb_fail(L->ctx, SFB_EINVAL, t->file,
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
	st = sfb_oom(L->ctx);
out:
	sfb_iset_free(&both);
	for (r = 0; main_ports != NULL && r < cat->nroles; r++)
		sfb_portset_free(&main_ports[r]);
	free(main_ports);
	free(v);
	return st;
}

/* --- queries -------------------------------------------------------------- */

const sfb_portset *
sfb_endpoint_port(const struct sfb_endpoint *ep, size_t role)
{
	size_t i;

	for (i = 0; i < ep->nports; i++)
		if (ep->ports[i].role == role)
			return &ep->ports[i].ports;
	return NULL;
}

static bool
lists(const struct sfb_unit *a, const size_t *roles, size_t n, size_t b, bool *said)
{
	size_t i, k, r;

	*said = false;
	for (i = 0; i < a->nuses; i++) {
		for (r = 0; r < n && a->uses[i].role != roles[r]; r++)
			;
		if (r == n)
			continue;
		*said = true;
		for (k = 0; k < a->uses[i].nunits; k++)
			if (a->uses[i].units[k] == b)
				return true;
	}
	return false;
}

int
sfb_units_said(const sfb_topology *t, size_t a, size_t b, const size_t *roles_a, size_t nra,
    const size_t *roles_b, size_t nrb)
{
	const struct sfb_unit *ua = &t->units[a], *ub = &t->units[b];
	bool said_a, said_b;

	if (a == b)
		return 1;
	/* What Topology Builder associates wins: when either side says what it
	 * uses for the other's role, only what it says goes. */
	if (lists(ua, roles_b, nrb, b, &said_a) || lists(ub, roles_a, nra, a, &said_b))
		return 1;
	return said_a || said_b ? 0 : -1;
}

int
sfb_sites_relation(const sfb_topology *t, size_t a, size_t b)
{
	const struct sfb_site *sa, *sb;

	if (a == SFB_NO_SITE || b == SFB_NO_SITE || a == b)
		return 1;
	sa = &t->sites[a];
	sb = &t->sites[b];
	return (sa->branch && sa->central == b) || (sb->branch && sb->central == a) ? 2 : 0;
}

bool
sfb_endpoint_version_ok(const sfb_topology *t, const sfb_catalog *cat, size_t e,
    uint32_t versions)
{
	const struct sfb_endpoint *ep = &t->eps[e];
	size_t r;
	int v;

	if (versions == 0)
		return true;
	for (r = 0; r < ep->nroles; r++)
		if (cat->roles[ep->roles[r]].traits & SFB_TRAIT_SFB_SERVER)
			break;
	if (r == ep->nroles)
		return true;   /* not a Skype for Business server: no version */
	v = t->units != NULL ? t->units[t->hosts[ep->host].unit].version : t->product;
	return v < 0 || (versions & ((uint32_t)1 << v)) != 0;
}

bool
sfb_topology_features_on(const sfb_topology *t, const struct sfb_when *w)
{
	size_t i;

	if (t->version < 2)
		return true;
	for (i = 0; i < w->nfeatures; i++)
		if (w->features[i] >= t->nfeatures || !t->feature_on[w->features[i]])
			return false;
	return true;
}
