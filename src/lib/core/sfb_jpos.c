/* Where a value sits in valid JSON text: jansson reports a line and column
 * for syntax errors only, so a value of the wrong type is found again by
 * skimming the text along its path.  A key written with escapes is not
 * recognised: the place of its object stands for it then. */
#include <string.h>

#include "sfb_jpos.h"

void
sfb_jskim_ws(sfb_cur *c)
{
	int ch;

	while ((ch = sfb_cur_peek(c)) == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
		sfb_cur_skip(c, 1);
}

/* A string from its opening quote to past its closing one. */
void
sfb_jskim_string(sfb_cur *c)
{
	int ch;

	if (!sfb_cur_accept(c, '"'))
		return;
	while ((ch = sfb_cur_get(c)) >= 0 && ch != '"')
		if (ch == '\\')
			sfb_cur_skip(c, 1);
}

/* Any value (arrays and objects by counting brackets, not by recursion). */
void
sfb_jskim_value(sfb_cur *c)
{
	size_t depth = 0;
	int ch;

	do {
		sfb_jskim_ws(c);
		ch = sfb_cur_peek(c);
		if (ch < 0)
			return;
		if (ch == '"') {
			sfb_jskim_string(c);
		} else if (ch == '[' || ch == '{') {
			depth++;
			sfb_cur_skip(c, 1);
		} else if (ch == ']' || ch == '}') {
			if (depth > 0)
				depth--;
			sfb_cur_skip(c, 1);
		} else if (ch == ',' || ch == ':') {
			sfb_cur_skip(c, 1);
		} else {
			/* a number or literal: at least one byte (a NUL too, which
			 * strchr would take for its own end) */
			sfb_cur_skip(c, 1);
			while ((ch = sfb_cur_peek(c)) > 0 && strchr(" \t\r\n,:]}[{\"", ch) == NULL)
				sfb_cur_skip(c, 1);
		}
	} while (depth > 0);
}

/* Past the item-th value of the array or object member list c is in
 * (after its opening bracket); false if there are fewer. */
bool
sfb_jskim_items(sfb_cur *c, size_t item)
{
	size_t i;

	for (i = 0; i < item; i++) {
		sfb_jskim_ws(c);
		if (sfb_cur_peek(c) == ']' || sfb_cur_eof(c))
			return false;
		sfb_jskim_value(c);
		sfb_jskim_ws(c);
		if (!sfb_cur_accept(c, ','))
			return false;
	}
	sfb_jskim_ws(c);
	return !sfb_cur_eof(c) && sfb_cur_peek(c) != ']';
}

/* In the object c is at, the value of key; false if absent. */
bool
sfb_jskim_member(sfb_cur *c, const char *key)
{
	size_t klen = strlen(key), start, width;

	if (!sfb_cur_accept(c, '{'))
		return false;
	for (;;) {
		sfb_jskim_ws(c);
		if (sfb_cur_peek(c) != '"')
			return false;
		start = c->pos;
		sfb_jskim_string(c);
		width = c->pos - start;    /* with its quotes */
		sfb_jskim_ws(c);
		if (!sfb_cur_accept(c, ':'))
			return false;
		sfb_jskim_ws(c);
		if (width == klen + 2 && memcmp(c->p + start + 1, key, klen) == 0)
			return true;
		sfb_jskim_value(c);
		sfb_jskim_ws(c);
		if (!sfb_cur_accept(c, ','))
			return false;
	}
}

/* Line and column (1-based; columns count characters, as jansson's do)
 * after the bytes [from, to) of text, starting at *line, *col. */
void
sfb_jadvance(const char *text, size_t from, size_t to, int *line, int *col)
{
	size_t i;

	for (i = from; i < to; i++) {
		if (text[i] == '\n') {
			++*line;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			++*col;
		}
	}
}


size_t
sfb_json_where(const char *text, size_t len, const struct sfb_jstep *path, size_t n,
    int *line, int *col)
{
	sfb_cur c;
	size_t i, best = 0, found = 0;

	*line = *col = 1;
	sfb_cur_init(&c, text, len);
	sfb_jskim_ws(&c);
	best = c.pos;
	for (i = 0; i < n; i++) {
		if (path[i].key != NULL) {
			if (!sfb_jskim_member(&c, path[i].key))
				break;
		} else if (!sfb_cur_accept(&c, '[') || !sfb_jskim_items(&c, path[i].index)) {
			break;
		}
		sfb_jskim_ws(&c);
		best = c.pos;
		found = i + 1;
	}
	sfb_jadvance(text, 0, best, line, col);
	return found;
}

const char *
sfb_json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "true or false";
	case JSON_NULL: return "null";
	}
	return "?";
}
