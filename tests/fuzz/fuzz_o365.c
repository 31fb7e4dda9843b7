/* Fuzz target: an Office 365 endpoints JSON document.
 *
 * The input is the document, imported by sfb_import_o365_mem with the
 * built-in catalog (loaded once) three ways: the fragment of required rows,
 * the fragment with --optional, and --into a topology written once to a
 * private temporary directory (LLVMFuzzerInitialize).  What must hold: a
 * status says whether there is an output (SFB_OK: text; anything else: NULL,
 * and never SFB_EINTERNAL); a refusal names the input; a fragment, appended
 * to a topology without hosts, loads (it is a hosts: list the user pastes);
 * a copy made --into loads.  Both topologies have the outside zone alone,
 * so that no range of a document can be refused for lying in another
 * zone: the import's own check of the copy must then never fail. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sfbnet/sfbnet.h"
#include "sfbnet/import.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fuzzers are the one place where statics are fine: set once, kept. */
static sfb_catalog *catalog;
static char dir[64], into[96];

/* The topology of --into: office365 endpoints in block style with
 * networks, in flow style with an address, and without any address. */
static const char topology[] =
    "version: 1\n"
    "name: Fuzz\n"
    "sip_domains: [fuzz.example]\n"
    "profiles: [sfb-online, sfb-hybrid]\n"
    "zones:\n"
    "  - { name: internet }\n"
    "hosts:\n"
    "  - name: remote\n"
    "    endpoints:\n"
    "      - { zone: internet, roles: [remote-client] }\n"
    "  - name: o365\n"
    "    endpoints:\n"
    "      # hand-typed\n"
    "      - zone: internet\n"
    "        networks:\n"
    "          - 13.107.64.0/18\n"
    "        roles: [office365]\n"
    "      - { zone: internet, address: 52.112.0.1, roles: [office365] }\n"
    "  - name: o365-default\n"
    "    endpoints:\n"
    "      - zone: internet\n"
    "        roles: [office365]\n";

/* A topology without hosts: the fragment, appended, gives it its hosts.
 * Its one zone is the outside, so that any range of the document fits. */
static const char base[] =
    "version: 1\n"
    "name: Fuzz base\n"
    "sip_domains: [fuzz.example]\n"
    "profiles: [sfb-online]\n"
    "zones:\n"
    "  - { name: internet }\n";

static void
cleanup(void)
{
	if (into[0] != '\0')
		unlink(into);
	if (dir[0] != '\0')
		rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	sfb_ctx *ctx = sfb_ctx_new();
	FILE *fp;

	(void)argc;
	(void)argv;
	if (ctx == NULL || sfb_catalog_load_builtin(ctx, &catalog) != SFB_OK) {
		fprintf(stderr, "fuzz_o365: cannot load the built-in catalog: %s\n",
		    ctx != NULL ? sfb_ctx_error(ctx) : "out of memory");
		abort();
	}
	sfb_ctx_free(ctx);
	snprintf(dir, sizeof(dir), "/tmp/sfbnet-fuzz-o365-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("fuzz_o365: mkdtemp");
		abort();
	}
	snprintf(into, sizeof(into), "%s/topology.yaml", dir);
	atexit(cleanup);
	fp = fopen(into, "w");
	if (fp == NULL || fwrite(topology, 1, sizeof(topology) - 1, fp) != sizeof(topology) - 1 ||
	    fclose(fp) != 0) {
		perror("fuzz_o365: writing the topology");
		abort();
	}
	return 0;
}

static void
must_load(const char *what, const char *text, size_t len)
{
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_topology *t = NULL;
	sfb_status st;

	if (ctx == NULL)
		return;
	st = sfb_topology_parse(ctx, catalog, "out.yaml", text, len, &t);
	if (st != SFB_OK && st != SFB_ENOMEM) {
		fprintf(stderr, "fuzz_o365: the %s does not load: %s\n--\n%s\n--\n", what,
		    sfb_ctx_error(ctx), text);
		abort();
	}
	sfb_topology_free(t);
	sfb_ctx_free(ctx);
}

static void
one(const uint8_t *data, size_t size, const char *into_path, bool optional)
{
	sfb_import_o365_opts o;
	sfb_ctx *ctx = sfb_ctx_new();
	char *out = NULL, *whole;
	sfb_status st;
	size_t n;

	if (ctx == NULL)
		return;
	memset(&o, 0, sizeof(o));
	o.into = into_path;
	o.optional = optional;
	st = sfb_import_o365_mem(ctx, catalog, "fuzz.json", data, size, &o, &out);
	if ((st == SFB_OK) != (out != NULL) || st == SFB_EINTERNAL) {
		fprintf(stderr, "fuzz_o365: status %s, output %p: %s\n", sfb_status_str(st),
		    (void *)out, sfb_ctx_error(ctx));
		abort();
	}
	if (st != SFB_OK && st != SFB_ENOMEM && strstr(sfb_ctx_error(ctx), "fuzz.json") == NULL) {
		fprintf(stderr, "fuzz_o365: a refusal that does not name the input: %s\n",
		    sfb_ctx_error(ctx));
		abort();
	}
	if (st == SFB_OK && into_path != NULL) {
		must_load("copy made --into", out, strlen(out));
	} else if (st == SFB_OK) {
		n = strlen(out);
		whole = malloc(sizeof(base) + n);
		if (whole != NULL) {
			memcpy(whole, base, sizeof(base) - 1);
			memcpy(whole + sizeof(base) - 1, out, n + 1);
			must_load("fragment after a topology without hosts", whole,
			    sizeof(base) - 1 + n);
			free(whole);
		}
	}
	free(out);
	sfb_ctx_free(ctx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (catalog == NULL)
		LLVMFuzzerInitialize(NULL, NULL);
	one(data, size, NULL, false);
	one(data, size, NULL, true);
	one(data, size, into, false);
	return 0;
}
