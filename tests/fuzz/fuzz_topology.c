/* Fuzz target: a topology file.
 *
 * The input is the text of a topology (sfb_topology_parse, with the built-in
 * catalog).  When it loads, everything downstream of the loader runs on it
 * too: the plan, every plan format, and the rules of every firewall for
 * every target, so that any topology the loader accepts is also one the
 * rest of the library can handle. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sfbnet/sfbnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* fuzz_common.c: inputs of libfyaml bugs known and not yet guarded against. */
bool sfb_fuzz_skip(const uint8_t *p, size_t n);

/* The catalog is loaded once and kept: fuzzers are the one place where a
 * static is fine (it stays reachable, so LeakSanitizer does not count it). */
static sfb_catalog *catalog;

static const sfb_catalog *
get_catalog(void)
{
	sfb_ctx *ctx;

	if (catalog != NULL)
		return catalog;
	ctx = sfb_ctx_new();
	if (ctx == NULL || sfb_catalog_load_builtin(ctx, &catalog) != SFB_OK) {
		fprintf(stderr, "fuzz_topology: cannot load the built-in catalog: %s\n",
		    ctx != NULL ? sfb_ctx_error(ctx) : "out of memory");
		abort();
	}
	sfb_ctx_free(ctx);
	return catalog;
}

/* A library call that fails on a topology the loader accepted is a bug,
 * except for running out of memory. */
static void
must(sfb_ctx *ctx, sfb_status st, const char *what)
{
	if (st == SFB_OK || st == SFB_ENOMEM)
		return;
	fprintf(stderr, "fuzz_topology: %s failed on a valid topology: %s: %s\n", what,
	    sfb_status_str(st), sfb_ctx_error(ctx));
	abort();
}

static void
exercise(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo)
{
	static const sfb_format formats[] = { SFB_FORMAT_TEXT, SFB_FORMAT_JSON,
		SFB_FORMAT_CSV, SFB_FORMAT_MD };
	static const sfb_target targets[] = { SFB_TARGET_NFTABLES, SFB_TARGET_IPTABLES,
		SFB_TARGET_IP6TABLES };
	sfb_plan *plan = NULL;
	char *out;
	size_t i, f, nfws;
	sfb_status st;

	st = sfb_plan_build(ctx, cat, topo, &plan);
	must(ctx, st, "sfb_plan_build");
	if (st != SFB_OK)
		return;
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		out = NULL;
		must(ctx, sfb_plan_write(ctx, plan, NULL, formats[i], &out), "sfb_plan_write");
		free(out);
	}
	nfws = sfb_topology_firewall_count(topo);
	for (f = 0; f < nfws; f++) {
		const char *fw = sfb_topology_firewall_name(topo, f);

		out = NULL;
		must(ctx, sfb_plan_write(ctx, plan, fw, SFB_FORMAT_TEXT, &out),
		    "sfb_plan_write (one firewall)");
		free(out);
		for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
			out = NULL;
			must(ctx, sfb_firewall_write(ctx, plan, targets[i], fw, &out),
			    "sfb_firewall_write");
			free(out);
		}
	}
	sfb_plan_free(plan);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const sfb_catalog *cat = get_catalog();
	sfb_topology *topo = NULL;
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_status st;

	if (ctx == NULL)
		return 0;
	if (sfb_fuzz_skip(data, size)) {
		sfb_ctx_free(ctx);
		return 0;
	}
	st = sfb_topology_parse(ctx, cat, "fuzz.yaml", (const char *)data, size, &topo);
	if (st == SFB_OK) {
		if (topo == NULL)
			abort();
		exercise(ctx, cat, topo);
	} else if (topo != NULL || st == SFB_EINTERNAL) {
		fprintf(stderr, "fuzz_topology: status %s, topology %p: %s\n",
		    sfb_status_str(st), (void *)topo, sfb_ctx_error(ctx));
		abort();
	}
	sfb_topology_free(topo);
	sfb_ctx_free(ctx);
	return 0;
}
