/* Growable output buffer and bounds-checked input cursor. */
#include "sfb_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
sfb_status_str(sfb_status st)
{
	switch (st) {
	case SFB_OK: return "success";
	case SFB_ENOMEM: return "out of memory";
	case SFB_EINVAL: return "invalid input";
	case SFB_ERANGE: return "value out of range";
	case SFB_ENOTFOUND: return "not found";
	case SFB_EIO: return "input/output error";
	case SFB_EINTERNAL: return "internal error";
	}
	return "unknown status";
}

void
sfb_buf_init(sfb_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->oom = false;
}

void
sfb_buf_free(sfb_buf *b)
{
	free(b->data);
	sfb_buf_init(b);
}

void
sfb_buf_reset(sfb_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

sfb_status
sfb_buf_status(const sfb_buf *b)
{
	return b->oom ? SFB_ENOMEM : SFB_OK;
}

const char *
sfb_buf_str(const sfb_buf *b)
{
	return b->data != NULL ? b->data : "";
}

char *
sfb_buf_take(sfb_buf *b)
{
	char *s = b->data;

	if (s == NULL || b->oom) {
		free(s);
		s = b->oom ? NULL : calloc(1, 1);
	}
	sfb_buf_init(b);
	return s;
}

/* Make room for n more bytes plus the terminating NUL. */
static bool
reserve(sfb_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (b->oom)
		return false;
	if (n > SIZE_MAX - b->len - 1)
		goto fail;
	need = b->len + n + 1;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 64;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			goto fail;
		cap *= 2;
	}
	p = realloc(b->data, cap);
	if (p == NULL)
		goto fail;
	b->data = p;
	b->cap = cap;
	return true;
fail:
	b->oom = true;
	return false;
}

