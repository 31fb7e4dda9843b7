/* The findings model and its writers (sfb_findings.h). */
#include <stdlib.h>
#include <string.h>

#include "report/sfb_findings.h"
#include "sfb_ctx.h"
#include "sfb_esc.h"
#include "sfb_text.h"

static const char *const verdict_names[SFB_VERDICT_COUNT] = {
	"pass", "fail", "warn", "skip", "unknown",
};

const char *
sfb_verdict_name(sfb_verdict v)
{
	return (unsigned)v < SFB_VERDICT_COUNT ? verdict_names[v] : NULL;
}

void
sfb_findings_init(sfb_findings *f)
{
	memset(f, 0, sizeof(*f));
}

static void
finding_free(sfb_finding *x)
{
	free((char *)x->check);
	free((char *)x->subject);
	free((char *)x->reason);
	free((char *)x->evidence);
	free((char *)x->cite_doc);
	free((char *)x->cite_section);
}

void
sfb_findings_free(sfb_findings *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++)
		finding_free(&f->v[i]);
	free(f->v);
	sfb_findings_init(f);
}

/* A copy of s into *dst (NULL stays NULL); false when it fails. */
static bool
copy(const char **dst, const char *s)
{
	*dst = NULL;
	if (s == NULL)
		return true;
	return (*dst = sfb_strdup(s)) != NULL;
}

sfb_status
sfb_findings_add(sfb_findings *f, const sfb_finding *in)
{
	sfb_finding x;
	sfb_status st = SFB_OK;

	memset(&x, 0, sizeof(x));
	if (in->check == NULL || in->subject == NULL || (unsigned)in->verdict >= SFB_VERDICT_COUNT) {
		st = SFB_EINVAL;
		goto out;
	}
	if ((st = sfb_grow(&f->v, &f->cap, f->n + 1, sizeof(*f->v))) != SFB_OK)
		goto out;
	x.verdict = in->verdict;
	x.sys_errno = in->sys_errno;
	x.rtt_us = in->rtt_us;
	if (!copy(&x.check, in->check) || !copy(&x.subject, in->subject) ||
	    !copy(&x.reason, in->reason) || !copy(&x.evidence, in->evidence) ||
	    !copy(&x.cite_doc, in->cite_doc) || !copy(&x.cite_section, in->cite_section)) {
		st = SFB_ENOMEM;
		goto out;
	}
	f->v[f->n++] = x;
	f->count[x.verdict]++;
	memset(&x, 0, sizeof(x));   /* handed over */
out:
	finding_free(&x);
	return st;
}

size_t
sfb_findings_count(const sfb_findings *f, sfb_verdict v)
{
	return (unsigned)v < SFB_VERDICT_COUNT ? f->count[v] : 0;
}

/* Sorting with the position of adding as the last key (qsort is not
 * stable): a copy of the array carries it. */
struct keyed {
	sfb_finding x;
	size_t seq;
};

static int
cmp_keyed(const void *a, const void *b)
{
	const struct keyed *p = a, *q = b;
	int c = strcmp(p->x.check, q->x.check);

	if (c == 0)
		c = strcmp(p->x.subject, q->x.subject);
	if (c == 0)
		c = p->seq < q->seq ? -1 : p->seq > q->seq;
	return c;
}

sfb_status
sfb_findings_sort(sfb_findings *f)
{
	struct keyed *k;
	size_t i;

	if (f->n < 2)
		return SFB_OK;
	if ((k = calloc(f->n, sizeof(*k))) == NULL)
		return SFB_ENOMEM;   /* the list as it was */
	for (i = 0; i < f->n; i++) {
		k[i].x = f->v[i];
		k[i].seq = i;
	}
	qsort(k, f->n, sizeof(*k), cmp_keyed);
	for (i = 0; i < f->n; i++)
		f->v[i] = k[i].x;
	free(k);
	return SFB_OK;
}

/* --- writers ------------------------------------------------------------ */

