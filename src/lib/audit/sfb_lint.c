/* Checks of a topology against the DNS and certificate rules of the
 * documents; every finding is a warning carrying its citation. */
#include "pki/sfb_certs.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sfb_strmap.h"

#include "sfbnet/lint.h"
#include "sfb_text.h"

static bool
profile_on(const sfb_catalog *cat, const sfb_topology *t, const char *name)
{
	long p = sfb_catalog_profile(cat, name);

	return p >= 0 && (size_t)p < t->nprofiles && t->profile_on[p];
}

/* Private, shared, loopback and link-local IPv4/IPv6: not reachable from
 * the internet without NAT. */
static sfb_status
private_ranges(sfb_addrset *priv)
{
	static const char *const ranges[] = { "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
		"100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10", NULL };
	size_t i;
	sfb_status st;

	for (i = 0; ranges[i] != NULL; i++)
		if ((st = sfb_addrset_parse(priv, ranges[i])) != SFB_OK)
			return st;
	return SFB_OK;
}

/* Each SIP domain needs an Access Edge name inside it.  The domains are
 * indexed, and each Access Edge name marks the domains it lies in by its
 * suffixes: names x labels, not names x domains. */
static sfb_status
check_federation_srv(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *t)
{
	size_t access = cat->known[SFB_KR_EDGE_ACCESS];
	const char *target = NULL;
	sfb_strmap domains;
	bool *match = NULL;
	size_t d, i, k, n, in[SFB_MAX_LABELS];
	sfb_status st = SFB_OK;

	sfb_strmap_init(&domains);
	/* Version 2 points such a domain's SRV records at sip.<domain>, which
	 * the external DNS and the Edge certificate carry anyway. */
	if (t->version >= 2 ||
	    (!profile_on(cat, t, "sfb-edge") && !profile_on(cat, t, "sfb-hybrid")))
		goto out;
	match = calloc(t->nsip + 1, sizeof(bool));
	if (match == NULL) {
		st = SFB_ENOMEM;
		goto out;
	}
	if ((st = sfb_domains_index(t, false, &domains)) != SFB_OK)
		goto out;
	for (i = 0; i < t->neps_real; i++) {
		if (!sfb_endpoint_has_role(&t->eps[i], access) || t->eps[i].fqdn == NULL)
			continue;
		target = t->eps[i].fqdn;
		n = sfb_domains_of(&domains, target, in, SFB_MAX_LABELS);
		for (k = 0; k < n; k++)
			match[in[k]] = true;
	}
	for (d = 0; target != NULL && d < t->nsip && st == SFB_OK; d++) {
		if (match[d])
			continue;
		st = sfb_warn(ctx, t->file, 0, 0, "SIP domain '%s': its federation SRV record "
		    "_sipfederationtls._tcp.%s would point at the Access Edge '%s', outside the "
		    "domain; partners and Office 365 require strict DNS name matching, so give it "
		    "an Access Edge name in %s (on the Edge certificate too) [ms-sfb-hybrid: DNS "
		    "settings, federation SRV record]", t->sip_domains[d], t->sip_domains[d], target,
		    t->sip_domains[d]);
	}
out:
	free(match);
	sfb_strmap_free(&domains);
	return st;
}

static sfb_status
check_edge_public(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *t)
{
	sfb_addrset priv;
	size_t i, k;
	sfb_status st = SFB_OK;

	if (!profile_on(cat, t, "sfb-edge") && !profile_on(cat, t, "sfb-hybrid"))
		return SFB_OK;
	sfb_addrset_init(&priv);
	if ((st = private_ranges(&priv)) != SFB_OK)
		goto out;
	for (i = 0; i < t->neps_real; i++) {
		const struct sfb_endpoint *ep = &t->eps[i];

		/* Its first external Edge service, in vocabulary order. */
		for (k = 0; k < cat->nroles; k++)
			if ((cat->roles[k].traits & SFB_TRAIT_EDGE_EXTERNAL) && sfb_endpoint_has_role(ep, k))
				break;
		if (k == cat->nroles || ep->pub_text != NULL || !sfb_addrset_overlaps(&ep->addr, &priv))
			continue;
		st = sfb_warn(ctx, t->file, ep->line, ep->col, "the %s endpoint of host '%s' has "
		    "a private address and no public address: external users, federation and "
		    "Office 365 cannot reach it (add public: ADDRESS) [ms-edge-env: Edge Server "
		    "environmental requirements, public IP addresses and NAT]", cat->roles[k].name,
		    t->hosts[ep->host].name);
		if (st != SFB_OK)
			goto out;
	}
out:
	sfb_addrset_free(&priv);
	return st;
}

static sfb_status
check_simple_urls(sfb_ctx *ctx, const sfb_topology *t)
{
	const char *const urls[] = { t->meet_url, t->dialin_url };
	const char *const keys[] = { "simple_urls.meet", "simple_urls.dialin" };
	sfb_strv host;
	size_t i, d;
	bool ok;
	sfb_status st = SFB_OK;

	for (i = 0; i < 2 && st == SFB_OK; i++) {
		if (urls[i] == NULL)
			continue;
		sfb_strv_init(&host);
		if (sfb_url_host(urls[i], &host) != SFB_OK)
			return SFB_ENOMEM;
		for (d = 0, ok = false; d < t->nsip; d++)
			ok |= sfb_name_in_domain(host.v[0], t->sip_domains[d]);
		if (!ok)
			st = sfb_warn(ctx, t->file, 0, 0, "%s '%s' is not in any SIP domain: "
			    "the certificates and external DNS are issued per SIP domain, so "
			    "this name needs its own public DNS zone and certificate name "
			    "[ms-sfb-poster: DNS Configuration and Certificate Requirements, meet and "
			    "dial-in URLs]", keys[i], host.v[0]);
		sfb_strv_free(&host);
	}
	return st;
}

