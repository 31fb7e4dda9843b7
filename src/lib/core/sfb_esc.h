/* Escaping: how text that came from outside (a topology, a catalog, a file
 * path) is written into a generated file, one language at a time.
 *
 * A firewall team loads sfbnet's output as root, so no byte of such text may
 * end the comment or string it sits in.  Every language shares one rule for
 * "unsafe" code points, which are always written as the visible text
 * <U+XXXX> (no backslash, no quote: the form means nothing in any of the
 * languages):
 *   - C0 controls (U+0000-U+001F), DEL, C1 controls (U+0080-U+009F);
 *   - Unicode line and paragraph separators (U+2028, U+2029);
 *   - bidirectional controls (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069)
 *     and the byte order mark (U+FEFF), which make a line read otherwise
 *     than it parses;
 *   - bytes that are not valid UTF-8 (written as <XX>, their hex value).
 * Each language then adds what its own quoting needs. */
#ifndef SFB_ESC_H
#define SFB_ESC_H

#include <stdbool.h>
#include <stddef.h>

#include "sfb_buf.h"

enum sfb_esc_lang {
	/* After a line comment marker (# ; !), or in a remark that runs to the
	 * end of the line: only the unsafe code points. */
	SFB_ESC_LINE,
	/* Inside "..." of nft, iptables-restore, Junos and pf, none of which
	 * has a dependable escape: '"' and '\' become '\''. */
	SFB_ESC_DQ,
	/* Inside a PowerShell '...' string: every single quote PowerShell
	 * recognises (' and U+2018-U+201B) is written as ''. */
	SFB_ESC_PS,
	/* A Markdown table cell: '|' as \|, '<' '>' '&' as entities (no inline
	 * HTML), '`' as \` (no code span swallowing the cell edge). */
	SFB_ESC_MD,
	/* A CSV field (RFC 4180): quoted when it holds , or " (CR and LF are
	 * unsafe, so never raw); a field
	 * that a spreadsheet would take for a formula (= + - @ first) gets a
	 * leading '\''. */
	SFB_ESC_CSV,
	/* HTML text or a quoted attribute value: < > & " ' as entities. */
	SFB_ESC_HTML,
};

/* Append s, escaped for lang, to b. */
void sfb_esc_put(sfb_buf *b, enum sfb_esc_lang lang, const char *s);
/* Same for n bytes of s (which may hold NUL bytes: written as <U+0000>). */
void sfb_esc_putn(sfb_buf *b, enum sfb_esc_lang lang, const char *s, size_t n);
/* s as a whole PowerShell single-quoted string: the quotes around it and
 * SFB_ESC_PS inside (the Windows Firewall and Windows DNS scripts). */
void sfb_esc_ps_string(sfb_buf *b, const char *s);

/* The first unsafe code point of s: its byte offset in *off and its value
 * in *cp (a lone invalid byte gives 0x80000000 | byte).  False if none. */
bool sfb_esc_find_unsafe(const char *s, size_t n, size_t *off, unsigned long *cp);

#endif
