/* The findings model: what check, validate's lints and the path test report.
 *
 * A finding is one verdict about one subject by one kind of check, with the
 * reason (why this verdict), the evidence (what was seen: an answer, a
 * status line, a certificate name) and the citation (the document and
 * section that require what was checked).  A check keeps the errno behind
 * a failure and the round-trip time where it measured one.
 *
 * The list owns copies of every string it is given, so a check can add a
 * finding built in a scratch buffer and reuse the buffer.  Text from
 * outside (a subject from DNS, a Server header, a certificate name) may
 * hold any bytes: the writers escape it (sfb_esc.h SFB_ESC_LINE in text;
 * in JSON, a string that is not valid UTF-8 is written in that form too).
 *
 * Writers: sfb_findings_write, text or JSON (docs: format "sfbnet-findings",
 * version 1), through sfb_write_report. */
#ifndef SFB_FINDINGS_H
#define SFB_FINDINGS_H

#include <stddef.h>

#include "sfbnet/context.h"
#include "sfb_buf.h"

typedef enum sfb_verdict {
	SFB_VERDICT_PASS,
	SFB_VERDICT_FAIL,
	SFB_VERDICT_WARN,
	SFB_VERDICT_SKIP,     /* not run: does not apply, or a step before it failed */
	SFB_VERDICT_UNKNOWN,  /* run, but nothing decided it (a timeout where silence is allowed) */
	SFB_VERDICT_COUNT
} sfb_verdict;

/* "pass", "fail", "warn", "skip", "unknown" (NULL past the last). */
const char *sfb_verdict_name(sfb_verdict v);

/* One finding.  As the argument of sfb_findings_add the strings are the
 * caller's (check and subject required, the others optional: NULL); in the
 * list they are the list's own copies. */
typedef struct sfb_finding {
	const char *check;         /* kind of check: "dns-srv", "tls", "stun" ... */
	const char *subject;       /* what it is about: "_sip._tls.contoso.com" ... */
	sfb_verdict verdict;
	const char *reason;        /* why this verdict */
	const char *evidence;      /* what was seen */
	const char *cite_doc;      /* citation: the document's id ... */
	const char *cite_section;  /* ... and its section */
	int sys_errno;             /* the errno behind the verdict; 0: none */
	unsigned long rtt_us;      /* round-trip time in microseconds; 0: not measured */
} sfb_finding;

typedef struct sfb_findings {
	sfb_finding *v;
	size_t n, cap;
	size_t count[SFB_VERDICT_COUNT];
} sfb_findings;

void sfb_findings_init(sfb_findings *f);
void sfb_findings_free(sfb_findings *f);

/* Add a copy of *in.  SFB_EINVAL (the list unchanged) for a missing check
 * or subject or a verdict out of range; SFB_ENOMEM when a copy fails. */
sfb_status sfb_findings_add(sfb_findings *f, const sfb_finding *in);

/* How many findings have verdict v. */
size_t sfb_findings_count(const sfb_findings *f, sfb_verdict v);

/* Sort by check, then subject (byte order), keeping the order of adding
 * among equals: checks that finish in any order print the same report. */
sfb_status sfb_findings_sort(sfb_findings *f);   /* SFB_ENOMEM: left as it was */

/* The report in *out (free() it), text or JSON (json non-zero).
 *
 * Text: one line per finding,
 *   VERDICT CHECK SUBJECT: REASON (evidence: EVIDENCE) [DOC: SECTION]
 * (the verdict padded to 7 columns; ": REASON" and the parts in () and []
 * only where present; "(errno N)" after the reason when there is one), then
 *   summary: N pass, N fail, N warn, N skip, N unknown
 * JSON: {"format": "sfbnet-findings", "version": 1, "counts": {"pass": N,
 * ...}, "findings": [{"check", "subject", "verdict", "reason", "evidence",
 * "citation": {"document", "section"} or null, "errno", "rtt_us"}]},
 * absent values as null. */
sfb_status sfb_findings_write(sfb_ctx *ctx, const sfb_findings *f, int json, char **out);

#endif
