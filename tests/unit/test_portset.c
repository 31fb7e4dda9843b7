/* Unit tests: port sets (parsing, printing, iptables chunking). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sfb_iset.h"

static void
assert_canonical(const sfb_iset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		assert_int_equal(s->r[i].lo.hi, 0);
		assert_int_equal(s->r[i].hi.hi, 0);
		assert_true(s->r[i].lo.lo <= s->r[i].hi.lo);
		assert_true(s->r[i].hi.lo <= 65535);
		if (i > 0)
			assert_true(s->r[i - 1].hi.lo + 1 < s->r[i].lo.lo);
	}
}

/* Which printer expect_print checks. */
enum { P_CANON, P_NFT };

static void
expect_print(const sfb_portset *p, int how, const char *want)
{
	sfb_buf b;

	sfb_buf_init(&b);
	if (how == P_CANON)
		sfb_portset_print(&b, p);
	else
		sfb_portset_print_nft(&b, p);
	assert_int_equal(sfb_buf_status(&b), SFB_OK);
	assert_string_equal(sfb_buf_str(&b), want);
	sfb_buf_free(&b);
}

static void
expect_ipt(const sfb_portset *p, size_t chunk, const char *want)
{
	sfb_buf b;

	sfb_buf_init(&b);
	sfb_portset_print_ipt(&b, p, chunk);
	assert_int_equal(sfb_buf_status(&b), SFB_OK);
	assert_string_equal(sfb_buf_str(&b), want);
	sfb_buf_free(&b);
}

/* Parse text into a fresh set and check its canonical print. */
static void
parse_ok(const char *text, const char *canon)
{
	sfb_portset p;

	sfb_portset_init(&p);
	assert_int_equal(sfb_portset_parse(&p, text), SFB_OK);
	assert_canonical(&p.s);
	expect_print(&p, P_CANON, canon);
	sfb_portset_free(&p);
}

/* A bad list must fail with st and leave a non-empty set exactly as it
 * was. */
static void
parse_bad(const char *text, sfb_status st)
{
	sfb_portset p, before;

	sfb_portset_init(&p);
	sfb_portset_init(&before);
	assert_int_equal(sfb_portset_parse(&p, "7, 100-200, 65535"), SFB_OK);
	assert_int_equal(sfb_iset_copy(&before.s, &p.s), SFB_OK);
	assert_int_equal(sfb_portset_parse(&p, text), st);
	assert_true(sfb_iset_equal(&p.s, &before.s));
	/* and an empty one stays empty */
	sfb_iset_clear(&p.s);
	assert_int_equal(sfb_portset_parse(&p, text), st);
	assert_true(sfb_iset_empty(&p.s));
	sfb_portset_free(&p);
	sfb_portset_free(&before);
}

static void
term_ok(const char *text, uint32_t lo, uint32_t hi)
{
	sfb_portset p;

	sfb_portset_init(&p);
	assert_int_equal(sfb_portset_parse_term(&p, text), SFB_OK);
	assert_int_equal(p.s.n, 1);
	assert_int_equal(p.s.r[0].lo.lo, lo);
	assert_int_equal(p.s.r[0].hi.lo, hi);
	sfb_portset_free(&p);
}

static void
term_bad(const char *text, sfb_status st)
{
	sfb_portset p, before;

	sfb_portset_init(&p);
	sfb_portset_init(&before);
	assert_int_equal(sfb_portset_add(&p, 9, 9), SFB_OK);
	assert_int_equal(sfb_iset_copy(&before.s, &p.s), SFB_OK);
	assert_int_equal(sfb_portset_parse_term(&p, text), st);
	assert_true(sfb_iset_equal(&p.s, &before.s));
	sfb_portset_free(&p);
	sfb_portset_free(&before);
}

/* --- add, all, has, count --------------------------------------------- */

