/* Library context: error and warning reporting, and small allocation helpers. */
#include "sfb_ctx.h"
#include "sfb_esc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
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
sfb_ctx_clear_earlier_errors(sfb_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nearlier; i++)
		free(ctx->earlier[i]);
	ctx->nearlier = 0;
	ctx->earlier_dropped = 0;
}

sfb_status
sfb_ctx_defer_error(sfb_ctx *ctx)
{
	char *msg;

	if (ctx->err.oom)
		return SFB_ENOMEM;
	if (ctx->nearlier >= SFB_ERRORS_KEPT) {
		ctx->earlier_dropped++;
		sfb_buf_free(&ctx->err);
		return SFB_OK;
	}
	if (sfb_grow(&ctx->earlier, &ctx->capearlier, ctx->nearlier + 1,
	    sizeof(*ctx->earlier)) != SFB_OK || (msg = sfb_buf_take(&ctx->err)) == NULL)
		return sfb_oom(ctx);
	ctx->earlier[ctx->nearlier++] = msg;
	return SFB_OK;
}

void
sfb_ctx_undefer_error(sfb_ctx *ctx)
{
	char *last;

	if (ctx->nearlier == 0 || ctx->err.len > 0 || ctx->err.oom)
		return;
	last = ctx->earlier[--ctx->nearlier];
	sfb_buf_free(&ctx->err);
	sfb_buf_puts(&ctx->err, last);
	free(last);
	/* Those past the cap are told of in place of the last. */
	if (ctx->earlier_dropped > 0)
		sfb_buf_printf(&ctx->err, " (and %zu more error(s) before it, not shown)",
		    ctx->earlier_dropped);
}

size_t
sfb_ctx_earlier_error_count(const sfb_ctx *ctx)
{
	return ctx->nearlier;
}

const char *
sfb_ctx_earlier_error(const sfb_ctx *ctx, size_t i)
{
	return i < ctx->nearlier ? ctx->earlier[i] : "";
}

void
sfb_ctx_free(sfb_ctx *ctx)
{
	if (ctx == NULL)
		return;
	sfb_ctx_clear_warnings(ctx);
	sfb_ctx_clear_earlier_errors(ctx);
	free(ctx->earlier);
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

/* --- writing a file whole ------------------------------------------------ */

/* Symbolic links followed before giving up: the kernel's own limit. */
#define LINK_HOPS_MAX 40

static bool
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t w;

	while (len > 0) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return false;
		p += w;
		len -= (size_t)w;
	}
	return true;
}

/* The length of the directory part of path, its last slash included (0 for
 * a bare name). */
static size_t
dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? (size_t)(slash - path) + 1 : 0;
}

/* Follow the symbolic links that path's last component goes through, to the
 * name of the file they end at, in *out; *exists says whether that file is
 * there (and *sb is its lstat).  A dangling link names the file to create,
 * which is why this is a readlink loop and not realpath(), which fails on a
 * dangling link.  Links in the directory part are left to the kernel: they
 * do not change which directory the file is renamed in. */
static sfb_status
final_name(sfb_ctx *ctx, const char *path, sfb_buf *out, bool *exists, struct stat *sb)
{
	char target[PATH_MAX];
	sfb_buf next, swap;
	ssize_t n;
	int hops;
	sfb_status st = SFB_OK;

	sfb_buf_init(&next);
	sfb_buf_puts(out, path);
	*exists = false;
	for (hops = 0;; hops++) {
		if (sfb_buf_status(out) != SFB_OK) {
			st = sfb_oom(ctx);
			goto out;
		}
		if (lstat(out->data, sb) != 0) {
			if (errno == ENOENT)
				break;  /* the file to create */
			st = sfb_fail(ctx, SFB_EIO, path, 0, 0, "cannot examine %s: %s", out->data,
			    strerror(errno));
			goto out;
		}
		if (!S_ISLNK(sb->st_mode)) {
			*exists = true;
			break;
		}
		if (hops == LINK_HOPS_MAX) {
			st = sfb_fail(ctx, SFB_EINVAL, path, 0, 0, "too many levels of symbolic links");
			goto out;
		}
		n = readlink(out->data, target, sizeof(target));
		if (n < 0 || (size_t)n >= sizeof(target)) {
			st = sfb_fail(ctx, SFB_EIO, path, 0, 0, "cannot read the symbolic link %s: %s",
			    out->data, n < 0 ? strerror(errno) : "target too long");
			goto out;
		}
		/* A relative target is relative to the link's own directory. */
		sfb_buf_reset(&next);
		if (target[0] != '/')
			sfb_buf_add(&next, out->data, dir_len(out->data));
		sfb_buf_add(&next, target, (size_t)n);
		swap = *out;
		*out = next;
		next = swap;
	}
	if (out->len > 0 && out->data[out->len - 1] == '/')
		st = sfb_fail(ctx, SFB_EINVAL, path, 0, 0, "is a directory");
out:
	sfb_buf_free(&next);
	return st;
}

/* Make the rename durable.  Best effort: the file is in place already, and
 * some filesystems cannot sync a directory. */
static void
sync_dir(const char *file)
{
	sfb_buf dir;
	int fd;

	sfb_buf_init(&dir);
	if (dir_len(file) > 0)
		sfb_buf_add(&dir, file, dir_len(file));
	else
		sfb_buf_puts(&dir, ".");
	if (sfb_buf_status(&dir) == SFB_OK) {
		fd = open(dir.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			(void)fsync(fd);
			close(fd);
		}
	}
	sfb_buf_free(&dir);
}

/* A temporary file next to target, written, synced and renamed over it: a
 * reader sees the old file or the new one, never part of either.  old is
 * the file replaced (NULL: a new file). */
