/* pf target (OpenBSD, FreeBSD): the rules of an anchor, for
 * `pfctl -a sfbnet -f FILE`.
 *
 * Address sets are tables, each written once however many rules use it;
 * one "pass in quick ... keep state" rule per entry and protocol, and pf
 * lets replies through on the state.  A table holds both families, so an
 * entry needs one rule whatever its families.  pf translates (rdr-to, rdr)
 * before the filter rules see a packet, so destinations are named by their
 * inside address.  The anchor only passes: the main ruleset blocks the
 * rest (see the header). */
#include "sfb_emit.h"

#include <string.h>

#define PF_ANCHOR "sfbnet"
#define PF_LABEL_MAX 63     /* PF_RULE_LABEL_SIZE is 64 with the NUL */

struct pf {
	const sfb_plan *plan;
	size_t first, count;
	struct sfb_setreg tables;   /* <sfb_<n>> */
};

static sfb_status
collect(struct pf *x)
{
	const struct sfb_entry *e;
	size_t i;

	for (i = 0; i < x->count; i++) {
		e = &x->plan->entries[x->first + i];
		if (!sfb_emit_meet(&e->src, &e->dst))
			continue;
		if ((!sfb_emit_is_all(&e->src, 0) && sfb_setreg_add(&x->tables, &e->src) < 0) ||
		    (!sfb_emit_is_all(&e->dst, 0) && sfb_setreg_add(&x->tables, &e->dst) < 0))
			return SFB_ENOMEM;
	}
	return SFB_OK;
}

/* One element per line, each line continued with a backslash; pf takes
 * blanks as well as commas between the elements of a list. */
static sfb_status
write_element(void *arg, const char *cidr)
{
	sfb_buf *b = arg;

	sfb_buf_printf(b, "\t%s \\\n", cidr);
	return sfb_buf_status(b);
}

static sfb_status
write_tables(struct pf *x, sfb_buf *b)
{
	size_t i;
	int fam;
	sfb_status st;

	for (i = 0; i < x->tables.n; i++) {
		sfb_buf_printf(b, "table <sfb_%zu> const { \\\n", i + 1);
		for (fam = 4; fam <= 6; fam += 2)
			if ((st = sfb_addrset_each_cidr(x->tables.sets[i], fam, write_element, b))
			    != SFB_OK)
				return st;
		sfb_buf_puts(b, "}\n");
	}
	return sfb_buf_status(b);
}

static void
write_addr(sfb_buf *b, struct pf *x, const sfb_addrset *a)
{
	if (sfb_emit_is_all(a, 0))
		sfb_buf_puts(b, "any");
	else
		sfb_buf_printf(b, "<sfb_%ld>", sfb_setreg_add(&x->tables, a) + 1);
}

/* " port 443", " port 50000:59999" (inclusive) or " port { 443 5061 }". */
static void
write_ports(sfb_buf *b, const sfb_portset *p)
{
	size_t i, n = sfb_emit_nranges(p);
	unsigned lo, hi;

	if (sfb_portset_is_all(p))
		return;
	sfb_buf_puts(b, n > 1 ? " port {" : " port");
	for (i = 0; i < n; i++) {
		sfb_emit_range(p, i, &lo, &hi);
		if (lo == hi)
			sfb_buf_printf(b, " %u", lo);
		else
			sfb_buf_printf(b, " %u:%u", lo, hi);
	}
	if (n > 1)
		sfb_buf_puts(b, " }");
}

static void
write_rules(struct pf *x, sfb_buf *b)
{
	const struct sfb_entry *e;
	const struct sfb_cflow *f;
	int protos[2], np, k;
	size_t i;

	for (i = 0; i < x->count; i++) {
		e = &x->plan->entries[x->first + i];
		f = &x->plan->cat->flows[e->flow];
		if (!sfb_emit_meet(&e->src, &e->dst))
			continue;
		sfb_buf_puts(b, "# ");
		sfb_emit_comment(b, x->plan, e, 255);
		sfb_buf_putc(b, '\n');
		np = sfb_emit_protos(f->proto, protos);
		for (k = 0; k < np; k++) {
			sfb_buf_printf(b, "pass in quick proto %s from ",
			    protos[k] == SFB_PROTO_TCP ? "tcp" : "udp");
			write_addr(b, x, &e->src);
			write_ports(b, &f->sport);
			sfb_buf_puts(b, " to ");
			write_addr(b, x, &e->dst);
			write_ports(b, sfb_entry_dport(x->plan->cat, e));
			/* The label names the flow in pfctl -s labels; flow ids
			 * hold no quote. */
			sfb_buf_puts(b, " keep state label \"");
			sfb_emit_name(b, f->id, PF_LABEL_MAX);
			sfb_buf_puts(b, "\"\n");
		}
	}
}

