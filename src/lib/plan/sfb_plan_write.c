/* Plan writers: text, JSON (stable, docs/plan-format.md), CSV, Markdown. */
#include "sfb_plan.h"
#include "sfb_esc.h"

#include <stdlib.h>
#include <string.h>

#include "sfb_text.h"

struct writer {
	const sfb_plan *p;
	const sfb_catalog *cat;
	const sfb_topology *t;
	long only_fw;        /* -1: every entry */
	sfb_buf tmp;
	/* JSON: every endpoint's id, written once ("name\0name#2\0..."),
	 * and where each starts; flows refer to endpoints thousands of times. */
	sfb_buf ids;
	size_t *id_at;
};

static bool
wanted(const struct writer *w, const struct sfb_entry *e)
{
	return w->only_fw < 0 || e->fw == (size_t)w->only_fw;
}

static const char *
fw_name(const struct writer *w, const struct sfb_entry *e)
{
	return e->fw == SFB_NO_FIREWALL ? NULL : w->t->fws[e->fw].name;
}

/* "host" or "host (fqdn)", with its zone and addresses. */
static void
endpoint_text(struct writer *w, sfb_buf *b, size_t epi, bool show_public)
{
	const struct sfb_endpoint *ep = &w->t->eps[epi];

	sfb_buf_printf(b, "%s", w->t->hosts[ep->host].name);
	if (ep->fqdn != NULL)
		sfb_buf_printf(b, " (%s)", ep->fqdn);
	sfb_buf_printf(b, " in %s: %s", w->t->zones[ep->zone].name,
	    ep->addr_text != NULL ? ep->addr_text : "whole zone");
	if (show_public && ep->pub_text != NULL)
		sfb_buf_printf(b, ", public %s", ep->pub_text);
}

static void
roles_text(sfb_buf *b, const sfb_catalog *cat, const size_t *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sfb_buf_printf(b, "%s%s", i ? "," : "", cat->roles[r[i]].name);
}

static void
write_text(struct writer *w, sfb_buf *b)
{
	const struct sfb_entry *e;
	const struct sfb_cflow *f;
	size_t i, k, lastfw = (size_t)-2;

	for (i = 0, k = 0; i < w->p->nentries; i++)
		if (wanted(w, &w->p->entries[i]) && w->p->entries[i].fw != SFB_NO_FIREWALL)
			k++;
	sfb_buf_puts(b, "plan for ");
	sfb_esc_put(b, SFB_ESC_LINE, w->t->name);
	sfb_buf_printf(b, ": %zu flow(s) through firewalls\n", k);
	for (i = 0; i < w->p->nentries; i++) {
		e = &w->p->entries[i];
		if (!wanted(w, e))
			continue;
		f = &w->cat->flows[e->flow];
		if (e->fw != lastfw) {
			lastfw = e->fw;
			if (e->fw == SFB_NO_FIREWALL) {
				sfb_buf_puts(b, "\n== inside one zone (no firewall) ==\n");
			} else {
				const struct sfb_firewall *fw = &w->t->fws[e->fw];

				sfb_buf_printf(b, "\n== firewall %s (", fw->name);
				for (k = 0; k < fw->nzones; k++)
					sfb_buf_printf(b, "%s%s", k == 0 ? "" : fw->nzones == 2 ?
					    " <-> " : ", ", w->t->zones[fw->zones[k]].name);
				sfb_buf_puts(b, ") ==\n");
			}
		}
		sfb_buf_printf(b, "\n%s  %s  src ", f->id, sfb_proto_name(f->proto));
		sfb_portset_print(b, &f->sport);
		sfb_buf_puts(b, " -> dst ");
		sfb_portset_print(b, sfb_entry_dport(w->cat, e));
		sfb_buf_puts(b, "  ");
		sfb_esc_put(b, SFB_ESC_LINE, f->app);
		sfb_buf_printf(b, "  %s\n  purpose: ", f->required ? "required" : "optional");
		sfb_esc_put(b, SFB_ESC_LINE, f->purpose);
		sfb_buf_putc(b, '\n');
		sfb_condition_text(b, f);
		if (w->t->version >= 2)   /* version 1 applies none of it */
			sfb_reach_text(b, w->cat, f);
		sfb_buf_puts(b, "  from (");
		roles_text(b, w->cat, f->from, f->nfrom);
		sfb_buf_puts(b, "):\n");
		for (k = 0; k < e->nsrc; k++) {
			sfb_buf_puts(b, "    ");
			endpoint_text(w, b, e->src_eps[k], false);
			sfb_buf_putc(b, '\n');
		}
		sfb_buf_puts(b, "  to (");
		roles_text(b, w->cat, f->to, f->nto);
		sfb_buf_puts(b, "):\n");
		for (k = 0; k < e->ndst; k++) {
			sfb_buf_puts(b, "    ");
			endpoint_text(w, b, e->dst_eps[k], !sfb_addrset_empty(&e->dst_public));
			sfb_buf_putc(b, '\n');
		}
		if (!sfb_addrset_empty(&e->dst_public)) {
			sfb_buf_puts(b, "  arrives from the outside on: ");
			sfb_addrset_print(b, &e->dst_public);
			sfb_buf_putc(b, '\n');
		}
		sfb_buf_puts(b, "  cite: ");
		sfb_cites_text(b, w->cat, f->cite, f->ncite);
		sfb_buf_putc(b, '\n');
	}
	if (w->only_fw < 0 && w->p->nunmatched > 0) {
		sfb_buf_puts(b, "\n== not planned: no endpoint has the role ==\n");
		for (i = 0; i < w->p->nunmatched; i++) {
			const struct sfb_unmatched *u = &w->p->unmatched[i];

			sfb_buf_printf(b, "%s  (%s role %s)\n", w->cat->flows[u->flow].id,
			    u->side == 0 ? "from" : "to", w->cat->roles[u->missing_role].name);
		}
	}
}

