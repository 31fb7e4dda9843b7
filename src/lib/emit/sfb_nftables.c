/* nftables target: one table "inet sfbnet", named interval sets for the
 * address sets (each written once however many rules use it), and one rule
 * per (flow, protocol, address family), so the ruleset grows with the
 * number of services, not with the number of hosts. */
#include "sfb_emit.h"

#include <string.h>

#define NFT_TABLE "sfbnet"
#define NFT_COMMENT_MAX 127  /* nft keeps at most 128 bytes with the NUL */

struct nft {
	const sfb_plan *plan;
	size_t fw;
	struct sfb_ritems items;
	struct sfb_setreg sets[2];   /* [0]: IPv4, [1]: IPv6 */
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
			sfb_buf_printf(b, "\tset %s%zu {\n\t\ttype %s\n\t\tflags interval\n"
			    "\t\telements = {", fi == 0 ? "v4_" : "v6_", i + 1,
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
			if (!sfb_addrset_has_family(it->src, family) ||
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
			if (!sfb_addrset_has_family(it->src, family) ||
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
				sfb_buf_printf(b, "%s saddr @v%d_%ld %s daddr @v%d_%ld",
				    family == 4 ? "ip" : "ip6", family, si + 1,
				    family == 4 ? "ip" : "ip6", family, di + 1);
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

sfb_status sfb_nftables_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, sfb_buf *b);

sfb_status
sfb_nftables_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, sfb_buf *b)
{
	struct nft n;
	sfb_status st;

	memset(&n, 0, sizeof(n));
	n.plan = plan;
	n.fw = fw;
	sfb_setreg_init(&n.sets[0]);
	sfb_setreg_init(&n.sets[1]);
	if ((st = sfb_emit_items(plan, fw, &n.items)) != SFB_OK ||
	    (st = collect_sets(&n)) != SFB_OK)
		goto out;

	sfb_buf_puts(b, "#!/usr/sbin/nft -f\n");
	sfb_emit_header(b, plan, fw, "nftables", "#");
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
	st = sfb_buf_status(b);
out:
	if (st == SFB_ENOMEM)
		st = sfb_oom(ctx);
	else if (st == SFB_ERANGE)
		st = sfb_emit_too_many(ctx, plan, fw, "nftables");
	sfb_setreg_free(&n.sets[0]);
	sfb_setreg_free(&n.sets[1]);
	sfb_emit_items_free(&n.items);
	return st;
}
