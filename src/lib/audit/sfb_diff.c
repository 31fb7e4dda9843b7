/* sfbnet diff: what changes between two topologies, for a change ticket.
 *
 * Rules: per firewall (matched by name) and catalog flow, the packets the
 * plan lets through, as a region of boxes (sfb_region.h, the audit's set
 * arithmetic); what the new plan has beyond the old is added, the reverse
 * removed.  A flow that only gains is widened, one that only loses
 * narrowed.  DNS records and certificate names are compared as sets of
 * the lines `sfbnet dns` and `sfbnet certs` write. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "plan/sfb_plan.h"
#include "sfb_esc.h"
#include "sfb_audit_int.h"
#include "sfb_region.h"
#include "sfb_strv.h"
#include "sfb_text.h"
#include "sfbnet/diff.h"
#include "sfbnet/dns.h"
#include "sfbnet/pki.h"

enum { DF_ADDED, DF_REMOVED, DF_WIDENED, DF_NARROWED, DF_CHANGED };

static const char *const change_names[] = { "added", "removed", "widened", "narrowed",
	"changed" };

struct dflow {
	const char *fw;           /* the firewall's name */
	const char *flow;         /* catalog id */
	int proto;
	int kind;
	struct region plus, minus;
};

struct dline {                /* a DNS record or a certificate name */
	char *text;
	bool added;
};

struct sfb_diff {
	const char *old_file, *new_file;
	struct dflow *f;
	size_t nf, capf;
	struct sfb_strv fw_added, fw_removed;
	struct dline *dns, *certs;
	size_t ndns, capdns, ncerts, capcerts;
	char *dns_note, *certs_note;  /* why a part could not be compared */
};

/* --- rules ------------------------------------------------------------------ */

/* r |= b, keeping r's boxes disjoint. */
static sfb_status
add_disjoint(struct region *r, const struct rs_box *b)
{
	struct region t;
	struct tag none = { RS_NOBODY, 0 };
	sfb_status st;

	region_init(&t);
	if ((st = region_add(&t, b, none)) == SFB_OK && (st = region_sub(&t, r)) == SFB_OK)
		st = region_move(r, &t, false, none);
	region_free(&t);
	return st;
}

/* The packets plan lets through firewall fw for catalog flow flow. */
static sfb_status
flow_region(const sfb_plan *plan, long fw, size_t flow, struct region *out)
{
	const struct sfb_entry *e;
	struct rs_box b;
	sfb_status st = SFB_OK;
	size_t i;

	for (i = 0; fw >= 0 && i < plan->nentries && st == SFB_OK; i++) {
		e = &plan->entries[i];
		if (e->fw != (size_t)fw || e->flow != flow)
			continue;
		rs_box_init(&b);
		if ((st = sfb_entry_box(plan, e, &e->src, &e->dst, &b)) == SFB_OK && !rs_box_empty(&b))
			st = add_disjoint(out, &b);
		rs_box_free(&b);
	}
	return st;
}

static bool
uses_flow(const sfb_plan *plan, long fw, size_t flow)
{
	size_t i;

	for (i = 0; fw >= 0 && i < plan->nentries; i++)
		if (plan->entries[i].fw == (size_t)fw && plan->entries[i].flow == flow)
			return true;
	return false;
}

/* a - b into out (a copy of a with b taken away). */
static sfb_status
minus(const struct region *a, const struct region *b, struct region *out)
{
	size_t i;
	sfb_status st = SFB_OK;

	for (i = 0; i < a->n && st == SFB_OK; i++)
		st = region_add(out, &a->v[i].b, a->v[i].tag);
	return st == SFB_OK ? region_sub(out, b) : st;
}

