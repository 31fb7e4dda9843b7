/* Unit tests: the generic interval set (sfb_iset) and its u128 keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sfb_iset.h"

#define MAXV sfb_u128_make(UINT64_MAX, UINT64_MAX)

static sfb_u128
U(uint64_t v)
{
	return sfb_u128_make(0, v);
}

/* The invariant every operation must keep: sorted, lo <= hi, and a gap of
 * at least one value between consecutive ranges. */
static void
assert_canonical(const sfb_iset *s)
{
	size_t i;

	assert_true(s->n <= s->cap);
	for (i = 0; i < s->n; i++) {
		assert_true(sfb_u128_cmp(s->r[i].lo, s->r[i].hi) <= 0);
		if (i > 0) {
			assert_true(sfb_u128_cmp(s->r[i - 1].hi, MAXV) != 0);
			assert_true(sfb_u128_cmp(sfb_u128_inc(s->r[i - 1].hi),
			    s->r[i].lo) < 0);
		}
	}
}

/* Build a set from (lo, hi) pairs of small keys, in the given order. */
static void
build(sfb_iset *s, const uint64_t *pairs, size_t npairs)
{
	size_t i;

	for (i = 0; i < npairs; i++)
		assert_int_equal(sfb_iset_add(s, U(pairs[2 * i]),
		    U(pairs[2 * i + 1])), SFB_OK);
	assert_canonical(s);
}

/* Assert the set is exactly these (lo, hi) pairs of small keys. */
static void
expect(const sfb_iset *s, const uint64_t *pairs, size_t npairs)
{
	size_t i;

	assert_canonical(s);
	assert_int_equal(s->n, npairs);
	for (i = 0; i < npairs; i++) {
		assert_int_equal(s->r[i].lo.hi, 0);
		assert_int_equal(s->r[i].hi.hi, 0);
		assert_int_equal(s->r[i].lo.lo, pairs[2 * i]);
		assert_int_equal(s->r[i].hi.lo, pairs[2 * i + 1]);
	}
}

#define NP(a) (sizeof(a) / sizeof((a)[0]) / 2)
#define BUILD(s, ...) do { \
	static const uint64_t p_[] = { __VA_ARGS__ }; \
	build((s), p_, NP(p_)); \
} while (0)
#define EXPECT(s, ...) do { \
	static const uint64_t p_[] = { __VA_ARGS__ }; \
	expect((s), p_, NP(p_)); \
} while (0)
#define EXPECT_EMPTY(s) do { \
	assert_canonical(s); \
	assert_int_equal((s)->n, 0); \
	assert_true(sfb_iset_empty(s)); \
} while (0)

/* --- u128 ------------------------------------------------------------- */

static void
test_u128(void **state)
{
	sfb_u128 a;

	(void)state;
	a = sfb_u128_make(1, 2);
	assert_int_equal(a.hi, 1);
	assert_int_equal(a.lo, 2);
	assert_int_equal(sfb_u128_cmp(a, a), 0);
	/* hi dominates lo */
	assert_true(sfb_u128_cmp(sfb_u128_make(1, 0), sfb_u128_make(0, UINT64_MAX)) > 0);
	assert_true(sfb_u128_cmp(sfb_u128_make(0, UINT64_MAX), sfb_u128_make(1, 0)) < 0);
	assert_true(sfb_u128_cmp(U(1), U(2)) < 0);
	assert_true(sfb_u128_cmp(U(2), U(1)) > 0);
	/* carries and borrows across the 64-bit halves */
	a = sfb_u128_inc(sfb_u128_make(0, UINT64_MAX));
	assert_int_equal(a.hi, 1);
	assert_int_equal(a.lo, 0);
	a = sfb_u128_dec(sfb_u128_make(1, 0));
	assert_int_equal(a.hi, 0);
	assert_int_equal(a.lo, UINT64_MAX);
	/* wrap at the ends, documented */
	a = sfb_u128_inc(MAXV);
	assert_int_equal(a.hi, 0);
	assert_int_equal(a.lo, 0);
	a = sfb_u128_dec(U(0));
	assert_int_equal(sfb_u128_cmp(a, MAXV), 0);
	a = sfb_u128_inc(U(41));
	assert_int_equal(sfb_u128_cmp(a, U(42)), 0);
}

/* --- add -------------------------------------------------------------- */

static void
test_init_free_clear(void **state)
{
	sfb_iset s;

	(void)state;
	sfb_iset_init(&s);
	EXPECT_EMPTY(&s);
	assert_false(sfb_iset_has(&s, U(0)));
	sfb_iset_free(&s);	/* free of an empty set */
	sfb_iset_free(&s);	/* and again: free leaves it initialised */
	BUILD(&s, 1, 5, 10, 20);
	sfb_iset_clear(&s);
	EXPECT_EMPTY(&s);
	BUILD(&s, 7, 7);
	EXPECT(&s, 7, 7);
	sfb_iset_free(&s);
	EXPECT_EMPTY(&s);
}

static void
test_add_invalid(void **state)
{
	sfb_iset s;

	(void)state;
	sfb_iset_init(&s);
	assert_int_equal(sfb_iset_add(&s, U(5), U(4)), SFB_EINVAL);
	EXPECT_EMPTY(&s);
	BUILD(&s, 1, 2, 10, 12);
	assert_int_equal(sfb_iset_add(&s, U(5), U(4)), SFB_EINVAL);
	assert_int_equal(sfb_iset_add(&s, MAXV, U(0)), SFB_EINVAL);
	assert_int_equal(sfb_iset_add(&s, sfb_u128_make(1, 0),
	    sfb_u128_make(0, UINT64_MAX)), SFB_EINVAL);
	EXPECT(&s, 1, 2, 10, 12);
	sfb_iset_free(&s);
}

