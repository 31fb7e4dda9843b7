/* Fuzz target: the results files of sfbnet report --results
 * (src/lib/report/sfb_results.c): the JSON of probe, twin, audit and check.
 *
 * What parses must be consistent (abort() otherwise): every result has a
 * kind, a verdict and a level in range, and a check finding carries its
 * check name while the others do not.  A refusal is SFB_EINVAL with a
 * message that names the file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/sfb_results.h"
#include "sfbnet/context.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_results: %s\n", what);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sfb_ctx *ctx = sfb_ctx_new();
	struct sfb_results rs;
	sfb_status st;
	size_t i;

	if (ctx == NULL)
		return 0;
	sfb_results_init(&rs);
	st = sfb_results_read(ctx, "results.json", (const char *)data, size, &rs);
	if (st == SFB_OK) {
		for (i = 0; i < rs.n; i++) {
			const struct sfb_result *r = &rs.r[i];

			if (r->kind == NULL || r->verdict == NULL || r->file == NULL)
				fail("a result without kind, verdict or file");
			if (r->level < SFB_LV_PASS || r->level > SFB_LV_UNKNOWN)
				fail("a level out of range");
			if ((strcmp(r->kind, "check") == 0) != (r->check != NULL))
				fail("a check name on a result that is not a finding, or none on one");
		}
	} else if (st == SFB_EINVAL) {
		if (strstr(sfb_ctx_error(ctx), "results.json") == NULL)
			fail("a refusal that does not name the file");
	} else if (st != SFB_ENOMEM) {
		fail("neither parsed nor refused as bad input");
	}
	sfb_results_free(&rs);
	sfb_ctx_free(ctx);
	return 0;
}