static void
test_add(void **state)
{
	sfb_portset p;

	(void)state;
	sfb_portset_init(&p);
	assert_true(sfb_iset_empty(&p.s));
	assert_int_equal(sfb_portset_count(&p), 0);
	assert_false(sfb_portset_is_all(&p));
	assert_false(sfb_portset_has(&p, 0));

	assert_int_equal(sfb_portset_add(&p, 0, 0), SFB_OK);
	assert_int_equal(sfb_portset_add(&p, 65535, 65535), SFB_OK);
	assert_int_equal(sfb_portset_add(&p, 443, 443), SFB_OK);
	assert_int_equal(sfb_portset_add(&p, 50000, 59999), SFB_OK);
	assert_canonical(&p.s);
	assert_int_equal(sfb_portset_count(&p), 10003);
	assert_true(sfb_portset_has(&p, 0));
	assert_false(sfb_portset_has(&p, 1));
	assert_true(sfb_portset_has(&p, 443));
	assert_false(sfb_portset_has(&p, 442));
	assert_false(sfb_portset_has(&p, 444));
	assert_false(sfb_portset_has(&p, 49999));
	assert_true(sfb_portset_has(&p, 50000));
	assert_true(sfb_portset_has(&p, 59999));
	assert_false(sfb_portset_has(&p, 60000));
	assert_true(sfb_portset_has(&p, 65535));
	/* beyond the port space: never a member, no wrap to 0 */
	assert_false(sfb_portset_has(&p, 65536));
	assert_false(sfb_portset_has(&p, UINT32_MAX));

	/* errors leave the set alone */
	assert_int_equal(sfb_portset_add(&p, 0, 65536), SFB_ERANGE);
	assert_int_equal(sfb_portset_add(&p, 65536, 65536), SFB_ERANGE);
	assert_int_equal(sfb_portset_add(&p, 70000, 5), SFB_ERANGE);
	assert_int_equal(sfb_portset_add(&p, UINT32_MAX, UINT32_MAX), SFB_ERANGE);
	assert_int_equal(sfb_portset_add(&p, 10, 9), SFB_EINVAL);
	assert_int_equal(sfb_portset_count(&p), 10003);
	assert_int_equal(p.s.n, 4);

	/* adjacent ports merge */
	assert_int_equal(sfb_portset_add(&p, 444, 444), SFB_OK);
	assert_int_equal(sfb_portset_add(&p, 442, 442), SFB_OK);
	assert_int_equal(p.s.n, 4);
	expect_print(&p, P_CANON, "0,442-444,50000-59999,65535");
	sfb_portset_free(&p);
}

static void
test_all(void **state)
{
	sfb_portset p;

	(void)state;
	sfb_portset_init(&p);
	assert_int_equal(sfb_portset_all(&p), SFB_OK);
	assert_true(sfb_portset_is_all(&p));
	assert_int_equal(sfb_portset_count(&p), 65536);
	assert_true(sfb_portset_has(&p, 0));
	assert_true(sfb_portset_has(&p, 65535));
	expect_print(&p, P_CANON, "any");
	expect_print(&p, P_NFT, "0-65535");
	assert_int_equal(sfb_portset_ipt_chunks(&p), 1);
	expect_ipt(&p, 0, "0:65535");
	sfb_portset_free(&p);

	/* all on top of something */
	assert_int_equal(sfb_portset_add(&p, 5, 6), SFB_OK);
	assert_int_equal(sfb_portset_all(&p), SFB_OK);
	assert_true(sfb_portset_is_all(&p));
	assert_int_equal(p.s.n, 1);
	sfb_portset_free(&p);

	/* built from two halves */
	assert_int_equal(sfb_portset_add(&p, 32768, 65535), SFB_OK);
	assert_false(sfb_portset_is_all(&p));
	assert_int_equal(sfb_portset_add(&p, 0, 32767), SFB_OK);
	assert_true(sfb_portset_is_all(&p));
	sfb_portset_free(&p);

	/* almost everything is not everything */
	assert_int_equal(sfb_portset_add(&p, 1, 65535), SFB_OK);
	assert_false(sfb_portset_is_all(&p));
	assert_int_equal(sfb_portset_count(&p), 65535);
	expect_print(&p, P_CANON, "1-65535");
	sfb_portset_free(&p);
	assert_int_equal(sfb_portset_add(&p, 0, 65534), SFB_OK);
	assert_false(sfb_portset_is_all(&p));
	sfb_portset_free(&p);
}

