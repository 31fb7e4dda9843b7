/* Certificates the topology needs (shared by the writers and the checks). */
#ifndef SFB_CERTS_H
#define SFB_CERTS_H

#include "names/sfb_facts.h"

struct sfb_cert {
	const struct sfb_ccert *entry;
	char *pool;          /* the pool or endpoint FQDN it is for (may be NULL) */
	char *subject;       /* the CN */
	sfb_strv san;        /* DNS names, subject first when listed */
	char *file_base;     /* "<entry id>-<member fqdn>" (per endpoint) or
	                      * "<entry id>-<subject>" (per pool): file names */
};

struct sfb_certlist {
	struct sfb_cert *v;
	size_t n, cap;
	size_t nnames;       /* subjects and SANs of all of them (SFB_NAMES_MAX) */
};

/* Longest common name a certificate may carry (RFC 5280, ub-common-name). */
#define SFB_CN_MAX 64

sfb_status sfb_certs_build(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *t,
    struct sfb_certlist *out);
void sfb_certs_free(struct sfb_certlist *l);
/* SFB_EINVAL (with the message) when a subject is longer than a CN may be:
 * checked before anything is written. */
sfb_status sfb_certs_check_names(sfb_ctx *ctx, const struct sfb_certlist *l);

#endif
