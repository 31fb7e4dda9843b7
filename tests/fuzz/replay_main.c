/* Replay driver for the fuzz targets, without libFuzzer: calls
 * LLVMFuzzerTestOneInput once on every file named on the command line, and
 * on every regular file of every directory named (not recursively, in name
 * order).  Each input is read into a buffer of exactly its size, so that
 * AddressSanitizer sees a read past its end.  A crash, a sanitizer report
 * or an abort() of the target ends the run (and fails the test); a file
 * that cannot be read counts as failed.  The last line is
 * "fuzz replay <target>: N passed, M failed". */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef SFB_FUZZ_NAME
#define SFB_FUZZ_NAME "target"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a target, as with libFuzzer. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int verbose;

static int
read_all(const char *path, uint8_t **out, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL, *grown;
	size_t n = 0, cap = 0, got;

	*out = NULL;
	*len = 0;
	if (fp == NULL)
		return -1;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			grown = realloc(buf, cap);
			if (grown == NULL)
				goto fail;
			buf = grown;
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(fp))
		goto fail;
	fclose(fp);
	/* Exactly n bytes (at least one, for malloc(0)). */
	*out = malloc(n > 0 ? n : 1);
	if (*out == NULL) {
		free(buf);
		return -1;
	}
	if (n > 0)
		memcpy(*out, buf, n);
	free(buf);
	*len = n;
	return 0;
fail:
	fclose(fp);
	free(buf);
	return -1;
}

static int
run_file(const char *path)
{
	uint8_t *data;
	size_t len;

	if (read_all(path, &data, &len) != 0) {
		fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (verbose)
		fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every regular file of dir; adds to *pass and *fail. */
static void
run_dir(const char *dir, unsigned *pass, unsigned *fail)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char **names = NULL, **grown, *path;
	size_t n = 0, cap = 0, i;
	struct stat sb;

	if (dp == NULL) {
		fprintf(stderr, "replay: cannot open %s: %s\n", dir, strerror(errno));
		(*fail)++;
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(names, cap * sizeof(*names));
			if (grown == NULL)
				abort();
			names = grown;
		}
		if ((names[n] = malloc(strlen(dir) + strlen(de->d_name) + 2)) == NULL)
			abort();
		sprintf(names[n], "%s/%s", dir, de->d_name);
		n++;
	}
	closedir(dp);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_name);
	for (i = 0; i < n; i++) {
		path = names[i];
		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
			if (run_file(path) == 0)
				(*pass)++;
			else
				(*fail)++;
		}
		free(path);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	unsigned pass = 0, fail = 0;
	struct stat sb;
	int i;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0) {
			verbose = 1;
			continue;
		}
		if (stat(argv[i], &sb) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			fail++;
		} else if (S_ISDIR(sb.st_mode)) {
			run_dir(argv[i], &pass, &fail);
		} else if (run_file(argv[i]) == 0) {
			pass++;
		} else {
			fail++;
		}
	}
	if (argc < 2)
		fprintf(stderr, "usage: %s [-v] FILE|DIR...\n", argv[0]);
	printf("fuzz replay %s: %u passed, %u failed\n", SFB_FUZZ_NAME, pass, fail);
	return fail == 0 && pass > 0 ? 0 : 1;
}
