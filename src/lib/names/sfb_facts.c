/* Topology facts and placeholder expansion for DNS records and certificates. */
#include "sfb_facts.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sfb_strmap.h"

void
sfb_pools_free(struct sfb_pools *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->v[i].eps);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

bool
sfb_pool_is_enterprise(const struct sfb_pool *p)
{
	return p->neps > 1;
}

/* The pools of a role, one pass over the endpoints: members find their
 * pool, and a pool its load balancer address, through hash maps. */
sfb_status
sfb_pools_of_role(const sfb_topology *t, size_t role, struct sfb_pools *out)
{
	const struct sfb_endpoint *ep;
	const char *key;
	struct sfb_pool *p;
	sfb_strmap bykey, decl;
	size_t i, k, d;
	bool had;
	sfb_status st = SFB_OK;

	memset(out, 0, sizeof(*out));
	sfb_strmap_init(&bykey);
	sfb_strmap_init(&decl);
	for (d = 0; d < t->npools; d++)
		if ((st = sfb_strmap_put(&decl, t->pools[d].fqdn, d, NULL, NULL)) != SFB_OK)
			goto out;
	for (i = 0; i < t->neps_real; i++) {
		ep = &t->eps[i];
		if (!sfb_endpoint_has_role(ep, role))
			continue;
		key = t->hosts[ep->host].pool != NULL ? t->hosts[ep->host].pool : ep->fqdn;
		had = false;
		k = out->n;
		/* Endpoints without any name stand alone, each its own pool. */
		if (key != NULL && (st = sfb_strmap_put(&bykey, key, out->n, &had, &k)) != SFB_OK)
			goto out;
		if (!had) {
			if ((st = sfb_grow(&out->v, &out->cap, out->n + 1, sizeof(*out->v))) != SFB_OK)
				goto out;
			p = &out->v[out->n++];
			memset(p, 0, sizeof(*p));
			p->fqdn = key;
			p->decl = SIZE_MAX;
			if (key != NULL && sfb_strmap_get(&decl, key, &d)) {
				p->vip = t->pools[d].vip;
				p->decl = d;
			}
		}
		p = &out->v[k];
		if ((st = sfb_grow(&p->eps, &p->cap, p->neps + 1, sizeof(size_t))) != SFB_OK)
			goto out;
		p->eps[p->neps++] = i;
	}
out:
	sfb_strmap_free(&bykey);
	sfb_strmap_free(&decl);
	if (st != SFB_OK)
		sfb_pools_free(out);
	return st;
}

sfb_status
sfb_facts_init(struct sfb_facts *f, const sfb_catalog *cat, const sfb_topology *t)
{
	memset(f, 0, sizeof(*f));
	f->t = t;
	f->nroles = cat->nroles;
	sfb_strmap_init(&f->decl);
	f->byrole = calloc(cat->nroles + 1, sizeof(*f->byrole));
	f->done = calloc(cat->nroles + 1, sizeof(*f->done));
	if (f->byrole == NULL || f->done == NULL) {
		sfb_facts_free(f);
		return SFB_ENOMEM;
	}
	return SFB_OK;
}

void
sfb_facts_free(struct sfb_facts *f)
{
	size_t i;

	for (i = 0; f->byrole != NULL && i < f->nroles; i++)
		sfb_pools_free(&f->byrole[i]);
	free(f->byrole);
	free(f->done);
	sfb_strmap_free(&f->decl);
	memset(f, 0, sizeof(*f));
}

const struct sfb_pooldecl *
sfb_facts_decl(struct sfb_facts *f, const char *fqdn)
{
	size_t d;

	if (!f->decl_done) {
		for (d = 0; d < f->t->npools; d++)
			if (sfb_strmap_put(&f->decl, f->t->pools[d].fqdn, d, NULL, NULL) != SFB_OK)
				return NULL;
		f->decl_done = true;
	}
	return sfb_strmap_get(&f->decl, fqdn, &d) ? &f->t->pools[d] : NULL;
}

const struct sfb_pools *
sfb_facts_pools(struct sfb_facts *f, size_t role)
{
	if (role >= f->nroles)
		return NULL;
	if (!f->done[role]) {
		if (sfb_pools_of_role(f->t, role, &f->byrole[role]) != SFB_OK)
			return NULL;
		f->done[role] = true;
	}
	return &f->byrole[role];
}

