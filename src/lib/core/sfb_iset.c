/* Interval sets over 128-bit keys, and the port sets built on them.
 *
 * The representation is a sorted array of disjoint, non-adjacent, inclusive
 * ranges.  Every public operation either succeeds and leaves the set in that
 * canonical form, or fails (SFB_EINVAL, SFB_ENOMEM) and leaves every output
 * exactly as it was: results are built aside and swapped in at the end, or
 * the memory is reserved before the first write. */
#include "sfb_iset.h"

#include <stdlib.h>
#include <string.h>

#define PORT_MAX 65535u
/* iptables' multiport match takes at most 15 ports; a range takes two. */
#define IPT_SLOTS 15u

/* --- 128-bit keys ----------------------------------------------------- */

sfb_u128
sfb_u128_make(uint64_t hi, uint64_t lo)
{
	sfb_u128 v;

	v.hi = hi;
	v.lo = lo;
	return v;
}

int
sfb_u128_cmp(sfb_u128 a, sfb_u128 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

sfb_u128
sfb_u128_inc(sfb_u128 v)
{
	v.lo++;
	if (v.lo == 0)
		v.hi++;
	return v;
}

sfb_u128
sfb_u128_dec(sfb_u128 v)
{
	if (v.lo == 0)
		v.hi--;
	v.lo--;
	return v;
}

static bool
u128_is_max(sfb_u128 v)
{
	return v.hi == UINT64_MAX && v.lo == UINT64_MAX;
}

static sfb_u128
u128_max(sfb_u128 a, sfb_u128 b)
{
	return sfb_u128_cmp(a, b) >= 0 ? a : b;
}

static sfb_u128
u128_min(sfb_u128 a, sfb_u128 b)
{
	return sfb_u128_cmp(a, b) <= 0 ? a : b;
}

/* lo <= hi + 1 in unbounded arithmetic: a range ending at hi and one
 * starting at lo overlap or touch, so canonical form merges them.  hi + 1
 * would wrap to 0 at 2^128-1, where everything touches. */
static bool
touches(sfb_u128 hi, sfb_u128 lo)
{
	return u128_is_max(hi) || sfb_u128_cmp(lo, sfb_u128_inc(hi)) <= 0;
}

/* --- storage ---------------------------------------------------------- */

/* Room for need ranges.  Doubling keeps appends O(1) amortized.  On failure
 * the set is untouched. */
static sfb_status
reserve(sfb_iset *s, size_t need)
{
	sfb_range *r;
	size_t cap;

	if (need <= s->cap)
		return SFB_OK;
	cap = s->cap != 0 ? s->cap : 8;
	while (cap < need) {
		if (cap > SIZE_MAX / 2 / sizeof(*r))
			return SFB_ENOMEM;
		cap *= 2;
	}
	r = realloc(s->r, cap * sizeof(*r));
	if (r == NULL)
		return SFB_ENOMEM;
	s->r = r;
	s->cap = cap;
	return SFB_OK;
}

/* Add a range that starts at or after the start of the last range: merge
 * into the last range when they touch, else append.  This is the step
 * every linear merge below is made of. */
static sfb_status
append(sfb_iset *s, sfb_u128 lo, sfb_u128 hi)
{
	sfb_range *last;
	sfb_status st;

	if (s->n > 0) {
		last = &s->r[s->n - 1];
		if (touches(last->hi, lo)) {
			last->hi = u128_max(last->hi, hi);
			return SFB_OK;
		}
	}
	if ((st = reserve(s, s->n + 1)) != SFB_OK)
		return st;
	s->r[s->n].lo = lo;
	s->r[s->n].hi = hi;
	s->n++;
	return SFB_OK;
}

/* Replace dst's contents with t's, taking t's memory; t is left empty. */
static void
take(sfb_iset *dst, sfb_iset *t)
{
	sfb_iset_free(dst);
	*dst = *t;
	sfb_iset_init(t);
}

void
sfb_iset_init(sfb_iset *s)
{
	s->r = NULL;
	s->n = 0;
	s->cap = 0;
}

void
sfb_iset_free(sfb_iset *s)
{
	free(s->r);
	sfb_iset_init(s);
}

void
sfb_iset_clear(sfb_iset *s)
{
	s->n = 0;
}

sfb_status
sfb_iset_copy(sfb_iset *dst, const sfb_iset *src)
{
	sfb_iset t;
	sfb_status st;

	if (dst == src)
		return SFB_OK;
	sfb_iset_init(&t);
	if ((st = reserve(&t, src->n)) != SFB_OK)
		goto out;
	if (src->n > 0)
		memcpy(t.r, src->r, src->n * sizeof(*t.r));
	t.n = src->n;
	take(dst, &t);
out:
	sfb_iset_free(&t);
	return st;
}

/* --- adding ----------------------------------------------------------- */

sfb_status
sfb_iset_add(sfb_iset *s, sfb_u128 lo, sfb_u128 hi)
{
	size_t i, j, a, b, m;
	sfb_status st;

	if (sfb_u128_cmp(lo, hi) > 0)
		return SFB_EINVAL;
	/* Fast path: sorted input (decompositions, parsed lists, merges)
	 * only ever extends or follows the last range. */
	if (s->n == 0 || sfb_u128_cmp(lo, s->r[s->n - 1].lo) >= 0)
		return append(s, lo, hi);

	/* i: first range that touches [lo, ...], i.e. r[i].hi + 1 >= lo.
	 * r[].hi is increasing, so the predicate is monotone. */
	a = 0;
	b = s->n;
	while (a < b) {
		m = a + (b - a) / 2;
		if (touches(s->r[m].hi, lo))
			b = m;
		else
			a = m + 1;
	}
	i = a;
	/* j: first range that starts beyond hi + 1.  Every range before i
	 * ends below lo - 1 <= hi + 1, so j >= i. */
	a = i;
	b = s->n;
	while (a < b) {
		m = a + (b - a) / 2;
		if (touches(hi, s->r[m].lo))
			a = m + 1;
		else
			b = m;
	}
	j = a;

	if (i == j) {
		/* Touches nothing: insert at i.  Reserve first so a failure
		 * leaves the set as it was. */
		if ((st = reserve(s, s->n + 1)) != SFB_OK)
			return st;
		memmove(&s->r[i + 1], &s->r[i], (s->n - i) * sizeof(*s->r));
		s->r[i].lo = lo;
		s->r[i].hi = hi;
		s->n++;
		return SFB_OK;
	}
	/* Ranges i..j-1 all touch [lo, hi]: they collapse into r[i]. */
	s->r[i].lo = u128_min(lo, s->r[i].lo);
	s->r[i].hi = u128_max(hi, s->r[j - 1].hi);
	if (j < s->n)
		memmove(&s->r[i + 1], &s->r[j], (s->n - j) * sizeof(*s->r));
	s->n -= j - i - 1;
	return SFB_OK;
}

/* --- set algebra (linear merges of the sorted arrays) ----------------- */

static int
cmp_range_lo(const void *a, const void *b)
{
	const sfb_range *x = a, *y = b;

	return sfb_u128_cmp(x->lo, y->lo);
}

/* One sort and one merge for many sets: building a set of k pieces by k
 * pairwise unions would cost k times its size. */
sfb_status
sfb_iset_union_many(sfb_iset *dst, const sfb_iset *const *src, size_t n)
{
	sfb_iset all, t;
	size_t i, total = dst->n;
	sfb_status st = SFB_OK;

	sfb_iset_init(&all);
	sfb_iset_init(&t);
	for (i = 0; i < n; i++) {
		if (total > SIZE_MAX - src[i]->n) {
			st = SFB_ENOMEM;
			goto out;
		}
		total += src[i]->n;
	}
	if (total == dst->n)
		goto out;
	if ((st = reserve(&all, total)) != SFB_OK || (st = reserve(&t, total)) != SFB_OK)
		goto out;
	if (dst->n > 0)
		memcpy(all.r, dst->r, dst->n * sizeof(*all.r));
	all.n = dst->n;
	for (i = 0; i < n; i++) {
		if (src[i]->n == 0)
			continue;
		memcpy(all.r + all.n, src[i]->r, src[i]->n * sizeof(*all.r));
		all.n += src[i]->n;
	}
	qsort(all.r, all.n, sizeof(*all.r), cmp_range_lo);
	for (i = 0; i < all.n; i++)
		(void)append(&t, all.r[i].lo, all.r[i].hi);  /* room reserved */
	take(dst, &t);
out:
	sfb_iset_free(&all);
	sfb_iset_free(&t);
	return st;
}

sfb_status
sfb_iset_union(sfb_iset *dst, const sfb_iset *src)
{
	sfb_iset t;
	size_t i = 0, j = 0;
	const sfb_range *x;
	sfb_status st = SFB_OK;

	sfb_iset_init(&t);
	if (src->n == 0 || dst == src)
		goto out;
	if (dst->n == 0) {
		st = sfb_iset_copy(dst, src);
		goto out;
	}
	/* src entirely after dst (building a set from sorted pieces): append
	 * in place, reserving once so a failure changes nothing. */
	if (sfb_u128_cmp(src->r[0].lo, dst->r[dst->n - 1].lo) >= 0) {
		if (dst->n > SIZE_MAX - src->n) {
			st = SFB_ENOMEM;
			goto out;
		}
		if ((st = reserve(dst, dst->n + src->n)) != SFB_OK)
			goto out;
		for (i = 0; i < src->n; i++)
			(void)append(dst, src->r[i].lo, src->r[i].hi);
		goto out;
	}
	if (dst->n > SIZE_MAX - src->n) {
		st = SFB_ENOMEM;
		goto out;
	}
	if ((st = reserve(&t, dst->n + src->n)) != SFB_OK)
		goto out;
	while (i < dst->n || j < src->n) {
		if (j >= src->n || (i < dst->n &&
		    sfb_u128_cmp(dst->r[i].lo, src->r[j].lo) <= 0))
			x = &dst->r[i++];
		else
			x = &src->r[j++];
		/* Cannot fail: the room was reserved above. */
		(void)append(&t, x->lo, x->hi);
	}
	take(dst, &t);
out:
	sfb_iset_free(&t);
	return st;
}

sfb_status
sfb_iset_intersect(sfb_iset *out, const sfb_iset *a, const sfb_iset *b)
{
	sfb_iset t;
	size_t i = 0, j = 0;
	sfb_u128 lo, hi;
	sfb_status st = SFB_OK;

	sfb_iset_init(&t);
	while (i < a->n && j < b->n) {
		lo = u128_max(a->r[i].lo, b->r[j].lo);
		hi = u128_min(a->r[i].hi, b->r[j].hi);
		if (sfb_u128_cmp(lo, hi) <= 0 &&
		    (st = append(&t, lo, hi)) != SFB_OK)
			goto out;
		/* The range that ends first cannot meet anything further. */
		if (sfb_u128_cmp(a->r[i].hi, b->r[j].hi) < 0)
			i++;
		else
			j++;
	}
	take(out, &t);
out:
	sfb_iset_free(&t);
	return st;
}

sfb_status
sfb_iset_diff(sfb_iset *out, const sfb_iset *a, const sfb_iset *b)
{
	sfb_iset t;
	size_t i, j = 0;
	sfb_u128 cur;
	bool gone;
	sfb_status st = SFB_OK;

	sfb_iset_init(&t);
	for (i = 0; i < a->n; i++) {
		cur = a->r[i].lo;	/* first value of a->r[i] not yet decided */
		gone = false;
		while (j < b->n && sfb_u128_cmp(b->r[j].hi, cur) < 0)
			j++;
		while (j < b->n && sfb_u128_cmp(b->r[j].lo, a->r[i].hi) <= 0) {
			if (sfb_u128_cmp(b->r[j].lo, cur) > 0 &&
			    (st = append(&t, cur, sfb_u128_dec(b->r[j].lo))) != SFB_OK)
				goto out;
			if (sfb_u128_cmp(b->r[j].hi, a->r[i].hi) >= 0) {
				/* b->r[j] covers the rest of a->r[i] and may
				 * cover the next one too: keep j. */
				gone = true;
				break;
			}
			/* b->r[j].hi < a->r[i].hi, so +1 cannot wrap. */
			cur = sfb_u128_inc(b->r[j].hi);
			j++;
		}
		if (!gone && (st = append(&t, cur, a->r[i].hi)) != SFB_OK)
			goto out;
	}
	take(out, &t);
out:
	sfb_iset_free(&t);
	return st;
}

/* --- queries ---------------------------------------------------------- */

bool
sfb_iset_empty(const sfb_iset *s)
{
	return s->n == 0;
}

bool
sfb_iset_has(const sfb_iset *s, sfb_u128 v)
{
	size_t a = 0, b = s->n, m;

	/* Find the first range ending at or after v. */
	while (a < b) {
		m = a + (b - a) / 2;
		if (sfb_u128_cmp(s->r[m].hi, v) < 0)
			a = m + 1;
		else
			b = m;
	}
	return a < s->n && sfb_u128_cmp(s->r[a].lo, v) <= 0;
}

bool
sfb_iset_subset(const sfb_iset *inner, const sfb_iset *outer)
{
	size_t i, j = 0;

	/* Outer ranges never touch, so each inner range must sit inside a
	 * single outer range. */
	for (i = 0; i < inner->n; i++) {
		while (j < outer->n &&
		    sfb_u128_cmp(outer->r[j].hi, inner->r[i].lo) < 0)
			j++;
		if (j == outer->n ||
		    sfb_u128_cmp(outer->r[j].lo, inner->r[i].lo) > 0 ||
		    sfb_u128_cmp(outer->r[j].hi, inner->r[i].hi) < 0)
			return false;
	}
	return true;
}

bool
sfb_iset_overlaps(const sfb_iset *a, const sfb_iset *b)
{
	size_t i = 0, j = 0;

	/* The hulls first: most pairs a caller tries are far apart. */
	if (a->n == 0 || b->n == 0 || sfb_u128_cmp(a->r[a->n - 1].hi, b->r[0].lo) < 0 ||
	    sfb_u128_cmp(b->r[b->n - 1].hi, a->r[0].lo) < 0)
		return false;
	while (i < a->n && j < b->n) {
		if (sfb_u128_cmp(a->r[i].hi, b->r[j].lo) < 0)
			i++;
		else if (sfb_u128_cmp(b->r[j].hi, a->r[i].lo) < 0)
			j++;
		else
			return true;
	}
	return false;
}

bool
sfb_iset_equal(const sfb_iset *a, const sfb_iset *b)
{
	return a->n == b->n && sfb_iset_cmp(a, b) == 0;
}

int
sfb_iset_cmp(const sfb_iset *a, const sfb_iset *b)
{
	size_t i;
	int c;

	/* Lexicographic over (lo, hi) pairs; a proper prefix sorts first. */
	for (i = 0; i < a->n && i < b->n; i++) {
		if ((c = sfb_u128_cmp(a->r[i].lo, b->r[i].lo)) != 0)
			return c;
		if ((c = sfb_u128_cmp(a->r[i].hi, b->r[i].hi)) != 0)
			return c;
	}
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	return 0;
}

/* --- port sets -------------------------------------------------------- */

void
sfb_portset_init(sfb_portset *p)
{
	sfb_iset_init(&p->s);
}

void
sfb_portset_free(sfb_portset *p)
{
	sfb_iset_free(&p->s);
}

/* Out-of-range ports are SFB_ERANGE (the number is well formed but is not
 * a port); lo > hi is SFB_EINVAL. */
sfb_status
sfb_portset_add(sfb_portset *p, uint32_t lo, uint32_t hi)
{
	if (lo > PORT_MAX || hi > PORT_MAX)
		return SFB_ERANGE;
	if (lo > hi)
		return SFB_EINVAL;
	return sfb_iset_add(&p->s, sfb_u128_make(0, lo), sfb_u128_make(0, hi));
}

sfb_status
sfb_portset_all(sfb_portset *p)
{
	return sfb_portset_add(p, 0, PORT_MAX);
}

bool
sfb_portset_is_all(const sfb_portset *p)
{
	return p->s.n == 1 &&
	    sfb_u128_cmp(p->s.r[0].lo, sfb_u128_make(0, 0)) == 0 &&
	    sfb_u128_cmp(p->s.r[0].hi, sfb_u128_make(0, PORT_MAX)) == 0;
}

bool
sfb_portset_has(const sfb_portset *p, uint32_t port)
{
	return port <= PORT_MAX && sfb_iset_has(&p->s, sfb_u128_make(0, port));
}

uint64_t
sfb_portset_count(const sfb_portset *p)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < p->s.n; i++)
		n += p->s.r[i].hi.lo - p->s.r[i].lo.lo + 1;
	return n;
}

