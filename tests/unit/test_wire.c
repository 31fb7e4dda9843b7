/* The path-test message: round trip, and every way a message must fail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net/sfb_wire.h"

static const char key[] = "s3cret";

static void
encode(struct sfb_wire *m, unsigned char out[SFB_WIRE_LEN])
{
	assert_true(sfb_wire_encode(m, key, strlen(key), out));
}

static void
test_round_trip(void **state)
{
	struct sfb_wire m = { SFB_WIRE_PROBE, 17, 50000, 0x0102030405060708ull }, got;
	unsigned char buf[SFB_WIRE_LEN];

	(void)state;
	encode(&m, buf);
	assert_memory_equal(buf, "SFBN\x01\x01\x11\x00\xc3\x50\x01\x02\x03\x04\x05\x06\x07\x08", 18);
	assert_true(sfb_wire_decode(buf, sizeof(buf), key, strlen(key), &got));
	assert_int_equal(got.kind, SFB_WIRE_PROBE);
	assert_int_equal(got.proto, 17);
	assert_int_equal(got.port, 50000);
	assert_true(got.nonce == m.nonce);
}

static void
test_rejects(void **state)
{
	struct sfb_wire m = { SFB_WIRE_ECHO, 6, 5061, 42 }, got;
	unsigned char buf[SFB_WIRE_LEN + 1], bad[SFB_WIRE_LEN];
	size_t i;

	(void)state;
	encode(&m, buf);
	/* another key */
	assert_false(sfb_wire_decode(buf, SFB_WIRE_LEN, "s3creT", 6, &got));
	/* every single-bit change anywhere */
	for (i = 0; i < SFB_WIRE_LEN * 8; i++) {
		memcpy(bad, buf, SFB_WIRE_LEN);
		bad[i / 8] ^= (unsigned char)(1u << (i % 8));
		assert_false(sfb_wire_decode(bad, SFB_WIRE_LEN, key, strlen(key), &got));
	}
	/* shorter or longer than a message */
	assert_false(sfb_wire_decode(buf, SFB_WIRE_LEN - 1, key, strlen(key), &got));
	buf[SFB_WIRE_LEN] = 0;
	assert_false(sfb_wire_decode(buf, SFB_WIRE_LEN + 1, key, strlen(key), &got));
	assert_false(sfb_wire_decode(buf, 0, key, strlen(key), &got));
	/* a kind or protocol the format does not have, even with a valid tag */
	m.kind = 3;
	encode(&m, bad);
	assert_false(sfb_wire_decode(bad, SFB_WIRE_LEN, key, strlen(key), &got));
	m.kind = SFB_WIRE_PROBE;
	m.proto = 1;
	encode(&m, bad);
	assert_false(sfb_wire_decode(bad, SFB_WIRE_LEN, key, strlen(key), &got));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