sfb_status
sfb_domains_index(const sfb_topology *t, bool ad, sfb_strmap *m)
{
	size_t i;

	for (i = 0; i < t->nsip; i++)
		if (sfb_strmap_put(m, t->sip_domains[i], i, NULL, NULL) != SFB_OK)
			return SFB_ENOMEM;
	if (ad && t->ad_domain != NULL && sfb_strmap_put(m, t->ad_domain, t->nsip, NULL, NULL) !=
	    SFB_OK)
		return SFB_ENOMEM;
	return SFB_OK;
}

/* Each suffix of name at a label boundary is one lookup: labels, not
 * domains. */
size_t
sfb_domains_of(const sfb_strmap *m, const char *name, size_t *at, size_t max)
{
	const char *suffix;
	size_t n = 0;

	for (suffix = name; suffix != NULL && n < max; suffix = strchr(suffix, '.')) {
		if (*suffix == '.')
			suffix++;
		if (sfb_strmap_get(m, suffix, &at[n]))
			n++;
	}
	return n;
}

sfb_status
sfb_url_host(const char *url, sfb_strv *out)
{
	const char *h = strncmp(url, "https://", 8) == 0 ? url + 8 : url;

	return sfb_strv_addn(out, h, strcspn(h, "/"), true);
}

/* True if host h is one of the hosts of the expansion's pool. */
static bool
on_pool_hosts(const struct sfb_expand *x, size_t h)
{
	size_t i;

	for (i = 0; i < x->pool->neps; i++)
		if (x->t->eps[x->pool->eps[i]].host == h)
			return true;
	return false;
}

/* The web services name of the pool an expansion is for: in version 2 its
 * own (pools[].web_services), else the topology's.  *decl: the pool's
 * declaration, for messages. */
static const char *
web_of(const struct sfb_expand *x, bool internal, const struct sfb_pooldecl **decl)
{
	const sfb_topology *t = x->t;
	const char *fqdn = x->chosen_pool != NULL ? x->chosen_pool :
	    x->pool != NULL ? x->pool->fqdn : NULL;
	const char *own;

	*decl = t->version >= 2 && fqdn != NULL ? sfb_facts_decl(x->facts, fqdn) : NULL;
	if (*decl != NULL) {
		own = internal ? (*decl)->web_internal : (*decl)->web_external;
		if (own != NULL)
			return own;
	}
	return internal ? t->web_internal : t->web_external;
}

