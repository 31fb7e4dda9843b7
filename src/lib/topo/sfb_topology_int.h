/* What the topology's files share (private to src/lib/topo): the YAML
 * front end (sfb_topology_load.c, and sfb_topology_v2.c for the keys of
 * version 2) and the builder (sfb_topology_build.c). */
#ifndef SFB_TOPOLOGY_INT_H
#define SFB_TOPOLOGY_INT_H

#include "sfb_topology.h"
#include "sfb_strmap.h"
#include "sfb_near.h"
#include "sfb_yaml.h"

/* Everything a load needs, so helpers take one argument. */
struct loader {
	sfb_ctx *ctx;
	const sfb_catalog *cat;
	const sfb_ydoc *d;
	sfb_topology *t;
	size_t capzones, capfws, caphosts, capeps;
	sfb_strmap zone_index;   /* zone name -> index (every endpoint looks its zone up) */
	const sfb_ynode *pools_seq;  /* `pools:`, for positions */
	size_t nerrors;              /* bad entries reported so far (read on) */
};

sfb_status sfb_tl_dup(struct loader *L, char **dst, const char *s);
bool sfb_tl_valid_name(const char *s);
sfb_status sfb_tl_dns_name(struct loader *L, const sfb_ynode *n, const char *what, char **out);
long sfb_tl_zone(const struct loader *L, const char *name);
/* "PREFIXunknown WHAT 'S'" at n, with " (did you mean 'X'?)" when a known
 * name (count of them, through at(i, arg)) is near; prefix may be "". */
sfb_status sfb_tl_unknown(struct loader *L, const sfb_ynode *n, const char *prefix,
    const char *what, const char *s, size_t count, sfb_name_at at, const void *arg);
const char *sfb_tl_role_at(size_t i, const void *cat);
const char *sfb_tl_zone_at(size_t i, const void *topo);
sfb_status sfb_tl_count(struct loader *L, const sfb_ynode *seq, const char *what, size_t n,
    size_t max);
sfb_status sfb_tl_address(struct loader *L, const sfb_ynode *n, const char *what, bool single,
    sfb_addrset *set);

/* sfb_topology_build.c: what the builder needs while it runs. */
struct sfb_tb {
	sfb_ctx *ctx;
	const sfb_catalog *cat;
	sfb_topology *t;
	size_t caphosts, capeps;   /* of t->hosts and t->eps, for the virtual ones */
};
/* The first name (in list order) that repeats an earlier one, by sorting
 * (n log n): *dup is its index, *orig that of its first occurrence; *dup
 * == n when none repeats. */
sfb_status sfb_tb_find_duplicate(sfb_ctx *ctx, const char *const *names, size_t stride,
    size_t n, bool nocase, size_t *orig, size_t *dup);

/* sfb_topology_v2.c */
/* product, features and sites (before the hosts). */
sfb_status sfb_tl_v2_header(struct loader *L, const sfb_ynode *root);
/* hosts[].site */
sfb_status sfb_tl_v2_host(struct loader *L, const sfb_ynode *h, struct sfb_host *host);
/* endpoints[].ports */
sfb_status sfb_tl_v2_ports(struct loader *L, const sfb_ynode *n, struct sfb_endpoint *ep);
/* pools[]: site, version, snat, web_services (uses comes in resolve) */
sfb_status sfb_tl_v2_pool(struct loader *L, const sfb_ynode *p, struct sfb_pooldecl *pd);


#endif
