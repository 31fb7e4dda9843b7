/* Catalog internals: the in-memory model every later stage reads. */
#ifndef SFB_CATALOG_H
#define SFB_CATALOG_H

#include <stdbool.h>

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
};

struct sfb_name {      /* a role or a profile of the vocabulary */
	char *name, *description;
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
	struct sfb_cite *cite;
	size_t ncite;
};

struct sfb_catalog {
	struct sfb_doc *docs;
	size_t ndocs, capdocs;
	struct sfb_name *roles;
	size_t nroles, caproles;
	struct sfb_name *profiles;
	size_t nprofiles, capprofiles;
	struct sfb_cflow *flows;
	size_t nflows, capflows;
};

/* Index of a role / profile by name, or -1. */
long sfb_catalog_role(const sfb_catalog *cat, const char *name);
long sfb_catalog_profile(const sfb_catalog *cat, const char *name);
const char *sfb_proto_name(int proto);

#endif