static void
test_add_adjacent(void **state)
{
	sfb_iset s;

	(void)state;
	sfb_iset_init(&s);
	BUILD(&s, 1, 2, 3, 4);
	EXPECT(&s, 1, 4);
	sfb_iset_free(&s);
	BUILD(&s, 3, 4, 1, 2);	/* the same, inserted before */
	EXPECT(&s, 1, 4);
	sfb_iset_free(&s);
	/* one gap value keeps ranges apart */
	BUILD(&s, 1, 2, 4, 5);
	EXPECT(&s, 1, 2, 4, 5);
	/* filling the gap joins them */
	BUILD(&s, 3, 3);
	EXPECT(&s, 1, 5);
	sfb_iset_free(&s);
	/* single points, in both orders */
	BUILD(&s, 0, 0, 1, 1, 2, 2);
	EXPECT(&s, 0, 2);
	sfb_iset_free(&s);
	BUILD(&s, 2, 2, 1, 1, 0, 0);
	EXPECT(&s, 0, 2);
	sfb_iset_free(&s);
	/* touching on the left only, on the right only */
	BUILD(&s, 10, 19, 30, 39, 50, 59);
	BUILD(&s, 25, 29);
	EXPECT(&s, 10, 19, 25, 39, 50, 59);
	BUILD(&s, 20, 22);
	EXPECT(&s, 10, 22, 25, 39, 50, 59);
	sfb_iset_free(&s);
}

static void
test_add_overlap(void **state)
{
	sfb_iset s;

	(void)state;
	sfb_iset_init(&s);
	BUILD(&s, 1, 10, 5, 15);
	EXPECT(&s, 1, 15);
	sfb_iset_free(&s);
	BUILD(&s, 5, 15, 1, 10);
	EXPECT(&s, 1, 15);
	sfb_iset_free(&s);
	/* contained and containing */
	BUILD(&s, 1, 100, 20, 30);
	EXPECT(&s, 1, 100);
	BUILD(&s, 0, 200);
	EXPECT(&s, 0, 200);
	BUILD(&s, 0, 200);	/* duplicate */
	EXPECT(&s, 0, 200);
	sfb_iset_free(&s);
	/* one add swallows several ranges and bridges their gaps */
	BUILD(&s, 1, 2, 5, 6, 9, 10, 20, 21);
	BUILD(&s, 3, 8);
	EXPECT(&s, 1, 10, 20, 21);
	BUILD(&s, 0, 30);
	EXPECT(&s, 0, 30);
	sfb_iset_free(&s);
	/* partial overlap of the first and last of a run */
	BUILD(&s, 10, 20, 30, 40, 50, 60, 70, 80);
	BUILD(&s, 15, 55);
	EXPECT(&s, 10, 60, 70, 80);
	sfb_iset_free(&s);
	/* exactly spanning ranges, ends inclusive */
	BUILD(&s, 10, 20, 30, 40);
	BUILD(&s, 20, 30);
	EXPECT(&s, 10, 40);
	sfb_iset_free(&s);
}

static void
test_add_positions(void **state)
{
	sfb_iset s;

	(void)state;
	sfb_iset_init(&s);
	BUILD(&s, 50, 59);
	BUILD(&s, 10, 19);	/* front */
	BUILD(&s, 90, 99);	/* end */
	BUILD(&s, 30, 39);	/* middle */
	BUILD(&s, 70, 79);	/* middle */
	BUILD(&s, 0, 5);	/* front again */
	EXPECT(&s, 0, 5, 10, 19, 30, 39, 50, 59, 70, 79, 90, 99);
	/* an add inside an existing range changes nothing */
	BUILD(&s, 32, 35);
	EXPECT(&s, 0, 5, 10, 19, 30, 39, 50, 59, 70, 79, 90, 99);
	/* start before the last range's start but inside it */
	BUILD(&s, 95, 120);
	EXPECT(&s, 0, 5, 10, 19, 30, 39, 50, 59, 70, 79, 90, 120);
	sfb_iset_free(&s);
}

