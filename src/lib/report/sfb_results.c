/* Reading the results files of `sfbnet report --results`. */
#include "sfb_results.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

void
sfb_results_init(struct sfb_results *rs)
{
	memset(rs, 0, sizeof(*rs));
}

void
sfb_results_free(struct sfb_results *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		free(rs->r[i].file);
		free(rs->r[i].flow);
		free(rs->r[i].src);
		free(rs->r[i].dst);
		free(rs->r[i].firewall);
		free(rs->r[i].check);
		free(rs->r[i].subject);
		free(rs->r[i].verdict);
		free(rs->r[i].detail);
	}
	free(rs->r);
	sfb_results_init(rs);
}

/* A copy of obj[key] when it is a string, else NULL (*oom set when the
 * copy failed). */
static char *
str_of(const json_t *obj, const char *key, bool *oom)
{
	const char *s = json_string_value(json_object_get(obj, key));
	char *c;

	if (s == NULL)
		return NULL;
	if ((c = strdup(s)) == NULL)
		*oom = true;
	return c;
}

struct word {
	const char *w;
	int level;
};

static const struct word flow_words[] = {
	{ "pass", SFB_LV_PASS }, { "allowed", SFB_LV_PASS }, { "partial", SFB_LV_PARTIAL },
	{ "fail", SFB_LV_FAIL }, { "blocked", SFB_LV_FAIL }, { NULL, SFB_LV_UNKNOWN }
};
static const struct word unplanned_words[] = {
	{ "blocked", SFB_LV_PASS }, { "unexpected", SFB_LV_FAIL }, { NULL, SFB_LV_UNKNOWN }
};
static const struct word finding_words[] = {
	{ "pass", SFB_LV_PASS }, { "warn", SFB_LV_PARTIAL }, { "fail", SFB_LV_FAIL },
	{ "error", SFB_LV_FAIL }, { NULL, SFB_LV_UNKNOWN }
};

static int
level_of(const struct word *w, const char *v)
{
	for (; v != NULL && w->w != NULL; w++)
		if (strcmp(w->w, v) == 0)
			return w->level;
	return SFB_LV_UNKNOWN;
}

/* "filtered 5061; closed 443" from the port keys of a probe or twin row. */
static char *
ports_detail(const json_t *o, bool *oom)
{
	static const char *const keys[] = { "open", "unverified", "closed", "filtered", "error" };
	sfb_buf b;
	const char *v;
	size_t i;
	char *out;

	sfb_buf_init(&b);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = json_string_value(json_object_get(o, keys[i]));
		if (v == NULL || *v == '\0')
			continue;
		sfb_buf_printf(&b, "%s%s %s", b.len > 0 ? "; " : "", keys[i], v);
	}
	if (sfb_buf_status(&b) != SFB_OK) {
		*oom = true;
		sfb_buf_free(&b);
		return NULL;
	}
	out = b.len > 0 ? strdup(sfb_buf_str(&b)) : NULL;
	if (b.len > 0 && out == NULL)
		*oom = true;
	sfb_buf_free(&b);
	return out;
}

static sfb_status
add(sfb_ctx *ctx, struct sfb_results *rs, const struct sfb_result *r, const char *file, bool oom)
{
	struct sfb_result *x;

	if (!oom && sfb_grow(&rs->r, &rs->cap, rs->n + 1, sizeof(*rs->r)) == SFB_OK) {
		x = &rs->r[rs->n];
		*x = *r;
		if ((x->file = strdup(file)) != NULL) {
			rs->n++;
			return SFB_OK;
		}
	}
	free(r->flow);
	free(r->src);
	free(r->dst);
	free(r->firewall);
	free(r->check);
	free(r->subject);
	free(r->verdict);
	free(r->detail);
	return sfb_oom(ctx);
}

/* The rows of array key, each an object with a string "verdict" (and a
 * string `also`, when not NULL: a finding's "check"). */
static sfb_status
rows(sfb_ctx *ctx, const char *file, const json_t *root, const char *key, const char *also,
    const json_t **arr)
{
	const json_t *a = json_object_get(root, key), *o;
	size_t i;

	if (!json_is_array(a))
		return sfb_failf(ctx, SFB_EINVAL, "%s: no \"%s\" list in this %s result", file, key,
		    json_string_value(json_object_get(root, "format")));
	json_array_foreach(a, i, o) {
		if (!json_is_object(o) || !json_is_string(json_object_get(o, "verdict")))
			return sfb_failf(ctx, SFB_EINVAL, "%s: \"%s\" item %zu is not an object with a "
			    "\"verdict\"", file, key, i + 1);
		if (also != NULL && !json_is_string(json_object_get(o, also)))
			return sfb_failf(ctx, SFB_EINVAL, "%s: \"%s\" item %zu has no \"%s\"", file,
			    key, i + 1, also);
	}
	*arr = a;
	return SFB_OK;
}

