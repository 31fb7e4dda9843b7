/* sfbnet check: the run.  Builds the tasks from the plan (or a domain, or
 * partners), drives them on one loop with a bounded number at once, and
 * keeps their findings (docs/check.md). */
#include "check/sfb_check_int.h"

#include <errno.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sfb_ctx.h"
#include "sfb_text.h"

const struct sfb_chk_cite sfb_cite_discovery_ext = { "ms-sfb-poster",
	"IM and Presence workload: external user sign-in, step 1 a-h (the client's discovery order)" };
const struct sfb_chk_cite sfb_cite_discovery_int = { "ms-sfb-poster",
	"IM and Presence workload: internal user sign-in, step 1 a-f (the client's discovery order)" };
const struct sfb_chk_cite sfb_cite_federation_srv = { "ms-sfb-hybrid",
	"DNS settings table, row 1 (_sipfederationtls._tcp per SIP domain -> Access Edge external "
	"address; strict DNS name matching)" };
const struct sfb_chk_cite sfb_cite_edge_cert = { "ms-edge-env",
	"Certificate planning: the names each certificate carries" };
const struct sfb_chk_cite sfb_cite_pki_eku = { "ms-sfb-pki",
	"Enhanced Key Usage: server authentication on every server certificate" };
const struct sfb_chk_cite sfb_cite_msturn = { "MS-TURN",
	"3.2: Allocate request, 401 with REALM and NONCE, MAPPED-ADDRESS and ALTERNATE-SERVER" };
const struct sfb_chk_cite sfb_cite_autodiscover = { "ms-sfb-poster",
	"DNS Configuration, External DNS, row 8 / Internal DNS, row 2 (lyncdiscover, "
	"lyncdiscoverinternal: the AutoDiscover service)" };
const struct sfb_chk_cite sfb_cite_tls_versions = { "RFC 8996",
	"TLS 1.0 and TLS 1.1 are deprecated" };

void
sfb_check_oom(struct sfb_check *c)
{
	if (c->err == SFB_OK)
		c->err = SFB_ENOMEM;
	if (c->loop != NULL)
		sfb_loop_stop(c->loop);
}

void
sfb_check_vreport(struct sfb_check *c, const char *check, const char *subject, sfb_verdict v,
    const struct sfb_chk_cite *cite, int err, unsigned long rtt_us, const char *evidence,
    const char *fmt, va_list ap)
{
	sfb_finding f;
	sfb_buf b;

	sfb_buf_init(&b);
	sfb_buf_vprintf(&b, fmt, ap);
	memset(&f, 0, sizeof(f));
	f.check = check;
	f.subject = subject;
	f.verdict = v;
	f.reason = sfb_buf_str(&b);
	f.evidence = evidence != NULL && evidence[0] != '\0' ? evidence : NULL;
	f.cite_doc = cite != NULL ? cite->doc : NULL;
	f.cite_section = cite != NULL ? cite->section : NULL;
	f.sys_errno = err;
	f.rtt_us = rtt_us;
	if (sfb_buf_status(&b) != SFB_OK || sfb_findings_add(&c->findings, &f) != SFB_OK)
		sfb_check_oom(c);
	sfb_buf_free(&b);
}

void
sfb_check_report(struct sfb_check *c, const char *check, const char *subject, sfb_verdict v,
    const struct sfb_chk_cite *cite, int err, unsigned long rtt_us, const char *evidence,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sfb_check_vreport(c, check, subject, v, cite, err, rtt_us, evidence, fmt, ap);
	va_end(ap);
}