/* Values of one placeholder. */
static sfb_status
values_of(struct sfb_expand *x, const char *name, size_t len, sfb_strv *out)
{
	const sfb_topology *t = x->t;
	const struct sfb_pools *pools;
	const char *key = NULL, *url = NULL;
	const char *chosen = NULL;
	int kr = -1;             /* the placeholder's role (enum sfb_known_role) */
	bool member = false, pool = false, own_hosts = false;
	const struct sfb_pooldecl *decl = NULL;
	sfb_status st = SFB_OK;
	long role;
	size_t i, k;

#define IS(s) (len == sizeof(s) - 1 && memcmp(name, s, len) == 0)
	if (IS("sip_domain")) {
		for (i = 0; i < t->nsip && st == SFB_OK; i++)
			st = sfb_strv_add(out, t->sip_domains[i], true);
		return st;
	}
	if (IS("ad_domain")) { key = "ad_domain"; url = t->ad_domain; }
	else if (IS("meet")) { key = "simple_urls.meet"; url = t->meet_url; }
	else if (IS("dialin")) { key = "simple_urls.dialin"; url = t->dialin_url; }
	else if (IS("admin")) { key = "simple_urls.admin"; url = t->admin_url; }
	else if (IS("web_internal")) { key = "web_services.internal"; url = web_of(x, true, &decl); }
	else if (IS("web_external")) { key = "web_services.external"; url = web_of(x, false, &decl); }
	else if (IS("owa_internal")) { key = "office_web_apps.internal"; url = t->owa_internal; }
	else if (IS("owa_external")) { key = "office_web_apps.external"; url = t->owa_external; }
	else if (IS("access_edge")) { kr = SFB_KR_EDGE_ACCESS; chosen = x->chosen_access; }
	else if (IS("webconf_edge")) { kr = SFB_KR_EDGE_WEBCONF; chosen = x->chosen_webconf; }
	else if (IS("av_edge")) { kr = SFB_KR_EDGE_AV; chosen = x->chosen_av; }
	else if (IS("edge_internal")) { kr = SFB_KR_EDGE_INTERNAL; pool = true; }
	else if (IS("director_pool")) { kr = SFB_KR_DIRECTOR; pool = true; }
	else if (IS("pool")) { kr = SFB_KR_FRONT_END; pool = true; chosen = x->chosen_pool; }
	else if (IS("member")) { kr = SFB_KR_FRONT_END; member = true; }
	else if (IS("server"))
		return x->chosen_server != NULL ? sfb_strv_add(out, x->chosen_server, true) : SFB_OK;
	else if (IS("pool_of"))
		return x->chosen_pool_of != NULL && x->chosen_pool_of->fqdn != NULL ?
		    sfb_strv_add(out, x->chosen_pool_of->fqdn, true) : SFB_OK;
#undef IS
	/* Version 2, a name for no one pool (the reverse proxy's certificate):
	 * the web services names of every pool. */
	if (key != NULL && strncmp(key, "web_services", 12) == 0 && t->version >= 2 &&
	    x->chosen_pool == NULL && (x->pool == NULL || decl == NULL)) {
		bool internal = key[13] == 'i';

		for (i = 0; i < t->npools && st == SFB_OK; i++) {
			const char *own = internal ? t->pools[i].web_internal : t->pools[i].web_external;

			if (own != NULL)
				st = sfb_url_host(own, out);
		}
		if (st == SFB_OK && url != NULL)
			st = sfb_url_host(url, out);
		if (st != SFB_OK || out->n > 0)
			return st;
	}
	if (key != NULL) {
		/* Office Web Apps URLs matter only where there is an Office Web
		 * Apps server; every other key is needed whenever asked for. */
		if (url == NULL && strncmp(key, "office_web_apps", 15) == 0) {
			const struct sfb_pools *owa = sfb_facts_pools(x->facts,
			    x->cat->known[SFB_KR_OFFICE_WEB_APPS]);

			if (owa == NULL)
				return SFB_ENOMEM;
			if (owa->n == 0)
				return SFB_OK;
			/* A farm for internal users only (Topology Builder's
			 * IsExternal false) has no external name: nothing to
			 * publish, nothing to put on the reverse proxy. */
			if (strcmp(key, "office_web_apps.external") == 0 && t->owa_internal != NULL)
				return SFB_OK;
		}
		/* The administration URL is optional in Skype for Business. */
		if (url == NULL && strcmp(key, "simple_urls.admin") == 0)
			return SFB_OK;
		if (url == NULL && decl != NULL)
			return sfb_fail(x->ctx, SFB_ENOTFOUND, t->file, decl->line, decl->col,
			    "pool '%s' needs '%s' (in its pools: entry, or for every pool at the "
			    "top of the file) for %s", decl->fqdn, key, x->entry_id);
		if (url == NULL)
			return sfb_fail(x->ctx, SFB_ENOTFOUND, t->file, 0, 0,
			    "the topology needs '%s' (for %s)", key, x->entry_id);
		return sfb_url_host(url, out);
	}
	if (kr < 0)
		return sfb_fail(x->ctx, SFB_EINTERNAL, t->file, 0, 0, "unknown placeholder");
	role = (long)x->cat->known[kr];
	if (chosen != NULL)
		return sfb_strv_add(out, chosen, true);
	/* The pool placeholder of the certificate's own role ({pool} for a
	 * Front End, {edge_internal} for an Edge, {director_pool} for a
	 * Director) is its own pool, not every pool of that role. */
	if (x->pool != NULL && pool && role == x->pool_role) {
		const struct sfb_endpoint *ep0;

		if (x->pool->fqdn != NULL)
			return sfb_strv_add(out, x->pool->fqdn, true);
		ep0 = x->pool->neps > 0 ? &t->eps[x->pool->eps[0]] : NULL;
		return sfb_fail(x->ctx, SFB_ENOTFOUND, t->file, ep0 != NULL ? ep0->line : 0,
		    ep0 != NULL ? ep0->col : 0, "host '%s' needs a pool: (or an fqdn: on this "
		    "endpoint) for %s, which names its %s pool", ep0 != NULL ?
		    t->hosts[ep0->host].name : "?", x->entry_id, x->cat->roles[role].name);
	}
	if (x->pool != NULL && member) {
		for (i = 0; i < x->pool->neps && st == SFB_OK; i++) {
			const struct sfb_endpoint *ep = &t->eps[x->pool->eps[i]];

			if (ep->fqdn == NULL)
				return sfb_fail(x->ctx, SFB_ENOTFOUND, t->file, ep->line, ep->col,
				    "%s needs the fqdn of this endpoint (host %s)", x->entry_id,
				    t->hosts[ep->host].name);
			st = sfb_strv_add(out, ep->fqdn, true);
		}
		return st;
	}
	if ((pools = sfb_facts_pools(x->facts, (size_t)role)) == NULL)
		return SFB_ENOMEM;
	/* The pool's own hosts, when they have an endpoint of this role. */
	for (i = 0; x->pool != NULL && !pool && !member && i < pools->n && !own_hosts; i++)
		for (k = 0; k < pools->v[i].neps && !own_hosts; k++)
			own_hosts = on_pool_hosts(x, t->eps[pools->v[i].eps[k]].host);
	for (i = 0; i < pools->n && st == SFB_OK; i++) {
		if (pool && !member) {
			if (pools->v[i].fqdn != NULL)
				st = sfb_strv_add(out, pools->v[i].fqdn, true);
			continue;
		}
		/* Members, and the Edge service names: the endpoints' own FQDNs;
		 * for a certificate of a pool, those on the pool's own hosts
		 * (an Edge pool's certificate names its own Access Edge, not
		 * another pool's). */
		for (k = 0; k < pools->v[i].neps && st == SFB_OK; k++) {
			const struct sfb_endpoint *ep = &t->eps[pools->v[i].eps[k]];

			if (ep->fqdn == NULL || (own_hosts && !on_pool_hosts(x, ep->host)))
				continue;
			st = sfb_strv_add(out, ep->fqdn, true);
		}
	}
	return st;
}

