/* Results files the report draws: the JSON of sfbnet probe, twin, audit
 * and check, reduced to one verdict level per subject. */
#ifndef SFB_RESULTS_H
#define SFB_RESULTS_H

#include <stddef.h>

#include "sfb_ctx.h"

enum sfb_level { SFB_LV_PASS, SFB_LV_PARTIAL, SFB_LV_FAIL, SFB_LV_UNKNOWN };

struct sfb_result {
	const char *kind;      /* "probe", "twin", "audit", "check" (static) */
	char *file;            /* the results file it came from */
	char *flow;            /* a catalog flow id, or NULL (an unplanned probe, a finding) */
	char *src, *dst;       /* hosts, or NULL: any */
	char *firewall;        /* audit: the firewall judged, else NULL */
	char *check;           /* check: which check (dns, tls ...), else NULL */
	char *subject;         /* check: what the finding is about, else NULL */
	char *verdict;         /* the word as the file has it */
	int level;             /* enum sfb_level */
	char *detail;          /* ports by verdict, or the finding's reason */
	/* The same, resolved against a plan once (sfb_html.c): catalog flow,
	 * hosts and firewall indices, -1 where the name is absent or unknown. */
	long flow_i, src_i, dst_i, fw_i;
};

struct sfb_results {
	struct sfb_result *r;
	size_t n, cap;
};

void sfb_results_init(struct sfb_results *rs);
void sfb_results_free(struct sfb_results *rs);
/* Read one results file's text (file names it in messages): SFB_EINVAL
 * with FILE:LINE:COLUMN on text that is not JSON or not an sfbnet result. */
sfb_status sfb_results_read(sfb_ctx *ctx, const char *file, const char *text, size_t len,
    struct sfb_results *rs);

#endif
