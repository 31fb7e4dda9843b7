/* The Lync / Skype for Business autodiscover response (what
 * https://lyncdiscover.<domain>/ and the Autodiscover service's Root, User
 * and Domain resources return; [MS-OCDISCWS]), in its two forms:
 *
 *   JSON  {"AccessLocation":"External","Root":{"Links":[{"href":"https:\/\/
 *         ...","token":"User"}, ...]}}  (WCF escapes '/' as "\/"; jansson
 *         decodes it); the resource object may also hold SipServer/Client
 *         Internal/External Access objects {"fqdn": ..., "port": ...}; the
 *         UCWA form {"_links":{"self":{"href":...},"user":{...},"xframe":
 *         {...},"redirect":{...}}} gives one link per relation (its token).
 *   XML   <AutodiscoverResponse AccessLocation="External"><User>
 *         <SipServerInternalAccess fqdn="..." port="5061"/> ...
 *         <Link token="External/Ucwa" href="..."/> ...</User>
 *         </AutodiscoverResponse>  (also <Root> and <Domain>).
 *
 * No network: parsing only.  What the result holds is checked: every SIP
 * access entry has an fqdn that is a valid DNS name once the spaces around
 * it are trimmed (Microsoft's own example has them) and a port 1-65535;
 * every link has a token of letters, digits and "/_.-" and an absolute
 * http or https URL whose host is a DNS name or an IP address.  An entry
 * or link that does not fit is left out with a warning in the context
 * (NAME:LINE:COLUMN where the parser knows the place).  A document that is
 * not well-formed, or not an autodiscover response at all, is SFB_EINVAL
 * with the reason (and the line and column jansson or libxml2 give). */
#ifndef SFB_AUTODISCOVER_H
#define SFB_AUTODISCOVER_H

#include <stddef.h>

#include "sfbnet/context.h"

/* The largest document taken (a real one is a few kilobytes). */
#define SFB_AD_MAX_INPUT (1024u * 1024)
/* At most this many links and SIP access entries are kept (more: warned). */
#define SFB_AD_MAX_LINKS 256

enum sfb_ad_form { SFB_AD_JSON, SFB_AD_XML };

/* The four SIP access entries, named as the document names them. */
enum sfb_ad_access {
	SFB_AD_SIP_SERVER_INTERNAL,   /* SipServerInternalAccess */
	SFB_AD_SIP_SERVER_EXTERNAL,   /* SipServerExternalAccess */
	SFB_AD_SIP_CLIENT_INTERNAL,   /* SipClientInternalAccess */
	SFB_AD_SIP_CLIENT_EXTERNAL,   /* SipClientExternalAccess */
	SFB_AD_ACCESS_COUNT
};

struct sfb_ad_sip {
	enum sfb_ad_access kind;
	char *fqdn;            /* trimmed, a valid DNS name */
	unsigned port;         /* 1-65535 */
};

struct sfb_ad_link {
	char *token;           /* "User", "External/Ucwa", "Redirect"; UCWA: "self", "xframe" ... */
	char *href;            /* trimmed, an absolute http or https URL */
	char *host;            /* its host (an IPv6 address without the brackets) */
	unsigned port;         /* its port, 443 or 80 unless the URL gives one */
};

typedef struct sfb_autodiscover {
	enum sfb_ad_form form;
	const char *access_location;  /* "Internal" or "External"; NULL when absent */
	const char *resource;         /* "Root", "User", "Domain" or "_links" */
	struct sfb_ad_sip *sip;       /* in document order, at most one of each kind */
	size_t nsip;
	struct sfb_ad_link *links;    /* in document order */
	size_t nlinks;
} sfb_autodiscover;

/* Parse len bytes of data, named name in messages (a file name or the URL
 * it came from): JSON when its first byte other than white space (after a
 * UTF-8 byte order mark) is '{', XML when it is '<'.  On success *out is
 * the result (sfb_autodiscover_free it); on failure *out is NULL. */
sfb_status sfb_autodiscover_parse(sfb_ctx *ctx, const char *name, const void *data, size_t len,
    sfb_autodiscover **out);
/* The same for one form, whatever the text looks like. */
sfb_status sfb_autodiscover_parse_json(sfb_ctx *ctx, const char *name, const void *data,
    size_t len, sfb_autodiscover **out);
sfb_status sfb_autodiscover_parse_xml(sfb_ctx *ctx, const char *name, const void *data,
    size_t len, sfb_autodiscover **out);
void sfb_autodiscover_free(sfb_autodiscover *ad);

/* The first link whose token is token (compared without case); NULL if none. */
const struct sfb_ad_link *sfb_autodiscover_link(const sfb_autodiscover *ad, const char *token);
/* The link a client must follow instead ("Redirect"; UCWA "redirect"); NULL if none. */
const struct sfb_ad_link *sfb_autodiscover_redirect(const sfb_autodiscover *ad);
/* "SipServerInternalAccess" ... (NULL past the last). */
const char *sfb_ad_access_name(enum sfb_ad_access kind);

#endif
