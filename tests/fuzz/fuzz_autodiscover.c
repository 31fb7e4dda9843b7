/* Fuzz target: an autodiscover response, both forms from one input.
 *
 * The first byte picks the parser: even, JSON (sfb_autodiscover_parse_json);
 * odd, XML (sfb_autodiscover_parse_xml); the rest is the document.  The
 * rest is also given to sfb_autodiscover_parse, which picks by the text.
 * What must hold: no crash, no leak; SFB_OK exactly when there is a result,
 * and a refusal (SFB_EINVAL, or out of memory) leaves none and names the
 * input; a result has a resource, every SIP access entry a known kind, a
 * trimmed valid DNS name and a port 1-65535 (at most one of each kind), and
 * every link a token and an http(s) href without surrounding white space,
 * a non-empty host and a port 1-65535. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/sfb_autodiscover.h"
#include "sfb_ctx.h"
#include "sfb_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
bad(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_autodiscover: %s: %s\n", what, detail != NULL ? detail : "");
	abort();
}

static bool
trimmed(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && strchr(" \t\r\n", s[0]) == NULL && strchr(" \t\r\n", s[n - 1]) == NULL;
}

static void
check(sfb_ctx *ctx, sfb_status st, sfb_autodiscover *ad)
{
	bool seen[SFB_AD_ACCESS_COUNT] = { false };
	size_t i;

	if ((st == SFB_OK) != (ad != NULL))
		bad("a status that does not say whether there is a result", sfb_status_str(st));
	if (st != SFB_OK) {
		if (st != SFB_EINVAL && st != SFB_ENOMEM)
			bad("an unexpected status", sfb_status_str(st));
		if (st == SFB_EINVAL && strncmp(sfb_ctx_error(ctx), "fuzz", 4) != 0)
			bad("a refusal that does not name the input", sfb_ctx_error(ctx));
		return;
	}
	if (ad->resource == NULL)
		bad("a result without its resource", NULL);
	for (i = 0; i < ad->nsip; i++) {
		const struct sfb_ad_sip *s = &ad->sip[i];

		if ((unsigned)s->kind >= SFB_AD_ACCESS_COUNT || seen[s->kind])
			bad("a SIP access entry of an unknown or repeated kind", s->fqdn);
		seen[s->kind] = true;
		if (!trimmed(s->fqdn) || !sfb_dns_name_valid(s->fqdn))
			bad("a SIP access fqdn that is not a trimmed valid DNS name", s->fqdn);
		if (s->port < 1 || s->port > 65535)
			bad("a SIP access port out of range", s->fqdn);
	}
	if (ad->nlinks > SFB_AD_MAX_LINKS)
		bad("more links than the limit", NULL);
	for (i = 0; i < ad->nlinks; i++) {
		const struct sfb_ad_link *l = &ad->links[i];

		if (!trimmed(l->token) || !trimmed(l->href) || l->host[0] == '\0')
			bad("a link with an empty or untrimmed part", l->href);
		if (strncasecmp(l->href, "http://", 7) != 0 && strncasecmp(l->href, "https://", 8) != 0)
			bad("a link that is not http or https", l->href);
		if (l->port < 1 || l->port > 65535)
			bad("a link port out of range", l->href);
	}
}

static void
one(const uint8_t *data, size_t size, int form)
{
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_autodiscover *ad = NULL;
	sfb_status st;

	if (ctx == NULL)
		return;
	if (form == 0)
		st = sfb_autodiscover_parse_json(ctx, "fuzz", data, size, &ad);
	else if (form == 1)
		st = sfb_autodiscover_parse_xml(ctx, "fuzz", data, size, &ad);
	else
		st = sfb_autodiscover_parse(ctx, "fuzz", data, size, &ad);
	check(ctx, st, ad);
	sfb_autodiscover_free(ad);
	sfb_ctx_free(ctx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	one(data + 1, size - 1, data[0] & 1);
	one(data + 1, size - 1, 2);
	return 0;
}
