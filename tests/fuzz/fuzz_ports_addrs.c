/* Fuzz target: port lists and addresses, and their printed forms.
 *
 * The input is text.  As a whole it is a port list (sfb_portset_parse);
 * line by line it is addresses and prefixes, added to one address set
 * (sfb_addrset_parse).  Whatever parses is printed and parsed again, and the
 * result must be the same set (abort() otherwise):
 *  - ports: the canonical text, the nftables form, and the iptables
 *    multiport chunks (each at most 15 port slots);
 *  - addresses: the CIDR list, family by family, and one block at a time;
 * plus a few identities of the set operations on what was parsed. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sfb_buf.h"
#include "sfb_iset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) fail(#cond, __LINE__); } while (0)

static const char *current;  /* the input as text, for the report */

static void
fail(const char *what, int line)
{
	fprintf(stderr, "fuzz_ports_addrs: line %d: check failed: %s\ninput: \"%s\"\n",
	    line, what, current != NULL ? current : "");
	abort();
}

/* --- ports -------------------------------------------------------------- */

/* Parse text (a port list) into a new set, which must succeed. */
static void
reparse_ports(const char *text, sfb_portset *out)
{
	sfb_status st = sfb_portset_parse(out, text);

	if (st == SFB_ENOMEM)
		exit(0);
	if (st != SFB_OK) {
		fprintf(stderr, "fuzz_ports_addrs: printed port list does not parse: \"%s\"\n", text);
		fail("reparse_ports", __LINE__);
	}
}

static void
check_ports(const char *text)
{
	sfb_portset p, q, r;
	sfb_buf b, b2;
	size_t i, n, slots;
	char *s;
	sfb_status st;

	sfb_portset_init(&p);
	sfb_portset_init(&q);
	sfb_portset_init(&r);
	sfb_buf_init(&b);
	sfb_buf_init(&b2);
	st = sfb_portset_parse(&p, text);
	if (st != SFB_OK) {
		/* A failed parse leaves the set as it was: empty. */
		CHECK(p.s.n == 0);
		goto out;
	}
	CHECK(p.s.n > 0);
	for (i = 0; i < p.s.n; i++) {
		CHECK(p.s.r[i].lo.hi == 0 && p.s.r[i].hi.hi == 0);
		CHECK(p.s.r[i].hi.lo <= 65535);
		CHECK(sfb_u128_cmp(p.s.r[i].lo, p.s.r[i].hi) <= 0);
		/* Canonical: sorted, disjoint and not adjacent. */
		if (i > 0)
			CHECK(p.s.r[i - 1].hi.lo + 1 < p.s.r[i].lo.lo);
	}

	/* Canonical text: parses back to the same set, and prints the same. */
	sfb_portset_print(&b, &p);
	CHECK(sfb_buf_status(&b) == SFB_OK);
	reparse_ports(sfb_buf_str(&b), &q);
	CHECK(sfb_iset_equal(&p.s, &q.s));
	sfb_portset_print(&b2, &q);
	CHECK(strcmp(sfb_buf_str(&b), sfb_buf_str(&b2)) == 0);
	CHECK(sfb_portset_is_all(&p) == (strcmp(sfb_buf_str(&b), "any") == 0));
	if (!sfb_portset_is_all(&p))
		CHECK(sfb_portset_count(&p) < 65536);

	/* nftables: "443" or "{ 443, 50000-59999 }". */
	sfb_buf_reset(&b);
	sfb_portset_print_nft(&b, &p);
	CHECK(sfb_buf_status(&b) == SFB_OK);
	s = sfb_buf_take(&b);
	CHECK(s != NULL);
	if (s[0] == '{') {
		n = strlen(s);
		CHECK(n >= 4 && strcmp(s + n - 2, " }") == 0);
		s[n - 2] = '\0';
		sfb_portset_free(&q);
		sfb_portset_init(&q);
		reparse_ports(s + 1, &q);
	} else {
		sfb_portset_free(&q);
		sfb_portset_init(&q);
		reparse_ports(s, &q);
	}
	CHECK(sfb_iset_equal(&p.s, &q.s));
	free(s);

	/* iptables: chunks of at most 15 slots whose union is the set. */
	n = sfb_portset_ipt_chunks(&p);
	CHECK(n >= 1 && n <= p.s.n);
	for (i = 0; i < n; i++) {
		sfb_buf_reset(&b);
		sfb_portset_print_ipt(&b, &p, i);
		CHECK(sfb_buf_status(&b) == SFB_OK);
		s = sfb_buf_take(&b);
		CHECK(s != NULL && s[0] != '\0');
		slots = 1;
		for (char *c = s; *c != '\0'; c++) {
			if (*c == ',')
				slots++;
			else if (*c == ':') {
				slots++;
				*c = '-';
			}
		}
		CHECK(slots <= 15);
		reparse_ports(s, &r);
		free(s);
	}
	CHECK(sfb_iset_equal(&p.s, &r.s));
out:
	sfb_portset_free(&p);
	sfb_portset_free(&q);
	sfb_portset_free(&r);
	sfb_buf_free(&b);
	sfb_buf_free(&b2);
}

/* --- addresses ------------------------------------------------------------ */

