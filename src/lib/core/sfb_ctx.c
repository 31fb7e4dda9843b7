/* Library context: error and warning reporting, and small allocation helpers. */
#include "sfb_ctx.h"
#include "sfb_esc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

sfb_ctx *
sfb_ctx_new(void)
{
	sfb_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx != NULL)
		sfb_buf_init(&ctx->err);
	return ctx;
}

void
sfb_ctx_clear_warnings(sfb_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nwarn; i++)
		free(ctx->warn[i]);
	ctx->nwarn = 0;
	ctx->nkinds = 0;
	ctx->summaries_stale = false;
}

void
sfb_ctx_free(sfb_ctx *ctx)
{
	if (ctx == NULL)
		return;
	sfb_ctx_clear_warnings(ctx);
	free(ctx->warn);
	free(ctx->kinds);
	sfb_buf_free(&ctx->err);
	free(ctx);
}

const char *
sfb_ctx_error(const sfb_ctx *ctx)
{
	if (ctx->err.oom)
		return "out of memory";
	return sfb_buf_str(&ctx->err);
}

/* Rewrite the "... more" line of every capped kind with its final count.
 * Its first form (written when the cap was reached) stays if this fails. */
static void
update_summaries(sfb_ctx *ctx)
{
	const struct sfb_warn_kind *k;
	sfb_buf b;
	size_t i;

	for (i = 0; i < ctx->nkinds; i++) {
		k = &ctx->kinds[i];
		if (k->n <= SFB_WARN_PER_KIND)
			continue;
		sfb_buf_init(&b);
		sfb_buf_printf(&b, "... and %zu more warning(s) of the same kind as the one above "
		    "(%zu in all; the first %d are shown)", k->n - SFB_WARN_PER_KIND, k->n,
		    SFB_WARN_PER_KIND);
		if (sfb_buf_status(&b) == SFB_OK) {
			free(ctx->warn[k->summary]);
			ctx->warn[k->summary] = sfb_buf_take(&b);
		}
		sfb_buf_free(&b);
	}
	ctx->summaries_stale = false;
}

size_t
sfb_ctx_warning_total(const sfb_ctx *ctx)
{
	size_t i, n = 0;

	for (i = 0; i < ctx->nkinds; i++)
		n += ctx->kinds[i].n;
	return n;
}

size_t
sfb_ctx_warning_count(sfb_ctx *ctx)
{
	if (ctx->summaries_stale)
		update_summaries(ctx);
	return ctx->nwarn;
}

const char *
sfb_ctx_warning(const sfb_ctx *ctx, size_t i)
{
	return i < ctx->nwarn ? ctx->warn[i] : NULL;
}

const char *
sfb_version(void)
{
	return "0.1.0";
}

static void
format_place(sfb_buf *b, const char *file, int line, int col)
{
	if (file == NULL)
		return;
	sfb_buf_puts(b, file);
	if (line > 0) {
		sfb_buf_printf(b, ":%d", line);
		if (col > 0)
			sfb_buf_printf(b, ":%d", col);
	}
	sfb_buf_puts(b, ": ");
}

/* Messages quote what the input said (names, keys, the file path): shown
 * on a terminal, a control character in them could move the cursor or
 * change colours, so unsafe code points are written as <U+XXXX>. */
static void
sanitize(sfb_buf *b)
{
	sfb_buf clean;
	size_t off;
	unsigned long cp;

	if (b->oom || b->len == 0 || !sfb_esc_find_unsafe(b->data, b->len, &off, &cp))
		return;
	sfb_buf_init(&clean);
	sfb_esc_putn(&clean, SFB_ESC_LINE, b->data, b->len);
	if (sfb_buf_status(&clean) != SFB_OK) {
		sfb_buf_free(&clean);
		sfb_buf_free(b);
		b->oom = true;
		return;
	}
	sfb_buf_free(b);
	*b = clean;
}

sfb_status
sfb_fail(sfb_ctx *ctx, sfb_status st, const char *file, int line, int col,
    const char *fmt, ...)
{
	va_list ap;

	sfb_buf_free(&ctx->err);
	format_place(&ctx->err, file, line, col);
	va_start(ap, fmt);
	sfb_buf_vprintf(&ctx->err, fmt, ap);
	va_end(ap);
	sanitize(&ctx->err);
	return st;
}

sfb_status
sfb_failf(sfb_ctx *ctx, sfb_status st, const char *fmt, ...)
{
	va_list ap;

	sfb_buf_free(&ctx->err);
	va_start(ap, fmt);
	sfb_buf_vprintf(&ctx->err, fmt, ap);
	va_end(ap);
	sanitize(&ctx->err);
	return st;
}

sfb_status
sfb_oom(sfb_ctx *ctx)
{
	sfb_buf_free(&ctx->err);
	ctx->err.oom = true;
	return SFB_ENOMEM;
}

/* The kind of a warning: its format string (same call site, same kind). */
static struct sfb_warn_kind *
warn_kind(sfb_ctx *ctx, const void *fmt)
{
	size_t i;

	for (i = 0; i < ctx->nkinds; i++)
		if (ctx->kinds[i].fmt == fmt)
			return &ctx->kinds[i];
	if (sfb_grow(&ctx->kinds, &ctx->capkinds, ctx->nkinds + 1, sizeof(*ctx->kinds)) != SFB_OK)
		return NULL;
	ctx->kinds[ctx->nkinds].fmt = fmt;
	ctx->kinds[ctx->nkinds].n = 0;
	ctx->kinds[ctx->nkinds].summary = 0;
	return &ctx->kinds[ctx->nkinds++];
}

