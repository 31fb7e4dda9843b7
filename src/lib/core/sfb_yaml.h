/* A small YAML document tree with a line and column on every node.
 *
 * libfyaml parses; this module keeps only what the loaders need (scalars,
 * sequences, mappings, each with its 1-based position), rejects what they
 * never want (aliases, anchors on purpose-built data, several documents,
 * duplicate keys), and offers typed accessors that report errors as
 * FILE:LINE:COLUMN through the context. */
#ifndef SFB_YAML_H
#define SFB_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sfb_ctx.h"
#include "sfb_iset.h"

typedef enum sfb_ytype { SFB_Y_SCALAR, SFB_Y_SEQ, SFB_Y_MAP } sfb_ytype;

typedef struct sfb_ynode sfb_ynode;
struct sfb_ynode {
	sfb_ytype type;
	int line, col;        /* 1-based */
	/* Byte offsets into the parsed text: where the node starts and where it
	 * ends (one past its last byte: a scalar's closing quote, a flow
	 * collection's bracket, a block collection's last item), for tools that
	 * edit the text in place (the office365 import's --into).  A quoted
	 * scalar's span takes in its quotes (its line and column are those of
	 * its first character inside them); a block scalar (| or >) spans its
	 * content lines only, without the indicator. */
	size_t start, end;
	bool flow;            /* seq/map written in flow style ([...] or {...}) */
	const char *str;      /* scalars: NUL-terminated text */
	size_t len;
	bool plain;           /* scalar written without quotes */
	sfb_ynode **kids;     /* seq: items; map: key0, value0, key1, value1 ... */
	size_t n;             /* number of kids (maps: 2 * pairs) */
};

typedef struct sfb_ydoc sfb_ydoc;

/* Parse text (not necessarily NUL-terminated) named `file` for messages.
 * An empty document gives a root of NULL. */
sfb_status sfb_ydoc_parse(sfb_ctx *ctx, const char *file, const char *text,
    size_t len, sfb_ydoc **out);
/* Read a whole file and parse it. */
sfb_status sfb_ydoc_load(sfb_ctx *ctx, const char *path, sfb_ydoc **out);
void sfb_ydoc_free(sfb_ydoc *d);
sfb_ynode *sfb_ydoc_root(const sfb_ydoc *d);
const char *sfb_ydoc_file(const sfb_ydoc *d);

/* Typed checks; each reports "FILE:L:C: <what> must be ..." on mismatch. */
sfb_status sfb_y_expect(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n,
    sfb_ytype t, const char *what);
bool sfb_y_is_null(const sfb_ynode *n);

/* Mapping schema check: every key of map must be one of keys[] (NULL
 * terminated); the keys marked required ("!name") must be present. */
sfb_status sfb_y_check_keys(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *map,
    const char *what, const char *const *keys);
/* Value for key in map, or NULL. */
sfb_ynode *sfb_y_get(const sfb_ynode *map, const char *key);

/* Scalar accessors: the node must be a (non-null) scalar of that form. */
sfb_status sfb_y_str(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n,
    const char *what, const char **out);
sfb_status sfb_y_bool(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n,
    const char *what, bool *out);
sfb_status sfb_y_uint(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n,
    const char *what, uint64_t max, uint64_t *out);

/* Ports: one item (5061, "50000-59999", any) or a list of them, added to
 * ps; what names the key in messages. */
sfb_status sfb_y_ports(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n,
    const char *what, sfb_portset *ps);

/* Error at a node's place. */
sfb_status sfb_y_fail(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
sfb_status sfb_y_warn(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
