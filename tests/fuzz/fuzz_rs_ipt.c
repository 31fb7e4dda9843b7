/* Fuzz target: the iptables-save parser of the audit (being written). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "audit/sfb_rs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sfb_ctx *ctx = sfb_ctx_new();
	struct rs_ruleset rs;

	if (ctx == NULL)
		return 0;
	memset(&rs, 0, sizeof(rs));
	(void)sfb_rs_parse_ipt(ctx, "fuzz.txt", (const char *)data, size, &rs);
	rs_ruleset_free(&rs);
	sfb_ctx_free(ctx);
	return 0;
}