static void
test_add_edges(void **state)
{
	sfb_iset s;
	sfb_u128 m1 = sfb_u128_dec(MAXV);

	(void)state;
	sfb_iset_init(&s);
	/* a range at the very top, then the very bottom */
	assert_int_equal(sfb_iset_add(&s, MAXV, MAXV), SFB_OK);
	assert_int_equal(sfb_iset_add(&s, U(0), U(0)), SFB_OK);
	assert_canonical(&s);
	assert_int_equal(s.n, 2);
	assert_true(sfb_iset_has(&s, MAXV));
	assert_true(sfb_iset_has(&s, U(0)));
	assert_false(sfb_iset_has(&s, U(1)));
	assert_false(sfb_iset_has(&s, m1));
	/* max-1 joins the top range, whichever way it arrives */
	assert_int_equal(sfb_iset_add(&s, m1, m1), SFB_OK);
	assert_canonical(&s);
	assert_int_equal(s.n, 2);
	assert_int_equal(sfb_u128_cmp(s.r[1].lo, m1), 0);
	assert_int_equal(sfb_u128_cmp(s.r[1].hi, MAXV), 0);
	/* adding after a range ending at max must not wrap into a gap */
	assert_int_equal(sfb_iset_add(&s, MAXV, MAXV), SFB_OK);
	assert_int_equal(s.n, 2);
	/* everything */
	assert_int_equal(sfb_iset_add(&s, U(0), MAXV), SFB_OK);
	assert_canonical(&s);
	assert_int_equal(s.n, 1);
	assert_int_equal(sfb_u128_cmp(s.r[0].lo, U(0)), 0);
	assert_int_equal(sfb_u128_cmp(s.r[0].hi, MAXV), 0);
	sfb_iset_free(&s);

	/* adjacency across the 64-bit word boundary */
	assert_int_equal(sfb_iset_add(&s, sfb_u128_make(1, 0), sfb_u128_make(1, 5)), SFB_OK);
	assert_int_equal(sfb_iset_add(&s, U(7), sfb_u128_make(0, UINT64_MAX)), SFB_OK);
	assert_canonical(&s);
	assert_int_equal(s.n, 1);
	assert_int_equal(sfb_u128_cmp(s.r[0].lo, U(7)), 0);
	assert_int_equal(sfb_u128_cmp(s.r[0].hi, sfb_u128_make(1, 5)), 0);
	sfb_iset_free(&s);

	/* [max, max] first, then [0, max-1] in front of it: they touch */
	assert_int_equal(sfb_iset_add(&s, MAXV, MAXV), SFB_OK);
	assert_int_equal(sfb_iset_add(&s, U(0), m1), SFB_OK);
	assert_canonical(&s);
	assert_int_equal(s.n, 1);
	sfb_iset_free(&s);
	/* and the other way round */
	assert_int_equal(sfb_iset_add(&s, U(0), m1), SFB_OK);
	assert_int_equal(sfb_iset_add(&s, MAXV, MAXV), SFB_OK);
	assert_int_equal(s.n, 1);
	sfb_iset_free(&s);
	/* [1, max] then [0, 0] */
	assert_int_equal(sfb_iset_add(&s, U(1), MAXV), SFB_OK);
	assert_int_equal(sfb_iset_add(&s, U(0), U(0)), SFB_OK);
	assert_int_equal(s.n, 1);
	sfb_iset_free(&s);
}

/* --- copy ------------------------------------------------------------- */

static void
test_copy(void **state)
{
	sfb_iset a, b;

	(void)state;
	sfb_iset_init(&a);
	sfb_iset_init(&b);
	BUILD(&a, 1, 2, 5, 9);
	assert_int_equal(sfb_iset_copy(&b, &a), SFB_OK);
	EXPECT(&b, 1, 2, 5, 9);
	assert_true(sfb_iset_equal(&a, &b));
	assert_true(a.r != b.r);	/* deep copy */
	BUILD(&b, 100, 100);
	EXPECT(&a, 1, 2, 5, 9);
	/* copy over a non-empty set replaces it */
	assert_int_equal(sfb_iset_copy(&b, &a), SFB_OK);
	EXPECT(&b, 1, 2, 5, 9);
	/* copy of an empty set empties */
	sfb_iset_free(&a);
	assert_int_equal(sfb_iset_copy(&b, &a), SFB_OK);
	EXPECT_EMPTY(&b);
	/* copy onto itself */
	BUILD(&a, 3, 4);
	assert_int_equal(sfb_iset_copy(&a, &a), SFB_OK);
	EXPECT(&a, 3, 4);
	sfb_iset_free(&a);
	sfb_iset_free(&b);
}

/* --- union ------------------------------------------------------------ */

static void
test_union(void **state)
{
	sfb_iset a, b;

	(void)state;
	sfb_iset_init(&a);
	sfb_iset_init(&b);

	/* empty with empty, empty with non-empty, both ways */
	assert_int_equal(sfb_iset_union(&a, &b), SFB_OK);
	EXPECT_EMPTY(&a);
	BUILD(&b, 3, 4);
	assert_int_equal(sfb_iset_union(&a, &b), SFB_OK);
	EXPECT(&a, 3, 4);
	sfb_iset_free(&b);
	assert_int_equal(sfb_iset_union(&a, &b), SFB_OK);
	EXPECT(&a, 3, 4);
	/* with itself */
	assert_int_equal(sfb_iset_union(&a, &a), SFB_OK);
	EXPECT(&a, 3, 4);
	sfb_iset_free(&a);

	/* src entirely after dst, apart and touching */
	BUILD(&a, 1, 2);
	BUILD(&b, 5, 6, 8, 9);
	assert_int_equal(sfb_iset_union(&a, &b), SFB_OK);
	EXPECT(&a, 1, 2, 5, 6, 8, 9);
	sfb_iset_free(&a);
	sfb_iset_free(&b);
	BUILD(&a, 1, 2);
	BUILD(&b, 3, 4, 8, 9);
	assert_int_equal(sfb_iset_union(&a, &b), SFB_OK);
	EXPECT(&a, 1, 4, 8, 9);
	sfb_iset_free(&a);
	sfb_iset_free(&b);
	/* src starts inside dst's last range */
	BUILD(&a, 1, 2, 10, 20);
	BUILD(&b, 15, 25, 27, 30);
	assert_int_equal(sfb_iset_union(&a, &b), SFB_OK);
	EXPECT(&a, 1, 2, 10, 25, 27, 30);
	sfb_iset_free(&a);
	sfb_iset_free(&b);

	/* src entirely before dst */
	BUILD(&a, 50, 60);
	BUILD(&b, 1, 2, 10, 49);
	assert_int_equal(sfb_iset_union(&a, &b), SFB_OK);
	EXPECT(&a, 1, 2, 10, 60);
	EXPECT(&b, 1, 2, 10, 49);	/* src untouched */
	sfb_iset_free(&a);
	sfb_iset_free(&b);

	/* interleaved, overlapping, adjacent */
	BUILD(&a, 0, 0, 10, 20, 40, 50, 70, 70);
	BUILD(&b, 1, 1, 15, 45, 60, 69, 90, 95);
	assert_int_equal(sfb_iset_union(&a, &b), SFB_OK);
	EXPECT(&a, 0, 1, 10, 50, 60, 70, 90, 95);
	sfb_iset_free(&a);
	sfb_iset_free(&b);

	/* union with everything */
	BUILD(&a, 5, 6, 9, 10);
	assert_int_equal(sfb_iset_add(&b, U(0), MAXV), SFB_OK);
	assert_int_equal(sfb_iset_union(&a, &b), SFB_OK);
	assert_true(sfb_iset_equal(&a, &b));
	sfb_iset_free(&a);
	sfb_iset_free(&b);

	/* top of the key space */
	assert_int_equal(sfb_iset_add(&a, sfb_u128_dec(MAXV), MAXV), SFB_OK);
	assert_int_equal(sfb_iset_add(&b, sfb_u128_make(UINT64_MAX, 0),
	    sfb_u128_dec(sfb_u128_dec(MAXV))), SFB_OK);
	assert_int_equal(sfb_iset_union(&a, &b), SFB_OK);
	assert_canonical(&a);
	assert_int_equal(a.n, 1);
	assert_int_equal(sfb_u128_cmp(a.r[0].lo, sfb_u128_make(UINT64_MAX, 0)), 0);
	assert_int_equal(sfb_u128_cmp(a.r[0].hi, MAXV), 0);
	sfb_iset_free(&a);
	sfb_iset_free(&b);
}

