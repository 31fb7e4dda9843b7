/* Topology internals: zones, firewalls, hosts and their endpoints. */
#ifndef SFB_TOPOLOGY_H
#define SFB_TOPOLOGY_H

#include <stdbool.h>

#include "sfbnet/topology.h"
#include "catalog/sfb_catalog.h"
#include "sfb_iset.h"

/* Input limits: far above any real deployment, low enough that what is
 * computed from a topology stays within a few hundred megabytes (the zone
 * path table grows with zones squared).  A file past one is refused with
 * exit status 2, naming the limit. */
#define SFB_TOPO_NAME_MAX      256
#define SFB_TOPO_MAX_ZONES     2048
#define SFB_TOPO_MAX_FIREWALLS 4096
#define SFB_TOPO_MAX_HOSTS     500000
#define SFB_TOPO_MAX_ENDPOINTS 1000000
#define SFB_TOPO_MAX_DOMAINS   10000

struct sfb_zone {
	char *name;
	sfb_addrset nets;    /* as written; empty for the default zone */
	sfb_addrset space;   /* what the zone covers: nets and its endpoints'
	                      * addresses, or everything no other zone covers */
	bool is_default;     /* written without networks */
	sfb_addrset *prefixes;  /* each network as listed (nets merges them) */
	size_t nprefixes;
};

struct sfb_firewall {
	char *name;
	size_t *zones, nzones;  /* indices of the zones it connects (>= 2) */
	char **ifnames;         /* NULL, or the interface toward each of zones[] */
};

struct sfb_endpoint {
	size_t host;          /* index of its host */
	size_t zone;
	sfb_addrset addr;     /* the addresses it stands for (never empty) */
	char *addr_text;      /* as written ("10.1.1.1", "10.20.0.0/16, ..."), or NULL for the zone */
	sfb_addrset pub;      /* NAT public address; empty when none */
	char *pub_text;
	char *fqdn;           /* may be NULL */
	size_t *roles, nroles;
	int line, col;           /* of the endpoint, for messages */
	int addr_line, addr_col; /* of its address / network(s) */
	int pub_line, pub_col;   /* of its public address */
	struct sfb_epport *ports; /* version 2 `ports:` */
	size_t nports;
	int ports_line, ports_col;
	bool virt;               /* a load balancer vip or snat the loader added */
};

/* `ports:` of an endpoint: the port(s) of one role's main listening service
 * there, instead of the catalog's (a flow's port_of). */
struct sfb_epport {
	size_t role;
	sfb_portset ports;
	int line, col;
};

#define SFB_NO_SITE ((size_t)-1)

struct sfb_host {
	char *name;
	char *pool;           /* may be NULL */
	size_t first_ep, nep; /* its endpoints: eps[first_ep .. first_ep+nep) */
	size_t site;          /* version 2 `site:` (index), or SFB_NO_SITE */
	size_t unit;          /* version 2: index into units */
	int site_line, site_col;
	int line, col;        /* of its name */
	bool virt;            /* stands for a pool's vip or snat (version 2) */
};

/* A site of a version 2 topology. */
struct sfb_site {
	char *name;
	bool branch;
	size_t central;       /* a branch: index of its central site */
	int line, col;
};

/* One role a unit uses: the units it names (pools.uses). */
struct sfb_use {
	size_t role;
	size_t *units, nunits;
};

/* What `uses` and sites relate (version 2): a pool, or a host outside any
 * pool. */
struct sfb_unit {
	const char *name;     /* the pool's fqdn or the host's name (borrowed) */
	size_t pool;          /* index into pools, or SIZE_MAX (undeclared pool, lone host) */
	size_t host;          /* a lone host: its index; else SIZE_MAX */
	size_t site;          /* SFB_NO_SITE: in no site, so it matches every site */
	int version;          /* index into the catalog's versions, -1: not known */
	struct sfb_use *uses;
	size_t nuses;
};

/* pools[].uses as a front end read it: one role and the pools or hosts
 * named for it, with their places. */
struct sfb_usedecl {
	size_t role;
	char **names;
	int *lines, *cols;
	size_t n;
};

/* A pool named in `pools:`: its load balancer virtual address, and in
 * version 2 what Topology Builder knows of it. */