static sfb_status
diff_firewall(struct sfb_diff *D, const sfb_plan *po, const sfb_plan *pn, const char *name)
{
	long fo = sfb_topology_find_firewall(po->topo, name),
	    fn = sfb_topology_find_firewall(pn->topo, name);
	struct region ro, rn;
	struct dflow *d;
	sfb_status st = SFB_OK;
	size_t k;

	region_init(&ro);
	region_init(&rn);
	for (k = 0; k < po->cat->nflows && st == SFB_OK; k++) {
		if (!uses_flow(po, fo, k) && !uses_flow(pn, fn, k))
			continue;
		region_clear(&ro);
		region_clear(&rn);
		if ((st = flow_region(po, fo, k, &ro)) != SFB_OK ||
		    (st = flow_region(pn, fn, k, &rn)) != SFB_OK)
			break;
		if (sfb_grow(&D->f, &D->capf, D->nf + 1, sizeof(*D->f)) != SFB_OK) {
			st = SFB_ENOMEM;
			break;
		}
		d = &D->f[D->nf];
		memset(d, 0, sizeof(*d));
		region_init(&d->plus);
		region_init(&d->minus);
		d->fw = fo >= 0 ? po->topo->fws[fo].name : pn->topo->fws[fn].name;
		d->flow = po->cat->flows[k].id;
		d->proto = po->cat->flows[k].proto;
		if ((st = minus(&rn, &ro, &d->plus)) != SFB_OK ||
		    (st = minus(&ro, &rn, &d->minus)) != SFB_OK) {
			region_free(&d->plus);
			region_free(&d->minus);
			break;
		}
		if (d->plus.n == 0 && d->minus.n == 0) {
			region_free(&d->plus);
			region_free(&d->minus);
			continue;       /* the same */
		}
		d->kind = ro.n == 0 ? DF_ADDED : rn.n == 0 ? DF_REMOVED : d->minus.n == 0 ?
		    DF_WIDENED : d->plus.n == 0 ? DF_NARROWED : DF_CHANGED;
		D->nf++;
	}
	region_free(&ro);
	region_free(&rn);
	return st;
}

/* --- DNS records and certificates ------------------------------------------ */

/* The lines of one side: DNS records as "view zone: name type value",
 * certificates as "entry pool: subject" and "entry pool: SAN name". */
