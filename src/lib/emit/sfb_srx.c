/* Juniper SRX target: "set" commands for `load set`.
 *
 * SRX policies live in a (from-zone, to-zone) context, the zones of the
 * interfaces a connection arrives on and leaves by.  An entry's sources are
 * grouped by the zone of the firewall they arrive from and its
 * destinations by the zone they are reached through (sfb_plan_zsplit);
 * every pair of different zones gets one policy per protocol, so the
 * policies of an entry together pass exactly its sources towards its
 * destinations across the firewall.  Destination NAT happens before the
 * policy lookup, so destinations are named by their inside address.
 * Everything is written into the configuration group "sfbnet", which the
 * first line deletes: loading the file again replaces what it loaded. */
#include "sfb_emit.h"

#include <stdlib.h>
#include <string.h>

#include "sfb_strv.h"

#define SRX_GROUP "set groups sfbnet "
#define SRX_NAME_MAX 63     /* policy, application, address and zone names */
#define SRX_SET "SFB-SET-"

struct app {
	int proto;
	const sfb_portset *sport, *dport;
};

struct srx {
	const sfb_plan *plan;
	size_t fw, first, count;
	struct sfb_zsplit *srcs, *dsts;  /* per entry */
	struct sfb_setreg sets;          /* address sets SFB-SET-<n> */
	struct app *apps;                /* applications sfb-app-<n> */
	size_t napps, capapps;
	sfb_strv addrs;                  /* address entries written so far */
};

static bool
is_keyword(const sfb_addrset *a)
{
	return sfb_emit_any_keyword(a, "", "", "") != NULL;
}

static void
write_addr_ref(sfb_buf *b, struct srx *x, const sfb_addrset *a)
{
	const char *kw = sfb_emit_any_keyword(a, "any", "any-ipv4", "any-ipv6");

	if (kw != NULL)
		sfb_buf_puts(b, kw);
	else
		sfb_buf_printf(b, SRX_SET "%ld", sfb_setreg_add(&x->sets, a) + 1);
}

static long
app_add(struct srx *x, int proto, const sfb_portset *sport, const sfb_portset *dport)
{
	size_t i;

	for (i = 0; i < x->napps; i++)
		if (x->apps[i].proto == proto && sfb_iset_equal(&x->apps[i].sport->s, &sport->s) &&
		    sfb_iset_equal(&x->apps[i].dport->s, &dport->s))
			return (long)i;
	if (sfb_grow(&x->apps, &x->capapps, x->napps + 1, sizeof(*x->apps)) != SFB_OK)
		return -1;
	x->apps[x->napps].proto = proto;
	x->apps[x->napps].sport = sport;
	x->apps[x->napps].dport = dport;
	return (long)x->napps++;
}

/* Split every entry and register its sets and applications in the order
 * the policies use them. */
static sfb_status
collect(struct srx *x)
{
	const struct sfb_entry *e;
	const struct sfb_cflow *f;
	const struct sfb_zsplit *s, *d;
	int protos[2], np, k;
	size_t i, a, z, rules = 0;

	for (i = 0; i < x->count; i++) {
		e = &x->plan->entries[x->first + i];
		f = &x->plan->cat->flows[e->flow];
		if (sfb_plan_zsplit(x->plan, x->fw, e->src_eps, e->nsrc, &x->srcs[i]) != SFB_OK ||
		    sfb_plan_zsplit(x->plan, x->fw, e->dst_eps, e->ndst, &x->dsts[i]) != SFB_OK)
			return SFB_ENOMEM;
		s = &x->srcs[i];
		d = &x->dsts[i];
		np = sfb_emit_protos(f->proto, protos);
		/* A policy per pair of zones: bounded before anything is built. */
		rules += s->n * d->n * (size_t)np;
		if (rules > SFB_PLAN_MAX_RULES)
			return SFB_ERANGE;
		for (a = 0; a < s->n; a++) {
			for (z = 0; z < d->n; z++) {
				if (s->p[a].zone == d->p[z].zone ||
				    !sfb_emit_meet(&s->p[a].addr, &d->p[z].addr))
					continue;
				if ((!is_keyword(&s->p[a].addr) &&
				    sfb_setreg_add(&x->sets, &s->p[a].addr) < 0) ||
				    (!is_keyword(&d->p[z].addr) &&
				    sfb_setreg_add(&x->sets, &d->p[z].addr) < 0))
					return SFB_ENOMEM;
				for (k = 0; k < np; k++)
					if (app_add(x, protos[k], &f->sport, sfb_entry_dport(x->plan->cat, e)) < 0)
						return SFB_ENOMEM;
			}
		}
	}
	return SFB_OK;
}

