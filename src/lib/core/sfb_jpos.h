/* Where a value sits in valid JSON text (sfb_jpos.c). */
#ifndef SFB_JPOS_H
#define SFB_JPOS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "sfb_buf.h"

/* Skimming, on a cursor over the text: white space; a string from its
 * opening quote; any value (brackets counted, no recursion); past the
 * item-th value of the array c is in (after its '['; false if fewer); to
 * the value of key in the object c is at (false if absent). */
void sfb_jskim_ws(sfb_cur *c);
void sfb_jskim_string(sfb_cur *c);
void sfb_jskim_value(sfb_cur *c);
bool sfb_jskim_items(sfb_cur *c, size_t item);
bool sfb_jskim_member(sfb_cur *c, const char *key);
/* Line and column (1-based; columns count characters, as jansson's do)
 * after the bytes [from, to) of text, starting at *line, *col. */
void sfb_jadvance(const char *text, size_t from, size_t to, int *line, int *col);

/* One step of a path: an object's key, or (key NULL) an array's index. */
struct sfb_jstep {
	const char *key;
	size_t index;
};

/* The place of the value at path (n steps) from the start of text; the
 * place of the deepest step found when the path ends early.  Returns the
 * number of steps found. */
size_t sfb_json_where(const char *text, size_t len, const struct sfb_jstep *path, size_t n,
    int *line, int *col);

/* What a JSON value is, for messages: "an object", "a string", "true or
 * false" ... */
const char *sfb_json_kind(const json_t *v);

#endif
