/* nftables target: named interval sets for the address sets (each written
 * once however many rules use it), and one rule per (flow, protocol,
 * address family), so the ruleset grows with the number of services, not
 * with the number of hosts.  Standalone: a table "inet sfbnet" of its own
 * with a forward base chain that drops by default.  Include: the sets
 * (named sfbnet_*) and a regular chain "sfbnet" in a table the admin
 * already has, which their forward chain jumps to.  --nat: the static NATs
 * of the topology's public addresses, in a table "inet sfbnet_nat" of its
 * own with nat base chains (in either mode: NAT never goes into the
 * admin's tables). */
#include "sfb_emit.h"

#include <string.h>

#define NFT_TABLE "sfbnet"
#define NFT_COMMENT_MAX 127  /* nft keeps at most 128 bytes with the NUL */

struct nft {
	const sfb_plan *plan;
	size_t fw;
	struct sfb_ritems items;
	struct sfb_setreg sets[2];   /* [0]: IPv4, [1]: IPv6 */
	const char *pfx;             /* of the set names: "" or "sfbnet_" (include) */
	bool fam[2];                 /* the families the table takes ([0]: IPv4) */
};

static int
fam_index(int family)
{
	return family == 4 ? 0 : 1;
}

static sfb_status
write_element(void *arg, const char *cidr)
{
	sfb_buf *b = arg;

	sfb_buf_printf(b, "%s\t\t\t%s", b->len > 0 && b->data[b->len - 1] == '{' ? "\n" : ",\n",
	    cidr);
	return sfb_buf_status(b);
}

static sfb_status
write_sets(struct nft *n, sfb_buf *b)
{
	const struct sfb_setreg *r;
	size_t i;
	int fi;
	sfb_status st;

	for (fi = 0; fi < 2; fi++) {
		r = &n->sets[fi];
		for (i = 0; i < r->n; i++) {
			sfb_buf_printf(b, "\tset %s%s%zu {\n\t\ttype %s\n\t\tflags interval\n"
			    "\t\telements = {", n->pfx, fi == 0 ? "v4_" : "v6_", i + 1,
			    fi == 0 ? "ipv4_addr" : "ipv6_addr");
			st = sfb_addrset_each_cidr(r->sets[i], fi == 0 ? 4 : 6, write_element, b);
			if (st != SFB_OK)
				return st;
			sfb_buf_puts(b, "\n\t\t}\n\t}\n\n");
		}
	}
	return sfb_buf_status(b);
}

/* Register every address set the rules will name, in rule order, so the
 * set numbers follow the order of the rules that use them. */
static sfb_status
collect_sets(struct nft *n)
{
	const struct sfb_ritem *it;
	size_t i;
	int family;

	for (i = 0; i < n->items.n; i++) {
		it = &n->items.v[i];
		for (family = 4; family <= 6; family += 2) {
			if (!n->fam[fam_index(family)] ||
			    !sfb_addrset_has_family(it->src, family) ||
			    !sfb_addrset_has_family(it->dst, family))
				continue;
			if (sfb_setreg_add(&n->sets[fam_index(family)], it->src) < 0 ||
			    sfb_setreg_add(&n->sets[fam_index(family)], it->dst) < 0)
				return SFB_ENOMEM;
		}
	}
	return SFB_OK;
}

static void
write_ports(sfb_buf *b, const char *proto, const char *dir, const sfb_portset *p)
{
	if (sfb_portset_is_all(p))
		return;
	sfb_buf_printf(b, " %s %s ", proto, dir);
	sfb_portset_print_nft(b, p);
}

static void
write_rules(struct nft *n, sfb_buf *b)
{
	const struct sfb_ritem *it;
	const struct sfb_cflow *f;
	const char *pname;
	int protos[2], np, k, family;
	long si, di;
	size_t i;

	for (i = 0; i < n->items.n; i++) {
		it = &n->items.v[i];
		f = &n->plan->cat->flows[it->e->flow];
		for (family = 4; family <= 6; family += 2) {
			if (!n->fam[fam_index(family)] ||
			    !sfb_addrset_has_family(it->src, family) ||
			    !sfb_addrset_has_family(it->dst, family))
				continue;
			si = sfb_setreg_add(&n->sets[fam_index(family)], it->src);
			di = sfb_setreg_add(&n->sets[fam_index(family)], it->dst);
			np = sfb_emit_protos(f->proto, protos);
			for (k = 0; k < np; k++) {
				pname = protos[k] == SFB_PROTO_TCP ? "tcp" : "udp";
				sfb_buf_puts(b, "\t\t");
				if (it->iif != NULL)
					sfb_buf_printf(b, "iifname \"%s\" oifname \"%s\" ", it->iif,
					    it->oif);
				sfb_buf_printf(b, "%s saddr @%sv%d_%ld %s daddr @%sv%d_%ld",
				    family == 4 ? "ip" : "ip6", n->pfx, family, si + 1,
				    family == 4 ? "ip" : "ip6", n->pfx, family, di + 1);
				if (sfb_portset_is_all(&f->sport) && sfb_portset_is_all(sfb_entry_dport(n->plan->cat, it->e)))
					sfb_buf_printf(b, " meta l4proto %s", pname);
				write_ports(b, pname, "sport", &f->sport);
				write_ports(b, pname, "dport", sfb_entry_dport(n->plan->cat, it->e));
				sfb_buf_puts(b, " ct state new accept comment \"");
				sfb_emit_comment(b, n->plan, it->e, NFT_COMMENT_MAX);
				sfb_buf_puts(b, "\"\n");
			}
		}
	}
}

