/* The ruleset model's small parts: boxes, rules, chains, and the choice of
 * parser. */
#include <stdlib.h>
#include <string.h>

#include "sfb_rs.h"

void
rs_box_init(struct rs_box *b)
{
	b->protos = 0;
	sfb_addrset_init(&b->src);
	sfb_addrset_init(&b->dst);
	sfb_portset_init(&b->sport);
	sfb_portset_init(&b->dport);
}

void
rs_box_free(struct rs_box *b)
{
	sfb_addrset_free(&b->src);
	sfb_addrset_free(&b->dst);
	sfb_portset_free(&b->sport);
	sfb_portset_free(&b->dport);
}

sfb_status
rs_box_all(struct rs_box *b)
{
	sfb_status st;

	b->protos = RS_ALLPROTO;
	if ((st = sfb_addrset_all(&b->src)) != SFB_OK || (st = sfb_addrset_all(&b->dst)) != SFB_OK ||
	    (st = sfb_portset_all(&b->sport)) != SFB_OK || (st = sfb_portset_all(&b->dport)) != SFB_OK)
		return st;
	return SFB_OK;
}

sfb_status
rs_box_copy(struct rs_box *dst, const struct rs_box *src)
{
	sfb_status st;

	dst->protos = src->protos;
	if ((st = sfb_addrset_copy(&dst->src, &src->src)) != SFB_OK ||
	    (st = sfb_addrset_copy(&dst->dst, &src->dst)) != SFB_OK ||
	    (st = sfb_iset_copy(&dst->sport.s, &src->sport.s)) != SFB_OK ||
	    (st = sfb_iset_copy(&dst->dport.s, &src->dport.s)) != SFB_OK)
		return st;
	return SFB_OK;
}

bool
rs_box_empty(const struct rs_box *b)
{
	return b->protos == 0 || sfb_addrset_empty(&b->src) || sfb_addrset_empty(&b->dst) ||
	    sfb_iset_empty(&b->sport.s) || sfb_iset_empty(&b->dport.s);
}

void
rs_hull_of(struct rs_hull *h, const struct rs_box *b, size_t n)
{
	const sfb_iset *s;
	size_t i;

	h->protos = 0;
	h->dp_lo = h->src_lo = h->dst_lo = UINT32_MAX;
	h->dp_hi = h->src_hi = h->dst_hi = 0;
	h->src6 = h->dst6 = false;
	for (i = 0; i < n; i++) {
		h->protos |= b[i].protos;
		s = &b[i].dport.s;
		if (s->n > 0) {
			if ((uint32_t)s->r[0].lo.lo < h->dp_lo)
				h->dp_lo = (uint32_t)s->r[0].lo.lo;
			if ((uint32_t)s->r[s->n - 1].hi.lo > h->dp_hi)
				h->dp_hi = (uint32_t)s->r[s->n - 1].hi.lo;
		}
		s = &b[i].src.v4;
		if (s->n > 0) {
			if ((uint32_t)s->r[0].lo.lo < h->src_lo)
				h->src_lo = (uint32_t)s->r[0].lo.lo;
			if ((uint32_t)s->r[s->n - 1].hi.lo > h->src_hi)
				h->src_hi = (uint32_t)s->r[s->n - 1].hi.lo;
		}
		s = &b[i].dst.v4;
		if (s->n > 0) {
			if ((uint32_t)s->r[0].lo.lo < h->dst_lo)
				h->dst_lo = (uint32_t)s->r[0].lo.lo;
			if ((uint32_t)s->r[s->n - 1].hi.lo > h->dst_hi)
				h->dst_hi = (uint32_t)s->r[s->n - 1].hi.lo;
		}
		h->src6 |= b[i].src.v6.n > 0;
		h->dst6 |= b[i].dst.v6.n > 0;
	}
}

