/* sfbnet — DNS records and certificate requests from the topology. */
#ifndef SFBNET_DNS_H
#define SFBNET_DNS_H

#include <stdbool.h>

#include "sfbnet/catalog.h"
#include "sfbnet/context.h"
#include "sfbnet/topology.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Views: the internal (corporate) DNS and the external (public) DNS. */
enum {
	SFB_DNS_INTERNAL = 1,
	SFB_DNS_EXTERNAL = 2,
	SFB_DNS_ALL = 3
};

typedef enum sfb_dns_format {
	SFB_DNS_ZONE,   /* BIND zone-file lines, one $ORIGIN block per zone */
	SFB_DNS_JSON
} sfb_dns_format;

/* The records of the views asked for (only the zone `zone` when it is not
 * NULL).  With standalone, each zone block gets $TTL, SOA and NS so that it
 * loads into a DNS server as it is. */
sfb_status sfb_dns_write(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo,
    int views, const char *zone, bool standalone, sfb_dns_format fmt, char **out);

typedef enum sfb_certs_format {
	SFB_CERTS_TEXT,
	SFB_CERTS_JSON
} sfb_certs_format;

/* Every certificate the topology needs: subject, SANs, EKU, CA. */
sfb_status sfb_certs_write(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo,
    sfb_certs_format fmt, char **out);
/* One OpenSSL request configuration per certificate into dir (created when
 * it does not exist); with keys, also a private key and a CSR made through
 * OpenSSL.  All or nothing: every name is checked first, every file is
 * written into a temporary directory, then that becomes dir or its files
 * are moved in; on a failure nothing of the run is left.  *count receives
 * the number of certificates. */
sfb_status sfb_certs_write_openssl(sfb_ctx *ctx, const sfb_catalog *cat,
    const sfb_topology *topo, const char *dir, bool keys, size_t *count);

/* Checks of the topology against the DNS and certificate rules (strict
 * federation SRV name matching, Edge public addresses, simple URLs in the
 * SIP domains, name lengths): findings are context warnings, each with its
 * citation.  Returns SFB_OK unless something fails to compute. */
sfb_status sfb_dns_lint(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo);

#ifdef __cplusplus
}
#endif
#endif
