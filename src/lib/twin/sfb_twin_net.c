/* The twin's network: an address for every endpoint, a namespace per zone
 * and per firewall, a veth pair per firewall and zone it joins, the routes
 * of every zone's path, and each firewall's rules.  Nothing is created in
 * the host's own namespace: each veth end is made inside its namespace. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/sfb_loop.h"
#include "net/sfb_netns.h"
#include "net/sfb_sys.h"
#include "plan/sfb_plan_fw.h"
#include "sfb_twin_int.h"

void
sfb_twin_print_addr(sfb_buf *b, uint32_t a)
{
	sfb_buf_printf(b, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

/* --- addresses ------------------------------------------------------------ */

static bool
parse_v4(const char *text, uint32_t *out)
{
	struct sfb_sockaddr a;

	if (text == NULL || !sfb_sockaddr_parse(text, 0, &a) || a.family != AF_INET)
		return false;
	*out = ntohl(((const struct sockaddr_in *)&a.ss)->sin_addr.s_addr);
	return true;
}

static bool
usable(const sfb_iset *used, uint32_t a)
{
	/* Not the first or last of a /24 either: a network or broadcast
	 * address would do in a namespace, but reads wrong in a report. */
	return (a & 0xff) != 0 && (a & 0xff) != 0xff &&
	    !sfb_iset_has(used, sfb_u128_make(0, a));
}

/* The first usable address of set (IPv4 keys), or 0. */
static uint32_t
first_free(const sfb_iset *set, const sfb_iset *used)
{
	size_t i;
	uint64_t a, end;

	for (i = 0; i < set->n; i++) {
		end = set->r[i].hi.lo;
		/* a bounded walk: a network of millions holds a free one early */
		for (a = set->r[i].lo.lo; a <= end && a - set->r[i].lo.lo < 65536; a++)
			if (a != 0 && usable(used, (uint32_t)a))
				return (uint32_t)a;
	}
	return 0;
}

sfb_status
sfb_twin_addresses(struct sfb_twin_result *tw)
{
	const sfb_topology *t = tw->plan->topo;
	sfb_iset used, spare, in;
	uint32_t a;
	size_t i;
	sfb_status st = SFB_OK;

	sfb_iset_init(&used);
	sfb_iset_init(&spare);
	sfb_iset_init(&in);
	tw->ep_addr = calloc(t->neps + 1, sizeof(*tw->ep_addr));
	tw->ep_pub = calloc(t->neps + 1, sizeof(*tw->ep_pub));
	if (tw->ep_addr == NULL || tw->ep_pub == NULL)
		goto oom;
	if (sfb_iset_add(&used, sfb_u128_make(0, TWIN_TRANSIT),
	    sfb_u128_make(0, TWIN_TRANSIT | 0xffffu)) != SFB_OK ||
	    sfb_iset_add(&spare, sfb_u128_make(0, TWIN_SPARE),
	    sfb_u128_make(0, TWIN_SPARE | ~TWIN_SPARE_MASK)) != SFB_OK)
		goto oom;
	/* The addresses the topology names come first: they are taken. */
	for (i = 0; i < t->neps; i++) {
		if (parse_v4(sfb_endpoint_address(&t->eps[i], false), &a)) {
			tw->ep_addr[i] = a;
			if (sfb_iset_add(&used, sfb_u128_make(0, a), sfb_u128_make(0, a)) != SFB_OK)
				goto oom;
		}
		if (parse_v4(t->eps[i].pub_text, &a)) {
			tw->ep_pub[i] = a;
			if (sfb_iset_add(&used, sfb_u128_make(0, a), sfb_u128_make(0, a)) != SFB_OK)
				goto oom;
		}
	}
	/* Then one address of each network endpoint's own. */
	for (i = 0; i < t->neps; i++) {
		if (tw->ep_addr[i] != 0 || sfb_iset_empty(&t->eps[i].addr.v4))
			continue;
		sfb_iset_clear(&in);
		if (sfb_iset_intersect(&in, &t->eps[i].addr.v4, &spare) != SFB_OK)
			goto oom;
		if ((a = first_free(&in, &used)) == 0)
			a = first_free(&t->eps[i].addr.v4, &used);
		if (a == 0)
			continue;  /* reported as not emulated */
		tw->ep_addr[i] = a;
		if (sfb_iset_add(&used, sfb_u128_make(0, a), sfb_u128_make(0, a)) != SFB_OK)
			goto oom;
	}
	goto out;
oom:
	st = sfb_oom(tw->ctx);
out:
	sfb_iset_free(&used);
	sfb_iset_free(&spare);
	sfb_iset_free(&in);
	return st;
}

