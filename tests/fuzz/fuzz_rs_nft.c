/* Fuzz target: the nft JSON parser of the audit (src/lib/audit/sfb_rs_nft.c),
 * and the evaluator behind it.
 *
 * The input is parsed as the JSON of `nft -j list ruleset`.  A refusal must
 * name the input; a ruleset that parses must be well-formed (every box's
 * protocols within the mask, jump targets inside the chain array), and is
 * then audited against the plan of a small fixed topology (one firewall
 * between two zones, flows of TCP and UDP, one with a NAT address): the
 * evaluation must finish without a crash, and its report must be written
 * in text and JSON, the JSON parsing back. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/sfb_rs.h"
#include "sfbnet/audit.h"
#include "sfbnet/sfbnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char topo[] =
    "version: 1\nname: fuzz\nsip_domains: [example.com]\nprofiles: [pexip, starleaf]\n"
    "zones:\n  - { name: inside, networks: [10.99.1.0/24, 2001:db8:1::/48] }\n"
    "  - { name: outside }\n"
    "firewalls:\n  - { name: fw, between: [inside, outside] }\n"
    "hosts:\n"
    "  - name: client\n    endpoints: [ { zone: inside, network: 10.99.1.0/24, roles: [client] } ]\n"
    "  - name: server\n    endpoints: [ { zone: outside, address: 192.0.2.10, roles: [starleaf-cloud, pexip-node] } ]\n";

static sfb_catalog *cat;
static sfb_topology *top;
static sfb_plan *plan;

static void
setup(void)
{
	sfb_ctx *ctx;

	if (plan != NULL)
		return;
	ctx = sfb_ctx_new();
	if (ctx == NULL || sfb_catalog_load_builtin(ctx, &cat) != SFB_OK ||
	    sfb_topology_parse(ctx, cat, "fuzz.yaml", topo, strlen(topo), &top) != SFB_OK ||
	    sfb_plan_build(ctx, cat, top, &plan) != SFB_OK) {
		fprintf(stderr, "fuzz_rs_nft: setup failed: %s\n", ctx ? sfb_ctx_error(ctx) : "oom");
		abort();
	}
	sfb_ctx_free(ctx);
}

static void
check_model(const struct rs_ruleset *rs)
{
	size_t i, k, b;

	for (i = 0; i < rs->n; i++)
		for (k = 0; k < rs->chains[i].n; k++) {
			const struct rs_rule *r = &rs->chains[i].rules[k];

			if ((r->verdict == RS_JUMP || r->verdict == RS_GOTO) && r->target >= rs->n) {
				fprintf(stderr, "fuzz_rs_nft: a jump outside the chains\n");
				abort();
			}
			for (b = 0; b < r->nboxes; b++)
				if ((r->boxes[b].protos & ~RS_ALLPROTO) != 0) {
					fprintf(stderr, "fuzz_rs_nft: a box with unknown protocols\n");
					abort();
				}
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_audit_opts opts = { "fw", NULL };
	struct rs_ruleset rs;
	sfb_audit *au = NULL;
	char *out = NULL;
	json_t *j;
	sfb_status st;

	if (ctx == NULL)
		return 0;
	setup();
	memset(&rs, 0, sizeof(rs));
	st = sfb_rs_parse_nft(ctx, "fuzz.json", (const char *)data, size, &rs);
	if (st == SFB_OK)
		check_model(&rs);
	else if (st != SFB_ENOMEM && strstr(sfb_ctx_error(ctx), "fuzz.json") == NULL) {
		fprintf(stderr, "fuzz_rs_nft: a refusal that does not name the input: %s\n",
		    sfb_ctx_error(ctx));
		abort();
	}
	rs_ruleset_free(&rs);
	if (st == SFB_OK &&
	    sfb_audit_run_mem(ctx, plan, &opts, "fuzz.json", (const char *)data, size, &au) == SFB_OK) {
		if (sfb_audit_write(ctx, au, SFB_FORMAT_TEXT, &out) != SFB_OK)
			abort();
		free(out);
		out = NULL;
		if (sfb_audit_write(ctx, au, SFB_FORMAT_JSON, &out) != SFB_OK)
			abort();
		if ((j = json_loads(out, 0, NULL)) == NULL) {
			fprintf(stderr, "fuzz_rs_nft: the JSON report does not parse\n");
			abort();
		}
		json_decref(j);
	}
	free(out);
	sfb_audit_free(au);
	sfb_ctx_free(ctx);
	return 0;
}
