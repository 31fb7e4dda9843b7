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

#include "sfb_buf.h"

bool sfb_fuzz_skip(const uint8_t *p, size_t n);
const char *__lsan_default_suppressions(void);

/* Is p[0..n) strict UTF-8 (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF) without a NUL byte? */
static bool
utf8_ok(const uint8_t *p, size_t n)
{
	unsigned long cp;
	sfb_cur c;

	sfb_cur_init(&c, p, n);
	while (!sfb_cur_eof(&c))
		if (!sfb_cur_utf8(&c, &cp) || cp == 0)
			return false;
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
