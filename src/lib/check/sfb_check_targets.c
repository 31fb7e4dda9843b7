/* Which services this machine must reach: every planned flow whose
 * source is in the --from zone, to each destination endpoint with an
 * address of its own, on each of its ports, and what to check there:
 * TCP always; TLS where the flow's application runs over TLS (HTTPS,
 * SIP/TLS, SIP/MTLS, PSOM/TLS ...); SIP OPTIONS where it is SIP over TLS;
 * STUN/MS-TURN at the A/V Edge (UDP 3478, TCP 443); autodiscover by name
 * (lyncdiscover, lyncdiscoverinternal). */
#include "check/sfb_check_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sfb_ctx.h"
#include "sfb_strmap.h"

/* A flow's port set wider than this is a range: the path test's work. */
#define MAX_PORTS_PER_FLOW 8

struct sfb_ctarget *
sfb_ctarget_new(const char *fqdn, const char *addr, uint16_t port, int proto)
{
	struct sfb_ctarget *t;
	char subject[400];

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	sfb_strv_init(&t->names);
	snprintf(t->addr, sizeof(t->addr), "%s", addr);
	t->port = port;
	t->proto = proto;
	snprintf(subject, sizeof(subject), "%s:%u%s (%s)", fqdn, port, proto == SFB_PROTO_UDP ?
	    "/udp" : "", addr);
	if ((t->fqdn = sfb_strdup(fqdn)) == NULL || (t->subject = sfb_strdup(subject)) == NULL) {
		sfb_ctarget_free(t);
		return NULL;
	}
	return t;
}

void
sfb_ctarget_free(struct sfb_ctarget *t)
{
	if (t == NULL)
		return;
	free(t->fqdn);
	free(t->subject);
	free(t->public_addr);
	sfb_strv_free(&t->names);
	free(t);
}

static bool
app_has(const char *app, const char *what)
{
	return app != NULL && strstr(app, what) != NULL;
}

/* Does this port of a flow carry TLS?  By the flow's application; in a
 * flow of "HTTP, HTTPS" or "SIP/TCP or SIP/TLS" the plain ports (80,
 * 8080, 5060) are not. */
static bool
is_tls_port(const char *app, uint16_t port)
{
	if (app_has(app, "TURN") || app_has(app, "STUN"))
		return false;
	if (!app_has(app, "TLS") && !app_has(app, "HTTPS"))
		return false;
	return port != 80 && port != 8080 && port != 5060;
}

/* The names the certificate at ep must carry: the plan's certificate for
 * this endpoint (one of its roles, for its own FQDN or its pool): its SAN
 * list, or its subject when it has none (the Edge's internal interface
 * carries the pool name only); without one, the endpoint's FQDN. */
static sfb_status
cert_names(struct sfb_check *c, const struct sfb_endpoint *ep, struct sfb_ctarget *t)
{
	const sfb_topology *topo = c->plan->topo;
	const char *pool = topo->hosts[ep->host].pool;
	const struct sfb_cert *best = NULL;
	size_t i, j;
	int rank = 0;

	for (i = 0; i < c->certs.n; i++) {
		const struct sfb_cert *ct = &c->certs.v[i];
		bool role = false, names_it = false;
		int r = 0;

		role = ct->entry != NULL && sfb_endpoint_has_role(ep, ct->entry->role);
		for (j = 0; j < ct->san.n && !names_it; j++)
			names_it = strcasecmp(ct->san.v[j], t->fqdn) == 0;
		if (!names_it && ct->subject != NULL)
			names_it = strcasecmp(ct->subject, t->fqdn) == 0;
		if (ct->file_base != NULL && ep->fqdn != NULL && strstr(ct->file_base, ep->fqdn) &&
		    (role || names_it))
			r = 5;          /* this very endpoint's */
		else if (role && ct->pool != NULL && ep->fqdn != NULL &&
		    strcasecmp(ct->pool, ep->fqdn) == 0)
			r = 4;
		else if (role && ct->pool != NULL && pool != NULL && strcasecmp(ct->pool, pool) == 0)
			r = 3;
		else if (names_it && ct->pool != NULL && pool != NULL && strcasecmp(ct->pool, pool) == 0)
			r = 2;
		else if (names_it)
			r = 1;
		if (r > rank) {
			rank = r;
			best = ct;
		}
	}
	if (best == NULL)
		return sfb_strv_add(&t->names, t->fqdn, true);
	for (j = 0; j < best->san.n; j++)
		if (sfb_strv_add(&t->names, best->san.v[j], true) != SFB_OK)
			return SFB_ENOMEM;
	if (best->san.n == 0 && best->subject != NULL)
		return sfb_strv_add(&t->names, best->subject, true);
	return SFB_OK;
}

struct collect {
	struct sfb_check *c;
	sfb_strmap seen;       /* "kind addr proto port" */
};

