/* sfbnet report: the page.  Everything is inline (the SVG of the drawing,
 * the style sheet, a little script and the data it shows on a click), so
 * the file works offline and from a mail attachment: nothing is loaded
 * from anywhere. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dns/sfb_dns.h"
#include "pki/sfb_certs.h"
#include "sfb_esc.h"
#include "sfb_layout.h"
#include "sfb_results.h"
#include "sfb_text.h"
#include "sfbnet/report.h"

/* Worse first: fail, partial, unknown, pass. */
static int
rank(int level)
{
	static const int r[] = { 0, 2, 3, 1 };

	return level < 0 ? -1 : r[level];
}

static int
worst(int a, int b)
{
	return rank(b) > rank(a) ? b : a;
}

static const char *const level_word[] = { "pass", "partial", "fail", "unknown" };

static void
h(sfb_buf *b, const char *s)
{
	sfb_esc_put(b, SFB_ESC_HTML, s != NULL ? s : "");
}

static long
host_index(const sfb_topology *t, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < t->nhosts; i++)
		if (strcmp(t->hosts[i].name, name) == 0)
			return (long)i;
	return -1;
}

static long
flow_index(const sfb_catalog *cat, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < cat->nflows; i++)
		if (strcmp(cat->flows[i].id, id) == 0)
			return (long)i;
	return -1;
}

static bool
arrow_has(const struct sfb_arrow *a, size_t flow)
{
	size_t i;

	for (i = 0; i < a->nflows; i++)
		if (a->flows[i] == flow)
			return true;
	return false;
}

/* Does an entry of flow through firewall fw join boxes s and d? */
static bool
entry_joins(const sfb_plan *plan, const struct sfb_drawing *dr, size_t flow, size_t fw,
    size_t s, size_t d)
{
	const sfb_topology *t = plan->topo;
	const struct sfb_entry *e;
	size_t i, a, b;

	for (i = 0; i < plan->nentries; i++) {
		e = &plan->entries[i];
		if (e->flow != flow || e->fw != fw)
			continue;
		for (a = 0; a < e->nsrc; a++)
			if (dr->box_of[t->eps[e->src_eps[a]].host] == s)
				for (b = 0; b < e->ndst; b++)
					if (dr->box_of[t->eps[e->dst_eps[b]].host] == d)
						return true;
	}
	return false;
}

/* Look the result's names up once: arrows and table rows ask often. */
static void
resolve(const sfb_plan *plan, struct sfb_results *rs)
{
	size_t k;

	for (k = 0; k < rs->n; k++) {
		struct sfb_result *r = &rs->r[k];

		r->flow_i = r->check != NULL ? -1 : flow_index(plan->cat, r->flow);
		r->src_i = host_index(plan->topo, r->src);
		r->dst_i = host_index(plan->topo, r->dst);
		r->fw_i = r->firewall != NULL ? sfb_topology_find_firewall(plan->topo, r->firewall) : -1;
	}
}

static const char *
side_name(int side)
{
	return side == SFB_SIDE_INTERNAL ? "internal" : side == SFB_SIDE_EXTERNAL ? "external" : NULL;
}

/* Is a result about this arrow: a flow between two hosts (probe, twin), a
 * pair of hosts (an unplanned probe), or a flow through one firewall
 * (audit)? */
static bool
result_on_arrow(const sfb_plan *plan, const struct sfb_drawing *dr, const struct sfb_result *r,
    const struct sfb_arrow *a)
{
	if (r->check != NULL)
		return false;
	if (r->firewall != NULL)
		return r->flow_i >= 0 && r->fw_i >= 0 && arrow_has(a, (size_t)r->flow_i) &&
		    entry_joins(plan, dr, (size_t)r->flow_i, (size_t)r->fw_i, a->src, a->dst);
	if (r->src_i < 0 || r->dst_i < 0 || a->src != dr->box_of[r->src_i] ||
	    a->dst != dr->box_of[r->dst_i])
		return false;
	return r->flow == NULL || (r->flow_i >= 0 && arrow_has(a, (size_t)r->flow_i));
}

