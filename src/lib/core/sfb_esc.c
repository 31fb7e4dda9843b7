/* Escaping text from outside into generated files (see sfb_esc.h). */
#include "sfb_esc.h"

#include <string.h>

#define ESC_INVALID 0x80000000ul   /* a byte that does not start valid UTF-8 */

/* One code point from c, or ESC_INVALID | byte for a byte that does not
 * start a well-formed UTF-8 sequence (then only that byte is consumed). */
static unsigned long
next_cp(sfb_cur *c)
{
	unsigned long cp;

	if (sfb_cur_utf8(c, &cp))
		return cp;
	return ESC_INVALID | (unsigned long)sfb_cur_get(c);
}

static bool
unsafe(unsigned long cp)
{
	return (cp & ESC_INVALID) != 0 || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x200E || cp == 0x200F ||
	    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

bool
sfb_esc_find_unsafe(const char *s, size_t n, size_t *off, unsigned long *cp)
{
	sfb_cur c;
	size_t at;
	unsigned long v;

	sfb_cur_init(&c, s, n);
	while (!sfb_cur_eof(&c)) {
		at = c.pos;
		v = next_cp(&c);
		if (unsafe(v)) {
			*off = at;
			*cp = v;
			return true;
		}
	}
	return false;
}

/* A CSV field that a spreadsheet would evaluate: = + @ first, or '-'
 * followed by anything but a plain number ("-" alone and "-5" stay). */
static bool
csv_formula(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	if (s[0] == '=' || s[0] == '+' || s[0] == '@')
		return true;
	if (s[0] != '-' || n == 1)
		return false;
	for (i = 1; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
			return true;
	return false;
}

static bool
csv_needs_quotes(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"')
			return true;
	return false;
}

/* Write one safe code point (the bytes [from, to) of s) for lang. */
static void
put_safe(sfb_buf *b, enum sfb_esc_lang lang, unsigned long cp, const char *p, size_t len)
{
	switch (lang) {
	case SFB_ESC_DQ:
		if (cp == '"' || cp == '\\') {
			sfb_buf_putc(b, '\'');
			return;
		}
		break;
	case SFB_ESC_PS:
		if (cp == '\'' || (cp >= 0x2018 && cp <= 0x201B)) {
			sfb_buf_puts(b, "''");
			return;
		}
		break;
	case SFB_ESC_MD:
		switch (cp) {
		case '|': sfb_buf_puts(b, "\\|"); return;
		case '`': sfb_buf_puts(b, "\\`"); return;
		case '<': sfb_buf_puts(b, "&lt;"); return;
		case '>': sfb_buf_puts(b, "&gt;"); return;
		case '&': sfb_buf_puts(b, "&amp;"); return;
		default: break;
		}
		break;
	case SFB_ESC_HTML:
		switch (cp) {
		case '<': sfb_buf_puts(b, "&lt;"); return;
		case '>': sfb_buf_puts(b, "&gt;"); return;
		case '&': sfb_buf_puts(b, "&amp;"); return;
		case '"': sfb_buf_puts(b, "&quot;"); return;
		case '\'': sfb_buf_puts(b, "&#39;"); return;
		default: break;
		}
		break;
	case SFB_ESC_CSV:
		if (cp == '"') {
			sfb_buf_puts(b, "\"\"");
			return;
		}
		break;
	case SFB_ESC_LINE:
		break;
	}
	sfb_buf_add(b, p, len);
}

void
sfb_esc_putn(sfb_buf *b, enum sfb_esc_lang lang, const char *s, size_t n)
{
	sfb_cur c;
	size_t at;
	unsigned long cp;
	bool quote = false;

	if (s == NULL)
		return;
	if (lang == SFB_ESC_CSV) {
		if (csv_formula(s, n))
			sfb_buf_putc(b, '\'');
		quote = csv_needs_quotes(s, n);
		if (quote)
			sfb_buf_putc(b, '"');
	}
	sfb_cur_init(&c, s, n);
	while (!sfb_cur_eof(&c)) {
		at = c.pos;
		cp = next_cp(&c);
		if (!unsafe(cp))
			put_safe(b, lang, cp, s + at, c.pos - at);
		else if (cp & ESC_INVALID)
			sfb_buf_printf(b, "<%02lX>", cp & 0xFF);
		else
			sfb_buf_printf(b, "<U+%04lX>", cp);
	}
	if (quote)
		sfb_buf_putc(b, '"');
}

void
sfb_esc_put(sfb_buf *b, enum sfb_esc_lang lang, const char *s)
{
	if (s != NULL)
		sfb_esc_putn(b, lang, s, strlen(s));
}

void
sfb_esc_ps_string(sfb_buf *b, const char *s)
{
	sfb_buf_putc(b, '\'');
	sfb_esc_put(b, SFB_ESC_PS, s);
	sfb_buf_putc(b, '\'');
}