/* The name of the address entry of one CIDR block, readable and in the
 * characters every Junos version takes: "sfb-10.10.1.12_31",
 * "sfb-2001-db8--_32". */
static void
addr_name(sfb_buf *b, const char *cidr)
{
	size_t i;

	sfb_buf_puts(b, "sfb-");
	for (i = 0; cidr[i] != '\0'; i++)
		sfb_buf_putc(b, cidr[i] == '/' ? '_' : cidr[i] == ':' ? '-' : cidr[i]);
}

struct set_ctx {
	struct srx *x;
	sfb_buf *b;
	size_t set;
	bool members;     /* second pass: the address-set lines */
};

static sfb_status
write_addr(void *arg, const char *cidr)
{
	struct set_ctx *sc = arg;
	sfb_buf *b = sc->b;
	sfb_status st;

	if (sc->members) {
		sfb_buf_printf(b, SRX_GROUP "security address-book global address-set "
		    SRX_SET "%zu address ", sc->set + 1);
		addr_name(b, cidr);
		sfb_buf_putc(b, '\n');
		return sfb_buf_status(b);
	}
	/* One address entry per block, however many sets hold it. */
	if (sfb_strv_has(&sc->x->addrs, cidr))
		return SFB_OK;
	if ((st = sfb_strv_add(&sc->x->addrs, cidr, false)) != SFB_OK)
		return st;
	sfb_buf_puts(b, SRX_GROUP "security address-book global address ");
	addr_name(b, cidr);
	/* Address entries take prefixes: hosts get /32 and /128. */
	sfb_buf_printf(b, " %s%s\n", cidr, strchr(cidr, '/') != NULL ? "" :
	    strchr(cidr, ':') != NULL ? "/128" : "/32");
	return sfb_buf_status(b);
}

static sfb_status
write_address_book(struct srx *x, sfb_buf *b)
{
	struct set_ctx sc = { x, b, 0, false };
	int fam;
	sfb_status st;

	for (sc.set = 0; sc.set < x->sets.n; sc.set++) {
		for (fam = 4; fam <= 6; fam += 2) {
			sc.members = false;
			if ((st = sfb_addrset_each_cidr(x->sets.sets[sc.set], fam, write_addr, &sc))
			    != SFB_OK)
				return st;
		}
		for (fam = 4; fam <= 6; fam += 2) {
			sc.members = true;
			if ((st = sfb_addrset_each_cidr(x->sets.sets[sc.set], fam, write_addr, &sc))
			    != SFB_OK)
				return st;
		}
	}
	return sfb_buf_status(b);
}

/* An application: one term per (source range, destination range), since a
 * term takes one range of each. */
static void
write_apps(struct srx *x, sfb_buf *b)
{
	const struct app *ap;
	size_t i, s, d, ns, nd, term;
	unsigned slo, shi, dlo, dhi;

	for (i = 0; i < x->napps; i++) {
		ap = &x->apps[i];
		ns = sfb_portset_is_all(ap->sport) ? 1 : sfb_emit_nranges(ap->sport);
		nd = sfb_portset_is_all(ap->dport) ? 1 : sfb_emit_nranges(ap->dport);
		term = 0;
		for (s = 0; s < ns; s++) {
			for (d = 0; d < nd; d++) {
				term++;
				sfb_buf_printf(b, SRX_GROUP "applications application sfb-app-%zu "
				    "term t%zu protocol %s\n", i + 1, term,
				    ap->proto == SFB_PROTO_TCP ? "tcp" : "udp");
				if (!sfb_portset_is_all(ap->sport)) {
					sfb_emit_range(ap->sport, s, &slo, &shi);
					sfb_buf_printf(b, SRX_GROUP "applications application "
					    "sfb-app-%zu term t%zu source-port ", i + 1, term);
					if (slo == shi)
						sfb_buf_printf(b, "%u\n", slo);
					else
						sfb_buf_printf(b, "%u-%u\n", slo, shi);
				}
				if (sfb_portset_is_all(ap->dport)) {
					dlo = 0;
					dhi = 65535;
				} else {
					sfb_emit_range(ap->dport, d, &dlo, &dhi);
				}
				sfb_buf_printf(b, SRX_GROUP "applications application sfb-app-%zu "
				    "term t%zu destination-port ", i + 1, term);
				if (dlo == dhi)
					sfb_buf_printf(b, "%u\n", dlo);
				else
					sfb_buf_printf(b, "%u-%u\n", dlo, dhi);
			}
		}
	}
}