void
sfb_check_log(struct sfb_check *c, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (c->o->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	c->o->log(c->o->log_arg, line);
}

static unsigned
concurrency(const struct sfb_check *c)
{
	return c->o->concurrency > 0 ? c->o->concurrency : 256;
}

static void
start_more(struct sfb_check *c)
{
	struct sfb_task *t;

	while (c->err == SFB_OK && c->next < c->ntasks && c->running < concurrency(c)) {
		t = c->tasks[c->next++];
		c->running++;
		t->started = true;
		t->type->start(t);
	}
}

void
sfb_check_add_task(struct sfb_check *c, struct sfb_task *t)
{
	struct sfb_task **v;

	t->run = c;
	if (c->ntasks == c->captasks) {
		size_t cap = c->captasks ? c->captasks * 2 : 64;

		if ((v = realloc(c->tasks, cap * sizeof(*v))) == NULL) {
			t->type->free(t);
			sfb_check_oom(c);
			return;
		}
		c->tasks = v;
		c->captasks = cap;
	}
	c->tasks[c->ntasks++] = t;
	if (c->loop != NULL)
		start_more(c);
}

void
sfb_task_done(struct sfb_task *t)
{
	struct sfb_check *c = t->run;
	size_t every = 0;

	if (t->finished)
		return;
	t->finished = true;
	c->running--;
	c->done++;
	if (c->ntasks >= 200)
		every = c->ntasks / 10;
	if (every > 0 && c->done % every == 0)
		sfb_check_log(c, "check: %zu of %zu checks done", c->done, c->ntasks);
	start_more(c);
	if (c->running == 0 && c->next == c->ntasks)
		sfb_loop_stop(c->loop);
}

static SSL_CTX *
tls_ctx(sfb_ctx *ctx, const char *ca_file, int version, sfb_status *st)
{
	SSL_CTX *s;

	if ((s = SSL_CTX_new(TLS_client_method())) == NULL) {
		*st = sfb_oom(ctx);
		return NULL;
	}
	/* Verification is ours to judge (a finding, not a refusal): the
	 * handshake goes on and the result is read afterwards. */
	SSL_CTX_set_verify(s, SSL_VERIFY_NONE, NULL);
	if (version != 0) {
		/* Only to see whether the server still offers an old version. */
		SSL_CTX_set_security_level(s, 0);
		(void)SSL_CTX_set_cipher_list(s, "ALL:@SECLEVEL=0");
		(void)SSL_CTX_set_min_proto_version(s, version);
		(void)SSL_CTX_set_max_proto_version(s, version);
		return s;
	}
	(void)SSL_CTX_set_min_proto_version(s, TLS1_2_VERSION);
	if (ca_file != NULL) {
		if (SSL_CTX_load_verify_locations(s, ca_file, NULL) != 1) {
			ERR_clear_error();
			*st = sfb_failf(ctx, SFB_EINVAL, "%s: not a readable PEM file of CA certificates",
			    ca_file);
			SSL_CTX_free(s);
			return NULL;
		}
	} else if (SSL_CTX_set_default_verify_paths(s) != 1) {
		ERR_clear_error();
	}
	return s;
}

static sfb_status
find_zone(sfb_ctx *ctx, const sfb_topology *t, const char *name, size_t *out)
{
	size_t i;

	for (i = 0; i < t->nzones; i++)
		if (strcmp(t->zones[i].name, name) == 0) {
			*out = i;
			return SFB_OK;
		}
	return sfb_failf(ctx, SFB_EINVAL, "--from %s: no such zone in topology '%s'", name,
	    t->name);
}

static sfb_status
setup(struct sfb_check *c)
{
	const sfb_check_opts *o = c->o;
	const char *why = NULL;
	sfb_status st = SFB_OK;
	size_t i;

	if (o->plan == NULL && o->domain == NULL && o->npartners == 0)
		return sfb_failf(c->ctx, SFB_EINVAL, "nothing to check: give a topology, a domain or "
		    "partners");
	if (o->plan != NULL && o->from == NULL)
		return sfb_failf(c->ctx, SFB_EINVAL, "a topology needs --from ZONE: the zone this "
		    "machine is in");
	if (o->domain != NULL && !sfb_dns_name_valid(o->domain))
		return sfb_failf(c->ctx, SFB_EINVAL, "--domain %s: not a DNS name", o->domain);
	for (i = 0; i < o->npartners; i++)
		if (!sfb_dns_name_valid(o->partners[i]))
			return sfb_failf(c->ctx, SFB_EINVAL, "partner %zu: '%s' is not a DNS name",
			    i + 1, o->partners[i]);
	if (o->plan != NULL && (st = find_zone(c->ctx, o->plan->topo, o->from, &c->from_zone)) !=
	    SFB_OK)
		return st;
	/* Partners alone need DNS only: no TLS contexts, no libcurl. */
	if (o->plan != NULL || o->domain != NULL) {
		if ((c->tls = tls_ctx(c->ctx, o->ca_file, 0, &st)) == NULL)
			return st;
		if ((c->tls_old[0] = tls_ctx(c->ctx, NULL, TLS1_VERSION, &st)) == NULL ||
		    (c->tls_old[1] = tls_ctx(c->ctx, NULL, TLS1_1_VERSION, &st)) == NULL)
			return st;
	} else if (o->ca_file != NULL) {
		return sfb_failf(c->ctx, SFB_EINVAL, "--ca-file: partners are checked in DNS only; "
		    "give a topology or --domain for TLS");
	}
	if ((st = sfb_loop_new(&c->loop)) != SFB_OK)
		return sfb_oom(c->ctx);
	st = sfb_ares_new(c->loop, o->dns_server, c->timeout_ms < 1000 ? c->timeout_ms : 1000,
	    c->timeout_ms < 1000 ? 1 : (c->timeout_ms + 999) / 1000, &c->dns, &why);
	if (st == SFB_EINVAL)
		return sfb_failf(c->ctx, st, "--dns-server %s: %s", o->dns_server, why);
	if (st != SFB_OK)
		return sfb_failf(c->ctx, st, "DNS resolver: %s", why ? why : "out of memory");
	if ((o->plan != NULL || o->domain != NULL) && (st = sfb_curl_new(c->loop, &c->curl)) !=
	    SFB_OK)
		return sfb_failf(c->ctx, st, "libcurl: cannot start its multi interface");
	return SFB_OK;
}

static sfb_status
build(struct sfb_check *c)
{
	const sfb_check_opts *o = c->o;
	sfb_status st = SFB_OK;
	size_t i;

	if (o->plan != NULL) {
		const sfb_topology *t = o->plan->topo;

		c->plan = o->plan;
		c->outside = t->zones[c->from_zone].is_default;
		for (i = 0; i < t->nsip; i++)
			if ((st = sfb_strv_add(&c->domains, t->sip_domains[i], true)) != SFB_OK)
				return sfb_oom(c->ctx);
		if ((st = sfb_dns_records(c->ctx, o->plan->cat, t, c->outside ? SFB_DNS_EXTERNAL :
		    SFB_DNS_INTERNAL, &c->rrs)) != SFB_OK)
			return st;
		if ((st = sfb_certs_build(c->ctx, o->plan->cat, t, &c->certs)) != SFB_OK)
			return st;
		if ((st = sfb_check_plan_dns(c)) != SFB_OK)
			return st;
		if ((st = sfb_check_plan_targets(c)) != SFB_OK)
			return st;
	}
	if (o->domain != NULL) {
		if (sfb_strv_add(&c->domains, o->domain, true) != SFB_OK)
			return sfb_oom(c->ctx);
		if ((st = sfb_check_domain_dns(c, o->domain, true)) != SFB_OK)
			return st;
	}
	for (i = 0; i < o->npartners; i++)
		if ((st = sfb_check_partner(c, o->partners[i])) != SFB_OK)
			return st;
	return c->err;
}

sfb_status
sfb_check_run(sfb_ctx *ctx, const sfb_check_opts *o, sfb_check **out)
{
	struct sfb_check *c;
	sfb_loop *loop;
	sfb_status st;
	size_t i;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return sfb_oom(ctx);
	c->ctx = ctx;
	c->o = o;
	c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 3000;
	c->cat = o->cat != NULL ? o->cat : o->plan != NULL ? o->plan->cat : NULL;
	sfb_findings_init(&c->findings);
	sfb_strv_init(&c->domains);
	sfb_strv_init(&c->access_public);
	if ((st = setup(c)) != SFB_OK)
		goto out;
	/* Tasks are built with the loop held back, then started together. */
	loop = c->loop;
	c->loop = NULL;
	st = build(c);
	c->loop = loop;
	if (st != SFB_OK)
		goto out;
	sfb_check_log(c, "check: %zu checks, %u at once, %u ms per step", c->ntasks,
	    concurrency(c), c->timeout_ms);
	start_more(c);
	if (c->running > 0 && (st = sfb_loop_run(c->loop)) != SFB_OK) {
		st = sfb_failf(ctx, SFB_EIO, "event loop: %s", strerror(errno));
		goto out;
	}
	if ((st = c->err) != SFB_OK) {
		st = sfb_oom(ctx);
		goto out;
	}
	{
		size_t nq;
		uint64_t us;

		sfb_ares_stats(c->dns, &nq, &us);
		if (nq > 0)
			sfb_check_log(c, "check: DNS: %zu queries in %.3f s (%.0f queries/s)", nq,
			    (double)us / 1e6, us > 0 ? (double)nq * 1e6 / (double)us : 0.0);
	}
	for (i = 0; i < c->ntasks; i++)
		if (!c->tasks[i]->finished) {
			st = sfb_failf(ctx, SFB_EIO, "check: %s ended without a verdict",
			    c->tasks[i]->type->name);
			goto out;
		}
	if ((st = sfb_findings_sort(&c->findings)) != SFB_OK) {
		st = sfb_oom(ctx);
		goto out;
	}
	*out = c;
	c = NULL;
out:
	sfb_check_free(c);
	return st;
}

void
sfb_check_free(sfb_check *c)
{
	size_t i;

	if (c == NULL)
		return;
	/* The resolver first: destroying it runs the callbacks of queries
	 * still out, which need their tasks. */
	sfb_ares_free(c->dns);
	c->dns = NULL;
	for (i = 0; i < c->ntasks; i++)
		c->tasks[i]->type->free(c->tasks[i]);
	free(c->tasks);
	sfb_curl_free(c->curl);
	if (c->tls != NULL)
		SSL_CTX_free(c->tls);
	for (i = 0; i < 2; i++)
		if (c->tls_old[i] != NULL)
			SSL_CTX_free(c->tls_old[i]);
	sfb_loop_free(c->loop);
	sfb_findings_free(&c->findings);
	sfb_dns_records_free(&c->rrs);
	sfb_certs_free(&c->certs);
	sfb_strv_free(&c->domains);
	sfb_strv_free(&c->access_public);
	free(c);
}

size_t
sfb_check_failures(const sfb_check *c)
{
	return sfb_findings_count(&c->findings, SFB_VERDICT_FAIL);
}

sfb_status
sfb_check_write(sfb_ctx *ctx, const sfb_check *c, sfb_format fmt, char **out)
{
	return sfb_findings_write(ctx, &c->findings, fmt == SFB_FORMAT_JSON, out);
}
