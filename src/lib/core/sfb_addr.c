/* Address text (IPv4 and IPv6, parsed and printed here, not by libc) and
 * address sets.
 *
 * Parsing is strict on purpose: the text comes from a topology file that
 * becomes firewall rules, so anything with two readings is an error rather
 * than a guess.  The choices:
 *   - IPv4 is exactly four decimal octets.  No shorthand ("10.1"), no hex,
 *     and no leading zeros ("010.0.0.1"): inet_aton() and many tools read
 *     those as octal, others as decimal.  "0" itself is fine.
 *   - IPv6 follows RFC 4291 section 2.2: one to four hex digits per group
 *     (either case, leading zeros allowed there as the RFC allows), at most
 *     one "::" standing for one or more zero groups, and an optional dotted
 *     quad (same rules as above) as the last 32 bits.  No zone ("%eth0"),
 *     no brackets.
 *   - A prefix length is decimal without leading zeros, 0..32 or 0..128.
 *   - No surrounding whitespace.
 *   - Every syntax error, a bad prefix length, and host bits set under the
 *     prefix are SFB_EINVAL.
 * IPv4-mapped addresses (::ffff:a.b.c.d) stay in the IPv6 set: the rule
 * sets for the two families are separate, and folding them into IPv4
 * would silently move a rule from one to the other. */
#include "sfb_iset.h"

#include <stdlib.h>
#include <string.h>

#define V4_BITS 32u
#define V6_BITS 128u

/* --- bit helpers ------------------------------------------------------ */

/* The low `bits` bits set, bits in 0..128. */
static sfb_u128
low_mask(unsigned bits)
{
	if (bits >= 128)
		return sfb_u128_make(UINT64_MAX, UINT64_MAX);
	if (bits >= 64)
		return sfb_u128_make((UINT64_C(1) << (bits - 64)) - 1, UINT64_MAX);
	return sfb_u128_make(0, (UINT64_C(1) << bits) - 1);
}

static sfb_u128
u128_or(sfb_u128 a, sfb_u128 b)
{
	return sfb_u128_make(a.hi | b.hi, a.lo | b.lo);
}

static bool
u128_and_zero(sfb_u128 a, sfb_u128 b)
{
	return (a.hi & b.hi) == 0 && (a.lo & b.lo) == 0;
}

static unsigned
ctz64(uint64_t v)
{
	unsigned n = 0;

	if (v == 0)
		return 64;
	while ((v & 1) == 0) {
		v >>= 1;
		n++;
	}
	return n;
}

/* Trailing zero bits, 128 for zero. */
static unsigned
ctz128(sfb_u128 v)
{
	if (v.lo != 0)
		return ctz64(v.lo);
	return 64 + ctz64(v.hi);
}

/* --- parsing ---------------------------------------------------------- */

static bool
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static bool
is_hex(int ch)
{
	return is_digit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* A decimal number <= max without a leading zero. */
static bool
dec_strict(sfb_cur *c, uint64_t max, uint64_t *out)
{
	sfb_cur t = *c;

	if (sfb_cur_get(&t) == '0' && is_digit(sfb_cur_peek(&t)))
		return false;
	return sfb_cur_uint(c, max, out);
}

static bool
parse_v4(sfb_cur *c, uint32_t *out)
{
	uint64_t o;
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		if (i > 0 && !sfb_cur_accept(c, '.'))
			return false;
		if (!dec_strict(c, 255, &o))
			return false;
		v = v << 8 | (uint32_t)o;
	}
	*out = v;
	return true;
}

/* Does a dotted quad start here?  Decimal digits are hex digits, so look
 * past the whole run for the dot. */
static bool
v4_ahead(const sfb_cur *c)
{
	sfb_cur t = *c;

	while (is_hex(sfb_cur_peek(&t)))
		(void)sfb_cur_get(&t);
	return sfb_cur_peek(&t) == '.';
}

static bool
at_addr_end(const sfb_cur *c)
{
	return sfb_cur_eof(c) || sfb_cur_peek(c) == '/';
}

