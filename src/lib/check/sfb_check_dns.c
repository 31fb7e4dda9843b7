/* check_dns: the plan's records of the view this machine is in, the
 * client's discovery order, and federation SRV records (own domains and
 * partners), each asked of DNS through c-ares. */
#include "check/sfb_check_int.h"
#include "check/sfb_dnsans.h"

#include <ares.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sfb_ctx.h"
#include "sfb_text.h"

#define T_A 1
#define T_AAAA 28
#define T_SRV 33

enum dns_kind { DNS_RECORD, DNS_DISCOVERY, DNS_FEDERATION, DNS_SPAWN };

struct dns_task {
	struct sfb_task base;
	enum dns_kind kind;
	char *name;             /* RECORD: the name; else the domain */
	int qtype;
	char *subject;
	/* RECORD: what the plan wants ("ADDR", "CNAME-TARGET", "PORT TARGET") */
	const char *type_name;
	sfb_strv want;
	struct sfb_chk_cite cite;
	/* DISCOVERY: the catalog's order for the view */
	const struct sfb_cdisc *order;
	bool outside, use_plan;
	size_t step, used;      /* used: the first step that answered (order->nsteps: none) */
	sfb_buf used_answer;
	/* FEDERATION */
	bool partner, spawn;    /* spawn: check the target's services (--domain) */
	char target[256];
	unsigned port;
	sfb_buf srv_text;
	bool pending;           /* a query is out */
	uint64_t sent_us;
};

static void dns_free(struct sfb_task *t);
static void dns_start(struct sfb_task *t);

const struct sfb_task_type sfb_check_dns = { "check_dns", dns_start, dns_free };

static void
dns_free(struct sfb_task *t)
{
	struct dns_task *d = (struct dns_task *)t;

	free(d->name);
	free(d->subject);
	sfb_strv_free(&d->want);
	sfb_buf_free(&d->used_answer);
	sfb_buf_free(&d->srv_text);
	free(d);
}

static struct dns_task *
dns_new(enum dns_kind kind, const char *name, int qtype)
{
	struct dns_task *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->base.type = &sfb_check_dns;
	d->kind = kind;
	d->qtype = qtype;
	sfb_strv_init(&d->want);
	sfb_buf_init(&d->used_answer);
	sfb_buf_init(&d->srv_text);
	if ((d->name = sfb_strdup(name)) == NULL) {
		dns_free(&d->base);
		return NULL;
	}
	return d;
}

static const char *
qtype_name(int qtype)
{
	return qtype == T_SRV ? "SRV" : qtype == T_AAAA ? "AAAA" : "A";
}

static void on_answer(void *arg, int status, const unsigned char *abuf, int alen);

static void
ask(struct dns_task *d, const char *name, int qtype)
{
	d->pending = true;
	d->sent_us = sfb_clock_us();
	sfb_ares_query(d->base.run->dns, name, qtype, on_answer, d);
}

/* ---- plan records ---- */