/* A finding of check about one of host h's endpoints (its address or name
 * at the start of the subject)? */
static bool
finding_on_host(const sfb_topology *t, const struct sfb_result *r, size_t hi)
{
	const struct sfb_host *hs = &t->hosts[hi];
	size_t i, n;
	const char *keys[2];

	if (r->check == NULL || r->subject == NULL)
		return false;
	for (i = hs->first_ep; i < hs->first_ep + hs->nep; i++) {
		keys[0] = sfb_endpoint_address(&t->eps[i], false);
		keys[1] = t->eps[i].fqdn;
		for (size_t k = 0; k < 2; k++) {
			if (keys[k] == NULL)
				continue;
			n = strlen(keys[k]);
			if (strncmp(r->subject, keys[k], n) == 0 &&
			    (r->subject[n] == '\0' || r->subject[n] == ':' || r->subject[n] == ' '))
				return true;
		}
	}
	return false;
}

static json_t *
result_json(sfb_jb *jb, const struct sfb_result *r)
{
	json_t *o = sfb_jb_obj(jb);

	sfb_jb_str(jb, o, "kind", r->kind);
	sfb_jb_str(jb, o, "file", r->file);
	sfb_jb_str(jb, o, "flow", r->flow);
	sfb_jb_str(jb, o, "check", r->check);
	sfb_jb_str(jb, o, "subject", r->subject);
	sfb_jb_str(jb, o, "firewall", r->firewall);
	sfb_jb_str(jb, o, "source", r->src);
	sfb_jb_str(jb, o, "destination", r->dst);
	sfb_jb_str(jb, o, "verdict", r->verdict);
	sfb_jb_str(jb, o, "level", level_word[r->level]);
	sfb_jb_str(jb, o, "detail", r->detail);
	return o;
}

static json_t *
flow_json(sfb_jb *jb, const sfb_catalog *cat, size_t fi, sfb_buf *tmp)
{
	const struct sfb_cflow *f = &cat->flows[fi];
	json_t *o = sfb_jb_obj(jb), *c = sfb_jb_arr(jb);
	size_t k;

	sfb_jb_str(jb, o, "id", f->id);
	sfb_jb_str(jb, o, "protocol", f->proto == SFB_PROTO_TCP ? "tcp" : f->proto == SFB_PROTO_UDP ?
	    "udp" : "tcp, udp");
	sfb_buf_reset(tmp);
	sfb_portset_print(tmp, &f->dport);
	sfb_jb_str(jb, o, "ports", sfb_buf_str(tmp));
	sfb_buf_reset(tmp);
	sfb_portset_print(tmp, &f->sport);
	sfb_jb_str(jb, o, "source_ports", sfb_buf_str(tmp));
	sfb_jb_str(jb, o, "purpose", f->purpose);
	sfb_jb_bool(jb, o, "required", f->required);
	for (k = 0; k < f->ncite; k++) {
		sfb_buf_reset(tmp);
		sfb_cites_text(tmp, cat, &f->cite[k], 1);
		sfb_jb_push_str(jb, c, sfb_buf_str(tmp));
	}
	sfb_jb_set(jb, o, "citations", c);
	return o;
}

