/* The YAML front end of topology format version 2: product, features,
 * sites, the pools' site, version, snat, web services and uses, hosts' sites
 * and endpoints' ports (docs/topology.md).  The version 1 loader calls in
 * here for the keys only version 2 has; the builder (sfb_topology_build.c)
 * turns the names into units, sites, uses and virtual endpoints. */
#include "sfb_topology_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>


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
	size_t i;
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
			return sfb_tl_unknown(L, key, "ports: ", "role", key->str, L->cat->nroles,
			    sfb_tl_role_at, L->cat);
		if (!sfb_endpoint_has_role(ep, (size_t)role))
			return sfb_y_fail(L->ctx, L->d, key,
			    "ports: '%s' is not a role of this endpoint", key->str);
		pp = &ep->ports[ep->nports++];
		pp->role = (size_t)role;
		pp->line = key->line;
		pp->col = key->col;
		sfb_portset_init(&pp->ports);
		if ((st = sfb_y_ports(L->ctx, L->d, n->kids[i + 1], "a port", &pp->ports)) != SFB_OK)
			return st;
		if (sfb_portset_is_all(&pp->ports))
			return sfb_y_fail(L->ctx, L->d, n->kids[i + 1],
			    "ports: '%s' needs its port(s), not any", key->str);
	}
	return SFB_OK;
}

/* uses: role -> [pool fqdn or host name]: the names as written, with their
 * places; the builder resolves them. */
static sfb_status
load_uses(struct loader *L, const sfb_ynode *m, struct sfb_pooldecl *pd)
{
	const sfb_ynode *key, *list, *item;
	struct sfb_usedecl *ud;
	sfb_status st;
	size_t k, j;
	long role;

	if ((st = sfb_y_expect(L->ctx, L->d, m, SFB_Y_MAP, "uses")) != SFB_OK)
		return st;
	pd->uses_decl = calloc(m->n / 2 + 1, sizeof(*pd->uses_decl));
	if (pd->uses_decl == NULL)
		return sfb_oom(L->ctx);
	for (k = 0; k + 1 < m->n; k += 2) {
		key = m->kids[k];
		list = m->kids[k + 1];
		if ((role = sfb_catalog_role(L->cat, key->str)) < 0)
			return sfb_tl_unknown(L, key, "uses: ", "role", key->str, L->cat->nroles,
			    sfb_tl_role_at, L->cat);
		if ((st = sfb_y_expect(L->ctx, L->d, list, SFB_Y_SEQ, "uses")) != SFB_OK)
			return st;
		ud = &pd->uses_decl[pd->nuses_decl++];
		ud->role = (size_t)role;
		ud->names = calloc(list->n + 1, sizeof(*ud->names));
		ud->lines = calloc(list->n + 1, sizeof(int));
		ud->cols = calloc(list->n + 1, sizeof(int));
		if (ud->names == NULL || ud->lines == NULL || ud->cols == NULL)
			return sfb_oom(L->ctx);
		for (j = 0; j < list->n; j++) {
			item = list->kids[j];
			if ((st = sfb_y_expect(L->ctx, L->d, item, SFB_Y_SCALAR, "a pool or host")) != SFB_OK ||
			    (st = sfb_tl_dup(L, &ud->names[j], item->str)) != SFB_OK)
				return st;
			ud->lines[j] = item->line;
			ud->cols[j] = item->col;
			ud->n++;
		}
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
	if ((n = sfb_y_get(p, "load_balancing")) != NULL) {
		if ((st = sfb_y_str(L->ctx, L->d, n, "load_balancing", &s)) != SFB_OK)
			return st;
		if (strcmp(s, "hardware") == 0)
			pd->sip_hw = true;
		else if (strcmp(s, "dns") != 0)
			return sfb_y_fail(L->ctx, L->d, n, "load_balancing must be dns or hardware, not '%s'",
			    s);
		if (pd->sip_hw && sfb_y_get(p, "vip") == NULL)
			return sfb_y_fail(L->ctx, L->d, n, "load_balancing: hardware needs the pool's vip");
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
	if ((n = sfb_y_get(p, "uses")) != NULL)
		return load_uses(L, n, pd);
	return SFB_OK;
}

