/* Shared by the YAML fuzz targets (fuzz_topology, fuzz_catalog).
 *
 * libfyaml 0.7.12 (Debian 12) loops forever on a directive line with an
 * invalid UTF-8 byte ("%\xff", upstream libfyaml issue #101, fixed after
 * that release), and a NUL byte silently ends the document: the rest of the
 * file is ignored.  Until sfb_ydoc_parse refuses such input itself, the
 * targets skip it (as that check would), so that fuzzing goes past these
 * two known problems.
 *
 * libfyaml 0.7.12 also leaks its atom iterator's chunk array (1 KiB) when
 * it formats a quoted scalar of many escapes, e.g. a scalar of twelve
 * single quotes (five escaped quotes; upstream
 * libfyaml issue #233, fixed after that release).  The leak is inside
 * libfyaml and harmless for the command, but LeakSanitizer would stop every
 * fuzzing run on it, so leaks of memory that libfyaml itself allocated are
 * suppressed (the library's own allocations are still checked).
 *
 * Build with -DSFB_FUZZ_RAW_BYTES to feed every input to the library as it
 * is and report every leak. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool sfb_fuzz_skip(const uint8_t *p, size_t n);
const char *__lsan_default_suppressions(void);

/* Is p[0..n) strict UTF-8 (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF) without a NUL byte? */
static bool
utf8_ok(const uint8_t *p, size_t n)
{
	size_t i = 0, k, need;
	uint8_t c, lo, hi;

	while (i < n) {
		c = p[i];
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		lo = 0x80;
		hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else
			return false;
		if (n - i - 1 < need)
			return false;
		/* The first continuation byte has the narrower range. */
		if (p[i + 1] < lo || p[i + 1] > hi)
			return false;
		for (k = 2; k <= need; k++)
			if (p[i + k] < 0x80 || p[i + k] > 0xbf)
				return false;
		i += need + 1;
	}
	return true;
}

bool
sfb_fuzz_skip(const uint8_t *p, size_t n)
{
#ifdef SFB_FUZZ_RAW_BYTES
	(void)p;
	(void)n;
	return false;
#else
	return !utf8_ok(p, n);
#endif
}

#ifndef SFB_FUZZ_RAW_BYTES
/* Read by LeakSanitizer at start-up (ignored without it). */
const char *
__lsan_default_suppressions(void)
{
	return "leak:libfyaml.so\n";
}
#endif