static bool
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

/* One port number.  A leading zero ("0443") is rejected: no tool writes
 * ports that way, so it is more likely a typo than intent, and YAML 1.1
 * readers would take it as octal.  Too large a number is SFB_ERANGE. */
static sfb_status
port_num(sfb_cur *c, uint32_t *out)
{
	sfb_cur t = *c;
	uint64_t v;

	if (!is_digit(sfb_cur_peek(c)))
		return SFB_EINVAL;
	if (sfb_cur_get(&t) == '0' && is_digit(sfb_cur_peek(&t)))
		return SFB_EINVAL;
	/* sfb_cur_uint fails on a digit only when the value exceeds max. */
	if (!sfb_cur_uint(c, PORT_MAX, &v))
		return SFB_ERANGE;
	*out = (uint32_t)v;
	return SFB_OK;
}

/* "443", "50000-59999" or "any"; no spaces inside a term. */
static sfb_status
port_term(sfb_cur *c, uint32_t *lo, uint32_t *hi)
{
	sfb_status st;

	if (sfb_cur_accept_str(c, "any")) {
		*lo = 0;
		*hi = PORT_MAX;
		return SFB_OK;
	}
	if ((st = port_num(c, lo)) != SFB_OK)
		return st;
	*hi = *lo;
	if (sfb_cur_accept(c, '-') && (st = port_num(c, hi)) != SFB_OK)
		return st;
	return *lo <= *hi ? SFB_OK : SFB_EINVAL;
}