/* The data the script shows on a click, as JSON inside <script>. */
static sfb_status
write_data(sfb_ctx *ctx, const sfb_plan *plan, const struct sfb_drawing *d,
    const struct sfb_results *rs, sfb_buf *b)
{
	const sfb_topology *t = plan->topo;
	sfb_jb jb = { false };
	json_t *root = sfb_jb_obj(&jb), *arr = sfb_jb_arr(&jb), *o, *x, *y;
	sfb_buf tmp, js;
	size_t i, k, start;
	sfb_status st;

	sfb_buf_init(&tmp);
	sfb_buf_init(&js);
	for (i = 0; i < d->n; i++) {
		const struct sfb_arrow *a = &d->a[i];

		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "source", d->box[a->src].name);
		sfb_jb_str(&jb, o, "destination", d->box[a->dst].name);
		sfb_buf_reset(&tmp);
		sfb_drawing_ports(a, 0, &tmp);
		sfb_jb_str(&jb, o, "ports", sfb_buf_str(&tmp));
		sfb_jb_str(&jb, o, "source_side", side_name(a->sside));
		sfb_jb_str(&jb, o, "destination_side", side_name(a->dside));
		sfb_buf_reset(&tmp);
		sfb_drawing_end_id(d, a->src, a->sside, &tmp);
		sfb_jb_str(&jb, o, "from", sfb_buf_str(&tmp));
		sfb_buf_reset(&tmp);
		sfb_drawing_end_id(d, a->dst, a->dside, &tmp);
		sfb_jb_str(&jb, o, "to", sfb_buf_str(&tmp));
		x = sfb_jb_arr(&jb);
		for (k = 0; k < a->nvia; k++)
			sfb_jb_push_str(&jb, x, t->fws[a->via[k].fw].name);
		sfb_jb_set(&jb, o, "via", x);
		x = sfb_jb_arr(&jb);
		for (k = 0; k < a->nflows; k++)
			sfb_jb_push(&jb, x, flow_json(&jb, plan->cat, a->flows[k], &tmp));
		sfb_jb_set(&jb, o, "flows", x);
		y = sfb_jb_arr(&jb);
		for (k = 0; k < rs->n; k++)
			if (result_on_arrow(plan, d, &rs->r[k], a))
				sfb_jb_push(&jb, y, result_json(&jb, &rs->r[k]));
		sfb_jb_set(&jb, o, "results", y);
		sfb_jb_push(&jb, arr, o);
	}
	sfb_jb_set(&jb, root, "arrows", arr);
	arr = sfb_jb_arr(&jb);
	for (i = 0; i < t->nhosts; i++) {
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "name", t->hosts[i].name);
		sfb_jb_str(&jb, o, "pool", t->hosts[i].pool);
		x = sfb_jb_arr(&jb);
		for (k = t->hosts[i].first_ep; k < t->hosts[i].first_ep + t->hosts[i].nep; k++) {
			const struct sfb_endpoint *ep = &t->eps[k];
			json_t *e = sfb_jb_obj(&jb), *roles = sfb_jb_arr(&jb);

			sfb_jb_str(&jb, e, "zone", t->zones[ep->zone].name);
			sfb_buf_reset(&tmp);
			sfb_addrset_print(&tmp, &ep->addr);
			sfb_jb_str(&jb, e, "address", ep->addr_text != NULL ? sfb_buf_str(&tmp) : "(the zone)");
			sfb_jb_str(&jb, e, "public", ep->pub_text);
			sfb_jb_str(&jb, e, "fqdn", ep->fqdn);
			sfb_jb_str(&jb, e, "side", side_name(sfb_drawing_side(plan, d, k)));
			for (size_t r = 0; r < ep->nroles; r++)
				sfb_jb_push_str(&jb, roles, plan->cat->roles[ep->roles[r]].name);
			sfb_jb_set(&jb, e, "roles", roles);
			sfb_jb_push(&jb, x, e);
		}
		sfb_jb_set(&jb, o, "endpoints", x);
		y = sfb_jb_arr(&jb);
		for (k = 0; k < rs->n; k++)
			if (finding_on_host(t, &rs->r[k], i))
				sfb_jb_push(&jb, y, result_json(&jb, &rs->r[k]));
		sfb_jb_set(&jb, o, "results", y);
		sfb_jb_push(&jb, arr, o);
	}
	sfb_jb_set(&jb, root, "hosts", arr);
	/* What each box holds (its hosts, by index into hosts): a folded
	 * box, or an Edge's sides. */
	arr = sfb_jb_arr(&jb);
	for (i = 0; i < d->nbox; i++) {
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "name", d->box[i].name);
		x = sfb_jb_arr(&jb);
		for (k = 0; k < d->box[i].nhosts; k++)
			sfb_jb_push(&jb, x, json_integer((json_int_t)d->box[i].hosts[k]));
		sfb_jb_set(&jb, o, "hosts", x);
		sfb_jb_push(&jb, arr, o);
	}
	sfb_jb_set(&jb, root, "boxes", arr);
	arr = sfb_jb_arr(&jb);
	for (i = 0; i < t->nfws; i++) {
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "name", t->fws[i].name);
		x = sfb_jb_arr(&jb);
		for (k = 0; k < t->fws[i].nzones; k++)
			sfb_jb_push_str(&jb, x, t->zones[t->fws[i].zones[k]].name);
		sfb_jb_set(&jb, o, "zones", x);
		sfb_jb_push(&jb, arr, o);
	}
	sfb_jb_set(&jb, root, "firewalls", arr);
	if (tmp.oom)
		jb.failed = true;
	if ((st = sfb_jb_dump(&jb, root, &js)) != SFB_OK)
		goto out;
	/* Inside <script>, "</" would end it: JSON allows "<\/" for it. */
	start = 0;
	for (i = 0; i + 1 < js.len; i++) {
		if (js.data[i] == '<' && js.data[i + 1] == '/') {
			sfb_buf_add(b, js.data + start, i - start);
			sfb_buf_puts(b, "<\\/");
			start = i + 2;
			i++;
		}
	}
	sfb_buf_add(b, js.data + start, js.len - start);
