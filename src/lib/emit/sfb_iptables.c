/* iptables / ip6tables target (iptables-restore format).
 *
 * Without ipset, "source in S and destination in D" would cost |S| x |D|
 * rules.  Instead each flow jumps to a chain that tests the source
 * prefixes, which jumps to a shared chain that tests the destination
 * prefixes and accepts: |S| + |D| rules, written once per distinct pair
 * of sets.  The file is meant for iptables-restore --noflush: standalone,
 * it owns the FORWARD chain and its own chains; include, only its own
 * chains, which the admin's FORWARD jumps to.  Either way the rest of the
 * box is left alone.  --nat adds chains SFBNET-DNAT and SFBNET-SNAT to the
 * nat table (the admin hooks them in once: a restore file cannot add a
 * jump idempotently without flushing PREROUTING and POSTROUTING, which
 * may hold the box's own NAT).  Port lists are cut into multiport
 * matches of at most 15 ports. */
#include "sfb_emit.h"

#include <stdlib.h>
#include <string.h>

#define IPT_CHAIN "SFBNET"
#define IPT_COMMENT_MAX 255

struct ipt {
	const sfb_plan *plan;
	int family;
	struct sfb_setreg dsts;      /* destination sets -> chains SFBNET-D<n> */
	sfb_buf *b;
};

static bool
has_family(const struct ipt *x, const struct sfb_ritem *it)
{
	return sfb_addrset_has_family(it->src, x->family) &&
	    sfb_addrset_has_family(it->dst, x->family);
}

static bool
is_everything(const sfb_addrset *a, int family)
{
	sfb_addrset all;
	bool r;

	sfb_addrset_init(&all);
	if (sfb_addrset_all(&all) != SFB_OK) {
		sfb_addrset_free(&all);
		return false;
	}
	r = family == 4 ? sfb_iset_equal(&a->v4, &all.v4) : sfb_iset_equal(&a->v6, &all.v6);
	sfb_addrset_free(&all);
	return r;
}

struct rule_ctx {
	sfb_buf *b;
	const char *chain;
	const char *flag;     /* "-s" or "-d" */
	const char *target;
};

static sfb_status
write_prefix_rule(void *arg, const char *cidr)
{
	struct rule_ctx *rc = arg;

	sfb_buf_printf(rc->b, "-A %s %s %s -j %s\n", rc->chain, rc->flag, cidr, rc->target);
	return sfb_buf_status(rc->b);
}

/* "-A chain -s p -j target" for every prefix of a (one rule without -s when
 * a is the whole address space). */
static sfb_status
write_match_chain(struct ipt *x, const char *chain, const char *flag, const sfb_addrset *a,
    const char *target)
{
	struct rule_ctx rc = { x->b, chain, flag, target };

	if (is_everything(a, x->family)) {
		sfb_buf_printf(x->b, "-A %s -j %s\n", chain, target);
		return sfb_buf_status(x->b);
	}
	return sfb_addrset_each_cidr(a, x->family, write_prefix_rule, &rc);
}

static void
write_ports(sfb_buf *b, const char *dir, const sfb_portset *p, size_t chunk)
{
	if (sfb_portset_is_all(p))
		return;
	sfb_buf_printf(b, " -m multiport --%s ", dir);
	sfb_portset_print_ipt(b, p, chunk);
}

/* The rules of one flow in chain SFBNET: one per protocol and per pair of
 * port chunks, all jumping to the flow's source chain. */
static void
write_flow_jumps(struct ipt *x, const struct sfb_ritem *it, size_t chainno)
{
	const struct sfb_entry *e = it->e;
	const struct sfb_cflow *f = &x->plan->cat->flows[e->flow];
	size_t ns = sfb_portset_ipt_chunks(&f->sport), nd = sfb_portset_ipt_chunks(sfb_entry_dport(x->plan->cat, e));
	size_t i, j;
	int protos[2], np, k;

	if (ns == 0)
		ns = 1;
	if (nd == 0)
		nd = 1;
	np = sfb_emit_protos(f->proto, protos);
	for (k = 0; k < np; k++) {
		for (i = 0; i < ns; i++) {
			for (j = 0; j < nd; j++) {
				sfb_buf_puts(x->b, "-A " IPT_CHAIN);
				if (it->iif != NULL)
					sfb_buf_printf(x->b, " -i %s -o %s", it->iif, it->oif);
				sfb_buf_printf(x->b, " -p %s", protos[k] == SFB_PROTO_TCP ? "tcp" : "udp");
				write_ports(x->b, "sports", &f->sport, i);
				write_ports(x->b, "dports", sfb_entry_dport(x->plan->cat, e), j);
				sfb_buf_puts(x->b, " -m conntrack --ctstate NEW -m comment --comment \"");
				sfb_emit_comment(x->b, x->plan, e, IPT_COMMENT_MAX);
				sfb_buf_printf(x->b, "\" -j " IPT_CHAIN "-S%zu\n", chainno);
			}
		}
	}
}