/* Whitespace around a term is allowed; anything else after it ("anyx",
 * "80x", "1-2-3") is SFB_EINVAL. */
sfb_status
sfb_portset_parse_term(sfb_portset *p, const char *text)
{
	sfb_cur c;
	uint32_t lo, hi;
	sfb_status st;

	if (text == NULL)
		return SFB_EINVAL;
	sfb_cur_init_str(&c, text);
	sfb_cur_skip_space(&c);
	if ((st = port_term(&c, &lo, &hi)) != SFB_OK)
		return st;
	sfb_cur_skip_space(&c);
	if (!sfb_cur_eof(&c))
		return SFB_EINVAL;
	return sfb_portset_add(p, lo, hi);
}

/* Terms separated by commas, whitespace allowed around each term.  An
 * empty list, an empty term (",443", "443,,80", "443,") or junk is
 * SFB_EINVAL, a number above 65535 SFB_ERANGE.  The terms are collected
 * aside and merged in one step, so on any error p is unchanged. */
sfb_status
sfb_portset_parse(sfb_portset *p, const char *text)
{
	sfb_iset t;
	sfb_cur c;
	uint32_t lo, hi;
	sfb_status st = SFB_EINVAL;

	sfb_iset_init(&t);
	if (text == NULL)
		goto out;
	sfb_cur_init_str(&c, text);
	for (;;) {
		sfb_cur_skip_space(&c);
		if ((st = port_term(&c, &lo, &hi)) != SFB_OK)
			goto out;
		if ((st = sfb_iset_add(&t, sfb_u128_make(0, lo),
		    sfb_u128_make(0, hi))) != SFB_OK)
			goto out;
		sfb_cur_skip_space(&c);
		if (sfb_cur_eof(&c))
			break;
		if (!sfb_cur_accept(&c, ',')) {
			st = SFB_EINVAL;
			goto out;
		}
	}
	st = sfb_iset_union(&p->s, &t);
out:
	sfb_iset_free(&t);
	return st;
}