/* --- intersect -------------------------------------------------------- */

static void
test_intersect(void **state)
{
	sfb_iset a, b, out;

	(void)state;
	sfb_iset_init(&a);
	sfb_iset_init(&b);
	sfb_iset_init(&out);

	/* empty operands */
	assert_int_equal(sfb_iset_intersect(&out, &a, &b), SFB_OK);
	EXPECT_EMPTY(&out);
	BUILD(&a, 1, 10);
	assert_int_equal(sfb_iset_intersect(&out, &a, &b), SFB_OK);
	EXPECT_EMPTY(&out);
	assert_int_equal(sfb_iset_intersect(&out, &b, &a), SFB_OK);
	EXPECT_EMPTY(&out);

	/* disjoint, including adjacent: nothing in common */
	BUILD(&b, 11, 20, 30, 40);
	assert_int_equal(sfb_iset_intersect(&out, &a, &b), SFB_OK);
	EXPECT_EMPTY(&out);
	assert_false(sfb_iset_overlaps(&a, &b));

	/* a non-empty out is replaced, not added to */
	BUILD(&out, 1000, 2000);
	sfb_iset_free(&a);
	BUILD(&a, 5, 35);
	assert_int_equal(sfb_iset_intersect(&out, &a, &b), SFB_OK);
	EXPECT(&out, 11, 20, 30, 35);
	assert_int_equal(sfb_iset_intersect(&out, &b, &a), SFB_OK);
	EXPECT(&out, 11, 20, 30, 35);
	sfb_iset_free(&a);
	sfb_iset_free(&b);

	/* nested, single-point overlaps at the ends */
	BUILD(&a, 0, 100);
	BUILD(&b, 100, 200, 5, 6);
	assert_int_equal(sfb_iset_intersect(&out, &a, &b), SFB_OK);
	EXPECT(&out, 5, 6, 100, 100);
	sfb_iset_free(&a);
	sfb_iset_free(&b);

	/* one range of a against many of b and back */
	BUILD(&a, 0, 9, 20, 29, 40, 49);
	BUILD(&b, 5, 45);
	assert_int_equal(sfb_iset_intersect(&out, &a, &b), SFB_OK);
	EXPECT(&out, 5, 9, 20, 29, 40, 45);
	/* with itself */
	assert_int_equal(sfb_iset_intersect(&out, &a, &a), SFB_OK);
	assert_true(sfb_iset_equal(&out, &a));
	sfb_iset_free(&a);
	sfb_iset_free(&b);

	/* the whole 128-bit space */
	assert_int_equal(sfb_iset_add(&a, U(0), MAXV), SFB_OK);
	BUILD(&b, 0, 0, 7, 9);
	assert_int_equal(sfb_iset_add(&b, MAXV, MAXV), SFB_OK);
	assert_int_equal(sfb_iset_intersect(&out, &a, &b), SFB_OK);
	assert_true(sfb_iset_equal(&out, &b));
	sfb_iset_free(&a);
	sfb_iset_free(&b);
	sfb_iset_free(&out);
}

/* --- diff ------------------------------------------------------------- */

