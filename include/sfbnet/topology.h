/* sfbnet — the topology: the user's deployment (docs/sfbnet-topology.5). */
#ifndef SFBNET_TOPOLOGY_H
#define SFBNET_TOPOLOGY_H

#include <stddef.h>

#include "sfbnet/catalog.h"
#include "sfbnet/context.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sfb_topology sfb_topology;

/* Load and validate a topology file (format version 1) against the roles and
 * profiles of cat.  Errors are "FILE:LINE:COLUMN: message" (SFB_EINVAL). */
sfb_status sfb_topology_load(sfb_ctx *ctx, const sfb_catalog *cat, const char *path,
    sfb_topology **out);
/* The same from text in memory; name is used in messages. */
sfb_status sfb_topology_parse(sfb_ctx *ctx, const sfb_catalog *cat, const char *name,
    const char *text, size_t len, sfb_topology **out);
void sfb_topology_free(sfb_topology *topo);

const char *sfb_topology_name(const sfb_topology *topo);
size_t sfb_topology_host_count(const sfb_topology *topo);
size_t sfb_topology_zone_count(const sfb_topology *topo);
size_t sfb_topology_firewall_count(const sfb_topology *topo);
const char *sfb_topology_firewall_name(const sfb_topology *topo, size_t i);

#ifdef __cplusplus
}
#endif
#endif