static void
put_port_range(sfb_buf *b, const sfb_range *r, char sep)
{
	sfb_buf_u64(b, r->lo.lo);
	if (r->hi.lo != r->lo.lo) {
		sfb_buf_putc(b, sep);
		sfb_buf_u64(b, r->hi.lo);
	}
}

/* The empty set prints nothing: there is no text for "no port" in any of
 * the three syntaxes, and callers must not emit a rule for it. */
void
sfb_portset_print(sfb_buf *b, const sfb_portset *p)
{
	size_t i;

	if (sfb_portset_is_all(p)) {
		sfb_buf_puts(b, "any");
		return;
	}
	for (i = 0; i < p->s.n; i++) {
		if (i > 0)
			sfb_buf_putc(b, ',');
		put_port_range(b, &p->s.r[i], '-');
	}
}

void
sfb_portset_print_nft(sfb_buf *b, const sfb_portset *p)
{
	size_t i;

	if (p->s.n == 1) {
		put_port_range(b, &p->s.r[0], '-');
		return;
	}
	if (p->s.n == 0)
		return;
	sfb_buf_puts(b, "{ ");
	for (i = 0; i < p->s.n; i++) {
		if (i > 0)
			sfb_buf_puts(b, ", ");
		put_port_range(b, &p->s.r[i], '-');
	}
	sfb_buf_puts(b, " }");
}

