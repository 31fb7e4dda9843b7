/* What the subcommands share: options, errors, loading, output. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
opt_index(const struct cli_cmd *cmd, const char *name)
{
	int i;

	for (i = 0; cmd->opts[i].name != NULL; i++)
		if (strcmp(cmd->opts[i].name, name) == 0)
			return i;
	return -1;
}

const char *
cli_opt(const struct cli_cmd *cmd, const struct cli_args *a, const char *name)
{
	int i = opt_index(cmd, name);

	return i >= 0 && a->set[i] ? a->value[i] : NULL;
}

bool
cli_flag(const struct cli_cmd *cmd, const struct cli_args *a, const char *name)
{
	int i = opt_index(cmd, name);

	return i >= 0 && a->set[i];
}

size_t
cli_opt_each(const struct cli_cmd *cmd, const struct cli_args *a, const char *name,
    const char **out, size_t max)
{
	int i = opt_index(cmd, name), k;
	size_t n = 0;

	for (k = 0; i >= 0 && k < a->nrep; k++)
		if (a->rep_opt[k] == i) {
			if (n < max)
				out[n] = a->rep[k];
			n++;
		}
	return n;
}

int
cli_error(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("sfbnet: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

int
cli_status_exit(sfb_status st)
{
	switch (st) {
	case SFB_OK:
		return EXIT_GOOD;
	case SFB_EINVAL:
	case SFB_ERANGE:
	case SFB_ENOTFOUND:
		return EXIT_USAGE;
	case SFB_EIO:
	case SFB_ENOMEM:
	case SFB_EINTERNAL:
		return EXIT_RUNTIME;
	}
	return EXIT_RUNTIME;
}

int
cli_fail(sfb_ctx *ctx, sfb_status st)
{
	const char *msg = sfb_ctx_error(ctx);
	size_t i;

	/* Every bad entry a load found, in file order; the last is msg. */
	for (i = 0; i < sfb_ctx_earlier_error_count(ctx); i++)
		fprintf(stderr, "%s\n", sfb_ctx_earlier_error(ctx, i));
	fprintf(stderr, "%s\n", *msg != '\0' ? msg : sfb_status_str(st));
	return cli_status_exit(st);
}

void
cli_warnings(sfb_ctx *ctx)
{
	size_t i;

	for (i = 0; i < sfb_ctx_warning_count(ctx); i++)
		fprintf(stderr, "warning: %s\n", sfb_ctx_warning(ctx, i));
}

int
cli_load_catalog(struct cli_session *s, const struct cli_cmd *cmd, const struct cli_args *a)
{
	const char *dir = cli_opt(cmd, a, "catalog");
	sfb_status st;

	st = dir != NULL ? sfb_catalog_load_dir(s->ctx, dir, &s->cat) :
	    sfb_catalog_load_builtin(s->ctx, &s->cat);
	if (st == SFB_EIO)  /* a catalog directory that cannot be read is bad usage */
		st = SFB_EINVAL;
	return st == SFB_OK ? EXIT_GOOD : cli_fail(s->ctx, st);
}

int
cli_load_topology(struct cli_session *s, const struct cli_cmd *cmd, const struct cli_args *a)
{
	sfb_status st;
	int rc;

	if ((rc = cli_load_catalog(s, cmd, a)) != EXIT_GOOD)
		return rc;
	st = sfb_topology_load(s->ctx, s->cat, a->pos[0], &s->topo);
	if (st == SFB_EIO)  /* a topology file that cannot be read is bad input */
		st = SFB_EINVAL;
	return st == SFB_OK ? EXIT_GOOD : cli_fail(s->ctx, st);
}

int
cli_load_plan(struct cli_session *s, const struct cli_cmd *cmd, const struct cli_args *a)
{
	return cli_load_plan_for(s, cmd, a, NULL, 0);
}

int
cli_load_plan_for(struct cli_session *s, const struct cli_cmd *cmd, const struct cli_args *a,
    const char *firewall, unsigned flags)
{
	sfb_status st;
	int rc;

	if ((rc = cli_load_topology(s, cmd, a)) != EXIT_GOOD)
		return rc;
	st = sfb_plan_build_for(s->ctx, s->cat, s->topo, firewall, flags, &s->plan);
	return st == SFB_OK ? EXIT_GOOD : cli_fail(s->ctx, st);
}

int
cli_format(const struct cli_cmd *cmd, const struct cli_args *a, const char *const *allowed,
    const char *def, const char **out)
{
	const char *f = cli_opt(cmd, a, "format");
	size_t i;

	if (f == NULL) {
		*out = def;
		return EXIT_GOOD;
	}
	for (i = 0; allowed[i] != NULL; i++) {
		if (strcmp(allowed[i], f) == 0) {
			*out = f;
			return EXIT_GOOD;
		}
	}
	return cli_error(EXIT_USAGE, "%s: unknown format '%s' (see sfbnet %s --help)",
	    cmd->name, f, cmd->name);
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
cli_output(const struct cli_cmd *cmd, const struct cli_args *a, const char *text)
{
	const char *path = cli_opt(cmd, a, "output");
	sfb_ctx *ctx = NULL;
	sfb_status st;
	int rc = EXIT_GOOD;

	if (path == NULL || strcmp(path, "-") == 0) {
		if (write_all(STDOUT_FILENO, text, strlen(text)) != 0)
			return cli_error(EXIT_RUNTIME, "writing standard output: %s", strerror(errno));
		return EXIT_GOOD;
	}
	/* The library's writer, the only one: atomic for a file (also behind
	 * a link), written through for a device or a FIFO.  A context of its
	 * own, as the command's may hold an error already reported. */
	ctx = sfb_ctx_new();
	if (ctx == NULL)
		return cli_error(EXIT_RUNTIME, "out of memory");
	st = sfb_file_write(ctx, path, text, strlen(text), 0644);
	if (st != SFB_OK)
		rc = cli_fail(ctx, st);
	sfb_ctx_free(ctx);
	return rc;
}

int
cli_number(const struct cli_cmd *cmd, const struct cli_args *a, const char *name, unsigned max,
    unsigned *out)
{
	const char *v = cli_opt(cmd, a, name);
	char *end;
	unsigned long n;

	if (v == NULL)
		return EXIT_GOOD;
	n = strtoul(v, &end, 10);
	if (*v == '\0' || *end != '\0' || *v == '-' || n > max)
		return cli_error(EXIT_USAGE, "%s: --%s must be a whole number from 0 to %u", cmd->name,
		    name, max);
	*out = (unsigned)n;
	return EXIT_GOOD;
}

void
cli_log_line(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "%s\n", line);
}
