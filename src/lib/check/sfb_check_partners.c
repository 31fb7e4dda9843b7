/* --partners FILE: one federation partner domain per line; blank lines and
 * lines starting with '#' are skipped, spaces around a name trimmed.  A
 * line that is not a DNS name is an error at its line and column. */
#include "check/sfb_check_int.h"

#include <stdlib.h>
#include <string.h>

#include "sfb_ctx.h"
#include "sfb_text.h"

/* Large partner lists are normal (10,000 in the benchmark); this bounds
 * a file that is not one. */
#define MAX_PARTNERS 1000000

sfb_status
sfb_check_parse_partners(sfb_ctx *ctx, const char *path, const char *data, size_t size,
    char ***out, size_t *n)
{
	struct { const char *data; } b = { data };
	sfb_strv v;
	sfb_cur cur;
	char name[300];
	size_t line = 0, start, len, lead;
	sfb_status st = SFB_OK;

	*out = NULL;
	*n = 0;
	sfb_strv_init(&v);
	sfb_cur_init(&cur, data, size);
	while (!sfb_cur_eof(&cur)) {
		line++;
		start = sfb_cur_tag(&cur);
		len = sfb_cur_until(&cur, "\n");
		(void)sfb_cur_accept(&cur, '\n');
		if (len > 0 && b.data[start + len - 1] == '\r')
			len--;
		for (lead = 0; lead < len && (b.data[start + lead] == ' ' || b.data[start + lead] ==
		    '\t'); lead++)
			;
		while (len > lead && (b.data[start + len - 1] == ' ' || b.data[start + len - 1] == '\t'))
			len--;
		if (len == lead || b.data[start + lead] == '#')
			continue;
		if (len - lead >= sizeof(name) || memchr(b.data + start + lead, '\0', len - lead)) {
			st = sfb_failf(ctx, SFB_EINVAL, "%s:%zu:%zu: not a DNS name (too long, or a NUL "
			    "byte)", path, line, lead + 1);
			goto out;
		}
		memcpy(name, b.data + start + lead, len - lead);
		name[len - lead] = '\0';
		if (len - lead > 1 && name[len - lead - 1] == '.')
			name[len - lead - 1] = '\0';
		if (!sfb_dns_name_valid(name) || strchr(name, '.') == NULL) {
			st = sfb_failf(ctx, SFB_EINVAL, "%s:%zu:%zu: '%s' is not a domain name", path,
			    line, lead + 1, name);
			goto out;
		}
		if (v.n >= MAX_PARTNERS) {
			st = sfb_failf(ctx, SFB_EINVAL, "%s:%zu: more than %d partners", path, line,
			    MAX_PARTNERS);
			goto out;
		}
		if (sfb_strv_add(&v, name, false) != SFB_OK) {
			st = sfb_oom(ctx);
			goto out;
		}
	}
	*out = v.v;
	*n = v.n;
	v.v = NULL;
	v.n = 0;
out:
	sfb_strv_free(&v);
	return st;
}

sfb_status
sfb_check_read_partners(sfb_ctx *ctx, const char *path, char ***out, size_t *n)
{
	sfb_buf b;
	sfb_status st;

	*out = NULL;
	*n = 0;
	sfb_buf_init(&b);
	if ((st = sfb_read_file(ctx, path, &b)) == SFB_OK)
		st = sfb_check_parse_partners(ctx, path, b.data != NULL ? b.data : "", b.len, out, n);
	sfb_buf_free(&b);
	return st;
}

void
sfb_check_partners_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
