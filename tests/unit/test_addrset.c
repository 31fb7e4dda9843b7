/* Unit tests: address parsing, printing, CIDR decomposition, address sets.
 *
 * The C library's inet_pton()/inet_ntop() are used here only as an
 * independent oracle; the library itself parses and prints on its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "sfb_iset.h"

#define MAXV sfb_u128_make(UINT64_MAX, UINT64_MAX)

static void
assert_canonical(const sfb_iset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		assert_true(sfb_u128_cmp(s->r[i].lo, s->r[i].hi) <= 0);
		if (i > 0) {
			assert_true(sfb_u128_cmp(s->r[i - 1].hi, MAXV) != 0);
			assert_true(sfb_u128_cmp(sfb_u128_inc(s->r[i - 1].hi),
			    s->r[i].lo) < 0);
		}
	}
}

static void
expect_print(const sfb_addrset *a, const char *want)
{
	sfb_buf b;

	sfb_buf_init(&b);
	sfb_addrset_print(&b, a);
	assert_int_equal(sfb_buf_status(&b), SFB_OK);
	assert_string_equal(sfb_buf_str(&b), want);
	sfb_buf_free(&b);
	assert_canonical(&a->v4);
	assert_canonical(&a->v6);
}

static void
expect_family(const sfb_addrset *a, int family, const char *want)
{
	sfb_buf b;

	sfb_buf_init(&b);
	sfb_addrset_print_family(&b, a, family);
	assert_int_equal(sfb_buf_status(&b), SFB_OK);
	assert_string_equal(sfb_buf_str(&b), want);
	sfb_buf_free(&b);
}

static void
add(sfb_addrset *a, const char *text)
{
	assert_int_equal(sfb_addrset_parse(a, text), SFB_OK);
}

/* Parse one address or prefix into a fresh set; it must print as canon. */
static void
canon(const char *text, const char *want)
{
	sfb_addrset a;

	sfb_addrset_init(&a);
	add(&a, text);
	expect_print(&a, want);
	assert_int_equal(sfb_addrset_count_cidrs(&a, 4) +
	    sfb_addrset_count_cidrs(&a, 6), 1);
	sfb_addrset_free(&a);
}

/* Bad text: SFB_EINVAL, the set unchanged, and not a single address. */
static void
bad(const char *text)
{
	sfb_addrset a, before;

	sfb_addrset_init(&a);
	sfb_addrset_init(&before);
	add(&a, "192.0.2.0/24");
	add(&a, "2001:db8::/32");
	assert_int_equal(sfb_addrset_copy(&before, &a), SFB_OK);
	if (sfb_addrset_parse(&a, text) != SFB_EINVAL)
		fail_msg("accepted or wrong status: \"%s\"", text ? text : "(null)");
	assert_true(sfb_addrset_equal(&a, &before));
	assert_false(sfb_addr_is_single(text));
	sfb_addrset_free(&a);
	sfb_addrset_free(&before);
}

/* --- IPv4 ------------------------------------------------------------- */

static void
test_v4_parse_print(void **state)
{
	sfb_addrset a;

	(void)state;
	canon("10.1.2.3", "10.1.2.3");
	canon("10.1.2.3/32", "10.1.2.3");
	canon("0.0.0.0", "0.0.0.0");
	canon("0.0.0.0/32", "0.0.0.0");
	canon("255.255.255.255", "255.255.255.255");
	canon("255.255.255.255/32", "255.255.255.255");
	canon("0.0.0.0/0", "0.0.0.0/0");
	canon("0.0.0.0/1", "0.0.0.0/1");
	canon("128.0.0.0/1", "128.0.0.0/1");
	canon("10.0.0.0/8", "10.0.0.0/8");
	canon("172.16.0.0/12", "172.16.0.0/12");
	canon("192.168.0.0/16", "192.168.0.0/16");
	canon("192.0.2.128/25", "192.0.2.128/25");
	canon("192.0.2.254/31", "192.0.2.254/31");
	canon("1.2.3.4", "1.2.3.4");
	canon("100.64.0.0/10", "100.64.0.0/10");

	sfb_addrset_init(&a);
	add(&a, "10.0.0.0/8");
	assert_int_equal(a.v4.n, 1);
	assert_int_equal(a.v4.r[0].lo.lo, 0x0a000000);
	assert_int_equal(a.v4.r[0].hi.lo, 0x0affffff);
	assert_int_equal(a.v4.r[0].hi.hi, 0);
	assert_true(sfb_iset_empty(&a.v6));
	sfb_addrset_free(&a);
	add(&a, "0.0.0.0/0");
	assert_int_equal(a.v4.r[0].lo.lo, 0);
	assert_int_equal(a.v4.r[0].hi.lo, 0xffffffff);
	sfb_addrset_free(&a);
}

static void
test_v4_bad(void **state)
{
	(void)state;
	bad(NULL);
	bad("");
	bad("1");
	bad("1.2");
	bad("1.2.3");
	bad("1.2.3.4.5");
	bad("1.2.3.");
	bad("1.2.3.4.");
	bad(".1.2.3");
	bad("1..2.3");
	bad("256.1.1.1");
	bad("1.1.1.256");
	bad("1.1.1.999999999999999999999");
	bad("-1.2.3.4");
	bad("+1.2.3.4");
	bad("0x1.2.3.4");
	bad("1.2.3.4a");
	bad("a.b.c.d");
	bad("1.2.3.4 ");
	bad(" 1.2.3.4");
	bad("1. 2.3.4");
	bad("1,2,3,4");
	/* leading zeros: octal to some tools, decimal to others */
	bad("01.2.3.4");
	bad("1.2.3.04");
	bad("010.0.0.1");
	bad("00.0.0.0");
	bad("1.2.3.00");
	/* prefix lengths */
	bad("1.2.3.4/");
	bad("1.2.3.4/33");
	bad("1.2.3.4/a");
	bad("1.2.3.4/-1");
	bad("1.2.3.4/+8");
	bad("1.2.3.4//8");
	bad("1.2.3.4/32x");
	bad("1.2.3.4/32/32");
	bad("1.2.3.4/ 32");
	bad("10.0.0.0/08");
	bad("0.0.0.0/00");
	bad("1.2.3.4/99999999999999999999");
	/* host bits set under the prefix */
	bad("10.0.0.1/8");
	bad("11.0.0.0/7");
	bad("192.168.1.1/24");
	bad("0.0.0.1/0");
	bad("255.255.255.255/31");
	bad("128.0.0.0/0");
}

