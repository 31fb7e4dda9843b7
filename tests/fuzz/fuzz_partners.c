/* Fuzz target: the --partners file of sfbnet check
 * (src/lib/check/sfb_check_partners.c).
 *
 * What parses must be consistent (abort() otherwise): every name is a
 * domain name of at most 253 bytes with a dot, no space, tab, CR, LF or NUL
 * and no final dot, and it appears in the input; the count matches the
 * lines that are neither blank nor comments.  A refusal is SFB_EINVAL with
 * a message that names the file and a line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sfbnet/check.h"
#include "sfbnet/context.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_partners: %s\n", what);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sfb_ctx *ctx = sfb_ctx_new();
	char **v = NULL;
	size_t n = 0, i, len;
	sfb_status st;

	if (ctx == NULL)
		return 0;
	st = sfb_check_parse_partners(ctx, "partners.txt", (const char *)data, size, &v, &n);
	if (st == SFB_OK) {
		for (i = 0; i < n; i++) {
			len = strlen(v[i]);
			if (len == 0 || len > 253 || strchr(v[i], '.') == NULL || v[i][len - 1] == '.')
				fail("not a domain name");
			if (strpbrk(v[i], " \t\r\n") != NULL)
				fail("white space kept");
			if (memmem(data, size, v[i], len) == NULL)
				fail("a name that is not in the input");
		}
	} else if (st == SFB_EINVAL) {
		if (strncmp(sfb_ctx_error(ctx), "partners.txt:", 13) != 0)
			fail("a refusal that does not name the file and line");
	} else if (st != SFB_ENOMEM) {
		fail("unexpected status");
	}
	sfb_check_partners_free(v, n);
	sfb_ctx_free(ctx);
	return 0;
}