out:
	(void)ctx;
	sfb_buf_free(&tmp);
	sfb_buf_free(&js);
	return st;
}

static void
filter_box(sfb_buf *b, const char *table)
{
	sfb_buf_printf(b, "<input class=\"filter\" type=\"search\" placeholder=\"filter\" "
	    "data-table=\"%s\" aria-label=\"filter the table\">\n", table);
}

/* The change ticket: per firewall, every planned flow through it. */
static void
firewall_tables(const sfb_plan *plan, const struct sfb_results *rs, sfb_buf *b, sfb_buf *tmp)
{
	const sfb_topology *t = plan->topo;
	const struct sfb_entry *e;
	const struct sfb_cflow *f;
	size_t fw, first, count, i, k;

	for (fw = 0; fw < t->nfws; fw++) {
		sfb_plan_fw_range(plan, fw, &first, &count);
		sfb_buf_printf(b, "<section class=\"fw-table\" id=\"rules-%zu\"><h3>Firewall ", fw);
		h(b, t->fws[fw].name);
		sfb_buf_printf(b, " <span class=\"count\">%zu flow(s)</span></h3>\n", count);
		sfb_buf_reset(tmp);
		sfb_buf_printf(tmp, "rules-table-%zu", fw);
		filter_box(b, sfb_buf_str(tmp));
		sfb_buf_printf(b, "<table id=\"rules-table-%zu\"><thead><tr><th>flow</th><th>protocol"
		    "</th><th>from</th><th>to</th><th>ports</th><th>result</th><th>purpose</th></tr>"
		    "</thead><tbody>\n", fw);
		for (i = first; i < first + count; i++) {
			int lv = -1;

			e = &plan->entries[i];
			f = &plan->cat->flows[e->flow];
			for (k = 0; k < rs->n; k++) {
				const struct sfb_result *r = &rs->r[k];

				if (r->flow_i == (long)e->flow &&
				    (r->firewall == NULL || r->fw_i == (long)fw))
					lv = worst(lv, r->level);
			}
			sfb_buf_printf(b, "<tr class=\"flow-row %s\" data-flow=\"", lv < 0 ? "none" :
			    level_word[lv]);
			h(b, f->id);
			sfb_buf_puts(b, "\"><td>");
			h(b, f->id);
			sfb_buf_printf(b, "</td><td>%s</td><td>", f->proto == SFB_PROTO_TCP ? "tcp" :
			    f->proto == SFB_PROTO_UDP ? "udp" : "tcp, udp");
			sfb_buf_reset(tmp);
			sfb_addrset_print(tmp, &e->src);
			h(b, sfb_buf_str(tmp));
			sfb_buf_puts(b, "</td><td>");
			sfb_buf_reset(tmp);
			sfb_addrset_print(tmp, &e->dst);
			h(b, sfb_buf_str(tmp));
			sfb_buf_puts(b, "</td><td>");
			sfb_buf_reset(tmp);
			sfb_portset_print(tmp, sfb_entry_dport(plan->cat, e));
			h(b, sfb_buf_str(tmp));
			sfb_buf_printf(b, "</td><td class=\"verdict\">%s</td><td>", lv < 0 ? "" :
			    level_word[lv]);
			h(b, f->purpose);
			sfb_buf_puts(b, "</td></tr>\n");
		}
		sfb_buf_puts(b, "</tbody></table></section>\n");
	}
}

