/* The topology importer's model: what a published topology or a Topology
 * Builder file says, read into plain arrays (sfb_import_xml.c), and turned
 * into a version 2 topology (sfb_import_write.c). */
#ifndef SFB_IMPORT_INT_H
#define SFB_IMPORT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "sfb_ctx.h"
#include "sfbnet/import.h"

#define IMP_NONE ((size_t)-1)

struct imp_net {              /* a NetInterface */
	const char *side;         /* Primary, Internal, External, Pstn */
	unsigned number;
	const char *ip;           /* IPAddress ("0.0.0.0": use all configured) */
	const char *configured;   /* ConfiguredIPAddress: the public address (NAT) */
};

struct imp_machine {
	const char *fqdn;         /* NULL: the cluster's */
	struct imp_net *nets;
	size_t nnets, capnets;
	long line;
};

struct imp_site {
	const char *id;           /* SiteId */
	const char *name;         /* its Name element, as written */
	const char *central;      /* a branch's central SiteId, else NULL */
	bool branch;
	long line;
};

struct imp_cluster {
	const char *key;          /* UniqueId, or "SiteId:Number" of its ClusterId */
	const char *fqdn;
	const char *site;         /* SiteId */
	struct imp_machine *m;
	size_t nm, capm;
	long line;
};

struct imp_sql {              /* a SQL Server instance on a cluster */
	const char *key;          /* UniqueId, or "Name@SiteId:Number" */
	const char *name;
	const char *cluster;      /* its cluster's key */
};

struct imp_port {
	const char *owner;        /* urn:component:AccessEdge ... */
	const char *usage;        /* SipClient, TURNServer, MediaCommunication ... */
	const char *side;         /* InterfaceSide */
	const char *proto;        /* Tcp, Udp, Tls, Mtls, Https, TcpOrUdp ... */
	const char *cfqdn;        /* ConfiguredFqdn */
	unsigned number;          /* InterfaceNumber */
	unsigned port, range, cport;  /* Port, Range (0: one port), ConfiguredPort */
	long line;
};

struct imp_service {
	const char *key;          /* UniqueId, or "SiteId:RoleName:Instance" */
	const char *role;         /* RoleName */
	const char *site;         /* SiteId of its ServiceId (published only) */
	unsigned version;         /* ServiceVersion */
	const char *on;           /* InstalledOn: a cluster or SQL instance key */
	const char **deps;        /* keys of the services it depends on */
	size_t ndeps, capdeps;
	struct imp_port *ports;
	size_t nports, capports;
	bool director;            /* RegistrarService IsDirector */
	const char *ext_host;     /* WebService ExternalSettings Host */
	const char *int_host;     /* WebService InternalSettings Host */
	const char *wac_url;      /* WacService DiscoveryUrl */
	bool wac_external;        /* WacService IsExternal */
	unsigned med_port;        /* PstnGatewayService MediationServerPort */
	long line;
};

struct imp_addr {             /* --address / --addresses */
	const char *name;         /* an FQDN, or a zone of the reference layout */
	const char *value;        /* IP, or prefixes for a zone */
	bool used;
};

struct imp {
	sfb_ctx *ctx;
	const sfb_catalog *cat;
	const char *file;         /* what messages call the input */
	bool builder;             /* a Topology Builder file (else published) */
	const char **domains;     /* SIP domains, the default first */
	size_t ndomains, capdomains;
	const char *meet, *dialin, *admin;   /* simple URLs (Topology Builder only) */
	struct imp_site *sites;
	size_t nsites, capsites;
	struct imp_cluster *cl;
	size_t ncl, capcl;
	struct imp_sql *sql;
	size_t nsql, capsql;
	struct imp_service *sv;
	size_t nsv, capsv;
	struct imp_addr *addr;
	size_t naddr, capaddr;
	char **strs;              /* every string above is one of these */
	size_t nstrs, capstrs;
	size_t unmapped;          /* warnings about what could not be mapped */
	bool oom;                 /* an allocation failed while reading */
};

/* Keep a copy of s (n bytes) for the life of the model; NULL when out of
 * memory (the caller returns SFB_ENOMEM). */
const char *sfb_imp_keep(struct imp *I, const char *s, size_t n);
void sfb_imp_free(struct imp *I);

/* Read the XML into I (sfb_import_xml.c). */
sfb_status sfb_imp_read_xml(struct imp *I, const void *data, size_t len);
/* The --address pairs and the --addresses file into I->addr. */
sfb_status sfb_imp_read_addresses(struct imp *I, const sfb_import_topology_opts *o);
/* The address given for name (case-insensitive), marking it used; NULL. */
const char *sfb_imp_address(struct imp *I, const char *name);
/* Write the version 2 topology (sfb_import_write.c). */
sfb_status sfb_imp_write(struct imp *I, sfb_buf *b);

#endif
