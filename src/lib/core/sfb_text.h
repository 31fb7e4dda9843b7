/* Text output helpers shared by the writers: CSV and Markdown cells, JSON
 * building with one failure flag instead of a check after every call. */
#ifndef SFB_TEXT_H
#define SFB_TEXT_H

#include <stdbool.h>

#include <jansson.h>

#include "sfb_buf.h"

/* A CSV field (RFC 4180 quoting when needed). */
void sfb_csv_field(sfb_buf *b, const char *s);
/* A Markdown table cell: '|' escaped, newlines turned into spaces. */
void sfb_md_cell(sfb_buf *b, const char *s);

/* JSON builder: every add remembers a failure in jb->failed, so a writer
 * checks once at the end. */
typedef struct sfb_jb {
	bool failed;
} sfb_jb;

json_t *sfb_jb_obj(sfb_jb *jb);
json_t *sfb_jb_arr(sfb_jb *jb);
/* Set key to value (value is stolen; NULL counts as a failure). */
void sfb_jb_set(sfb_jb *jb, json_t *obj, const char *key, json_t *value);
void sfb_jb_str(sfb_jb *jb, json_t *obj, const char *key, const char *s); /* NULL -> null */
void sfb_jb_int(sfb_jb *jb, json_t *obj, const char *key, long long v);
void sfb_jb_bool(sfb_jb *jb, json_t *obj, const char *key, bool v);
void sfb_jb_push(sfb_jb *jb, json_t *arr, json_t *value);  /* value stolen */
void sfb_jb_push_str(sfb_jb *jb, json_t *arr, const char *s);
/* Serialize root (consumed) as indented JSON with a final newline into b. */
sfb_status sfb_jb_dump(sfb_jb *jb, json_t *root, sfb_buf *b);

#endif