/* --- parsing ---------------------------------------------------------- */

static void
test_parse_term(void **state)
{
	(void)state;
	term_ok("443", 443, 443);
	term_ok("0", 0, 0);
	term_ok("65535", 65535, 65535);
	term_ok("0-65535", 0, 65535);
	term_ok("50000-59999", 50000, 59999);
	term_ok("7-7", 7, 7);
	term_ok("any", 0, 65535);
	term_ok(" 443 ", 443, 443);
	term_ok("\t1-2\n", 1, 2);

	term_bad(NULL, SFB_EINVAL);
	term_bad("", SFB_EINVAL);
	term_bad("   ", SFB_EINVAL);
	term_bad("10-5", SFB_EINVAL);
	term_bad("-5", SFB_EINVAL);
	term_bad("5-", SFB_EINVAL);
	term_bad("5--6", SFB_EINVAL);
	term_bad("1-2-3", SFB_EINVAL);
	term_bad("5 - 6", SFB_EINVAL);
	term_bad("4 43", SFB_EINVAL);
	term_bad("a", SFB_EINVAL);
	term_bad("80x", SFB_EINVAL);
	term_bad("anyx", SFB_EINVAL);
	term_bad("ANY", SFB_EINVAL);
	term_bad("any-5", SFB_EINVAL);
	term_bad("5-any", SFB_EINVAL);
	term_bad("443,80", SFB_EINVAL);	/* one term only */
	term_bad("0443", SFB_EINVAL);	/* leading zero */
	term_bad("00", SFB_EINVAL);
	term_bad("1-065535", SFB_EINVAL);
	term_bad("+5", SFB_EINVAL);
	term_bad("0x10", SFB_EINVAL);
	term_bad("1.5", SFB_EINVAL);
	/* well-formed numbers that are not ports */
	term_bad("65536", SFB_ERANGE);
	term_bad("1-65536", SFB_ERANGE);
	term_bad("65536-70000", SFB_ERANGE);
	term_bad("99999999999999999999999", SFB_ERANGE);
	term_bad("18446744073709551616", SFB_ERANGE);
}

static void
test_parse_list(void **state)
{
	sfb_portset p;

	(void)state;
	parse_ok("443", "443");
	parse_ok("any", "any");
	parse_ok("0-65535", "any");
	parse_ok("443, 5061, 50000-59999", "443,5061,50000-59999");
	parse_ok("443,5061,50000-59999", "443,5061,50000-59999");
	parse_ok("  443 ,5061 ,  50000-59999  ", "443,5061,50000-59999");
	parse_ok("50000-59999, 5061, 443", "443,5061,50000-59999");
	parse_ok("80,81,82", "80-82");
	parse_ok("3,1,2", "1-3");
	parse_ok("1-5,3-8", "1-8");
	parse_ok("1-5,6-8", "1-8");
	parse_ok("1-5,7-8", "1-5,7-8");
	parse_ok("443,443,443", "443");
	parse_ok("0,65535", "0,65535");
	parse_ok("443, any", "any");
	parse_ok("0-100,101-65535", "any");

	parse_bad(NULL, SFB_EINVAL);
	parse_bad("", SFB_EINVAL);
	parse_bad(" ", SFB_EINVAL);
	parse_bad(",", SFB_EINVAL);
	parse_bad("443,", SFB_EINVAL);
	parse_bad("443, ", SFB_EINVAL);
	parse_bad(",443", SFB_EINVAL);
	parse_bad("443,,80", SFB_EINVAL);
	parse_bad("443, ,80", SFB_EINVAL);
	parse_bad("443 80", SFB_EINVAL);
	parse_bad("443;80", SFB_EINVAL);
	parse_bad("443,80x", SFB_EINVAL);
	parse_bad("any,", SFB_EINVAL);
	parse_bad("443,10-5", SFB_EINVAL);
	parse_bad("1-2-3", SFB_EINVAL);
	parse_bad("{443}", SFB_EINVAL);
	parse_bad("443:444", SFB_EINVAL);
	/* the good terms before a bad one are not kept */
	parse_bad("1, 2, 3, 65536", SFB_ERANGE);
	parse_bad("443, 70000-80000", SFB_ERANGE);

	/* parsing adds to what is there */
	sfb_portset_init(&p);
	assert_int_equal(sfb_portset_parse(&p, "80"), SFB_OK);
	assert_int_equal(sfb_portset_parse(&p, "81, 443"), SFB_OK);
	assert_int_equal(sfb_portset_parse_term(&p, "8080-8081"), SFB_OK);
	expect_print(&p, P_CANON, "80-81,443,8080-8081");
	sfb_portset_free(&p);
}