static void
test_diff(void **state)
{
	sfb_iset a, b, out;

	(void)state;
	sfb_iset_init(&a);
	sfb_iset_init(&b);
	sfb_iset_init(&out);

	/* nothing from nothing; nothing removed */
	assert_int_equal(sfb_iset_diff(&out, &a, &b), SFB_OK);
	EXPECT_EMPTY(&out);
	BUILD(&a, 0, 100);
	assert_int_equal(sfb_iset_diff(&out, &a, &b), SFB_OK);
	EXPECT(&out, 0, 100);
	assert_int_equal(sfb_iset_diff(&out, &b, &a), SFB_OK);
	EXPECT_EMPTY(&out);

	/* split one range in three */
	BUILD(&b, 10, 20, 50, 60);
	assert_int_equal(sfb_iset_diff(&out, &a, &b), SFB_OK);
	EXPECT(&out, 0, 9, 21, 49, 61, 100);
	sfb_iset_free(&b);

	/* a single point from the middle, the ends */
	BUILD(&b, 50, 50);
	assert_int_equal(sfb_iset_diff(&out, &a, &b), SFB_OK);
	EXPECT(&out, 0, 49, 51, 100);
	sfb_iset_free(&b);
	BUILD(&b, 0, 0, 100, 100);
	assert_int_equal(sfb_iset_diff(&out, &a, &b), SFB_OK);
	EXPECT(&out, 1, 99);
	sfb_iset_free(&b);

	/* removing everything: exactly, and with a wider set */
	BUILD(&b, 0, 100);
	assert_int_equal(sfb_iset_diff(&out, &a, &b), SFB_OK);
	EXPECT_EMPTY(&out);
	BUILD(&b, 0, 1000);
	assert_int_equal(sfb_iset_diff(&out, &a, &b), SFB_OK);
	EXPECT_EMPTY(&out);
	/* a minus itself */
	assert_int_equal(sfb_iset_diff(&out, &a, &a), SFB_OK);
	EXPECT_EMPTY(&out);
	sfb_iset_free(&a);
	sfb_iset_free(&b);

	/* one range of b spanning several of a (and a gap in between) */
	BUILD(&a, 0, 9, 20, 29, 40, 49, 60, 69);
	BUILD(&b, 5, 45);
	assert_int_equal(sfb_iset_diff(&out, &a, &b), SFB_OK);
	EXPECT(&out, 0, 4, 46, 49, 60, 69);
	/* b disjoint from a: a unchanged, out replaced */
	sfb_iset_free(&b);
	BUILD(&b, 10, 19, 70, 80);
	assert_int_equal(sfb_iset_diff(&out, &a, &b), SFB_OK);
	EXPECT(&out, 0, 9, 20, 29, 40, 49, 60, 69);
	sfb_iset_free(&a);
	sfb_iset_free(&b);

	/* the complement of a point at each end of the 128-bit space */
	assert_int_equal(sfb_iset_add(&a, U(0), MAXV), SFB_OK);
	assert_int_equal(sfb_iset_add(&b, U(0), U(0)), SFB_OK);
	assert_int_equal(sfb_iset_add(&b, MAXV, MAXV), SFB_OK);
	assert_int_equal(sfb_iset_diff(&out, &a, &b), SFB_OK);
	assert_canonical(&out);
	assert_int_equal(out.n, 1);
	assert_int_equal(sfb_u128_cmp(out.r[0].lo, U(1)), 0);
	assert_int_equal(sfb_u128_cmp(out.r[0].hi, sfb_u128_dec(MAXV)), 0);
	/* and back: everything minus that is the two points */
	assert_int_equal(sfb_iset_diff(&b, &a, &out), SFB_OK);
	assert_int_equal(b.n, 2);
	assert_true(sfb_iset_has(&b, U(0)));
	assert_true(sfb_iset_has(&b, MAXV));
	/* a range ending at max, minus a tail */
	sfb_iset_free(&b);
	assert_int_equal(sfb_iset_add(&b, sfb_u128_make(1, 0), MAXV), SFB_OK);
	assert_int_equal(sfb_iset_diff(&out, &a, &b), SFB_OK);
	assert_int_equal(out.n, 1);
	assert_int_equal(sfb_u128_cmp(out.r[0].hi, sfb_u128_make(0, UINT64_MAX)), 0);
	sfb_iset_free(&a);
	sfb_iset_free(&b);
	sfb_iset_free(&out);
}

/* --- queries ---------------------------------------------------------- */

static void
test_has(void **state)
{
	sfb_iset s;
	uint64_t v;

	(void)state;
	sfb_iset_init(&s);
	assert_false(sfb_iset_has(&s, U(0)));
	assert_false(sfb_iset_has(&s, MAXV));
	BUILD(&s, 0, 0, 10, 20, 30, 30, 65535, 65535);
	for (v = 0; v < 70000; v++) {
		bool want = v == 0 || (v >= 10 && v <= 20) || v == 30 || v == 65535;
		assert_int_equal(sfb_iset_has(&s, U(v)), want);
	}
	assert_false(sfb_iset_has(&s, MAXV));
	assert_false(sfb_iset_has(&s, sfb_u128_make(1, 10)));
	sfb_iset_free(&s);
}