/* The id of an endpoint in the JSON: its host's name, with "#k" (1-based)
 * when the host has several endpoints. */
static void
endpoint_id(struct writer *w, sfb_buf *b, size_t epi)
{
	const struct sfb_host *h = &w->t->hosts[w->t->eps[epi].host];

	sfb_buf_puts(b, h->name);
	if (h->nep > 1)
		sfb_buf_printf(b, "#%zu", epi - h->first_ep + 1);
}

/* Every endpoint once; flows refer to them by id, which keeps the plan of
 * a large topology small (an endpoint is in many flows). */
static json_t *
endpoints_json(struct writer *w, sfb_jb *jb)
{
	json_t *a = sfb_jb_arr(jb), *o, *roles;
	const struct sfb_endpoint *ep;
	size_t i, r;

	for (i = 0; i < w->t->neps; i++) {
		ep = &w->t->eps[i];
		o = sfb_jb_obj(jb);
		sfb_buf_reset(&w->tmp);
		endpoint_id(w, &w->tmp, i);
		sfb_jb_str(jb, o, "id", sfb_buf_str(&w->tmp));
		sfb_jb_str(jb, o, "host", w->t->hosts[ep->host].name);
		sfb_jb_str(jb, o, "zone", w->t->zones[ep->zone].name);
		sfb_jb_str(jb, o, "addresses", ep->addr_text);
		sfb_jb_str(jb, o, "public", ep->pub_text);
		sfb_jb_str(jb, o, "fqdn", ep->fqdn);
		roles = sfb_jb_arr(jb);
		for (r = 0; r < ep->nroles; r++)
			sfb_jb_push_str(jb, roles, w->cat->roles[ep->roles[r]].name);
		sfb_jb_set(jb, o, "roles", roles);
		sfb_jb_push(jb, a, o);
	}
	return a;
}

/* Every endpoint's id, once. */
static sfb_status
make_ids(struct writer *w)
{
	size_t i;

	w->id_at = calloc(w->t->neps + 1, sizeof(size_t));
	if (w->id_at == NULL)
		return SFB_ENOMEM;
	for (i = 0; i < w->t->neps; i++) {
		w->id_at[i] = w->ids.len;
		endpoint_id(w, &w->ids, i);
		sfb_buf_putc(&w->ids, '\0');
	}
	w->id_at[w->t->neps] = w->ids.len;
	return sfb_buf_status(&w->ids);
}

