/* The federation check's model: each side's configuration as read from the
 * PowerShell exports (sfb_fed_read.c), checked by sfb_federation.c. */
#ifndef SFB_FED_H
#define SFB_FED_H

#include "sfb_ctx.h"
#include "sfb_strv.h"
#include "sfbnet/federation.h"

/* External access, as the documents name its three modes. */
enum fed_mode {
	FED_OFF,           /* no federation at all */
	FED_OPEN,          /* on except for blocked domains (open federation / partner discovery) */
	FED_ALLOWED_ONLY   /* on only for allowed domains (closed federation) */
};

struct fed_side {
	bool present;
	const char *file;
	bool federation;         /* AllowFederatedUsers */
	bool open;               /* on premises: EnablePartnerDiscovery; online: AllowAllKnownDomains */
	sfb_strv allowed, blocked;   /* domains, lower case, sorted, unique */
	/* online */
	bool shared;             /* SharedSipAddressSpace */
	/* on premises: the hosting provider of Skype for Business Online (the
	 * first one whose ProxyFqdn is sipfed.online.lync.com) */
	bool hp_found, hp_enabled, hp_shared, hp_hosts_ocs, hp_source_verif, hp_local;
	char *hp_identity;
};

/* Read one export: data of len bytes named file (UTF-8 with or without a
 * byte-order mark, or UTF-16LE with one).  Malformed input: SFB_EINVAL
 * with FILE:LINE:COLUMN. */
sfb_status sfb_fed_read_onprem(sfb_ctx *ctx, const char *file, const void *data, size_t len,
    struct fed_side *out);
sfb_status sfb_fed_read_online(sfb_ctx *ctx, const char *file, const void *data, size_t len,
    struct fed_side *out);
void sfb_fed_side_free(struct fed_side *s);
int sfb_fed_mode(const struct fed_side *s);

#endif
