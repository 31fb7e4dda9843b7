/* Cisco ASA target: configuration lines to paste in configuration mode.
 *
 * The ASA filters a connection once, with the access list bound to the
 * interface it arrives on, and lets its replies back through its
 * connection table: so each plan entry becomes one ACE per protocol in the
 * access list of every interface its sources arrive on, and nothing is
 * written for replies.  An interface's nameif is the firewall's
 * `interfaces:` name for that zone, or the zone's name where the topology
 * names none.  In the list of the outside zone's interface, sources that
 * are the whole outside zone are written "any": the interface pins them,
 * and the zone's complement of the inside networks would be dozens of
 * blocks.  Address sets
 * and port lists are object groups, each written once however many ACEs
 * use it.  ASA 8.3 and later match the real (untranslated) address in
 * access lists, so destinations are named by their inside address, as on
 * Linux.  ASA 9.0 or later: IPv4 and IPv6 share access lists and groups.
 *
 * Include mode (--acl NAME): the entries are appended to an access list of
 * the admin's, one ACE per flow and protocol with all its sources (the
 * list's binding is theirs), with no access-group and no final deny.  The
 * ASA refuses a duplicate ACE and an object already in a group, so pasting
 * the same file again adds nothing; lines starting "!undo " remove what the
 * file added (to paste before a newer file). */
#include "sfb_emit.h"

#include <stdlib.h>
#include <string.h>

#define ASA_NAME_MAX 48       /* nameif allows 48 characters */
#define ASA_REMARK_MAX 100    /* access-list remark text */
#define ASA_ACL "SFB-IN-"
#define ASA_NET "SFB-NET-"
#define ASA_SVC "SFB-SVC-"

struct asa {
	const sfb_plan *plan;
	const char *acl;             /* include mode: the admin's access list; else NULL */
	size_t fw, first, count;
	struct sfb_zsplit *srcs;     /* per entry: its sources by arriving interface */
	struct sfb_setreg nets;      /* network object groups SFB-NET-<n> */
	const sfb_portset **svcs;    /* service object groups SFB-SVC-<n> */
	size_t nsvcs, capsvcs;
};

/* The interface name (nameif) of a zone: the firewall's interface toward
 * it where the topology names one, else the zone's name, in the
 * characters nameif takes. */
static void
zone_ifname(sfb_buf *b, const struct asa *x, size_t zone)
{
	const struct sfb_firewall *f = &x->plan->topo->fws[x->fw];
	size_t k;

	for (k = 0; f->ifnames != NULL && k < f->nzones; k++)
		if (f->zones[k] == zone) {
			sfb_emit_name(b, f->ifnames[k], ASA_NAME_MAX);
			return;
		}
	sfb_emit_name(b, x->plan->topo->zones[zone].name, ASA_NAME_MAX);
}

/* Sources arriving on the outside zone's interface that are that whole
 * zone: "any" says it (the interface admits nothing else from outside). */
static bool
outside_any(const struct asa *x, size_t zone, const sfb_addrset *a)
{
	const struct sfb_zone *z = &x->plan->topo->zones[zone];

	return z->is_default && sfb_iset_equal(&a->v4, &z->space.v4) &&
	    sfb_iset_equal(&a->v6, &z->space.v6);
}

/* A port set needs a service group when it is neither every port, one
 * port, nor one range (those are written inline). */
static bool
needs_group(const sfb_portset *p)
{
	return !sfb_portset_is_all(p) && sfb_emit_nranges(p) > 1;
}

static long
svc_add(struct asa *x, const sfb_portset *p)
{
	size_t i;

	for (i = 0; i < x->nsvcs; i++)
		if (sfb_iset_equal(&x->svcs[i]->s, &p->s))
			return (long)i;
	if (sfb_grow(&x->svcs, &x->capsvcs, x->nsvcs + 1, sizeof(*x->svcs)) != SFB_OK)
		return -1;
	x->svcs[x->nsvcs] = p;
	return (long)x->nsvcs++;
}

