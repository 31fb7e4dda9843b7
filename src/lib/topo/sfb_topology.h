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
};

struct sfb_host {
	char *name;
	char *pool;           /* may be NULL */
	size_t first_ep, nep; /* its endpoints: eps[first_ep .. first_ep+nep) */
};

/* A pool named in `pools:`: its load balancer virtual address. */
struct sfb_pooldecl {
	char *fqdn;
	char *vip;            /* one IP address, as written */
};

struct sfb_topology {
	char *file;
	char *name;
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

#endif