static void
record_answer(struct dns_task *d, int status, struct sfb_dnsans *a, sfb_status dst,
    const char *why, unsigned long rtt)
{
	struct sfb_check *c = d->base.run;
	sfb_buf ev, miss;
	size_t i, j;
	bool ok;

	sfb_buf_init(&ev);
	sfb_buf_init(&miss);
	if (status == ARES_ENOTFOUND || status == ARES_ENODATA || (status == ARES_SUCCESS &&
	    dst == SFB_ENOTFOUND)) {
		sfb_check_report(c, "dns", d->subject, SFB_VERDICT_FAIL, &d->cite, 0, rtt, NULL,
		    "missing: the plan needs %s %s -> %s (the server says: %s)", d->name,
		    d->type_name, d->want.v[0], status == ARES_ENOTFOUND ? "no such name" :
		    "no record of that type");
		goto out;
	}
	if (status != ARES_SUCCESS) {
		sfb_check_report(c, "dns", d->subject, SFB_VERDICT_FAIL, &d->cite, 0, rtt, NULL,
		    "no answer: %s", sfb_ares_strerror(status));
		goto out;
	}
	if (dst != SFB_OK) {
		sfb_check_report(c, "dns", d->subject, SFB_VERDICT_FAIL, &d->cite, 0, rtt, NULL,
		    "the answer does not parse: %s", why != NULL ? why : "malformed");
		goto out;
	}
	sfb_dnsans_print(a, &ev);
	if (strcmp(d->type_name, "SRV") == 0) {
		/* Each wanted "PORT TARGET" must be there; name what differs. */
		for (i = 0; i < d->want.n; i++) {
			char want_target[256];
			unsigned want_port = 0;
			const char *sp = strchr(d->want.v[i], ' ');
			bool port_seen = false, target_seen = false;

			for (j = 0; d->want.v[i][j] >= '0' && d->want.v[i][j] <= '9'; j++)
				want_port = want_port * 10 + (unsigned)(d->want.v[i][j] - '0');
			snprintf(want_target, sizeof(want_target), "%s", sp ? sp + 1 : "");
			ok = false;
			for (j = 0; j < a->nsrv; j++) {
				bool tgt = strcasecmp(a->srv[j].target, want_target) == 0;

				if (tgt && a->srv[j].port == want_port)
					ok = true;
				target_seen |= tgt;
				port_seen |= a->srv[j].port == want_port;
			}
			if (ok)
				continue;
			if (target_seen)
				sfb_buf_printf(&miss, "%swrong port: %s must be on port %u",
				    miss.len ? "; " : "", want_target, want_port);
			else
				sfb_buf_printf(&miss, "%swrong target: the plan has %s port %u",
				    miss.len ? "; " : "", want_target, want_port);
			(void)port_seen;
		}
	} else if (strcmp(d->type_name, "CNAME") == 0) {
		if (strcasecmp(a->canon, d->want.v[0]) != 0 && !sfb_strv_has(&d->want, a->canon))
			sfb_buf_printf(&miss, "wrong target: the plan has CNAME %s", d->want.v[0]);
	} else {
		for (i = 0; i < d->want.n; i++)
			if (!sfb_strv_has(&a->addrs, d->want.v[i]))
				sfb_buf_printf(&miss, "%s%s", miss.len ? ", " : "wrong address: missing ",
				    d->want.v[i]);
		for (i = 0, j = 0; i < a->addrs.n; i++)
			if (!sfb_strv_has(&d->want, a->addrs.v[i]))
				sfb_buf_printf(&miss, "%s%s", j++ ? ", " : (miss.len ? "; not planned " :
				    "wrong address: not planned "), a->addrs.v[i]);
	}
	if (sfb_buf_status(&ev) != SFB_OK || sfb_buf_status(&miss) != SFB_OK) {
		sfb_check_oom(c);
		goto out;
	}
	if (miss.len == 0)
		sfb_check_report(c, "dns", d->subject, SFB_VERDICT_PASS, &d->cite, 0, rtt,
		    sfb_buf_str(&ev), "as planned");
	else
		sfb_check_report(c, "dns", d->subject, SFB_VERDICT_FAIL, &d->cite, 0, rtt,
		    sfb_buf_str(&ev), "%s", sfb_buf_str(&miss));
out:
	sfb_buf_free(&ev);
	sfb_buf_free(&miss);
	sfb_task_done(&d->base);
}

/* ---- services found in DNS (--domain): resolve, then check ---- */

static sfb_status
add_spawn(struct sfb_check *c, const char *target, unsigned port)
{
	struct dns_task *d;

	if ((d = dns_new(DNS_SPAWN, target, T_A)) == NULL)
		return sfb_oom(c->ctx);
	d->port = port;
	sfb_check_add_task(c, &d->base);
	return c->err != SFB_OK ? sfb_oom(c->ctx) : SFB_OK;
}

/* TCP, TLS (the certificate must name the target) and SIP OPTIONS on each
 * address of the target. */