static bool
parse_v6(sfb_cur *c, sfb_u128 *out)
{
	uint16_t head[8], tail[8], w[8];
	size_t nh = 0, nt = 0, i;
	bool dc = false;	/* seen "::"; groups now go to tail */
	uint64_t g;
	uint32_t v4;

	if (sfb_cur_accept_str(c, "::")) {
		dc = true;
		if (at_addr_end(c))
			goto done;
	}
	for (;;) {
		if (v4_ahead(c)) {
			/* The dotted quad is the last 32 bits: nothing may
			 * follow it but the end of the address. */
			if (nh + nt + 2 > 8 || !parse_v4(c, &v4))
				return false;
			if (dc) {
				tail[nt++] = (uint16_t)(v4 >> 16);
				tail[nt++] = (uint16_t)v4;
			} else {
				head[nh++] = (uint16_t)(v4 >> 16);
				head[nh++] = (uint16_t)v4;
			}
			break;
		}
		if (nh + nt >= 8 || !sfb_cur_hex(c, 0xffff, &g, 4))
			return false;
		if (is_hex(sfb_cur_peek(c)))
			return false;	/* a fifth digit */
		if (dc)
			tail[nt++] = (uint16_t)g;
		else
			head[nh++] = (uint16_t)g;
		if (!sfb_cur_accept(c, ':'))
			break;
		if (sfb_cur_accept(c, ':')) {
			if (dc)
				return false;	/* a second "::" */
			dc = true;
			if (at_addr_end(c))
				break;
		}
		/* A single ':' must be followed by a group: the next turn
		 * fails on "1:" or "1:::". */
	}
done:
	/* "::" stands for at least one zero group. */
	if (dc ? nh + nt > 7 : nh != 8)
		return false;
	memset(w, 0, sizeof(w));
	for (i = 0; i < nh; i++)
		w[i] = head[i];
	for (i = 0; i < nt; i++)
		w[8 - nt + i] = tail[i];
	out->hi = (uint64_t)w[0] << 48 | (uint64_t)w[1] << 32 |
	    (uint64_t)w[2] << 16 | w[3];
	out->lo = (uint64_t)w[4] << 48 | (uint64_t)w[5] << 32 |
	    (uint64_t)w[6] << 16 | w[7];
	return true;
}

/* Parse "addr" or "addr/len" into the family (4 or 6) and the inclusive
 * range it covers; *has_len says whether a length was written. */
static sfb_status
parse_prefix(const char *text, int *family, sfb_u128 *lo, sfb_u128 *hi,
    bool *has_len)
{
	sfb_cur c, t;
	sfb_u128 v, host;
	uint32_t v4;
	uint64_t len;
	unsigned width;
	int ch;
	bool v6 = false;

	if (text == NULL)
		return SFB_EINVAL;
	sfb_cur_init_str(&c, text);
	/* A ':' before the prefix length means IPv6. */
	t = c;
	while ((ch = sfb_cur_get(&t)) != -1 && ch != '/')
		if (ch == ':')
			v6 = true;
	if (v6) {
		if (!parse_v6(&c, &v))
			return SFB_EINVAL;
		width = V6_BITS;
	} else {
		if (!parse_v4(&c, &v4))
			return SFB_EINVAL;
		v = sfb_u128_make(0, v4);
		width = V4_BITS;
	}
	len = width;
	*has_len = sfb_cur_accept(&c, '/');
	if (*has_len && !dec_strict(&c, width, &len))
		return SFB_EINVAL;
	if (!sfb_cur_eof(&c))
		return SFB_EINVAL;
	host = low_mask(width - (unsigned)len);
	if (!u128_and_zero(v, host))
		return SFB_EINVAL;
	*family = v6 ? 6 : 4;
	*lo = v;
	*hi = u128_or(v, host);
	return SFB_OK;
}

sfb_status
sfb_addrset_parse(sfb_addrset *a, const char *text)
{
	sfb_u128 lo, hi;
	int family;
	bool has_len;
	sfb_status st;

	if ((st = parse_prefix(text, &family, &lo, &hi, &has_len)) != SFB_OK)
		return st;
	/* One add, which either succeeds or leaves the set alone. */
	return sfb_iset_add(family == 4 ? &a->v4 : &a->v6, lo, hi);
}

bool
sfb_addr_is_single(const char *text)
{
	sfb_u128 lo, hi;
	int family;
	bool has_len;

	return parse_prefix(text, &family, &lo, &hi, &has_len) == SFB_OK &&
	    !has_len;
}

/* --- printing --------------------------------------------------------- */

