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

/* Warnings (non-fatal findings), in the order they were made.  Of each kind
 * (each place in the library that warns) the first 20 are kept; one line
 * after them says how many more there were.  Counting brings those lines up
 * to date, so call sfb_ctx_warning_count before reading the warnings. */
size_t sfb_ctx_warning_count(sfb_ctx *ctx);
/* How many warnings were made, the ones not kept included. */
size_t sfb_ctx_warning_total(const sfb_ctx *ctx);
const char *sfb_ctx_warning(const sfb_ctx *ctx, size_t i);
void sfb_ctx_clear_warnings(sfb_ctx *ctx);

const char *sfb_version(void);

#ifdef __cplusplus
}
#endif
#endif
