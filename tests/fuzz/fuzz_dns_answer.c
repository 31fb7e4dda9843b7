/* Fuzz target: DNS answers as the checks read them (src/lib/check/
 * sfb_dnsans.c, on c-ares' parsers).
 *
 * The first byte chooses the question type (A, AAAA or SRV: its value
 * modulo 3), the rest is the DNS message.  What decodes must be consistent
 * (abort() otherwise):
 *   - A/AAAA: at least one address, each a numeric address of the type
 *     (inet_pton), none twice; the canonical name lower case, without a
 *     final dot, shorter than 256 bytes;
 *   - SRV: at least one record, in priority order (ascending) and, within
 *     a priority, weight order (descending); each target lower case,
 *     without a final dot; ports at most 65535;
 *   - the one-line print holds every address or target;
 *   - a failure is SFB_EINVAL with a reason, or SFB_ENOTFOUND. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/sfb_dnsans.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_dns_answer: %s\n", what);
	abort();
}

static void
check_name(const char *s)
{
	size_t n = strlen(s), i;

	if (n >= 256)
		fail("name too long");
	if (n > 0 && s[n - 1] == '.')
		fail("final dot kept");
	for (i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			fail("upper case kept");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int types[3] = { 1, 28, 33 };
	struct sfb_dnsans a;
	const char *why = NULL;
	unsigned char bin[16];
	sfb_buf b;
	sfb_status st;
	size_t i, j;

	if (size < 1 || size > 65536 + 1)
		return 0;
	sfb_dnsans_init(&a, types[data[0] % 3]);
	st = sfb_dnsans_decode(&a, data + 1, (int)(size - 1), &why);
	if (st == SFB_EINVAL && why == NULL)
		fail("refusal without a reason");
	if (st != SFB_OK && st != SFB_EINVAL && st != SFB_ENOTFOUND && st != SFB_ENOMEM)
		fail("unexpected status");
	if (st == SFB_OK) {
		sfb_buf_init(&b);
		sfb_dnsans_print(&a, &b);
		if (a.qtype == 33) {
			if (a.nsrv == 0)
				fail("SRV success without records");
			for (i = 0; i < a.nsrv; i++) {
				check_name(a.srv[i].target);
				if (a.srv[i].port > 65535)
					fail("port out of range");
				if (i > 0 && (a.srv[i].prio < a.srv[i - 1].prio ||
				    (a.srv[i].prio == a.srv[i - 1].prio &&
				    a.srv[i].weight > a.srv[i - 1].weight)))
					fail("SRV records out of order");
				if (a.srv[i].target[0] != '\0' && strstr(sfb_buf_str(&b),
				    a.srv[i].target) == NULL && sfb_buf_status(&b) == SFB_OK)
					fail("a target missing from the print");
			}
		} else {
			if (a.addrs.n == 0)
				fail("address success without addresses");
			check_name(a.canon);
			for (i = 0; i < a.addrs.n; i++) {
				if (inet_pton(a.qtype == 28 ? AF_INET6 : AF_INET, a.addrs.v[i], bin) != 1)
					fail("not an address of the type");
				for (j = 0; j < i; j++)
					if (strcmp(a.addrs.v[i], a.addrs.v[j]) == 0)
						fail("an address twice");
				if (strstr(sfb_buf_str(&b), a.addrs.v[i]) == NULL &&
				    sfb_buf_status(&b) == SFB_OK)
					fail("an address missing from the print");
			}
		}
		sfb_buf_free(&b);
	}
	sfb_dnsans_free(&a);
	return 0;
}