static sfb_status
dns_table(sfb_ctx *ctx, const sfb_plan *plan, sfb_buf *b)
{
	struct sfb_rrs rrs;
	size_t i;
	sfb_status st;

	memset(&rrs, 0, sizeof(rrs));
	if ((st = sfb_dns_records(ctx, plan->cat, plan->topo, SFB_DNS_INTERNAL | SFB_DNS_EXTERNAL,
	    &rrs)) != SFB_OK)
		return st;
	sfb_buf_puts(b, "<section id=\"dns\"><h2>DNS records</h2>\n");
	filter_box(b, "dns-table");
	sfb_buf_puts(b, "<table id=\"dns-table\"><thead><tr><th>view</th><th>name</th><th>type</th>"
	    "<th>value</th><th>port</th></tr></thead><tbody>\n");
	for (i = 0; i < rrs.n; i++) {
		sfb_buf_printf(b, "<tr><td>%s</td><td>", rrs.v[i].view == SFB_DNS_INTERNAL ? "internal" :
		    "external");
		h(b, rrs.v[i].name);
		sfb_buf_printf(b, "</td><td>%s</td><td>", rrs.v[i].type);
		h(b, rrs.v[i].value);
		sfb_buf_puts(b, "</td><td>");
		if (strcmp(rrs.v[i].type, "SRV") == 0)
			sfb_buf_printf(b, "%u", rrs.v[i].port);
		sfb_buf_puts(b, "</td></tr>\n");
	}
	sfb_buf_puts(b, "</tbody></table></section>\n");
	sfb_dns_records_free(&rrs);
	return SFB_OK;
}

static sfb_status
cert_table(sfb_ctx *ctx, const sfb_plan *plan, sfb_buf *b)
{
	struct sfb_certlist cl;
	size_t i, k;
	sfb_status st;

	memset(&cl, 0, sizeof(cl));
	if ((st = sfb_certs_build(ctx, plan->cat, plan->topo, &cl)) != SFB_OK)
		return st;
	sfb_buf_puts(b, "<section id=\"certs\"><h2>Certificates</h2>\n");
	filter_box(b, "cert-table");
	sfb_buf_puts(b, "<table id=\"cert-table\"><thead><tr><th>for</th><th>subject</th>"
	    "<th>names (SAN)</th></tr></thead><tbody>\n");
	for (i = 0; i < cl.n; i++) {
		sfb_buf_puts(b, "<tr><td>");
		h(b, cl.v[i].entry->id);
		sfb_buf_puts(b, "</td><td>");
		h(b, cl.v[i].subject);
		sfb_buf_puts(b, "</td><td>");
		for (k = 0; k < cl.v[i].san.n; k++) {
			if (k > 0)
				sfb_buf_puts(b, ", ");
			h(b, cl.v[i].san.v[k]);
		}
		sfb_buf_puts(b, "</td></tr>\n");
	}
	sfb_buf_puts(b, "</tbody></table></section>\n");
	sfb_certs_free(&cl);
	return SFB_OK;
}

