/* Fuzz target: one catalog document file, or the vocabulary.
 *
 * The input is the text of one catalog file (a document and its flows),
 * loaded with the real vocabulary by sfb_catalog_load_dir: the vocabulary
 * (the copy compiled into the library, i.e. data/catalog/vocabulary.yaml) and
 * the input as doc.yaml are written into a private temporary directory.  An
 * input that is a vocabulary (a line starting "roles:" and none starting
 * "document:") takes the vocabulary's place instead, beside the real
 * starleaf.yaml, so the vocabulary's parser (roles with traits and
 * networks, profiles, versions, features) is fuzzed too.  A catalog that
 * loads is then rendered in every format, and for each of its profiles. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sfbnet/sfbnet.h"
#include "catalog/sfb_catalog.h"
#include "catalog/sfb_catalog_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* fuzz_common.c: inputs of libfyaml bugs known and not yet guarded against. */
bool sfb_fuzz_skip(const uint8_t *p, size_t n);

/* The temporary directory, made on the first input and removed at exit. */
static char dir[64];
static char doc_path[96];
static char voc_path[96];
static const struct sfb_embedded_file *real_voc, *real_doc;

static void
remove_dir(void)
{
	unlink(doc_path);
	unlink(voc_path);
	rmdir(dir);
}

static int
write_file(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");
	int rc = 0;

	if (fp == NULL)
		return -1;
	if (n > 0 && fwrite(p, 1, n, fp) != n)
		rc = -1;
	if (fclose(fp) != 0)
		rc = -1;
	return rc;
}

static void
setup(void)
{
	const struct sfb_embedded_file *ef;
	const char *tmp = getenv("TMPDIR");

	if (dir[0] != '\0')
		return;
	if (tmp == NULL || *tmp == '\0' || strlen(tmp) > 40)
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/sfbfuzzXXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		perror("fuzz_catalog: mkdtemp");
		abort();
	}
	snprintf(doc_path, sizeof(doc_path), "%s/doc.yaml", dir);
	snprintf(voc_path, sizeof(voc_path), "%s/vocabulary.yaml", dir);
	atexit(remove_dir);
	for (ef = sfb_catalog_files; ef->name != NULL; ef++) {
		if (strcmp(ef->name, "vocabulary.yaml") == 0)
			real_voc = ef;
		if (strcmp(ef->name, "starleaf.yaml") == 0)
			real_doc = ef;
	}
	if (real_voc == NULL || real_doc == NULL) {
		fprintf(stderr, "fuzz_catalog: no vocabulary.yaml or starleaf.yaml built in\n");
		abort();
	}
}

/* A line starting with word (at the start of the input or after '\n'). */
static bool
has_line(const uint8_t *p, size_t n, const char *word)
{
	size_t i, w = strlen(word);

	for (i = 0; i + w <= n; i++)
		if ((i == 0 || p[i - 1] == '\n') && memcmp(p + i, word, w) == 0)
			return true;
	return false;
}

static void
exercise(sfb_ctx *ctx, const sfb_catalog *cat)
{
	static const sfb_format formats[] = { SFB_FORMAT_TEXT, SFB_FORMAT_JSON,
		SFB_FORMAT_CSV, SFB_FORMAT_MD };
	char *out;
	size_t i, p;
	sfb_status st;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		out = NULL;
		st = sfb_catalog_write(ctx, cat, NULL, formats[i], &out);
		if (st != SFB_OK && st != SFB_ENOMEM) {
			fprintf(stderr, "fuzz_catalog: sfb_catalog_write failed on a valid catalog: %s\n",
			    sfb_ctx_error(ctx));
			abort();
		}
		free(out);
	}
	for (p = 0; p < cat->nprofiles; p++) {
		out = NULL;
		st = sfb_catalog_write(ctx, cat, cat->profiles[p].name, SFB_FORMAT_TEXT, &out);
		if (st != SFB_OK && st != SFB_ENOMEM)
			abort();
		free(out);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sfb_catalog *cat = NULL;
	sfb_ctx *ctx;
	sfb_status st;
	bool vocab;

	if (sfb_fuzz_skip(data, size))
		return 0;
	setup();
	vocab = has_line(data, size, "roles:") && !has_line(data, size, "document:");
	if (write_file(voc_path, vocab ? data : real_voc->data, vocab ? size : real_voc->len) != 0 ||
	    write_file(doc_path, vocab ? real_doc->data : data, vocab ? real_doc->len : size) != 0) {
		fprintf(stderr, "fuzz_catalog: cannot write %s\n", dir);
		abort();
	}
	ctx = sfb_ctx_new();
	if (ctx == NULL)
		return 0;
	st = sfb_catalog_load_dir(ctx, dir, &cat);
	if (st == SFB_OK) {
		if (cat == NULL)
			abort();
		exercise(ctx, cat);
	} else if (cat != NULL || st == SFB_EINTERNAL || st == SFB_EIO) {
		fprintf(stderr, "fuzz_catalog: status %s, catalog %p: %s\n", sfb_status_str(st),
		    (void *)cat, sfb_ctx_error(ctx));
		abort();
	}
	sfb_catalog_free(cat);
	sfb_ctx_free(ctx);
	return 0;
}