static void
test_subset_overlaps(void **state)
{
	sfb_iset a, b, e;

	(void)state;
	sfb_iset_init(&a);
	sfb_iset_init(&b);
	sfb_iset_init(&e);

	/* the empty set is a subset of everything, overlaps nothing */
	assert_true(sfb_iset_subset(&e, &e));
	assert_false(sfb_iset_overlaps(&e, &e));
	BUILD(&a, 10, 20, 30, 40);
	assert_true(sfb_iset_subset(&e, &a));
	assert_false(sfb_iset_subset(&a, &e));
	assert_false(sfb_iset_overlaps(&a, &e));
	assert_false(sfb_iset_overlaps(&e, &a));
	assert_true(sfb_iset_subset(&a, &a));
	assert_true(sfb_iset_overlaps(&a, &a));

	BUILD(&b, 12, 15, 40, 40);
	assert_true(sfb_iset_subset(&b, &a));
	assert_false(sfb_iset_subset(&a, &b));
	assert_true(sfb_iset_overlaps(&a, &b));
	assert_true(sfb_iset_overlaps(&b, &a));
	/* one value outside spoils it, even in a gap */
	BUILD(&b, 25, 25);
	assert_false(sfb_iset_subset(&b, &a));
	sfb_iset_free(&b);
	/* spanning a gap is not a subset even if both ends are inside */
	BUILD(&b, 20, 30);
	assert_false(sfb_iset_subset(&b, &a));
	assert_true(sfb_iset_overlaps(&b, &a));
	sfb_iset_free(&b);
	/* beyond the ends */
	BUILD(&b, 9, 10);
	assert_false(sfb_iset_subset(&b, &a));
	assert_true(sfb_iset_overlaps(&b, &a));
	sfb_iset_free(&b);
	BUILD(&b, 40, 41);
	assert_false(sfb_iset_subset(&b, &a));
	assert_true(sfb_iset_overlaps(&b, &a));
	sfb_iset_free(&b);
	/* adjacent is not overlapping */
	BUILD(&b, 0, 9, 21, 29, 41, 50);
	assert_false(sfb_iset_overlaps(&b, &a));
	assert_false(sfb_iset_overlaps(&a, &b));
	assert_false(sfb_iset_subset(&b, &a));
	sfb_iset_free(&b);
	/* a superset */
	BUILD(&b, 0, 100);
	assert_true(sfb_iset_subset(&a, &b));
	assert_false(sfb_iset_subset(&b, &a));
	sfb_iset_free(&a);
	sfb_iset_free(&b);
	/* at the top */
	assert_int_equal(sfb_iset_add(&a, U(0), MAXV), SFB_OK);
	assert_int_equal(sfb_iset_add(&b, MAXV, MAXV), SFB_OK);
	assert_true(sfb_iset_subset(&b, &a));
	assert_true(sfb_iset_overlaps(&a, &b));
	sfb_iset_free(&a);
	sfb_iset_free(&b);
}

static int
qsort_cmp(const void *x, const void *y)
{
	return sfb_iset_cmp(x, y);
}

static void
test_equal_cmp(void **state)
{
	sfb_iset s[6];
	size_t i, j;

	(void)state;
	for (i = 0; i < 6; i++)
		sfb_iset_init(&s[i]);
	/* s[0] = {}, s[1] = {[1,2]}, s[2] = {[1,2],[5,5]}, s[3] = {[1,3]},
	 * s[4] = {[2,2]}, s[5] = {[1,2],[5,5]} built in another order */
	BUILD(&s[1], 1, 2);
	BUILD(&s[2], 1, 2, 5, 5);
	BUILD(&s[3], 1, 3);
	BUILD(&s[4], 2, 2);
	BUILD(&s[5], 5, 5, 2, 2, 1, 1);
	assert_true(sfb_iset_equal(&s[2], &s[5]));
	assert_int_equal(sfb_iset_cmp(&s[2], &s[5]), 0);
	for (i = 0; i < 5; i++) {
		for (j = 0; j < 5; j++) {
			int c = sfb_iset_cmp(&s[i], &s[j]);
			assert_int_equal(sfb_iset_equal(&s[i], &s[j]), i == j);
			assert_int_equal(c == 0, i == j);
			/* antisymmetric */
			assert_int_equal(c > 0, sfb_iset_cmp(&s[j], &s[i]) < 0);
		}
	}
	/* the intended order: empty, prefix before longer, then by lo, hi */
	assert_true(sfb_iset_cmp(&s[0], &s[1]) < 0);
	assert_true(sfb_iset_cmp(&s[1], &s[2]) < 0);
	assert_true(sfb_iset_cmp(&s[2], &s[3]) < 0);
	assert_true(sfb_iset_cmp(&s[3], &s[4]) < 0);
	/* sorting works with it */
	{
		sfb_iset t[5];

		t[0] = s[4];
		t[1] = s[2];
		t[2] = s[0];
		t[3] = s[3];
		t[4] = s[1];
		qsort(t, 5, sizeof(t[0]), qsort_cmp);
		for (i = 0; i < 5; i++)
			assert_true(sfb_iset_equal(&t[i], &s[i]));
	}
	for (i = 0; i < 6; i++)
		sfb_iset_free(&s[i]);
}

/* --- deterministic random numbers (no global state) ------------------- */

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

static uint64_t
rng_below(rng *r, uint64_t n)
{
	return rng_next(r) % n;
}

static void
test_order_independent(void **state)
{
	enum { N = 40 };
	uint64_t lo[N], hi[N];
	size_t idx[N], i, k, round;
	sfb_iset ref, s;
	rng r = { 7 };

	(void)state;
	sfb_iset_init(&ref);
	sfb_iset_init(&s);
	for (round = 0; round < 50; round++) {
		for (i = 0; i < N; i++) {
			lo[i] = rng_below(&r, 200);
			hi[i] = lo[i] + rng_below(&r, 6);
			idx[i] = i;
		}
		sfb_iset_clear(&ref);
		for (i = 0; i < N; i++)
			assert_int_equal(sfb_iset_add(&ref, U(lo[i]), U(hi[i])), SFB_OK);
		for (k = 0; k < 10; k++) {
			/* Fisher-Yates */
			for (i = N - 1; i > 0; i--) {
				size_t j = (size_t)rng_below(&r, i + 1), t = idx[i];

				idx[i] = idx[j];
				idx[j] = t;
			}
			sfb_iset_clear(&s);
			for (i = 0; i < N; i++)
				assert_int_equal(sfb_iset_add(&s, U(lo[idx[i]]),
				    U(hi[idx[i]])), SFB_OK);
			assert_canonical(&s);
			assert_true(sfb_iset_equal(&s, &ref));
		}
	}
	sfb_iset_free(&ref);
	sfb_iset_free(&s);
}

