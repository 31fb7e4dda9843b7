/* The twin's report: per planned flow destination pass / partial / fail
 * with the failing ports as ranges, per pair of endpoints the unplanned
 * ports that got through, and what could not be emulated. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "sfb_text.h"
#include "sfb_twin_int.h"

/* Per-port and per-flow verdicts are the path test's (sfb_probe_report.c). */

static bool
unexpected(const struct target *tg)
{
	return sfb_portset_count(&tg->by[V_OPEN]) > 0;
}

struct counts {
	size_t v[3], required_bad, unplanned, leaks, ports;
};

static void
count(const struct sfb_twin_result *tw, struct counts *c)
{
	const struct target *tg;
	size_t i, j;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < tw->nruns; i++) {
		c->ports += tw->runs[i]->pr.np;
		for (j = 0; j < tw->runs[i]->pr.nt; j++) {
			tg = &tw->runs[i]->pr.t[j];
			if (tg->flow == SFB_PROBE_UNPLANNED) {
				c->unplanned++;
				c->leaks += unexpected(tg);
				continue;
			}
			c->v[sfb_probe_target_verdict(tg)]++;
			if (sfb_probe_target_verdict(tg) != FV_PASS && tw->plan->cat->flows[tg->flow].required)
				c->required_bad++;
		}
	}
}

bool
sfb_twin_ok(const sfb_twin_result *tw)
{
	struct counts c;

	count(tw, &c);
	return !tw->stopped && c.v[FV_PASS] + c.v[FV_PARTIAL] + c.v[FV_FAIL] > 0 &&
	    c.required_bad == 0 && c.leaks == 0;
}

#define MAX_HOPS 64

/* The firewalls from zone zs to zone zd, last first; how many. */
static size_t
path_hops(const struct sfb_twin_result *tw, size_t zs, size_t zd, size_t hops[MAX_HOPS])
{
	const sfb_plan *plan = tw->plan;
	size_t n = plan->topo->nzones, nh = 0, z = zd;

	while (z != zs && nh < MAX_HOPS && plan->path_len[zs * n + z] > 0) {
		hops[nh++] = plan->via_fw[zs * n + z];
		z = plan->via_zone[zs * n + z];
	}
	return nh;
}

/* The firewalls from zone zs to zone zd, in order, comma separated. */
static void
path_fws(const struct sfb_twin_result *tw, size_t zs, size_t zd, sfb_buf *b)
{
	size_t hops[MAX_HOPS], nh = path_hops(tw, zs, zd, hops);

	while (nh > 0) {
		sfb_buf_puts(b, tw->plan->topo->fws[hops[--nh]].name);
		if (nh > 0)
			sfb_buf_puts(b, ", ");
	}
}


static const char *
host_of(const struct sfb_twin_result *tw, size_t ep)
{
	return tw->plan->topo->hosts[tw->plan->topo->eps[ep].host].name;
}

static void
text_target(const struct sfb_twin_result *tw, const struct target *tg, const char *label,
    sfb_buf *b)
{
	const sfb_topology *t = tw->plan->topo;
	int k;

	sfb_buf_printf(b, "%-10s ", label);
	if (tg->flow != SFB_PROBE_UNPLANNED)
		sfb_buf_printf(b, "%s ", tw->plan->cat->flows[tg->flow].id);
	sfb_buf_printf(b, "%s %s -> %s (", sfb_probe_proto_name(tg->proto), host_of(tw, tg->src_ep),
	    host_of(tw, tg->dst_ep));
	sfb_sockaddr_print(b, &tg->src);
	sfb_buf_puts(b, " -> ");
	sfb_sockaddr_print(b, &tg->dst);
	sfb_buf_puts(b, ") via ");
	path_fws(tw, t->eps[tg->src_ep].zone, t->eps[tg->dst_ep].zone, b);
	if (tg->flow == SFB_PROBE_UNPLANNED) {
		sfb_buf_puts(b, ": open ");
		sfb_portset_print(b, &tg->by[V_OPEN]);
		sfb_buf_puts(b, " (the plan allows none of these)\n");
		return;
	}
	sfb_buf_printf(b, ": %llu/%zu open", (unsigned long long)sfb_portset_count(&tg->by[V_OPEN]),
	    tg->count);
	if (!tw->plan->cat->flows[tg->flow].required)
		sfb_buf_puts(b, " (optional flow)");
	for (k = V_UNVERIFIED; k < V_COUNT; k++) {
		if (sfb_portset_count(&tg->by[k]) == 0)
			continue;
		sfb_buf_printf(b, "; %s ", sfb_probe_verdict_names[k]);
		sfb_portset_print(b, &tg->by[k]);
	}
	sfb_buf_putc(b, '\n');
}

