/* sfbnet — DNS records from the topology. */
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
	SFB_DNS_JSON,
	SFB_DNS_WINDOWS /* PowerShell: Add-DnsServerResourceRecord* for Windows DNS */
} sfb_dns_format;

/* The records of the views asked for (only the zone `zone` when it is not
 * NULL).  With standalone, each zone block gets $TTL, SOA and NS so that it
 * loads into a DNS server as it is. */
sfb_status sfb_dns_write(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo,
    int views, const char *zone, bool standalone, sfb_dns_format fmt, char **out);

#ifdef __cplusplus
}
#endif
#endif