static sfb_status
lines_of(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *t, bool dns, sfb_strv *out,
    char **note)
{
	char *text = NULL;
	json_t *root = NULL, *arr, *o, *san;
	sfb_buf l;
	sfb_status st;
	size_t i, k;

	sfb_buf_init(&l);
	st = dns ? sfb_dns_write(ctx, cat, t, SFB_DNS_ALL, NULL, false, SFB_DNS_JSON, &text) :
	    sfb_certs_write(ctx, cat, t, SFB_CERTS_JSON, &text);
	if (st == SFB_ENOMEM)
		goto out;
	if (st != SFB_OK) {
		/* A topology without what DNS or certificates need: say so, do
		 * not fail the whole diff. */
		if (*note == NULL && (*note = sfb_strdup(sfb_ctx_error(ctx))) == NULL)
			st = SFB_ENOMEM;
		else
			st = SFB_OK;
		goto out;
	}
	if ((root = json_loads(text, 0, NULL)) == NULL) {
		st = SFB_EINTERNAL;
		goto out;
	}
	arr = json_object_get(root, dns ? "records" : "certificates");
	for (i = 0; i < json_array_size(arr) && st == SFB_OK; i++) {
		o = json_array_get(arr, i);
		sfb_buf_reset(&l);
		if (dns) {
			sfb_buf_printf(&l, "%s %s: %s %s %s", json_string_value(json_object_get(o, "view")),
			    json_string_value(json_object_get(o, "zone")),
			    json_string_value(json_object_get(o, "name")),
			    json_string_value(json_object_get(o, "type")),
			    json_string_value(json_object_get(o, "value")));
			st = sfb_buf_status(&l) == SFB_OK ? sfb_strv_add(out, l.data, true) : SFB_ENOMEM;
			continue;
		}
		sfb_buf_printf(&l, "%s %s: subject %s", json_string_value(json_object_get(o, "entry")),
		    json_string_value(json_object_get(o, "pool")),
		    json_string_value(json_object_get(o, "subject")));
		st = sfb_buf_status(&l) == SFB_OK ? sfb_strv_add(out, l.data, true) : SFB_ENOMEM;
		san = json_object_get(o, "san");
		for (k = 0; k < json_array_size(san) && st == SFB_OK; k++) {
			sfb_buf_reset(&l);
			sfb_buf_printf(&l, "%s %s: SAN %s", json_string_value(json_object_get(o, "entry")),
			    json_string_value(json_object_get(o, "pool")),
			    json_string_value(json_array_get(san, k)));
			st = sfb_buf_status(&l) == SFB_OK ? sfb_strv_add(out, l.data, true) : SFB_ENOMEM;
		}
	}
out:
	json_decref(root);
	free(text);
	sfb_buf_free(&l);
	return st;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of new not in old (added) and of old not in new, sorted. */
static sfb_status
compare(const sfb_strv *o, const sfb_strv *n, struct dline **out, size_t *nout, size_t *cap)
{
	const sfb_strv *side[2] = { n, o };
	size_t i, s;

	for (s = 0; s < 2; s++)
		for (i = 0; i < side[s]->n; i++) {
			if (sfb_strv_has(side[1 - s], side[s]->v[i]))
				continue;
			if (sfb_grow(out, cap, *nout + 1, sizeof(**out)) != SFB_OK)
				return SFB_ENOMEM;
			if (((*out)[*nout].text = sfb_strdup(side[s]->v[i])) == NULL)
				return SFB_ENOMEM;
			(*out)[(*nout)++].added = s == 0;
		}
	return SFB_OK;
}

static sfb_status
diff_names(struct sfb_diff *D, sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *o,
    const sfb_topology *n, bool dns)
{
	sfb_strv a, b;
	sfb_status st;

	sfb_strv_init(&a);
	sfb_strv_init(&b);
	if ((st = lines_of(ctx, cat, o, dns, &a, dns ? &D->dns_note : &D->certs_note)) == SFB_OK &&
	    (st = lines_of(ctx, cat, n, dns, &b, dns ? &D->dns_note : &D->certs_note)) == SFB_OK) {
		if (a.n > 1)
			qsort(a.v, a.n, sizeof(*a.v), cmp_str);
		if (b.n > 1)
			qsort(b.v, b.n, sizeof(*b.v), cmp_str);
		st = dns ? compare(&a, &b, &D->dns, &D->ndns, &D->capdns) :
		    compare(&a, &b, &D->certs, &D->ncerts, &D->capcerts);
	}
	sfb_strv_free(&a);
	sfb_strv_free(&b);
	return st;
}

/* --- entry points ---------------------------------------------------------- */

void
sfb_diff_free(sfb_diff *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nf; i++) {
		region_free(&d->f[i].plus);
		region_free(&d->f[i].minus);
	}
	for (i = 0; i < d->ndns; i++)
		free(d->dns[i].text);
	for (i = 0; i < d->ncerts; i++)
		free(d->certs[i].text);
	free(d->f);
	free(d->dns);
	free(d->certs);
	free(d->dns_note);
	free(d->certs_note);
	sfb_strv_free(&d->fw_added);
	sfb_strv_free(&d->fw_removed);
	free(d);
}

bool
sfb_diff_changed(const sfb_diff *d)
{
	return d->nf > 0 || d->ndns > 0 || d->ncerts > 0 || d->fw_added.n > 0 ||
	    d->fw_removed.n > 0;
}