/* --- printing --------------------------------------------------------- */

static void
test_print(void **state)
{
	sfb_portset p;
	sfb_buf b;

	(void)state;
	sfb_portset_init(&p);
	/* empty: nothing at all */
	expect_print(&p, P_CANON, "");
	expect_print(&p, P_NFT, "");
	assert_int_equal(sfb_portset_ipt_chunks(&p), 0);
	expect_ipt(&p, 0, "");

	assert_int_equal(sfb_portset_add(&p, 443, 443), SFB_OK);
	expect_print(&p, P_CANON, "443");
	expect_print(&p, P_NFT, "443");
	expect_ipt(&p, 0, "443");
	sfb_portset_free(&p);

	assert_int_equal(sfb_portset_add(&p, 50000, 59999), SFB_OK);
	expect_print(&p, P_CANON, "50000-59999");
	expect_print(&p, P_NFT, "50000-59999");
	expect_ipt(&p, 0, "50000:59999");
	assert_int_equal(sfb_portset_add(&p, 443, 443), SFB_OK);
	expect_print(&p, P_NFT, "{ 443, 50000-59999 }");
	assert_int_equal(sfb_portset_add(&p, 5061, 5061), SFB_OK);
	expect_print(&p, P_CANON, "443,5061,50000-59999");
	expect_print(&p, P_NFT, "{ 443, 5061, 50000-59999 }");
	assert_int_equal(sfb_portset_ipt_chunks(&p), 1);
	expect_ipt(&p, 0, "443,5061,50000:59999");
	expect_ipt(&p, 1, "");
	sfb_portset_free(&p);

	/* two singles in nft */
	assert_int_equal(sfb_portset_parse(&p, "80,443"), SFB_OK);
	expect_print(&p, P_NFT, "{ 80, 443 }");
	sfb_portset_free(&p);
	/* a two-port range is a range */
	assert_int_equal(sfb_portset_parse(&p, "0-1"), SFB_OK);
	expect_print(&p, P_CANON, "0-1");
	expect_print(&p, P_NFT, "0-1");
	expect_ipt(&p, 0, "0:1");
	sfb_portset_free(&p);

	/* printers append, they do not reset */
	sfb_buf_init(&b);
	sfb_buf_puts(&b, "dport ");
	assert_int_equal(sfb_portset_parse(&p, "1,2,4"), SFB_OK);
	sfb_portset_print_nft(&b, &p);
	assert_string_equal(sfb_buf_str(&b), "dport { 1-2, 4 }");
	sfb_buf_free(&b);
	sfb_portset_free(&p);
}

/* n single ports 1, 3, 5, ... (never adjacent) */
static void
singles(sfb_portset *p, uint32_t from, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(sfb_portset_add(p, from + 2 * (uint32_t)i,
		    from + 2 * (uint32_t)i), SFB_OK);
}