/* A (source set, destination set) pair: one source chain SFBNET-S<n>
 * jumping to the destination chain SFBNET-D<d>.  Flows with the same
 * pair share the chains. */
struct pair {
	long src, dst;
};

static long
pair_of(struct pair **v, size_t *n, size_t *cap, long s, long d)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*v)[i].src == s && (*v)[i].dst == d)
			return (long)i;
	if (sfb_grow(v, cap, *n + 1, sizeof(**v)) != SFB_OK)
		return -1;
	(*v)[*n].src = s;
	(*v)[*n].dst = d;
	return (long)(*n)++;
}

static sfb_status
write_inside_return(void *arg, const char *cidr)
{
	sfb_buf *b = arg;

	sfb_buf_printf(b, "-A " IPT_CHAIN "-SNAT -d %s -j RETURN\n", cidr);
	return sfb_buf_status(b);
}

/* --nat: the nat table's chains SFBNET-DNAT and SFBNET-SNAT. */
static sfb_status
write_nat(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, int family, sfb_buf *b)
{
	const sfb_topology *t = plan->topo;
	const char *cmd = family == 4 ? "iptables" : "ip6tables";
	struct sfb_nats nats;
	const struct sfb_nat *x;
	size_t i, z;
	sfb_status st;

	if ((st = sfb_plan_nats(ctx, plan, fw, &nats)) != SFB_OK)
		return st;
	sfb_emit_nat_header(b, "#");
	sfb_buf_printf(b, "# hook the chains in, once:\n"
	    "#   %s -t nat -I PREROUTING -j " IPT_CHAIN "-DNAT\n"
	    "#   %s -t nat -I POSTROUTING -j " IPT_CHAIN "-SNAT\n"
	    "*nat\n:" IPT_CHAIN "-DNAT - [0:0]\n:" IPT_CHAIN "-SNAT - [0:0]\n", cmd, cmd);
	for (i = 0; i < nats.n; i++) {
		x = &nats.v[i];
		if (x->family != family)
			continue;
		sfb_buf_printf(b, "-A " IPT_CHAIN "-DNAT -d %s -m comment --comment \"nat in: host ",
		    x->pub);
		sfb_emit_name(b, t->hosts[t->eps[x->ep].host].name, 64);
		sfb_buf_printf(b, "\" -j DNAT --to-destination %s\n", x->inside);
	}
	/* Outbound means to the outside zone: what any inside zone covers
	 * returns untranslated first. */
	for (z = 0; z < t->nzones; z++)
		if (z != nats.outside && (st = sfb_addrset_each_cidr(&t->zones[z].space, family,
		    write_inside_return, b)) != SFB_OK)
			goto out;
	for (i = 0; i < nats.n; i++) {
		x = &nats.v[i];
		if (x->family != family)
			continue;
		sfb_buf_printf(b, "-A " IPT_CHAIN "-SNAT -s %s -m comment --comment \"nat out: host ",
		    x->inside);
		sfb_emit_name(b, t->hosts[t->eps[x->ep].host].name, 64);
		sfb_buf_printf(b, "\" -j SNAT --to-source %s\n", x->pub);
	}
	sfb_buf_puts(b, "COMMIT\n");
	st = sfb_buf_status(b);
out:
	sfb_plan_nats_free(&nats);
	return st;
}

static sfb_status sfb_iptables_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, int family,
    const sfb_fw_opts *o, sfb_buf *b);