/* --- scale: 10^5 ranges must be fast (linear merges, O(1) appends) --- */

static void
test_large(void **state)
{
	enum { N = 100000 };
	sfb_iset a, b, out;
	size_t i;

	(void)state;
	sfb_iset_init(&a);
	sfb_iset_init(&b);
	sfb_iset_init(&out);
	/* a = even numbers 0..2N-2 as single points, appended */
	for (i = 0; i < N; i++)
		assert_int_equal(sfb_iset_add(&a, U(2 * i), U(2 * i)), SFB_OK);
	assert_int_equal(a.n, N);
	assert_canonical(&a);
	/* b = multiples of 4, in pairs [4k, 4k+1] */
	for (i = 0; i < N / 2; i++)
		assert_int_equal(sfb_iset_add(&b, U(4 * i), U(4 * i + 1)), SFB_OK);
	assert_int_equal(sfb_iset_union(&out, &a), SFB_OK);
	assert_int_equal(sfb_iset_union(&out, &b), SFB_OK);
	assert_canonical(&out);
	/* 4k, 4k+1, 4k+2 merge; 4k+3 is the gap */
	assert_int_equal(out.n, N / 2);
	assert_int_equal(sfb_iset_intersect(&out, &a, &b), SFB_OK);
	assert_int_equal(out.n, N / 2);
	assert_int_equal(sfb_iset_diff(&out, &a, &b), SFB_OK);
	assert_int_equal(out.n, N / 2);
	assert_true(sfb_iset_has(&out, U(2)));
	assert_false(sfb_iset_has(&out, U(4)));
	assert_true(sfb_iset_overlaps(&a, &b));
	assert_false(sfb_iset_subset(&a, &b));
	assert_true(sfb_iset_subset(&out, &a));
	/* a run of touching appends collapses to one range */
	sfb_iset_clear(&out);
	for (i = 0; i < N; i++)
		assert_int_equal(sfb_iset_add(&out, U(i), U(i)), SFB_OK);
	assert_int_equal(out.n, 1);
	/* the odd numbers added from the top down fill every gap, one at a
	 * time, through the general (binary search) path; each merge only
	 * moves the few ranges behind it */
	for (i = N - 1; i-- > 0;)
		assert_int_equal(sfb_iset_add(&a, U(2 * i + 1), U(2 * i + 1)), SFB_OK);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.r[0].lo.lo, 0);
	assert_int_equal(a.r[0].hi.lo, 2 * N - 2);
	sfb_iset_free(&a);
	sfb_iset_free(&b);
	sfb_iset_free(&out);
}

/* --- randomized comparison against a bitmap over 0..65535 ------------ */

#define NBITS 65536u
#define NWORDS (NBITS / 64)

typedef struct bitmap {
	uint64_t w[NWORDS];
} bitmap;

static void
bm_set_range(bitmap *b, uint32_t lo, uint32_t hi)
{
	uint32_t i = lo;

	while (i <= hi) {
		if ((i & 63) == 0 && hi - i >= 63) {
			b->w[i >> 6] = UINT64_MAX;
			i += 64;
		} else {
			b->w[i >> 6] |= UINT64_C(1) << (i & 63);
			i++;
		}
	}
}

static bool
bm_get(const bitmap *b, uint32_t i)
{
	return (b->w[i >> 6] >> (i & 63)) & 1;
}

/* Index of the first bit at or after i equal to `want`, NBITS if none;
 * skips whole words. */
static uint32_t
bm_find(const bitmap *b, uint32_t i, bool want)
{
	uint64_t w;

	while (i < NBITS) {
		w = want ? b->w[i >> 6] : ~b->w[i >> 6];
		w >>= i & 63;
		if (w != 0)
			return i + (uint32_t)__builtin_ctzll(w);
		i = (i | 63) + 1;
	}
	return NBITS;
}

/* The canonical set of a bitmap: its maximal runs, appended in order. */
static void
bm_to_set(const bitmap *b, sfb_iset *s)
{
	uint32_t i = 0, start;

	sfb_iset_clear(s);
	while ((start = bm_find(b, i, true)) < NBITS) {
		i = bm_find(b, start, false);
		assert_int_equal(sfb_iset_add(s, U(start), U(i - 1)), SFB_OK);
	}
}

/* Canonical form makes representation equality the same as set equality,
 * so compare the arrays with the bitmap's runs. */
static void
assert_matches(const sfb_iset *s, const bitmap *b, sfb_iset *scratch)
{
	assert_canonical(s);
	bm_to_set(b, scratch);
	assert_true(sfb_iset_equal(s, scratch));
}

/* A random range, biased towards the edges and towards crowding a small
 * window so that overlaps and adjacency are common. */
static void
random_range(rng *r, uint32_t *lo, uint32_t *hi)
{
	uint32_t a, len;

	switch (rng_below(r, 6)) {
	case 0:	/* crowded low window */
		a = (uint32_t)rng_below(r, 300);
		len = (uint32_t)rng_below(r, 20);
		break;
	case 1:	/* crowded top window */
		a = 65535 - (uint32_t)rng_below(r, 300);
		len = (uint32_t)rng_below(r, 20);
		break;
	case 2:	/* large */
		a = (uint32_t)rng_below(r, NBITS);
		len = (uint32_t)rng_below(r, 30000);
		break;
	case 3:	/* single point at an edge */
		a = rng_below(r, 2) ? 0 : 65535;
		len = 0;
		break;
	default:	/* anywhere, small */
		a = (uint32_t)rng_below(r, NBITS);
		len = (uint32_t)rng_below(r, 8);
		break;
	}
	*lo = a;
	*hi = len > 65535 - a ? 65535 : a + len;
}

