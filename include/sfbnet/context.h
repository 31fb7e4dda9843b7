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

/* Warnings (non-fatal findings), in the order they were made. */
size_t sfb_ctx_warning_count(const sfb_ctx *ctx);
const char *sfb_ctx_warning(const sfb_ctx *ctx, size_t i);
void sfb_ctx_clear_warnings(sfb_ctx *ctx);

const char *sfb_version(void);

#ifdef __cplusplus
}
#endif
#endif