static void
put_v4(sfb_buf *b, uint32_t v)
{
	int i;

	for (i = 3; i >= 0; i--) {
		sfb_buf_u64(b, (v >> (i * 8)) & 0xff);
		if (i > 0)
			sfb_buf_putc(b, '.');
	}
}

/* Lowercase hex without leading zeros (RFC 5952 4.1, 4.3). */
static void
put_hex16(sfb_buf *b, uint16_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[4];
	size_t n = 0;

	do {
		tmp[3 - n] = digits[v & 0xf];
		v >>= 4;
		n++;
	} while (v != 0);
	sfb_buf_add(b, tmp + 4 - n, n);
}

/* RFC 5952: the longest run of two or more zero groups becomes "::", the
 * first one on a tie; a lone zero group stays "0".  IPv4-mapped addresses
 * print as ::ffff:a.b.c.d (section 5). */
static void
put_v6(sfb_buf *b, sfb_u128 v)
{
	uint16_t w[8];
	int i, best = -1, bestlen = 1, run;

	for (i = 0; i < 4; i++) {
		w[i] = (uint16_t)(v.hi >> (48 - 16 * i));
		w[4 + i] = (uint16_t)(v.lo >> (48 - 16 * i));
	}
	if (v.hi == 0 && (v.lo >> 32) == 0xffff) {
		sfb_buf_puts(b, "::ffff:");
		put_v4(b, (uint32_t)v.lo);
		return;
	}
	for (i = 0; i < 8; i++) {
		for (run = 0; i + run < 8 && w[i + run] == 0; run++)
			;
		/* Strictly longer, so the first of equal runs wins. */
		if (run > bestlen) {
			best = i;
			bestlen = run;
		}
		if (run > 0)
			i += run - 1;
	}
	for (i = 0; i < 8; i++) {
		if (i == best) {
			sfb_buf_puts(b, "::");
			i += bestlen - 1;
			continue;
		}
		if (i > 0 && i != best + bestlen)
			sfb_buf_putc(b, ':');
		put_hex16(b, w[i]);
	}
}

static void
put_block(sfb_buf *b, int family, sfb_u128 base, unsigned plen)
{
	if (family == 4)
		put_v4(b, (uint32_t)base.lo);
	else
		put_v6(b, base);
	/* Single hosts are written bare. */
	if (plen != (family == 4 ? V4_BITS : V6_BITS)) {
		sfb_buf_putc(b, '/');
		sfb_buf_u64(b, plen);
	}
}

/* --- CIDR decomposition ----------------------------------------------- */

typedef sfb_status (*block_fn)(void *arg, int family, sfb_u128 base,
    unsigned plen);

static const sfb_iset *
family_set(const sfb_addrset *a, int family)
{
	if (family == 4)
		return &a->v4;
	if (family == 6)
		return &a->v6;
	return NULL;
}

/* The minimal prefix split of each range: from the low end, repeatedly
 * take the largest block that is aligned at the current address and does
 * not pass the end of the range.  Stops at the first error fn returns. */
static sfb_status
each_block(const sfb_addrset *a, int family, block_fn fn, void *arg)
{
	const sfb_iset *s = family_set(a, family);
	unsigned width = family == 4 ? V4_BITS : V6_BITS, k;
	sfb_u128 lo, end;
	size_t i;
	sfb_status st;

	if (s == NULL)
		return SFB_EINVAL;
	for (i = 0; i < s->n; i++) {
		lo = s->r[i].lo;
		for (;;) {
			k = ctz128(lo);
			if (k > width)
				k = width;
			/* k = 0 gives end = lo <= hi, so this stops. */
			for (;;) {
				end = u128_or(lo, low_mask(k));
				if (sfb_u128_cmp(end, s->r[i].hi) <= 0)
					break;
				k--;
			}
			if ((st = fn(arg, family, lo, width - k)) != SFB_OK)
				return st;
			/* Checked before the +1, which would wrap at the
			 * top of the address space. */
			if (sfb_u128_cmp(end, s->r[i].hi) == 0)
				break;
			lo = sfb_u128_inc(end);
		}
	}
	return SFB_OK;
}

struct print_ctx {
	sfb_buf *b;
	bool first;
};

static sfb_status
print_block(void *arg, int family, sfb_u128 base, unsigned plen)
{
	struct print_ctx *pc = arg;

	if (!pc->first)
		sfb_buf_puts(pc->b, ", ");
	pc->first = false;
	put_block(pc->b, family, base, plen);
	return SFB_OK;
}

