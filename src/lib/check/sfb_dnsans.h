/* A DNS answer as the checks read it: c-ares parses the wire format, this
 * turns it into plain values (and is the DNS reply's fuzz target). */
#ifndef SFB_DNSANS_H
#define SFB_DNSANS_H

#include <stddef.h>

#include "sfbnet/status.h"
#include "sfb_buf.h"
#include "sfb_strv.h"

struct sfb_srv {
	unsigned prio, weight, port;
	char target[256];       /* lower case, no final dot */
};

struct sfb_dnsans {
	int qtype;              /* 1 A, 28 AAAA, 33 SRV */
	sfb_strv addrs;         /* A/AAAA: the addresses, as answered (unique) */
	char canon[256];        /* A/AAAA: the name the chain of CNAMEs ends at */
	struct sfb_srv *srv;    /* SRV: in priority, then weight order */
	size_t nsrv;
};

void sfb_dnsans_init(struct sfb_dnsans *a, int qtype);
void sfb_dnsans_free(struct sfb_dnsans *a);
/* SFB_EINVAL: not a well-formed answer of that type (c-ares' reason in
 * *why); SFB_ENOTFOUND: well formed, with no record of the type;
 * SFB_ENOMEM. */
sfb_status sfb_dnsans_decode(struct sfb_dnsans *a, const unsigned char *abuf, int alen,
    const char **why);
/* The answer as one line: "203.0.113.21 203.0.113.31" or "0 0 443
 * access.fabrikam.com, ..." (appended to b). */
void sfb_dnsans_print(const struct sfb_dnsans *a, sfb_buf *b);

#endif