/* An address set needs a network group unless a keyword says it. */
static bool
is_keyword(const sfb_addrset *a)
{
	return sfb_emit_any_keyword(a, "", "", "") != NULL;
}

static void
write_addr_ref(sfb_buf *b, struct asa *x, const sfb_addrset *a)
{
	const char *kw = sfb_emit_any_keyword(a, " any", " any4", " any6");

	if (kw != NULL)
		sfb_buf_puts(b, kw);
	else
		sfb_buf_printf(b, " object-group " ASA_NET "%ld", sfb_setreg_add(&x->nets, a) + 1);
}

static void
write_port_ref(sfb_buf *b, struct asa *x, const sfb_portset *p)
{
	unsigned lo, hi;

	if (sfb_portset_is_all(p))
		return;
	if (needs_group(p)) {
		sfb_buf_printf(b, " object-group " ASA_SVC "%ld", svc_add(x, p) + 1);
		return;
	}
	sfb_emit_range(p, 0, &lo, &hi);
	if (lo == hi)
		sfb_buf_printf(b, " eq %u", lo);
	else
		sfb_buf_printf(b, " range %u %u", lo, hi);
}

/* Register every group in the order the ACEs use them, so numbers follow
 * the rules. */
static sfb_status
collect(struct asa *x)
{
	const struct sfb_entry *e;
	const struct sfb_cflow *f;
	size_t i, k;

	for (i = 0; i < x->count; i++) {
		e = &x->plan->entries[x->first + i];
		f = &x->plan->cat->flows[e->flow];
		if (sfb_plan_zsplit(x->plan, x->fw, e->src_eps, e->nsrc, &x->srcs[i]) != SFB_OK)
			return SFB_ENOMEM;
		if (x->acl != NULL) {
			if (!sfb_emit_meet(&e->src, &e->dst))
				continue;
			if ((!is_keyword(&e->src) && sfb_setreg_add(&x->nets, &e->src) < 0) ||
			    (!is_keyword(&e->dst) && sfb_setreg_add(&x->nets, &e->dst) < 0) ||
			    (needs_group(&f->sport) && svc_add(x, &f->sport) < 0) ||
			    (needs_group(sfb_entry_dport(x->plan->cat, e)) &&
			    svc_add(x, sfb_entry_dport(x->plan->cat, e)) < 0))
				return SFB_ENOMEM;
			continue;
		}
		for (k = 0; k < x->srcs[i].n; k++) {
			if (!sfb_emit_meet(&x->srcs[i].p[k].addr, &e->dst))
				continue;
			if ((!is_keyword(&x->srcs[i].p[k].addr) &&
			    !outside_any(x, x->srcs[i].p[k].zone, &x->srcs[i].p[k].addr) &&
			    sfb_setreg_add(&x->nets, &x->srcs[i].p[k].addr) < 0) ||
			    (!is_keyword(&e->dst) && sfb_setreg_add(&x->nets, &e->dst) < 0))
				return SFB_ENOMEM;
			if ((needs_group(&f->sport) && svc_add(x, &f->sport) < 0) ||
			    (needs_group(sfb_entry_dport(x->plan->cat, e)) && svc_add(x, sfb_entry_dport(x->plan->cat, e)) < 0))
				return SFB_ENOMEM;
		}
	}
	return SFB_OK;
}

static sfb_status
write_netobj(void *arg, const char *cidr)
{
	sfb_buf *b = arg;
	const char *slash = strchr(cidr, '/');
	uint64_t plen;
	uint32_t mask;

	if (slash == NULL) {
		sfb_buf_printf(b, " network-object host %s\n", cidr);
	} else if (strchr(cidr, ':') != NULL) {
		sfb_buf_printf(b, " network-object %s\n", cidr);
	} else {
		/* IPv4 objects take a netmask, not a prefix length. */
		if (!sfb_parse_uint(slash + 1, 32, &plen))
			return SFB_EINVAL;
		mask = plen == 0 ? 0 : (uint32_t)(0xffffffffu << (32 - plen));
		sfb_buf_puts(b, " network-object ");
		sfb_buf_add(b, cidr, (size_t)(slash - cidr));
		sfb_buf_printf(b, " %u.%u.%u.%u\n", mask >> 24, (mask >> 16) & 0xff,
		    (mask >> 8) & 0xff, mask & 0xff);
	}
	return sfb_buf_status(b);
}