void
sfb_addrset_print(sfb_buf *b, const sfb_addrset *a)
{
	struct print_ctx pc = { b, true };

	(void)each_block(a, 4, print_block, &pc);
	(void)each_block(a, 6, print_block, &pc);
}

/* A family other than 4 or 6 prints nothing. */
void
sfb_addrset_print_family(sfb_buf *b, const sfb_addrset *a, int family)
{
	struct print_ctx pc = { b, true };

	(void)each_block(a, family, print_block, &pc);
}

static sfb_status
count_block(void *arg, int family, sfb_u128 base, unsigned plen)
{
	size_t *n = arg;

	(void)family;
	(void)base;
	(void)plen;
	(*n)++;
	return SFB_OK;
}

/* 0 for a family other than 4 or 6. */
size_t
sfb_addrset_count_cidrs(const sfb_addrset *a, int family)
{
	size_t n = 0;

	(void)each_block(a, family, count_block, &n);
	return n;
}

struct each_ctx {
	sfb_buf b;
	sfb_cidr_fn fn;
	void *arg;
};

static sfb_status
each_cidr_block(void *arg, int family, sfb_u128 base, unsigned plen)
{
	struct each_ctx *ec = arg;
	sfb_status st;

	sfb_buf_reset(&ec->b);
	put_block(&ec->b, family, base, plen);
	if ((st = sfb_buf_status(&ec->b)) != SFB_OK)
		return st;
	return ec->fn(ec->arg, sfb_buf_str(&ec->b));
}

/* The text passed to fn is the same as sfb_addrset_print writes (single
 * hosts bare) and is valid only during the call.  Stops at, and returns,
 * the first status other than SFB_OK from fn; SFB_EINVAL for a family
 * other than 4 or 6. */
sfb_status
sfb_addrset_each_cidr(const sfb_addrset *a, int family, sfb_cidr_fn fn, void *arg)
{
	struct each_ctx ec;
	sfb_status st;

	sfb_buf_init(&ec.b);
	ec.fn = fn;
	ec.arg = arg;
	st = each_block(a, family, each_cidr_block, &ec);
	sfb_buf_free(&ec.b);
	return st;
}

/* --- address sets ----------------------------------------------------- */

void
sfb_addrset_init(sfb_addrset *a)
{
	sfb_iset_init(&a->v4);
	sfb_iset_init(&a->v6);
}

void
sfb_addrset_free(sfb_addrset *a)
{
	sfb_iset_free(&a->v4);
	sfb_iset_free(&a->v6);
}

/* Install both families at once so a failure in the second leaves the
 * first untouched too. */
static void
commit(sfb_addrset *dst, sfb_iset *t4, sfb_iset *t6)
{
	sfb_iset_free(&dst->v4);
	sfb_iset_free(&dst->v6);
	dst->v4 = *t4;
	dst->v6 = *t6;
	sfb_iset_init(t4);
	sfb_iset_init(t6);
}

sfb_status
sfb_addrset_copy(sfb_addrset *dst, const sfb_addrset *src)
{
	sfb_iset t4, t6;
	sfb_status st;

	sfb_iset_init(&t4);
	sfb_iset_init(&t6);
	if (dst == src)
		return SFB_OK;
	if ((st = sfb_iset_copy(&t4, &src->v4)) != SFB_OK ||
	    (st = sfb_iset_copy(&t6, &src->v6)) != SFB_OK)
		goto out;
	commit(dst, &t4, &t6);
out:
	sfb_iset_free(&t4);
	sfb_iset_free(&t6);
	return st;
}

sfb_status
sfb_addrset_union_many(sfb_addrset *dst, const sfb_addrset *const *src, size_t n)
{
	const sfb_iset **v = NULL;
	sfb_iset t4, t6;
	size_t i;
	sfb_status st = SFB_OK;

	sfb_iset_init(&t4);
	sfb_iset_init(&t6);
	if (n == 0)
		goto out;
	v = calloc(n, sizeof(*v));
	if (v == NULL) {
		st = SFB_ENOMEM;
		goto out;
	}
	/* Both families into copies first, so a failure leaves dst as it was. */
	for (i = 0; i < n; i++)
		v[i] = &src[i]->v4;
	if ((st = sfb_iset_copy(&t4, &dst->v4)) != SFB_OK ||
	    (st = sfb_iset_union_many(&t4, v, n)) != SFB_OK)
		goto out;
	for (i = 0; i < n; i++)
		v[i] = &src[i]->v6;
	if ((st = sfb_iset_copy(&t6, &dst->v6)) != SFB_OK ||
	    (st = sfb_iset_union_many(&t6, v, n)) != SFB_OK)
		goto out;
	commit(dst, &t4, &t6);
out:
	free(v);
	sfb_iset_free(&t4);
	sfb_iset_free(&t6);
	return st;
}

