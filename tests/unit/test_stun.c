/* The STUN / MS-TURN parser (src/lib/check/sfb_stun.c): hand-made messages,
 * each field asserted; FINGERPRINT and MESSAGE-INTEGRITY checked against
 * values computed here independently (the CRC-32 check value, OpenSSL's
 * one-shot HMAC); malformed messages rejected with their reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "check/sfb_stun.h"

/* --- a small message builder (test side) ------------------------------ */

struct msg {
	unsigned char b[1024];
	size_t n;
	bool pad;
};

static void
put8(struct msg *m, unsigned v)
{
	assert_true(m->n < sizeof(m->b));
	m->b[m->n++] = (unsigned char)v;
}

static void
put16(struct msg *m, unsigned v)
{
	put8(m, v >> 8);
	put8(m, v & 0xff);
}

static void
put32(struct msg *m, uint32_t v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

static void
setlen(struct msg *m)
{
	m->b[2] = (unsigned char)((m->n - 20) >> 8);
	m->b[3] = (unsigned char)(m->n - 20);
}

static void
start(struct msg *m, unsigned type, bool cookie)
{
	int i;

	memset(m, 0, sizeof(*m));
	m->pad = true;
	put16(m, type);
	put16(m, 0);
	if (cookie)
		put32(m, SFB_STUN_COOKIE);
	else
		put32(m, 0x01020304);
	for (i = 0; i < 12; i++)
		put8(m, 0xa0 + i);
	setlen(m);
}

static void
attr(struct msg *m, unsigned type, const void *v, size_t len)
{
	const unsigned char *p = v;
	size_t i;

	put16(m, type);
	put16(m, (unsigned)len);
	for (i = 0; i < len; i++)
		put8(m, p[i]);
	while (m->pad && m->n % 4 != 0)
		put8(m, 0);
	setlen(m);
}

static void
attr32(struct msg *m, unsigned type, uint32_t v)
{
	unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };

	attr(m, type, b, 4);
}

static void
fingerprint(struct msg *m)
{
	uint32_t crc;

	m->n += 8;
	setlen(m);
	m->n -= 8;
	crc = sfb_crc32(m->b, m->n) ^ SFB_STUN_FP_XOR;
	attr32(m, SFB_STUN_A_FINGERPRINT, crc);
}

static void
integrity(struct msg *m, const void *key, size_t keylen)
{
	unsigned char md[20];
	unsigned int mdlen = 0;

	m->n += 24;
	setlen(m);
	m->n -= 24;
	assert_non_null(HMAC(EVP_sha1(), key, (int)keylen, m->b, m->n, md, &mdlen));
	assert_int_equal(mdlen, 20);
	attr(m, SFB_STUN_A_MESSAGE_INTEGRITY, md, 20);
}

static bool
text_is(const struct msg *b, struct sfb_span s, const char *want)
{
	sfb_cur c = sfb_span_cur(b->b, b->n, s);
	char got[800];
	size_t t = sfb_cur_tag(&c);

	sfb_cur_skip(&c, sfb_cur_left(&c));
	return sfb_cur_tag_fetch(&c, t, got, sizeof(got)) && strcmp(got, want) == 0;
}

/* --- tests -------------------------------------------------------------- */

static void
test_crc32(void **state)
{
	(void)state;
	assert_true(sfb_crc32("123456789", 9) == 0xCBF43926u);   /* the CRC-32 check value */
	assert_true(sfb_crc32("", 0) == 0);
}