/* n ranges [from + 10i, from + 10i + 1] */
static void
ranges(sfb_portset *p, uint32_t from, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(sfb_portset_add(p, from + 10 * (uint32_t)i,
		    from + 10 * (uint32_t)i + 1), SFB_OK);
}

static void
test_ipt_chunks(void **state)
{
	sfb_portset p;

	(void)state;
	sfb_portset_init(&p);

	/* exactly 15 slots of singles: one chunk */
	singles(&p, 1, 15);
	assert_int_equal(sfb_portset_ipt_chunks(&p), 1);
	expect_ipt(&p, 0, "1,3,5,7,9,11,13,15,17,19,21,23,25,27,29");
	expect_ipt(&p, 1, "");
	/* 16: the last one spills */
	singles(&p, 31, 1);
	assert_int_equal(sfb_portset_ipt_chunks(&p), 2);
	expect_ipt(&p, 0, "1,3,5,7,9,11,13,15,17,19,21,23,25,27,29");
	expect_ipt(&p, 1, "31");
	expect_ipt(&p, 2, "");
	sfb_portset_free(&p);

	/* 7 ranges + 1 single = 15 slots: one chunk */
	ranges(&p, 100, 7);
	singles(&p, 1, 1);
	assert_int_equal(sfb_portset_ipt_chunks(&p), 1);
	expect_ipt(&p, 0, "1,100:101,110:111,120:121,130:131,140:141,150:151,160:161");
	/* + 1 single = 16 */
	singles(&p, 1000, 1);
	assert_int_equal(sfb_portset_ipt_chunks(&p), 2);
	expect_ipt(&p, 1, "1000");
	sfb_portset_free(&p);

	/* 8 ranges = 16 slots: 7 ranges (14 slots), then 1 */
	ranges(&p, 100, 8);
	assert_int_equal(sfb_portset_ipt_chunks(&p), 2);
	expect_ipt(&p, 0, "100:101,110:111,120:121,130:131,140:141,150:151,160:161");
	expect_ipt(&p, 1, "170:171");
	sfb_portset_free(&p);

	/* a range straddling the boundary: 14 singles then a range would
	 * need slots 15 and 16, so it opens the next chunk and the first
	 * stops at 14 slots */
	singles(&p, 1, 14);
	ranges(&p, 100, 1);
	singles(&p, 200, 1);
	assert_int_equal(sfb_portset_ipt_chunks(&p), 2);
	expect_ipt(&p, 0, "1,3,5,7,9,11,13,15,17,19,21,23,25,27");
	expect_ipt(&p, 1, "100:101,200");
	sfb_portset_free(&p);

	/* 13 singles + a range fill exactly 15 */
	singles(&p, 1, 13);
	ranges(&p, 100, 1);
	assert_int_equal(sfb_portset_ipt_chunks(&p), 1);
	/* a single after that opens chunk 2; greedy does not backfill */
	singles(&p, 200, 1);
	assert_int_equal(sfb_portset_ipt_chunks(&p), 2);
	expect_ipt(&p, 1, "200");
	sfb_portset_free(&p);

	/* single, 7 ranges, single: 1 + 14 = 15, then the last single */
	singles(&p, 1, 1);
	ranges(&p, 100, 7);
	singles(&p, 1000, 1);
	assert_int_equal(sfb_portset_ipt_chunks(&p), 2);
	expect_ipt(&p, 1, "1000");
	sfb_portset_free(&p);

	/* 45 singles: exactly three full chunks; 46: four */
	singles(&p, 1, 45);
	assert_int_equal(sfb_portset_ipt_chunks(&p), 3);
	expect_ipt(&p, 2, "61,63,65,67,69,71,73,75,77,79,81,83,85,87,89");
	singles(&p, 91, 1);
	assert_int_equal(sfb_portset_ipt_chunks(&p), 4);
	expect_ipt(&p, 3, "91");
	sfb_portset_free(&p);

	/* a chunk index far past the end */
	singles(&p, 1, 3);
	expect_ipt(&p, SIZE_MAX, "");
	sfb_portset_free(&p);

	/* the largest port set there is in elements: every other port */
	singles(&p, 0, 32768);
	assert_int_equal(p.s.n, 32768);
	assert_int_equal(sfb_portset_ipt_chunks(&p), (32768 + 14) / 15);
	expect_ipt(&p, 0, "0,2,4,6,8,10,12,14,16,18,20,22,24,26,28");
	expect_ipt(&p, (32768 + 14) / 15 - 1, "65520,65522,65524,65526,65528,65530,65532,65534");
	sfb_portset_free(&p);
}