sfb_status
sfb_addrset_union(sfb_addrset *dst, const sfb_addrset *src)
{
	sfb_iset t4, t6;
	sfb_status st;

	sfb_iset_init(&t4);
	sfb_iset_init(&t6);
	if ((st = sfb_iset_copy(&t4, &dst->v4)) != SFB_OK ||
	    (st = sfb_iset_union(&t4, &src->v4)) != SFB_OK ||
	    (st = sfb_iset_copy(&t6, &dst->v6)) != SFB_OK ||
	    (st = sfb_iset_union(&t6, &src->v6)) != SFB_OK)
		goto out;
	commit(dst, &t4, &t6);
out:
	sfb_iset_free(&t4);
	sfb_iset_free(&t6);
	return st;
}

sfb_status
sfb_addrset_intersect(sfb_addrset *out, const sfb_addrset *a, const sfb_addrset *b)
{
	sfb_iset t4, t6;
	sfb_status st;

	sfb_iset_init(&t4);
	sfb_iset_init(&t6);
	if ((st = sfb_iset_intersect(&t4, &a->v4, &b->v4)) != SFB_OK ||
	    (st = sfb_iset_intersect(&t6, &a->v6, &b->v6)) != SFB_OK)
		goto out;
	commit(out, &t4, &t6);
out:
	sfb_iset_free(&t4);
	sfb_iset_free(&t6);
	return st;
}

sfb_status
sfb_addrset_diff(sfb_addrset *out, const sfb_addrset *a, const sfb_addrset *b)
{
	sfb_iset t4, t6;
	sfb_status st;

	sfb_iset_init(&t4);
	sfb_iset_init(&t6);
	if ((st = sfb_iset_diff(&t4, &a->v4, &b->v4)) != SFB_OK ||
	    (st = sfb_iset_diff(&t6, &a->v6, &b->v6)) != SFB_OK)
		goto out;
	commit(out, &t4, &t6);
out:
	sfb_iset_free(&t4);
	sfb_iset_free(&t6);
	return st;
}

/* Whatever a held, it now holds everything. */
sfb_status
sfb_addrset_all(sfb_addrset *a)
{
	sfb_iset t4, t6;
	sfb_status st;

	sfb_iset_init(&t4);
	sfb_iset_init(&t6);
	if ((st = sfb_iset_add(&t4, sfb_u128_make(0, 0),
	    sfb_u128_make(0, UINT32_MAX))) != SFB_OK ||
	    (st = sfb_iset_add(&t6, sfb_u128_make(0, 0),
	    sfb_u128_make(UINT64_MAX, UINT64_MAX))) != SFB_OK)
		goto out;
	commit(a, &t4, &t6);
out:
	sfb_iset_free(&t4);
	sfb_iset_free(&t6);
	return st;
}

bool
sfb_addrset_empty(const sfb_addrset *a)
{
	return sfb_iset_empty(&a->v4) && sfb_iset_empty(&a->v6);
}

bool
sfb_addrset_equal(const sfb_addrset *a, const sfb_addrset *b)
{
	return sfb_iset_equal(&a->v4, &b->v4) && sfb_iset_equal(&a->v6, &b->v6);
}

bool
sfb_addrset_subset(const sfb_addrset *inner, const sfb_addrset *outer)
{
	return sfb_iset_subset(&inner->v4, &outer->v4) &&
	    sfb_iset_subset(&inner->v6, &outer->v6);
}

bool
sfb_addrset_overlaps(const sfb_addrset *a, const sfb_addrset *b)
{
	return sfb_iset_overlaps(&a->v4, &b->v4) || sfb_iset_overlaps(&a->v6, &b->v6);
}

bool
sfb_addrset_has_family(const sfb_addrset *a, int family)
{
	return !sfb_iset_empty(family == 4 ? &a->v4 : &a->v6);
}
