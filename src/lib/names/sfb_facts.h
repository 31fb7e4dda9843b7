/* Facts the DNS records and certificates are made of: the pools of a role,
 * their members, and the values of the catalog's placeholders ({pool},
 * {sip_domain} ...) in a topology. */
#ifndef SFB_FACTS_H
#define SFB_FACTS_H

#include "topo/sfb_topology.h"
#include "sfb_strv.h"
#include "sfb_strmap.h"

/* Endpoints of one role that share a host pool (or stand alone). */
struct sfb_pool {
	const char *fqdn;     /* the pool FQDN, else the endpoint FQDN, else NULL */
	const char *vip;      /* from pools:, or NULL */
	size_t decl;          /* index of its pools: entry, or SIZE_MAX */
	size_t *eps, neps, cap; /* member endpoints */
};

struct sfb_pools {
	struct sfb_pool *v;
	size_t n, cap;
};

sfb_status sfb_pools_of_role(const sfb_topology *t, size_t role, struct sfb_pools *out);
void sfb_pools_free(struct sfb_pools *p);
/* Enterprise Edition: a pool with more than one member. */
bool sfb_pool_is_enterprise(const struct sfb_pool *p);

/* The pools of each role, computed once per run of dns, certs or the lint
 * (an expansion asks for them again and again). */
struct sfb_facts {
	const sfb_topology *t;
	struct sfb_pools *byrole;   /* [role], valid where done[role] */
	bool *done;
	size_t nroles;
	sfb_strmap decl;            /* pools: entries by fqdn (built on first use) */
	bool decl_done;
};

sfb_status sfb_facts_init(struct sfb_facts *f, const sfb_catalog *cat, const sfb_topology *t);
void sfb_facts_free(struct sfb_facts *f);
/* The pools of role (owned by f); NULL when out of memory. */
const struct sfb_pools *sfb_facts_pools(struct sfb_facts *f, size_t role);
/* The pools: entry of a pool fqdn, or NULL (none, or out of memory). */
const struct sfb_pooldecl *sfb_facts_decl(struct sfb_facts *f, const char *fqdn);

/* The SIP domains (and, with ad, the AD domain as index nsip) by name. */
sfb_status sfb_domains_index(const sfb_topology *t, bool ad, sfb_strmap *m);
/* The domains of m that name is in or equals, longest first, into at[]
 * (at most max: a DNS name has at most 127 labels); their number. */
size_t sfb_domains_of(const sfb_strmap *m, const char *name, size_t *at, size_t max);
#define SFB_MAX_LABELS 127

/* What an expansion is for: a DNS record, or a certificate of one pool. */
struct sfb_expand {
	sfb_ctx *ctx;
	struct sfb_facts *facts;
	const sfb_catalog *cat;
	const sfb_topology *t;
	const char *entry_id;       /* for messages */
	const struct sfb_pool *pool;/* {member}, and the pool placeholder of
	                              * pool_role, come from it when set */
	long pool_role;             /* the role of pool (a certificate's role) */
	/* the values chosen for this record, so its value can follow them */
	const char *chosen_pool, *chosen_access, *chosen_webconf, *chosen_av;
	/* {server} and {pool_of}: the endpoint or pool of the entry's role */
	const char *chosen_server;
	size_t chosen_ep;
	const struct sfb_pool *chosen_pool_of;
};

/* Most names one run of dns or certs may produce (an expansion, a list of
 * certificates' names, the DNS records): a small file must not ask for
 * 10,000 front ends x 10,000 SIP domains.  Past it: SFB_ERANGE, naming the
 * limit (exit status 2). */
#define SFB_NAMES_MAX 1000000

/* Expand every placeholder of template into out (the cross product of
 * multi-valued ones, e.g. one name per SIP domain).  A placeholder whose
 * topology key is missing is SFB_ENOTFOUND with a message naming the key;
 * one whose role no endpoint has gives no name at all (out stays empty). */
sfb_status sfb_expand_template(struct sfb_expand *x, const char *tmpl, sfb_strv *out);

/* The host name of a URL ("https://meet.contoso.com/x" -> "meet.contoso.com"). */
sfb_status sfb_url_host(const char *url, sfb_strv *out);

#endif