/* --- randomized comparison against a bitmap --------------------------- */

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

static uint32_t
rng_below(rng *r, uint32_t n)
{
	return (uint32_t)(rng_next(r) % n);
}

static void
random_range(rng *r, uint32_t *lo, uint32_t *hi)
{
	uint32_t a, len;

	switch (rng_below(r, 5)) {
	case 0:
		a = rng_below(r, 200);
		len = rng_below(r, 10);
		break;
	case 1:
		a = 65535 - rng_below(r, 200);
		len = rng_below(r, 10);
		break;
	case 2:
		a = rng_below(r, 65536);
		len = rng_below(r, 20000);
		break;
	case 3:
		a = rng_below(r, 2) ? 0 : 65535;
		len = 0;
		break;
	default:
		a = rng_below(r, 65536);
		len = rng_below(r, 3);
		break;
	}
	*lo = a;
	*hi = len > 65535 - a ? 65535 : a + len;
}

/* The reference printers, written the obvious way from the bitmap. */
static void
ref_print(const unsigned char *bm, sfb_buf *canon, sfb_buf *nft, size_t *nelem,
    sfb_buf *ipt_all, size_t *nchunks)
{
	uint32_t i = 0, lo;
	size_t slots = 0;

	*nelem = 0;
	*nchunks = 0;
	while (i < 65536) {
		if (!bm[i]) {
			i++;
			continue;
		}
		lo = i;
		while (i < 65536 && bm[i])
			i++;
		if (*nelem > 0) {
			sfb_buf_putc(canon, ',');
			sfb_buf_puts(nft, ", ");
		}
		sfb_buf_u64(canon, lo);
		sfb_buf_u64(nft, lo);
		if (i - 1 != lo) {
			sfb_buf_putc(canon, '-');
			sfb_buf_u64(canon, i - 1);
			sfb_buf_putc(nft, '-');
			sfb_buf_u64(nft, i - 1);
		}
		/* chunks joined with '|' */
		if (*nchunks == 0 || slots + (i - 1 != lo ? 2 : 1) > 15) {
			if (*nchunks > 0)
				sfb_buf_putc(ipt_all, '|');
			(*nchunks)++;
			slots = 0;
		} else {
			sfb_buf_putc(ipt_all, ',');
		}
		slots += i - 1 != lo ? 2 : 1;
		sfb_buf_u64(ipt_all, lo);
		if (i - 1 != lo) {
			sfb_buf_putc(ipt_all, ':');
			sfb_buf_u64(ipt_all, i - 1);
		}
		(*nelem)++;
	}
}