/* --- names ------------------------------------------------------------------ */

static bool
ifname_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 15)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

/* The firewall's interface toward a zone: the topology's name for it
 * (interfaces:), else the zone's name when it makes one, else zone<k>:
 * rules that name interfaces then match the twin as they would the
 * firewall. */
static void
fw_ifname(const struct sfb_firewall *f, const sfb_topology *t, size_t k, char out[16])
{
	const char *z = t->zones[f->zones[k]].name;
	sfb_buf b;
	size_t j;

	sfb_buf_init(&b);
	if (f->ifnames != NULL && f->ifnames[k] != NULL)
		sfb_buf_puts(&b, f->ifnames[k]);
	else if (ifname_ok(z))
		sfb_buf_puts(&b, z);
	for (j = 0; j < k && b.len > 0; j++)
		if (f->ifnames == NULL && strcmp(t->zones[f->zones[j]].name, sfb_buf_str(&b)) == 0)
			b.len = 0;
	if (b.len == 0 || b.len > 15 || sfb_buf_status(&b) != SFB_OK) {
		sfb_buf_reset(&b);
		sfb_buf_printf(&b, "zone%zu", k);
	}
	memcpy(out, sfb_buf_str(&b), b.len + 1);
	sfb_buf_free(&b);
}

static sfb_status
make_names(struct sfb_twin_result *tw)
{
	const sfb_topology *t = tw->plan->topo;
	sfb_buf b;
	size_t i, k;

	sfb_buf_init(&b);
	tw->zns = calloc(t->nzones + 1, sizeof(char *));
	tw->fns = calloc(t->nfws + 1, sizeof(char *));
	for (i = 0; i < t->nfws; i++)
		tw->nlinks += t->fws[i].nzones;
	if (tw->nlinks > TWIN_MAX_LINKS)
		return sfb_failf(tw->ctx, SFB_ERANGE, "twin: %zu firewall interfaces; at most %d",
		    tw->nlinks, TWIN_MAX_LINKS);
	tw->links = calloc(tw->nlinks + 1, sizeof(*tw->links));
	if (tw->zns == NULL || tw->fns == NULL || tw->links == NULL)
		return sfb_oom(tw->ctx);
	for (i = 0; i < t->nzones; i++) {
		sfb_buf_reset(&b);
		sfb_buf_printf(&b, "%sz%zu", tw->prefix, i);
		if (sfb_buf_status(&b) != SFB_OK || (tw->zns[i] = strdup(sfb_buf_str(&b))) == NULL)
			goto oom;
	}
	for (i = 0; i < t->nfws; i++) {
		sfb_buf_reset(&b);
		sfb_buf_printf(&b, "%sf%zu", tw->prefix, i);
		if (sfb_buf_status(&b) != SFB_OK || (tw->fns[i] = strdup(sfb_buf_str(&b))) == NULL)
			goto oom;
	}
	tw->nlinks = 0;
	for (i = 0; i < t->nfws; i++) {
		for (k = 0; k < t->fws[i].nzones; k++) {
			struct twin_link *l = &tw->links[tw->nlinks];
			uint32_t base = TWIN_TRANSIT | (uint32_t)(tw->nlinks / 64) << 8 |
			    (uint32_t)(tw->nlinks % 64) * 4;

			l->fw = i;
			l->zone = t->fws[i].zones[k];
			l->k = k;
			fw_ifname(&t->fws[i], t, k, l->fw_if);
			/* i < 4096 firewalls: "fw4095" fits */
			sfb_buf_reset(&b);
			sfb_buf_printf(&b, "fw%zu", i);
			memcpy(l->zone_if, sfb_buf_str(&b), b.len + 1);
			l->zone_addr = base + 1;
			l->fw_addr = base + 2;
			tw->nlinks++;
		}
	}
	sfb_buf_free(&b);
	return SFB_OK;
oom:
	sfb_buf_free(&b);
	return sfb_oom(tw->ctx);
}

