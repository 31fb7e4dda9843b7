/* Interval sets: the one implementation behind port sets and address sets.
 *
 * An sfb_iset is a sorted array of disjoint, non-adjacent, inclusive ranges
 * over 128-bit unsigned keys.  Ports use keys 0..65535, IPv4 addresses
 * 0..2^32-1, IPv6 addresses the full 128 bits.  Every operation keeps the
 * canonical form (sorted, merged), so equality is array equality. */
#ifndef SFB_ISET_H
#define SFB_ISET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sfb_buf.h"

typedef struct sfb_u128 {
	uint64_t hi, lo;
} sfb_u128;

typedef struct sfb_range {
	sfb_u128 lo, hi; /* inclusive */
} sfb_range;

typedef struct sfb_iset {
	sfb_range *r;
	size_t n, cap;
} sfb_iset;

sfb_u128 sfb_u128_make(uint64_t hi, uint64_t lo);
int sfb_u128_cmp(sfb_u128 a, sfb_u128 b);
/* v + 1 and v - 1, wrapping modulo 2^128 (callers test the ends first). */
sfb_u128 sfb_u128_inc(sfb_u128 v);
sfb_u128 sfb_u128_dec(sfb_u128 v);

void sfb_iset_init(sfb_iset *s);
void sfb_iset_free(sfb_iset *s);
void sfb_iset_clear(sfb_iset *s);
sfb_status sfb_iset_copy(sfb_iset *dst, const sfb_iset *src);
/* Add [lo, hi]; lo > hi is SFB_EINVAL. */
sfb_status sfb_iset_add(sfb_iset *s, sfb_u128 lo, sfb_u128 hi);
sfb_status sfb_iset_union(sfb_iset *dst, const sfb_iset *src); /* dst |= src */
/* dst |= src[0] | ... | src[n-1], in one sort (n log n in the pieces). */
sfb_status sfb_iset_union_many(sfb_iset *dst, const sfb_iset *const *src, size_t n);
/* out = a & b, out = a - b; out may not alias a or b. */
sfb_status sfb_iset_intersect(sfb_iset *out, const sfb_iset *a, const sfb_iset *b);
sfb_status sfb_iset_diff(sfb_iset *out, const sfb_iset *a, const sfb_iset *b);
bool sfb_iset_empty(const sfb_iset *s);
bool sfb_iset_has(const sfb_iset *s, sfb_u128 v);
bool sfb_iset_subset(const sfb_iset *inner, const sfb_iset *outer); /* inner ⊆ outer */
bool sfb_iset_overlaps(const sfb_iset *a, const sfb_iset *b);
bool sfb_iset_equal(const sfb_iset *a, const sfb_iset *b);
int sfb_iset_cmp(const sfb_iset *a, const sfb_iset *b); /* total order, for sorting */

/* --- port sets (keys 0..65535) ---------------------------------------- */

typedef struct sfb_portset {
	sfb_iset s;
} sfb_portset;

void sfb_portset_init(sfb_portset *p);
void sfb_portset_free(sfb_portset *p);
sfb_status sfb_portset_add(sfb_portset *p, uint32_t lo, uint32_t hi); /* hi <= 65535 */
sfb_status sfb_portset_all(sfb_portset *p);                           /* 0-65535 */
bool sfb_portset_is_all(const sfb_portset *p);
bool sfb_portset_has(const sfb_portset *p, uint32_t port);
uint64_t sfb_portset_count(const sfb_portset *p);
/* Parse one term "443", "50000-59999", or "any" (the full range) and add it. */
sfb_status sfb_portset_parse_term(sfb_portset *p, const char *text);
/* Parse a comma-separated list of terms ("443, 50000-59999", "any"). */
sfb_status sfb_portset_parse(sfb_portset *p, const char *text);
/* Canonical text: "any" for the full range, else "443,5061,50000-59999". */
void sfb_portset_print(sfb_buf *b, const sfb_portset *p);
/* nftables: "443" or "{ 443, 50000-59999 }". */
void sfb_portset_print_nft(sfb_buf *b, const sfb_portset *p);
/* iptables: split into --dports chunks of at most 15 port slots (a range
 * takes two), e.g. "443,5061,50000:59999".  Returns the number of chunks;
 * chunk i (0-based) is written to b when called with that index. */
size_t sfb_portset_ipt_chunks(const sfb_portset *p);
void sfb_portset_print_ipt(sfb_buf *b, const sfb_portset *p, size_t chunk);

/* --- address sets (IPv4 and IPv6 kept apart) -------------------------- */

typedef struct sfb_addrset {
	sfb_iset v4; /* keys 0 .. 2^32-1 */
	sfb_iset v6; /* full 128-bit keys */
} sfb_addrset;

void sfb_addrset_init(sfb_addrset *a);
void sfb_addrset_free(sfb_addrset *a);
sfb_status sfb_addrset_copy(sfb_addrset *dst, const sfb_addrset *src);
sfb_status sfb_addrset_union(sfb_addrset *dst, const sfb_addrset *src);
/* dst |= every set of src (n of them), in one sort per family. */
sfb_status sfb_addrset_union_many(sfb_addrset *dst, const sfb_addrset *const *src, size_t n);
sfb_status sfb_addrset_intersect(sfb_addrset *out, const sfb_addrset *a, const sfb_addrset *b);
sfb_status sfb_addrset_diff(sfb_addrset *out, const sfb_addrset *a, const sfb_addrset *b);
sfb_status sfb_addrset_all(sfb_addrset *a); /* 0.0.0.0/0 and ::/0 */
bool sfb_addrset_empty(const sfb_addrset *a);
/* True if the set holds any address of the family (4 or 6). */
bool sfb_addrset_has_family(const sfb_addrset *a, int family);
bool sfb_addrset_equal(const sfb_addrset *a, const sfb_addrset *b);
bool sfb_addrset_subset(const sfb_addrset *inner, const sfb_addrset *outer);
bool sfb_addrset_overlaps(const sfb_addrset *a, const sfb_addrset *b);
/* Parse and add one address or prefix: "10.1.2.3", "10.0.0.0/8",
 * "2001:db8::1", "2001:db8::/32".  A prefix with host bits set is
 * SFB_EINVAL (a typo more often than intent). */
sfb_status sfb_addrset_parse(sfb_addrset *a, const char *text);
/* True if text is exactly one address (no prefix length). */
bool sfb_addr_is_single(const char *text);
/* Minimal CIDR decomposition, comma+space separated ("10.0.0.0/8, 2001:db8::/32");
 * single hosts without "/32" or "/128". */
void sfb_addrset_print(sfb_buf *b, const sfb_addrset *a);
/* The same for one family only (4 or 6); nothing when that family is empty. */
void sfb_addrset_print_family(sfb_buf *b, const sfb_addrset *a, int family);
/* Number of CIDR blocks the family decomposes into. */
size_t sfb_addrset_count_cidrs(const sfb_addrset *a, int family);
/* Iterate the CIDR decomposition: call fn for each block text ("10.0.0.0/8"). */
typedef sfb_status (*sfb_cidr_fn)(void *arg, const char *cidr);
sfb_status sfb_addrset_each_cidr(const sfb_addrset *a, int family, sfb_cidr_fn fn, void *arg);

#endif
