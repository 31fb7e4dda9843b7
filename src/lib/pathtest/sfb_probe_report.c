/* The prober's report: per flow and destination, which ports are open,
 * closed or filtered (as ranges), and the verdict pass / partial / fail. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "sfb_prober.h"
#include "sfb_text.h"

const char *const sfb_probe_verdict_names[V_COUNT] = { "pending", "open", "unverified",
	"closed", "filtered", "error" };
const char *const sfb_probe_fv_names[3] = { "pass", "partial", "fail" };

/* Open: the responder echoed (or, in connect-only mode, the connection was
 * accepted).  "unverified" (a connection something else accepted) is not
 * proof that the responder's port is reachable, so it does not count. */
static uint64_t
reachable(const struct target *t)
{
	return sfb_portset_count(&t->by[V_OPEN]);
}

int
sfb_probe_target_verdict(const struct target *t)
{
	uint64_t ok = reachable(t);

	if (ok == t->count)
		return FV_PASS;
	return ok > 0 ? FV_PARTIAL : FV_FAIL;
}

bool
sfb_probe_all_required_pass(const sfb_probe_result *r)
{
	size_t i;

	if (r->pr.nt == 0)
		return false;  /* a run that tested nothing proves nothing */
	for (i = 0; i < r->pr.nt; i++)
		if (r->pr.plan->cat->flows[r->pr.t[i].flow].required &&
		    sfb_probe_target_verdict(&r->pr.t[i]) != FV_PASS)
			return false;
	return true;
}

const char *
sfb_probe_proto_name(int proto)
{
	return proto == IPPROTO_TCP ? "tcp" : "udp";
}

static void
write_text(const void *arg, sfb_buf *b)
{
	const sfb_probe_result *r = arg;

	const struct prober *pr = &r->pr;
	const sfb_topology *t = pr->plan->topo;
	const struct target *tg;
	const struct sfb_cflow *f;
	size_t i, n[3] = { 0, 0, 0 };
	int v, k;

	sfb_buf_printf(b, "probe from %s (%s): %zu flow destination(s), %zu port(s) in %.2f s",
	    t->hosts[pr->host].name, pr->o->token != NULL ? "responder mode" : "connect-only mode",
	    pr->nt, pr->np, (double)r->elapsed_ms / 1000.0);
	if (pr->second > 0)
		sfb_buf_printf(b, " (%zu asked twice)", pr->second);
	sfb_buf_putc(b, '\n');
	for (i = 0; i < pr->nt; i++) {
		tg = &pr->t[i];
		f = &pr->plan->cat->flows[tg->flow];
		v = sfb_probe_target_verdict(tg);
		n[v]++;
		sfb_buf_printf(b, "%-8s %s %s -> %s ", v == FV_PASS ? "PASS" : v == FV_PARTIAL ?
		    "PARTIAL" : "FAIL", f->id, sfb_probe_proto_name(tg->proto), t->hosts[t->eps[tg->dst_ep].host].name);
		sfb_sockaddr_print(b, &tg->dst);
		sfb_buf_printf(b, ": %llu/%zu open%s", (unsigned long long)reachable(tg), tg->count,
		    f->required ? "" : " (optional flow)");
		if (!tg->answered && sfb_portset_count(&tg->by[V_FILTERED]) < tg->count) {
			/* A column of "closed" from a host with no responder
			 * would read like reject rules. */
			sfb_buf_puts(b, "; no responder answered at ");
			sfb_sockaddr_print(b, &tg->dst);
			sfb_buf_putc(b, '\n');
			continue;
		}
		for (k = V_UNVERIFIED; k < V_COUNT; k++) {
			if (sfb_portset_count(&tg->by[k]) == 0)
				continue;
			sfb_buf_printf(b, "; %s ", sfb_probe_verdict_names[k]);
			sfb_portset_print(b, &tg->by[k]);
		}
		sfb_buf_putc(b, '\n');
	}
	for (i = 0; i < pr->nskip; i++)
		sfb_buf_printf(b, "SKIPPED  %s %s -> %s: %s\n", pr->plan->cat->flows[pr->skip[i].flow].id,
		    sfb_probe_proto_name(pr->skip[i].proto), t->hosts[t->eps[pr->skip[i].dst_ep].host].name,
		    pr->skip[i].why);
	if (pr->nt == 0)
		sfb_buf_puts(b, "nothing was tested: no planned flow from this host could be probed\n");
	sfb_buf_printf(b, "summary: %zu pass, %zu partial, %zu fail, %zu skipped; required flows %s\n",
	    n[FV_PASS], n[FV_PARTIAL], n[FV_FAIL], pr->nskip,
	    sfb_probe_all_required_pass(r) ? "all pass" : "NOT all pass");
}