static sfb_status
write_groups(struct asa *x, sfb_buf *b)
{
	size_t i, k;
	unsigned lo, hi;
	int fam;
	sfb_status st;

	for (i = 0; i < x->nets.n; i++) {
		sfb_buf_printf(b, "object-group network " ASA_NET "%zu\n", i + 1);
		for (fam = 4; fam <= 6; fam += 2) {
			if ((st = sfb_addrset_each_cidr(x->nets.sets[i], fam, write_netobj, b))
			    != SFB_OK)
				return st;
		}
	}
	for (i = 0; i < x->nsvcs; i++) {
		/* tcp-udp: one group serves the tcp and the udp ACEs of a flow. */
		sfb_buf_printf(b, "object-group service " ASA_SVC "%zu tcp-udp\n", i + 1);
		for (k = 0; k < sfb_emit_nranges(x->svcs[i]); k++) {
			sfb_emit_range(x->svcs[i], k, &lo, &hi);
			if (lo == hi)
				sfb_buf_printf(b, " port-object eq %u\n", lo);
			else
				sfb_buf_printf(b, " port-object range %u %u\n", lo, hi);
		}
	}
	return sfb_buf_status(b);
}

/* The ACL of one interface: a remark and one ACE per protocol for each
 * entry with sources arriving there, then an explicit deny (the ASA denies
 * the rest anyway; written so the hit count shows what was refused). */
static void
write_acl(struct asa *x, sfb_buf *b, size_t zone)
{
	const struct sfb_entry *e;
	const struct sfb_cflow *f;
	sfb_buf acl;
	int protos[2], np, k;
	size_t i, p;

	sfb_buf_init(&acl);
	sfb_buf_puts(&acl, ASA_ACL);
	zone_ifname(&acl, x, zone);
	for (i = 0; i < x->count; i++) {
		e = &x->plan->entries[x->first + i];
		f = &x->plan->cat->flows[e->flow];
		for (p = 0; p < x->srcs[i].n && x->srcs[i].p[p].zone != zone; p++)
			;
		if (p == x->srcs[i].n || !sfb_emit_meet(&x->srcs[i].p[p].addr, &e->dst))
			continue;
		sfb_buf_printf(b, "access-list %s remark ", sfb_buf_str(&acl));
		sfb_emit_comment(b, x->plan, e, ASA_REMARK_MAX);
		sfb_buf_putc(b, '\n');
		np = sfb_emit_protos(f->proto, protos);
		for (k = 0; k < np; k++) {
			sfb_buf_printf(b, "access-list %s extended permit %s", sfb_buf_str(&acl),
			    protos[k] == SFB_PROTO_TCP ? "tcp" : "udp");
			if (outside_any(x, zone, &x->srcs[i].p[p].addr))
				sfb_buf_puts(b, " any");
			else
				write_addr_ref(b, x, &x->srcs[i].p[p].addr);
			write_port_ref(b, x, &f->sport);
			write_addr_ref(b, x, &e->dst);
			write_port_ref(b, x, sfb_entry_dport(x->plan->cat, e));
			sfb_buf_putc(b, '\n');
		}
	}
	sfb_buf_printf(b, "access-list %s extended deny ip any any\n", sfb_buf_str(&acl));
	if (acl.oom)
		b->oom = true;
	sfb_buf_free(&acl);
}

/* Include mode: the ACEs of every entry in the admin's list (pfx "" ), or
 * the lines that remove them (pfx "!undo no "). */
