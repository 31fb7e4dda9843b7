/* sfbnet — library context: where errors and warnings of a call are kept. */
#ifndef SFBNET_CONTEXT_H
#define SFBNET_CONTEXT_H

#include <stddef.h>

#include "sfbnet/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A context holds the last error message and the warnings of the calls made
 * with it.  The library keeps no global state: everything a call needs comes
 * from its arguments and its context.  Not thread-safe; use one per thread. */
typedef struct sfb_ctx sfb_ctx;

sfb_ctx *sfb_ctx_new(void);
void sfb_ctx_free(sfb_ctx *ctx);

/* The message of the last failed call: "FILE:LINE:COLUMN: message" where the
 * failure has a place in an input file; "" when there was none. */
const char *sfb_ctx_error(const sfb_ctx *ctx);
/* A load that reads on after a bad entry to name every one (the topology's
 * firewalls, hosts and endpoints) fails with the last as sfb_ctx_error and
 * keeps the ones before it here, in file order (at most 50, then a line
 * that counts the rest). */
size_t sfb_ctx_earlier_error_count(const sfb_ctx *ctx);
const char *sfb_ctx_earlier_error(const sfb_ctx *ctx, size_t i);

/* Warnings (non-fatal findings), in the order they were made.  Of each kind
 * (each place in the library that warns) the first 20 are kept; one line
 * after them says how many more there were.  Counting brings those lines up
 * to date, so call sfb_ctx_warning_count before reading the warnings. */
size_t sfb_ctx_warning_count(sfb_ctx *ctx);
/* How many warnings were made, the ones not kept included. */
size_t sfb_ctx_warning_total(const sfb_ctx *ctx);
const char *sfb_ctx_warning(const sfb_ctx *ctx, size_t i);
void sfb_ctx_clear_warnings(sfb_ctx *ctx);

/* Write len bytes of data to path, whole or not at all; the one writer of
 * the library and of the sfbnet program (-o FILE).
 *   - A regular file, or none yet: a temporary file in the same directory
 *     is written, synced and renamed over it, so a reader finds the old
 *     content or the new one, never part of either.  A file replaced keeps
 *     its permission bits (and its owner when the caller is root); a new
 *     one gets exactly mode_if_new (the umask is not applied: 0644 for
 *     rules, 0600 for keys).
 *   - A symbolic link (or a chain of them) stays a link: the file it ends
 *     at is replaced as above, with the temporary file in that file's
 *     directory; a dangling link gets its target created.
 *   - A character device or a FIFO (/dev/null, /dev/stdout) is opened and
 *     written as it is, without truncation.
 *   - A directory, directly or through a link, is SFB_EINVAL ("is a
 *     directory"); so are other kinds of file.
 * On failure the temporary file is removed, a file replaced is as it was
 * (a device or a FIFO may have taken part of the data), and the error names
 * path (SFB_EIO for a file that cannot be written). */
sfb_status sfb_file_write(sfb_ctx *ctx, const char *path, const void *data, size_t len,
    unsigned mode_if_new);

/* What sfbnet validate found, for sfb_diagnostics_json. */
typedef struct sfb_validate_summary {
	const char *topology;         /* the topology's name */
	size_t zones, firewalls, hosts, flows_through, flows_inside;
} sfb_validate_summary;

/* The errors and warnings of ctx about file as one JSON document (sfbnet
 * validate --format json; docs/topology.md, "Validate as JSON"): a verdict
 * (pass, warn or error), the counts, the summary (sum; null when the load
 * failed) and every diagnostic with its file, line, column, severity,
 * code, message and citation.  *out: free() it. */
sfb_status sfb_diagnostics_json(sfb_ctx *ctx, const char *file, const sfb_validate_summary *sum,
    char **out);

const char *sfb_version(void);

#ifdef __cplusplus
}
#endif
#endif