static sfb_status
write_json(const void *arg, sfb_buf *b)
{
	const sfb_probe_result *r = arg;

	const struct prober *pr = &r->pr;
	const sfb_topology *t = pr->plan->topo;
	sfb_jb jb = { false };
	json_t *root = sfb_jb_obj(&jb), *a = sfb_jb_arr(&jb), *o;
	const struct target *tg;
	sfb_buf tmp;
	size_t i;
	int k;

	sfb_buf_init(&tmp);
	sfb_jb_str(&jb, root, "format", "sfbnet-probe");
	sfb_jb_int(&jb, root, "version", 1);
	sfb_jb_str(&jb, root, "host", t->hosts[pr->host].name);
	sfb_jb_str(&jb, root, "mode", pr->o->token != NULL ? "responder" : "connect");
	sfb_jb_int(&jb, root, "elapsed_ms", (long long)r->elapsed_ms);
	sfb_jb_int(&jb, root, "ports", (long long)pr->np);
	sfb_jb_int(&jb, root, "second_pass", (long long)pr->second);
	for (i = 0; i < pr->nt; i++) {
		tg = &pr->t[i];
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "flow", pr->plan->cat->flows[tg->flow].id);
		sfb_jb_str(&jb, o, "protocol", sfb_probe_proto_name(tg->proto));
		sfb_jb_bool(&jb, o, "required", pr->plan->cat->flows[tg->flow].required);
		sfb_jb_str(&jb, o, "destination", t->hosts[t->eps[tg->dst_ep].host].name);
		sfb_buf_reset(&tmp);
		sfb_sockaddr_print(&tmp, &tg->dst);
		sfb_jb_str(&jb, o, "address", sfb_buf_str(&tmp));
		sfb_buf_reset(&tmp);
		if (tg->has_src)
			sfb_sockaddr_print(&tmp, &tg->src);
		sfb_jb_str(&jb, o, "source", tg->has_src ? sfb_buf_str(&tmp) : NULL);
		sfb_buf_reset(&tmp);
		sfb_portset_print(&tmp, &pr->plan->cat->flows[tg->flow].sport);
		sfb_jb_str(&jb, o, "src_ports", sfb_buf_str(&tmp));
		sfb_jb_int(&jb, o, "port_count", (long long)tg->count);
		for (k = V_OPEN; k < V_COUNT; k++) {
			sfb_buf_reset(&tmp);
			sfb_portset_print(&tmp, &tg->by[k]);
			sfb_jb_str(&jb, o, sfb_probe_verdict_names[k], sfb_buf_str(&tmp));
		}
		sfb_jb_str(&jb, o, "verdict", sfb_probe_fv_names[sfb_probe_target_verdict(tg)]);
		sfb_jb_bool(&jb, o, "responder_answered", tg->answered);
		sfb_jb_push(&jb, a, o);
	}
	sfb_jb_set(&jb, root, "flows", a);
	a = sfb_jb_arr(&jb);
	for (i = 0; i < pr->nskip; i++) {
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "flow", pr->plan->cat->flows[pr->skip[i].flow].id);
		sfb_jb_str(&jb, o, "protocol", sfb_probe_proto_name(pr->skip[i].proto));
		sfb_jb_str(&jb, o, "destination", t->hosts[t->eps[pr->skip[i].dst_ep].host].name);
		sfb_jb_str(&jb, o, "reason", pr->skip[i].why);
		sfb_jb_push(&jb, a, o);
	}
	sfb_jb_set(&jb, root, "skipped", a);
	sfb_jb_bool(&jb, root, "required_pass", sfb_probe_all_required_pass(r));
	if (tmp.oom)
		jb.failed = true;
	sfb_buf_free(&tmp);
	return sfb_jb_dump(&jb, root, b);
}

sfb_status
sfb_probe_write(sfb_ctx *ctx, const sfb_probe_result *r, sfb_format fmt, char **out)
{
	return sfb_write_report(ctx, fmt == SFB_FORMAT_JSON, write_text, write_json, r, out);
}
