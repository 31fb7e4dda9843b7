/* Fuzz target: the federation exports' reader and rules
 * (src/lib/audit/sfb_fed_read.c, sfb_federation.c).
 *
 * The input is read as the on-premises export, as the tenant's, and as both
 * at once, with two --can-reach domains.  A refusal must name the input and
 * leave no result; a result must be written in text and JSON, the JSON
 * parsing back, and its verdict must agree with the rules it lists. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sfbnet/federation.h"
#include "sfbnet/sfbnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one(const uint8_t *data, size_t size, bool onprem, bool online)
{
	static const char *const reach[] = { "partner.example", "spam.example" };
	sfb_federation_opts o;
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_federation *f = NULL;
	char *out = NULL;
	json_t *j, *rules, *r;
	size_t i;
	bool fail = false;
	sfb_status st;

	if (ctx == NULL)
		return;
	memset(&o, 0, sizeof(o));
	o.onprem = onprem ? "fuzz-onprem.json" : NULL;
	o.online = online ? "fuzz-online.json" : NULL;
	o.can_reach = reach;
	o.ncan_reach = 2;
	st = sfb_federation_check_mem(ctx, &o, onprem ? data : NULL, size, online ? data : NULL,
	    size, &f);
	if (st != SFB_OK) {
		if (f != NULL || (st != SFB_ENOMEM && strstr(sfb_ctx_error(ctx), "fuzz-") == NULL)) {
			fprintf(stderr, "fuzz_federation: a refusal that does not name the input, or a "
			    "result left: %s\n", sfb_ctx_error(ctx));
			abort();
		}
		goto out;
	}
	if (sfb_federation_write(ctx, f, SFB_FORMAT_TEXT, &out) != SFB_OK)
		abort();
	free(out);
	out = NULL;
	if (sfb_federation_write(ctx, f, SFB_FORMAT_JSON, &out) != SFB_OK)
		abort();
	if ((j = json_loads(out, 0, NULL)) == NULL) {
		fprintf(stderr, "fuzz_federation: the JSON report does not parse\n");
		abort();
	}
	rules = json_object_get(j, "rules");
	for (i = 0; i < json_array_size(rules); i++) {
		r = json_array_get(rules, i);
		fail |= strcmp(json_string_value(json_object_get(r, "verdict")), "fail") == 0;
	}
	if (fail && sfb_federation_pass(f)) {
		fprintf(stderr, "fuzz_federation: a failed rule, and the check passes\n");
		abort();
	}
	json_decref(j);
out:
	free(out);
	sfb_federation_free(f);
	sfb_ctx_free(ctx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, true, false);
	one(data, size, false, true);
	one(data, size, true, true);
	return 0;
}
