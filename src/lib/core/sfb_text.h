/* Text output helpers shared by the writers: CSV and Markdown cells, JSON
 * building with one failure flag instead of a check after every call. */
#ifndef SFB_TEXT_H
#define SFB_TEXT_H

#include <stdbool.h>

#include <jansson.h>

#include "sfb_buf.h"

/* A CSV field (RFC 4180 quoting when needed; sfb_esc.h SFB_ESC_CSV). */
/* A DNS name as topologies take them (docs/topology.md, "Names"). */
bool sfb_dns_name_valid(const char *s);
/* name is domain itself or a name inside it (any case): the strict name
 * matching of federation SRV targets. */
bool sfb_name_in_domain(const char *name, const char *domain);
void sfb_csv_field(sfb_buf *b, const char *s);
/* A Markdown table cell (sfb_esc.h SFB_ESC_MD). */
void sfb_md_cell(sfb_buf *b, const char *s);

/* A CSV (RFC 4180, CRLF rows) or Markdown table, written row by row: the
 * one writer behind every table sfbnet prints.  Cells are put in order;
 * sfb_table_row() ends a row.  A cell that needs building is built in
 * sfb_table_scratch() and put with sfb_table_put_scratch(). */
typedef struct sfb_table {
	sfb_buf *out;
	sfb_buf scratch;
	bool md;
	size_t col;
} sfb_table;

/* Start a table on out with its header (CSV header names get '_' for ' '). */
void sfb_table_init(sfb_table *t, sfb_buf *out, bool md, const char *const *cols, size_t n);
void sfb_table_put(sfb_table *t, const char *cell);
sfb_buf *sfb_table_scratch(sfb_table *t);   /* emptied, for the next cell */
void sfb_table_put_scratch(sfb_table *t);
void sfb_table_row(sfb_table *t);
/* Free the scratch buffer; a failure in it marks out as failed. */
void sfb_table_free(sfb_table *t);

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
/* The same for n bytes already known to be valid UTF-8 (names the loader
 * checked): no second check, for lists of 100,000s of ids. */
void sfb_jb_push_checked(sfb_jb *jb, json_t *arr, const char *s, size_t n);
/* Serialize value (consumed) as it would be indented at nesting depth
 * depth of a larger document, without a final newline: a writer streams a
 * long array one element at a time, with the same bytes as one dump. */
sfb_status sfb_jb_dump_nested(sfb_jb *jb, json_t *value, size_t depth, sfb_buf *b);
/* Serialize root (consumed) as indented JSON with a final newline into b. */
sfb_status sfb_jb_dump(sfb_jb *jb, json_t *root, sfb_buf *b);

#endif
