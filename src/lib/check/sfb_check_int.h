/* The check engine's insides: one run (struct sfb_check), its tasks, and
 * the check-type table.  One event loop (net/sfb_loop) drives every task:
 * c-ares through net/sfb_ares, OpenSSL non-blocking on the task's own
 * socket, libcurl through net/sfb_curl.  Each task is a small state
 * machine with a timeout; it reports findings and ends with
 * sfb_task_done. */
#ifndef SFB_CHECK_INT_H
#define SFB_CHECK_INT_H

#include <openssl/ssl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "sfbnet/check.h"
#include "dns/sfb_dns.h"
#include "net/sfb_ares.h"
#include "net/sfb_curl.h"
#include "net/sfb_loop.h"
#include "net/sfb_net.h"
#include "pki/sfb_certs.h"
#include "plan/sfb_plan.h"
#include "report/sfb_findings.h"

struct sfb_task;

/* A kind of check: how to start a task of it and how to free one. */
struct sfb_task_type {
	const char *name;       /* "check_dns", "check_tcp" ... */
	void (*start)(struct sfb_task *t);
	void (*free)(struct sfb_task *t);
};

extern const struct sfb_task_type sfb_check_dns, sfb_check_tcp, sfb_check_tls,
    sfb_check_stun, sfb_check_sip, sfb_check_autodiscover;

struct sfb_task {
	const struct sfb_task_type *type;
	struct sfb_check *run;
	bool started, finished;
};

/* A citation of a finding: a catalog document id and its section. */
struct sfb_chk_cite {
	const char *doc, *section;
};

/* A service a connection check reaches: an endpoint of the plan at one
 * address and port, or a name found in DNS (--domain). */
struct sfb_ctarget {
	char *fqdn;               /* SNI, the names checked; never NULL */
	char addr[48];            /* numeric address */
	uint16_t port;
	int proto;                /* SFB_PROTO_TCP or SFB_PROTO_UDP */
	const char *app;          /* the flow's application ("SIP/TLS" ...) or NULL */
	sfb_strv names;           /* names the certificate must carry (SANs) */
	char *public_addr;        /* the topology's public address (NAT), or NULL */
	struct sfb_chk_cite cite;
	char *subject;            /* "fqdn:port (addr)", "/udp" for STUN */
};

struct sfb_check {
	sfb_ctx *ctx;
	const sfb_check_opts *o;
	const sfb_catalog *cat;   /* the discovery order (the plan's, or o->cat) */
	unsigned timeout_ms;
	sfb_loop *loop;
	sfb_ares *dns;
	struct sfb_curl *curl;
	SSL_CTX *tls;             /* verifying: the CA file or the system store */
	SSL_CTX *tls_old[2];      /* exactly TLS 1.0, exactly TLS 1.1 */
	sfb_findings findings;
	sfb_status err;           /* the first failure that is not a finding */

	struct sfb_task **tasks;
	size_t ntasks, captasks, next, running, done;

	/* From the plan (NULL members with --domain). */
	const sfb_plan *plan;
	size_t from_zone;
	bool outside;             /* the zone is the outside (external view) */
	struct sfb_rrs rrs;       /* the plan's records of that view */
	struct sfb_certlist certs;
	sfb_strv domains;         /* SIP domains (or --domain) */
	sfb_strv access_public;   /* Access Edge addresses outside clients reach */
};

/* Add a task (the run owns it from here, even on failure) and start it
 * when fewer than the concurrency run. */
void sfb_check_add_task(struct sfb_check *c, struct sfb_task *t);
/* The task is over: the next one waiting starts. */
void sfb_task_done(struct sfb_task *t);

/* Record a finding.  reason is printf-style; evidence may be NULL. */
void sfb_check_report(struct sfb_check *c, const char *check, const char *subject,
    sfb_verdict v, const struct sfb_chk_cite *cite, int err, unsigned long rtt_us,
    const char *evidence, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));
void sfb_check_vreport(struct sfb_check *c, const char *check, const char *subject,
    sfb_verdict v, const struct sfb_chk_cite *cite, int err, unsigned long rtt_us,
    const char *evidence, const char *fmt, va_list ap)
    __attribute__((format(printf, 9, 0)));
/* A progress line through the caller's log callback. */
void sfb_check_log(struct sfb_check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Remember an allocation failure (the run ends with it). */
void sfb_check_oom(struct sfb_check *c);

/* Targets: allocation and release (sfb_check_targets.c). */
struct sfb_ctarget *sfb_ctarget_new(const char *fqdn, const char *addr, uint16_t port, int proto);
void sfb_ctarget_free(struct sfb_ctarget *t);

/* Builders of the tasks of each kind. */
sfb_status sfb_check_plan_dns(struct sfb_check *c);              /* sfb_check_dns.c */
sfb_status sfb_check_domain_dns(struct sfb_check *c, const char *domain, bool outside);
sfb_status sfb_check_partner(struct sfb_check *c, const char *domain);
sfb_status sfb_check_plan_targets(struct sfb_check *c);          /* sfb_check_targets.c */
/* A connection check of one kind ("tcp", "tls", "sip") on target (the
 * task takes it). */
sfb_status sfb_check_conn_task(struct sfb_check *c, const struct sfb_task_type *type,
    struct sfb_ctarget *t);
sfb_status sfb_check_stun_task(struct sfb_check *c, struct sfb_ctarget *t);
/* Autodiscover of a domain: name is lyncdiscover.D or lyncdiscoverinternal.D;
 * expect: the address the plan gives it (NULL: whatever DNS says). */
sfb_status sfb_check_ad_task(struct sfb_check *c, const char *name, const char *expect_addr);

/* What is wrong with a certificate for a target, in findings; shared by
 * the TLS check and autodiscover's links (sfb_check_cert.c). */
void sfb_check_cert(struct sfb_check *c, const struct sfb_ctarget *t, SSL *ssl);

/* Catalog citations, by document id and section, for findings that come
 * from the checks' own knowledge. */
extern const struct sfb_chk_cite sfb_cite_discovery_ext, sfb_cite_discovery_int,
    sfb_cite_federation_srv, sfb_cite_edge_cert, sfb_cite_pki_eku, sfb_cite_msturn,
    sfb_cite_autodiscover, sfb_cite_tls_versions;

#endif
