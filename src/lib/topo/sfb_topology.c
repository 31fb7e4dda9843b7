/* The topology model: zones, firewalls, hosts and endpoints, and in
 * version 2 sites, units and what they use; the queries the plan, DNS,
 * certificates and lints ask of it, and freeing.  The builder
 * (sfb_topology_build.c) resolves and checks it; the YAML front end
 * (sfb_topology_load.c, sfb_topology_v2.c) and, later, the importers fill
 * it.  Nothing here reads a file. */
#include "sfb_topology.h"

#include <stdlib.h>
#include <string.h>

#include "sfb_near.h"

const char *
sfb_topology_name(const sfb_topology *topo)
{
	return topo->name;
}

size_t
sfb_topology_host_count(const sfb_topology *topo)
{
	return topo->nhosts_real;
}

size_t
sfb_topology_zone_count(const sfb_topology *topo)
{
	return topo->nzones;
}

size_t
sfb_topology_firewall_count(const sfb_topology *topo)
{
	return topo->nfws;
}

const char *
sfb_topology_firewall_name(const sfb_topology *topo, size_t i)
{
	return i < topo->nfws ? topo->fws[i].name : NULL;
}

static const char *
fw_at(size_t i, const void *t)
{
	return ((const sfb_topology *)t)->fws[i].name;
}

static const char *
host_at(size_t i, const void *t)
{
	return ((const sfb_topology *)t)->hosts[i].name;
}

sfb_status
sfb_topology_no_such(sfb_ctx *ctx, const sfb_topology *t, const char *kind, const char *name)
{
	bool fw = strcmp(kind, "firewall") == 0;
	sfb_buf hint;
	sfb_status st;

	sfb_buf_init(&hint);
	/* the hosts the file names, not the load balancers' virtual ones */
	sfb_near_hint(&hint, name, fw ? t->nfws : t->nhosts_real, fw ? fw_at : host_at, t);
	st = sfb_failf(ctx, SFB_ENOTFOUND, "no %s named '%s' in %s%s", kind, name, t->file,
	    sfb_buf_str(&hint));
	sfb_buf_free(&hint);
	return st;
}

long
sfb_topology_find_firewall(const sfb_topology *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nfws; i++)
		if (strcmp(t->fws[i].name, name) == 0)
			return (long)i;
	return -1;
}

void
sfb_topology_free(sfb_topology *t)
{
	size_t i;

	if (t == NULL)
		return;
	free(t->file);
	free(t->name);
	for (i = 0; i < t->nsip; i++)
		free(t->sip_domains[i]);
	free(t->sip_domains);
	free(t->ad_domain);
	free(t->profile_on);
	free(t->meet_url);
	free(t->dialin_url);
	free(t->admin_url);
	free(t->web_internal);
	free(t->web_external);
	free(t->owa_internal);
	free(t->owa_external);
	for (i = 0; i < t->npools; i++) {
		free(t->pools[i].fqdn);
		free(t->pools[i].vip);
		free(t->pools[i].snat);
		free(t->pools[i].web_internal);
		free(t->pools[i].web_external);
		for (size_t k = 0; k < t->pools[i].nuses_decl; k++) {
			struct sfb_usedecl *ud = &t->pools[i].uses_decl[k];

			for (size_t j = 0; j < ud->n; j++)
				free(ud->names[j]);
			free(ud->names);
			free(ud->lines);
			free(ud->cols);
		}
		free(t->pools[i].uses_decl);
	}
	free(t->pools);
	for (i = 0; i < t->nzones; i++) {
		free(t->zones[i].name);
		sfb_addrset_free(&t->zones[i].nets);
		sfb_addrset_free(&t->zones[i].space);
		for (size_t k = 0; k < t->zones[i].nprefixes; k++)
			sfb_addrset_free(&t->zones[i].prefixes[k]);
		free(t->zones[i].prefixes);
	}
	free(t->zones);
	for (i = 0; i < t->nfws; i++) {
		free(t->fws[i].name);
		free(t->fws[i].zones);
		for (size_t k = 0; t->fws[i].ifnames != NULL && k < t->fws[i].nzones; k++)
			free(t->fws[i].ifnames[k]);
		free(t->fws[i].ifnames);
	}
	free(t->fws);
	for (i = 0; i < t->nhosts; i++) {
		free(t->hosts[i].name);
		free(t->hosts[i].pool);
	}
	for (i = 0; i < t->nsites; i++)
		free(t->sites[i].name);
	free(t->sites);
	for (i = 0; i < t->nunits; i++) {
		for (size_t k = 0; k < t->units[i].nuses; k++)
			free(t->units[i].uses[k].units);
		free(t->units[i].uses);
	}
	free(t->units);
	free(t->feature_on);
	free(t->hosts);
	for (i = 0; i < t->neps; i++) {
		sfb_addrset_free(&t->eps[i].addr);
		sfb_addrset_free(&t->eps[i].pub);
		free(t->eps[i].addr_text);
		free(t->eps[i].pub_text);
		free(t->eps[i].fqdn);
		free(t->eps[i].roles);
		for (size_t k = 0; k < t->eps[i].nports; k++)
			sfb_portset_free(&t->eps[i].ports[k].ports);
		free(t->eps[i].ports);
	}
	free(t->eps);
	free(t);
}



const char *
sfb_endpoint_address(const struct sfb_endpoint *ep, bool public)
{
	if (public && ep->pub_text != NULL)
		return ep->pub_text;
	return ep->addr_text != NULL && strchr(ep->addr_text, '/') == NULL &&
	    strchr(ep->addr_text, ',') == NULL ? ep->addr_text : NULL;
}

bool
sfb_endpoint_has_role(const struct sfb_endpoint *ep, size_t role)
{
	size_t i;

	for (i = 0; i < ep->nroles; i++)
		if (ep->roles[i] == role)
			return true;
	return false;
}

bool
sfb_endpoint_has_trait(const sfb_catalog *cat, const struct sfb_endpoint *ep, unsigned traits)
{
	size_t i;

	for (i = 0; i < ep->nroles; i++)
		if (cat->roles[ep->roles[i]].traits & traits)
			return true;
	return false;
}

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
	for (i = 0; i < w->nfeatures; i++) {
		bool on = w->features[i] < t->nfeatures && t->feature_on[w->features[i]];

		if (on == (w->off != NULL && w->off[i]))
			return false;
	}
	return true;
}
