/* DNS records from the catalog's dns: entries and the topology, written as
 * BIND zone-file lines, JSON, or a PowerShell script for Windows DNS. */
#include "names/sfb_facts.h"
#include "dns/sfb_dns.h"
#include "sfb_esc.h"
#include "sfb_strmap.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sfbnet/dns.h"
#include "sfb_text.h"

#define DNS_TTL 3600


struct rrset {
	struct sfb_rr *v;
	size_t n, cap;
	/* Indexes, so that 100,000 records are not 100,000 searches of the
	 * set: every record's identity, and the domains records belong to. */
	sfb_strmap seen;          /* the records' keys -> record */
	sfb_strmap domains;       /* SIP and AD domains */
	bool have_domains;
};

static void
rrset_free(struct rrset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].zone);
		free(s->v[i].name);
		free(s->v[i].value);
		free(s->v[i].key);
	}
	free(s->v);
	sfb_strmap_free(&s->seen);
	sfb_strmap_free(&s->domains);
}

static char *
lower_dup(const char *s)
{
	char *d = sfb_strdup(s), *p;

	for (p = d; p != NULL && *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

/* The zone a name belongs to: the longest SIP or AD domain it ends with,
 * else its parent domain.  Suffixes are tried longest first, each one a
 * lookup in the index of domains. */
static sfb_status
zone_of(struct rrset *s, const sfb_topology *t, const char *name, char **out)
{
	const char *dot;
	size_t at;

	*out = NULL;
	if (!s->have_domains) {
		if (sfb_domains_index(t, true, &s->domains) != SFB_OK)
			return SFB_ENOMEM;
		s->have_domains = true;
	}
	if (sfb_domains_of(&s->domains, name, &at, 1) == 1) {
		*out = lower_dup(at < t->nsip ? t->sip_domains[at] : t->ad_domain);
		return *out != NULL ? SFB_OK : SFB_ENOMEM;
	}
	dot = strchr(name, '.');
	*out = lower_dup(dot != NULL && dot[1] != '\0' ? dot + 1 : name);
	return *out != NULL ? SFB_OK : SFB_ENOMEM;
}

static bool
is_v6(const char *addr)
{
	return strchr(addr, ':') != NULL;
}

static sfb_status
add_rr(struct rrset *s, const sfb_topology *t, int view, const char *name, int type,
    const char *value, const struct sfb_cdns *e, unsigned port)
{
	struct sfb_rr *r;
	sfb_buf key;
	size_t i;
	sfb_status st;
	char *lname = lower_dup(name), *lval = lower_dup(value);
	const char *tname = type == SFB_RR_SRV ? "SRV" : type == SFB_RR_CNAME ? "CNAME" :
	    is_v6(value) ? "AAAA" : "A";

	sfb_buf_init(&key);
	if (lname == NULL || lval == NULL)
		goto oom;
	/* The same record asked for twice is one record. */
	sfb_buf_printf(&key, "%d %s %s %s %d %d", view, lname, tname, lval,
	    type == SFB_RR_SRV ? (int)e->prio : 0, type == SFB_RR_SRV ? (int)port : 0);
	if (sfb_buf_status(&key) != SFB_OK)
		goto oom;
	if (sfb_strmap_get(&s->seen, sfb_buf_str(&key), &i)) {
		st = SFB_OK;
		goto out;
	}
	if (s->n >= SFB_NAMES_MAX) {
		st = SFB_ERANGE;
		goto out;
	}
	if (sfb_grow(&s->v, &s->cap, s->n + 1, sizeof(*s->v)) != SFB_OK)
		goto oom;
	r = &s->v[s->n];
	memset(r, 0, sizeof(*r));
	if (zone_of(s, t, lname, &r->zone) != SFB_OK || (r->key = sfb_buf_take(&key)) == NULL ||
	    sfb_strmap_put(&s->seen, r->key, s->n, NULL, NULL) != SFB_OK) {
		free(r->zone);
		free(r->key);
		goto oom;
	}
	r->view = view;
	r->name = lname;
	r->value = lval;
	r->type = tname;
	r->entry = e;
	r->port = port;
	s->n++;
	return SFB_OK;
oom:
	st = SFB_ENOMEM;
out:
	free(lname);
	free(lval);
	sfb_buf_free(&key);
	return st;
}

struct valctx {
	struct sfb_expand *x;
	const struct sfb_cdns *e;
	sfb_strv *out;
};

/* Addresses (or names) of every endpoint of role, public ones when asked;
 * only those whose FQDN is `only` when that is set. */
static sfb_status
role_values(struct valctx *v, int kr, bool public, bool names, const char *only)
{
	const sfb_topology *t = v->x->t;
	size_t role = v->x->cat->known[kr];
	const struct sfb_endpoint *ep;
	const char *a;
	size_t i;
	sfb_status st = SFB_OK;

	for (i = 0; i < t->neps_real && st == SFB_OK; i++) {
		ep = &t->eps[i];
		if (!sfb_endpoint_has_role(ep, role))
			continue;
		if (only != NULL && (ep->fqdn == NULL || strcasecmp(ep->fqdn, only) != 0))
			continue;
		if (names) {
			if (ep->fqdn != NULL)
				st = sfb_strv_add(v->out, ep->fqdn, true);
			continue;
		}
		a = sfb_endpoint_address(ep, public);
		if (a == NULL)
			return sfb_fail(v->x->ctx, SFB_ENOTFOUND, t->file, ep->line, ep->col,
			    "DNS record %s needs one address on this endpoint (host %s)",
			    v->e->id, t->hosts[ep->host].name);
		st = sfb_strv_add(v->out, a, true);
	}
	return st;
}

/* Values of a pool-bound kind for one pool. */
static sfb_status
pool_values(struct valctx *v, const struct sfb_pool *p, int kind)
{
	const sfb_topology *t = v->x->t;
	const char *a;
	size_t i;
	sfb_status st = SFB_OK;

	switch (kind) {
	case SFB_VAL_POOL_FQDN:
		return p->fqdn != NULL ? sfb_strv_add(v->out, p->fqdn, true) : SFB_OK;
	case SFB_VAL_POOL_VIP:
	case SFB_VAL_DIRECTOR_VIP:
	case SFB_VAL_OWA_VIP:
		if (p->vip != NULL)
			return sfb_strv_add(v->out, p->vip, true);
		if (sfb_pool_is_enterprise(p))
			return sfb_fail(v->x->ctx, SFB_ENOTFOUND, t->file,
			    t->eps[p->eps[0]].line, t->eps[p->eps[0]].col,
			    "DNS record %s needs the load balancer address of pool '%s' "
			    "(pools: - { fqdn: %s, vip: ADDRESS })", v->e->id,
			    p->fqdn != NULL ? p->fqdn : "?", p->fqdn != NULL ? p->fqdn : "?");
		goto members;  /* a single server is its own address */
	case SFB_VAL_MEMBER_IPS:
	case SFB_VAL_DIRECTOR_IPS:
	members:
		for (i = 0; i < p->neps && st == SFB_OK; i++) {
			a = sfb_endpoint_address(&t->eps[p->eps[i]], false);
			if (a == NULL)
				return sfb_fail(v->x->ctx, SFB_ENOTFOUND, t->file,
				    t->eps[p->eps[i]].line, t->eps[p->eps[i]].col,
				    "DNS record %s needs one address on this endpoint", v->e->id);
			st = sfb_strv_add(v->out, a, true);
		}
		return st;
	}
	return SFB_EINTERNAL;
}

/* The role (enum sfb_known_role) whose pools a value kind reads, or -1. */
static int
pool_role_of(int kind)
{
	switch (kind) {
	case SFB_VAL_POOL_FQDN:
	case SFB_VAL_POOL_VIP:
	case SFB_VAL_MEMBER_IPS:
		return SFB_KR_FRONT_END;
	case SFB_VAL_DIRECTOR_VIP:
	case SFB_VAL_DIRECTOR_IPS:
		return SFB_KR_DIRECTOR;
	case SFB_VAL_OWA_VIP:
		return SFB_KR_OFFICE_WEB_APPS;
	}
	return -1;
}

/* Version 2: the pool a name that belongs to no one pool (the simple URLs,
 * lyncdiscoverinternal) resolves to: the first of pools: that has the role,
 * never several pools' vips in turn (a meeting link must reach the pool
 * that hosts it; the others redirect).  NULL: every pool, as in version 1. */
static const struct sfb_pool *
home_pool(const sfb_topology *t, const struct sfb_pools *pools)
{
	const struct sfb_pool *home = NULL;
	size_t i;

	if (t->version < 2)
		return NULL;
	for (i = 0; i < pools->n; i++)
		if (pools->v[i].decl != SIZE_MAX && (home == NULL || pools->v[i].decl < home->decl))
			home = &pools->v[i];
	return home;
}

/* What the record resolves to, for the choices made in its name. */
static sfb_status
record_values(struct sfb_expand *x, const struct sfb_cdns *e, sfb_strv *out)
{
	struct valctx v = { x, e, out };
	const struct sfb_pools *pools;
	const struct sfb_pool *home;
	int prole;
	size_t i;
	int kind;
	sfb_status st = SFB_OK;

	/* Pool-bound kinds: each pool picks its edition's kind. */
	prole = pool_role_of(e->value_ee) >= 0 ? pool_role_of(e->value_ee) :
	    pool_role_of(e->value_se);
	if (prole >= 0) {
		pools = sfb_facts_pools(x->facts, x->cat->known[prole]);
		if (pools == NULL)
			return SFB_ENOMEM;
		home = x->chosen_pool == NULL ? home_pool(x->t, pools) : NULL;
		for (i = 0; i < pools->n && st == SFB_OK; i++) {
			if (x->chosen_pool != NULL && (pools->v[i].fqdn == NULL ||
			    strcasecmp(pools->v[i].fqdn, x->chosen_pool) != 0))
				continue;
			if (home != NULL && &pools->v[i] != home)
				continue;
			kind = sfb_pool_is_enterprise(&pools->v[i]) ? e->value_ee : e->value_se;
			if (pool_role_of(kind) >= 0)
				st = pool_values(&v, &pools->v[i], kind);
		}
		if (st != SFB_OK || out->n > 0 || e->value_ee == e->value_se)
			return st;
	}
	kind = e->value_ee;
	switch (kind) {
	case SFB_VAL_SERVER_ADDRESS:
		if (x->chosen_server == NULL)
			return SFB_OK;
		return sfb_strv_add(out, sfb_endpoint_address(&x->t->eps[x->chosen_ep], false), true);
	case SFB_VAL_POOL_ADDRESSES:
		if (x->chosen_pool_of == NULL)
			return SFB_OK;
		return pool_values(&v, x->chosen_pool_of, SFB_VAL_MEMBER_IPS);
	case SFB_VAL_RP_PUBLIC:
		return role_values(&v, SFB_KR_REVERSE_PROXY, true, false, NULL);
	case SFB_VAL_ACCESS_EDGE_FQDN:
		return role_values(&v, SFB_KR_EDGE_ACCESS, false, true, x->chosen_access);
	case SFB_VAL_ACCESS_EDGE_PUBLIC:
		return role_values(&v, SFB_KR_EDGE_ACCESS, true, false, x->chosen_access);
	case SFB_VAL_WEBCONF_EDGE_PUBLIC:
		return role_values(&v, SFB_KR_EDGE_WEBCONF, true, false, x->chosen_webconf);
	case SFB_VAL_AV_EDGE_PUBLIC:
		return role_values(&v, SFB_KR_EDGE_AV, true, false, x->chosen_av);
	}
	return SFB_OK;
}

/* The placeholder of a name whose choice the value follows. */
static const char *const driving[] = { "{pool}", "{access_edge}", "{webconf_edge}",
	"{av_edge}", NULL };

/* An SRV record's port: the catalog's, or in a version 2 topology the
 * port its target endpoint gives the record's port_of role (the Access
 * Edge of a single-IP Edge listens on 5061, not 443). */
static unsigned
srv_port(const struct sfb_expand *x, const struct sfb_cdns *e, const char *target)
{
	const sfb_topology *t = x->t;
	const struct sfb_endpoint *ep;
	const sfb_portset *ps;
	size_t i;

	if (e->type != SFB_RR_SRV || e->port_role < 0 || t->version < 2)
		return e->port;
	for (i = 0; i < t->neps_real; i++) {
		ep = &t->eps[i];
		if (ep->fqdn == NULL || strcasecmp(ep->fqdn, target) != 0)
			continue;
		if ((ps = sfb_endpoint_port(ep, (size_t)e->port_role)) != NULL && ps->s.n > 0)
			return (unsigned)ps->s.r[0].lo.lo;
	}
	return e->port;
}

/* An SRV record's target: in a version 2 topology, an Access Edge name
 * outside the record's SIP domain becomes sip.<domain> (strict DNS name
 * matching of federation partners and Office 365; sip.<domain> is in the
 * external DNS and on the Edge certificate already). */
static const char *
srv_target(const struct sfb_expand *x, const struct sfb_cdns *e, const char *name,
    const char *value, sfb_buf *b)
{
	const char *dom = name;
	size_t vl = strlen(value), dl;
	int labels;

	if (e->type != SFB_RR_SRV || e->value_ee != SFB_VAL_ACCESS_EDGE_FQDN || x->t->version < 2)
		return value;
	/* _service._proto.<domain> */
	for (labels = 0; labels < 2 && dom != NULL; labels++)
		if ((dom = strchr(dom, '.')) != NULL)
			dom++;
	if (dom == NULL || *dom == '\0')
		return value;
	dl = strlen(dom);
	if (vl > dl && value[vl - dl - 1] == '.' && strcasecmp(value + vl - dl, dom) == 0)
		return value;
	sfb_buf_reset(b);
	sfb_buf_printf(b, "sip.%s", dom);
	return sfb_buf_status(b) == SFB_OK ? sfb_buf_str(b) : value;
}

static sfb_status
records_for_names(struct sfb_expand *x, const struct sfb_cdns *e, struct rrset *set)
{
	sfb_strv names, values;
	sfb_buf target;
	unsigned *ports = NULL;
	size_t i, k;
	int view;
	sfb_status st;

	sfb_buf_init(&target);
	sfb_strv_init(&names);
	sfb_strv_init(&values);
	if ((st = sfb_expand_template(x, e->name, &names)) != SFB_OK ||
	    (st = record_values(x, e, &values)) != SFB_OK)
		goto out;
	if (names.n > 0 && values.n == 0 &&
	    (st = sfb_warn(x->ctx, x->t->file, 0, 0, "DNS record %s (%s): the topology has "
	    "nothing for it to resolve to (%s)", e->id, names.v[0],
	    sfb_dnsval_name(e->value_ee))) != SFB_OK)
		goto out;
	/* An SRV record's port depends on its target only: once per value,
	 * not once per name (a record per SIP domain). */
	if ((ports = calloc(values.n + 1, sizeof(*ports))) == NULL) {
		st = SFB_ENOMEM;
		goto out;
	}
	for (k = 0; k < values.n; k++)
		ports[k] = srv_port(x, e, values.v[k]);
	for (view = SFB_DNS_INTERNAL; view <= SFB_DNS_EXTERNAL; view++) {
		if (!(e->view & view))
			continue;
		for (i = 0; i < names.n; i++)
			for (k = 0; k < values.n; k++)
				if ((st = add_rr(set, x->t, view, names.v[i], e->type,
				    srv_target(x, e, names.v[i], values.v[k], &target), e,
				    ports[k])) != SFB_OK) {
					if (st == SFB_ERANGE)
						st = sfb_fail(x->ctx, SFB_ERANGE, x->t->file, 0, 0,
						    "the topology asks for more than %d DNS records "
						    "(this sfbnet's limit)", SFB_NAMES_MAX);
					goto out;
				}
	}
out:
	free(ports);
	sfb_buf_free(&target);
	sfb_strv_free(&names);
	sfb_strv_free(&values);
	return st;
}

/* A record for each endpoint ({server}) or pool ({pool_of}) of the entry's
 * role: DNS load balancing names every server and every pool. */
static sfb_status
records_per_role(struct sfb_expand *x, const struct sfb_cdns *e, struct rrset *set)
{
	const sfb_topology *t = x->t;
	const struct sfb_pools *pools;
	const struct sfb_endpoint *ep;
	size_t i;
	sfb_status st = SFB_OK;

	if (strstr(e->name, "{server}") != NULL) {
		for (i = 0; i < t->neps_real && st == SFB_OK; i++) {
			ep = &t->eps[i];
			if (!sfb_endpoint_has_role(ep, (size_t)e->role) || ep->fqdn == NULL ||
			    sfb_endpoint_address(ep, false) == NULL)
				continue;
			x->chosen_server = ep->fqdn;
			x->chosen_ep = i;
			st = records_for_names(x, e, set);
		}
		x->chosen_server = NULL;
		return st;
	}
	if ((pools = sfb_facts_pools(x->facts, (size_t)e->role)) == NULL)
		return SFB_ENOMEM;
	for (i = 0; i < pools->n && st == SFB_OK; i++) {
		/* A pool: the hosts' pool name (a lone server has its own record). */
		if (pools->v[i].fqdn == NULL || pools->v[i].neps == 0 ||
		    t->hosts[t->eps[pools->v[i].eps[0]].host].pool == NULL)
			continue;
		x->chosen_pool_of = &pools->v[i];
		st = records_for_names(x, e, set);
	}
	x->chosen_pool_of = NULL;
	return st;
}

static sfb_status
records_of(struct sfb_expand *x, const struct sfb_cdns *e, struct rrset *set)
{
	const char *drv = NULL;
	const char **slot = NULL;
	sfb_strv choices;
	size_t i;
	sfb_status st;

	for (i = 0; driving[i] != NULL; i++)
		if (strstr(e->name, driving[i]) != NULL) {
			drv = driving[i];
			break;
		}
	if (e->role >= 0)
		return records_per_role(x, e, set);
	/* Version 2: each pool has its own web services names, which resolve
	 * to that pool's vip, never to another's. */
	if (drv == NULL && x->t->version >= 2 && strstr(e->name, "{web_") != NULL) {
		drv = driving[0];
		i = 0;
	}
	if (drv == NULL)
		return records_for_names(x, e, set);
	slot = i == 0 ? &x->chosen_pool : i == 1 ? &x->chosen_access :
	    i == 2 ? &x->chosen_webconf : &x->chosen_av;
	sfb_strv_init(&choices);
	st = sfb_expand_template(x, drv, &choices);
	for (i = 0; st == SFB_OK && i < choices.n; i++) {
		*slot = choices.v[i];
		st = records_for_names(x, e, set);
	}
	*slot = NULL;
	sfb_strv_free(&choices);
	return st;
}

static sfb_status
dns_records(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *t, struct rrset *set)
{
	struct sfb_expand x;
	struct sfb_facts facts;
	size_t i;
	sfb_status st = SFB_OK;

	if (sfb_facts_init(&facts, cat, t) != SFB_OK)
		return sfb_oom(ctx);
	for (i = 0; i < cat->ndns; i++) {
		const struct sfb_cdns *e = &cat->dns[i];

		if (e->profile >= t->nprofiles || !t->profile_on[e->profile] ||
		    !sfb_topology_features_on(t, &e->when))
			continue;
		memset(&x, 0, sizeof(x));
		x.ctx = ctx;
		x.facts = &facts;
		x.cat = cat;
		x.t = t;
		x.entry_id = e->id;
		if ((st = records_of(&x, e, set)) != SFB_OK) {
			if (st == SFB_ENOMEM)
				st = sfb_oom(ctx);
			break;
		}
	}
	sfb_facts_free(&facts);
	return st;
}

/* Records in output order: view, zone, then the catalog's order. */
static int
cmp_rr(const void *a, const void *b)
{
	const struct sfb_rr *x = a, *y = b;
	int c;

	if (x->view != y->view)
		return x->view - y->view;
	if ((c = strcmp(x->zone, y->zone)) != 0)
		return c;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* Keep only the records of the views asked for, in output order. */
static void
keep_views(struct rrset *set, int views)
{
	size_t i, j;

	for (i = j = 0; i < set->n; i++) {
		if (set->v[i].view & views) {
			set->v[j++] = set->v[i];
		} else {
			free(set->v[i].zone);
			free(set->v[i].name);
			free(set->v[i].value);
			free(set->v[i].key);
		}
	}
	set->n = j;
	if (set->n > 1)
		qsort(set->v, set->n, sizeof(*set->v), cmp_rr);
}

static void
write_rdata(sfb_buf *b, const struct sfb_rr *r)
{
	if (strcmp(r->type, "SRV") == 0)
		sfb_buf_printf(b, "%u %u %u %s.", r->entry->prio, r->entry->weight, r->port,
		    r->value);
	else if (strcmp(r->type, "CNAME") == 0)
		sfb_buf_printf(b, "%s.", r->value);
	else
		sfb_buf_puts(b, r->value);
}

/* The first line of a zone file or a script, after its comment marker. */
static void
write_origin(sfb_buf *b, const sfb_topology *t, const char *prefix)
{
	sfb_buf_printf(b, "%s DNS records for topology '", prefix);
	sfb_esc_put(b, SFB_ESC_LINE, t->name);
	sfb_buf_printf(b, "', generated by sfbnet %s from ", sfb_version());
	sfb_esc_put(b, SFB_ESC_LINE, t->file);
}

/* "PREFIX entry-id: purpose [citations]" above a record. */
static void
record_comment(sfb_buf *b, const sfb_catalog *cat, const struct sfb_rr *r, const char *prefix)
{
	sfb_buf_printf(b, "%s %s: ", prefix, r->entry->id);
	sfb_esc_put(b, SFB_ESC_LINE, r->entry->purpose);
	sfb_buf_puts(b, " [");
	sfb_cites_text(b, cat, r->entry->cite, r->entry->ncite);
	sfb_buf_puts(b, "]\n");
}

/* The record's name relative to its zone: "@" for the zone's apex. */
static void
relative_name(sfb_buf *b, const struct sfb_rr *r)
{
	size_t nl = strlen(r->name), zl = strlen(r->zone);

	if (nl == zl)
		sfb_buf_putc(b, '@');
	else
		sfb_buf_add(b, r->name, nl - zl - 1);
}

static void
write_zone(sfb_buf *b, const sfb_catalog *cat, const sfb_topology *t, struct rrset *s,
    const char *only_zone, bool standalone)
{
	const struct sfb_rr *r, *prev = NULL;
	size_t i;

	write_origin(b, t, ";");
	sfb_buf_putc(b, '\n');
	for (i = 0; i < s->n; i++) {
		r = &s->v[i];
		if (only_zone != NULL && strcasecmp(r->zone, only_zone) != 0)
			continue;
		if (prev == NULL || prev->view != r->view || strcmp(prev->zone, r->zone) != 0) {
			sfb_buf_printf(b, "\n; ---- view %s, zone %s ----\n$ORIGIN %s.\n",
			    r->view == SFB_DNS_INTERNAL ? "internal" : "external", r->zone, r->zone);
			if (standalone)
				sfb_buf_printf(b, "$TTL %d\n@\tIN\tSOA\tlocalhost. hostmaster.%s. "
				    "( 1 3600 600 604800 300 )\n@\tIN\tNS\tlocalhost.\n", DNS_TTL,
				    r->zone);
		}
		prev = r;
		record_comment(b, cat, r, ";");
		relative_name(b, r);
		sfb_buf_printf(b, "\t%d\tIN\t%s\t", DNS_TTL, r->type);
		write_rdata(b, r);
		sfb_buf_putc(b, '\n');
	}
}

/* The function every record line calls: look the record up, skip it when
 * one with the same data is there, add it otherwise.  Windows DNS Server
 * (AD-integrated or file-backed zones) and the DnsServer module. */
static const char ps_add_record[] =
    "function Add-SfbRecord {\n"
    "\tparam([string]$Zone, [string]$Name, [string]$Type, [string]$Data,\n"
    "\t    [int]$Priority = 0, [int]$Weight = 0, [int]$Port = 0)\n"
    "\t$have = @(Get-DnsServerResourceRecord -ComputerName $DnsServer -ZoneName $Zone `\n"
    "\t    -Name $Name -RRType $Type -ErrorAction SilentlyContinue)\n"
    "\tforeach ($r in $have) {\n"
    "\t\t$d = $r.RecordData\n"
    "\t\t$same = switch ($Type) {\n"
    "\t\t\t'A' { $d.IPv4Address.IPAddressToString -eq $Data }\n"
    "\t\t\t'AAAA' { $d.IPv6Address.IPAddressToString -eq $Data }\n"
    "\t\t\t'CNAME' { $d.HostNameAlias.TrimEnd('.') -eq $Data }\n"
    "\t\t\t'SRV' { $d.DomainName.TrimEnd('.') -eq $Data -and $d.Port -eq $Port -and\n"
    "\t\t\t    $d.Priority -eq $Priority -and $d.Weight -eq $Weight }\n"
    "\t\t}\n"
    "\t\tif ($same) { $script:skipped++; return }\n"
    "\t}\n"
    "\t$ttl = New-TimeSpan -Seconds 3600\n"
    "\tswitch ($Type) {\n"
    "\t\t'A' { Add-DnsServerResourceRecordA -ComputerName $DnsServer -ZoneName $Zone -Name $Name `\n"
    "\t\t    -IPv4Address $Data -TimeToLive $ttl }\n"
    "\t\t'AAAA' { Add-DnsServerResourceRecordAAAA -ComputerName $DnsServer -ZoneName $Zone `\n"
    "\t\t    -Name $Name -IPv6Address $Data -TimeToLive $ttl }\n"
    "\t\t'CNAME' { Add-DnsServerResourceRecordCName -ComputerName $DnsServer -ZoneName $Zone `\n"
    "\t\t    -Name $Name -HostNameAlias $Data -TimeToLive $ttl }\n"
    "\t\t'SRV' { Add-DnsServerResourceRecord -Srv -ComputerName $DnsServer -ZoneName $Zone `\n"
    "\t\t    -Name $Name -DomainName $Data -Priority $Priority -Weight $Weight -Port $Port `\n"
    "\t\t    -TimeToLive $ttl }\n"
    "\t}\n"
    "\t$script:added++\n"
    "}\n"
    "\n"
    "# A zone that is not on the server: its records are skipped, with a warning.\n"
    "function Test-SfbZone([string]$Zone) {\n"
    "\tif (Get-DnsServerZone -ComputerName $DnsServer -Name $Zone -ErrorAction SilentlyContinue) {\n"
    "\t\treturn $true\n"
    "\t}\n"
    "\tWrite-Warning \"zone $Zone is not on $DnsServer (create it, then run this again): its records are skipped\"\n"
    "\treturn $false\n"
    "}\n";

/* --format windows: one block per view and zone; the view is chosen when
 * the script runs (the two views of a split-brain zone have the same
 * name, and one server holds one of them). */
static void
write_windows(sfb_buf *b, const sfb_catalog *cat, const sfb_topology *t, struct rrset *s,
    const char *only_zone)
{
	const struct sfb_rr *r, *prev = NULL;
	bool views[2] = { false, false };
	size_t i;

	for (i = 0; i < s->n; i++)
		if (only_zone == NULL || strcasecmp(s->v[i].zone, only_zone) == 0)
			views[s->v[i].view == SFB_DNS_INTERNAL ? 0 : 1] = true;
	write_origin(b, t, "#");
	sfb_buf_puts(b, "\n# for Windows DNS Server (DnsServer module), e.g. AD-integrated zones:\n"
	    "#   powershell -ExecutionPolicy Bypass -File FILE -View internal [-DnsServer NAME]\n"
	    "# Idempotent: a record that is already there with the same data is skipped,\n"
	    "# so running it again adds nothing.  It adds records, never removes one.\n"
	    "#Requires -Modules DnsServer\n"
	    "param(\n");
	if (views[0] && views[1])
		sfb_buf_puts(b, "\t[Parameter(Mandatory = $true)] [ValidateSet('internal', 'external')]\n"
		    "\t[string]$View,\n");
	else
		sfb_buf_printf(b, "\t[ValidateSet('internal', 'external')] [string]$View = '%s',\n",
		    views[1] ? "external" : "internal");
	sfb_buf_puts(b, "\t[string]$DnsServer = $env:COMPUTERNAME\n)\n"
	    "$ErrorActionPreference = 'Stop'\n$script:added = 0\n$script:skipped = 0\n\n");
	sfb_buf_puts(b, ps_add_record);
	for (i = 0; i < s->n; i++) {
		r = &s->v[i];
		if (only_zone != NULL && strcasecmp(r->zone, only_zone) != 0)
			continue;
		if (prev == NULL || prev->view != r->view || strcmp(prev->zone, r->zone) != 0) {
			if (prev != NULL)
				sfb_buf_puts(b, "}\n");
			sfb_buf_printf(b, "\n# ---- view %s, zone %s ----\nif ($View -eq '%s' -and "
			    "(Test-SfbZone ", r->view == SFB_DNS_INTERNAL ? "internal" : "external",
			    r->zone, r->view == SFB_DNS_INTERNAL ? "internal" : "external");
			sfb_esc_ps_string(b, r->zone);
			sfb_buf_puts(b, ")) {\n");
		}
		prev = r;
		record_comment(b, cat, r, "\t#");
		sfb_buf_puts(b, "\tAdd-SfbRecord -Zone ");
		sfb_esc_ps_string(b, r->zone);
		/* DNS names hold no quote: the loader checked them */
		sfb_buf_puts(b, " -Name '");
		relative_name(b, r);
		sfb_buf_printf(b, "' -Type %s -Data ", r->type);
		sfb_esc_ps_string(b, r->value);
		if (strcmp(r->type, "SRV") == 0)
			sfb_buf_printf(b, " -Priority %u -Weight %u -Port %u", r->entry->prio,
			    r->entry->weight, r->port);
		sfb_buf_putc(b, '\n');
	}
	if (prev != NULL)
		sfb_buf_puts(b, "}\n");
	sfb_buf_puts(b, "\nWrite-Output \"sfbnet DNS ($View): $script:added added, "
	    "$script:skipped already there\"\n");
}

static sfb_status
write_json(sfb_buf *b, const sfb_catalog *cat, const sfb_topology *t, struct rrset *s,
    const char *only_zone)
{
	sfb_jb jb = { false };
	json_t *root = sfb_jb_obj(&jb), *a = sfb_jb_arr(&jb), *o;
	const struct sfb_rr *r;
	size_t i;

	sfb_jb_str(&jb, root, "format", "sfbnet-dns");
	sfb_jb_int(&jb, root, "version", 1);
	sfb_jb_str(&jb, root, "topology", t->name);
	for (i = 0; i < s->n; i++) {
		r = &s->v[i];
		if (only_zone != NULL && strcasecmp(r->zone, only_zone) != 0)
			continue;
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "view", r->view == SFB_DNS_INTERNAL ? "internal" : "external");
		sfb_jb_str(&jb, o, "zone", r->zone);
		sfb_jb_str(&jb, o, "name", r->name);
		sfb_jb_str(&jb, o, "type", r->type);
		sfb_jb_int(&jb, o, "ttl", DNS_TTL);
		sfb_jb_str(&jb, o, "value", r->value);
		if (strcmp(r->type, "SRV") == 0) {
			sfb_jb_int(&jb, o, "priority", r->entry->prio);
			sfb_jb_int(&jb, o, "weight", r->entry->weight);
			sfb_jb_int(&jb, o, "port", r->port);
		}
		sfb_jb_str(&jb, o, "entry", r->entry->id);
		sfb_jb_str(&jb, o, "purpose", r->entry->purpose);
		sfb_jb_bool(&jb, o, "required", r->entry->required);
		sfb_jb_set(&jb, o, "cite", sfb_cites_json(&jb, cat, r->entry->cite,
		    r->entry->ncite));
		sfb_jb_push(&jb, a, o);
	}
	sfb_jb_set(&jb, root, "records", a);
	return sfb_jb_dump(&jb, root, b);
}

sfb_status
sfb_dns_write(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo, int views,
    const char *zone, bool standalone, sfb_dns_format fmt, char **out)
{
	struct rrset set;
	char *zone_copy = NULL;
	sfb_buf b;
	size_t i;
	sfb_status st;

	memset(&set, 0, sizeof(set));
	sfb_strmap_init(&set.seen);
	sfb_strmap_init(&set.domains);

	*out = NULL;
	sfb_buf_init(&b);
	if ((st = dns_records(ctx, cat, topo, &set)) != SFB_OK)
		goto out;
	keep_views(&set, views);
	if (zone != NULL) {
		/* "contoso.com." names the same zone as "contoso.com" */
		if ((zone_copy = sfb_strdup(zone)) == NULL) {
			st = sfb_oom(ctx);
			goto out;
		}
		i = strlen(zone_copy);
		if (i > 1 && zone_copy[i - 1] == '.')
			zone_copy[i - 1] = '\0';
		zone = zone_copy;
		for (i = 0; i < set.n && strcasecmp(set.v[i].zone, zone) != 0; i++)
			;
		if (i == set.n) {
			st = sfb_failf(ctx, SFB_ENOTFOUND, "no records in zone '%s'", zone);
			goto out;
		}
	}
	if (fmt == SFB_DNS_JSON)
		st = write_json(&b, cat, topo, &set, zone);
	else if (fmt == SFB_DNS_WINDOWS)
		write_windows(&b, cat, topo, &set, zone);
	else
		write_zone(&b, cat, topo, &set, zone, standalone);
	st = sfb_buf_finish(ctx, &b, st, out);
out:
	free(zone_copy);
	rrset_free(&set);
	sfb_buf_free(&b);
	return st;
}

sfb_status
sfb_dns_records(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo, int views,
    struct sfb_rrs *out)
{
	struct rrset set;
	sfb_status st;

	memset(&set, 0, sizeof(set));
	sfb_strmap_init(&set.seen);
	sfb_strmap_init(&set.domains);
	out->v = NULL;
	out->n = 0;
	if ((st = dns_records(ctx, cat, topo, &set)) != SFB_OK)
		goto out;
	keep_views(&set, views);
	out->v = set.v;
	out->n = set.n;
	set.v = NULL;
	set.n = 0;
out:
	rrset_free(&set);
	return st;
}

void
sfb_dns_records_free(struct sfb_rrs *r)
{
	struct rrset set;

	/* The records with empty indexes: the set's own release. */
	memset(&set, 0, sizeof(set));
	sfb_strmap_init(&set.seen);
	sfb_strmap_init(&set.domains);
	set.v = r->v;
	set.n = r->n;
	rrset_free(&set);
	r->v = NULL;
	r->n = 0;
}
