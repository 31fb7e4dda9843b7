/* sfbnet — checks of a topology against the documents' rules (what validate adds). */
#ifndef SFBNET_LINT_H
#define SFBNET_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "sfbnet/catalog.h"
#include "sfbnet/context.h"
#include "sfbnet/topology.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Checks of the topology against the DNS and certificate rules (strict
 * federation SRV name matching, Edge public addresses, simple URLs in the
 * SIP domains, name lengths): findings are context warnings, each with its
 * citation.  Returns SFB_OK unless something fails to compute. */
sfb_status sfb_dns_lint(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo);

#ifdef __cplusplus
}
#endif
#endif