static void
test_binding_success(void **state)
{
	static const unsigned char v4[8] = { 0, 1, 0x80 ^ 0x21, 0x55 ^ 0x12,
		192 ^ 0x21, 0 ^ 0x12, 2 ^ 0xa4, 1 ^ 0x42 };
	unsigned char v6[20] = { 0, 2, 0x80 ^ 0x21, 0x55 ^ 0x12 };
	static const unsigned char a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8,
		9, 10, 11, 12 };
	struct sfb_stun_msg m;
	struct msg b;
	int i;

	(void)state;
	start(&b, 0x0101, true);
	attr(&b, SFB_STUN_A_SOFTWARE, "sfbnet test", 11);
	attr(&b, SFB_STUN_A_XOR_MAPPED_ADDRESS, v4, sizeof(v4));
	/* IPv6: XOR with the cookie and the transaction id (header bytes 4..19) */
	for (i = 0; i < 16; i++)
		v6[4 + i] = a6[i] ^ b.b[4 + i];
	attr(&b, SFB_STUN_A_MAPPED_ADDRESS, v4, sizeof(v4));   /* plain: not un-XORed */
	attr(&b, SFB_STUN_A_XOR_RELAYED_ADDRESS, v6, sizeof(v6));
	attr32(&b, 0xC001, 0xdeadbeef);                          /* unknown: kept raw */
	fingerprint(&b);

	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_OK);
	assert_int_equal(m.size, b.n);
	assert_int_equal(m.method, SFB_STUN_BINDING);
	assert_int_equal(m.cls, SFB_STUN_SUCCESS);
	assert_true(m.cookie);
	assert_false(m.ms_turn);
	assert_int_equal(m.tid_len, 12);
	assert_memory_equal(m.tid, b.b + 8, 12);
	assert_int_equal(m.nattrs, 6);
	assert_int_equal(m.attrs[0].type, SFB_STUN_A_SOFTWARE);
	assert_int_equal(m.attrs[0].off, 20);
	assert_int_equal(m.attrs[0].len, 11);
	assert_int_equal(m.attrs[0].value.off, 24);
	assert_int_equal(m.attrs[1].off, 36);                    /* 11 padded to 12 */
	assert_int_equal(m.attrs[4].type, 0xC001);
	assert_int_equal(m.attrs[4].len, 4);
	assert_null(sfb_stun_attr_name(0xC001));
	assert_string_equal(sfb_stun_attr_name(0x8020), "MS-XOR-MAPPED-ADDRESS");
	assert_true(text_is(&b, m.software, "sfbnet test"));

	assert_true(m.xor_mapped.set);
	assert_int_equal(m.xor_mapped.family, 4);
	assert_int_equal(m.xor_mapped.port, 32853);
	assert_memory_equal(m.xor_mapped.addr, "\xc0\x00\x02\x01", 4);
	assert_true(m.mapped.set);
	assert_int_equal(m.mapped.port, 0xa147);
	assert_memory_equal(m.mapped.addr, v4 + 4, 4);
	assert_true(m.relayed.set);
	assert_int_equal(m.relayed.family, 6);
	assert_int_equal(m.relayed.port, 32853);
	assert_memory_equal(m.relayed.addr, a6, 16);
	assert_false(m.has_error);
	assert_false(m.has_integrity);
	assert_true(m.has_fingerprint);
	assert_true(m.fingerprint_ok);

	/* one byte of the value changed: still parses, FINGERPRINT no longer valid */
	b.b[25] ^= 1;
	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_OK);
	assert_true(m.has_fingerprint);
	assert_false(m.fingerprint_ok);
}

static void
test_integrity(void **state)
{
	static const char pw[] = "VOkJxbRl1RmTxUk/WvJxBt";
	unsigned char key[16];
	struct sfb_stun_msg m;
	struct msg b;
	bool ok = true;

	(void)state;
	start(&b, 0x0001, true);
	attr(&b, SFB_STUN_A_USERNAME, "evtj:h6vY", 9);
	attr32(&b, 0x0024, 0x6e0001ff);
	integrity(&b, pw, strlen(pw));
	fingerprint(&b);
	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_OK);
	assert_true(m.has_integrity);
	assert_int_equal(m.integrity_off, 20 + 16 + 8);
	assert_true(text_is(&b, m.username, "evtj:h6vY"));
	assert_int_equal(sfb_stun_check_integrity(b.b, b.n, &m, pw, strlen(pw), &ok), SFB_OK);
	assert_true(ok);
	assert_int_equal(sfb_stun_check_integrity(b.b, b.n, &m, "x", 1, &ok), SFB_OK);
	assert_false(ok);
	assert_true(m.fingerprint_ok);

	/* long-term key: MD5("user:realm:pass") */
	assert_int_equal(sfb_stun_long_term_key("user", "realm", "pass", key), SFB_OK);
	assert_memory_equal(key, "\x84\x93\xfb\xc5\x3b\xa5\x82\xfb\x4c\x04\x4c\x45\x6b\xdc\x40\xeb", 16);
	start(&b, 0x0003, true);
	attr(&b, SFB_STUN_A_USERNAME, "user", 4);
	attr(&b, SFB_STUN_A_REALM, "realm", 5);
	attr(&b, SFB_STUN_A_NONCE, "f//499k954d6OL34oL9FSTvy64sA", 28);
	integrity(&b, key, 16);
	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_OK);
	assert_int_equal(m.method, SFB_STUN_ALLOCATE);
	assert_int_equal(m.cls, SFB_STUN_REQUEST);
	assert_true(text_is(&b, m.realm, "realm"));
	assert_true(text_is(&b, m.nonce, "f//499k954d6OL34oL9FSTvy64sA"));
	assert_false(m.has_fingerprint);
	assert_int_equal(sfb_stun_check_integrity(b.b, b.n, &m, key, 16, &ok), SFB_OK);
	assert_true(ok);
	assert_int_equal(sfb_stun_check_integrity(b.b, b.n, &m, "pass", 4, &ok), SFB_OK);
	assert_false(ok);

	/* no MESSAGE-INTEGRITY */
	start(&b, 0x0001, true);
	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_OK);
	assert_int_equal(m.nattrs, 0);
	assert_int_equal(sfb_stun_check_integrity(b.b, b.n, &m, "x", 1, &ok), SFB_ENOTFOUND);
}