/* Recursive cross product: expand the first placeholder of tmpl[from..]
 * with each of its values and go on with the rest. */
static sfb_status
expand_from(struct sfb_expand *x, const char *tmpl, sfb_buf *prefix, sfb_strv *out, int depth)
{
	const char *open = strchr(tmpl, '{'), *close;
	sfb_strv vals;
	size_t i, keep;
	sfb_status st;

	if (depth > 8)
		return sfb_fail(x->ctx, SFB_EINVAL, NULL, 0, 0, "%s: too many placeholders",
		    x->entry_id);
	if (open == NULL) {
		keep = prefix->len;
		sfb_buf_puts(prefix, tmpl);
		st = sfb_buf_status(prefix) != SFB_OK ? SFB_ENOMEM :
		    sfb_strv_add(out, sfb_buf_str(prefix), true);
		prefix->len = keep;
		if (prefix->data != NULL)
			prefix->data[keep] = '\0';
		return st;
	}
	close = strchr(open, '}');
	if (close == NULL)
		return sfb_fail(x->ctx, SFB_EINVAL, NULL, 0, 0, "%s: unclosed placeholder",
		    x->entry_id);
	sfb_strv_init(&vals);
	st = values_of(x, open + 1, (size_t)(close - open - 1), &vals);
	for (i = 0; st == SFB_OK && i < vals.n; i++) {
		if (out->n >= SFB_NAMES_MAX) {
			st = sfb_fail(x->ctx, SFB_ERANGE, x->t->file, 0, 0,
			    "%s: the topology asks for more than %d names from one template "
			    "(this sfbnet's limit)", x->entry_id, SFB_NAMES_MAX);
			break;
		}
		keep = prefix->len;
		sfb_buf_add(prefix, tmpl, (size_t)(open - tmpl));
		sfb_buf_puts(prefix, vals.v[i]);
		st = sfb_buf_status(prefix) != SFB_OK ? SFB_ENOMEM :
		    expand_from(x, close + 1, prefix, out, depth + 1);
		prefix->len = keep;
		if (prefix->data != NULL)
			prefix->data[keep] = '\0';
	}
	sfb_strv_free(&vals);
	return st;
}

sfb_status
sfb_expand_template(struct sfb_expand *x, const char *tmpl, sfb_strv *out)
{
	sfb_buf prefix;
	sfb_status st;

	sfb_buf_init(&prefix);
	st = expand_from(x, tmpl, &prefix, out, 0);
	sfb_buf_free(&prefix);
	if (st == SFB_ENOMEM)
		return sfb_oom(x->ctx);
	return st;
}