static size_t
ipt_slots(const sfb_range *r)
{
	return sfb_u128_cmp(r->lo, r->hi) == 0 ? 1 : 2;
}

/* Greedy chunking of the canonical list: a chunk takes elements in order
 * while they fit in IPT_SLOTS; a range that would straddle the limit opens
 * the next chunk.  Returns the number of chunks; [*start, *end) is chunk
 * want when it exists. */
static size_t
ipt_walk(const sfb_portset *p, size_t want, size_t *start, size_t *end)
{
	size_t i, chunk = 0, used = 0, first = 0, w;

	*start = *end = 0;
	for (i = 0; i < p->s.n; i++) {
		w = ipt_slots(&p->s.r[i]);
		if (used + w > IPT_SLOTS) {
			if (chunk == want) {
				*start = first;
				*end = i;
			}
			chunk++;
			first = i;
			used = 0;
		}
		used += w;
	}
	if (p->s.n > 0) {
		if (chunk == want) {
			*start = first;
			*end = p->s.n;
		}
		chunk++;
	}
	return chunk;
}

size_t
sfb_portset_ipt_chunks(const sfb_portset *p)
{
	size_t s, e;

	return ipt_walk(p, SIZE_MAX, &s, &e);
}

/* A chunk index past the end prints nothing. */
void
sfb_portset_print_ipt(sfb_buf *b, const sfb_portset *p, size_t chunk)
{
	size_t i, s, e;

	(void)ipt_walk(p, chunk, &s, &e);
	for (i = s; i < e; i++) {
		if (i > s)
			sfb_buf_putc(b, ',');
		put_port_range(b, &p->s.r[i], ':');
	}
}