static void
write_text(const void *arg, sfb_buf *b)
{
	const sfb_findings *f = arg;
	const sfb_finding *x;
	size_t i;

	for (i = 0; i < f->n; i++) {
		x = &f->v[i];
		sfb_buf_printf(b, "%-7s ", verdict_names[x->verdict]);
		sfb_esc_put(b, SFB_ESC_LINE, x->check);
		sfb_buf_putc(b, ' ');
		sfb_esc_put(b, SFB_ESC_LINE, x->subject);
		if (x->reason != NULL) {
			sfb_buf_puts(b, ": ");
			sfb_esc_put(b, SFB_ESC_LINE, x->reason);
		}
		if (x->sys_errno != 0)
			sfb_buf_printf(b, " (errno %d)", x->sys_errno);
		if (x->evidence != NULL) {
			sfb_buf_puts(b, " (evidence: ");
			sfb_esc_put(b, SFB_ESC_LINE, x->evidence);
			sfb_buf_putc(b, ')');
		}
		if (x->cite_doc != NULL) {
			sfb_buf_puts(b, " [");
			sfb_esc_put(b, SFB_ESC_LINE, x->cite_doc);
			if (x->cite_section != NULL) {
				sfb_buf_puts(b, ": ");
				sfb_esc_put(b, SFB_ESC_LINE, x->cite_section);
			}
			sfb_buf_putc(b, ']');
		}
		sfb_buf_putc(b, '\n');
	}
	sfb_buf_printf(b, "summary: %zu pass, %zu fail, %zu warn, %zu skip, %zu unknown\n",
	    f->count[SFB_VERDICT_PASS], f->count[SFB_VERDICT_FAIL], f->count[SFB_VERDICT_WARN],
	    f->count[SFB_VERDICT_SKIP], f->count[SFB_VERDICT_UNKNOWN]);
}

/* s as a JSON string: as it is when it is valid UTF-8 (JSON escapes the
 * controls itself), else in the escaped form of the text writer, so a
 * stray byte of a server's answer does not lose the report; NULL -> null. */
static void
jstr(sfb_jb *jb, json_t *obj, const char *key, const char *s)
{
	json_t *v;
	sfb_buf t;

	if (s == NULL) {
		sfb_jb_set(jb, obj, key, json_null());
		return;
	}
	if ((v = json_string(s)) == NULL) {
		sfb_buf_init(&t);
		sfb_esc_put(&t, SFB_ESC_LINE, s);
		v = sfb_buf_status(&t) == SFB_OK ? json_string(sfb_buf_str(&t)) : NULL;
		sfb_buf_free(&t);
	}
	sfb_jb_set(jb, obj, key, v);
}

static sfb_status
write_json(const void *arg, sfb_buf *b)
{
	const sfb_findings *f = arg;
	const sfb_finding *x;
	sfb_jb jb = { false };
	json_t *root = sfb_jb_obj(&jb), *arr = sfb_jb_arr(&jb), *counts = sfb_jb_obj(&jb), *o, *c;
	size_t i;

	sfb_jb_str(&jb, root, "format", "sfbnet-findings");
	sfb_jb_int(&jb, root, "version", 1);
	for (i = 0; i < SFB_VERDICT_COUNT; i++)
		sfb_jb_int(&jb, counts, verdict_names[i], (long long)f->count[i]);
	sfb_jb_set(&jb, root, "counts", counts);
	for (i = 0; i < f->n; i++) {
		x = &f->v[i];
		o = sfb_jb_obj(&jb);
		jstr(&jb, o, "check", x->check);
		jstr(&jb, o, "subject", x->subject);
		sfb_jb_str(&jb, o, "verdict", verdict_names[x->verdict]);
		jstr(&jb, o, "reason", x->reason);
		jstr(&jb, o, "evidence", x->evidence);
		if (x->cite_doc != NULL) {
			c = sfb_jb_obj(&jb);
			jstr(&jb, c, "document", x->cite_doc);
			jstr(&jb, c, "section", x->cite_section);
			sfb_jb_set(&jb, o, "citation", c);
		} else {
			sfb_jb_set(&jb, o, "citation", json_null());
		}
		if (x->sys_errno != 0)
			sfb_jb_int(&jb, o, "errno", x->sys_errno);
		else
			sfb_jb_set(&jb, o, "errno", json_null());
		if (x->rtt_us != 0)
			sfb_jb_int(&jb, o, "rtt_us", (long long)x->rtt_us);
		else
			sfb_jb_set(&jb, o, "rtt_us", json_null());
		sfb_jb_push(&jb, arr, o);
	}
	sfb_jb_set(&jb, root, "findings", arr);
	return sfb_jb_dump(&jb, root, b);
}

sfb_status
sfb_findings_write(sfb_ctx *ctx, const sfb_findings *f, int json, char **out)
{
	return sfb_write_report(ctx, json, write_text, write_json, f, out);
}