sfb_status
sfb_diff_run(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *old,
    const sfb_topology *new_, const char *firewall, sfb_diff **out)
{
	struct sfb_diff *D;
	sfb_plan *po = NULL, *pn = NULL;
	sfb_strv names;
	sfb_status st;
	size_t i;
	long a, b;

	*out = NULL;
	sfb_strv_init(&names);
	if ((D = calloc(1, sizeof(*D))) == NULL)
		return sfb_oom(ctx);
	sfb_strv_init(&D->fw_added);
	sfb_strv_init(&D->fw_removed);
	D->old_file = old->file;
	D->new_file = new_->file;
	if ((st = sfb_plan_build(ctx, cat, old, &po)) != SFB_OK ||
	    (st = sfb_plan_build(ctx, cat, new_, &pn)) != SFB_OK)
		goto out;
	for (i = 0; i < old->nfws && st == SFB_OK; i++)
		st = sfb_strv_add(&names, old->fws[i].name, true);
	for (i = 0; i < new_->nfws && st == SFB_OK; i++)
		st = sfb_strv_add(&names, new_->fws[i].name, true);
	if (st != SFB_OK)
		goto oom;
	if (firewall != NULL && !sfb_strv_has(&names, firewall)) {
		st = sfb_failf(ctx, SFB_ENOTFOUND, "no firewall named '%s' in %s or %s", firewall,
		    old->file, new_->file);
		goto out;
	}
	for (i = 0; i < names.n && st == SFB_OK; i++) {
		if (firewall != NULL && strcmp(names.v[i], firewall) != 0)
			continue;
		a = sfb_topology_find_firewall(old, names.v[i]);
		b = sfb_topology_find_firewall(new_, names.v[i]);
		if (a < 0)
			st = sfb_strv_add(&D->fw_added, names.v[i], true);
		else if (b < 0)
			st = sfb_strv_add(&D->fw_removed, names.v[i], true);
		if (st == SFB_OK)
			st = diff_firewall(D, po, pn, names.v[i]);
	}
	if (st == SFB_OK && firewall == NULL &&
	    (st = diff_names(D, ctx, cat, old, new_, true)) == SFB_OK)
		st = diff_names(D, ctx, cat, old, new_, false);
oom:
	if (st == SFB_ENOMEM)
		st = sfb_oom(ctx);
	if (st == SFB_OK) {
		*out = D;
		D = NULL;
	}
out:
	sfb_strv_free(&names);
	sfb_plan_free(po);
	sfb_plan_free(pn);
	sfb_diff_free(D);
	return st;
}

/* --- writing ---------------------------------------------------------------- */

static const char *
proto_name(int p)
{
	return p == 1 ? "tcp" : p == 2 ? "udp" : "tcp+udp";
}

static void
text_lines(sfb_buf *b, const char *title, const struct dline *v, size_t n, const char *note)
{
	size_t i;

	if (n == 0 && note == NULL)
		return;
	sfb_buf_printf(b, "%s:\n", title);
	if (note != NULL) {
		sfb_buf_puts(b, "  not compared: ");
		sfb_esc_put(b, SFB_ESC_LINE, note);
		sfb_buf_putc(b, '\n');
	}
	for (i = 0; i < n; i++) {
		sfb_buf_printf(b, "  %c ", v[i].added ? '+' : '-');
		sfb_esc_put(b, SFB_ESC_LINE, v[i].text);
		sfb_buf_putc(b, '\n');
	}
}

static bool
has_flows(const struct sfb_diff *D, const char *fw)
{
	size_t i;

	for (i = 0; i < D->nf; i++)
		if (strcmp(D->f[i].fw, fw) == 0)
			return true;
	return false;
}