static void
write_include_aces(struct asa *x, sfb_buf *b, const char *pfx)
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
		if (pfx[0] == '\0') {
			sfb_buf_printf(b, "access-list %s remark ", x->acl);
			sfb_emit_comment(b, x->plan, e, ASA_REMARK_MAX);
			sfb_buf_putc(b, '\n');
		}
		np = sfb_emit_protos(f->proto, protos);
		for (k = 0; k < np; k++) {
			sfb_buf_printf(b, "%saccess-list %s extended permit %s", pfx, x->acl,
			    protos[k] == SFB_PROTO_TCP ? "tcp" : "udp");
			write_addr_ref(b, x, &e->src);
			write_port_ref(b, x, &f->sport);
			write_addr_ref(b, x, &e->dst);
			write_port_ref(b, x, sfb_entry_dport(x->plan->cat, e));
			sfb_buf_putc(b, '\n');
		}
	}
}

/* --nat: one network object per public address with a static object NAT
 * (bidirectional: inbound to the real address, outbound from it), between
 * the interface on the endpoint's side and the outside one; *count: how
 * many objects, for include mode's !undo lines. */
static sfb_status
write_nat(sfb_ctx *ctx, struct asa *x, sfb_buf *b, size_t *count)
{
	const sfb_topology *t = x->plan->topo;
	struct sfb_nats nats;
	const struct sfb_nat *n;
	size_t i;
	sfb_status st;

	if ((st = sfb_plan_nats(ctx, x->plan, x->fw, &nats)) != SFB_OK)
		return st;
	sfb_emit_nat_header(b, "!");
	sfb_buf_puts(b, "!   As static object NAT: one network object per public address.\n");
	for (i = 0; i < nats.n; i++) {
		n = &nats.v[i];
		sfb_buf_printf(b, "object network SFB-NAT-%zu\n description nat: host ", i + 1);
		sfb_emit_name(b, t->hosts[t->eps[n->ep].host].name, 64);
		sfb_buf_printf(b, "\n host %s\n nat (", n->inside);
		zone_ifname(b, x, n->in_zone);
		sfb_buf_putc(b, ',');
		zone_ifname(b, x, nats.outside);
		sfb_buf_printf(b, ") static %s\n", n->pub);
	}
	*count = nats.n;
	st = sfb_buf_status(b);
	sfb_plan_nats_free(&nats);
	return st;
}

static sfb_status
write_include(sfb_ctx *ctx, struct asa *x, sfb_buf *b, bool nat)
{
	size_t i, nnat = 0;
	sfb_status st;

	sfb_buf_printf(b, "! mode: include: entries appended to your access list %s, with no\n"
	    "!   access-group and no final deny: the list's binding and its end are yours.\n"
	    "!   It needs no interface names: the sources of a flow are all in one entry.\n"
	    "! load: paste in configuration mode.  Pasting the same file again adds nothing\n"
	    "!   (the ASA refuses duplicate entries and objects).\n"
	    "! remove (before pasting a newer file): the lines that start \"!undo \",\n"
	    "!   without that prefix:  grep '^!undo ' FILE | cut -c7-\n", x->acl);
	if ((st = write_groups(x, b)) != SFB_OK)
		return st == SFB_ENOMEM ? st : sfb_failf(ctx, st, "asa: cannot write the object groups");
	if (nat && (st = write_nat(ctx, x, b, &nnat)) != SFB_OK)
		return st;
	write_include_aces(x, b, "");
	write_include_aces(x, b, "!undo no ");
	for (i = 0; i < nnat; i++)
		sfb_buf_printf(b, "!undo no object network SFB-NAT-%zu\n", i + 1);
	for (i = 0; i < x->nets.n; i++)
		sfb_buf_printf(b, "!undo no object-group network " ASA_NET "%zu\n", i + 1);
	for (i = 0; i < x->nsvcs; i++)
		sfb_buf_printf(b, "!undo no object-group service " ASA_SVC "%zu\n", i + 1);
	return sfb_buf_status(b);
}

static sfb_status sfb_asa_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, const sfb_fw_opts *o,
    sfb_buf *b);