/* --- routes ------------------------------------------------------------------ */

static const struct twin_link *
link_of(const struct sfb_twin_result *tw, size_t fw, size_t zone)
{
	size_t i;

	for (i = 0; i < tw->nlinks; i++)
		if (tw->links[i].fw == fw && tw->links[i].zone == zone)
			return &tw->links[i];
	return NULL;
}

struct route_ctx {
	sfb_buf *b;
	uint32_t via;
};

static sfb_status
route_cidr(void *arg, const char *cidr)
{
	struct route_ctx *rc = arg;

	sfb_buf_printf(rc->b, "route replace %s via ", cidr);
	sfb_twin_print_addr(rc->b, rc->via);
	sfb_buf_putc(rc->b, '\n');
	return SFB_OK;
}

/* Routes for what zone y holds (its networks, its endpoints' addresses
 * and, with NAT, their public ones) via gateway via. */
static void
routes_to_zone(const struct sfb_twin_result *tw, size_t y, uint32_t via, sfb_buf *b)
{
	const sfb_topology *t = tw->plan->topo;
	struct route_ctx rc = { b, via };
	size_t i;

	(void)sfb_addrset_each_cidr(&t->zones[y].nets, 4, route_cidr, &rc);
	for (i = 0; i < t->neps; i++) {
		if (t->eps[i].zone != y)
			continue;
		if (tw->ep_addr[i] != 0) {
			sfb_buf_puts(b, "route replace ");
			sfb_twin_print_addr(b, tw->ep_addr[i]);
			sfb_buf_puts(b, "/32 via ");
			sfb_twin_print_addr(b, via);
			sfb_buf_putc(b, '\n');
		}
		if (tw->o.nat && tw->ep_pub[i] != 0) {
			sfb_buf_puts(b, "route replace ");
			sfb_twin_print_addr(b, tw->ep_pub[i]);
			sfb_buf_puts(b, "/32 via ");
			sfb_twin_print_addr(b, via);
			sfb_buf_putc(b, '\n');
		}
	}
}

static void
link_up(sfb_buf *b, const char *ifname, uint32_t addr)
{
	sfb_buf_puts(b, "addr add ");
	sfb_twin_print_addr(b, addr);
	sfb_buf_printf(b, "/30 dev %s\nlink set %s up\n", ifname, ifname);
}

/* ip commands of zone z's namespace: its endpoints' addresses on lo, its
 * links, and a route to every other zone through the first firewall on
 * the way. */
static void
zone_commands(const struct sfb_twin_result *tw, size_t z, sfb_buf *b)
{
	const sfb_topology *t = tw->plan->topo;
	const struct twin_link *l;
	size_t i, y, n = t->nzones;

	sfb_buf_puts(b, "link set lo up\n");
	for (i = 0; i < t->neps; i++) {
		if (t->eps[i].zone != z || tw->ep_addr[i] == 0)
			continue;
		sfb_buf_puts(b, "addr replace ");
		sfb_twin_print_addr(b, tw->ep_addr[i]);
		sfb_buf_puts(b, "/32 dev lo\n");
	}
	for (i = 0; i < tw->nlinks; i++)
		if (tw->links[i].zone == z)
			link_up(b, tw->links[i].zone_if, tw->links[i].zone_addr);
	for (y = 0; y < n; y++) {
		if (y == z || sfb_plan_path_len(tw->plan, y, z) <= 0)
			continue;
		/* The breadth-first tree from y ends in z through via_fw: the
		 * firewall next to z on a shortest path, the first hop from z. */
		l = link_of(tw, tw->plan->via_fw[y * n + z], z);
		if (l != NULL)
			routes_to_zone(tw, y, l->fw_addr, b);
	}
}

/* ip commands of firewall f's namespace: its links and, for every zone,
 * a route through the zone of its own nearest to it. */
