/* sfbnet — what changes between two topologies: per firewall the rules
 * added, removed, widened or narrowed, the DNS records and the
 * certificates' names (the change ticket). */
#ifndef SFBNET_DIFF_H
#define SFBNET_DIFF_H

#include <stdbool.h>

#include "sfbnet/catalog.h"
#include "sfbnet/context.h"
#include "sfbnet/topology.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sfb_diff sfb_diff;

/* Compare the plans, DNS records and certificates of two topologies of
 * one catalog; with firewall, only that firewall's rules (by name, in
 * either topology). */
sfb_status sfb_diff_run(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *old,
    const sfb_topology *new_, const char *firewall, sfb_diff **out);
void sfb_diff_free(sfb_diff *d);
bool sfb_diff_changed(const sfb_diff *d);
/* SFB_FORMAT_TEXT, SFB_FORMAT_JSON or SFB_FORMAT_MD. */
sfb_status sfb_diff_write(sfb_ctx *ctx, const sfb_diff *d, sfb_format fmt, char **out);

#ifdef __cplusplus
}
#endif

#endif
