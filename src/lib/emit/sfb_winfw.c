/* Windows target: a PowerShell script of New-NetFirewallRule commands for
 * one Windows server of the topology.
 *
 * A host firewall sees what reaches the server whatever firewalls it
 * crossed, so the rules come from every plan entry (through any firewall,
 * or inside one zone) that has an endpoint of the host among its
 * destinations: one inbound rule per flow, protocol and set of the host's
 * addresses it reaches, the sources of all those entries together as the
 * remote addresses.  Windows Firewall is stateful and lets outbound
 * traffic out by default, so inbound rules are all a server needs.
 * Every rule is in the group "sfbnet", which the script removes first:
 * running it again replaces its rules and never duplicates them. */
#include "sfb_emit.h"
#include "sfb_esc.h"

#include <stdlib.h>
#include <string.h>

#include "sfb_strv.h"

#define WIN_GROUP "sfbnet"
#define WIN_DESC_MAX 255


/* One rule (per protocol): a flow reaching a set of the host's addresses. */
struct rule {
	size_t flow;
	const sfb_portset *dport;  /* the entry's destination ports */
	size_t order;           /* first entry that gave it, to keep plan order */
	sfb_addrset local;      /* the host's addresses it reaches */
	sfb_addrset remote;     /* the sources of every such entry */
};

static bool
runs_windows(const sfb_plan *plan, size_t host)
{
	const sfb_topology *t = plan->topo;
	const struct sfb_host *h = &t->hosts[host];
	size_t i, r;

	if (h->virt)   /* a load balancer address, not a server */
		return false;
	/* The roles of the vocabulary with the trait windows (the reverse
	 * proxy has not: it is as often an appliance or a Linux box as IIS ARR). */
	for (i = h->first_ep; i < h->first_ep + h->nep; i++)
		for (r = 0; r < t->eps[i].nroles; r++)
			if (plan->cat->roles[t->eps[i].roles[r]].traits & SFB_TRAIT_WINDOWS)
				return true;
	return false;
}

static sfb_status sfb_winfw_pick_host(sfb_ctx *ctx, const sfb_plan *plan, const char *name,
    size_t *host);

/* The host a script is for: the named one, or the only Windows host. */
static sfb_status
sfb_winfw_pick_host(sfb_ctx *ctx, const sfb_plan *plan, const char *name, size_t *host)
{
	const sfb_topology *t = plan->topo;
	sfb_buf names;
	size_t i, n = 0, last = 0;
	sfb_status st;

	if (name != NULL) {
		for (i = 0; i < t->nhosts && strcmp(t->hosts[i].name, name) != 0; i++)
			;
		if (i == t->nhosts)
			return sfb_topology_no_such(ctx, t, "host", name);
		if (!runs_windows(plan, i))
			return sfb_failf(ctx, SFB_EINVAL, "host '%s' of %s has no role that runs "
			    "on Windows Server (front-end, director, edge-*, mediation, "
			    "backend-sql, ...)", name, t->file);
		*host = i;
		return SFB_OK;
	}
	sfb_buf_init(&names);
	for (i = 0; i < t->nhosts; i++) {
		if (!runs_windows(plan, i))
			continue;
		sfb_buf_printf(&names, "%s%s", n ? ", " : "", t->hosts[i].name);
		last = i;
		n++;
	}
	if (sfb_buf_status(&names) != SFB_OK)
		st = sfb_oom(ctx);
	else if (n == 1) {
		*host = last;
		st = SFB_OK;
	} else if (n == 0)
		st = sfb_failf(ctx, SFB_EINVAL, "%s has no host with a role that runs on "
		    "Windows Server", t->file);
	else
		/* One script per server: a script with the rules of several
		 * would open the ports of all of them on each. */
		st = sfb_failf(ctx, SFB_EINVAL, "%s has %zu Windows hosts (%s): choose one with "
		    "--host NAME", t->file, n, sfb_buf_str(&names));
	sfb_buf_free(&names);
	return st;
}

struct list_ctx {
	sfb_buf *b;
	bool first;
};

static sfb_status
list_item(void *arg, const char *text)
{
	struct list_ctx *lc = arg;

	if (!lc->first)
		sfb_buf_puts(lc->b, ", ");
	lc->first = false;
	sfb_esc_ps_string(lc->b, text);
	return sfb_buf_status(lc->b);
}

static sfb_status
write_addrs(sfb_buf *b, const sfb_addrset *a)
{
	struct list_ctx lc = { b, true };
	sfb_status st;

	if (sfb_emit_is_all(a, 0)) {
		sfb_buf_puts(b, "Any");
		return sfb_buf_status(b);
	}
	if ((st = sfb_addrset_each_cidr(a, 4, list_item, &lc)) != SFB_OK)
		return st;
	return sfb_addrset_each_cidr(a, 6, list_item, &lc);
}

