/* Library context internals: error and warning reporting. */
#ifndef SFB_CTX_H
#define SFB_CTX_H

#include <stdarg.h>

#include "sfbnet/context.h"
#include "sfb_buf.h"

/* Warnings of one kind (one format string: one place in the code) after
 * the first SFB_WARN_PER_KIND are counted, not kept: a file with 300
 * unconnected zones gives a few lines and a count, not a million lines. */
#define SFB_WARN_PER_KIND 20

struct sfb_warn_kind {
	const void *fmt;      /* identifies the kind: the format string */
	size_t n;             /* warnings of this kind so far */
	size_t summary;       /* index in warn[] of its "... more" line, once capped */
};

/* Errors a load reported before its last one (it read on to name every bad
 * entry of a list); at most this many are kept, the rest counted. */
#define SFB_ERRORS_KEPT 50

struct sfb_ctx {
	sfb_buf err;
	char **earlier;
	size_t nearlier, capearlier, earlier_dropped;
	char **warn;
	size_t nwarn, capwarn;
	struct sfb_warn_kind *kinds;
	size_t nkinds, capkinds;
	bool summaries_stale;
};

/* Set the context error to "file:line:col: message" (the place parts are
 * left out where file is NULL or line is 0) and return st, so callers can
 * write `return sfb_fail(ctx, SFB_EINVAL, f, l, c, "...")`. */
sfb_status sfb_fail(sfb_ctx *ctx, sfb_status st, const char *file, int line,
    int col, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Same for a failure without a place. */
sfb_status sfb_failf(sfb_ctx *ctx, sfb_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Keep the current error among the earlier ones and clear it, so that a
 * loader can read on and report the next bad entry; sfb_ctx_undefer_error
 * puts the last kept one back as the current error.  Clearing forgets
 * them (the start of a load). */
sfb_status sfb_ctx_defer_error(sfb_ctx *ctx);
void sfb_ctx_undefer_error(sfb_ctx *ctx);
void sfb_ctx_clear_earlier_errors(sfb_ctx *ctx);
/* Record an out-of-memory failure (no allocation needed to report it). */
sfb_status sfb_oom(sfb_ctx *ctx);
/* Add a warning, formatted like errors. */
sfb_status sfb_warn(sfb_ctx *ctx, const char *file, int line, int col,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* sfb_warn with an explicit kind (the caller's own format string, where
 * the warning is formatted on behalf of another function). */
sfb_status sfb_vwarn_kind(sfb_ctx *ctx, const void *kind, const char *file, int line,
    int col, const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

/* Grow an array so that it holds at least n elements of size el. */
sfb_status sfb_grow(void *arrp, size_t *cap, size_t n, size_t el);
/* strdup that reports failure through the status. */
char *sfb_strndup(const char *s, size_t n);
char *sfb_strdup(const char *s);

/* The end of every writer: on success hand b's text over in *out; a
 * failed status, or a buffer that ran out of memory, sets no output. */
sfb_status sfb_buf_finish(sfb_ctx *ctx, sfb_buf *b, sfb_status st, char **out);

/* A report in one of two forms: json (non-zero) through json(arg, b), else
 * text(arg, b); the result in *out as sfb_buf_finish gives it. */
sfb_status sfb_write_report(sfb_ctx *ctx, int json, void (*text)(const void *arg, sfb_buf *b),
    sfb_status (*jsonw)(const void *arg, sfb_buf *b), const void *arg, char **out);

/* Read a whole file (at most SFB_MAX_INPUT bytes) into b. */
#define SFB_MAX_INPUT (64u * 1024 * 1024)
sfb_status sfb_read_file(sfb_ctx *ctx, const char *path, sfb_buf *b);
/* Writing a file whole or not at all: sfb_file_write, in sfbnet/context.h. */

#endif