static void
write_text(const void *arg, sfb_buf *b)
{
	const struct sfb_diff *D = arg;
	const char *fw = NULL;
	size_t i, k;

	sfb_buf_puts(b, "diff ");
	sfb_esc_put(b, SFB_ESC_LINE, D->old_file);
	sfb_buf_puts(b, " -> ");
	sfb_esc_put(b, SFB_ESC_LINE, D->new_file);
	sfb_buf_putc(b, '\n');
	for (i = 0; i < D->fw_added.n; i++)
		if (!has_flows(D, D->fw_added.v[i]))
			sfb_buf_printf(b, "firewall %s (added): no flows\n", D->fw_added.v[i]);
	for (i = 0; i < D->fw_removed.n; i++)
		if (!has_flows(D, D->fw_removed.v[i]))
			sfb_buf_printf(b, "firewall %s (removed): no flows\n", D->fw_removed.v[i]);
	for (i = 0; i < D->nf; i++) {
		if (fw == NULL || strcmp(fw, D->f[i].fw) != 0) {
			fw = D->f[i].fw;
			sfb_buf_printf(b, "firewall %s%s:\n", fw, sfb_strv_has(&D->fw_added, fw) ?
			    " (added)" : sfb_strv_has(&D->fw_removed, fw) ? " (removed)" : "");
		}
		sfb_buf_printf(b, "  %c %s %s: %s\n", D->f[i].kind == DF_ADDED || D->f[i].kind ==
		    DF_WIDENED ? '+' : D->f[i].kind == DF_CHANGED ? '~' : '-', D->f[i].flow,
		    proto_name(D->f[i].proto), change_names[D->f[i].kind]);
		for (k = 0; k < D->f[i].plus.n; k++) {
			sfb_buf_puts(b, "      + ");
			box_print_short(b, &D->f[i].plus.v[k].b, 4);
			sfb_buf_putc(b, '\n');
		}
		for (k = 0; k < D->f[i].minus.n; k++) {
			sfb_buf_puts(b, "      - ");
			box_print_short(b, &D->f[i].minus.v[k].b, 4);
			sfb_buf_putc(b, '\n');
		}
	}
	text_lines(b, "DNS records", D->dns, D->ndns, D->dns_note);
	text_lines(b, "certificates", D->certs, D->ncerts, D->certs_note);
	sfb_buf_printf(b, "summary: %zu flow change(s), %zu firewall(s) added, %zu removed, "
	    "%zu DNS record change(s), %zu certificate name change(s); %s\n", D->nf,
	    D->fw_added.n, D->fw_removed.n, D->ndns, D->ncerts,
	    sfb_diff_changed(D) ? "changed" : "no change");
}

static void
md_lines(sfb_buf *b, const char *title, const struct dline *v, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	sfb_buf_printf(b, "\n## %s\n\n| change | line |\n| --- | --- |\n", title);
	for (i = 0; i < n; i++) {
		sfb_buf_printf(b, "| %s | ", v[i].added ? "added" : "removed");
		sfb_md_cell(b, v[i].text);
		sfb_buf_puts(b, " |\n");
	}
}

static void
write_md(const struct sfb_diff *D, sfb_buf *b)
{
	sfb_buf t;
	size_t i, k;

	sfb_buf_init(&t);
	sfb_buf_puts(b, "# Changes: ");
	sfb_md_cell(b, D->old_file);
	sfb_buf_puts(b, " to ");
	sfb_md_cell(b, D->new_file);
	sfb_buf_puts(b, "\n\n## Firewall rules\n\n| firewall | flow | protocol | change | packets added | "
	    "packets removed |\n| --- | --- | --- | --- | --- | --- |\n");
	for (i = 0; i < D->fw_added.n; i++)
		sfb_buf_printf(b, "| %s | (all) | | firewall added | | |\n", D->fw_added.v[i]);
	for (i = 0; i < D->fw_removed.n; i++)
		sfb_buf_printf(b, "| %s | (all) | | firewall removed | | |\n", D->fw_removed.v[i]);
	for (i = 0; i < D->nf; i++) {
		sfb_buf_printf(b, "| %s | %s | %s | %s | ", D->f[i].fw, D->f[i].flow,
		    proto_name(D->f[i].proto), change_names[D->f[i].kind]);
		for (k = 0; k < D->f[i].plus.n; k++) {
			sfb_buf_reset(&t);
			box_print(&t, &D->f[i].plus.v[k].b);
			if (k > 0)
				sfb_buf_puts(b, "; ");
			sfb_md_cell(b, sfb_buf_str(&t));
		}
		sfb_buf_puts(b, " | ");
		for (k = 0; k < D->f[i].minus.n; k++) {
			sfb_buf_reset(&t);
			box_print(&t, &D->f[i].minus.v[k].b);
			if (k > 0)
				sfb_buf_puts(b, "; ");
			sfb_md_cell(b, sfb_buf_str(&t));
		}
		sfb_buf_puts(b, " |\n");
	}
	md_lines(b, "DNS records", D->dns, D->ndns);
	md_lines(b, "Certificates", D->certs, D->ncerts);
	sfb_buf_free(&t);
}

