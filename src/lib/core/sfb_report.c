/* The diagnostics of a context (errors a load read on past, its last
 * error, the warnings) as one JSON document: sfbnet validate --format json.
 * Each message is split back into its parts: "FILE:LINE:COL: message
 * [citation]" is how the library writes them all. */
#include <string.h>

#include "sfb_ctx.h"
#include "sfb_text.h"

/* A code per kind of message, found by a phrase of it: stable names a
 * script can match, where the wording of messages may improve. */
static const struct {
	const char *phrase, *code;
} codes[] = {
	{ "unknown key", "unknown-key" },
	{ "is missing the required key", "missing-key" },
	{ "unknown role", "unknown-role" },
	{ "unknown profile", "unknown-profile" },
	{ "unknown zone", "unknown-zone" },
	{ "unknown feature", "unknown-feature" },
	{ "unknown version", "unknown-version" },
	{ "unknown pool", "unknown-pool" },
	{ "unknown site", "unknown-site" },
	{ "listed twice", "duplicate" },
	{ "duplicate", "duplicate" },
	{ "declared twice", "duplicate" },
	{ "is also in zone", "address-in-two-zones" },
	{ "overlap", "overlap" },
	{ "not in zone", "address-in-other-zone" },
	{ "outside the networks of zone", "address-outside-zone" },
	{ "public", "nat-address" },
	{ "is not a valid", "invalid-value" },
	{ "must be", "invalid-value" },
	{ "must not", "invalid-value" },
	{ "no path", "unreachable-zone" },
	{ "no firewall path", "unreachable-zone" },
	{ "vip", "load-balancer" },
	{ "certificate", "certificate" },
	{ "SRV", "dns" },
	{ "DNS", "dns" },
	{ "Edge", "edge" },
};

static const char *
code_of(const char *msg, bool error)
{
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strstr(msg, codes[i].phrase) != NULL)
			return codes[i].code;
	return error ? "topology-error" : "topology-warning";
}

/* Digits at *p up to a ':' (at most 9 of them); 0 when there are none. */
static long
number_at(const char **p)
{
	long v = 0;
	int n = 0;

	while (**p >= '0' && **p <= '9' && n < 9) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n > 0 && **p == ':' ? v : 0;
}

static void
add_diag(sfb_jb *jb, json_t *arr, const char *file, const char *s, bool error)
{
	json_t *o = sfb_jb_obj(jb);
	const char *p = s, *msg = s, *cite, *end;
	size_t flen = file != NULL ? strlen(file) : 0;
	long line = 0, col = 0;
	sfb_buf m, c;

	sfb_buf_init(&m);
	sfb_buf_init(&c);
	if (file != NULL && strncmp(s, file, flen) == 0 && s[flen] == ':') {
		p = s + flen + 1;
		if ((line = number_at(&p)) > 0) {
			p++;
			col = number_at(&p);
			if (col > 0)
				p++;
		}
		while (*p == ' ')
			p++;
		msg = p;
	}
	/* "... [citation]" at the end of a message is its source. */
	end = msg + strlen(msg);
	cite = end > msg && end[-1] == ']' ? strstr(msg, " [") : NULL;
	while (cite != NULL && strstr(cite + 2, " [") != NULL)
		cite = strstr(cite + 2, " [");
	if (cite != NULL) {
		sfb_buf_add(&m, msg, (size_t)(cite - msg));
		sfb_buf_add(&c, cite + 2, (size_t)(end - cite - 3));
	} else {
		sfb_buf_puts(&m, msg);
	}
	sfb_jb_str(jb, o, "verdict", error ? "error" : "warn");
	sfb_jb_str(jb, o, "severity", error ? "error" : "warning");
	sfb_jb_str(jb, o, "code", code_of(sfb_buf_str(&m), error));
	sfb_jb_str(jb, o, "file", msg != s ? file : NULL);
	if (line > 0)
		sfb_jb_int(jb, o, "line", line);
	else
		sfb_jb_set(jb, o, "line", json_null());
	if (col > 0)
		sfb_jb_int(jb, o, "column", col);
	else
		sfb_jb_set(jb, o, "column", json_null());
	sfb_jb_str(jb, o, "message", sfb_buf_str(&m));
	sfb_jb_str(jb, o, "citation", cite != NULL ? sfb_buf_str(&c) : NULL);
	if (m.oom || c.oom)
		jb->failed = true;
	sfb_jb_push(jb, arr, o);
	sfb_buf_free(&m);
	sfb_buf_free(&c);
}

sfb_status
sfb_diagnostics_json(sfb_ctx *ctx, const char *file, const sfb_validate_summary *sum,
    char **out)
{
	sfb_jb jb = { false };
	json_t *root = sfb_jb_obj(&jb), *arr = sfb_jb_arr(&jb), *o;
	const char *err = sfb_ctx_error(ctx);
	bool failed = *err != '\0';
	size_t i, nwarn = sfb_ctx_warning_count(ctx);
	sfb_buf b;
	sfb_status st;

	*out = NULL;
	sfb_buf_init(&b);
	for (i = 0; i < sfb_ctx_earlier_error_count(ctx); i++)
		add_diag(&jb, arr, file, sfb_ctx_earlier_error(ctx, i), true);
	if (failed)
		add_diag(&jb, arr, file, err, true);
	for (i = 0; i < nwarn; i++)
		add_diag(&jb, arr, file, sfb_ctx_warning(ctx, i), false);
	sfb_jb_str(&jb, root, "format", "sfbnet-validate");
	sfb_jb_int(&jb, root, "version", 1);
	sfb_jb_str(&jb, root, "file", file);
	sfb_jb_str(&jb, root, "verdict", failed ? "error" : nwarn > 0 ? "warn" : "pass");
	sfb_jb_int(&jb, root, "errors", (long long)(sfb_ctx_earlier_error_count(ctx) + failed));
	sfb_jb_int(&jb, root, "warnings", (long long)sfb_ctx_warning_total(ctx));
	if (sum != NULL && !failed) {
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "topology", sum->topology);
		sfb_jb_int(&jb, o, "zones", (long long)sum->zones);
		sfb_jb_int(&jb, o, "firewalls", (long long)sum->firewalls);
		sfb_jb_int(&jb, o, "hosts", (long long)sum->hosts);
		sfb_jb_int(&jb, o, "flows_through_firewalls", (long long)sum->flows_through);
		sfb_jb_int(&jb, o, "flows_inside_zones", (long long)sum->flows_inside);
		sfb_jb_set(&jb, root, "summary", o);
	} else {
		sfb_jb_set(&jb, root, "summary", json_null());
	}
	sfb_jb_set(&jb, root, "diagnostics", arr);
	st = sfb_jb_dump(&jb, root, &b);
	if (st == SFB_OK)
		st = sfb_buf_finish(ctx, &b, st, out);
	else
		st = sfb_oom(ctx);
	sfb_buf_free(&b);
	return st;
}