/* --nat, in OpenBSD's syntax (match rules with rdr-to and nat-to; pf
 * applies them before the anchor's pass rules see the packet). */
static sfb_status
write_nat(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, sfb_buf *b)
{
	const sfb_topology *t = plan->topo;
	struct sfb_nats nats;
	const struct sfb_nat *x;
	size_t i, z;
	int fam;
	sfb_status st;

	if ((st = sfb_plan_nats(ctx, plan, fw, &nats)) != SFB_OK)
		return st;
	sfb_emit_nat_header(b, "#");
	sfb_buf_puts(b, "#   OpenBSD syntax (match ... rdr-to / nat-to); FreeBSD's pf writes the same\n"
	    "#   as binat rules in a binat-anchor.\n");
	if (nats.n > 0) {
		sfb_buf_puts(b, "table <sfb_inside> const { \\\n");
		for (z = 0; z < t->nzones; z++)
			for (fam = 4; fam <= 6 && z != nats.outside; fam += 2)
				if ((st = sfb_addrset_each_cidr(&t->zones[z].space, fam,
				    write_element, b)) != SFB_OK)
					goto out;
		sfb_buf_puts(b, "}\n");
	}
	for (i = 0; i < nats.n; i++) {
		x = &nats.v[i];
		sfb_buf_printf(b, "match in to %s rdr-to %s label \"nat-in-", x->pub, x->inside);
		sfb_emit_name(b, t->hosts[t->eps[x->ep].host].name, PF_LABEL_MAX - 8);
		sfb_buf_printf(b, "\"\nmatch out from %s to ! <sfb_inside> nat-to %s static-port "
		    "label \"nat-out-", x->inside, x->pub);
		sfb_emit_name(b, t->hosts[t->eps[x->ep].host].name, PF_LABEL_MAX - 8);
		sfb_buf_puts(b, "\"\n");
	}
	st = sfb_buf_status(b);
out:
	sfb_plan_nats_free(&nats);
	return st;
}

static sfb_status sfb_pf_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, const sfb_fw_opts *o,
    sfb_buf *b);

static sfb_status
sfb_pf_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, const sfb_fw_opts *o, sfb_buf *b)
{
	struct pf x;
	sfb_status st;

	memset(&x, 0, sizeof(x));
	x.plan = plan;
	sfb_setreg_init(&x.tables);
	sfb_plan_fw_range(plan, fw, &x.first, &x.count);
	if ((st = collect(&x)) != SFB_OK)
		goto out;

	sfb_emit_header(b, plan, fw, "pf", "#");
	sfb_buf_puts(b, "#   (pf translates, rdr-to or rdr, before the filter rules see a packet)\n");
	if (o->mode == SFB_MODE_INCLUDE)
		sfb_buf_puts(b, "# mode: include: the anchor only passes; your pf.conf keeps its own\n"
		    "#   policy and evaluates the anchor where it says, once:\n"
		    "#   anchor \"" PF_ANCHOR "\"\n"
		    "# remove: pfctl -a " PF_ANCHOR " -F all, then take the anchor line out\n");
	else
		sfb_buf_puts(b, "# pf.conf of the firewall must hold, once:\n"
		    "#   block all                 # default drop\n"
		    "#   pass out keep state       # or your own outbound rules\n"
		    "#   anchor \"" PF_ANCHOR "\"\n");
	sfb_buf_puts(b, "# load: pfctl -a " PF_ANCHOR " -f FILE  (replaces the anchor's rules and tables;\n"
	    "#   pfctl -n -a " PF_ANCHOR " -f FILE checks without loading)\n");
	if ((st = write_tables(&x, b)) != SFB_OK)
		goto out;
	if (o->nat && (st = write_nat(ctx, plan, fw, b)) != SFB_OK)
		goto out;
	write_rules(&x, b);
	st = sfb_buf_status(b);
out:
	if (st == SFB_ENOMEM)
		st = sfb_oom(ctx);
	sfb_setreg_free(&x.tables);
	return st;
}

const struct sfb_emit_target sfb_target_pf = {
	"pf", SFB_TARGET_PF, sfb_pf_write, NULL, NULL
};