/* "Any", or "'443', '50000-59999'". */
static void
write_ports(sfb_buf *b, const sfb_portset *p)
{
	size_t i;
	unsigned lo, hi;

	if (sfb_portset_is_all(p)) {
		sfb_buf_puts(b, "Any");
		return;
	}
	for (i = 0; i < sfb_emit_nranges(p); i++) {
		sfb_emit_range(p, i, &lo, &hi);
		if (lo == hi)
			sfb_buf_printf(b, "%s'%u'", i ? ", " : "", lo);
		else
			sfb_buf_printf(b, "%s'%u-%u'", i ? ", " : "", lo, hi);
	}
}

static void
rules_free(struct rule *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		sfb_addrset_free(&r[i].local);
		sfb_addrset_free(&r[i].remote);
	}
	free(r);
}

static int
cmp_rule(const void *a, const void *b)
{
	const struct rule *x = a, *y = b;

	if (x->flow != y->flow)
		return x->flow < y->flow ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static sfb_status
collect(const sfb_plan *plan, size_t host, struct rule **out, size_t *nout)
{
	struct rule *r = NULL;
	size_t n = 0, cap = 0, i, k;
	sfb_addrset local;
	sfb_status st = SFB_OK;

	sfb_addrset_init(&local);
	for (i = 0; i < plan->nentries; i++) {
		const struct sfb_entry *e = &plan->entries[i];

		sfb_addrset_free(&local);
		if ((st = sfb_plan_host_local(plan, host, e, &local)) != SFB_OK)
			goto out;
		if (sfb_addrset_empty(&local))
			continue;
		for (k = 0; k < n; k++)
			if (r[k].flow == e->flow && sfb_addrset_equal(&r[k].local, &local))
				break;
		if (k == n) {
			if ((st = sfb_grow(&r, &cap, n + 1, sizeof(*r))) != SFB_OK)
				goto out;
			r[n].flow = e->flow;
			r[n].dport = sfb_entry_dport(plan->cat, e);
			r[n].order = i;
			r[n].local = local;
			sfb_addrset_init(&local);
			sfb_addrset_init(&r[n].remote);
			n++;
		}
		if ((st = sfb_addrset_union(&r[k].remote, &e->src)) != SFB_OK)
			goto out;
	}
	/* A rule whose remote and local addresses share no family (an IPv6
	 * source towards an IPv4-only server) could never match. */
	for (i = k = 0; i < n; i++) {
		if (sfb_emit_meet(&r[i].remote, &r[i].local)) {
			r[k++] = r[i];
		} else {
			sfb_addrset_free(&r[i].local);
			sfb_addrset_free(&r[i].remote);
		}
	}
	n = k;
	if (n > 1)
		qsort(r, n, sizeof(*r), cmp_rule);
	*out = r;
	*nout = n;
	r = NULL;
	n = 0;
out:
	sfb_addrset_free(&local);
	rules_free(r, n);
	return st;
}

/* Names the script accepts for the computer it runs on: the host's name
 * and the first label of its endpoints' FQDNs, each once. */
static sfb_status
write_names(sfb_buf *b, const sfb_topology *t, size_t host)
{
	const struct sfb_host *h = &t->hosts[host];
	sfb_strv names;
	size_t i;
	const char *fq, *dot;
	sfb_status st;

	sfb_strv_init(&names);
	if ((st = sfb_strv_add(&names, h->name, true)) != SFB_OK)
		goto out;
	for (i = h->first_ep; i < h->first_ep + h->nep; i++) {
		if ((fq = t->eps[i].fqdn) == NULL)
			continue;
		dot = strchr(fq, '.');
		if ((st = sfb_strv_addn(&names, fq, dot != NULL ? (size_t)(dot - fq) : strlen(fq),
		    true)) != SFB_OK)
			goto out;
	}
	for (i = 0; i < names.n; i++) {
		sfb_buf_puts(b, i ? ", " : "");
		sfb_esc_ps_string(b, names.v[i]);
	}
out:
	sfb_strv_free(&names);
	return st;
}

static sfb_status
write_rule(sfb_buf *b, const sfb_plan *plan, const struct rule *r, int proto, size_t nth)
{
	const struct sfb_cflow *f = &plan->cat->flows[r->flow];
	const char *pname = proto == SFB_PROTO_TCP ? "TCP" : "UDP";
	struct sfb_entry e;
	sfb_buf t;
	sfb_status st;

	sfb_buf_init(&t);
	sfb_buf_printf(&t, WIN_GROUP "-%s-%s", f->id, proto == SFB_PROTO_TCP ? "tcp" : "udp");
	if (nth > 1)
		sfb_buf_printf(&t, "-%zu", nth);
	sfb_buf_puts(b, "New-NetFirewallRule -Name ");
	sfb_esc_ps_string(b, sfb_buf_str(&t));
	sfb_buf_reset(&t);
	sfb_buf_printf(&t, WIN_GROUP " %s (%s)", f->id, pname);
	if (nth > 1)
		sfb_buf_printf(&t, " %zu", nth);
	sfb_buf_puts(b, " -DisplayName ");
	sfb_esc_ps_string(b, sfb_buf_str(&t));
	sfb_buf_printf(b, " -Group '" WIN_GROUP "' -Direction Inbound -Action Allow -Profile Any"
	    " -Protocol %s -LocalAddress ", pname);
	if ((st = write_addrs(b, &r->local)) != SFB_OK)
		goto out;
	sfb_buf_puts(b, " -LocalPort ");
	write_ports(b, r->dport);
	sfb_buf_puts(b, " -RemoteAddress ");
	if ((st = write_addrs(b, &r->remote)) != SFB_OK)
		goto out;
	sfb_buf_puts(b, " -RemotePort ");
	write_ports(b, &f->sport);
	/* The comment helper reads only the flow of the entry. */
	memset(&e, 0, sizeof(e));
	e.flow = r->flow;
	sfb_buf_reset(&t);
	sfb_emit_comment(&t, plan, &e, WIN_DESC_MAX);
	sfb_buf_puts(b, " -Description ");
	sfb_esc_ps_string(b, sfb_buf_str(&t));
	sfb_buf_puts(b, " | Out-Null\n");
	st = sfb_buf_status(&t);
out:
	sfb_buf_free(&t);
	return st;
}

static sfb_status sfb_winfw_write(sfb_ctx *ctx, const sfb_plan *plan, size_t host, sfb_buf *b);

static sfb_status
sfb_winfw_write(sfb_ctx *ctx, const sfb_plan *plan, size_t host, sfb_buf *b)
{
	const sfb_topology *t = plan->topo;
	const struct sfb_host *h = &t->hosts[host];
	struct rule *r = NULL;
	size_t n = 0, i, k, nth;
	int protos[2], np, p;
	sfb_status st;

	if ((st = collect(plan, host, &r, &n)) != SFB_OK)
		goto out;
	sfb_buf_printf(b, "# Windows Firewall inbound rules for host '%s' of topology '", h->name);
	sfb_esc_put(b, SFB_ESC_LINE, t->name);
	sfb_buf_printf(b, "'\n# generated by sfbnet %s from ", sfb_version());
	sfb_esc_put(b, SFB_ESC_LINE, t->file);
	sfb_buf_puts(b, "; do not edit, regenerate.\n");
	for (i = h->first_ep; i < h->first_ep + h->nep; i++) {
		sfb_buf_printf(b, "# endpoint in zone %s: %s", t->zones[t->eps[i].zone].name,
		    t->eps[i].addr_text != NULL ? t->eps[i].addr_text : "whole zone");
		if (t->eps[i].pub_text != NULL)
			sfb_buf_printf(b, " (public %s)", t->eps[i].pub_text);
		if (t->eps[i].fqdn != NULL)
			sfb_buf_printf(b, " %s", t->eps[i].fqdn);
		sfb_buf_putc(b, '\n');
	}
	sfb_buf_puts(b, "# inbound only: Windows Firewall lets replies and outbound traffic through.\n"
	    "# NAT: LocalAddress is the address the server owns (inside), never a public one.\n"
	    "# run as Administrator on the host: powershell -ExecutionPolicy Bypass -File FILE\n"
	    "#   It removes every rule of group '" WIN_GROUP "' and creates them again, so\n"
	    "#   running it twice gives the same rules.  -Force runs it on a computer\n"
	    "#   whose name is not the host's.\n"
	    "#Requires -RunAsAdministrator\n"
	    "param([switch]$Force)\n"
	    "$ErrorActionPreference = 'Stop'\n"
	    "$sfbNames = @(");
	if ((st = write_names(b, t, host)) != SFB_OK)
		goto out;
	sfb_buf_puts(b, ")\n"
	    "if (-not $Force -and $sfbNames -notcontains $env:COMPUTERNAME) {\n"
	    "\tthrow ('sfbnet: these rules are for ' + $sfbNames[0] + ', not for ' + "
	    "$env:COMPUTERNAME + ' (-Force to apply them anyway)')\n"
	    "}\n"
	    "Remove-NetFirewallRule -Group '" WIN_GROUP "' -ErrorAction SilentlyContinue\n");
	for (i = 0; i < n; i++) {
		/* nth: the rank of this rule among the rules of its flow. */
		for (k = i, nth = 1; k > 0 && r[k - 1].flow == r[i].flow; k--)
			nth++;
		np = sfb_emit_protos(plan->cat->flows[r[i].flow].proto, protos);
		for (p = 0; p < np; p++)
			if ((st = write_rule(b, plan, &r[i], protos[p], nth)) != SFB_OK)
				goto out;
	}
	st = sfb_buf_status(b);
out:
	if (st == SFB_ENOMEM)
		st = sfb_oom(ctx);
	rules_free(r, n);
	return st;
}

const struct sfb_emit_target sfb_target_windows = {
	"windows", SFB_TARGET_WINDOWS, NULL, sfb_winfw_pick_host, sfb_winfw_write
};