/* Add every ", "-separated item of text to a; each must parse. */
static void
reparse_list(const char *text, sfb_addrset *a)
{
	char *copy = strdup(text), *item, *next;
	sfb_status st;

	if (copy == NULL)
		exit(0);
	for (item = copy; item != NULL && *item != '\0'; item = next) {
		next = strstr(item, ", ");
		if (next != NULL) {
			*next = '\0';
			next += 2;
		}
		st = sfb_addrset_parse(a, item);
		if (st == SFB_ENOMEM)
			exit(0);
		if (st != SFB_OK) {
			fprintf(stderr, "fuzz_ports_addrs: printed block does not parse: \"%s\"\n", item);
			fail("reparse_list", __LINE__);
		}
	}
	free(copy);
}

struct block_count {
	size_t n;
	sfb_addrset *into;
};

static sfb_status
on_cidr(void *arg, const char *cidr)
{
	struct block_count *bc = arg;

	bc->n++;
	CHECK(strstr(cidr, ", ") == NULL);
	if (sfb_addrset_parse(bc->into, cidr) != SFB_OK)
		fail("sfb_addrset_each_cidr block parses", __LINE__);
	return SFB_OK;
}

static void
check_set_ops(const sfb_addrset *a, const sfb_addrset *first)
{
	sfb_addrset i, d, u;

	sfb_addrset_init(&i);
	sfb_addrset_init(&d);
	sfb_addrset_init(&u);
	/* first was added to a, so it is a subset of it. */
	CHECK(sfb_addrset_subset(first, a));
	if (sfb_addrset_intersect(&i, a, first) != SFB_OK ||
	    sfb_addrset_diff(&d, a, first) != SFB_OK ||
	    sfb_addrset_copy(&u, &d) != SFB_OK || sfb_addrset_union(&u, &i) != SFB_OK)
		exit(0);
	CHECK(sfb_addrset_equal(&i, first));
	CHECK(sfb_addrset_equal(&u, a));
	CHECK(!sfb_addrset_overlaps(&d, first));
	CHECK(sfb_addrset_overlaps(a, first) == !sfb_addrset_empty(first));
	sfb_addrset_free(&i);
	sfb_addrset_free(&d);
	sfb_addrset_free(&u);
}

static void
check_addrs(char *text)
{
	sfb_addrset a, first, b4, b6, again, blocks;
	sfb_buf b, b2;
	char *line, *next;
	bool have_first = false;
	sfb_status st;
	struct block_count bc;
	int fam;

	sfb_addrset_init(&a);
	sfb_addrset_init(&first);
	sfb_addrset_init(&b4);
	sfb_addrset_init(&b6);
	sfb_addrset_init(&again);
	sfb_addrset_init(&blocks);
	sfb_buf_init(&b);
	sfb_buf_init(&b2);
	for (line = text; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		st = sfb_addrset_parse(&a, line);
		if (st == SFB_ENOMEM)
			exit(0);
		if (st != SFB_OK) {
			CHECK(!sfb_addr_is_single(line));
			continue;
		}
		CHECK(sfb_addr_is_single(line) == (strchr(line, '/') == NULL));
		if (!have_first) {
			CHECK(sfb_addrset_parse(&first, line) == SFB_OK);
			have_first = true;
		}
	}
	if (sfb_addrset_empty(&a))
		goto out;

	/* The whole list. */
	sfb_addrset_print(&b, &a);
	CHECK(sfb_buf_status(&b) == SFB_OK);
	reparse_list(sfb_buf_str(&b), &again);
	CHECK(sfb_addrset_equal(&a, &again));
	sfb_addrset_print(&b2, &again);
	CHECK(strcmp(sfb_buf_str(&b), sfb_buf_str(&b2)) == 0);

	/* Family by family, and block by block. */
	for (fam = 4; fam <= 6; fam += 2) {
		sfb_buf_reset(&b);
		sfb_addrset_print_family(&b, &a, fam);
		CHECK(sfb_buf_status(&b) == SFB_OK);
		reparse_list(sfb_buf_str(&b), fam == 4 ? &b4 : &b6);
		bc.n = 0;
		bc.into = &blocks;
		CHECK(sfb_addrset_each_cidr(&a, fam, on_cidr, &bc) == SFB_OK);
		CHECK(bc.n == sfb_addrset_count_cidrs(&a, fam));
		CHECK((bc.n == 0) == (sfb_buf_str(&b)[0] == '\0'));
	}
	CHECK(sfb_iset_equal(&b4.v4, &a.v4) && sfb_iset_empty(&b4.v6));
	CHECK(sfb_iset_equal(&b6.v6, &a.v6) && sfb_iset_empty(&b6.v4));
	CHECK(sfb_addrset_equal(&blocks, &a));
	CHECK(sfb_addrset_count_cidrs(&a, 5) == 0);
	if (have_first)
		check_set_ops(&a, &first);
out:
	sfb_addrset_free(&a);
	sfb_addrset_free(&first);
	sfb_addrset_free(&b4);
	sfb_addrset_free(&b6);
	sfb_addrset_free(&again);
	sfb_addrset_free(&blocks);
	sfb_buf_free(&b);
	sfb_buf_free(&b2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *lines;

	/* A long input only makes each run slower, not more interesting. */
	if (size > 4096)
		return 0;
	text = malloc(size + 1);
	lines = malloc(size + 1);
	if (text == NULL || lines == NULL) {
		free(text);
		free(lines);
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	memcpy(lines, text, size + 1);
	current = text;
	check_ports(text);
	check_addrs(lines);  /* cuts its copy into lines */
	current = NULL;
	free(text);
	free(lines);
	return 0;
}