sfb_status
sfb_results_read(sfb_ctx *ctx, const char *file, const char *text, size_t len,
    struct sfb_results *rs)
{
	json_error_t err;
	json_t *root;
	const json_t *arr, *o;
	const char *fmt;
	struct sfb_result r;
	char *src = NULL, *fw = NULL;
	size_t i;
	bool oom = false;
	sfb_status st = SFB_OK;

	root = json_loadb(len > 0 ? text : "", len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL)
		return sfb_failf(ctx, SFB_EINVAL, "%s:%d:%d: not JSON: %s", file, err.line, err.column,
		    err.text);
	fmt = json_string_value(json_object_get(root, "format"));
	if (fmt == NULL || !json_is_object(root)) {
		st = sfb_failf(ctx, SFB_EINVAL, "%s: not an sfbnet result (no \"format\"; give the "
		    "--format json output of probe, twin, audit or check)", file);
		goto out;
	}
	if (strcmp(fmt, "sfbnet-probe") == 0 || strcmp(fmt, "sfbnet-twin") == 0) {
		bool twin = fmt[7] == 't';

		src = twin ? NULL : str_of(root, "host", &oom);
		if ((st = rows(ctx, file, root, "flows", NULL, &arr)) != SFB_OK)
			goto out;
		json_array_foreach(arr, i, o) {
			memset(&r, 0, sizeof(r));
			r.kind = twin ? "twin" : "probe";
			r.flow = str_of(o, "flow", &oom);
			r.src = twin ? str_of(o, "source", &oom) : (src != NULL ? strdup(src) : NULL);
			r.dst = str_of(o, "destination", &oom);
			r.verdict = str_of(o, "verdict", &oom);
			r.level = level_of(flow_words, r.verdict);
			r.detail = ports_detail(o, &oom);
			if ((st = add(ctx, rs, &r, file, oom)) != SFB_OK)
				goto out;
		}
		if (twin) {
			if ((st = rows(ctx, file, root, "unplanned", NULL, &arr)) != SFB_OK)
				goto out;
			json_array_foreach(arr, i, o) {
				memset(&r, 0, sizeof(r));
				r.kind = "twin";
				r.src = str_of(o, "source", &oom);
				r.dst = str_of(o, "destination", &oom);
				r.verdict = str_of(o, "verdict", &oom);
				r.level = level_of(unplanned_words, r.verdict);
				r.detail = ports_detail(o, &oom);
				if ((st = add(ctx, rs, &r, file, oom)) != SFB_OK)
					goto out;
			}
		}
	} else if (strcmp(fmt, "sfbnet-audit") == 0) {
		fw = str_of(root, "firewall", &oom);
		if ((st = rows(ctx, file, root, "flows", NULL, &arr)) != SFB_OK)
			goto out;
		json_array_foreach(arr, i, o) {
			memset(&r, 0, sizeof(r));
			r.kind = "audit";
			r.flow = str_of(o, "flow", &oom);
			r.firewall = fw != NULL ? strdup(fw) : NULL;
			r.verdict = str_of(o, "verdict", &oom);
			r.level = level_of(flow_words, r.verdict);
			if ((st = add(ctx, rs, &r, file, oom)) != SFB_OK)
				goto out;
		}
	} else if (strcmp(fmt, "sfbnet-findings") == 0) {
		if ((st = rows(ctx, file, root, "findings", "check", &arr)) != SFB_OK)
			goto out;
		json_array_foreach(arr, i, o) {
			memset(&r, 0, sizeof(r));
			r.kind = "check";
			r.subject = str_of(o, "subject", &oom);
			r.check = str_of(o, "check", &oom);
			r.verdict = str_of(o, "verdict", &oom);
			r.level = level_of(finding_words, r.verdict);
			r.detail = str_of(o, "reason", &oom);
			if ((st = add(ctx, rs, &r, file, oom)) != SFB_OK)
				goto out;
		}
	} else {
		st = sfb_failf(ctx, SFB_EINVAL, "%s: format \"%s\" is not one the report reads "
		    "(sfbnet-probe, sfbnet-twin, sfbnet-audit, sfbnet-findings)", file, fmt);
	}
out:
	free(src);
	free(fw);
	json_decref(root);
	return st;
}
