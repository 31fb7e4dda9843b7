/* Fuzz target: sfbnet import topology (src/lib/import/), a published
 * topology or Topology Builder XML as the importer reads it from memory.
 *
 * Each input is imported twice: without addresses, and with addresses for
 * the zones of the reference layout and a few names the corpus uses.
 * Whatever the XML holds, an import that succeeds must write YAML that
 * parses (abort() otherwise: text from the XML broke out of its scalar or
 * comment), with a mapping at the root, no line whose first word is
 * INJECTED, and the topology loader must take or refuse it without a crash.
 * A refused input must leave no output. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sfb_yaml.h"
#include "sfbnet/import.h"
#include "sfbnet/sfbnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sfb_catalog *catalog;

static const sfb_catalog *
get_catalog(void)
{
	sfb_ctx *ctx;

	if (catalog != NULL)
		return catalog;
	ctx = sfb_ctx_new();
	if (ctx == NULL || sfb_catalog_load_builtin(ctx, &catalog) != SFB_OK) {
		fprintf(stderr, "fuzz_import_topology: cannot load the built-in catalog\n");
		abort();
	}
	sfb_ctx_free(ctx);
	return catalog;
}

static void
no_injected_line(const char *s)
{
	const char *p = s;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == '-')
			p++;
		if (strncmp(p, "INJECTED", 8) == 0) {
			fprintf(stderr, "fuzz_import_topology: a line starts with INJECTED:\n%s\n", s);
			abort();
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
}

static void
one(const uint8_t *data, size_t size, const sfb_import_topology_opts *o)
{
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_topology *t = NULL;
	sfb_ydoc *d = NULL;
	char *yaml = NULL;
	sfb_status st;

	if (ctx == NULL)
		return;
	st = sfb_import_topology_mem(ctx, get_catalog(), "fuzz.xml", data, size, o, &yaml);
	if (st != SFB_OK) {
		if (yaml != NULL) {
			fprintf(stderr, "fuzz_import_topology: output left after a failure\n");
			abort();
		}
		goto out;
	}
	if (sfb_ydoc_parse(ctx, "imported.yaml", yaml, strlen(yaml), &d) != SFB_OK ||
	    sfb_ydoc_root(d) == NULL || sfb_ydoc_root(d)->type != SFB_Y_MAP) {
		fprintf(stderr, "fuzz_import_topology: the import is not a YAML mapping: %s\n%s\n",
		    sfb_ctx_error(ctx), yaml);
		abort();
	}
	no_injected_line(yaml);
	(void)sfb_topology_parse(ctx, get_catalog(), "imported.yaml", yaml, strlen(yaml), &t);
out:
	sfb_topology_free(t);
	sfb_ydoc_free(d);
	free(yaml);
	sfb_ctx_free(ctx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const addrs[] = {
		"internal=10.0.0.0/8", "perimeter=172.16.0.0/12,192.168.0.0/16",
		"sip.contoso.com=172.16.2.10", "edge.contoso.com=172.16.1.10",
		"fe.contoso.com=10.1.1.10", "sbc1.contoso.com=10.1.1.20",
	};
	sfb_import_topology_opts o = { addrs, sizeof(addrs) / sizeof(addrs[0]), NULL };

	one(data, size, NULL);
	one(data, size, &o);
	return 0;
}