static json_t *
endpoint_refs(struct writer *w, sfb_jb *jb, const size_t *eps, size_t n)
{
	json_t *a = sfb_jb_arr(jb);
	size_t i;

	for (i = 0; i < n; i++)
		sfb_jb_push_checked(jb, a, w->ids.data + w->id_at[eps[i]],
		    w->id_at[eps[i] + 1] - w->id_at[eps[i]] - 1);
	return a;
}

static json_t *
roles_json(sfb_jb *jb, const sfb_catalog *cat, const size_t *r, size_t n)
{
	json_t *a = sfb_jb_arr(jb);
	size_t i;

	for (i = 0; i < n; i++)
		sfb_jb_push_str(jb, a, cat->roles[r[i]].name);
	return a;
}

static void
set_addrs(struct writer *w, sfb_jb *jb, json_t *o, const char *key, const sfb_addrset *a)
{
	sfb_buf_reset(&w->tmp);
	sfb_addrset_print(&w->tmp, a);
	sfb_jb_str(jb, o, key, sfb_buf_str(&w->tmp));
}

static json_t *
entry_json(struct writer *w, sfb_jb *jb, const struct sfb_entry *e)
{
	const struct sfb_cflow *f = &w->cat->flows[e->flow];
	json_t *o = sfb_jb_obj(jb);

	sfb_jb_str(jb, o, "flow", f->id);
	sfb_jb_str(jb, o, "firewall", fw_name(w, e));
	sfb_jb_str(jb, o, "profile", w->cat->profiles[f->profile].name);
	sfb_jb_str(jb, o, "protocol", sfb_proto_name(f->proto));
	sfb_buf_reset(&w->tmp);
	sfb_portset_print(&w->tmp, &f->sport);
	sfb_jb_str(jb, o, "src_ports", sfb_buf_str(&w->tmp));
	sfb_buf_reset(&w->tmp);
	sfb_portset_print(&w->tmp, sfb_entry_dport(w->cat, e));
	sfb_jb_str(jb, o, "dst_ports", sfb_buf_str(&w->tmp));
	sfb_jb_str(jb, o, "app", f->app);
	sfb_jb_str(jb, o, "purpose", f->purpose);
	sfb_jb_bool(jb, o, "required", f->required);
	sfb_jb_str(jb, o, "condition", f->condition);
	sfb_jb_set(jb, o, "from_roles", roles_json(jb, w->cat, f->from, f->nfrom));
	sfb_jb_set(jb, o, "to_roles", roles_json(jb, w->cat, f->to, f->nto));
	set_addrs(w, jb, o, "src_addresses", &e->src);
	set_addrs(w, jb, o, "dst_addresses", &e->dst);
	if (sfb_addrset_empty(&e->dst_public))
		sfb_jb_str(jb, o, "dst_public", NULL);
	else
		set_addrs(w, jb, o, "dst_public", &e->dst_public);
	sfb_jb_set(jb, o, "sources", endpoint_refs(w, jb, e->src_eps, e->nsrc));
	sfb_jb_set(jb, o, "destinations", endpoint_refs(w, jb, e->dst_eps, e->ndst));
	sfb_jb_set(jb, o, "cite", sfb_cites_json(jb, w->cat, f->cite, f->ncite));
	if (w->t->version >= 2) {
		/* What narrowed this entry in a version 2 topology, and why. */
		sfb_jb_set(jb, o, "when", sfb_when_json(jb, w->cat, &f->when));
		sfb_jb_str(jb, o, "scope", sfb_scope_name(f->scope));
		sfb_jb_bool(jb, o, "load_balanced", f->lb);
		sfb_jb_bool(jb, o, "load_balanced_sip", f->lb_sip);
		sfb_jb_str(jb, o, "port_of", f->port_role >= 0 ? w->cat->roles[f->port_role].name :
		    NULL);
		sfb_jb_set(jb, o, "reach_cite", sfb_cites_json(jb, w->cat, f->reach_cite,
		    f->nreach_cite));
	}
	return o;
}