static void
random_set(rng *r, sfb_iset *s, bitmap *b, sfb_iset *scratch)
{
	size_t i, n = (size_t)rng_below(r, 14);
	uint32_t lo, hi;

	sfb_iset_clear(s);
	memset(b, 0, sizeof(*b));
	for (i = 0; i < n; i++) {
		random_range(r, &lo, &hi);
		assert_int_equal(sfb_iset_add(s, U(lo), U(hi)), SFB_OK);
		bm_set_range(b, lo, hi);
		assert_matches(s, b, scratch);
	}
}

static void
test_random_vs_bitmap(void **state)
{
	static bitmap ba, bb, bx;
	sfb_iset a, b, x, scratch;
	rng r = { 20240601 };
	size_t iter, i, k;
	bool sub, ov;

	(void)state;
	sfb_iset_init(&a);
	sfb_iset_init(&b);
	sfb_iset_init(&x);
	sfb_iset_init(&scratch);
	for (iter = 0; iter < 2000; iter++) {
		random_set(&r, &a, &ba, &scratch);
		random_set(&r, &b, &bb, &scratch);

		/* has: random points and every range end +-1 */
		for (k = 0; k < 64; k++) {
			uint32_t v = (uint32_t)rng_below(&r, NBITS);

			assert_int_equal(sfb_iset_has(&a, U(v)), bm_get(&ba, v));
		}
		for (i = 0; i < a.n; i++) {
			uint64_t e[4] = { a.r[i].lo.lo - 1, a.r[i].lo.lo,
			    a.r[i].hi.lo, a.r[i].hi.lo + 1 };

			for (k = 0; k < 4; k++)
				if (e[k] < NBITS)
					assert_int_equal(sfb_iset_has(&a, U(e[k])),
					    bm_get(&ba, (uint32_t)e[k]));
		}
		assert_false(sfb_iset_has(&a, U(NBITS)));

		/* union */
		assert_int_equal(sfb_iset_copy(&x, &a), SFB_OK);
		assert_int_equal(sfb_iset_union(&x, &b), SFB_OK);
		for (k = 0; k < NWORDS; k++)
			bx.w[k] = ba.w[k] | bb.w[k];
		assert_matches(&x, &bx, &scratch);
		/* intersect */
		assert_int_equal(sfb_iset_intersect(&x, &a, &b), SFB_OK);
		for (k = 0; k < NWORDS; k++)
			bx.w[k] = ba.w[k] & bb.w[k];
		assert_matches(&x, &bx, &scratch);
		/* diff, both ways */
		assert_int_equal(sfb_iset_diff(&x, &a, &b), SFB_OK);
		for (k = 0; k < NWORDS; k++)
			bx.w[k] = ba.w[k] & ~bb.w[k];
		assert_matches(&x, &bx, &scratch);
		assert_int_equal(sfb_iset_diff(&x, &b, &a), SFB_OK);
		for (k = 0; k < NWORDS; k++)
			bx.w[k] = bb.w[k] & ~ba.w[k];
		assert_matches(&x, &bx, &scratch);

		/* predicates */
		sub = true;
		ov = false;
		for (k = 0; k < NWORDS; k++) {
			if (ba.w[k] & ~bb.w[k])
				sub = false;
			if (ba.w[k] & bb.w[k])
				ov = true;
		}
		assert_int_equal(sfb_iset_subset(&a, &b), sub);
		assert_int_equal(sfb_iset_overlaps(&a, &b), ov);
		assert_int_equal(sfb_iset_overlaps(&b, &a), ov);
		assert_int_equal(sfb_iset_equal(&a, &b),
		    memcmp(&ba, &bb, sizeof(ba)) == 0);
		assert_int_equal(sfb_iset_cmp(&a, &b) == 0, sfb_iset_equal(&a, &b));
		assert_int_equal(sfb_iset_cmp(&a, &b) < 0, sfb_iset_cmp(&b, &a) > 0);
		/* identities: (a - b) | (a & b) == a; a & b subset of both */
		assert_int_equal(sfb_iset_intersect(&x, &a, &b), SFB_OK);
		assert_true(sfb_iset_subset(&x, &a));
		assert_true(sfb_iset_subset(&x, &b));
		assert_int_equal(sfb_iset_diff(&scratch, &a, &b), SFB_OK);
		assert_int_equal(sfb_iset_union(&x, &scratch), SFB_OK);
		assert_true(sfb_iset_equal(&x, &a));
	}
	sfb_iset_free(&a);
	sfb_iset_free(&b);
	sfb_iset_free(&x);
	sfb_iset_free(&scratch);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u128),
		cmocka_unit_test(test_init_free_clear),
		cmocka_unit_test(test_add_invalid),
		cmocka_unit_test(test_add_adjacent),
		cmocka_unit_test(test_add_overlap),
		cmocka_unit_test(test_add_positions),
		cmocka_unit_test(test_add_edges),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_union),
		cmocka_unit_test(test_intersect),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_has),
		cmocka_unit_test(test_subset_overlaps),
		cmocka_unit_test(test_equal_cmp),
		cmocka_unit_test(test_order_independent),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_random_vs_bitmap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