struct sfb_pooldecl {
	char *fqdn;
	char *vip;            /* one IP address, as written */
	char *snat;           /* version 2: the load balancer's source address towards members */
	bool sip_hw;          /* version 2 load_balancing: hardware: SIP through the vip too */
	char *web_internal, *web_external;  /* version 2 web_services */
	size_t site;
	int version;          /* index into the catalog's versions, -1: the topology's product */
	size_t unit;
	size_t vip_ep, snat_ep;   /* the virtual endpoints (version 2), or SIZE_MAX */
	struct sfb_usedecl *uses_decl;
	size_t nuses_decl;
	int line, col;
	int fqdn_line, fqdn_col;
	int vip_line, vip_col;
};

struct sfb_topology {
	char *file;
	char *name;
	int version;          /* format: 1 or 2 */
	int product;          /* version 2 product: index into the catalog's versions, -1: none */
	bool *feature_on;     /* indexed like the catalog's features (version 2) */
	size_t nfeatures;
	struct sfb_site *sites;
	size_t nsites;
	struct sfb_unit *units;
	size_t nunits;
	size_t nhosts_real, neps_real;  /* hosts and endpoints of the file; the
	                                 * virtual ones (vip, snat) follow them */
	char **sip_domains;
	size_t nsip;
	char *ad_domain;
	bool *profile_on;     /* indexed like catalog profiles */
	size_t nprofiles;
	char *meet_url, *dialin_url, *admin_url;
	char *web_internal, *web_external;
	char *owa_internal, *owa_external;  /* Office Web Apps farm host names */
	struct sfb_pooldecl *pools;
	size_t npools;
	struct sfb_zone *zones;
	size_t nzones;
	struct sfb_firewall *fws;
	size_t nfws;
	struct sfb_host *hosts;
	size_t nhosts;
	struct sfb_endpoint *eps;
	size_t neps;
};

long sfb_topology_find_firewall(const sfb_topology *t, const char *name);
/* SFB_ENOTFOUND with "no firewall named 'NAME' in FILE" (kind "firewall")
 * or "no host named ..." (kind "host"), and a did-you-mean when a name of
 * that kind is near. */
sfb_status sfb_topology_no_such(sfb_ctx *ctx, const sfb_topology *t, const char *kind,
    const char *name);
/* The builder: resolve and check what a front end filled in (t->file and
 * the positions it kept name the places of errors); SFB_EINVAL with the
 * message in ctx on bad input. */
sfb_status sfb_topology_build(sfb_ctx *ctx, const sfb_catalog *cat, sfb_topology *t);
/* The one address endpoint ep is reached at: its NAT public address when
 * public is true and it has one, else its own address when that is one
 * host (not a network or a list); NULL otherwise. */
const char *sfb_endpoint_address(const struct sfb_endpoint *ep, bool public);
/* Does endpoint ep have role (an index into the catalog's roles)? */
bool sfb_endpoint_has_role(const struct sfb_endpoint *ep, size_t role);
/* Does endpoint ep have a role with any of traits (SFB_TRAIT_* bits)? */
bool sfb_endpoint_has_trait(const sfb_catalog *cat, const struct sfb_endpoint *ep, unsigned traits);
/* The port(s) endpoint ep gives role (ports:), or NULL. */
const sfb_portset *sfb_endpoint_port(const struct sfb_endpoint *ep, size_t role);
/* Version 2, a flow of scope "uses" between unit a (with one of roles_a)
 * and unit b (one of roles_b): 1 if one lists the other in its uses (or
 * a == b), 0 if one of them lists other units for that role, -1 if
 * neither says (the sites decide). */
int sfb_units_said(const sfb_topology *t, size_t a, size_t b, const size_t *roles_a,
    size_t nra, const size_t *roles_b, size_t nrb);
/* Sites a and b: 1 the same (or one of them is SFB_NO_SITE), 2 a branch and
 * its central site, 0 unrelated. */
int sfb_sites_relation(const sfb_topology *t, size_t a, size_t b);
/* Are the features a catalog entry needs on?  (Always, in version 1.) */
bool sfb_topology_features_on(const sfb_topology *t, const struct sfb_when *w);
/* Does endpoint ep meet a version condition (bit mask over catalog versions)? */
bool sfb_endpoint_version_ok(const sfb_topology *t, const sfb_catalog *cat, size_t ep,
    uint32_t versions);

#endif