/* Common names longer than RFC 5280 allows; SANs longer than a DNS name. */
static sfb_status
check_cert_names(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *t)
{
	struct sfb_certlist l;
	size_t i, k;
	sfb_status st;

	if ((st = sfb_certs_build(ctx, cat, t, &l)) != SFB_OK)
		return st;
	for (i = 0; i < l.n && st == SFB_OK; i++) {
		if (strlen(l.v[i].subject) > SFB_CN_MAX)
			st = sfb_warn(ctx, t->file, 0, 0, "certificate %s: the subject name '%s' has "
			    "%zu characters, more than the %d a common name may have [RFC 5280, "
			    "ub-common-name]", l.v[i].entry->id, l.v[i].subject,
			    strlen(l.v[i].subject), SFB_CN_MAX);
		for (k = 0; k < l.v[i].san.n && st == SFB_OK; k++)
			if (strlen(l.v[i].san.v[k]) > 253)
				st = sfb_warn(ctx, t->file, 0, 0, "certificate %s: the SAN '%s' is "
				    "longer than a DNS name may be (253) [RFC 1035]", l.v[i].entry->id,
				    l.v[i].san.v[k]);
	}
	sfb_certs_free(&l);
	return st;
}

/* An external Edge service that no flow from the outside reaches: the
 * topology has no endpoint in the outside zone with a role that connects to
 * it (remote users, partners, Office 365, the internet), so no firewall gets
 * an inbound rule for it and external users, federation and meetings fail.
 * Which roles connect is the catalog's: the "from" roles of its flows. */
static sfb_status
check_edge_inbound(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *t)
{
	bool *outside = NULL, *present = NULL;
	const struct sfb_endpoint *first;
	const struct sfb_cflow *f;
	sfb_strv want;
	sfb_buf list;
	size_t i, k, r, e;
	long role;
	bool reached, has_outside = false;
	sfb_status st = SFB_OK;

	sfb_strv_init(&want);
	sfb_buf_init(&list);
	outside = calloc(cat->nroles + 1, sizeof(bool));
	present = calloc(cat->nroles + 1, sizeof(bool));
	if (outside == NULL || present == NULL) {
		st = SFB_ENOMEM;
		goto out;
	}
	for (i = 0; i < t->neps_real; i++)
		for (r = 0; r < t->eps[i].nroles; r++) {
			present[t->eps[i].roles[r]] = true;
			if (t->zones[t->eps[i].zone].is_default)
				outside[t->eps[i].roles[r]] = true;
		}
	for (i = 0; i < t->nzones; i++)
		has_outside |= t->zones[i].is_default;
	for (e = 0; has_outside && e < cat->nroles && st == SFB_OK; e++) {
		role = (long)e;
		if (!(cat->roles[e].traits & SFB_TRAIT_EDGE_EXTERNAL) || !present[role])
			continue;
		reached = false;
		sfb_strv_free(&want);
		for (i = 0; i < cat->nflows && !reached; i++) {
			f = &cat->flows[i];
			if (f->profile >= t->nprofiles || !t->profile_on[f->profile])
				continue;
			for (k = 0; k < f->nto && f->to[k] != (size_t)role; k++)
				;
			if (k == f->nto)
				continue;
			for (k = 0; k < f->nfrom && !reached; k++) {
				reached = outside[f->from[k]];
				if (!reached && (st = sfb_strv_add(&want, cat->roles[f->from[k]].name,
				    true)) != SFB_OK)
					goto out;
			}
		}
		if (reached || want.n == 0)
			continue;
		for (i = 0, first = NULL; i < t->neps_real && first == NULL; i++)
			for (r = 0; r < t->eps[i].nroles; r++)
				if (t->eps[i].roles[r] == (size_t)role)
					first = &t->eps[i];
		sfb_buf_reset(&list);
		for (i = 0; i < want.n; i++)
			sfb_buf_printf(&list, "%s%s", i ? ", " : "", want.v[i]);
		if (sfb_buf_status(&list) != SFB_OK) {
			st = SFB_ENOMEM;
			goto out;
		}
		st = sfb_warn(ctx, t->file, first->line, first->col, "the %s endpoint of host '%s' "
		    "receives no flow from the outside zone: no endpoint there has a role that "
		    "connects to it (%s), so no firewall gets an inbound rule for it; add the "
		    "outside's users and partners (e.g. { zone: OUTSIDE, roles: [remote-client, "
		    "federated-partner] }) [catalog: the flows to %s]", cat->roles[e].name,
		    t->hosts[first->host].name, sfb_buf_str(&list), cat->roles[e].name);
	}
out:
	free(outside);
	free(present);
	sfb_strv_free(&want);
	sfb_buf_free(&list);
	return st;
}

sfb_status
sfb_dns_lint(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo)
{
	sfb_status st;

	if ((st = check_federation_srv(ctx, cat, topo)) != SFB_OK ||
	    (st = check_edge_public(ctx, cat, topo)) != SFB_OK ||
	    (st = check_edge_inbound(ctx, cat, topo)) != SFB_OK ||
	    (st = check_simple_urls(ctx, topo)) != SFB_OK ||
	    (st = check_cert_names(ctx, cat, topo)) != SFB_OK)
		return st == SFB_ENOMEM ? sfb_oom(ctx) : st;
	return SFB_OK;
}
