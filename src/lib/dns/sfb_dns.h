/* The DNS records a topology needs, as data: what `sfbnet dns` writes and
 * what `sfbnet check` compares live answers with. */
#ifndef SFB_DNS_H
#define SFB_DNS_H

#include "sfbnet/dns.h"
#include "catalog/sfb_catalog.h"

struct sfb_rr {
	int view;               /* SFB_DNS_INTERNAL or SFB_DNS_EXTERNAL */
	char *zone, *name;      /* absolute, lower case, without the final dot */
	const char *type;       /* "A", "AAAA", "CNAME", "SRV" */
	char *value;            /* address, or target FQDN */
	const struct sfb_cdns *entry;   /* prio and weight of an SRV are the entry's */
	unsigned port;          /* SRV: the entry's, or the target endpoint's (ports:) */
	char *key;              /* "view name type value prio port": what makes it one record */
};

struct sfb_rrs {
	struct sfb_rr *v;
	size_t n;
};

/* The records of the views asked for, in output order (view, zone, catalog
 * order). */
sfb_status sfb_dns_records(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo,
    int views, struct sfb_rrs *out);
void sfb_dns_records_free(struct sfb_rrs *r);

#endif
