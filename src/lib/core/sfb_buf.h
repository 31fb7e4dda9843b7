/* Growable output buffer and bounds-checked input cursor.
 *
 * Every piece of text the library produces goes through sfb_buf; every piece
 * of text or wire data it reads goes through sfb_cur.  Nothing else in the
 * library indexes raw char arrays. */
#ifndef SFB_BUF_H
#define SFB_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sfbnet/status.h"

/* --- output ----------------------------------------------------------- */

/* A NUL-terminated growable string.  After any failed append the buffer
 * remembers the failure (oom) and further appends are no-ops, so a writer
 * can append many pieces and check once at the end with sfb_buf_status(). */
typedef struct sfb_buf {
	char *data;   /* always NUL-terminated when len > 0 or cap > 0 */
	size_t len;
	size_t cap;
	bool oom;
} sfb_buf;

void sfb_buf_init(sfb_buf *b);
void sfb_buf_free(sfb_buf *b);
void sfb_buf_reset(sfb_buf *b);               /* len = 0, keeps memory */
sfb_status sfb_buf_status(const sfb_buf *b);  /* SFB_ENOMEM after any failure */
const char *sfb_buf_str(const sfb_buf *b);    /* "" when empty, never NULL */
/* Hand the string over to the caller (free() it); the buffer is left empty. */
char *sfb_buf_take(sfb_buf *b);

void sfb_buf_add(sfb_buf *b, const char *s, size_t n);
void sfb_buf_puts(sfb_buf *b, const char *s);
void sfb_buf_putc(sfb_buf *b, char c);
void sfb_buf_printf(sfb_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sfb_buf_vprintf(sfb_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void sfb_buf_u64(sfb_buf *b, uint64_t v);

/* --- input ------------------------------------------------------------ */

/* A read cursor over bytes it does not own.  Every accessor checks the
 * bounds; reading past the end sets ->err and returns zero/false. */
typedef struct sfb_cur {
	const unsigned char *p;
	size_t len;
	size_t pos;
	bool err;
} sfb_cur;

void sfb_cur_init(sfb_cur *c, const void *p, size_t len);
void sfb_cur_init_str(sfb_cur *c, const char *s);
size_t sfb_cur_left(const sfb_cur *c);
bool sfb_cur_eof(const sfb_cur *c);
int sfb_cur_peek(const sfb_cur *c);           /* -1 at end */
int sfb_cur_get(sfb_cur *c);                  /* -1 at end (sets err) */
bool sfb_cur_skip(sfb_cur *c, size_t n);
bool sfb_cur_accept(sfb_cur *c, char ch);     /* consume ch if next */
bool sfb_cur_accept_str(sfb_cur *c, const char *s);
void sfb_cur_skip_space(sfb_cur *c);
/* Unsigned decimal number of at most max; false (and nothing consumed) if
 * there is no digit or the value exceeds max. */
bool sfb_cur_uint(sfb_cur *c, uint64_t max, uint64_t *out);
bool sfb_cur_hex(sfb_cur *c, uint64_t max, uint64_t *out, size_t maxdigits);
bool sfb_cur_u8(sfb_cur *c, uint8_t *out);
bool sfb_cur_u16be(sfb_cur *c, uint16_t *out);
bool sfb_cur_u32be(sfb_cur *c, uint32_t *out);
bool sfb_cur_bytes(sfb_cur *c, void *out, size_t n);
/* One strict UTF-8 code point (RFC 3629: no overlong form, no surrogate,
 * nothing past U+10FFFF) into *cp; false, with nothing consumed, at the end
 * or at a byte that does not start one. */
bool sfb_cur_utf8(sfb_cur *c, unsigned long *cp);

/* Tag, consume-until and fetch (c-ares ares_buf style): a parser tags where
 * a token starts, advances with a bounded "consume until one of these
 * bytes", and copies the tagged span out; rollback makes "try this form,
 * else that one" safe.  A tag is a position of the cursor (no state is kept
 * in it, so tags nest). */
size_t sfb_cur_tag(const sfb_cur *c);
void sfb_cur_rollback(sfb_cur *c, size_t tag);   /* back to tag (<= pos) */
/* Consume bytes up to (not including) the first one in stops, or to the
 * end; the number consumed. */
size_t sfb_cur_until(sfb_cur *c, const char *stops);
/* Consume bytes while they are in set; the number consumed. */
size_t sfb_cur_while(sfb_cur *c, const char *set);
size_t sfb_cur_tag_len(const sfb_cur *c, size_t tag);
/* The span [tag, pos) as a NUL-terminated string in dst of dstlen bytes;
 * false (dst = "") when it does not fit or holds a NUL byte. */
bool sfb_cur_tag_fetch(const sfb_cur *c, size_t tag, char *dst, size_t dstlen);
/* Append the span [tag, pos) to b. */
void sfb_cur_tag_fetch_buf(const sfb_cur *c, size_t tag, sfb_buf *b);
/* A cursor over the span [tag, pos) alone, at its start. */
sfb_cur sfb_cur_tag_sub(const sfb_cur *c, size_t tag);

/* Parse a whole string as an unsigned decimal number <= max. */
bool sfb_parse_uint(const char *s, uint64_t max, uint64_t *out);

#endif
