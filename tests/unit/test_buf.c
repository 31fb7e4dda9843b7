/* Output buffer and bounds-checked cursor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sfb_buf.h"

static void
test_buf_grows(void **state)
{
	sfb_buf b;
	size_t i;
	char *s;

	(void)state;
	sfb_buf_init(&b);
	assert_string_equal(sfb_buf_str(&b), "");
	for (i = 0; i < 10000; i++)
		sfb_buf_printf(&b, "%zu,", i % 10);
	assert_int_equal(b.len, 20000);
	assert_int_equal(sfb_buf_status(&b), SFB_OK);
	sfb_buf_u64(&b, UINT64_MAX);
	assert_string_equal(b.data + 20000, "18446744073709551615");
	s = sfb_buf_take(&b);
	assert_int_equal(strlen(s), 20020);
	assert_null(b.data);
	free(s);
	s = sfb_buf_take(&b);      /* an empty buffer hands over "" */
	assert_string_equal(s, "");
	free(s);
}

/* Tag, consume-until, fetch and rollback. */
static void
test_cursor_tags(void **state)
{
	sfb_cur c, sub;
	sfb_buf b;
	char small[4], big[16];
	size_t tag;

	(void)state;
	sfb_cur_init_str(&c, "  key=value,rest");
	assert_int_equal(sfb_cur_while(&c, " "), 2);
	tag = sfb_cur_tag(&c);
	assert_int_equal(sfb_cur_until(&c, "=,"), 3);
	assert_int_equal(sfb_cur_tag_len(&c, tag), 3);
	assert_true(sfb_cur_tag_fetch(&c, tag, small, sizeof(small)));
	assert_string_equal(small, "key");
	assert_true(sfb_cur_accept(&c, '='));
	tag = sfb_cur_tag(&c);
	sfb_cur_until(&c, ",");
	assert_false(sfb_cur_tag_fetch(&c, tag, small, sizeof(small)));   /* "value" does not fit */
	assert_string_equal(small, "");
	assert_true(sfb_cur_tag_fetch(&c, tag, big, sizeof(big)));
	assert_string_equal(big, "value");
	sub = sfb_cur_tag_sub(&c, tag);
	assert_int_equal(sfb_cur_left(&sub), 5);
	assert_true(sfb_cur_accept_str(&sub, "value"));
	assert_true(sfb_cur_eof(&sub));
	sfb_cur_rollback(&c, tag);
	assert_true(sfb_cur_accept_str(&c, "value,"));
	tag = sfb_cur_tag(&c);
	assert_int_equal(sfb_cur_until(&c, ";"), 4);   /* no stop: to the end */
	sfb_buf_init(&b);
	sfb_cur_tag_fetch_buf(&c, tag, &b);
	assert_string_equal(sfb_buf_str(&b), "rest");
	sfb_buf_free(&b);
	/* A NUL byte is never fetched into a string. */
	sfb_cur_init(&c, "a\0b", 3);
	sfb_cur_until(&c, ",");
	assert_false(sfb_cur_tag_fetch(&c, 0, big, sizeof(big)));
}

static void
test_cursor_bounds(void **state)
{
	const unsigned char wire[] = { 0x12, 0x34, 0x56 };
	sfb_cur c;
	uint16_t v16;
	uint32_t v32;
	uint8_t v8;

	(void)state;
	sfb_cur_init(&c, wire, sizeof(wire));
	assert_true(sfb_cur_u16be(&c, &v16));
	assert_int_equal(v16, 0x1234);
	assert_false(sfb_cur_u32be(&c, &v32));   /* only one byte left */
	assert_true(c.err);
	assert_int_equal(c.pos, 2);              /* a failed read consumes nothing */
	assert_true(sfb_cur_u8(&c, &v8));
	assert_int_equal(v8, 0x56);
	assert_int_equal(sfb_cur_get(&c), -1);
	assert_false(sfb_cur_skip(&c, 1));
}

static void
test_uint_limits(void **state)
{
	uint64_t v;
	sfb_cur c;

	(void)state;
	assert_true(sfb_parse_uint("65535", 65535, &v));
	assert_int_equal(v, 65535);
	assert_false(sfb_parse_uint("65536", 65535, &v));
	assert_true(sfb_parse_uint("18446744073709551615", UINT64_MAX, &v));
	assert_false(sfb_parse_uint("18446744073709551616", UINT64_MAX, &v));
	assert_false(sfb_parse_uint("5", 0, &v));   /* max below one digit */
	assert_true(sfb_parse_uint("0", 0, &v));
	assert_false(sfb_parse_uint("", 10, &v));
	assert_false(sfb_parse_uint("12x", 100, &v));
	sfb_cur_init_str(&c, "ff:");
	assert_false(sfb_cur_hex(&c, 10, &v, 4));  /* 0xff > 10: nothing consumed */
	assert_int_equal(c.pos, 0);
	assert_true(sfb_cur_hex(&c, 0xffff, &v, 4));
	assert_int_equal(v, 0xff);
	assert_true(sfb_cur_accept(&c, ':'));
	assert_true(sfb_cur_eof(&c));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_grows),
		cmocka_unit_test(test_cursor_bounds),
		cmocka_unit_test(test_cursor_tags),
		cmocka_unit_test(test_uint_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