static void
test_error_response(void **state)
{
	static const unsigned char ec[] = "\x00\x00\x04\x01Unauthorized";
	static const unsigned char bad[] = "\x00\x00\x02\x63No";
	struct sfb_stun_msg m;
	struct msg b;

	(void)state;
	start(&b, 0x0113, true);
	attr(&b, SFB_STUN_A_ERROR_CODE, ec, 16);
	attr(&b, SFB_STUN_A_REALM, "example.org", 11);
	attr(&b, SFB_STUN_A_NONCE, "abcd", 4);
	attr32(&b, SFB_STUN_A_LIFETIME, 600);
	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_OK);
	assert_int_equal(m.method, SFB_STUN_ALLOCATE);
	assert_int_equal(m.cls, SFB_STUN_ERROR);
	assert_true(m.has_error);
	assert_int_equal(m.error_code, 401);
	assert_true(text_is(&b, m.error_reason, "Unauthorized"));
	assert_true(text_is(&b, m.realm, "example.org"));
	assert_true(text_is(&b, m.nonce, "abcd"));
	assert_true(m.has_lifetime);
	assert_int_equal(m.lifetime, 600);

	start(&b, 0x0111, true);
	attr(&b, SFB_STUN_A_ERROR_CODE, bad, 6);            /* 299: not an error class */
	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_EINVAL);
	assert_string_equal(m.why, "ERROR-CODE not between 300 and 699");
	assert_int_equal(m.err_off, 20);
}

static void
test_classic(void **state)
{
	static const unsigned char ma[8] = { 0, 1, 0xd7, 0x0a, 172, 16, 63, 224 };
	struct sfb_stun_msg m;
	struct msg b;

	(void)state;
	start(&b, 0x0101, false);
	attr(&b, SFB_STUN_A_MAPPED_ADDRESS, ma, 8);
	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_OK);
	assert_false(m.cookie);
	assert_int_equal(m.tid_len, 16);
	assert_memory_equal(m.tid, b.b + 4, 16);
	assert_true(m.mapped.set);
	assert_int_equal(m.mapped.port, 55050);
	assert_memory_equal(m.mapped.addr, "\xac\x10\x3f\xe0", 4);
	assert_true(sfb_stun_sniff(b.b, b.n));
}