static sfb_status
sfb_iptables_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, int family,
    const sfb_fw_opts *o, sfb_buf *b)
{
	const char *cmd = family == 4 ? "iptables" : "ip6tables";
	bool include = o->mode == SFB_MODE_INCLUDE;
	struct ipt x;
	struct sfb_setreg srcs;
	struct sfb_ritems items;
	const struct sfb_ritem *it;
	struct pair *pairs = NULL;
	long *entry_pair = NULL, s, d;
	size_t npairs = 0, cappairs = 0, i;
	sfb_buf chain, target;
	sfb_status st = SFB_OK;

	memset(&x, 0, sizeof(x));
	x.plan = plan;
	x.family = family;
	x.b = b;
	sfb_setreg_init(&x.dsts);
	sfb_setreg_init(&srcs);
	memset(&items, 0, sizeof(items));
	sfb_buf_init(&chain);
	sfb_buf_init(&target);
	if ((st = sfb_plan_items(plan, fw, &items)) != SFB_OK)
		goto out;
	entry_pair = calloc(items.n + 1, sizeof(*entry_pair));
	if (entry_pair == NULL) {
		st = SFB_ENOMEM;
		goto out;
	}
	for (i = 0; i < items.n; i++) {
		it = &items.v[i];
		entry_pair[i] = -1;
		if (!has_family(&x, it))
			continue;
		s = sfb_setreg_add(&srcs, it->src);
		d = sfb_setreg_add(&x.dsts, it->dst);
		if (s < 0 || d < 0 || (entry_pair[i] = pair_of(&pairs, &npairs, &cappairs, s, d)) < 0) {
			st = SFB_ENOMEM;
			goto out;
		}
	}

	sfb_emit_header(b, plan, fw, cmd, "#");
	if (include)
		sfb_buf_printf(b, "# mode: include: the " IPT_CHAIN " chains only; FORWARD and its policy\n"
		    "#   are untouched.\n"
		    "# hook it in, once, after your rule that accepts ESTABLISHED,RELATED:\n"
		    "#   %s -A FORWARD -j " IPT_CHAIN "\n"
		    "# load: %s-restore --noflush FILE  (loading again replaces the chains)\n"
		    "# remove: %s -D FORWARD -j " IPT_CHAIN ", then flush (-F) and delete (-X)\n"
		    "#   " IPT_CHAIN " and each " IPT_CHAIN "-S<n> and " IPT_CHAIN "-D<n>\n", cmd, cmd, cmd);
	else
		sfb_buf_printf(b, "# load: %s-restore --noflush FILE\n"
		    "#   replaces the FORWARD chain and the " IPT_CHAIN " chains only; INPUT, OUTPUT and\n"
		    "#   other tables are left alone, and loading again gives the same rules.\n",
		    cmd);
	/* Declaring a chain flushes it under --noflush; every chain is
	 * declared before any rule, as iptables-restore requires. */
	sfb_buf_puts(b, "*filter\n:" IPT_CHAIN " - [0:0]\n");
	for (i = 0; i < npairs; i++)
		sfb_buf_printf(b, ":" IPT_CHAIN "-S%zu - [0:0]\n", i + 1);
	for (i = 0; i < x.dsts.n; i++)
		sfb_buf_printf(b, ":" IPT_CHAIN "-D%zu - [0:0]\n", i + 1);
	if (!include)
		sfb_buf_puts(b, "-F FORWARD\n-P FORWARD DROP\n"
		    "-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n"
		    "-A FORWARD -m conntrack --ctstate INVALID -j DROP\n"
		    "-A FORWARD -j " IPT_CHAIN "\n");
	for (i = 0; i < items.n; i++)
		if (entry_pair[i] >= 0)
			write_flow_jumps(&x, &items.v[i], (size_t)entry_pair[i] + 1);
	for (i = 0; i < npairs; i++) {
		sfb_buf_reset(&chain);
		sfb_buf_printf(&chain, IPT_CHAIN "-S%zu", i + 1);
		sfb_buf_reset(&target);
		sfb_buf_printf(&target, IPT_CHAIN "-D%ld", pairs[i].dst + 1);
		if ((st = write_match_chain(&x, sfb_buf_str(&chain), "-s", srcs.sets[pairs[i].src],
		    sfb_buf_str(&target))) != SFB_OK)
			goto out;
	}
	for (i = 0; i < x.dsts.n; i++) {
		sfb_buf_reset(&chain);
		sfb_buf_printf(&chain, IPT_CHAIN "-D%zu", i + 1);
		if ((st = write_match_chain(&x, sfb_buf_str(&chain), "-d", x.dsts.sets[i],
		    "ACCEPT")) != SFB_OK)
			goto out;
	}
	sfb_buf_puts(b, "COMMIT\n");
	if (o->nat && (st = write_nat(ctx, plan, fw, family, b)) != SFB_OK)
		goto out;
	st = sfb_buf_status(b);
	if (st == SFB_OK && (chain.oom || target.oom))
		st = SFB_ENOMEM;
out:
	if (st == SFB_ENOMEM)
		st = sfb_oom(ctx);
	else if (st == SFB_ERANGE)
		st = sfb_plan_too_many(ctx, plan, fw, family == 4 ? "iptables" : "ip6tables");
	sfb_setreg_free(&x.dsts);
	sfb_setreg_free(&srcs);
	free(pairs);
	free(entry_pair);
	sfb_plan_items_free(&items);
	sfb_buf_free(&chain);
	sfb_buf_free(&target);
	return st;
}

static sfb_status
write4(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, const sfb_fw_opts *o, sfb_buf *b)
{
	return sfb_iptables_write(ctx, plan, fw, 4, o, b);
}

static sfb_status
write6(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, const sfb_fw_opts *o, sfb_buf *b)
{
	return sfb_iptables_write(ctx, plan, fw, 6, o, b);
}

const struct sfb_emit_target sfb_target_iptables = {
	"iptables", SFB_TARGET_IPTABLES, write4, NULL, NULL
};
const struct sfb_emit_target sfb_target_ip6tables = {
	"ip6tables", SFB_TARGET_IP6TABLES, write6, NULL, NULL
};