static void
spawn_answer(struct dns_task *d, int status, struct sfb_dnsans *a, sfb_status dst)
{
	struct sfb_check *c = d->base.run;
	const struct sfb_task_type *kinds[3] = { &sfb_check_tcp, &sfb_check_tls, &sfb_check_sip };
	struct sfb_ctarget *t;
	size_t i, k;

	if (status != ARES_SUCCESS || dst != SFB_OK) {
		char subject[300];

		snprintf(subject, sizeof(subject), "%s:%u", d->name, d->port);
		sfb_check_report(c, "tcp", subject, SFB_VERDICT_FAIL, NULL, 0, 0, NULL,
		    "%s has no address (%s)", d->name, status != ARES_SUCCESS ?
		    sfb_ares_strerror(status) : "no A record");
		sfb_task_done(&d->base);
		return;
	}
	for (i = 0; i < a->addrs.n && c->err == SFB_OK; i++)
		for (k = 0; k < 3; k++) {
			if ((t = sfb_ctarget_new(d->name, a->addrs.v[i], (uint16_t)d->port,
			    SFB_PROTO_TCP)) == NULL || sfb_strv_add(&t->names, d->name, true) != SFB_OK) {
				sfb_ctarget_free(t);
				sfb_check_oom(c);
				break;
			}
			(void)sfb_check_conn_task(c, kinds[k], t);
		}
	sfb_task_done(&d->base);
}

/* ---- discovery ---- */

static const struct sfb_rr *
plan_record(const struct sfb_check *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->rrs.n; i++)
		if (strcasecmp(c->rrs.v[i].name, name) == 0)
			return &c->rrs.v[i];
	return NULL;
}

static bool
discovery_next(struct dns_task *d)
{
	char name[300];

	if (++d->step >= d->order->nsteps)
		return false;
	snprintf(name, sizeof(name), "%s.%s", d->order->steps[d->step].prefix, d->name);
	ask(d, name, d->order->steps[d->step].type);
	return true;
}

static void
discovery_answer(struct dns_task *d, int status, struct sfb_dnsans *a, sfb_status dst,
    unsigned long rtt)
{
	struct sfb_check *c = d->base.run;
	const struct sfb_cdisc *o = d->order;
	const struct sfb_cdisc_step *s = &o->steps[d->step];
	const sfb_catalog *cat = c->cat;
	struct sfb_chk_cite cite = { NULL, NULL };
	char subject[320], letter = (char)('a' + (d->step < 26 ? d->step : 25));
	sfb_buf ev;

	if (o->ncite > 0) {
		cite.doc = cat->docs[o->cite[0].doc].id;
		cite.section = o->cite[0].section;
	}
	snprintf(subject, sizeof(subject), "%s.%s %s", s->prefix, d->name, qtype_name(s->type));
	sfb_buf_init(&ev);
	if (status == ARES_SUCCESS && dst == SFB_OK) {
		sfb_dnsans_print(a, &ev);
		sfb_check_report(c, "discovery", subject, SFB_VERDICT_PASS, &cite, 0, rtt,
		    sfb_buf_str(&ev), "step %c answers%s", letter, d->used < o->nsteps ?
		    " (a client stopped at an earlier step)" : ": a client uses it");
		if (d->used == o->nsteps) {
			d->used = d->step;
			sfb_buf_puts(&d->used_answer, sfb_buf_str(&ev));
		}
		/* From DNS alone: the services it names are checked too. */
		if (!d->use_plan && s->type == T_SRV)
			(void)add_spawn(c, a->srv[0].target, a->srv[0].port);
		else if (!d->use_plan && strncmp(s->prefix, "lyncdiscover", 12) == 0) {
			char adname[300];

			snprintf(adname, sizeof(adname), "%s.%s", s->prefix, d->name);
			(void)sfb_check_ad_task(c, adname, NULL);
		}
	} else {
		sfb_check_report(c, "discovery", subject, SFB_VERDICT_SKIP, &cite, 0, rtt, NULL,
		    "step %c: no record (%s): a client goes on", letter,
		    status != ARES_SUCCESS ? sfb_ares_strerror(status) : "no data of that type");
	}
	sfb_buf_free(&ev);
	if (discovery_next(d))
		return;
	/* Every step asked: what would a client do? */
	if (d->used == o->nsteps) {
		sfb_check_report(c, "discovery", d->name, SFB_VERDICT_FAIL, &cite, 0, 0, NULL,
		    "no step of the discovery order answers: clients %s cannot find a server to "
		    "sign in to", d->outside ? "outside" : "inside");
	} else {
		char used[300];
		const struct sfb_rr *rr;

		snprintf(used, sizeof(used), "%s.%s", o->steps[d->used].prefix, d->name);
		rr = d->use_plan ? plan_record(c, used) : NULL;
		if (d->use_plan && rr == NULL)
			sfb_check_report(c, "discovery", d->name, SFB_VERDICT_WARN, &cite, 0, 0,
			    sfb_buf_str(&d->used_answer), "clients %s use %s, which the plan does not "
			    "publish in the %s view", d->outside ? "outside" : "inside", used,
			    d->outside ? "external" : "internal");
		else
			sfb_check_report(c, "discovery", d->name, SFB_VERDICT_PASS, &cite, 0, 0,
			    sfb_buf_str(&d->used_answer), "clients %s use %s%s", d->outside ?
			    "outside" : "inside", used, d->use_plan ?
			    " (its records: see the dns check)" : "");
	}
	sfb_task_done(&d->base);
}