/* The plan as JSON.  The head (format, firewalls, endpoints) is one
 * document; the flows are streamed, each built, written and freed in turn,
 * so memory follows the output, not the output times jansson's overhead.
 * The bytes are those one dump of the whole document would give. */
static sfb_status
write_json(struct writer *w, sfb_buf *b)
{
	sfb_jb jb = { false };
	json_t *root = sfb_jb_obj(&jb), *a, *o, *z;
	size_t i, k, n = 0;
	sfb_status st;

	if (make_ids(w) != SFB_OK)
		jb.failed = true;
	sfb_jb_str(&jb, root, "format", "sfbnet-plan");
	sfb_jb_int(&jb, root, "version", 1);
	sfb_jb_str(&jb, root, "topology", w->t->name);
	/* The zone written without networks (the internet, as a rule): NAT
	 * and the outside's addresses are about it. */
	for (i = 0; i < w->t->nzones && !w->t->zones[i].is_default; i++)
		;
	sfb_jb_str(&jb, root, "outside_zone", i < w->t->nzones ? w->t->zones[i].name : NULL);
	a = sfb_jb_arr(&jb);
	for (i = 0; i < w->t->nfws; i++) {
		if (w->only_fw >= 0 && (size_t)w->only_fw != i)
			continue;
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "name", w->t->fws[i].name);
		z = sfb_jb_arr(&jb);
		for (k = 0; k < w->t->fws[i].nzones; k++)
			sfb_jb_push_str(&jb, z, w->t->zones[w->t->fws[i].zones[k]].name);
		sfb_jb_set(&jb, o, "zones", z);
		if (w->t->fws[i].ifnames != NULL) {
			z = sfb_jb_arr(&jb);
			for (k = 0; k < w->t->fws[i].nzones; k++)
				sfb_jb_push_str(&jb, z, w->t->fws[i].ifnames[k]);
			sfb_jb_set(&jb, o, "interfaces", z);
		} else {
			sfb_jb_set(&jb, o, "interfaces", json_null());
		}
		sfb_jb_push(&jb, a, o);
	}
	sfb_jb_set(&jb, root, "firewalls", a);
	/* What each zone covers, as resolved (the outside zone: what the
	 * others leave). */
	a = sfb_jb_arr(&jb);
	for (i = 0; i < w->t->nzones; i++) {
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "name", w->t->zones[i].name);
		set_addrs(w, &jb, o, "addresses", &w->t->zones[i].space);
		sfb_jb_push(&jb, a, o);
	}
	sfb_jb_set(&jb, root, "zones", a);
	sfb_jb_set(&jb, root, "endpoints", endpoints_json(w, &jb));
	if ((st = sfb_jb_dump(&jb, root, b)) != SFB_OK)
		return st;
	/* Reopen the object: drop its closing "\n}\n". */
	if (b->len < 3)
		return SFB_EINTERNAL;
	b->len -= 3;
	b->data[b->len] = '\0';
	sfb_buf_puts(b, ",\n  \"flows\": [");
	for (i = 0; i < w->p->nentries; i++) {
		if (!wanted(w, &w->p->entries[i]))
			continue;
		sfb_buf_puts(b, n++ == 0 ? "\n    " : ",\n    ");
		if (w->tmp.oom)
			jb.failed = true;
		if ((st = sfb_jb_dump_nested(&jb, entry_json(w, &jb, &w->p->entries[i]), 2, b)) !=
		    SFB_OK)
			return st;
	}
	sfb_buf_puts(b, n > 0 ? "\n  ],\n  \"unmatched\": " : "],\n  \"unmatched\": ");
	a = sfb_jb_arr(&jb);
	for (i = 0; w->only_fw < 0 && i < w->p->nunmatched; i++) {
		const struct sfb_unmatched *u = &w->p->unmatched[i];

		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "flow", w->cat->flows[u->flow].id);
		sfb_jb_str(&jb, o, "side", u->side == 0 ? "from" : "to");
		sfb_jb_str(&jb, o, "missing_role", w->cat->roles[u->missing_role].name);
		sfb_jb_push(&jb, a, o);
	}
	if (w->tmp.oom)
		jb.failed = true;
	if ((st = sfb_jb_dump_nested(&jb, a, 1, b)) != SFB_OK)
		return st;
	sfb_buf_puts(b, "\n}\n");
	return sfb_buf_status(b);
}

