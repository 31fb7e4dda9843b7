/* Fuzz target: the iptables-save parser of the audit
 * (src/lib/audit/sfb_rs_ipt.c).
 *
 * The input is the text of iptables-save / ip6tables-save, parsed by
 * sfb_rs_parse_ipt.  What must hold:
 *   - a refusal is SFB_EINVAL or SFB_ENOMEM (never another status) and its
 *     message names the input ("fuzz.txt:");
 *   - a ruleset that parses is well-formed: kind and file set; every chain
 *     of family 4 or 6 with a table and a name, its base chains with a hook
 *     and a policy of ACCEPT or DROP; every rule with at least one box, each
 *     box's protocols within RS_ALLPROTO, its addresses of the chain's
 *     family only, its ports "all" when it holds RS_OTHER, and no empty box
 *     beside non-empty ones (a rule with an empty box never matches: it
 *     has that one box only); a jump or goto to a user chain of the same
 *     table and family, inside the chain array; a DNAT in the nat table
 *     with an address; a rule text and a line.
 * abort() otherwise; the sanitizers and LeakSanitizer do the rest. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/sfb_rs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const struct rs_chain *c, size_t k, const char *what)
{
	fprintf(stderr, "fuzz_rs_ipt: chain %s/%d %s rule %zu: %s\n", c != NULL ? c->table : "-",
	    c != NULL ? c->family : 0, c != NULL ? c->name : "-", k + 1, what);
	abort();
}

static void
check_model(const struct rs_ruleset *rs)
{
	size_t i, k, b;

	if (rs->kind != RS_KIND_IPTABLES || rs->file == NULL || strcmp(rs->file, "fuzz.txt") != 0)
		fail(NULL, 0, "kind or file not set");
	for (i = 0; i < rs->n; i++) {
		const struct rs_chain *c = &rs->chains[i];

		if (c->family != 4 && c->family != 6)
			fail(c, 0, "family neither 4 nor 6");
		if (c->table == NULL || c->name == NULL || c->name[0] == '\0')
			fail(c, 0, "no table or name");
		if (c->base && (c->hook == RS_HOOK_NONE || (c->policy != RS_ACCEPT &&
		    c->policy != RS_DROP)))
			fail(c, 0, "base chain without hook or policy");
		if (c->nat != (strcmp(c->table, "nat") == 0) ||
		    c->filter != (strcmp(c->table, "filter") == 0))
			fail(c, 0, "nat / filter flags do not say the table");
		for (k = 0; k < c->n; k++) {
			const struct rs_rule *r = &c->rules[k];
			bool any_empty = false, any_full = false;

			if (r->nboxes == 0 || r->nboxes > r->capboxes)
				fail(c, k, "no box");
			if (r->text == NULL || r->line <= 0)
				fail(c, k, "no text or line");
			for (b = 0; b < r->nboxes; b++) {
				const struct rs_box *x = &r->boxes[b];

				if ((x->protos & ~RS_ALLPROTO) != 0)
					fail(c, k, "protocols outside RS_ALLPROTO");
				if (sfb_addrset_has_family(&x->src, c->family == 4 ? 6 : 4) ||
				    sfb_addrset_has_family(&x->dst, c->family == 4 ? 6 : 4))
					fail(c, k, "an address of the other family");
				if ((x->protos & RS_OTHER) && (!sfb_portset_is_all(&x->sport) ||
				    !sfb_portset_is_all(&x->dport)))
					fail(c, k, "ports on a box with other protocols");
				if (rs_box_empty(x))
					any_empty = true;
				else
					any_full = true;
			}
			if (any_empty && (any_full || r->nboxes != 1))
				fail(c, k, "an empty box beside others");
			if (r->verdict < RS_CONTINUE || r->verdict > RS_DNAT)
				fail(c, k, "verdict out of range");
			if (r->verdict == RS_JUMP || r->verdict == RS_GOTO) {
				const struct rs_chain *t;

				if (r->target >= rs->n)
					fail(c, k, "jump target out of range");
				t = &rs->chains[r->target];
				if (t->base || t->family != c->family || strcmp(t->table, c->table) != 0)
					fail(c, k, "jump to a base chain or another table");
			}
			if (r->verdict == RS_DNAT && (!c->nat || r->nat_addr == NULL ||
			    r->nat_port > 65535))
				fail(c, k, "DNAT outside nat or without an address");
			if ((r->iif.name != NULL && r->iif.name[0] == '\0') ||
			    (r->oif.name != NULL && r->oif.name[0] == '\0'))
				fail(c, k, "an empty interface name");
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sfb_ctx *ctx = sfb_ctx_new();
	struct rs_ruleset rs;
	sfb_status st;

	if (ctx == NULL)
		return 0;
	memset(&rs, 0, sizeof(rs));
	st = sfb_rs_parse_ipt(ctx, "fuzz.txt", (const char *)data, size, &rs);
	if (st == SFB_OK) {
		check_model(&rs);
	} else if (st != SFB_EINVAL && st != SFB_ENOMEM) {
		fprintf(stderr, "fuzz_rs_ipt: status %s: %s\n", sfb_status_str(st),
		    sfb_ctx_error(ctx));
		abort();
	} else if (st == SFB_EINVAL && strncmp(sfb_ctx_error(ctx), "fuzz.txt:", 9) != 0) {
		fprintf(stderr, "fuzz_rs_ipt: a refusal that does not name the input: %s\n",
		    sfb_ctx_error(ctx));
		abort();
	}
	rs_ruleset_free(&rs);
	sfb_ctx_free(ctx);
	return 0;
}