static void
findings_table(const struct sfb_results *rs, sfb_buf *b)
{
	size_t i;

	sfb_buf_printf(b, "<section id=\"findings\"><h2>Results <span class=\"count\">%zu</span></h2>\n",
	    rs->n);
	if (rs->n == 0) {
		sfb_buf_puts(b, "<p>No results given (<code>--results FILE.json</code>: the JSON of "
		    "check, audit, probe or twin).</p></section>\n");
		return;
	}
	filter_box(b, "findings-table");
	sfb_buf_puts(b, "<table id=\"findings-table\"><thead><tr><th>from</th><th>about</th>"
	    "<th>verdict</th><th>detail</th></tr></thead><tbody>\n");
	for (i = 0; i < rs->n; i++) {
		const struct sfb_result *r = &rs->r[i];

		sfb_buf_printf(b, "<tr class=\"%s\"><td>%s: ", level_word[r->level], r->kind);
		h(b, r->file);
		sfb_buf_puts(b, "</td><td>");
		if (r->check != NULL) {
			h(b, r->check);
			sfb_buf_puts(b, " ");
			h(b, r->subject);
		} else {
			h(b, r->flow != NULL ? r->flow : "unplanned");
			if (r->firewall != NULL) {
				sfb_buf_puts(b, " at ");
				h(b, r->firewall);
			}
			if (r->src != NULL || r->dst != NULL) {
				sfb_buf_puts(b, " ");
				h(b, r->src != NULL ? r->src : "*");
				sfb_buf_puts(b, " &rarr; ");
				h(b, r->dst != NULL ? r->dst : "*");
			}
		}
		sfb_buf_puts(b, "</td><td class=\"verdict\">");
		h(b, r->verdict);
		sfb_buf_puts(b, "</td><td>");
		h(b, r->detail);
		sfb_buf_puts(b, "</td></tr>\n");
	}
	sfb_buf_puts(b, "</tbody></table></section>\n");
}

static const char style[] =
	"body{font-family:'DejaVu Sans',sans-serif;margin:1.5em;color:#1f2328}"
	"h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}h3{font-size:1em}"
	".count{color:#57606a;font-weight:normal}"
	"#drawing{overflow:auto;border:1px solid #d0d7de;padding:.5em}"
	"#drawing svg{max-width:100%;height:auto}"
	"g.arrow,g.host,g.side,g.firewall{cursor:pointer}g.sel path{stroke-width:4}"
	/* bold here: Graphviz's <B> leaks in its pango plugin (Debian 12) */
	"g.firewall>text:first-of-type{font-weight:bold}"
	"#details{border:1px solid #d0d7de;padding:.6em;min-height:2em;background:#f6f8fa}"
	"table{border-collapse:collapse;font-size:.85em;margin:.4em 0 1em}"
	"th,td{border:1px solid #d0d7de;padding:.2em .4em;text-align:left;vertical-align:top}"
	"th{background:#f6f8fa}"
	"tr.pass td.verdict,.pass>.verdict{color:#1a7f37}"
	"tr.partial td.verdict{color:#bf8700}tr.fail td.verdict{color:#cf222e;font-weight:bold}"
	"tr.unknown td.verdict{color:#6e7781}"
	".legend span{margin-right:1em}.sw{display:inline-block;width:1em;height:.5em;margin-right:.3em}"
	"input.filter{margin:.2em 0}"
	"@media print{input.filter,#details{display:none}#drawing{border:none}"
	"section{break-inside:avoid-page}a{color:inherit}}";

/* Clicks on the drawing show what the data says; the filter boxes hide
 * the rows that do not match.  No request is made. */