static void
test_ms_turn(void **state)
{
	/* MS-TURN does not pad: SOFTWARE of 9 bytes, then the next attribute */
	static const unsigned char xm[8] = { 0, 1, 0xe0 ^ 0x21, 0xc7 ^ 0x12,
		80 ^ 0x21, 181 ^ 0x12, 206 ^ 0xa4, 72 ^ 0x42 };
	static const unsigned char seq[24] = { [19] = 7, [23] = 3 };
	static const unsigned char sq[4] = { 0, 2, 0, 1 };
	struct sfb_stun_msg m;
	struct msg b;

	(void)state;
	start(&b, 0x0103, true);
	b.pad = false;
	attr32(&b, SFB_STUN_A_MS_MAGIC_COOKIE, SFB_STUN_MS_MAGIC);
	attr32(&b, SFB_STUN_A_MS_VERSION, 6);
	attr(&b, SFB_STUN_A_SOFTWARE, "2.0.1.211", 9);
	attr32(&b, SFB_STUN_A_LIFETIME, 60);
	attr(&b, SFB_STUN_A_MS_XOR_MAPPED_ADDRESS, xm, 8);
	attr(&b, SFB_STUN_A_MS_SEQUENCE_NUMBER, seq, 24);
	attr(&b, SFB_STUN_A_MS_SERVICE_QUALITY, sq, 4);
	attr32(&b, SFB_STUN_A_BANDWIDTH, 12000);
	attr32(&b, SFB_STUN_A_MS_IMPLEMENTATION_VERSION, 7);
	attr(&b, SFB_STUN_A_MS_MULTIPLEXED_SESSION_ID, "\x7f\x20\xc4\xdd\x4f\x84\x8d\xfa", 8);
	assert_true(b.n % 4 != 0);
	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_OK);
	assert_true(m.ms_turn);
	assert_true(m.has_ms_magic);
	assert_true(m.ms_magic == SFB_STUN_MS_MAGIC);
	assert_int_equal(m.ms_version, 6);
	assert_true(text_is(&b, m.software, "2.0.1.211"));
	assert_int_equal(m.lifetime, 60);
	assert_true(m.ms_xor_mapped.set);
	assert_false(m.xor_mapped.set);
	assert_int_equal(m.ms_xor_mapped.port, 57543);
	assert_memory_equal(m.ms_xor_mapped.addr, "\x50\xb5\xce\x48", 4);
	assert_true(m.has_ms_sequence);
	assert_int_equal(m.ms_sequence, 3);
	assert_true(m.ms_connection_id.set);
	assert_int_equal(m.ms_connection_id.len, 20);
	assert_int_equal(m.ms_stream_type, 2);
	assert_int_equal(m.ms_service_quality, 1);
	assert_int_equal(m.bandwidth, 12000);
	assert_int_equal(m.ms_impl_version, 7);
	assert_int_equal(m.ms_session_id.len, 8);
	assert_true(sfb_stun_sniff(b.b, b.n));

	/* the same unpadded layout without MAGIC-COOKIE first is not STUN */
	b.b[20 + 7] ^= 1;
	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_EINVAL);
	assert_string_equal(m.why, "length is not a multiple of 4");
	assert_false(sfb_stun_sniff(b.b, b.n));
}

static void
test_malformed(void **state)
{
	static const unsigned char addr5[8] = { 0, 5, 0, 1, 1, 2, 3, 4 };
	struct sfb_stun_msg m;
	struct msg b;
	int i;

	(void)state;
	start(&b, 0x0001, true);
	assert_int_equal(sfb_stun_parse(b.b, 19, &m), SFB_EINVAL);
	assert_string_equal(m.why, "shorter than a STUN header (20 bytes)");

	b.b[0] = 0x40;                                     /* first bits 01: ChannelData */
	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_EINVAL);
	assert_int_equal(m.err_off, 0);

	start(&b, 0x0001, true);
	attr32(&b, SFB_STUN_A_LIFETIME, 1);
	assert_int_equal(sfb_stun_parse(b.b, b.n - 4, &m), SFB_EINVAL);   /* length > bytes */
	assert_string_equal(m.why, "length does not match the message size");
	assert_int_equal(sfb_stun_parse(b.b, b.n + 4, &m), SFB_EINVAL);   /* trailing bytes */

	b.b[22] = 0; b.b[23] = 8;                          /* LIFETIME claims 8 bytes */
	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_EINVAL);
	assert_string_equal(m.why, "attribute runs past the end of the message");
	assert_int_equal(m.err_off, 20);

	start(&b, 0x0001, true);
	attr(&b, SFB_STUN_A_LIFETIME, "\0\0\0\0\0\0", 6);
	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_EINVAL);
	assert_string_equal(m.why, "attribute is not a 32-bit value");

	start(&b, 0x0001, true);
	attr(&b, SFB_STUN_A_MAPPED_ADDRESS, addr5, 8);
	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_EINVAL);
	assert_string_equal(m.why, "address family neither 1 (IPv4) nor 2 (IPv6)");

	start(&b, 0x0001, true);
	attr(&b, SFB_STUN_A_MAPPED_ADDRESS, "\0\2\0\1\1\2\3\4", 8);   /* IPv6 of 4 bytes */
	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_EINVAL);

	start(&b, 0x0001, true);
	fingerprint(&b);
	attr32(&b, SFB_STUN_A_LIFETIME, 1);
	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_EINVAL);
	assert_string_equal(m.why, "attribute after FINGERPRINT");
	assert_int_equal(m.err_off, 28);

	start(&b, 0x0001, true);
	attr(&b, SFB_STUN_A_MESSAGE_INTEGRITY, "0123456789012345", 16);
	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_EINVAL);

	start(&b, 0x0001, true);
	for (i = 0; i < SFB_STUN_MAX_ATTRS; i++)
		attr(&b, 0xC002, NULL, 0);
	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_OK);
	attr(&b, 0xC002, NULL, 0);
	assert_int_equal(sfb_stun_parse(b.b, b.n, &m), SFB_ERANGE);
}

