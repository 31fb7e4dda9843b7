/* The audit's report: per flow through the firewall, allowed / partial /
 * blocked / unknown with the missing part and the rules behind it; then
 * the findings on the ruleset.  Text for people, JSON (format
 * "sfbnet-audit", docs/audit.md) for tools. */
#include <stdlib.h>
#include <string.h>

#include "sfb_audit_int.h"
#include "sfb_esc.h"
#include "sfb_text.h"

#define MAX_BOXES_SHOWN 8

static const char *const verdict_names[] = { "allowed", "partial", "blocked", "unknown" };
static const char *const finding_names[] = { "surplus", "accepts-everything", "policy-accept",
	"not-modelled", "shadowed" };

void
sfb_audit_rule_name(sfb_buf *b, const struct sfb_audit *a, struct tag t)
{
	const struct rs_chain *c;
	const struct rs_rule *r;

	if (t.chain == RS_NOBODY) {
		if (t.rule == 4 || t.rule == 6)
			sfb_buf_printf(b, "no IPv%zu rules in the file (add the output of %s)", t.rule,
			    t.rule == 6 ? "ip6tables-save" : "iptables-save");
		else
			sfb_buf_puts(b, "no base chain on the forward hook (the kernel passes every packet)");
		return;
	}
	c = &a->rs.chains[t.chain];
	if (t.rule == RS_POLICY) {
		sfb_buf_puts(b, "the policy of chain ");
		sfb_esc_put(b, SFB_ESC_LINE, c->table);
		sfb_buf_putc(b, ' ');
		sfb_esc_put(b, SFB_ESC_LINE, c->name);
		sfb_buf_puts(b, c->policy == RS_DROP ? " (drop)" : " (accept)");
		return;
	}
	r = &c->rules[t.rule];
	if (a->rs.kind == RS_KIND_NFT) {
		sfb_buf_puts(b, "rule ");
		sfb_esc_put(b, SFB_ESC_LINE, r->text != NULL ? r->text : "?");
		sfb_buf_printf(b, " (table %s ", c->family == 4 ? "ip" : c->family == 6 ? "ip6" : "inet");
		sfb_esc_put(b, SFB_ESC_LINE, c->table);
		sfb_buf_putc(b, ')');
	} else {
		sfb_buf_printf(b, "line %d: -A ", r->line);
		sfb_esc_put(b, SFB_ESC_LINE, c->name);
		sfb_buf_putc(b, ' ');
		sfb_esc_put(b, SFB_ESC_LINE, r->text != NULL ? r->text : "");
	}
}

/* The distinct tags of a region, in first-seen order (at most max). */
static size_t
tags_of(const struct region *r, struct tag *out, size_t max)
{
	size_t i, k, n = 0;

	for (i = 0; i < r->n; i++) {
		for (k = 0; k < n; k++)
			if (out[k].chain == r->v[i].tag.chain && out[k].rule == r->v[i].tag.rule)
				break;
		if (k == n && n < max)
			out[n++] = r->v[i].tag;
	}
	return n;
}

static void
text_region(sfb_buf *b, const struct sfb_audit *a, const struct region *r, const char *what,
    bool by)
{
	struct tag tags[8];
	size_t i, n;

	for (i = 0; i < r->n && i < MAX_BOXES_SHOWN; i++) {
		sfb_buf_printf(b, "    %s ", what);
		box_print_short(b, &r->v[i].b, 4);
		sfb_buf_putc(b, '\n');
	}
	if (r->n > MAX_BOXES_SHOWN)
		sfb_buf_printf(b, "    ... and %zu more part(s)\n", r->n - MAX_BOXES_SHOWN);
	n = by ? tags_of(r, tags, 8) : 0;
	for (i = 0; i < n; i++) {
		sfb_buf_puts(b, "      by ");
		sfb_audit_rule_name(b, a, tags[i]);
		sfb_buf_putc(b, '\n');
	}
}

