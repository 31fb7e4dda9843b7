/* "Did you mean": the known name nearest to an unknown one. */
#ifndef SFB_NEAR_H
#define SFB_NEAR_H

#include <stddef.h>

#include "sfb_buf.h"

/* The i-th known name (of n), for sfb_near_hint. */
typedef const char *(*sfb_name_at)(size_t i, const void *arg);

/* Append " (did you mean 'NAME'?)" to b for the known name nearest to s
 * by edit distance, when it is near enough to be a slip of the keyboard
 * (at most 2 edits, and fewer than half of s's characters; a swap of two
 * neighbours counts as one); nothing when no name is, or on a tie. */
void sfb_near_hint(sfb_buf *b, const char *s, size_t n, sfb_name_at name, const void *arg);

#endif