static void
fw_commands(const struct sfb_twin_result *tw, size_t f, sfb_buf *b)
{
	const sfb_topology *t = tw->plan->topo;
	const struct twin_link *l;
	size_t i, y, k;

	sfb_buf_puts(b, "link set lo up\n");
	for (i = 0; i < tw->nlinks; i++)
		if (tw->links[i].fw == f)
			link_up(b, tw->links[i].fw_if, tw->links[i].fw_addr);
	for (y = 0; y < t->nzones; y++) {
		if ((k = sfb_plan_fw_side(tw->plan, f, y)) == SIZE_MAX)
			continue;
		if ((l = link_of(tw, f, t->fws[f].zones[k])) != NULL)
			routes_to_zone(tw, y, l->zone_addr, b);
	}
}

/* --- building ------------------------------------------------------------- */

/* Forwarding on, no reverse path filter (a zone's addresses sit on lo and
 * it routes for the zones behind it), and no ICMP rate limit: a reject
 * rule answers thousands of probes a second, and a limited answer reads
 * as "filtered". */
static sfb_status
tune(struct sfb_twin_result *tw, const char *ns)
{
	static const char *const set[][2] = {
		{ "net/ipv4/conf/all/rp_filter", "0" },
		{ "net/ipv4/conf/default/rp_filter", "0" },
		{ "net/ipv4/conf/lo/rp_filter", "0" },
		{ "net/ipv4/ip_forward", "1" },
		{ "net/ipv4/icmp_ratemask", "0" },
	};
	int saved;
	size_t i;
	sfb_status st;

	if ((st = sfb_netns_enter(tw->ctx, ns, &saved)) != SFB_OK)
		return st;
	for (i = 0; i < sizeof(set) / sizeof(set[0]) && st == SFB_OK; i++)
		st = sfb_netns_sysctl(tw->ctx, set[i][0], set[i][1]);
	sfb_netns_leave(&saved);
	return st;
}

static sfb_status
batch_in(struct sfb_twin_result *tw, const char *ns, const char *what, sfb_buf *cmds)
{
	int saved;
	sfb_status st;

	if (sfb_buf_status(cmds) != SFB_OK)
		return sfb_oom(tw->ctx);
	if ((st = sfb_netns_enter(tw->ctx, ns, &saved)) != SFB_OK)
		return st;
	st = sfb_netns_ip_batch(tw->ctx, what, sfb_buf_str(cmds));
	sfb_netns_leave(&saved);
	return st;
}

/* Does the text look like iptables-save output (a "*table" line before
 * any rule)? */
static bool
is_iptables_save(const char *text)
{
	sfb_cur c;
	int ch;

	sfb_cur_init_str(&c, text);
	while (!sfb_cur_eof(&c)) {
		sfb_cur_while(&c, " \t\r\n");
		ch = sfb_cur_peek(&c);
		if (ch == '#') {
			sfb_cur_until(&c, "\n");
			continue;
		}
		return ch == '*';
	}
	return false;
}

static sfb_status
load_rules(struct sfb_twin_result *tw, size_t f)
{
	const sfb_topology *t = tw->plan->topo;
	char *generated = NULL;
	char *nft[] = { "nft", "-f", "-", NULL }, *ipt[] = { "iptables-restore", NULL, NULL };
	const char *text = tw->rules_text[f];
	sfb_fw_opts fo;
	sfb_buf err;
	int saved = -1;
	bool ipts;
	sfb_status st;

	sfb_buf_init(&err);
	if (text == NULL) {
		memset(&fo, 0, sizeof(fo));
		fo.nat = tw->o.nat;
		if ((st = sfb_firewall_write_opts(tw->ctx, tw->plan, SFB_TARGET_NFTABLES,
		    t->fws[f].name, &fo, &generated)) != SFB_OK)
			goto out;
		text = generated;
	}
	ipts = is_iptables_save(text);
	/* The user's file by its name, so that a complaint names it too. */
	if (tw->rules_text[f] != NULL) {
		nft[2] = (char *)tw->rules_file[f];
		ipt[1] = (char *)tw->rules_file[f];
		text = NULL;
	}
	if ((st = sfb_netns_enter(tw->ctx, tw->fns[f], &saved)) != SFB_OK)
		goto out;
	if (!sfb_sys_run(ipts ? ipt : nft, text, &err)) {
		/* The user's file is input: its failure is theirs to mend. */
		st = sfb_failf(tw->ctx, tw->rules_text[f] != NULL ? SFB_EINVAL : SFB_EIO,
		    "twin: firewall '%s': %s does not load (%s): %s", t->fws[f].name,
		    tw->rules_text[f] != NULL ? tw->rules_file[f] : "the generated ruleset",
		    ipts ? "iptables-restore" : "nft -f", err.len > 0 ? sfb_buf_str(&err) :
		    "no message");
	}
out:
	sfb_netns_leave(&saved);
	free(generated);
	sfb_buf_free(&err);
	return st;
}