static sfb_status
add_check(struct collect *k, const char *kind, const struct sfb_endpoint *ep, const char *fqdn,
    const char *addr, uint16_t port, int proto, const struct sfb_cflow *f)
{
	struct sfb_check *c = k->c;
	const sfb_catalog *cat = c->plan->cat;
	struct sfb_ctarget *t;
	const struct sfb_task_type *type;
	char key[400];
	bool had = false;
	sfb_status st;

	snprintf(key, sizeof(key), "%s %s %d %u", kind, addr, proto, port);
	if (sfb_strmap_put(&k->seen, key, 0, &had, NULL) != SFB_OK)
		return sfb_oom(c->ctx);
	if (had)
		return SFB_OK;
	if ((t = sfb_ctarget_new(fqdn, addr, port, proto)) == NULL)
		return sfb_oom(c->ctx);
	t->app = f->app;
	if (f->ncite > 0) {
		t->cite.doc = cat->docs[f->cite[0].doc].id;
		t->cite.section = f->cite[0].section;
	}
	if (ep->pub_text != NULL && (t->public_addr = sfb_strdup(ep->pub_text)) == NULL) {
		sfb_ctarget_free(t);
		return sfb_oom(c->ctx);
	}
	if (strcmp(kind, "stun") == 0)
		return sfb_check_stun_task(c, t);
	if (strcmp(kind, "tls") == 0 && cert_names(c, ep, t) != SFB_OK) {
		sfb_ctarget_free(t);
		return sfb_oom(c->ctx);
	}
	type = strcmp(kind, "tcp") == 0 ? &sfb_check_tcp : strcmp(kind, "tls") == 0 ?
	    &sfb_check_tls : &sfb_check_sip;
	st = sfb_check_conn_task(c, type, t);
	return st;
}

static sfb_status
endpoint_checks(struct collect *k, const struct sfb_entry *e, const struct sfb_endpoint *ep)
{
	struct sfb_check *c = k->c;
	const sfb_catalog *cat = c->plan->cat;
	const struct sfb_cflow *f = &cat->flows[e->flow];
	const sfb_portset *ports = sfb_entry_dport(cat, e);
	const char *addr, *fqdn;
	uint64_t n = sfb_portset_count(ports), i;
	char key[400];
	bool had = false;
	sfb_status st;
	int p;

	/* From the outside a NATed endpoint is reached at its public address. */
	if ((addr = sfb_endpoint_address(ep, c->outside)) == NULL)
		return SFB_OK;
	fqdn = ep->fqdn != NULL ? ep->fqdn : c->plan->topo->hosts[ep->host].name;
	if (n == 0)
		return SFB_OK;
	if (n > MAX_PORTS_PER_FLOW) {
		snprintf(key, sizeof(key), "range %s %s", addr, f->id);
		if (sfb_strmap_put(&k->seen, key, 0, &had, NULL) != SFB_OK)
			return sfb_oom(c->ctx);
		if (!had) {
			char subject[400];

			snprintf(subject, sizeof(subject), "%s (%s) %s", fqdn, addr, f->id);
			sfb_check_report(c, "tcp", subject, SFB_VERDICT_SKIP, NULL, 0, 0, NULL,
			    "%llu ports: a range is the path test's to prove (sfbnet probe)",
			    (unsigned long long)n);
		}
		return SFB_OK;
	}
	for (p = 1; p <= 2; p++) {
		if (!(f->proto & p))
			continue;
		for (i = 0; i < n; i++) {
			uint16_t port = (uint16_t)sfb_portset_nth(ports, i);
			bool stun = (app_has(f->app, "STUN") || app_has(f->app, "TURN")) &&
			    sfb_endpoint_has_role(ep, cat->known[SFB_KR_EDGE_AV]) &&
			    ((p == SFB_PROTO_UDP && port == 3478) || (p == SFB_PROTO_TCP && port == 443));

			if (p == SFB_PROTO_TCP && (st = add_check(k, "tcp", ep, fqdn, addr, port, p, f)) !=
			    SFB_OK)
				return st;
			if (stun && (st = add_check(k, "stun", ep, fqdn, addr, port, p, f)) != SFB_OK)
				return st;
			if (p != SFB_PROTO_TCP || stun)
				continue;
			if (is_tls_port(f->app, port) && (st = add_check(k, "tls", ep, fqdn, addr, port,
			    p, f)) != SFB_OK)
				return st;
			if (app_has(f->app, "SIP/") && is_tls_port(f->app, port) &&
			    (st = add_check(k, "sip", ep, fqdn, addr, port, p, f)) != SFB_OK)
				return st;
		}
	}
	return SFB_OK;
}

sfb_status
sfb_check_plan_targets(struct sfb_check *c)
{
	const sfb_plan *plan = c->plan;
	const sfb_topology *t = plan->topo;
	struct collect k;
	size_t i, j, d;
	sfb_status st = SFB_OK;
	char name[300];

	k.c = c;
	sfb_strmap_init(&k.seen);
	for (i = 0; i < plan->nentries && st == SFB_OK; i++) {
		const struct sfb_entry *e = &plan->entries[i];
		bool from_here = false;

		for (j = 0; j < e->nsrc && !from_here; j++)
			from_here = t->eps[e->src_eps[j]].zone == c->from_zone;
		if (!from_here)
			continue;
		for (d = 0; d < e->ndst && st == SFB_OK; d++) {
			const struct sfb_endpoint *ep = &t->eps[e->dst_eps[d]];

			if (ep->zone == c->from_zone && ep->virt)
				continue;
			st = endpoint_checks(&k, e, ep);
		}
	}
	sfb_strmap_free(&k.seen);
	if (st != SFB_OK)
		return st;
	/* Autodiscover: the names clients ask, where the plan publishes them. */
	for (i = 0; i < c->domains.n; i++) {
		const char *const prefixes[] = { "lyncdiscover.", "lyncdiscoverinternal." };

		for (j = 0; j < 2; j++) {
			size_t r;

			if (j == 1 && c->outside)
				continue;
			snprintf(name, sizeof(name), "%s%s", prefixes[j], c->domains.v[i]);
			for (r = 0; r < c->rrs.n; r++)
				if (strcasecmp(c->rrs.v[r].name, name) == 0)
					break;
			if (r == c->rrs.n)
				continue;
			if ((st = sfb_check_ad_task(c, name, strcmp(c->rrs.v[r].type, "A") == 0 ?
			    c->rrs.v[r].value : NULL)) != SFB_OK)
				return st;
		}
	}
	return SFB_OK;
}