static const char script[] =
	"(function(){"
	"var D=JSON.parse(document.getElementById('sfb-data').textContent);"
	"var box=document.getElementById('details');"
	"function el(t,x){var e=document.createElement(t);if(x!==undefined)e.textContent=x;return e;}"
	"function results(list,into){list.forEach(function(r){var p=el('p',r.kind+' ('+r.file+'): '+"
	"(r.flow||r.check||'unplanned')+' '+(r.subject||'')+' '+r.verdict+(r.detail?' \\u2014 '+r.detail:''));"
	"p.className=r.level;into.appendChild(p);});}"
	"function show(id){box.textContent='';var m;"
	"document.querySelectorAll('#drawing g.sel').forEach(function(g){g.classList.remove('sel');});"
	"if((m=/^arrow-(\\d+)(-\\d+)?$/.exec(id))){var a=D.arrows[+m[1]];"
	"document.querySelectorAll('#drawing g.arrow').forEach(function(g){"
	"if(g.id==='arrow-'+m[1]||g.id.indexOf('arrow-'+m[1]+'-')===0)g.classList.add('sel');});"
	"function sd(n,s){return s?n+' ('+s+' side)':n;}"
	"box.appendChild(el('h3',sd(a.source,a.source_side)+' \\u2192 '+sd(a.destination,a.destination_side)));"
	"box.appendChild(el('p',a.ports+', through '+a.via.join(', then ')));"
	"a.flows.forEach(function(f){var d=el('div');d.appendChild(el('b',f.id));"
	"d.appendChild(el('span',' '+f.protocol+' '+f.ports+(f.source_ports!=='any'?' from '+f.source_ports:'')+"
	"(f.required?'':' (optional)')+': '+f.purpose));"
	"var u=el('ul');f.citations.forEach(function(c){u.appendChild(el('li',c));});d.appendChild(u);box.appendChild(d);});"
	"results(a.results,box);}"
	"else if((m=/^host-(\\d+)$/.exec(id))){var h=D.hosts[+m[1]];box.appendChild(el('h3',h.name));"
	"h.endpoints.forEach(function(e){box.appendChild(el('p',e.zone+': '+e.address+(e.public?' (public '+e.public+')':'')+"
	"(e.fqdn?' '+e.fqdn:'')+' \\u2014 '+e.roles.join(', ')));});results(h.results,box);}"
	"else if((m=/^(?:box-(\\d+)|side-(\\d+)-(in|out))$/.exec(id))){var b=D.boxes[+(m[1]||m[2])];"
	"box.appendChild(el('h3',b.name+(m[3]?(m[3]==='in'?' \\u2014 internal side':' \\u2014 external side'):'')));"
	"var want=m[3]?(m[3]==='in'?'internal':'external'):null;"
	"b.hosts.forEach(function(i){var h=D.hosts[i];box.appendChild(el('p',h.name+': '+h.endpoints.filter(function(e){"
	"return !want||e.side===want;}).map(function(e){return e.address+(e.public?' (public '+e.public+')':'')+(e.fqdn?' '+e.fqdn:'');}).join(', ')));"
	"results(h.results,box);});}"
	"else if((m=/^fw-(\\d+)$/.exec(id))){var f=D.firewalls[+m[1]];box.appendChild(el('h3','firewall '+f.name));"
	"box.appendChild(el('p','between '+f.zones.join(', ')));"
	"var s=document.getElementById('rules-'+m[1]);if(s)s.scrollIntoView();}}"
	"document.querySelectorAll('#drawing g.arrow,#drawing g.host,#drawing g.side,#drawing g.firewall').forEach(function(g){"
	"g.addEventListener('click',function(){show(g.id);});});"
	"document.querySelectorAll('input.filter').forEach(function(i){i.addEventListener('input',function(){"
	"var q=i.value.toLowerCase(),t=document.getElementById(i.dataset.table);"
	"t.querySelectorAll('tbody tr').forEach(function(r){r.style.display=r.textContent.toLowerCase().indexOf(q)<0?'none':'';});});});"
	"})();";