static json_t *
json_boxes(sfb_jb *jb, const struct region *r)
{
	json_t *a = sfb_jb_arr(jb);
	sfb_buf t;
	size_t i;

	sfb_buf_init(&t);
	for (i = 0; i < r->n; i++) {
		sfb_buf_reset(&t);
		box_print(&t, &r->v[i].b);
		sfb_jb_push_str(jb, a, sfb_buf_str(&t));
	}
	sfb_buf_free(&t);
	return a;
}

static json_t *
json_lines(sfb_jb *jb, const struct dline *v, size_t n, bool added)
{
	json_t *a = sfb_jb_arr(jb);
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].added == added)
			sfb_jb_push_str(jb, a, v[i].text);
	return a;
}

static sfb_status
write_json(const void *arg, sfb_buf *b)
{
	const struct sfb_diff *D = arg;
	sfb_jb jb = { false };
	json_t *root = sfb_jb_obj(&jb), *arr, *o;
	size_t i;

	sfb_jb_str(&jb, root, "format", "sfbnet-diff");
	sfb_jb_int(&jb, root, "version", 1);
	sfb_jb_str(&jb, root, "old", D->old_file);
	sfb_jb_str(&jb, root, "new", D->new_file);
	arr = sfb_jb_arr(&jb);
	for (i = 0; i < D->fw_added.n; i++)
		sfb_jb_push_str(&jb, arr, D->fw_added.v[i]);
	sfb_jb_set(&jb, root, "firewalls_added", arr);
	arr = sfb_jb_arr(&jb);
	for (i = 0; i < D->fw_removed.n; i++)
		sfb_jb_push_str(&jb, arr, D->fw_removed.v[i]);
	sfb_jb_set(&jb, root, "firewalls_removed", arr);
	arr = sfb_jb_arr(&jb);
	for (i = 0; i < D->nf; i++) {
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "firewall", D->f[i].fw);
		sfb_jb_str(&jb, o, "flow", D->f[i].flow);
		sfb_jb_str(&jb, o, "protocol", D->f[i].proto == 3 ? "both" : proto_name(D->f[i].proto));
		sfb_jb_str(&jb, o, "change", change_names[D->f[i].kind]);
		sfb_jb_set(&jb, o, "added", json_boxes(&jb, &D->f[i].plus));
		sfb_jb_set(&jb, o, "removed", json_boxes(&jb, &D->f[i].minus));
		sfb_jb_push(&jb, arr, o);
	}
	sfb_jb_set(&jb, root, "flows", arr);
	o = sfb_jb_obj(&jb);
	sfb_jb_set(&jb, o, "added", json_lines(&jb, D->dns, D->ndns, true));
	sfb_jb_set(&jb, o, "removed", json_lines(&jb, D->dns, D->ndns, false));
	sfb_jb_str(&jb, o, "not_compared", D->dns_note);
	sfb_jb_set(&jb, root, "dns", o);
	o = sfb_jb_obj(&jb);
	sfb_jb_set(&jb, o, "added", json_lines(&jb, D->certs, D->ncerts, true));
	sfb_jb_set(&jb, o, "removed", json_lines(&jb, D->certs, D->ncerts, false));
	sfb_jb_str(&jb, o, "not_compared", D->certs_note);
	sfb_jb_set(&jb, root, "certificates", o);
	sfb_jb_bool(&jb, root, "changed", sfb_diff_changed(D));
	return sfb_jb_dump(&jb, root, b);
}

static void
write_md_cb(const void *arg, sfb_buf *b)
{
	write_md(arg, b);
}

sfb_status
sfb_diff_write(sfb_ctx *ctx, const sfb_diff *d, sfb_format fmt, char **out)
{
	return sfb_write_report(ctx, fmt == SFB_FORMAT_JSON, fmt == SFB_FORMAT_MD ? write_md_cb :
	    write_text, write_json, d, out);
}