bool
rs_hull_meets(const struct rs_hull *a, const struct rs_hull *b)
{
	bool v4 = a->src_lo <= a->src_hi && b->src_lo <= b->src_hi && a->dst_lo <= a->dst_hi &&
	    b->dst_lo <= b->dst_hi && a->src_lo <= b->src_hi && b->src_lo <= a->src_hi &&
	    a->dst_lo <= b->dst_hi && b->dst_lo <= a->dst_hi;
	bool v6 = a->src6 && b->src6 && a->dst6 && b->dst6;
	unsigned common = a->protos & b->protos;

	if (common == 0 || (!v4 && !v6))
		return false;
	/* Destination ports count only where no portless protocol is shared. */
	if ((common & RS_OTHER) == 0 && (a->dp_lo > b->dp_hi || b->dp_lo > a->dp_hi))
		return false;
	return true;
}

void
rs_rule_free(struct rs_rule *r)
{
	size_t i;

	for (i = 0; i < r->nboxes; i++)
		rs_box_free(&r->boxes[i]);
	free(r->boxes);
	free(r->iif.name);
	free(r->oif.name);
	free(r->unknown);
	free(r->nat_addr);
	free(r->text);
	memset(r, 0, sizeof(*r));
}

struct rs_rule *
rs_chain_add_rule(struct rs_chain *c)
{
	struct rs_rule *r;

	if (sfb_grow(&c->rules, &c->cap, c->n + 1, sizeof(*c->rules)) != SFB_OK)
		return NULL;
	r = &c->rules[c->n];
	memset(r, 0, sizeof(*r));
	if ((r->boxes = calloc(1, sizeof(*r->boxes))) == NULL)
		return NULL;
	r->capboxes = 1;
	r->nboxes = 1;
	rs_box_init(&r->boxes[0]);
	if (rs_box_all(&r->boxes[0]) != SFB_OK) {
		rs_rule_free(r);
		return NULL;
	}
	r->verdict = RS_CONTINUE;
	c->n++;
	return r;
}

long
rs_ruleset_chain(struct rs_ruleset *rs, const char *table, int family, const char *name)
{
	struct rs_chain *c;
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (rs->chains[i].family == family && strcmp(rs->chains[i].table, table) == 0 &&
		    strcmp(rs->chains[i].name, name) == 0)
			return (long)i;
	if (sfb_grow(&rs->chains, &rs->cap, rs->n + 1, sizeof(*rs->chains)) != SFB_OK)
		return -1;
	c = &rs->chains[rs->n];
	memset(c, 0, sizeof(*c));
	c->family = family;
	c->policy = RS_ACCEPT;
	if ((c->table = sfb_strdup(table)) == NULL || (c->name = sfb_strdup(name)) == NULL) {
		free(c->table);
		free(c->name);
		return -1;
	}
	return (long)rs->n++;
}

void
rs_ruleset_free(struct rs_ruleset *rs)
{
	size_t i, k;

	for (i = 0; i < rs->n; i++) {
		for (k = 0; k < rs->chains[i].n; k++)
			rs_rule_free(&rs->chains[i].rules[k]);
		free(rs->chains[i].rules);
		free(rs->chains[i].table);
		free(rs->chains[i].name);
	}
	free(rs->chains);
	memset(rs, 0, sizeof(*rs));
}

sfb_status
sfb_rs_parse(sfb_ctx *ctx, const char *file, const char *data, size_t len,
    struct rs_ruleset *out)
{
	size_t i = 0;

	/* Skip a byte-order mark and white space. */
	if (len >= 3 && (unsigned char)data[0] == 0xef && (unsigned char)data[1] == 0xbb &&
	    (unsigned char)data[2] == 0xbf)
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i < len && data[i] == '{')
		return sfb_rs_parse_nft(ctx, file, data, len, out);
	if (i < len && (data[i] == '#' || data[i] == '*' || data[i] == ':' || data[i] == '-'))
		return sfb_rs_parse_ipt(ctx, file, data, len, out);
	return sfb_fail(ctx, SFB_EINVAL, file, 1, 1, "neither the JSON of 'nft -j list ruleset' nor "
	    "the output of iptables-save");
}