/* Lines of one kind: 0 failing planned, 1 unexpected, 2 passing planned. */
static void
text_pass(const struct sfb_twin_result *tw, int kind, sfb_buf *b)
{
	const struct target *tg;
	size_t i, j;
	int v;

	for (i = 0; i < tw->nruns; i++) {
		for (j = 0; j < tw->runs[i]->pr.nt; j++) {
			tg = &tw->runs[i]->pr.t[j];
			if (tg->flow == SFB_PROBE_UNPLANNED) {
				if (kind == 1 && unexpected(tg))
					text_target(tw, tg, "UNEXPECTED", b);
				continue;
			}
			v = sfb_probe_target_verdict(tg);
			if (kind == 0 && v != FV_PASS)
				text_target(tw, tg, v == FV_FAIL ? "FAIL" : "PARTIAL", b);
			else if (kind == 2 && v == FV_PASS)
				text_target(tw, tg, "PASS", b);
		}
	}
}

static void
write_text(const void *arg, sfb_buf *b)
{
	const struct sfb_twin_result *tw = arg;
	const sfb_topology *t = tw->plan->topo;
	struct counts c;
	size_t i;

	count(tw, &c);
	sfb_buf_printf(b, "twin of '%s': %zu zone and %zu firewall namespace(s), NAT %s; built "
	    "in %.2f s, probed in %.2f s (%zu port(s))\n", t->name, t->nzones, t->nfws,
	    tw->o.nat ? "emulated" : "not emulated (inside addresses)",
	    (double)tw->build_ms / 1000.0, (double)tw->probe_ms / 1000.0, c.ports);
	if (tw->o.sample > 0)
		sfb_buf_printf(b, "ports: at most %u of each flow destination, spread over its range\n",
		    tw->o.sample);
	for (i = 0; i < t->nfws; i++)
		sfb_buf_printf(b, "firewall %s: %s\n", t->fws[i].name, tw->rules_file[i] != NULL ?
		    tw->rules_file[i] : "the generated rules (nftables)");
	text_pass(tw, 0, b);
	text_pass(tw, 1, b);
	text_pass(tw, 2, b);
	for (i = 0; i < tw->nskip; i++)
		sfb_buf_printf(b, "SKIPPED    %s %s -> %s: %s\n", tw->plan->cat->flows[tw->skip[i].flow].id,
		    host_of(tw, tw->skip[i].src_ep), host_of(tw, tw->skip[i].dst_ep), tw->skip[i].why);
	if (tw->stopped)
		sfb_buf_puts(b, "the run was stopped before it ended: what is above is partial\n");
	sfb_buf_printf(b, "summary: %zu pass, %zu partial, %zu fail (%zu of them required); "
	    "%zu of %zu unplanned probe set(s) got through; %zu skipped; twin %s\n",
	    c.v[FV_PASS], c.v[FV_PARTIAL], c.v[FV_FAIL], c.required_bad, c.leaks, c.unplanned,
	    tw->nskip, sfb_twin_ok(tw) ? "OK" : "NOT OK");
}

static json_t *
json_target(const struct sfb_twin_result *tw, const struct target *tg, sfb_jb *jb, sfb_buf *tmp)
{
	const sfb_topology *t = tw->plan->topo;
	json_t *o = sfb_jb_obj(jb);
	bool planned = tg->flow != SFB_PROBE_UNPLANNED;
	int k;

	if (planned) {
		sfb_jb_str(jb, o, "flow", tw->plan->cat->flows[tg->flow].id);
		sfb_jb_bool(jb, o, "required", tw->plan->cat->flows[tg->flow].required);
	}
	sfb_jb_str(jb, o, "protocol", sfb_probe_proto_name(tg->proto));
	sfb_jb_str(jb, o, "source", host_of(tw, tg->src_ep));
	sfb_buf_reset(tmp);
	sfb_sockaddr_print(tmp, &tg->src);
	sfb_jb_str(jb, o, "source_address", sfb_buf_str(tmp));
	sfb_jb_str(jb, o, "destination", host_of(tw, tg->dst_ep));
	sfb_buf_reset(tmp);
	sfb_sockaddr_print(tmp, &tg->dst);
	sfb_jb_str(jb, o, "address", sfb_buf_str(tmp));
	{
		size_t hops[MAX_HOPS], nh = path_hops(tw, t->eps[tg->src_ep].zone,
		    t->eps[tg->dst_ep].zone, hops);
		json_t *fws = sfb_jb_arr(jb);

		while (nh > 0)
			sfb_jb_push_str(jb, fws, t->fws[hops[--nh]].name);
		sfb_jb_set(jb, o, "firewalls", fws);
	}
	sfb_buf_reset(tmp);
	sfb_portset_print(tmp, tg->dport);
	sfb_jb_str(jb, o, "ports", sfb_buf_str(tmp));
	sfb_jb_int(jb, o, "port_count", (long long)tg->count);
	for (k = V_OPEN; k < V_COUNT; k++) {
		sfb_buf_reset(tmp);
		sfb_portset_print(tmp, &tg->by[k]);
		sfb_jb_str(jb, o, sfb_probe_verdict_names[k], sfb_buf_str(tmp));
	}
	sfb_jb_str(jb, o, "verdict", planned ? sfb_probe_fv_names[sfb_probe_target_verdict(tg)] :
	    unexpected(tg) ? "unexpected" : "blocked");
	return o;
}