static sfb_status
replace_file(sfb_ctx *ctx, const char *path, const char *target, const struct stat *old,
    const void *data, size_t len, unsigned mode_if_new)
{
	sfb_buf tmp;
	mode_t mode = (mode_t)(mode_if_new & 07777);
	bool made = false;
	int fd = -1;
	sfb_status st = SFB_OK;

	sfb_buf_init(&tmp);
	sfb_buf_printf(&tmp, "%s.tmp.XXXXXX", target);
	if (sfb_buf_status(&tmp) != SFB_OK) {
		st = sfb_oom(ctx);
		goto out;
	}
	fd = mkostemp(tmp.data, O_CLOEXEC);
	if (fd < 0) {
		st = sfb_fail(ctx, SFB_EIO, path, 0, 0, "cannot create a temporary file next to %s: %s",
		    target, strerror(errno));
		goto out;
	}
	made = true;
	if (!write_all(fd, data, len)) {
		st = sfb_fail(ctx, SFB_EIO, path, 0, 0, "write failed: %s", strerror(errno));
		goto out;
	}
	if (old != NULL) {
		/* The file replaced keeps its permissions, and its owner when we
		 * may give it (root); otherwise the new file is ours. */
		mode = old->st_mode & 07777;
		if (geteuid() == 0 && fchown(fd, old->st_uid, old->st_gid) != 0) {
			/* best effort: keep our own ownership */
		}
	}
	/* After fchown, which clears set-id bits. */
	if (fchmod(fd, mode) != 0 || fsync(fd) != 0) {
		st = sfb_fail(ctx, SFB_EIO, path, 0, 0, "write failed: %s", strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		st = sfb_fail(ctx, SFB_EIO, path, 0, 0, "write failed: %s", strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp.data, target) != 0) {
		st = sfb_fail(ctx, SFB_EIO, path, 0, 0, "cannot rename into place as %s: %s", target,
		    strerror(errno));
		goto out;
	}
	made = false;
	sync_dir(target);
out:
	if (fd >= 0)
		close(fd);
	if (made)
		unlink(tmp.data);
	sfb_buf_free(&tmp);
	return st;
}

/* A character device or a FIFO (/dev/null, /dev/stdout on a terminal or a
 * pipe) is written as it is: renaming a file over it would replace it. */
static sfb_status
write_through(sfb_ctx *ctx, const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	sfb_status st = SFB_OK;

	if (fd < 0)
		return sfb_fail(ctx, SFB_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
	if (!write_all(fd, data, len))
		st = sfb_fail(ctx, SFB_EIO, path, 0, 0, "write failed: %s", strerror(errno));
	if (close(fd) != 0 && st == SFB_OK)
		st = sfb_fail(ctx, SFB_EIO, path, 0, 0, "write failed: %s", strerror(errno));
	return st;
}

sfb_status
sfb_file_write(sfb_ctx *ctx, const char *path, const void *data, size_t len,
    unsigned mode_if_new)
{
	struct stat opened, sb;
	sfb_buf target;
	bool there = false, exists;
	sfb_status st;

	sfb_buf_init(&target);
	if (path == NULL || *path == '\0') {
		st = sfb_failf(ctx, SFB_EINVAL, "no file name to write to");
		goto out;
	}
	/* What the path opens, every link followed by the kernel: also the
	 * links of /proc (/dev/stdout), whose targets are not file names. */
	if (stat(path, &opened) == 0) {
		there = true;
		if (S_ISDIR(opened.st_mode)) {
			st = sfb_fail(ctx, SFB_EINVAL, path, 0, 0, "is a directory");
			goto out;
		}
		if (S_ISCHR(opened.st_mode) || S_ISFIFO(opened.st_mode)) {
			st = write_through(ctx, path, data, len);
			goto out;
		}
		if (!S_ISREG(opened.st_mode)) {
			st = sfb_fail(ctx, SFB_EINVAL, path, 0, 0,
			    "is not a regular file, a character device or a FIFO");
			goto out;
		}
	} else if (errno == ELOOP) {
		st = sfb_fail(ctx, SFB_EINVAL, path, 0, 0, "too many levels of symbolic links");
		goto out;
	} else if (errno != ENOENT) {
		st = sfb_fail(ctx, SFB_EIO, path, 0, 0, "cannot examine: %s", strerror(errno));
		goto out;
	}
	/* A regular file, or none yet: replace the file the links end at, so
	 * the links stay links. */
	if ((st = final_name(ctx, path, &target, &exists, &sb)) != SFB_OK)
		goto out;
	if (exists != there || (exists && (sb.st_dev != opened.st_dev ||
	    sb.st_ino != opened.st_ino))) {
		/* A /proc link to a deleted file, or a link changed meanwhile. */
		st = sfb_fail(ctx, SFB_EIO, path, 0, 0, "cannot tell which file the name leads to");
		goto out;
	}
	st = replace_file(ctx, path, target.data, exists ? &sb : NULL, data, len, mode_if_new);
out:
	sfb_buf_free(&target);
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

sfb_status
sfb_write_report(sfb_ctx *ctx, int json, void (*text)(const void *arg, sfb_buf *b),
    sfb_status (*jsonw)(const void *arg, sfb_buf *b), const void *arg, char **out)
{
	sfb_buf b;
	sfb_status st = SFB_OK;

	*out = NULL;
	sfb_buf_init(&b);
	if (json)
		st = jsonw(arg, &b);
	else
		text(arg, &b);
	st = sfb_buf_finish(ctx, &b, st, out);
	sfb_buf_free(&b);
	return st;
}
