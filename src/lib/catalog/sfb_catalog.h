/* Catalog internals: the in-memory model every later stage reads. */
#ifndef SFB_CATALOG_H
#define SFB_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "sfbnet/catalog.h"
#include "sfb_ctx.h"
#include "sfb_iset.h"

enum sfb_proto {
	SFB_PROTO_TCP = 1,
	SFB_PROTO_UDP = 2,
	SFB_PROTO_BOTH = 3
};

struct sfb_doc {
	char *id, *title, *source, *url;
	bool own;          /* a catalog file's own document, not a reference */
};

/* Traits of a role (vocabulary `traits:`): what the code asks of a role
 * instead of comparing its name. */
enum {
	SFB_TRAIT_SFB_SERVER = 1u << 0,   /* runs Skype for Business / Lync Server: has a product version */
	SFB_TRAIT_WINDOWS = 1u << 1,      /* runs on Windows Server (a Windows Firewall script) */
	SFB_TRAIT_EDGE_EXTERNAL = 1u << 2 /* an Edge Server's external service */
};

struct sfb_name {      /* a role, a profile or a version of the vocabulary */
	char *name, *description;
	unsigned traits;     /* roles: SFB_TRAIT_* bits */
	/* roles: the published address ranges of a cloud service (`networks:`),
	 * which an outside endpoint with this role and no address stands for */
	sfb_addrset nets;
	char *nets_text;     /* as written, comma-separated; NULL when none */
};

/* A named option of a deployment (XMPP federation, a trunk transport ...)
 * that conditional catalog entries depend on; a version 2 topology switches
 * it on with `features:` (or off with "no-NAME" when it is on by default). */
struct sfb_feature {
	char *name, *description;
	bool on_by_default;
};

/* Machine-readable condition of a catalog entry: planned only where the
 * pool's product version is one of `versions` (a bit per cat->versions
 * index; 0: every version) and every feature listed is on.  Version 1
 * topologies ignore it, as they always did. */
struct sfb_when {
	uint32_t versions;
	size_t *features, nfeatures;   /* indices into cat->features */
	bool *off;                     /* off[i]: features[i] must be off ("no-NAME") */
};

#define SFB_MAX_VERSIONS 32

/* How far a flow reaches between the units (pools, and hosts outside any
 * pool) of a version 2 topology. */
enum sfb_scope {
	SFB_SCOPE_GLOBAL,  /* every source to every destination */
	SFB_SCOPE_POOL,    /* inside one pool (or one host) only */
	SFB_SCOPE_USES     /* between a unit and what it uses (pools.uses, or its site) */
};

struct sfb_cite {
	size_t doc;          /* index into docs */
	char *section;
};

struct sfb_cflow {
	char *id;
	size_t profile;      /* index into profiles */
	size_t *from, nfrom; /* indices into roles */
	size_t *to, nto;
	int proto;           /* enum sfb_proto */
	sfb_portset sport, dport;
	char *app, *purpose, *condition; /* condition may be NULL */
	bool required;
	int scope;           /* enum sfb_scope */
	bool lb;             /* load-balanced: a pool's vip stands for its members */
	bool lb_sip;         /* SIP: the vip stands for them where the pool balances
	                      * SIP by hardware (pools[].load_balancing) */
	long port_role;      /* dport is this role's main port (endpoint ports:), or -1 */
	struct sfb_when when;
	struct sfb_cite *cite;
	size_t ncite;
	/* What settles scope, lb and port_of: cited where a version 2 topology
	 * applies them (a version 1 plan never does). */
	struct sfb_cite *reach_cite;
	size_t nreach_cite;
};

/* DNS records (see docs/catalog-format.md, "dns"). */
enum sfb_view {
	SFB_VIEW_INTERNAL = 1,
	SFB_VIEW_EXTERNAL = 2,
	SFB_VIEW_BOTH = 3
};

enum sfb_rrtype { SFB_RR_A, SFB_RR_CNAME, SFB_RR_SRV };

/* What a record resolves to. */
enum sfb_dnsval {
	SFB_VAL_POOL_FQDN,
	SFB_VAL_POOL_VIP,
	SFB_VAL_MEMBER_IPS,
	SFB_VAL_DIRECTOR_VIP,
	SFB_VAL_DIRECTOR_IPS,
	SFB_VAL_RP_PUBLIC,
	SFB_VAL_ACCESS_EDGE_FQDN,
	SFB_VAL_ACCESS_EDGE_PUBLIC,
	SFB_VAL_WEBCONF_EDGE_PUBLIC,
	SFB_VAL_AV_EDGE_PUBLIC,
	SFB_VAL_OWA_VIP,
	SFB_VAL_SERVER_ADDRESS,   /* {server}: that endpoint's own address */
	SFB_VAL_POOL_ADDRESSES,   /* {pool_of}: the addresses of that pool's members */
	SFB_VAL_COUNT
};

const char *sfb_dnsval_name(int v);