static void
test_random_vs_bitmap(void **state)
{
	static unsigned char bm[65536];
	sfb_portset p, q;
	sfb_buf got, canon, nft, ipt, want_nft;
	rng r = { 42 };
	size_t iter, i, n, nelem, nchunks, c, slots;
	uint32_t lo, hi, v;
	uint64_t count;

	(void)state;
	sfb_portset_init(&p);
	sfb_portset_init(&q);
	sfb_buf_init(&got);
	sfb_buf_init(&canon);
	sfb_buf_init(&nft);
	sfb_buf_init(&ipt);
	sfb_buf_init(&want_nft);
	for (iter = 0; iter < 2000; iter++) {
		sfb_iset_clear(&p.s);
		memset(bm, 0, sizeof(bm));
		n = rng_below(&r, 40);
		for (i = 0; i < n; i++) {
			random_range(&r, &lo, &hi);
			assert_int_equal(sfb_portset_add(&p, lo, hi), SFB_OK);
			memset(bm + lo, 1, hi - lo + 1);
		}
		assert_canonical(&p.s);

		/* membership and size */
		for (i = 0; i < 200; i++) {
			v = rng_below(&r, 65536);
			assert_int_equal(sfb_portset_has(&p, v), bm[v] != 0);
		}
		assert_int_equal(sfb_portset_has(&p, 0), bm[0] != 0);
		assert_int_equal(sfb_portset_has(&p, 65535), bm[65535] != 0);
		for (count = 0, v = 0; v < 65536; v++)
			count += bm[v];
		assert_int_equal(sfb_portset_count(&p), count);
		assert_int_equal(sfb_portset_is_all(&p), count == 65536);

		/* printers against the reference */
		sfb_buf_reset(&canon);
		sfb_buf_reset(&nft);
		sfb_buf_reset(&ipt);
		ref_print(bm, &canon, &nft, &nelem, &ipt, &nchunks);
		assert_int_equal(nelem, p.s.n);
		sfb_buf_reset(&got);
		sfb_portset_print(&got, &p);
		assert_string_equal(sfb_buf_str(&got),
		    count == 65536 ? "any" : sfb_buf_str(&canon));
		sfb_buf_reset(&want_nft);
		if (nelem > 1)
			sfb_buf_puts(&want_nft, "{ ");
		sfb_buf_puts(&want_nft, sfb_buf_str(&nft));
		if (nelem > 1)
			sfb_buf_puts(&want_nft, " }");
		sfb_buf_reset(&got);
		sfb_portset_print_nft(&got, &p);
		assert_string_equal(sfb_buf_str(&got), sfb_buf_str(&want_nft));
		assert_int_equal(sfb_portset_ipt_chunks(&p), nchunks);
		sfb_buf_reset(&got);
		for (c = 0; c < nchunks; c++) {
			size_t before, k;

			if (c > 0)
				sfb_buf_putc(&got, '|');
			before = got.len;
			sfb_portset_print_ipt(&got, &p, c);
			assert_true(got.len > before);
			/* no chunk over 15 slots */
			slots = 1;
			for (k = before; k < got.len; k++) {
				if (got.data[k] == ',' || got.data[k] == ':')
					slots++;
			}
			assert_true(slots <= 15);
		}
		assert_string_equal(sfb_buf_str(&got), sfb_buf_str(&ipt));

		/* the canonical text parses back to the same set, and so
		 * does the nft text with the braces and spaces removed */
		sfb_iset_clear(&q.s);
		if (nelem > 0) {
			sfb_buf_reset(&got);
			sfb_portset_print(&got, &p);
			assert_int_equal(sfb_portset_parse(&q, sfb_buf_str(&got)), SFB_OK);
			assert_true(sfb_iset_equal(&q.s, &p.s));
			sfb_iset_clear(&q.s);
			assert_int_equal(sfb_portset_parse(&q, sfb_buf_str(&nft)), SFB_OK);
			assert_true(sfb_iset_equal(&q.s, &p.s));
		}
	}
	sfb_buf_free(&got);
	sfb_buf_free(&canon);
	sfb_buf_free(&nft);
	sfb_buf_free(&ipt);
	sfb_buf_free(&want_nft);
	sfb_portset_free(&p);
	sfb_portset_free(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_all),
		cmocka_unit_test(test_parse_term),
		cmocka_unit_test(test_parse_list),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_ipt_chunks),
		cmocka_unit_test(test_random_vs_bitmap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