static sfb_status
write_json(const void *arg, sfb_buf *b)
{
	const struct sfb_twin_result *tw = arg;
	const sfb_topology *t = tw->plan->topo;
	sfb_jb jb = { false };
	json_t *root = sfb_jb_obj(&jb), *flows = sfb_jb_arr(&jb), *unpl = sfb_jb_arr(&jb), *a, *o;
	const struct target *tg;
	struct counts c;
	sfb_buf tmp;
	size_t i, j;

	sfb_buf_init(&tmp);
	count(tw, &c);
	sfb_jb_str(&jb, root, "format", "sfbnet-twin");
	sfb_jb_int(&jb, root, "version", 1);
	sfb_jb_str(&jb, root, "topology", t->name);
	sfb_jb_bool(&jb, root, "nat", tw->o.nat);
	sfb_jb_int(&jb, root, "sample", (long long)tw->o.sample);
	sfb_jb_int(&jb, root, "build_ms", (long long)tw->build_ms);
	sfb_jb_int(&jb, root, "probe_ms", (long long)tw->probe_ms);
	sfb_jb_int(&jb, root, "ports", (long long)c.ports);
	a = sfb_jb_arr(&jb);
	for (i = 0; i < t->nfws; i++) {
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "firewall", t->fws[i].name);
		sfb_jb_str(&jb, o, "ruleset", tw->rules_file[i] != NULL ? tw->rules_file[i] : NULL);
		sfb_jb_push(&jb, a, o);
	}
	sfb_jb_set(&jb, root, "firewalls", a);
	for (i = 0; i < tw->nruns; i++) {
		for (j = 0; j < tw->runs[i]->pr.nt; j++) {
			tg = &tw->runs[i]->pr.t[j];
			sfb_jb_push(&jb, tg->flow == SFB_PROBE_UNPLANNED ? unpl : flows,
			    json_target(tw, tg, &jb, &tmp));
		}
	}
	sfb_jb_set(&jb, root, "flows", flows);
	sfb_jb_set(&jb, root, "unplanned", unpl);
	a = sfb_jb_arr(&jb);
	for (i = 0; i < tw->nskip; i++) {
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "flow", tw->plan->cat->flows[tw->skip[i].flow].id);
		sfb_jb_str(&jb, o, "source", host_of(tw, tw->skip[i].src_ep));
		sfb_jb_str(&jb, o, "destination", host_of(tw, tw->skip[i].dst_ep));
		sfb_jb_str(&jb, o, "reason", tw->skip[i].why);
		sfb_jb_str(&jb, o, "verdict", "skipped");
		sfb_jb_push(&jb, a, o);
	}
	sfb_jb_set(&jb, root, "skipped", a);
	o = sfb_jb_obj(&jb);
	sfb_jb_int(&jb, o, "pass", (long long)c.v[FV_PASS]);
	sfb_jb_int(&jb, o, "partial", (long long)c.v[FV_PARTIAL]);
	sfb_jb_int(&jb, o, "fail", (long long)c.v[FV_FAIL]);
	sfb_jb_int(&jb, o, "required_failing", (long long)c.required_bad);
	sfb_jb_int(&jb, o, "unplanned", (long long)c.unplanned);
	sfb_jb_int(&jb, o, "unexpected", (long long)c.leaks);
	sfb_jb_int(&jb, o, "skipped", (long long)tw->nskip);
	sfb_jb_set(&jb, root, "summary", o);
	sfb_jb_bool(&jb, root, "stopped", tw->stopped);
	sfb_jb_bool(&jb, root, "ok", sfb_twin_ok(tw));
	if (tmp.oom)
		jb.failed = true;
	sfb_buf_free(&tmp);
	return sfb_jb_dump(&jb, root, b);
}

sfb_status
sfb_twin_write(sfb_ctx *ctx, const sfb_twin_result *r, sfb_format fmt, char **out)
{
	return sfb_write_report(ctx, fmt == SFB_FORMAT_JSON, write_text, write_json, r, out);
}