sfb_status
sfb_twin_build(struct sfb_twin_result *tw)
{
	const sfb_topology *t = tw->plan->topo;
	sfb_buf b;
	size_t i;
	sfb_status st;
	uint64_t t0 = sfb_clock_ms();

	sfb_buf_init(&b);
	if ((st = make_names(tw)) != SFB_OK)
		goto out;
	/* From now on teardown deletes every name of ours: ip says "no such"
	 * for one never made, and that is ignored. */
	tw->built = true;
	for (i = 0; i < t->nzones; i++)
		sfb_buf_printf(&b, "netns add %s\n", tw->zns[i]);
	for (i = 0; i < t->nfws; i++)
		sfb_buf_printf(&b, "netns add %s\n", tw->fns[i]);
	if (sfb_buf_status(&b) != SFB_OK) {
		st = sfb_oom(tw->ctx);
		goto out;
	}
	if ((st = sfb_netns_ip_batch(tw->ctx, "twin: making the namespaces", sfb_buf_str(&b))) !=
	    SFB_OK)
		goto out;
	for (i = 0; i < t->nzones && st == SFB_OK; i++)
		st = tune(tw, tw->zns[i]);
	for (i = 0; i < t->nfws && st == SFB_OK; i++)
		st = tune(tw, tw->fns[i]);
	if (st != SFB_OK)
		goto out;
	sfb_buf_reset(&b);
	for (i = 0; i < tw->nlinks; i++)
		sfb_buf_printf(&b, "link add %s netns %s type veth peer name %s netns %s\n",
		    tw->links[i].fw_if, tw->fns[tw->links[i].fw], tw->links[i].zone_if,
		    tw->zns[tw->links[i].zone]);
	if (sfb_buf_status(&b) != SFB_OK) {
		st = sfb_oom(tw->ctx);
		goto out;
	}
	if ((st = sfb_netns_ip_batch(tw->ctx, "twin: linking the namespaces", sfb_buf_str(&b))) !=
	    SFB_OK)
		goto out;
	for (i = 0; i < t->nzones && st == SFB_OK; i++) {
		sfb_buf_reset(&b);
		zone_commands(tw, i, &b);
		st = batch_in(tw, tw->zns[i], "twin: addresses and routes of a zone", &b);
	}
	for (i = 0; i < t->nfws && st == SFB_OK; i++) {
		sfb_buf_reset(&b);
		fw_commands(tw, i, &b);
		st = batch_in(tw, tw->fns[i], "twin: addresses and routes of a firewall", &b);
	}
	for (i = 0; i < t->nfws && st == SFB_OK; i++)
		st = load_rules(tw, i);
	if (st == SFB_OK)
		sfb_twin_log(tw, "twin: %zu zone and %zu firewall namespace(s), %zu link(s), "
		    "rules loaded", t->nzones, t->nfws, tw->nlinks);
out:
	tw->build_ms = sfb_clock_ms() - t0;
	sfb_buf_free(&b);
	return st;
}

void
sfb_twin_teardown(struct sfb_twin_result *tw)
{
	const sfb_topology *t = tw->plan->topo;
	sfb_buf b;
	size_t i;

	sfb_twin_stop_responders(tw);
	if (!tw->built || tw->o.keep)
		return;
	sfb_buf_init(&b);
	for (i = 0; i < t->nzones; i++)
		if (tw->zns[i] != NULL)
			sfb_buf_printf(&b, "netns del %s\n", tw->zns[i]);
	for (i = 0; i < t->nfws; i++)
		if (tw->fns[i] != NULL)
			sfb_buf_printf(&b, "netns del %s\n", tw->fns[i]);
	if (sfb_buf_status(&b) == SFB_OK) {
		char *argv[] = { "ip", "-force", "-batch", "-", NULL };

		(void)sfb_sys_run(argv, sfb_buf_str(&b), NULL);
	}
	sfb_buf_free(&b);
	tw->built = false;
}