static sfb_status
sfb_asa_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, const sfb_fw_opts *o, sfb_buf *b)
{
	const struct sfb_firewall *f = &plan->topo->fws[fw];
	struct asa x;
	sfb_buf name;
	size_t i, k;
	sfb_status st;

	memset(&x, 0, sizeof(x));
	x.plan = plan;
	x.fw = fw;
	x.acl = o->mode == SFB_MODE_INCLUDE ? o->acl : NULL;
	sfb_setreg_init(&x.nets);
	sfb_buf_init(&name);
	sfb_plan_fw_range(plan, fw, &x.first, &x.count);
	x.srcs = calloc(x.count + 1, sizeof(*x.srcs));
	if (x.srcs == NULL) {
		st = SFB_ENOMEM;
		goto out;
	}
	if ((st = collect(&x)) != SFB_OK)
		goto out;

	sfb_emit_header(b, plan, fw, "Cisco ASA", "!");
	sfb_buf_puts(b, "!   (ASA 8.3 and later match access lists on the real, untranslated address)\n"
	    "! needs ASA 9.0 or later (IPv4 and IPv6 in one access list).\n");
	if (x.acl != NULL) {
		st = write_include(ctx, &x, b, o->nat);
		goto out;
	}
	if (f->ifnames != NULL) {
		sfb_buf_puts(b, "! interfaces: the nameif toward each zone, from the topology:");
		for (k = 0; k < f->nzones; k++) {
			sfb_buf_putc(b, ' ');
			sfb_emit_name(b, plan->topo->zones[f->zones[k]].name, ASA_NAME_MAX);
			sfb_buf_putc(b, '=');
			zone_ifname(b, &x, f->zones[k]);
		}
	} else {
		sfb_buf_puts(b, "! interfaces: the nameif of each interface is its zone's name:");
		for (k = 0; k < f->nzones; k++) {
			sfb_buf_putc(b, ' ');
			zone_ifname(b, &x, f->zones[k]);
		}
	}
	sfb_buf_puts(b, "\n! load: paste in configuration mode.  The first lines remove what an\n"
	    "!   earlier paste created (on a first paste they report that it does not\n"
	    "!   exist), so pasting again replaces the " ASA_ACL " access lists and the\n"
	    "!   " ASA_NET " and " ASA_SVC " object groups.\n");
	/* Access lists go first: a group in use by an ACE cannot be removed. */
	for (k = 0; k < f->nzones; k++) {
		sfb_buf_puts(b, "clear configure access-list " ASA_ACL);
		zone_ifname(b, &x, f->zones[k]);
		sfb_buf_putc(b, '\n');
	}
	for (i = 0; i < x.nets.n; i++)
		sfb_buf_printf(b, "no object-group network " ASA_NET "%zu\n", i + 1);
	for (i = 0; i < x.nsvcs; i++)
		sfb_buf_printf(b, "no object-group service " ASA_SVC "%zu\n", i + 1);
	if ((st = write_groups(&x, b)) != SFB_OK) {
		if (st != SFB_ENOMEM)
			st = sfb_failf(ctx, st, "asa: cannot write the object groups");
		goto out;
	}
	if (o->nat && (st = write_nat(ctx, &x, b, &i)) != SFB_OK)
		goto out;
	/* Every interface gets an access list, even without flows: an
	 * interface without one would let traffic through by security level. */
	for (k = 0; k < f->nzones; k++)
		write_acl(&x, b, f->zones[k]);
	for (k = 0; k < f->nzones; k++) {
		sfb_buf_reset(&name);
		zone_ifname(&name, &x, f->zones[k]);
		sfb_buf_printf(b, "access-group " ASA_ACL "%s in interface %s\n",
		    sfb_buf_str(&name), sfb_buf_str(&name));
	}
	st = sfb_buf_status(b);
	if (st == SFB_OK && name.oom)
		st = SFB_ENOMEM;
out:
	if (st == SFB_ENOMEM)
		st = sfb_oom(ctx);
	for (i = 0; x.srcs != NULL && i < x.count; i++)
		sfb_zsplit_free(&x.srcs[i]);
	free(x.srcs);
	free(x.svcs);
	sfb_setreg_free(&x.nets);
	sfb_buf_free(&name);
	return st;
}

const struct sfb_emit_target sfb_target_asa = {
	"asa", SFB_TARGET_ASA, sfb_asa_write, NULL, NULL
};