static sfb_status
add_warning(sfb_ctx *ctx, sfb_buf *b)
{
	sfb_status st = sfb_buf_status(b);

	if (st == SFB_OK)
		st = sfb_grow(&ctx->warn, &ctx->capwarn, ctx->nwarn + 1, sizeof(char *));
	if (st == SFB_OK)
		ctx->warn[ctx->nwarn++] = sfb_buf_take(b);
	return st;
}

sfb_status
sfb_vwarn_kind(sfb_ctx *ctx, const void *kind, const char *file, int line, int col,
    const char *fmt, va_list ap)
{
	struct sfb_warn_kind *k = warn_kind(ctx, kind);
	sfb_buf b;
	sfb_status st;

	if (k == NULL)
		return SFB_ENOMEM;
	if (++k->n > SFB_WARN_PER_KIND + 1) {
		ctx->summaries_stale = true;
		return SFB_OK;
	}
	sfb_buf_init(&b);
	if (k->n == SFB_WARN_PER_KIND + 1) {
		/* The line that stands for the rest; its count is filled in when
		 * the warnings are read (sfb_ctx_warning_count). */
		k->summary = ctx->nwarn;
		ctx->summaries_stale = true;
		sfb_buf_puts(&b, "... and more warnings of the same kind as the one above");
		st = add_warning(ctx, &b);
		goto out;
	}
	format_place(&b, file, line, col);
	sfb_buf_vprintf(&b, fmt, ap);
	sanitize(&b);
	st = add_warning(ctx, &b);
out:
	sfb_buf_free(&b);
	return st;
}

sfb_status
sfb_warn(sfb_ctx *ctx, const char *file, int line, int col, const char *fmt, ...)
{
	va_list ap;
	sfb_status st;

	va_start(ap, fmt);
	st = sfb_vwarn_kind(ctx, fmt, file, line, col, fmt, ap);
	va_end(ap);
	return st;
}

sfb_status
sfb_grow(void *arrp, size_t *cap, size_t n, size_t el)
{
	void **pp = arrp;
	size_t ncap;
	void *p;

	if (n <= *cap)
		return SFB_OK;
	ncap = *cap ? *cap : 8;
	while (ncap < n) {
		if (ncap > SIZE_MAX / 2)
			return SFB_ENOMEM;
		ncap *= 2;
	}
	if (el != 0 && ncap > SIZE_MAX / el)
		return SFB_ENOMEM;
	p = realloc(*pp, ncap * el);
	if (p == NULL)
		return SFB_ENOMEM;
	*pp = p;
	*cap = ncap;
	return SFB_OK;
}

char *
sfb_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
sfb_strdup(const char *s)
{
	return sfb_strndup(s, strlen(s));
}

sfb_status
sfb_read_file(sfb_ctx *ctx, const char *path, sfb_buf *b)
{
	FILE *fp;
	char chunk[65536];
	size_t n;
	sfb_status st = SFB_OK;

	fp = fopen(path, "rb");
	if (fp == NULL)
		return sfb_fail(ctx, SFB_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		sfb_buf_add(b, chunk, n);
		if (b->len > SFB_MAX_INPUT) {
			st = sfb_fail(ctx, SFB_EINVAL, path, 0, 0,
			    "file larger than %u bytes", SFB_MAX_INPUT);
			goto out;
		}
	}
	if (ferror(fp)) {
		st = sfb_fail(ctx, SFB_EIO, path, 0, 0, "read error: %s", strerror(errno));
		goto out;
	}
	if (sfb_buf_status(b) != SFB_OK)
		st = sfb_oom(ctx);
out:
	fclose(fp);
	return st;
}

sfb_status
sfb_write_file(sfb_ctx *ctx, const char *path, const void *data, size_t len, unsigned mode)
{
	const char *p = data;
	sfb_buf tmp;
	ssize_t w;
	int fd = -1;
	sfb_status st = SFB_OK;

	sfb_buf_init(&tmp);
	sfb_buf_printf(&tmp, "%s.tmp.XXXXXX", path);
	if (sfb_buf_status(&tmp) != SFB_OK) {
		st = sfb_oom(ctx);
		goto out;
	}
	fd = mkstemp(tmp.data);
	if (fd < 0) {
		st = sfb_fail(ctx, SFB_EIO, path, 0, 0, "cannot create: %s", strerror(errno));
		goto out;
	}
	while (len > 0) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			st = sfb_fail(ctx, SFB_EIO, path, 0, 0, "write failed: %s", strerror(errno));
			goto out;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fchmod(fd, (mode_t)mode) != 0 || fsync(fd) != 0) {
		st = sfb_fail(ctx, SFB_EIO, path, 0, 0, "write failed: %s", strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		st = sfb_fail(ctx, SFB_EIO, path, 0, 0, "write failed: %s", strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp.data, path) != 0)
		st = sfb_fail(ctx, SFB_EIO, path, 0, 0, "cannot rename into place: %s",
		    strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (st != SFB_OK && tmp.data != NULL)
		unlink(tmp.data);
	sfb_buf_free(&tmp);
	return st;
}

sfb_status
sfb_buf_finish(sfb_ctx *ctx, sfb_buf *b, sfb_status st, char **out)
{
	*out = NULL;
	if (st == SFB_OK)
		st = sfb_buf_status(b);
	if (st == SFB_ENOMEM)
		return sfb_oom(ctx);
	if (st != SFB_OK)
		return st;
	*out = sfb_buf_take(b);
	return *out != NULL ? SFB_OK : sfb_oom(ctx);
}
