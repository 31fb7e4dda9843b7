/* Fuzz target: the STUN / MS-TURN parser and the TCP splitter
 * (src/lib/check/sfb_stun.c).
 *
 * The input is a datagram, parsed as it is (sfb_stun_parse).  What parses
 * must be consistent (abort() otherwise):
 *   - the message is exactly the input (20 + length); the attributes tile
 *     it: the first starts at 20, each starts where the one before ended
 *     (value plus padding to 4, none in [MS-TURN] messages), the last ends
 *     at the end; every value span and every decoded span (realm, nonce,
 *     software, username, error reason, MS connection and session ids) lies
 *     inside its attribute's value;
 *   - the FINGERPRINT verdict equals a CRC-32 computed here independently;
 *   - MESSAGE-INTEGRITY can be checked with some key (SFB_OK, never an
 *     internal error), one byte less never parses, and a message of a type
 *     up to 0x03FF (first byte 0..3, RFC 7983) sniffs as STUN.
 * The same bytes as a TCP stream, in both framings (sfb_stun_next): the
 * pieces follow each other from the start (each begins where the last one
 * ended), the bytes consumed add up to the cursor's position and never pass
 * the end, a STUN piece's length field says its length, an incomplete piece
 * consumes nothing, and a piece that parses parses the same on its own. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/sfb_stun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_stun: %s\n", what);
	abort();
}

/* Bitwise CRC-32, written here apart from the library's. */
static uint32_t
crc32_ref(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
	}
	return ~c;
}

static void
inside(struct sfb_span s, size_t from, size_t to, const char *what)
{
	if (!s.set)
		return;
	if (s.off < from || s.off > to || s.len > to - s.off)
		fail(what);
}

static void
check_message(const uint8_t *data, size_t size, const struct sfb_stun_msg *m)
{
	size_t i, at = SFB_STUN_HDR, pad;
	bool ok;
	const struct sfb_stun_attr *a;

	if (m->size != size || (size_t)m->length + SFB_STUN_HDR != size)
		fail("message size differs from the input");
	if ((m->tid_len != 12 || !m->cookie) && (m->tid_len != 16 || m->cookie))
		fail("transaction id length does not follow the cookie");
	for (i = 0; i < m->nattrs; i++) {
		a = &m->attrs[i];
		if (a->off != at || a->value.off != at + 4 || a->value.len != a->len || !a->value.set)
			fail("attributes do not follow each other");
		pad = m->ms_turn ? 0 : (4 - a->len % 4) % 4;
		at = a->value.off + a->len + pad;
		if (at > size)
			fail("attribute past the end");
		if (a->type == SFB_STUN_A_FINGERPRINT && i + 1 != m->nattrs)
			fail("attribute after FINGERPRINT accepted");
		if (a->type == SFB_STUN_A_FINGERPRINT) {
			uint32_t want = crc32_ref(data, a->off) ^ SFB_STUN_FP_XOR;
			if (!m->has_fingerprint || (m->fingerprint == want) != m->fingerprint_ok)
				fail("FINGERPRINT verdict differs from the reference CRC-32");
		}
	}
	if (at != size)
		fail("attributes do not end at the end of the message");
	inside(m->realm, SFB_STUN_HDR, size, "REALM outside the message");
	inside(m->nonce, SFB_STUN_HDR, size, "NONCE outside the message");
	inside(m->software, SFB_STUN_HDR, size, "SOFTWARE outside the message");
	inside(m->username, SFB_STUN_HDR, size, "USERNAME outside the message");
	inside(m->error_reason, SFB_STUN_HDR, size, "ERROR-CODE reason outside the message");
	inside(m->ms_connection_id, SFB_STUN_HDR, size, "MS connection id outside the message");
	inside(m->ms_session_id, SFB_STUN_HDR, size, "MS session id outside the message");
	if (m->has_error && (m->error_code < 300 || m->error_code > 699))
		fail("ERROR-CODE out of range");
	if (m->has_integrity) {
		if (m->integrity_off < SFB_STUN_HDR || m->integrity_off + 24 > size)
			fail("MESSAGE-INTEGRITY outside the message");
		if (sfb_stun_check_integrity(data, size, m, "key", 3, &ok) != SFB_OK)
			fail("MESSAGE-INTEGRITY check failed to run");
	}
}

static void
split(const uint8_t *data, size_t size, enum sfb_stun_framing f)
{
	static struct sfb_stun_msg one;
	struct sfb_stun_piece p;
	size_t at = 0, before;
	sfb_cur c;

	sfb_cur_init(&c, data, size);
	while (!sfb_cur_eof(&c)) {
		before = sfb_cur_tag(&c);
		if (sfb_stun_next(&c, f, &p) != SFB_OK) {
			if (sfb_cur_tag(&c) != before)
				fail("a refused piece moved the cursor");
			break;
		}
		if (p.kind == SFB_STUN_PIECE_NONE) {
			if (sfb_cur_tag(&c) != before)
				fail("an incomplete piece moved the cursor");
			break;
		}
		if (p.consumed == 0 || sfb_cur_tag(&c) != at + p.consumed || p.off < at ||
		    p.off + p.len > at + p.consumed || sfb_cur_tag(&c) > size)
			fail("pieces do not follow each other");
		if (f == SFB_STUN_FRAME_PLAIN && p.off != at)
			fail("plain piece does not start where the last one ended");
		if (p.kind == SFB_STUN_PIECE_MESSAGE) {
			size_t len = ((size_t)data[p.off + 2] << 8) | data[p.off + 3];

			if (p.len != len + SFB_STUN_HDR)
				fail("STUN piece length differs from its length field");
			if (sfb_stun_parse(data + p.off, p.len, &one) == SFB_OK)
				check_message(data + p.off, p.len, &one);
		}
		at += p.consumed;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sfb_stun_msg m;
	sfb_status st;

	if (size > 70000)
		return 0;
	st = sfb_stun_parse(data, size, &m);
	if (st != SFB_OK && st != SFB_EINVAL && st != SFB_ERANGE)
		fail("unexpected status");
	if (st != SFB_OK && m.why == NULL)
		fail("refusal without a reason");
	if (st == SFB_OK) {
		check_message(data, size, &m);
		/* sniffing demultiplexes by RFC 7983 (first byte 0..3): a parsed
		 * message of a type above 0x03FF need not sniff */
		if (m.type <= 0x03FF && !sfb_stun_sniff(data, size))
			fail("a message that parses does not sniff as STUN");
		if (size > 0 && sfb_stun_parse(data, size - 1, &m) == SFB_OK)
			fail("one byte less still parses");
	}
	split(data, size, SFB_STUN_FRAME_PLAIN);
	split(data, size, SFB_STUN_FRAME_4571);
	return 0;
}