/* "sfb-<flow>-<proto>-<n>": unique in the file (flow ids are unique per
 * firewall); an id too long for the 63 characters is replaced by the
 * entry's number. */
static void
policy_name(sfb_buf *b, const char *flow, size_t entry, const char *proto, size_t n)
{
	size_t start = b->len;

	sfb_buf_puts(b, "sfb-");
	sfb_emit_name(b, flow, SRX_NAME_MAX);
	sfb_buf_printf(b, "-%s-%zu", proto, n);
	if (b->len - start > SRX_NAME_MAX && b->data != NULL) {
		b->len = start;
		b->data[b->len] = '\0';
		sfb_buf_printf(b, "sfb-e%zu-%s-%zu", entry + 1, proto, n);
	}
}

static void
write_policies(struct srx *x, sfb_buf *b)
{
	const struct sfb_entry *e;
	const struct sfb_cflow *f;
	const struct sfb_zsplit *s, *d;
	const sfb_topology *t = x->plan->topo;
	sfb_buf ctx, name;
	int protos[2], np, k;
	size_t i, a, z, n;
	const char *pname;

	sfb_buf_init(&ctx);
	sfb_buf_init(&name);
	for (i = 0; i < x->count; i++) {
		e = &x->plan->entries[x->first + i];
		f = &x->plan->cat->flows[e->flow];
		s = &x->srcs[i];
		d = &x->dsts[i];
		np = sfb_emit_protos(f->proto, protos);
		sfb_buf_puts(b, "# ");
		sfb_emit_comment(b, x->plan, e, 255);
		sfb_buf_putc(b, '\n');
		for (k = 0; k < np; k++) {
			pname = protos[k] == SFB_PROTO_TCP ? "tcp" : "udp";
			n = 0;
			for (a = 0; a < s->n; a++) {
				for (z = 0; z < d->n; z++) {
					if (s->p[a].zone == d->p[z].zone ||
					    !sfb_emit_meet(&s->p[a].addr, &d->p[z].addr))
						continue;
					sfb_buf_reset(&name);
					policy_name(&name, f->id, i, pname, ++n);
					sfb_buf_reset(&ctx);
					sfb_buf_puts(&ctx, SRX_GROUP "security policies from-zone ");
					sfb_emit_name(&ctx, t->zones[s->p[a].zone].name, SRX_NAME_MAX);
					sfb_buf_puts(&ctx, " to-zone ");
					sfb_emit_name(&ctx, t->zones[d->p[z].zone].name, SRX_NAME_MAX);
					sfb_buf_printf(&ctx, " policy %s ", sfb_buf_str(&name));
					sfb_buf_printf(b, "%smatch source-address ", sfb_buf_str(&ctx));
					write_addr_ref(b, x, &s->p[a].addr);
					sfb_buf_printf(b, "\n%smatch destination-address ",
					    sfb_buf_str(&ctx));
					write_addr_ref(b, x, &d->p[z].addr);
					sfb_buf_printf(b, "\n%smatch application sfb-app-%ld\n",
					    sfb_buf_str(&ctx),
					    app_add(x, protos[k], &f->sport, sfb_entry_dport(x->plan->cat, e)) + 1);
					sfb_buf_printf(b, "%sthen permit\n", sfb_buf_str(&ctx));
				}
			}
		}
	}
	if (ctx.oom || name.oom)
		b->oom = true;
	sfb_buf_free(&ctx);
	sfb_buf_free(&name);
}

/* --nat: a static NAT rule-set from the outside zone (static NAT on the
 * SRX is bidirectional: inbound to the inside address, outbound from it
 * to the public one). */