/* Include mode: chain sfbnet and its sets, in the admin's table. */
static sfb_status
write_include(struct nft *n, const char *fam, const char *tab, sfb_buf *b)
{
	size_t i;
	int fi;
	sfb_status st;

	sfb_buf_printf(b, "# mode: include: chain " NFT_TABLE " and sets " NFT_TABLE "_* in table %s %s\n"
	    "#   (which must exist); nothing else of the ruleset is touched.\n"
	    "# hook it in, once:  nft add rule %s %s forward jump " NFT_TABLE "\n"
	    "#   (your forward chain accepts established,related traffic itself, as nearly\n"
	    "#   every policy does: these rules accept new connections and return all else)\n"
	    "# load: nft -f FILE  (loading again replaces the chain and its sets)\n"
	    "# remove: delete the jump (nft -a list chain %s %s forward shows its handle),\n"
	    "#   then nft delete chain %s %s " NFT_TABLE " and each set " NFT_TABLE "_*\n\n",
	    fam, tab, fam, tab, fam, tab, fam, tab);
	/* The chain exists after the first line; flushing it drops the rules
	 * that name the old sets, which can then be deleted and written anew
	 * (add-then-delete never fails, whether the set was there or not). */
	sfb_buf_printf(b, "table %s %s {\n\tchain " NFT_TABLE " {\n\t}\n}\n"
	    "flush chain %s %s " NFT_TABLE "\n", fam, tab, fam, tab);
	for (fi = 0; fi < 2; fi++)
		for (i = 0; i < n->sets[fi].n; i++) {
			sfb_buf_printf(b, "add set %s %s %s%s%zu { type %s; flags interval; }\n"
			    "delete set %s %s %s%s%zu\n", fam, tab, n->pfx, fi == 0 ? "v4_" : "v6_",
			    i + 1, fi == 0 ? "ipv4_addr" : "ipv6_addr", fam, tab, n->pfx,
			    fi == 0 ? "v4_" : "v6_", i + 1);
		}
	sfb_buf_printf(b, "\ntable %s %s {\n", fam, tab);
	if ((st = write_sets(n, b)) != SFB_OK)
		return st;
	sfb_buf_puts(b, "\tchain " NFT_TABLE " {\n");
	write_rules(n, b);
	sfb_buf_puts(b, "\t}\n}\n");
	return sfb_buf_status(b);
}

