/* sfbnet — the report: one self-contained HTML page with the deployment
 * drawn (zones, firewalls, hosts, an arrow per pair of hosts a planned flow
 * joins), the results of check, audit, probe and twin on it, and the
 * tables of a change ticket. */
#ifndef SFBNET_REPORT_H
#define SFBNET_REPORT_H

#include <stddef.h>

#include "sfbnet/context.h"
#include "sfbnet/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sfb_report_opts {
	/* --format json output of probe, twin, audit or check, by file name. */
	const char *const *results;
	size_t nresults;
} sfb_report_opts;

/* The page for plan (its topology and catalog) into *out (free() it).  A
 * results file that cannot be read or is not such a result is
 * SFB_EINVAL, naming the file. */
sfb_status sfb_report_html(sfb_ctx *ctx, const sfb_plan *plan, const sfb_report_opts *opts,
    char **out);

#ifdef __cplusplus
}
#endif
#endif