void
sfb_buf_add(sfb_buf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	if (n > 0)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
sfb_buf_puts(sfb_buf *b, const char *s)
{
	sfb_buf_add(b, s, strlen(s));
}

void
sfb_buf_putc(sfb_buf *b, char c)
{
	sfb_buf_add(b, &c, 1);
}

void
sfb_buf_vprintf(sfb_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (!reserve(b, (size_t)n))
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
sfb_buf_printf(sfb_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sfb_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
sfb_buf_u64(sfb_buf *b, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	sfb_buf_add(b, tmp + i, sizeof(tmp) - i);
}

void
sfb_cur_init(sfb_cur *c, const void *p, size_t len)
{
	c->p = p;
	c->len = p != NULL ? len : 0;
	c->pos = 0;
	c->err = false;
}

void
sfb_cur_init_str(sfb_cur *c, const char *s)
{
	sfb_cur_init(c, s, s != NULL ? strlen(s) : 0);
}

size_t
sfb_cur_left(const sfb_cur *c)
{
	return c->len - c->pos;
}

bool
sfb_cur_eof(const sfb_cur *c)
{
	return c->pos >= c->len;
}

int
sfb_cur_peek(const sfb_cur *c)
{
	return c->pos < c->len ? c->p[c->pos] : -1;
}

int
sfb_cur_get(sfb_cur *c)
{
	if (c->pos >= c->len) {
		c->err = true;
		return -1;
	}
	return c->p[c->pos++];
}

bool
sfb_cur_skip(sfb_cur *c, size_t n)
{
	if (n > sfb_cur_left(c)) {
		c->err = true;
		return false;
	}
	c->pos += n;
	return true;
}

bool
sfb_cur_accept(sfb_cur *c, char ch)
{
	if (sfb_cur_peek(c) != (unsigned char)ch)
		return false;
	c->pos++;
	return true;
}

bool
sfb_cur_accept_str(sfb_cur *c, const char *s)
{
	size_t n = strlen(s);

	if (n > sfb_cur_left(c) || memcmp(c->p + c->pos, s, n) != 0)
		return false;
	c->pos += n;
	return true;
}

void
sfb_cur_skip_space(sfb_cur *c)
{
	int ch;

	while ((ch = sfb_cur_peek(c)) == ' ' || ch == '\t' || ch == '\n' || ch == '\r')
		c->pos++;
}

bool
sfb_cur_uint(sfb_cur *c, uint64_t max, uint64_t *out)
{
	size_t pos = c->pos;
	uint64_t v = 0;
	int ch;
	bool any = false;

	while ((ch = sfb_cur_peek(c)) >= '0' && ch <= '9') {
		unsigned d = (unsigned)(ch - '0');
		if (d > max || v > (max - d) / 10) {
			c->pos = pos;
			return false;
		}
		v = v * 10 + d;
		c->pos++;
		any = true;
	}
	if (!any)
		return false;
	*out = v;
	return true;
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

bool
sfb_cur_hex(sfb_cur *c, uint64_t max, uint64_t *out, size_t maxdigits)
{
	size_t pos = c->pos, n = 0;
	uint64_t v = 0;
	int d;

	while (n < maxdigits && (d = hexval(sfb_cur_peek(c))) >= 0) {
		if ((uint64_t)d > max || v > (max - (uint64_t)d) / 16) {
			c->pos = pos;
			return false;
		}
		v = v * 16 + (uint64_t)d;
		c->pos++;
		n++;
	}
	if (n == 0)
		return false;
	*out = v;
	return true;
}

bool
sfb_cur_bytes(sfb_cur *c, void *out, size_t n)
{
	if (n > sfb_cur_left(c)) {
		c->err = true;
		return false;
	}
	memcpy(out, c->p + c->pos, n);
	c->pos += n;
	return true;
}

bool
sfb_cur_u8(sfb_cur *c, uint8_t *out)
{
	return sfb_cur_bytes(c, out, 1);
}

bool
sfb_cur_u16be(sfb_cur *c, uint16_t *out)
{
	unsigned char b[2];

	if (!sfb_cur_bytes(c, b, 2))
		return false;
	*out = (uint16_t)((b[0] << 8) | b[1]);
	return true;
}

bool
sfb_cur_u32be(sfb_cur *c, uint32_t *out)
{
	unsigned char b[4];

	if (!sfb_cur_bytes(c, b, 4))
		return false;
	*out = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	    ((uint32_t)b[2] << 8) | b[3];
	return true;
}

size_t
sfb_cur_tag(const sfb_cur *c)
{
	return c->pos;
}

void
sfb_cur_rollback(sfb_cur *c, size_t tag)
{
	if (tag <= c->pos)
		c->pos = tag;
}

size_t
sfb_cur_until(sfb_cur *c, const char *stops)
{
	size_t start = c->pos;

	while (c->pos < c->len && (c->p[c->pos] == 0 || strchr(stops, c->p[c->pos]) == NULL))
		c->pos++;
	return c->pos - start;
}

size_t
sfb_cur_while(sfb_cur *c, const char *set)
{
	size_t start = c->pos;

	while (c->pos < c->len && c->p[c->pos] != 0 && strchr(set, c->p[c->pos]) != NULL)
		c->pos++;
	return c->pos - start;
}

size_t
sfb_cur_tag_len(const sfb_cur *c, size_t tag)
{
	return tag <= c->pos ? c->pos - tag : 0;
}

bool
sfb_cur_tag_fetch(const sfb_cur *c, size_t tag, char *dst, size_t dstlen)
{
	size_t n = sfb_cur_tag_len(c, tag);

	if (dstlen == 0)
		return false;
	dst[0] = '\0';
	if (n == 0)
		return true;
	if (n >= dstlen || memchr(c->p + tag, 0, n) != NULL)
		return false;
	memcpy(dst, c->p + tag, n);
	dst[n] = '\0';
	return true;
}

void
sfb_cur_tag_fetch_buf(const sfb_cur *c, size_t tag, sfb_buf *b)
{
	size_t n = sfb_cur_tag_len(c, tag);

	if (n > 0)
		sfb_buf_add(b, (const char *)c->p + tag, n);
}

sfb_cur
sfb_cur_tag_sub(const sfb_cur *c, size_t tag)
{
	sfb_cur s;

	if (c->p == NULL || tag > c->pos)
		sfb_cur_init(&s, NULL, 0);
	else
		sfb_cur_init(&s, c->p + tag, c->pos - tag);
	return s;
}

bool
sfb_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	sfb_cur c;

	sfb_cur_init_str(&c, s);
	return sfb_cur_uint(&c, max, out) && sfb_cur_eof(&c);
}

bool
sfb_cur_utf8(sfb_cur *c, unsigned long *cp)
{
	const unsigned char *p = c->p + c->pos;
	size_t left = sfb_cur_left(c), need, k;
	unsigned char b, lo = 0x80, hi = 0xbf;
	unsigned long v;

	if (left == 0)
		return false;
	b = p[0];
	if (b < 0x80) {
		*cp = b;
		c->pos++;
		return true;
	}
	if (b >= 0xc2 && b <= 0xdf) {
		need = 1;
		v = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		need = 2;
		v = b & 0x0f;
		lo = b == 0xe0 ? 0xa0 : 0x80;   /* no overlong form */
		hi = b == 0xed ? 0x9f : 0xbf;   /* no surrogate */
	} else if (b >= 0xf0 && b <= 0xf4) {
		need = 3;
		v = b & 0x07;
		lo = b == 0xf0 ? 0x90 : 0x80;   /* no overlong form */
		hi = b == 0xf4 ? 0x8f : 0xbf;   /* nothing past U+10FFFF */
	} else {
		return false;
	}
	/* The first continuation byte has the narrower range. */
	if (left < need + 1 || p[1] < lo || p[1] > hi)
		return false;
	for (k = 1; k <= need; k++) {
		if (p[k] < 0x80 || p[k] > 0xbf)
			return false;
		v = (v << 6) | (p[k] & 0x3f);
	}
	*cp = v;
	c->pos += need + 1;
	return true;
}