/* ---- federation ---- */

static void
federation_answer(struct dns_task *d, int status, struct sfb_dnsans *a, sfb_status dst,
    unsigned long rtt)
{
	struct sfb_check *c = d->base.run;
	const char *check = "federation-dns";
	sfb_buf ev;
	size_t i;

	sfb_buf_init(&ev);
	if (d->qtype == T_SRV) {
		if (status != ARES_SUCCESS || dst != SFB_OK) {
			sfb_check_report(c, check, d->subject, SFB_VERDICT_FAIL, &sfb_cite_federation_srv,
			    0, rtt, NULL, "missing (%s): %s", status != ARES_SUCCESS ?
			    sfb_ares_strerror(status) : dst == SFB_ENOTFOUND ? "no SRV record" :
			    "the answer does not parse", d->partner ?
			    "an Edge cannot discover this partner (a direct federation entry would be "
			    "needed)" : "partners cannot discover this domain's Access Edge");
			goto done;
		}
		sfb_dnsans_print(a, &d->srv_text);
		/* A client uses the first by priority and weight. */
		snprintf(d->target, sizeof(d->target), "%s", a->srv[0].target);
		d->port = a->srv[0].port;
		if (!sfb_name_in_domain(d->target, d->name)) {
			sfb_check_report(c, check, d->subject, SFB_VERDICT_FAIL, &sfb_cite_federation_srv,
			    0, rtt, sfb_buf_str(&d->srv_text), "target %s is not in %s: strict name "
			    "matching (the Edge accepts only a target inside the SIP domain)", d->target,
			    d->name);
			goto done;
		}
		if (!d->partner && d->port != 5061) {
			sfb_check_report(c, check, d->subject, SFB_VERDICT_FAIL, &sfb_cite_federation_srv,
			    0, rtt, sfb_buf_str(&d->srv_text), "wrong port: federation is on 5061, "
			    "the record says %u", d->port);
			goto done;
		}
		d->qtype = T_A;
		ask(d, d->target, T_A);
		sfb_buf_free(&ev);
		return;
	}
	sfb_buf_puts(&ev, sfb_buf_str(&d->srv_text));
	sfb_buf_puts(&ev, "; ");
	if (status != ARES_SUCCESS || dst != SFB_OK) {
		sfb_buf_printf(&ev, "%s A: none", d->target);
		sfb_check_report(c, check, d->subject, SFB_VERDICT_FAIL, &sfb_cite_federation_srv, 0,
		    rtt, sfb_buf_str(&ev), "target %s has no address (%s)", d->target,
		    status != ARES_SUCCESS ? sfb_ares_strerror(status) : "no A record");
		goto done;
	}
	sfb_dnsans_print(a, &ev);
	if (!d->partner && c->access_public.n > 0) {
		for (i = 0; i < a->addrs.n; i++)
			if (!sfb_strv_has(&c->access_public, a->addrs.v[i]))
				break;
		if (i < a->addrs.n) {
			sfb_check_report(c, check, d->subject, SFB_VERDICT_FAIL,
			    &sfb_cite_federation_srv, 0, rtt, sfb_buf_str(&ev), "wrong address: %s "
			    "resolves to %s, not an Access Edge public address of the topology (%s%s)",
			    d->target, a->addrs.v[i], c->access_public.v[0],
			    c->access_public.n > 1 ? ", ..." : "");
			goto done;
		}
	}
	sfb_check_report(c, check, d->subject, SFB_VERDICT_PASS, &sfb_cite_federation_srv, 0, rtt,
	    sfb_buf_str(&ev), "%s port %u, in the domain, resolves%s", d->target, d->port,
	    !d->partner && c->access_public.n > 0 ? " to the Access Edge" : "");
	if (d->spawn)
		(void)add_spawn(c, d->target, d->port);
done:
	if (sfb_buf_status(&ev) != SFB_OK || sfb_buf_status(&d->srv_text) != SFB_OK)
		sfb_check_oom(c);
	sfb_buf_free(&ev);
	sfb_task_done(&d->base);
}