static sfb_status
write_nat(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, sfb_buf *b)
{
	const sfb_topology *t = plan->topo;
	struct sfb_nats nats;
	const struct sfb_nat *n;
	size_t i;
	sfb_status st;

	if ((st = sfb_plan_nats(ctx, plan, fw, &nats)) != SFB_OK)
		return st;
	sfb_emit_nat_header(b, "#");
	sfb_buf_puts(b, "#   As a static NAT rule-set, which works both ways.\n"
	    "#   A public address in the outside interface's subnet also needs proxy-arp\n"
	    "#   (set security nat proxy-arp interface IF address PUBLIC/32).\n");
	if (nats.n > 0) {
		sfb_buf_puts(b, SRX_GROUP "security nat static rule-set sfbnet-nat from zone ");
		sfb_emit_name(b, t->zones[nats.outside].name, SRX_NAME_MAX);
		sfb_buf_putc(b, '\n');
	}
	for (i = 0; i < nats.n; i++) {
		n = &nats.v[i];
		sfb_buf_printf(b, SRX_GROUP "security nat static rule-set sfbnet-nat rule nat-%zu "
		    "match destination-address %s/%d\n", i + 1, n->pub, n->family == 4 ? 32 : 128);
		sfb_buf_printf(b, SRX_GROUP "security nat static rule-set sfbnet-nat rule nat-%zu "
		    "then static-nat prefix %s/%d\n", i + 1, n->inside, n->family == 4 ? 32 : 128);
	}
	st = sfb_buf_status(b);
	sfb_plan_nats_free(&nats);
	return st;
}

static sfb_status sfb_srx_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, const sfb_fw_opts *o,
    sfb_buf *b);

static sfb_status
sfb_srx_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, const sfb_fw_opts *o, sfb_buf *b)
{
	const struct sfb_firewall *f = &plan->topo->fws[fw];
	struct srx x;
	size_t i, k;
	sfb_status st;

	memset(&x, 0, sizeof(x));
	x.plan = plan;
	x.fw = fw;
	sfb_setreg_init(&x.sets);
	sfb_strv_init(&x.addrs);
	sfb_plan_fw_range(plan, fw, &x.first, &x.count);
	x.srcs = calloc(x.count + 1, sizeof(*x.srcs));
	x.dsts = calloc(x.count + 1, sizeof(*x.dsts));
	if (x.srcs == NULL || x.dsts == NULL) {
		st = SFB_ENOMEM;
		goto out;
	}
	if ((st = collect(&x)) != SFB_OK) {
		if (st == SFB_ERANGE)
			st = sfb_plan_too_many(ctx, plan, fw, "Juniper SRX");
		goto out;
	}

	sfb_emit_header(b, plan, fw, "Juniper SRX", "#");
	sfb_buf_puts(b, "#   (the SRX translates destinations before the policy lookup)\n"
	    "# security zones: the zones of the topology, by name:");
	for (k = 0; k < f->nzones; k++) {
		sfb_buf_putc(b, ' ');
		sfb_emit_name(b, plan->topo->zones[f->zones[k]].name, SRX_NAME_MAX);
	}
	sfb_buf_puts(b, "\n# load: load set FILE (or load set terminal), then commit check, commit.\n"
	    "#   Everything is in the configuration group sfbnet, deleted first: loading\n"
	    "#   again replaces it.  Policies inherited from the group come after the\n"
	    "#   policies configured directly in the same zone pair.\n");
	if (o->mode == SFB_MODE_INCLUDE)
		sfb_buf_puts(b, "# mode: include: no default policy is set; the zone pairs keep\n"
		    "#   your own policies, which come before the group's.\n"
		    "# remove: delete groups sfbnet, delete apply-groups sfbnet, commit.\n");
	sfb_buf_puts(b, "delete groups sfbnet\n");
	if ((st = write_address_book(&x, b)) != SFB_OK)
		goto out;
	write_apps(&x, b);
	if (o->nat && (st = write_nat(ctx, plan, fw, b)) != SFB_OK)
		goto out;
	write_policies(&x, b);
	/* The factory default, written so the file states its guarantee. */
	if (o->mode != SFB_MODE_INCLUDE)
		sfb_buf_puts(b, SRX_GROUP "security policies default-policy deny-all\n");
	sfb_buf_puts(b, "set apply-groups sfbnet\n");
	st = sfb_buf_status(b);
out:
	if (st == SFB_ENOMEM)
		st = sfb_oom(ctx);
	for (i = 0; x.srcs != NULL && i < x.count; i++)
		sfb_zsplit_free(&x.srcs[i]);
	for (i = 0; x.dsts != NULL && i < x.count; i++)
		sfb_zsplit_free(&x.dsts[i]);
	free(x.srcs);
	free(x.dsts);
	free(x.apps);
	sfb_setreg_free(&x.sets);
	sfb_strv_free(&x.addrs);
	return st;
}

const struct sfb_emit_target sfb_target_srx = {
	"srx", SFB_TARGET_SRX, sfb_srx_write, NULL, NULL
};