/* --nat: table inet sfbnet_nat, replaced as a whole on every load. */
static sfb_status
write_nat(sfb_ctx *ctx, struct nft *n, sfb_buf *b)
{
	const sfb_topology *t = n->plan->topo;
	struct sfb_nats nats;
	const struct sfb_nat *x;
	bool fam[2] = { false, false };
	size_t i;
	int fi;
	sfb_status st;

	if ((st = sfb_plan_nats(ctx, n->plan, n->fw, &nats)) != SFB_OK)
		return st;
	for (i = 0; i < nats.n; i++)
		fam[fam_index(nats.v[i].family)] = true;
	sfb_buf_putc(b, '\n');
	sfb_emit_nat_header(b, "#");
	if (nats.n == 0)
		sfb_buf_puts(b, "#   none on this firewall: no endpoint behind it has a public address\n");
	sfb_buf_puts(b, "table inet " NFT_TABLE "_nat\ndelete table inet " NFT_TABLE "_nat\n\n"
	    "table inet " NFT_TABLE "_nat {\n");
	for (fi = 0; fi < 2; fi++) {
		if (!fam[fi])
			continue;
		sfb_buf_printf(b, "\tset outside_v%d {\n\t\ttype %s\n\t\tflags interval\n"
		    "\t\telements = {", fi == 0 ? 4 : 6, fi == 0 ? "ipv4_addr" : "ipv6_addr");
		if ((st = sfb_addrset_each_cidr(&t->zones[nats.outside].space, fi == 0 ? 4 : 6,
		    write_element, b)) != SFB_OK)
			goto out;
		sfb_buf_puts(b, "\n\t\t}\n\t}\n\n");
	}
	sfb_buf_puts(b, "\tchain prerouting {\n"
	    "\t\ttype nat hook prerouting priority dstnat; policy accept;\n");
	for (i = 0; i < nats.n; i++) {
		x = &nats.v[i];
		sfb_buf_printf(b, "\t\t%s daddr %s dnat %s to %s comment \"nat in: host ",
		    x->family == 4 ? "ip" : "ip6", x->pub, x->family == 4 ? "ip" : "ip6", x->inside);
		sfb_emit_name(b, t->hosts[t->eps[x->ep].host].name, 64);
		sfb_buf_puts(b, "\"\n");
	}
	sfb_buf_puts(b, "\t}\n\n\tchain postrouting {\n"
	    "\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
	for (i = 0; i < nats.n; i++) {
		x = &nats.v[i];
		sfb_buf_printf(b, "\t\t%s saddr %s %s daddr @outside_v%d snat %s to %s "
		    "comment \"nat out: host ", x->family == 4 ? "ip" : "ip6", x->inside,
		    x->family == 4 ? "ip" : "ip6", x->family, x->family == 4 ? "ip" : "ip6", x->pub);
		sfb_emit_name(b, t->hosts[t->eps[x->ep].host].name, 64);
		sfb_buf_puts(b, "\"\n");
	}
	sfb_buf_puts(b, "\t}\n}\n");
	st = sfb_buf_status(b);
out:
	sfb_plan_nats_free(&nats);
	return st;
}

static sfb_status sfb_nftables_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw,
    const sfb_fw_opts *o, sfb_buf *b);

static sfb_status
sfb_nftables_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, const sfb_fw_opts *o,
    sfb_buf *b)
{
	const char *fam = sfb_emit_nft_family(o), *tab = sfb_emit_nft_table(o);
	bool include = o->mode == SFB_MODE_INCLUDE;
	struct nft n;
	sfb_status st;

	memset(&n, 0, sizeof(n));
	n.plan = plan;
	n.fw = fw;
	n.pfx = include ? NFT_TABLE "_" : "";
	n.fam[0] = !include || strcmp(fam, "ip6") != 0;
	n.fam[1] = !include || strcmp(fam, "ip") != 0;
	sfb_setreg_init(&n.sets[0]);
	sfb_setreg_init(&n.sets[1]);
	if ((st = sfb_plan_items(plan, fw, &n.items)) != SFB_OK ||
	    (st = collect_sets(&n)) != SFB_OK)
		goto out;

	sfb_buf_puts(b, "#!/usr/sbin/nft -f\n");
	sfb_emit_header(b, plan, fw, "nftables", "#");
	if (include) {
		if (!n.fam[0] || !n.fam[1])
			sfb_buf_printf(b, "# table family %s: the IPv%d rules of the plan are left out\n",
			    fam, n.fam[0] ? 6 : 4);
		if ((st = write_include(&n, fam, tab, b)) != SFB_OK)
			goto out;
		if (o->nat && (st = write_nat(ctx, &n, b)) != SFB_OK)
			goto out;
		st = sfb_buf_status(b);
		goto out;
	}
	sfb_buf_puts(b, "# load: nft -f FILE  (loading again replaces table inet " NFT_TABLE ")\n\n");
	/* Create-then-delete makes the load idempotent on nft versions
	 * without "destroy": the first line never fails, the second empties. */
	sfb_buf_puts(b, "table inet " NFT_TABLE "\ndelete table inet " NFT_TABLE "\n\n");
	sfb_buf_puts(b, "table inet " NFT_TABLE " {\n");
	if ((st = write_sets(&n, b)) != SFB_OK)
		goto out;
	sfb_buf_puts(b, "\tchain forward {\n"
	    "\t\ttype filter hook forward priority filter; policy drop;\n"
	    "\t\tct state established,related accept\n"
	    "\t\tct state invalid drop\n");
	write_rules(&n, b);
	sfb_buf_puts(b, "\t}\n}\n");
	if (o->nat && (st = write_nat(ctx, &n, b)) != SFB_OK)
		goto out;
	st = sfb_buf_status(b);
out:
	if (st == SFB_ENOMEM)
		st = sfb_oom(ctx);
	else if (st == SFB_ERANGE)
		st = sfb_plan_too_many(ctx, plan, fw, "nftables");
	sfb_setreg_free(&n.sets[0]);
	sfb_setreg_free(&n.sets[1]);
	sfb_plan_items_free(&n.items);
	return st;
}

const struct sfb_emit_target sfb_target_nftables = {
	"nftables", SFB_TARGET_NFTABLES, sfb_nftables_write, NULL, NULL
};