static void
on_answer(void *arg, int status, const unsigned char *abuf, int alen)
{
	struct dns_task *d = arg;
	struct sfb_dnsans a;
	sfb_status dst = SFB_ENOTFOUND;
	const char *why = NULL;
	unsigned long rtt = (unsigned long)(sfb_clock_us() - d->sent_us);
	int qtype = d->kind == DNS_DISCOVERY ? d->order->steps[d->step].type : d->qtype;

	d->pending = false;
	if (d->base.finished)
		return;
	if (status == ARES_EDESTRUCTION) {
		sfb_task_done(&d->base);
		return;
	}
	sfb_dnsans_init(&a, qtype);
	if (status == ARES_SUCCESS && (dst = sfb_dnsans_decode(&a, abuf, alen, &why)) == SFB_ENOMEM) {
		sfb_dnsans_free(&a);
		sfb_check_oom(d->base.run);
		sfb_task_done(&d->base);
		return;
	}
	if (d->kind == DNS_RECORD)
		record_answer(d, status, &a, dst, why, rtt);
	else if (d->kind == DNS_SPAWN)
		spawn_answer(d, status, &a, dst);
	else if (d->kind == DNS_DISCOVERY)
		discovery_answer(d, status, &a, dst, rtt);
	else
		federation_answer(d, status, &a, dst, rtt);
	sfb_dnsans_free(&a);
}

static void
dns_start(struct sfb_task *t)
{
	struct dns_task *d = (struct dns_task *)t;
	char name[300];

	switch (d->kind) {
	case DNS_SPAWN:
	case DNS_RECORD:
		ask(d, d->name, d->qtype);
		break;
	case DNS_DISCOVERY:
		d->step = (size_t)-1;
		d->used = d->order->nsteps;
		(void)discovery_next(d);
		break;
	case DNS_FEDERATION:
		snprintf(name, sizeof(name), "_sipfederationtls._tcp.%s", d->name);
		ask(d, name, T_SRV);
		break;
	}
}

/* ---- building ---- */

static sfb_status
add_discovery(struct sfb_check *c, const char *domain, bool outside, bool use_plan)
{
	const sfb_catalog *cat = c->cat;
	const struct sfb_cdisc *order = NULL;
	struct dns_task *d;
	size_t i;

	for (i = 0; cat != NULL && i < cat->ndisc; i++)
		if (cat->disc[i].view == (outside ? SFB_VIEW_EXTERNAL : SFB_VIEW_INTERNAL))
			order = &cat->disc[i];
	if (order == NULL) {
		sfb_check_log(c, "check: the catalog has no discovery order for the %s view: "
		    "discovery of %s is not checked", outside ? "external" : "internal", domain);
		return SFB_OK;
	}
	if ((d = dns_new(DNS_DISCOVERY, domain, 0)) == NULL)
		return sfb_oom(c->ctx);
	d->order = order;
	d->outside = outside;
	d->use_plan = use_plan;
	sfb_check_add_task(c, &d->base);
	return c->err != SFB_OK ? sfb_oom(c->ctx) : SFB_OK;
}

static sfb_status
add_federation(struct sfb_check *c, const char *domain, bool partner)
{
	struct dns_task *d;
	char subject[300];

	if ((d = dns_new(DNS_FEDERATION, domain, T_SRV)) == NULL)
		return sfb_oom(c->ctx);
	d->partner = partner;
	snprintf(subject, sizeof(subject), "_sipfederationtls._tcp.%s", domain);
	if ((d->subject = sfb_strdup(subject)) == NULL) {
		dns_free(&d->base);
		return sfb_oom(c->ctx);
	}
	sfb_check_add_task(c, &d->base);
	return c->err != SFB_OK ? sfb_oom(c->ctx) : SFB_OK;
}