static void
test_split(void **state)
{
	struct sfb_stun_piece p;
	struct msg a, b;
	unsigned char s[256];
	size_t n = 0;
	sfb_cur c;

	(void)state;
	start(&a, 0x0003, true);
	attr32(&a, 0x0019, 0x11000000);
	start(&b, 0x0101, true);
	memcpy(s, a.b, a.n);
	n = a.n;
	memcpy(s + n, b.b, b.n);
	n += b.n;
	memcpy(s + n, "\x40\x00\x00\x05hello\0\0\0", 12);   /* ChannelData, padded to 4 */
	n += 12;
	memcpy(s + n, a.b, 10);                              /* half a message */
	n += 10;

	sfb_cur_init(&c, s, n);
	assert_int_equal(sfb_stun_next(&c, SFB_STUN_FRAME_PLAIN, &p), SFB_OK);
	assert_int_equal(p.kind, SFB_STUN_PIECE_MESSAGE);
	assert_int_equal(p.off, 0);
	assert_int_equal(p.len, a.n);
	assert_int_equal(p.consumed, a.n);
	assert_int_equal(sfb_stun_next(&c, SFB_STUN_FRAME_PLAIN, &p), SFB_OK);
	assert_int_equal(p.kind, SFB_STUN_PIECE_MESSAGE);
	assert_int_equal(p.off, a.n);
	assert_int_equal(p.len, b.n);
	assert_int_equal(sfb_stun_next(&c, SFB_STUN_FRAME_PLAIN, &p), SFB_OK);
	assert_int_equal(p.kind, SFB_STUN_PIECE_CHANNEL);
	assert_int_equal(p.len, 9);
	assert_int_equal(p.consumed, 12);
	assert_int_equal(sfb_stun_next(&c, SFB_STUN_FRAME_PLAIN, &p), SFB_OK);
	assert_int_equal(p.kind, SFB_STUN_PIECE_NONE);
	assert_int_equal(sfb_cur_left(&c), 10);             /* nothing consumed */

	/* a TLS record is not ours */
	sfb_cur_init(&c, "\x16\x03\x01\x00\x10", 5);
	assert_int_equal(sfb_stun_next(&c, SFB_STUN_FRAME_PLAIN, &p), SFB_EINVAL);
	assert_int_equal(sfb_cur_tag(&c), 0);

	/* RFC 4571: 16-bit length, then the packet */
	s[0] = 0;
	s[1] = (unsigned char)a.n;
	memcpy(s + 2, a.b, a.n);
	memcpy(s + 2 + a.n, "\x00\x03RTP\x00", 6);
	sfb_cur_init(&c, s, 2 + a.n + 6);
	assert_int_equal(sfb_stun_next(&c, SFB_STUN_FRAME_4571, &p), SFB_OK);
	assert_int_equal(p.kind, SFB_STUN_PIECE_MESSAGE);
	assert_int_equal(p.off, 2);
	assert_int_equal(p.len, a.n);
	assert_int_equal(p.consumed, a.n + 2);
	assert_int_equal(sfb_stun_next(&c, SFB_STUN_FRAME_4571, &p), SFB_OK);
	assert_int_equal(p.kind, SFB_STUN_PIECE_OTHER);
	assert_int_equal(p.len, 3);
	assert_int_equal(sfb_stun_next(&c, SFB_STUN_FRAME_4571, &p), SFB_OK);
	assert_int_equal(p.kind, SFB_STUN_PIECE_NONE);      /* one byte: incomplete */
	assert_int_equal(sfb_cur_left(&c), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32),
		cmocka_unit_test(test_binding_success),
		cmocka_unit_test(test_integrity),
		cmocka_unit_test(test_error_response),
		cmocka_unit_test(test_classic),
		cmocka_unit_test(test_ms_turn),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