static void
write_text(const void *arg, sfb_buf *b)
{
	const struct sfb_audit *a = arg;

	const sfb_topology *t = a->plan->topo;
	const struct sfb_cflow *f;
	const struct aflow *af;
	const struct afinding *fd;
	size_t i, n[4] = { 0, 0, 0, 0 }, req_bad = 0;

	sfb_buf_puts(b, "audit of ");
	sfb_esc_put(b, SFB_ESC_LINE, a->file);
	if (a->host != SIZE_MAX)
		sfb_buf_printf(b, " (%s) against host %s's own firewall (input) of topology '",
		    a->rs.kind == RS_KIND_NFT ? "nft -j" : "iptables-save", t->hosts[a->host].name);
	else
		sfb_buf_printf(b, " (%s) against firewall %s of topology '", a->rs.kind == RS_KIND_NFT ?
		    "nft -j" : "iptables-save", t->fws[a->fw].name);
	sfb_esc_put(b, SFB_ESC_LINE, t->name);
	sfb_buf_printf(b, "': %zu flow(s)\n", a->nf);
	for (i = 0; i < a->nf; i++) {
		af = &a->f[i];
		f = &a->plan->cat->flows[af->e->flow];
		n[af->verdict]++;
		if (f->required && af->verdict != AV_ALLOWED)
			req_bad++;
		sfb_buf_printf(b, "%-8s %s %s%s\n", af->verdict == AV_ALLOWED ? "ALLOWED" :
		    af->verdict == AV_PARTIAL ? "PARTIAL" : af->verdict == AV_BLOCKED ? "BLOCKED" :
		    "UNKNOWN", f->id, f->proto == 1 ? "tcp" : f->proto == 2 ? "udp" : "tcp+udp",
		    f->required ? "" : " (optional flow)");
		if (af->verdict != AV_ALLOWED && af->dropped.n > 0)
			text_region(b, a, &af->dropped, "missing", true);
		if (af->unknown.n > 0)
			text_region(b, a, &af->unknown, "unknown", true);
	}
	for (i = 0; i < a->nfd; i++) {
		fd = &a->fd[i];
		sfb_buf_printf(b, "%-8s ", fd->kind == AF_SHADOWED ? "NOTE" : "FINDING");
		switch (fd->kind) {
		case AF_SURPLUS:
			sfb_buf_puts(b, "allows traffic no planned flow needs: ");
			break;
		case AF_ANY:
			sfb_buf_puts(b, "accepts every packet: ");
			break;
		case AF_POLICY:
			sfb_buf_puts(b, "lets through what no rule decides, beyond the plan: ");
			break;
		case AF_NOT_MODELLED:
			sfb_buf_puts(b, "not modelled (");
			sfb_esc_put(b, SFB_ESC_LINE,
			    a->rs.chains[fd->tag.chain].rules[fd->tag.rule].unknown);
			sfb_buf_puts(b, "): ");
			break;
		case AF_SHADOWED:
			sfb_buf_puts(b, "never decides a packet, earlier rules do: ");
			break;
		}
		sfb_audit_rule_name(b, a, fd->tag);
		sfb_buf_putc(b, '\n');
		if (fd->kind == AF_SURPLUS || fd->kind == AF_POLICY)
			text_region(b, a, &fd->extra, "surplus", false);
		else if (fd->kind == AF_SHADOWED)
			text_region(b, a, &fd->extra, "decided", true);
	}
	sfb_buf_printf(b, "summary: %zu allowed, %zu partial, %zu blocked, %zu unknown; "
	    "%zu required flow(s) not allowed; %zu finding(s); %s\n", n[0], n[1], n[2], n[3], req_bad,
	    a->nfd, sfb_audit_clean(a) ? "clean" : "NOT clean");
}

static json_t *
json_region(sfb_jb *jb, const struct sfb_audit *a, const struct region *r)
{
	json_t *arr = sfb_jb_arr(jb), *o;
	sfb_buf t;
	size_t i;

	sfb_buf_init(&t);
	for (i = 0; i < r->n; i++) {
		o = sfb_jb_obj(jb);
		sfb_buf_reset(&t);
		box_print(&t, &r->v[i].b);
		sfb_jb_str(jb, o, "packets", sfb_buf_str(&t));
		sfb_buf_reset(&t);
		sfb_audit_rule_name(&t, a, r->v[i].tag);
		sfb_jb_str(jb, o, "decided_by", sfb_buf_str(&t));
		sfb_jb_push(jb, arr, o);
	}
	sfb_buf_free(&t);
	return arr;
}

static sfb_status
write_json(const void *arg, sfb_buf *b)
{
	const struct sfb_audit *a = arg;

	sfb_jb jb = { false };
	json_t *root = sfb_jb_obj(&jb), *arr = sfb_jb_arr(&jb), *o;
	const struct sfb_cflow *f;
	sfb_buf t;
	size_t i;

	sfb_buf_init(&t);
	sfb_jb_str(&jb, root, "format", "sfbnet-audit");
	sfb_jb_int(&jb, root, "version", 1);
	sfb_jb_str(&jb, root, "firewall", a->host == SIZE_MAX ? a->plan->topo->fws[a->fw].name : NULL);
	sfb_jb_str(&jb, root, "host", a->host != SIZE_MAX ? a->plan->topo->hosts[a->host].name : NULL);
	sfb_jb_str(&jb, root, "ruleset", a->file);
	sfb_jb_str(&jb, root, "kind", a->rs.kind == RS_KIND_NFT ? "nft-json" : "iptables-save");
	for (i = 0; i < a->nf; i++) {
		f = &a->plan->cat->flows[a->f[i].e->flow];
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "flow", f->id);
		sfb_jb_str(&jb, o, "protocol", f->proto == 1 ? "tcp" : f->proto == 2 ? "udp" : "both");
		sfb_jb_bool(&jb, o, "required", f->required);
		sfb_jb_str(&jb, o, "verdict", verdict_names[a->f[i].verdict]);
		sfb_jb_set(&jb, o, "missing", json_region(&jb, a, &a->f[i].dropped));
		sfb_jb_set(&jb, o, "unknown", json_region(&jb, a, &a->f[i].unknown));
		sfb_jb_push(&jb, arr, o);
	}
	sfb_jb_set(&jb, root, "flows", arr);
	arr = sfb_jb_arr(&jb);
	for (i = 0; i < a->nfd; i++) {
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "kind", finding_names[a->fd[i].kind]);
		sfb_buf_reset(&t);
		sfb_audit_rule_name(&t, a, a->fd[i].tag);
		sfb_jb_str(&jb, o, "rule", sfb_buf_str(&t));
		if (a->fd[i].kind == AF_NOT_MODELLED)
			sfb_jb_str(&jb, o, "what",
			    a->rs.chains[a->fd[i].tag.chain].rules[a->fd[i].tag.rule].unknown);
		sfb_jb_set(&jb, o, "packets", json_region(&jb, a, &a->fd[i].extra));
		sfb_jb_push(&jb, arr, o);
	}
	sfb_jb_set(&jb, root, "findings", arr);
	sfb_jb_bool(&jb, root, "clean", sfb_audit_clean(a));
	sfb_buf_free(&t);
	return sfb_jb_dump(&jb, root, b);
}

sfb_status
sfb_audit_write(sfb_ctx *ctx, const sfb_audit *a, sfb_format fmt, char **out)
{
	return sfb_write_report(ctx, fmt == SFB_FORMAT_JSON, write_text, write_json, a, out);
}