static void
eps_cell(struct writer *w, sfb_buf *b, const size_t *eps, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sfb_buf_printf(b, "%s%s", i ? " " : "", w->t->hosts[w->t->eps[eps[i]].host].name);
}

static void
write_table(struct writer *w, sfb_buf *b, bool md)
{
	static const char *const cols[] = { "firewall", "flow", "profile", "protocol",
		"source_hosts", "source_addresses", "destination_hosts",
		"destination_addresses", "destination_public", "src_ports", "dst_ports", "app",
		"purpose", "required", "condition", "cite" };
	const struct sfb_entry *e;
	const struct sfb_cflow *f;
	sfb_table t;
	size_t i;

	sfb_table_init(&t, b, md, cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < w->p->nentries; i++) {
		e = &w->p->entries[i];
		if (!wanted(w, e))
			continue;
		f = &w->cat->flows[e->flow];
		sfb_table_put(&t, fw_name(w, e) != NULL ? fw_name(w, e) : "-");
		sfb_table_put(&t, f->id);
		sfb_table_put(&t, w->cat->profiles[f->profile].name);
		sfb_table_put(&t, sfb_proto_name(f->proto));
		eps_cell(w, sfb_table_scratch(&t), e->src_eps, e->nsrc);
		sfb_table_put_scratch(&t);
		sfb_addrset_print(sfb_table_scratch(&t), &e->src);
		sfb_table_put_scratch(&t);
		eps_cell(w, sfb_table_scratch(&t), e->dst_eps, e->ndst);
		sfb_table_put_scratch(&t);
		sfb_addrset_print(sfb_table_scratch(&t), &e->dst);
		sfb_table_put_scratch(&t);
		sfb_addrset_print(sfb_table_scratch(&t), &e->dst_public);
		sfb_table_put_scratch(&t);
		sfb_portset_print(sfb_table_scratch(&t), &f->sport);
		sfb_table_put_scratch(&t);
		sfb_portset_print(sfb_table_scratch(&t), sfb_entry_dport(w->cat, e));
		sfb_table_put_scratch(&t);
		sfb_table_put(&t, f->app);
		sfb_table_put(&t, f->purpose);
		sfb_table_put(&t, f->required ? "required" : "optional");
		sfb_table_put(&t, f->condition != NULL ? f->condition : "");
		sfb_cites_text(sfb_table_scratch(&t), w->cat, f->cite, f->ncite);
		sfb_table_put_scratch(&t);
		sfb_table_row(&t);
	}
	sfb_table_free(&t);
}

sfb_status
sfb_plan_write(sfb_ctx *ctx, const sfb_plan *plan, const char *firewall, sfb_format fmt,
    char **out)
{
	struct writer w;
	sfb_buf b;
	sfb_status st = SFB_OK;

	*out = NULL;
	memset(&w, 0, sizeof(w));
	w.p = plan;
	w.cat = plan->cat;
	w.t = plan->topo;
	w.only_fw = -1;
	sfb_buf_init(&w.tmp);
	sfb_buf_init(&w.ids);
	sfb_buf_init(&b);
	if (firewall != NULL && (w.only_fw = sfb_topology_find_firewall(w.t, firewall)) < 0) {
		st = sfb_topology_no_such(ctx, w.t, "firewall", firewall);
		goto out;
	}
	switch (fmt) {
	case SFB_FORMAT_JSON:
		st = write_json(&w, &b);
		break;
	case SFB_FORMAT_TEXT:
		write_text(&w, &b);
		break;
	case SFB_FORMAT_CSV:
	case SFB_FORMAT_MD:
		write_table(&w, &b, fmt == SFB_FORMAT_MD);
		break;
	}
	st = sfb_buf_finish(ctx, &b, st, out);
out:
	sfb_buf_free(&w.tmp);
	sfb_buf_free(&w.ids);
	free(w.id_at);
	sfb_buf_free(&b);
	return st;
}