sfb_status
sfb_check_partner(struct sfb_check *c, const char *domain)
{
	return add_federation(c, domain, true);
}

sfb_status
sfb_check_domain_dns(struct sfb_check *c, const char *domain, bool outside)
{
	sfb_status st;

	if ((st = add_discovery(c, domain, outside, false)) != SFB_OK)
		return st;
	if ((st = add_federation(c, domain, true)) != SFB_OK)
		return st;
	((struct dns_task *)c->tasks[c->ntasks - 1])->spawn = true;
	return SFB_OK;
}

/* One task per (name, type) of the plan's records in the view: all the
 * values the plan gives that name are wanted together. */
sfb_status
sfb_check_plan_dns(struct sfb_check *c)
{
	const sfb_catalog *cat = c->plan->cat;
	const sfb_topology *t = c->plan->topo;
	struct dns_task *d, **tasks = NULL;
	size_t ntasks = 0, captasks = 0;
	sfb_strmap sets;
	char subject[320], value[320];
	sfb_status st = SFB_OK;
	size_t i;

	/* The Access Edge addresses a federation SRV target must resolve to. */
	for (i = 0; i < t->neps; i++) {
		const struct sfb_endpoint *ep = &t->eps[i];
		const char *a = sfb_endpoint_address(ep, true);

		if (sfb_endpoint_has_role(ep, cat->known[SFB_KR_EDGE_ACCESS]) && a != NULL &&
		    sfb_strv_add(&c->access_public, a, true) != SFB_OK)
			return sfb_oom(c->ctx);
	}
	/* One pass: the first record of a (name, type) makes its task, every
	 * record of it adds its value. */
	sfb_strmap_init(&sets);
	for (i = 0; i < c->rrs.n; i++) {
		const struct sfb_rr *r = &c->rrs.v[i];
		int qtype = strcmp(r->type, "SRV") == 0 ? T_SRV : strcmp(r->type, "AAAA") == 0 ?
		    T_AAAA : T_A;
		bool had = false;
		size_t at;

		snprintf(subject, sizeof(subject), "%s %s", r->name, r->type);
		if (sfb_strmap_put(&sets, subject, ntasks, &had, &at) != SFB_OK)
			goto oom;
		if (!had) {
			if (sfb_grow(&tasks, &captasks, ntasks + 1, sizeof(*tasks)) != SFB_OK ||
			    (d = dns_new(DNS_RECORD, r->name, qtype)) == NULL)
				goto oom;
			tasks[ntasks++] = d;
			d->type_name = r->type;
			if ((d->subject = sfb_strdup(subject)) == NULL)
				goto oom;
			if (r->entry->ncite > 0) {
				d->cite.doc = cat->docs[r->entry->cite[0].doc].id;
				d->cite.section = r->entry->cite[0].section;
			}
			at = ntasks - 1;
		}
		if (qtype == T_SRV)
			snprintf(value, sizeof(value), "%u %s", r->port, r->value);
		else
			snprintf(value, sizeof(value), "%s", r->value);
		if (sfb_strv_add(&tasks[at]->want, value, true) != SFB_OK)
			goto oom;
	}
	sfb_strmap_free(&sets);
	for (i = 0; i < ntasks; i++) {
		sfb_check_add_task(c, &tasks[i]->base);   /* the run owns it, even on failure */
		tasks[i] = NULL;
	}
	free(tasks);
	tasks = NULL;
	if (c->err != SFB_OK)
		return sfb_oom(c->ctx);
	for (i = 0; i < c->domains.n; i++) {
		if ((st = add_discovery(c, c->domains.v[i], c->outside, true)) != SFB_OK)
			return st;
		snprintf(subject, sizeof(subject), "_sipfederationtls._tcp.%s", c->domains.v[i]);
		if (c->outside && plan_record(c, subject) != NULL &&
		    (st = add_federation(c, c->domains.v[i], false)) != SFB_OK)
			return st;
	}
	return SFB_OK;
oom:
	sfb_strmap_free(&sets);
	for (i = 0; i < ntasks; i++)
		dns_free(&tasks[i]->base);
	free(tasks);
	return sfb_oom(c->ctx);
}