sfb_status
sfb_report_html(sfb_ctx *ctx, const sfb_plan *plan, const sfb_report_opts *o, char **out)
{
	const sfb_topology *t = plan->topo;
	struct sfb_results rs;
	struct sfb_drawing d;
	sfb_buf b, text, tmp;
	size_t i, k, nlv[4] = { 0, 0, 0, 0 };
	sfb_status st = SFB_OK;

	*out = NULL;
	sfb_results_init(&rs);
	memset(&d, 0, sizeof(d));
	sfb_buf_init(&b);
	sfb_buf_init(&text);
	sfb_buf_init(&tmp);
	for (i = 0; i < o->nresults; i++) {
		sfb_buf_reset(&text);
		if ((st = sfb_read_file(ctx, o->results[i], &text)) != SFB_OK) {
			/* a results file is input: one that cannot be read is exit 2 */
			st = st == SFB_ENOMEM ? st : SFB_EINVAL;
			goto out;
		}
		if ((st = sfb_results_read(ctx, o->results[i], text.data != NULL ? text.data : "",
		    text.len, &rs)) != SFB_OK)
			goto out;
	}
	resolve(plan, &rs);
	if ((st = sfb_drawing_arrows(ctx, plan, &d)) != SFB_OK)
		goto out;
	for (i = 0; i < d.n; i++)
		for (k = 0; k < rs.n; k++)
			if (result_on_arrow(plan, &d, &rs.r[k], &d.a[i]))
				d.a[i].level = worst(d.a[i].level, rs.r[k].level);
	if ((st = sfb_drawing_render(ctx, plan, &d)) != SFB_OK)
		goto out;
	for (k = 0; k < rs.n; k++)
		nlv[rs.r[k].level]++;
	sfb_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n<title>");
	h(&b, t->name);
	sfb_buf_printf(&b, " — sfbnet report</title>\n<style>%s</style></head>\n<body>\n<h1>", style);
	h(&b, t->name);
	sfb_buf_printf(&b, "</h1>\n<p class=\"summary\">%zu zone(s), %zu firewall(s), %zu host(s), "
	    "%zu planned flow(s) through firewalls; %zu result(s): %zu pass, %zu partial, %zu fail, "
	    "%zu unknown.</p>\n", t->nzones, t->nfws, t->nhosts, sfb_plan_firewall_flow_count(plan),
	    rs.n, nlv[SFB_LV_PASS], nlv[SFB_LV_PARTIAL], nlv[SFB_LV_FAIL], nlv[SFB_LV_UNKNOWN]);
	sfb_buf_puts(&b, "<p class=\"legend\"><span><i class=\"sw\" style=\"background:#1a7f37\"></i>"
	    "pass</span><span><i class=\"sw\" style=\"background:#bf8700\"></i>partial</span><span>"
	    "<i class=\"sw\" style=\"background:#cf222e\"></i>fail</span><span><i class=\"sw\" "
	    "style=\"background:#6e7781\"></i>unknown</span><span><i class=\"sw\" style=\"background:"
	    "#57606a;height:1px\"></i>no result</span></p>\n<section id=\"drawing\">\n");
	sfb_buf_puts(&b, d.svg);
	sfb_buf_puts(&b, "</section>\n<div id=\"details\">Click an arrow, a host or a firewall.</div>\n"
	    "<h2>Firewall rules</h2>\n");
	firewall_tables(plan, &rs, &b, &tmp);
	if ((st = dns_table(ctx, plan, &b)) != SFB_OK || (st = cert_table(ctx, plan, &b)) != SFB_OK)
		goto out;
	findings_table(&rs, &b);
	sfb_buf_puts(&b, "<script type=\"application/json\" id=\"sfb-data\">");
	if ((st = write_data(ctx, plan, &d, &rs, &b)) != SFB_OK)
		goto out;
	sfb_buf_printf(&b, "</script>\n<script>%s</script>\n</body></html>\n", script);
	if (sfb_buf_status(&b) != SFB_OK || tmp.oom) {
		st = sfb_oom(ctx);
		goto out;
	}
	*out = b.data;
	sfb_buf_init(&b);
out:
	sfb_results_free(&rs);
	sfb_drawing_free(&d);
	sfb_buf_free(&b);
	sfb_buf_free(&text);
	sfb_buf_free(&tmp);
	return st;
}