struct sfb_cdns {
	char *id;
	size_t profile;
	int view;                 /* enum sfb_view */
	int type;                 /* enum sfb_rrtype */
	char *name;               /* with placeholders */
	int value_ee, value_se;   /* enum sfb_dnsval: Enterprise / Standard Edition */
	unsigned prio, weight, port;  /* SRV */
	long port_role;           /* SRV: the port is this role's (endpoint ports:), or -1 */
	long role;                /* the role of {server} and {pool_of}, or -1 */
	struct sfb_when when;     /* version 2 topologies only */
	char *purpose, *condition;
	bool required;
	struct sfb_cite *cite;
	size_t ncite;
};

enum { SFB_EKU_SERVER = 1, SFB_EKU_CLIENT = 2 };
enum { SFB_PER_POOL, SFB_PER_ENDPOINT };

struct sfb_ccert {
	char *id;
	size_t profile;
	size_t role;
	int per;                  /* SFB_PER_* */
	char *subject;            /* with placeholders */
	char **san;
	size_t nsan;
	int eku;                  /* SFB_EKU_* bits */
	bool public_ca;
	char *purpose;
	struct sfb_cite *cite;
	size_t ncite;
};

/* The roles the code itself names (the placeholders and values of DNS
 * records and certificates, the Edge lints): looked up once when the
 * vocabulary loads, which fails without one of them. */
enum sfb_known_role {
	SFB_KR_FRONT_END, SFB_KR_DIRECTOR, SFB_KR_EDGE_INTERNAL, SFB_KR_EDGE_ACCESS,
	SFB_KR_EDGE_WEBCONF, SFB_KR_EDGE_AV, SFB_KR_REVERSE_PROXY, SFB_KR_OFFICE_WEB_APPS,
	SFB_KR_COUNT
};
const char *sfb_known_role_name(int kr);

/* The client's discovery order (see docs/catalog-format.md, "discovery"):
 * the names a client asks, in order, in one view; the first that answers is
 * the one it uses. */
enum sfb_disc_type { SFB_DISC_A = 1, SFB_DISC_SRV = 33 };   /* DNS type codes */

struct sfb_cdisc_step {
	char *prefix;             /* the name without ".{sip_domain}": "_sip._tls" */
	int type;                 /* enum sfb_disc_type */
};

struct sfb_cdisc {
	char *id;
	int view;                 /* SFB_VIEW_INTERNAL or SFB_VIEW_EXTERNAL */
	struct sfb_cdisc_step *steps;
	size_t nsteps;
	struct sfb_cite *cite;
	size_t ncite;
};

struct sfb_catalog {
	size_t known[SFB_KR_COUNT];   /* enum sfb_known_role -> index into roles */
	struct sfb_doc *docs;
	size_t ndocs, capdocs;
	struct sfb_name *roles;
	size_t nroles, caproles;
	struct sfb_name *profiles;
	size_t nprofiles, capprofiles;
	struct sfb_name *versions;     /* product versions, oldest first */
	size_t nversions, capversions;
	struct sfb_feature *features;
	size_t nfeatures, capfeatures;
	struct sfb_cflow *flows;
	size_t nflows, capflows;
	struct sfb_cdns *dns;
	size_t ndns, capdns;
	struct sfb_ccert *certs;
	size_t ncerts, capcerts;
	struct sfb_cdisc *disc;
	size_t ndisc, capdisc;
};

/* Citations as text ("doc: section; doc: section") and as a JSON array of
 * { doc, section } (sfb_jb from sfb_text.h). */
void sfb_cites_text(sfb_buf *b, const sfb_catalog *cat, const struct sfb_cite *c, size_t n);
/* "  only if: CONDITION" and a line break, when the flow has a condition. */
void sfb_condition_text(sfb_buf *b, const struct sfb_cflow *f);
/* "  only with: ..." and "  reach: ..." lines for a flow's when, scope, lb
 * and port_of (nothing for a plain flow). */
void sfb_reach_text(sfb_buf *b, const sfb_catalog *cat, const struct sfb_cflow *f);
struct sfb_jb;
struct json_t *sfb_when_json(struct sfb_jb *jb, const sfb_catalog *cat,
    const struct sfb_when *w);
struct json_t *sfb_cites_json(struct sfb_jb *jb, const sfb_catalog *cat,
    const struct sfb_cite *c, size_t n);

/* Index of a role / profile by name, or -1. */
long sfb_catalog_role(const sfb_catalog *cat, const char *name);
long sfb_catalog_profile(const sfb_catalog *cat, const char *name);
long sfb_catalog_version(const sfb_catalog *cat, const char *name);
long sfb_catalog_feature(const sfb_catalog *cat, const char *name);
const char *sfb_scope_name(int scope);
/* "versions a,b; features x,y" (empty when the entry has no condition). */
void sfb_when_text(sfb_buf *b, const sfb_catalog *cat, const struct sfb_when *w);
const char *sfb_proto_name(int proto);

#endif