/* --- IPv6 ------------------------------------------------------------- */

static void
test_v6_parse_print(void **state)
{
	sfb_addrset a;

	(void)state;
	/* RFC 5952 section 4 */
	canon("2001:db8::1", "2001:db8::1");
	canon("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1");
	canon("2001:db8:0:0:0:0:2:1", "2001:db8::2:1");
	canon("2001:db8::0:1", "2001:db8::1");
	canon("2001:DB8::A", "2001:db8::a");
	canon("2001:Db8:AbCd::eF", "2001:db8:abcd::ef");
	/* a single zero group is not compressed */
	canon("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
	canon("2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
	/* the longest run wins; the first of equal runs wins */
	canon("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");
	canon("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
	canon("1:0:0:2:0:0:3:4", "1::2:0:0:3:4");
	canon("1:0:0:0:2:0:0:0", "1::2:0:0:0");
	canon("1:0:0:2:0:0:0:3", "1:0:0:2::3");
	canon("0:0:1:0:0:0:0:0", "0:0:1::");
	canon("0:0:0:1:0:0:0:0", "0:0:0:1::");
	/* :: at either end, and alone */
	canon("::", "::");
	canon("::0", "::");
	canon("0:0:0:0:0:0:0:0", "::");
	canon("::1", "::1");
	canon("0:0:0:0:0:0:0:1", "::1");
	canon("1::", "1::");
	canon("1:0:0:0:0:0:0:0", "1::");
	canon("fe80::", "fe80::");
	canon("ff02::1:2", "ff02::1:2");
	/* :: standing for a single group is accepted (RFC 4291), printed
	 * without it (RFC 5952 4.2.2) */
	canon("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0");
	canon("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8");
	canon("1:2:3::5:6:7:8", "1:2:3:0:5:6:7:8");
	canon("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8");
	canon("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	canon("FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF/128",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	canon("0001:0020:0300:4000::", "1:20:300:4000::");
	/* prefixes */
	canon("::/0", "::/0");
	canon("::/128", "::");
	canon("::1/128", "::1");
	canon("::/1", "::/1");
	canon("8000::/1", "8000::/1");
	canon("2001:db8::/32", "2001:db8::/32");
	canon("2001:db8::/64", "2001:db8::/64");
	canon("fe80::/10", "fe80::/10");
	canon("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127");
	canon("0:0:0:0:8000::/65", "::8000:0:0:0/65");
	/* IPv4-mapped: mixed notation in, mixed notation out (RFC 5952 5) */
	canon("::ffff:1.2.3.4", "::ffff:1.2.3.4");
	canon("::FFFF:1.2.3.4", "::ffff:1.2.3.4");
	canon("::ffff:0102:0304", "::ffff:1.2.3.4");
	canon("0:0:0:0:0:ffff:1.2.3.4", "::ffff:1.2.3.4");
	canon("::ffff:0.0.0.0/96", "::ffff:0.0.0.0/96");
	canon("::ffff:10.0.0.0/104", "::ffff:10.0.0.0/104");
	canon("::ffff:255.255.255.255", "::ffff:255.255.255.255");
	/* other embedded dotted quads print as hex */
	canon("::1.2.3.4", "::102:304");
	canon("64:ff9b::1.2.3.4", "64:ff9b::102:304");
	canon("64:ff9b::/96", "64:ff9b::/96");
	canon("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304");
	canon("1::5:6:1.2.3.4", "1::5:6:102:304");
	canon("::0.0.0.0", "::");
	canon("::0.0.0.1", "::1");
	canon("::1:ffff:1.2.3.4", "::1:ffff:102:304");
	canon("ffff::1.2.3.4", "ffff::102:304");

	/* the key values */
	sfb_addrset_init(&a);
	add(&a, "2001:db8::1");
	assert_int_equal(a.v6.n, 1);
	assert_int_equal(a.v6.r[0].lo.hi, UINT64_C(0x20010db800000000));
	assert_int_equal(a.v6.r[0].lo.lo, 1);
	assert_true(sfb_iset_empty(&a.v4));
	sfb_addrset_free(&a);
	add(&a, "::ffff:1.2.3.4");
	assert_int_equal(a.v6.r[0].lo.hi, 0);
	assert_int_equal(a.v6.r[0].lo.lo, UINT64_C(0x0000ffff01020304));
	/* mapped addresses stay IPv6 */
	assert_true(sfb_iset_empty(&a.v4));
	sfb_addrset_free(&a);
	add(&a, "::/0");
	assert_int_equal(sfb_u128_cmp(a.v6.r[0].lo, sfb_u128_make(0, 0)), 0);
	assert_int_equal(sfb_u128_cmp(a.v6.r[0].hi, MAXV), 0);
	sfb_addrset_free(&a);
	add(&a, "2001:db8::/32");
	assert_int_equal(a.v6.r[0].hi.hi, UINT64_C(0x20010db8ffffffff));
	assert_int_equal(a.v6.r[0].hi.lo, UINT64_MAX);
	sfb_addrset_free(&a);
}

static void
test_v6_bad(void **state)
{
	(void)state;
	bad(":");
	bad(":::");
	bad("::::");
	bad(":1");
	bad("1:");
	bad(":1::");
	bad("::1:");
	bad("1::2:");
	bad(":1:2:3:4:5:6:7:8");
	bad("1:2:3:4:5:6:7:8:");
	bad("1:::2");
	bad("1::2::3");
	bad("::1::");
	bad("1:2:3:4:5:6:7");
	bad("1:2:3:4:5:6:7:8:9");
	bad("1:2:3:4:5:6:7:8::");
	bad("::1:2:3:4:5:6:7:8");
	bad("1:2:3:4::5:6:7:8");
	bad("12345::");
	bad("::12345");
	bad("00000::");
	bad("g::");
	bad("::g");
	bad("1:2:3:4:5:6:7:8g");
	bad("2001:db8::1 ");
	bad(" 2001:db8::1");
	bad("[2001:db8::1]");
	bad("fe80::1%eth0");
	bad("fe80::1%1");
	bad("2001:db8:::1");
	bad("-1::");
	bad("0x1::");
	/* dotted quad tails */
	bad("::1.2.3");
	bad("::1.2.3.4.5");
	bad("::1.2.3.4:1");
	bad("::1.2.3.4::");
	bad("1.2.3.4::");
	bad("1.2.3.4::1");
	bad("::ffff:1.2.3.4.");
	bad("::ffff:01.2.3.4");
	bad("::ffff:1.2.3.256");
	bad("::ffff:1.2.3.a");
	bad("::ffff:1a.2.3.4");
	bad("::ffff:1.2.3.4a");
	bad("::1.2.3.4.5:6");
	bad("1:2:3:4:5:6:7:1.2.3.4");	/* 9 groups' worth */
	bad("1:2:3:4:5:6:7:8:1.2.3.4");
	bad("1:2:3:4:5:6::1.2.3.4");	/* :: must stand for a group */
	bad("::ffff:1.2.3.4:5.6.7.8");
	bad("::ffff:.1.2.3");
	/* prefix lengths */
	bad("::/");
	bad("::/129");
	bad("::/01");
	bad("::/00");
	bad("::/a");
	bad("::/-0");
	bad("::/128/128");
	bad("::/1 ");
	bad("::1/1:2");
	bad("::/99999999999999999999");
	/* host bits under the prefix */
	bad("2001:db8::1/64");
	bad("2001:db9::/31");
	bad("::1/0");
	bad("::1/127");
	bad("8000::/0");
	bad("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/127");
	bad("::ffff:1.2.3.4/96");
	bad("0:0:0:1::/63");
}

static void
test_is_single(void **state)
{
	(void)state;
	assert_true(sfb_addr_is_single("10.1.2.3"));
	assert_true(sfb_addr_is_single("0.0.0.0"));
	assert_true(sfb_addr_is_single("255.255.255.255"));
	assert_true(sfb_addr_is_single("::"));
	assert_true(sfb_addr_is_single("::1"));
	assert_true(sfb_addr_is_single("2001:db8::1"));
	assert_true(sfb_addr_is_single("::ffff:1.2.3.4"));
	/* a prefix length, even /32 or /128, is not "exactly one address" */
	assert_false(sfb_addr_is_single("10.1.2.3/32"));
	assert_false(sfb_addr_is_single("::1/128"));
	assert_false(sfb_addr_is_single("10.0.0.0/8"));
	assert_false(sfb_addr_is_single("::/0"));
	assert_false(sfb_addr_is_single("10.0.0.1/8"));
	assert_false(sfb_addr_is_single("10.0.0"));
	assert_false(sfb_addr_is_single(""));
	assert_false(sfb_addr_is_single(NULL));
}

/* --- decomposition and printing --------------------------------------- */

static void
add_range4(sfb_addrset *a, uint32_t lo, uint32_t hi)
{
	assert_int_equal(sfb_iset_add(&a->v4, sfb_u128_make(0, lo),
	    sfb_u128_make(0, hi)), SFB_OK);
}

static void
test_decompose(void **state)
{
	sfb_addrset a;

	(void)state;
	sfb_addrset_init(&a);
	expect_print(&a, "");
	expect_family(&a, 4, "");
	expect_family(&a, 6, "");
	assert_int_equal(sfb_addrset_count_cidrs(&a, 4), 0);
	assert_int_equal(sfb_addrset_count_cidrs(&a, 6), 0);

	add_range4(&a, 0x0a000001, 0x0a000006);
	expect_print(&a, "10.0.0.1, 10.0.0.2/31, 10.0.0.4/31, 10.0.0.6");
	assert_int_equal(sfb_addrset_count_cidrs(&a, 4), 4);
	sfb_addrset_free(&a);

	/* two blocks that together are aligned print as one */
	add(&a, "10.0.0.0/25");
	add(&a, "10.0.0.128/25");
	expect_print(&a, "10.0.0.0/24");
	add(&a, "10.0.1.0/24");
	expect_print(&a, "10.0.0.0/23");
	sfb_addrset_free(&a);
	/* adjacent but not aligned together: stays two blocks, one range */
	add(&a, "10.0.2.0/24");
	add(&a, "10.0.1.0/24");
	assert_int_equal(a.v4.n, 1);
	expect_print(&a, "10.0.1.0/24, 10.0.2.0/24");
	add(&a, "10.0.3.0/24");
	expect_print(&a, "10.0.1.0/24, 10.0.2.0/23");
	add(&a, "10.0.0.0/24");
	expect_print(&a, "10.0.0.0/22");
	sfb_addrset_free(&a);

	/* everything but the last address: 32 blocks */
	add_range4(&a, 0, 0xfffffffe);
	assert_int_equal(sfb_addrset_count_cidrs(&a, 4), 32);
	expect_print(&a, "0.0.0.0/1, 128.0.0.0/2, 192.0.0.0/3, 224.0.0.0/4, "
	    "240.0.0.0/5, 248.0.0.0/6, 252.0.0.0/7, 254.0.0.0/8, 255.0.0.0/9, "
	    "255.128.0.0/10, 255.192.0.0/11, 255.224.0.0/12, 255.240.0.0/13, "
	    "255.248.0.0/14, 255.252.0.0/15, 255.254.0.0/16, 255.255.0.0/17, "
	    "255.255.128.0/18, 255.255.192.0/19, 255.255.224.0/20, "
	    "255.255.240.0/21, 255.255.248.0/22, 255.255.252.0/23, "
	    "255.255.254.0/24, 255.255.255.0/25, 255.255.255.128/26, "
	    "255.255.255.192/27, 255.255.255.224/28, 255.255.255.240/29, "
	    "255.255.255.248/30, 255.255.255.252/31, 255.255.255.254");
	sfb_addrset_free(&a);
	/* everything but the first */
	add_range4(&a, 1, 0xffffffff);
	assert_int_equal(sfb_addrset_count_cidrs(&a, 4), 32);
	sfb_addrset_free(&a);

	/* IPv6: everything but ::1, everything but the last address */
	add(&a, "::/0");
	{
		sfb_addrset b, out;

		sfb_addrset_init(&b);
		sfb_addrset_init(&out);
		add(&b, "::1");
		assert_int_equal(sfb_addrset_diff(&out, &a, &b), SFB_OK);
		assert_int_equal(sfb_addrset_count_cidrs(&out, 6), 128);
		assert_int_equal(out.v6.n, 2);
		sfb_addrset_free(&b);
		add(&b, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
		assert_int_equal(sfb_addrset_diff(&out, &a, &b), SFB_OK);
		assert_int_equal(sfb_addrset_count_cidrs(&out, 6), 128);
		assert_int_equal(out.v6.n, 1);
		sfb_addrset_free(&b);
		add(&b, "::");
		add(&b, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
		assert_int_equal(sfb_addrset_diff(&out, &a, &b), SFB_OK);
		assert_int_equal(sfb_addrset_count_cidrs(&out, 6), 254);
		/* and the two points alone */
		assert_int_equal(sfb_addrset_copy(&b, &out), SFB_OK);
		assert_int_equal(sfb_addrset_diff(&out, &a, &b), SFB_OK);
		expect_print(&out, "::, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
		sfb_addrset_free(&b);
		sfb_addrset_free(&out);
	}
	sfb_addrset_free(&a);

	/* a range across the 64-bit halves */
	assert_int_equal(sfb_iset_add(&a.v6, sfb_u128_make(0, UINT64_MAX),
	    sfb_u128_make(1, 0)), SFB_OK);
	expect_print(&a, "::ffff:ffff:ffff:ffff, 0:0:0:1::");
	sfb_addrset_free(&a);
	assert_int_equal(sfb_iset_add(&a.v6, sfb_u128_make(0, 0),
	    sfb_u128_make(0, UINT64_MAX)), SFB_OK);
	expect_print(&a, "::/64");
	sfb_addrset_free(&a);
}

/* The complement of RFC 1918 in 0.0.0.0/0, block by block. */
static const char *const not_rfc1918[] = {
	"0.0.0.0/5", "8.0.0.0/7", "11.0.0.0/8", "12.0.0.0/6", "16.0.0.0/4",
	"32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/3", "160.0.0.0/5",
	"168.0.0.0/6", "172.0.0.0/12", "172.32.0.0/11", "172.64.0.0/10",
	"172.128.0.0/9", "173.0.0.0/8", "174.0.0.0/7", "176.0.0.0/4",
	"192.0.0.0/9", "192.128.0.0/11", "192.160.0.0/13", "192.169.0.0/16",
	"192.170.0.0/15", "192.172.0.0/14", "192.176.0.0/12",
	"192.192.0.0/10", "193.0.0.0/8", "194.0.0.0/7", "196.0.0.0/6",
	"200.0.0.0/5", "208.0.0.0/4", "224.0.0.0/3",
};
#define N_NOT_RFC1918 (sizeof(not_rfc1918) / sizeof(not_rfc1918[0]))

struct collect {
	sfb_addrset reparsed;
	size_t n;
	size_t stop_after;	/* 0: never stop */
	sfb_buf joined;
};

static sfb_status
collect_cb(void *arg, const char *cidr)
{
	struct collect *c = arg;

	if (c->n > 0)
		sfb_buf_putc(&c->joined, ';');
	sfb_buf_puts(&c->joined, cidr);
	c->n++;
	/* every block is a valid, aligned prefix: the parser would reject
	 * host bits */
	assert_int_equal(sfb_addrset_parse(&c->reparsed, cidr), SFB_OK);
	if (c->stop_after != 0 && c->n == c->stop_after)
		return SFB_EIO;
	return SFB_OK;
}

static void
collect_init(struct collect *c)
{
	sfb_addrset_init(&c->reparsed);
	c->n = 0;
	c->stop_after = 0;
	sfb_buf_init(&c->joined);
}

static void
collect_free(struct collect *c)
{
	sfb_addrset_free(&c->reparsed);
	sfb_buf_free(&c->joined);
}

static void
test_rfc1918_complement(void **state)
{
	sfb_addrset all, priv, out, check;
	struct collect c;
	sfb_buf want;
	uint64_t total = 0;
	size_t i;

	(void)state;
	sfb_addrset_init(&all);
	sfb_addrset_init(&priv);
	sfb_addrset_init(&out);
	sfb_addrset_init(&check);
	sfb_buf_init(&want);
	add(&all, "0.0.0.0/0");
	add(&priv, "10.0.0.0/8");
	add(&priv, "172.16.0.0/12");
	add(&priv, "192.168.0.0/16");
	assert_int_equal(sfb_addrset_diff(&out, &all, &priv), SFB_OK);
	assert_int_equal(out.v4.n, 4);
	assert_true(sfb_iset_empty(&out.v6));

	assert_int_equal(sfb_addrset_count_cidrs(&out, 4), N_NOT_RFC1918);
	assert_int_equal(sfb_addrset_count_cidrs(&out, 6), 0);
	for (i = 0; i < N_NOT_RFC1918; i++) {
		if (i > 0)
			sfb_buf_puts(&want, ", ");
		sfb_buf_puts(&want, not_rfc1918[i]);
	}
	expect_print(&out, sfb_buf_str(&want));
	expect_family(&out, 4, sfb_buf_str(&want));
	expect_family(&out, 6, "");

	/* the blocks re-parsed give the set back, they are disjoint from
	 * RFC 1918, and together they hold 2^32 - 2^24 - 2^20 - 2^16 */
	collect_init(&c);
	assert_int_equal(sfb_addrset_each_cidr(&out, 4, collect_cb, &c), SFB_OK);
	assert_int_equal(c.n, N_NOT_RFC1918);
	assert_true(sfb_addrset_equal(&c.reparsed, &out));
	assert_false(sfb_addrset_overlaps(&c.reparsed, &priv));
	for (i = 0; i < out.v4.n; i++)
		total += out.v4.r[i].hi.lo - out.v4.r[i].lo.lo + 1;
	assert_int_equal(total, (UINT64_C(1) << 32) - (UINT64_C(1) << 24) -
	    (UINT64_C(1) << 20) - (UINT64_C(1) << 16));
	/* and with RFC 1918 put back, everything */
	assert_int_equal(sfb_addrset_union(&c.reparsed, &priv), SFB_OK);
	assert_true(sfb_addrset_equal(&c.reparsed, &all));
	collect_free(&c);

	/* the list in the text, parsed independently, is that set too */
	for (i = 0; i < N_NOT_RFC1918; i++)
		add(&check, not_rfc1918[N_NOT_RFC1918 - 1 - i]);
	assert_true(sfb_addrset_equal(&check, &out));

	sfb_addrset_free(&all);
	sfb_addrset_free(&priv);
	sfb_addrset_free(&out);
	sfb_addrset_free(&check);
	sfb_buf_free(&want);
}

static void
test_each_cidr(void **state)
{
	sfb_addrset a;
	struct collect c;

	(void)state;
	sfb_addrset_init(&a);
	add(&a, "10.0.0.0/8");
	add(&a, "192.0.2.7");
	add(&a, "2001:db8::/32");
	add(&a, "::1");
	expect_print(&a, "10.0.0.0/8, 192.0.2.7, ::1, 2001:db8::/32");
	expect_family(&a, 4, "10.0.0.0/8, 192.0.2.7");
	expect_family(&a, 6, "::1, 2001:db8::/32");
	expect_family(&a, 5, "");
	expect_family(&a, 0, "");
	assert_int_equal(sfb_addrset_count_cidrs(&a, 4), 2);
	assert_int_equal(sfb_addrset_count_cidrs(&a, 6), 2);
	assert_int_equal(sfb_addrset_count_cidrs(&a, 46), 0);

	collect_init(&c);
	assert_int_equal(sfb_addrset_each_cidr(&a, 4, collect_cb, &c), SFB_OK);
	assert_string_equal(sfb_buf_str(&c.joined), "10.0.0.0/8;192.0.2.7");
	assert_int_equal(sfb_addrset_each_cidr(&a, 6, collect_cb, &c), SFB_OK);
	assert_string_equal(sfb_buf_str(&c.joined),
	    "10.0.0.0/8;192.0.2.7;::1;2001:db8::/32");
	assert_true(sfb_addrset_equal(&c.reparsed, &a));
	collect_free(&c);

	/* the callback's error stops the walk and comes back */
	collect_init(&c);
	c.stop_after = 1;
	assert_int_equal(sfb_addrset_each_cidr(&a, 6, collect_cb, &c), SFB_EIO);
	assert_int_equal(c.n, 1);
	assert_string_equal(sfb_buf_str(&c.joined), "::1");
	collect_free(&c);

	/* a family that does not exist */
	collect_init(&c);
	assert_int_equal(sfb_addrset_each_cidr(&a, 5, collect_cb, &c), SFB_EINVAL);
	assert_int_equal(c.n, 0);
	collect_free(&c);

	/* an empty family calls nothing */
	sfb_addrset_free(&a);
	add(&a, "::/0");
	collect_init(&c);
	assert_int_equal(sfb_addrset_each_cidr(&a, 4, collect_cb, &c), SFB_OK);
	assert_int_equal(c.n, 0);
	assert_int_equal(sfb_addrset_each_cidr(&a, 6, collect_cb, &c), SFB_OK);
	assert_string_equal(sfb_buf_str(&c.joined), "::/0");
	collect_free(&c);
	sfb_addrset_free(&a);
}

/* --- set operations --------------------------------------------------- */

static void
test_set_ops(void **state)
{
	sfb_addrset a, b, out, e;

	(void)state;
	sfb_addrset_init(&a);
	sfb_addrset_init(&b);
	sfb_addrset_init(&out);
	sfb_addrset_init(&e);

	assert_true(sfb_addrset_empty(&e));
	add(&a, "10.0.0.0/8");
	add(&a, "2001:db8::/32");
	assert_false(sfb_addrset_empty(&a));
	add(&b, "10.1.0.0/16");
	add(&b, "192.168.0.0/16");
	add(&b, "2001:db8:1::/48");
	add(&b, "fe80::/10");

	assert_int_equal(sfb_addrset_intersect(&out, &a, &b), SFB_OK);
	expect_print(&out, "10.1.0.0/16, 2001:db8:1::/48");
	assert_true(sfb_addrset_subset(&out, &a));
	assert_true(sfb_addrset_subset(&out, &b));
	assert_false(sfb_addrset_subset(&a, &b));
	assert_true(sfb_addrset_overlaps(&a, &b));

	assert_int_equal(sfb_addrset_diff(&out, &a, &b), SFB_OK);
	expect_print(&out, "10.0.0.0/16, 10.2.0.0/15, 10.4.0.0/14, "
	    "10.8.0.0/13, 10.16.0.0/12, 10.32.0.0/11, 10.64.0.0/10, "
	    "10.128.0.0/9, 2001:db8::/48, 2001:db8:2::/47, 2001:db8:4::/46, "
	    "2001:db8:8::/45, 2001:db8:10::/44, 2001:db8:20::/43, "
	    "2001:db8:40::/42, 2001:db8:80::/41, 2001:db8:100::/40, "
	    "2001:db8:200::/39, 2001:db8:400::/38, 2001:db8:800::/37, "
	    "2001:db8:1000::/36, 2001:db8:2000::/35, 2001:db8:4000::/34, "
	    "2001:db8:8000::/33");
	assert_false(sfb_addrset_overlaps(&out, &b));

	assert_int_equal(sfb_addrset_copy(&out, &a), SFB_OK);
	assert_int_equal(sfb_addrset_union(&out, &b), SFB_OK);
	expect_print(&out, "10.0.0.0/8, 192.168.0.0/16, 2001:db8::/32, fe80::/10");
	assert_true(sfb_addrset_subset(&a, &out));
	assert_true(sfb_addrset_subset(&b, &out));
	assert_false(sfb_addrset_equal(&a, &out));

	/* the families never mix: an IPv4-mapped address is not the
	 * IPv4 address */
	sfb_addrset_free(&a);
	sfb_addrset_free(&b);
	add(&a, "10.0.0.1");
	add(&b, "::ffff:10.0.0.1");
	assert_false(sfb_addrset_overlaps(&a, &b));
	assert_false(sfb_addrset_subset(&a, &b));
	assert_false(sfb_addrset_equal(&a, &b));
	assert_int_equal(sfb_addrset_intersect(&out, &a, &b), SFB_OK);
	assert_true(sfb_addrset_empty(&out));
	/* and ::/0 does not cover IPv4 */
	add(&b, "::/0");
	assert_false(sfb_addrset_subset(&a, &b));
	assert_int_equal(sfb_addrset_diff(&out, &a, &b), SFB_OK);
	assert_true(sfb_addrset_equal(&out, &a));

	/* all */
	assert_int_equal(sfb_addrset_all(&out), SFB_OK);
	expect_print(&out, "0.0.0.0/0, ::/0");
	assert_true(sfb_addrset_subset(&a, &out));
	assert_true(sfb_addrset_subset(&b, &out));
	assert_int_equal(sfb_addrset_diff(&e, &out, &out), SFB_OK);
	assert_true(sfb_addrset_empty(&e));
	/* all on top of something */
	assert_int_equal(sfb_addrset_all(&out), SFB_OK);
	expect_print(&out, "0.0.0.0/0, ::/0");
	/* everything from halves */
	assert_int_equal(sfb_addrset_all(&e), SFB_OK);
	sfb_addrset_free(&out);
	add(&out, "0.0.0.0/1");
	add(&out, "128.0.0.0/1");
	add(&out, "::/1");
	add(&out, "8000::/1");
	assert_true(sfb_addrset_equal(&out, &e));

	/* empties */
	sfb_addrset_free(&e);
	assert_true(sfb_addrset_subset(&e, &a));
	assert_false(sfb_addrset_overlaps(&e, &a));
	assert_int_equal(sfb_addrset_union(&e, &a), SFB_OK);
	assert_true(sfb_addrset_equal(&e, &a));
	assert_int_equal(sfb_addrset_copy(&e, &e), SFB_OK);
	assert_true(sfb_addrset_equal(&e, &a));

	sfb_addrset_free(&a);
	sfb_addrset_free(&b);
	sfb_addrset_free(&out);
	sfb_addrset_free(&e);
}

static void
test_order_independent(void **state)
{
	static const char *const items[] = {
		"10.0.0.0/8", "10.1.2.3", "10.255.255.255", "11.0.0.0",
		"9.255.255.255", "192.0.2.0/25", "192.0.2.128/25",
		"2001:db8::/33", "2001:db8:8000::/33", "::", "::1",
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::ffff:1.2.3.4",
	};
	enum { N = sizeof(items) / sizeof(items[0]) };
	sfb_addrset ref, s;
	size_t i, k;

	(void)state;
	sfb_addrset_init(&ref);
	sfb_addrset_init(&s);
	for (i = 0; i < N; i++)
		add(&ref, items[i]);
	expect_print(&ref, "9.255.255.255, 10.0.0.0/8, 11.0.0.0, 192.0.2.0/24, "
	    "::/127, ::ffff:1.2.3.4, 2001:db8::/32, "
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	/* every rotation and the reverse */
	for (k = 0; k < N; k++) {
		sfb_addrset_free(&s);
		for (i = 0; i < N; i++)
			add(&s, items[(i + k) % N]);
		assert_true(sfb_addrset_equal(&s, &ref));
		sfb_addrset_free(&s);
		for (i = 0; i < N; i++)
			add(&s, items[(N - 1 - i + k) % N]);
		assert_true(sfb_addrset_equal(&s, &ref));
	}
	sfb_addrset_free(&ref);
	sfb_addrset_free(&s);
}

/* --- randomized checks against the C library and a reference split ---- */

typedef struct rng {
	uint64_t s;
} rng;

static uint64_t
rng_next(rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static size_t
rng_below(rng *r, size_t n)
{
	return (size_t)(rng_next(r) % n);
}

static sfb_u128
bytes_to_u128(const unsigned char *p)
{
	sfb_u128 v = { 0, 0 };
	int i;

	for (i = 0; i < 8; i++) {
		v.hi = v.hi << 8 | p[i];
		v.lo = v.lo << 8 | p[8 + i];
	}
	return v;
}

/* Mutate valid addresses and compare acceptance and value with
 * inet_pton(), whose rules (glibc: four decimal octets without leading
 * zeros; RFC 4291 IPv6 without zones) are the ones chosen here. */
static void
test_parse_vs_inet_pton(void **state)
{
	static const char *const seeds[] = {
		"0.0.0.0", "1.2.3.4", "255.255.255.255", "10.0.0.1",
		"192.168.100.200", "::", "::1", "1::", "2001:db8::1",
		"1:2:3:4:5:6:7:8", "::ffff:1.2.3.4", "64:ff9b::10.0.0.1",
		"fe80::abcd:ef01", "1:2:3:4:5:6:1.2.3.4", "ffff::ffff",
		"1:0:0:0:0:0:0:8", "a:b::c:d", "0:0::0:0", "::0.0.0.0",
	};
	static const char alphabet[] = "0123456789abcdefABCDEF:::..g%x 0";
	char s[64];
	unsigned char bin[16];
	rng r = { 1918 };
	size_t iter, len, k, muts, pos, agree_yes = 0, agree_no = 0;
	sfb_addrset a;
	int ok4, ok6;
	bool mine;

	(void)state;
	sfb_addrset_init(&a);
	for (iter = 0; iter < 200000; iter++) {
		const char *seed = seeds[rng_below(&r, sizeof(seeds) / sizeof(seeds[0]))];

		len = strlen(seed);
		memcpy(s, seed, len + 1);
		muts = rng_below(&r, 4);
		for (k = 0; k < muts; k++) {
			pos = len > 0 ? rng_below(&r, len + 1) : 0;
			switch (rng_below(&r, 4)) {
			case 0:	/* delete */
				if (pos < len) {
					memmove(s + pos, s + pos + 1, len - pos);
					len--;
				}
				break;
			case 1:	/* insert */
				if (len + 1 < sizeof(s)) {
					memmove(s + pos + 1, s + pos, len - pos + 1);
					s[pos] = alphabet[rng_below(&r, sizeof(alphabet) - 1)];
					len++;
				}
				break;
			case 2:	/* replace */
				if (pos < len)
					s[pos] = alphabet[rng_below(&r, sizeof(alphabet) - 1)];
				break;
			default:	/* duplicate a chunk */
				if (pos < len && len * 2 < sizeof(s)) {
					size_t n = 1 + rng_below(&r, len - pos);

					memmove(s + pos + n, s + pos, len - pos + 1);
					len += n;
				}
				break;
			}
		}
		ok4 = inet_pton(AF_INET, s, bin);
		ok6 = ok4 == 1 ? 0 : inet_pton(AF_INET6, s, bin);
		sfb_addrset_free(&a);
		mine = sfb_addrset_parse(&a, s) == SFB_OK;
		if (mine != (ok4 == 1 || ok6 == 1))
			fail_msg("\"%s\": sfb %s, inet_pton %s", s,
			    mine ? "accepts" : "rejects",
			    mine ? "rejects" : "accepts");
		assert_int_equal(mine, sfb_addr_is_single(s));
		if (!mine) {
			agree_no++;
			continue;
		}
		agree_yes++;
		if (ok4 == 1) {
			assert_int_equal(a.v4.n, 1);
			assert_true(sfb_iset_empty(&a.v6));
			assert_int_equal(a.v4.r[0].lo.lo, (uint64_t)bin[0] << 24 |
			    (uint64_t)bin[1] << 16 | (uint64_t)bin[2] << 8 | bin[3]);
			assert_int_equal(sfb_u128_cmp(a.v4.r[0].lo, a.v4.r[0].hi), 0);
		} else {
			assert_int_equal(a.v6.n, 1);
			assert_true(sfb_iset_empty(&a.v4));
			assert_int_equal(sfb_u128_cmp(a.v6.r[0].lo, bytes_to_u128(bin)), 0);
			assert_int_equal(sfb_u128_cmp(a.v6.r[0].lo, a.v6.r[0].hi), 0);
		}
	}
	/* the mutations must have produced plenty of both */
	assert_true(agree_yes > 20000);
	assert_true(agree_no > 20000);
	sfb_addrset_free(&a);
}

/* Random addresses with many zero groups: the printed form must match
 * inet_ntop() (which glibc makes RFC 5952 conformant) except where glibc
 * still writes the deprecated IPv4-compatible form ::a.b.c.d, and must
 * parse back to the same value. */
static void
test_print_vs_inet_ntop(void **state)
{
	unsigned char bin[16];
	char want[INET6_ADDRSTRLEN];
	uint16_t w[8];
	sfb_addrset a, back;
	sfb_buf b;
	rng r = { 5952 };
	size_t iter, i, compared = 0;
	bool lead6;

	(void)state;
	sfb_addrset_init(&a);
	sfb_addrset_init(&back);
	sfb_buf_init(&b);
	for (iter = 0; iter < 100000; iter++) {
		for (i = 0; i < 8; i++) {
			switch (rng_below(&r, 4)) {
			case 0:
			case 1:
				w[i] = 0;
				break;
			case 2:
				w[i] = (uint16_t)rng_below(&r, 17);
				break;
			default:
				w[i] = (uint16_t)rng_next(&r);
				break;
			}
			if (iter % 7 == 0 && i == 5)
				w[i] = 0xffff;	/* more mapped addresses */
			bin[2 * i] = (unsigned char)(w[i] >> 8);
			bin[2 * i + 1] = (unsigned char)w[i];
		}
		sfb_addrset_free(&a);
		assert_int_equal(sfb_iset_add(&a.v6, bytes_to_u128(bin),
		    bytes_to_u128(bin)), SFB_OK);
		sfb_buf_reset(&b);
		sfb_addrset_print(&b, &a);
		assert_int_equal(sfb_buf_status(&b), SFB_OK);

		/* round trip */
		sfb_addrset_free(&back);
		assert_int_equal(sfb_addrset_parse(&back, sfb_buf_str(&b)), SFB_OK);
		assert_true(sfb_addrset_equal(&a, &back));

		lead6 = w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0 &&
		    w[4] == 0 && w[5] == 0;
		if (lead6 && !(w[6] == 0 && w[7] <= 1))
			continue;	/* glibc's ::a.b.c.d */
		assert_non_null(inet_ntop(AF_INET6, bin, want, sizeof(want)));
		assert_string_equal(sfb_buf_str(&b), want);
		compared++;
	}
	assert_true(compared > 90000);

	/* IPv4 against inet_ntop too */
	for (iter = 0; iter < 20000; iter++) {
		uint32_t v = (uint32_t)rng_next(&r);

		if (iter % 3 == 0)
			v &= 0xff00ff00u;
		for (i = 0; i < 4; i++)
			bin[i] = (unsigned char)(v >> (24 - 8 * i));
		sfb_addrset_free(&a);
		assert_int_equal(sfb_iset_add(&a.v4, sfb_u128_make(0, v),
		    sfb_u128_make(0, v)), SFB_OK);
		sfb_buf_reset(&b);
		sfb_addrset_print(&b, &a);
		assert_non_null(inet_ntop(AF_INET, bin, want, sizeof(want)));
		assert_string_equal(sfb_buf_str(&b), want);
	}
	sfb_addrset_free(&a);
	sfb_addrset_free(&back);
	sfb_buf_free(&b);
}

/* The minimal CIDR split computed another way: walk the prefix tree and
 * take every node wholly inside the range whose parent is not. */
static void
ref_split4(sfb_buf *out, uint64_t lo, uint64_t hi, uint64_t base, unsigned plen)
{
	uint64_t end = base + (UINT64_C(1) << (32 - plen)) - 1;

	if (end < lo || base > hi)
		return;
	if (lo <= base && end <= hi) {
		if (out->len > 0)
			sfb_buf_puts(out, ", ");
		sfb_buf_printf(out, "%u.%u.%u.%u", (unsigned)(base >> 24) & 255,
		    (unsigned)(base >> 16) & 255, (unsigned)(base >> 8) & 255,
		    (unsigned)base & 255);
		if (plen != 32)
			sfb_buf_printf(out, "/%u", plen);
		return;
	}
	ref_split4(out, lo, hi, base, plen + 1);
	ref_split4(out, lo, hi, base + (UINT64_C(1) << (31 - plen)), plen + 1);
}

static void
test_random_split(void **state)
{
	sfb_addrset a, back;
	sfb_buf want, got;
	struct collect c;
	rng r = { 1812 };
	size_t iter, k, n;
	uint64_t lo, hi, span;
	sfb_u128 lo6, hi6;

	(void)state;
	sfb_addrset_init(&a);
	sfb_addrset_init(&back);
	sfb_buf_init(&want);
	sfb_buf_init(&got);
	for (iter = 0; iter < 2000; iter++) {
		/* IPv4: one random range against the reference */
		sfb_addrset_free(&a);
		span = UINT64_C(1) << rng_below(&r, 33);
		lo = rng_next(&r) & 0xffffffffu;
		hi = lo + rng_next(&r) % span;
		if (hi > 0xffffffffu)
			hi = 0xffffffffu;
		if (iter % 5 == 0)
			lo = 0;
		if (iter % 7 == 0)
			hi = 0xffffffffu;
		assert_int_equal(sfb_iset_add(&a.v4, sfb_u128_make(0, lo),
		    sfb_u128_make(0, hi)), SFB_OK);
		sfb_buf_reset(&want);
		ref_split4(&want, lo, hi, 0, 0);
		sfb_buf_reset(&got);
		sfb_addrset_print(&got, &a);
		assert_string_equal(sfb_buf_str(&got), sfb_buf_str(&want));

		/* IPv6: several random ranges, split and re-parsed */
		sfb_addrset_free(&a);
		n = 1 + rng_below(&r, 4);
		for (k = 0; k < n; k++) {
			lo6 = sfb_u128_make(rng_next(&r), rng_next(&r));
			if (rng_below(&r, 2)) {
				/* a small range, maybe across the halves */
				lo6.lo = UINT64_MAX - rng_below(&r, 1000);
				hi6 = lo6;
				hi6.lo += rng_below(&r, 2000);
				if (hi6.lo < lo6.lo)
					hi6.hi++;
				if (hi6.hi < lo6.hi)
					hi6 = sfb_u128_make(UINT64_MAX, UINT64_MAX);
			} else {
				hi6 = sfb_u128_make(lo6.hi + (rng_next(&r) >> rng_below(&r, 64)),
				    rng_next(&r));
				if (hi6.hi < lo6.hi)
					hi6 = sfb_u128_make(UINT64_MAX, UINT64_MAX);
				if (sfb_u128_cmp(hi6, lo6) < 0)
					hi6 = lo6;
			}
			if (iter % 11 == 0)
				lo6 = sfb_u128_make(0, 0);
			if (iter % 13 == 0)
				hi6 = sfb_u128_make(UINT64_MAX, UINT64_MAX);
			assert_int_equal(sfb_iset_add(&a.v6, lo6, hi6), SFB_OK);
		}
		collect_init(&c);
		assert_int_equal(sfb_addrset_each_cidr(&a, 6, collect_cb, &c), SFB_OK);
		assert_int_equal(c.n, sfb_addrset_count_cidrs(&a, 6));
		/* at most 2 * 127 blocks per range */
		assert_true(c.n <= a.v6.n * 254);
		assert_true(sfb_addrset_equal(&c.reparsed, &a));
		/* print gives the same text, comma-separated */
		sfb_buf_reset(&got);
		sfb_addrset_print(&got, &a);
		sfb_buf_reset(&want);
		{
			const char *p = sfb_buf_str(&c.joined);

			for (; *p != '\0'; p++) {
				if (*p == ';')
					sfb_buf_puts(&want, ", ");
				else
					sfb_buf_putc(&want, *p);
			}
		}
		assert_string_equal(sfb_buf_str(&got), sfb_buf_str(&want));
		collect_free(&c);
	}
	sfb_addrset_free(&a);
	sfb_addrset_free(&back);
	sfb_buf_free(&want);
	sfb_buf_free(&got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_parse_print),
		cmocka_unit_test(test_v4_bad),
		cmocka_unit_test(test_v6_parse_print),
		cmocka_unit_test(test_v6_bad),
		cmocka_unit_test(test_is_single),
		cmocka_unit_test(test_decompose),
		cmocka_unit_test(test_rfc1918_complement),
		cmocka_unit_test(test_each_cidr),
		cmocka_unit_test(test_set_ops),
		cmocka_unit_test(test_order_independent),
		cmocka_unit_test(test_parse_vs_inet_pton),
		cmocka_unit_test(test_print_vs_inet_ntop),
		cmocka_unit_test(test_random_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
