/* sfbnet — the federation rules of hybrid Skype for Business and the
 * external-access modes, checked on the configuration exports PowerShell
 * writes (docs/federation.md). */
#ifndef SFBNET_FEDERATION_H
#define SFBNET_FEDERATION_H

#include <stdbool.h>
#include <stddef.h>

#include "sfbnet/catalog.h"
#include "sfbnet/context.h"
#include "sfbnet/topology.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sfb_federation sfb_federation;

typedef struct sfb_federation_opts {
	/* The on-premises export (Get-CsAccessEdgeConfiguration and the
	 * allowed, blocked and hosting-provider lists, one JSON object) and
	 * the tenant's (Get-CsTenantFederationConfiguration): file names, or
	 * NULL for a side not given.  At least one. */
	const char *onprem, *online;
	/* Domains to say, for each side, whether its users can federate
	 * with. */
	const char *const *can_reach;
	size_t ncan_reach;
	/* NULL, or a topology whose SIP domains must not be blocked and whose
	 * federated partners (endpoints of role federated-partner with an
	 * fqdn) must be reachable. */
	const sfb_topology *topo;
	const sfb_catalog *cat;   /* the topology's catalog (with topo) */
} sfb_federation_opts;

sfb_status sfb_federation_check(sfb_ctx *ctx, const sfb_federation_opts *o, sfb_federation **out);
/* The same with the files' texts in memory (onprem_len/online_len bytes;
 * NULL data: the side is not given), named as in o. */
sfb_status sfb_federation_check_mem(sfb_ctx *ctx, const sfb_federation_opts *o,
    const void *onprem, size_t onprem_len, const void *online, size_t online_len,
    sfb_federation **out);
void sfb_federation_free(sfb_federation *f);
/* No rule failed and every --can-reach domain is reachable on every side. */
bool sfb_federation_pass(const sfb_federation *f);
sfb_status sfb_federation_write(sfb_ctx *ctx, const sfb_federation *f, sfb_format fmt, char **out);

#ifdef __cplusplus
}
#endif

#endif
