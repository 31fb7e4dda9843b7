/* What the twin sends: every planned flow destination that crosses a
 * firewall (its ports sampled when --sample asks), probes of traffic the
 * plan does not allow between the same endpoints, a responder in every
 * zone that receives, and a prober in every zone that sends. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/sfb_loop.h"
#include "net/sfb_netns.h"
#include "net/sfb_sys.h"
#include "sfb_twin_int.h"

/* Ports probed between two endpoints the plan joins, in the direction it
 * does not allow them (where the plan allows none of them): the services a
 * too wide rule would expose.  Besides these, the port just below and just
 * above each range the plan does allow (an off-by-one in a range). */
static const uint16_t unplanned_tcp[] = { 22, 23, 135, 139, 445, 1433, 3389, 5985, 8080, 31337 };
static const uint16_t unplanned_udp[] = { 69, 123, 137, 161, 500, 1900, 5353, 31337 };
#define UNPLANNED_EDGES 8   /* range edges probed at most, per pair and protocol */

static const sfb_portset *
own(struct sfb_twin_result *tw, sfb_portset *p)
{
	sfb_portset *heap;

	if (sfb_grow(&tw->owned, &tw->capowned, tw->nowned + 1, sizeof(*tw->owned)) != SFB_OK ||
	    (heap = malloc(sizeof(*heap))) == NULL) {
		sfb_portset_free(p);
		return NULL;
	}
	*heap = *p;
	sfb_portset_init(p);
	tw->owned[tw->nowned++] = heap;
	return heap;
}

/* The ports of dport to probe: all, or --sample of them spread over it
 * (both ends included); port 0 never (it cannot be reached). */
static const sfb_portset *
sampled(struct sfb_twin_result *tw, const sfb_portset *dport)
{
	sfb_portset p;
	uint64_t n = sfb_portset_count(dport), k, s = tw->o.sample;
	bool zero = sfb_portset_has(dport, 0);

	if ((s == 0 || n <= s) && !zero)
		return dport;
	sfb_portset_init(&p);
	if (s == 0 || n - zero <= s) {
		sfb_portset zero_only;
		sfb_status st;

		sfb_portset_init(&zero_only);
		st = sfb_portset_add(&zero_only, 0, 0);
		if (st == SFB_OK)
			st = sfb_iset_diff(&p.s, &dport->s, &zero_only.s);
		sfb_portset_free(&zero_only);
		if (st != SFB_OK)
			goto oom;
		return own(tw, &p);
	}
	for (k = 0; k < s; k++) {
		uint32_t port = sfb_portset_nth(dport, zero + (s > 1 ? k * (n - zero - 1) / (s - 1) : 0));

		if (sfb_portset_add(&p, port, port) != SFB_OK)
			goto oom;
	}
	return own(tw, &p);
oom:
	sfb_portset_free(&p);
	return NULL;
}

static sfb_status
add_skip(struct sfb_twin_result *tw, size_t flow, size_t s, size_t d, const char *why)
{
	if (sfb_grow(&tw->skip, &tw->capskip, tw->nskip + 1, sizeof(*tw->skip)) != SFB_OK)
		return sfb_oom(tw->ctx);
	tw->skip[tw->nskip++] = (struct twin_skip){ flow, s, d, why };
	return SFB_OK;
}

static void
v4(struct sfb_sockaddr *a, uint32_t addr)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&a->ss;

	memset(a, 0, sizeof(*a));
	in->sin_family = AF_INET;
	in->sin_addr.s_addr = htonl(addr);
	a->len = sizeof(*in);
	a->family = AF_INET;
}

/* Where a probe from zone zs reaches endpoint d: its public address from
 * the outside zone when the NAT is emulated, else its own. */
static uint32_t
dest_addr(const struct sfb_twin_result *tw, size_t zs, size_t d)
{
	const sfb_topology *t = tw->plan->topo;

	if (tw->o.nat && t->zones[zs].is_default && tw->ep_pub[d] != 0)
		return tw->ep_pub[d];
	return tw->ep_addr[d];
}

static sfb_status
add_spec(struct sfb_twin_result *tw, const struct sfb_probe_spec *sp)
{
	if (sfb_grow(&tw->specs, &tw->capspecs, tw->nspecs + 1, sizeof(*tw->specs)) != SFB_OK)
		return sfb_oom(tw->ctx);
	tw->specs[tw->nspecs++] = *sp;
	return SFB_OK;
}

static int
cmp_spec(const void *a, const void *b)
{
	const struct sfb_probe_spec *x = a, *y = b;

	if (x->flow != y->flow)
		return x->flow < y->flow ? -1 : 1;
	if (x->src_ep != y->src_ep)
		return x->src_ep < y->src_ep ? -1 : 1;
	if (x->dst_ep != y->dst_ep)
		return x->dst_ep < y->dst_ep ? -1 : 1;
	return x->proto - y->proto;
}

/* Every planned flow between endpoints of different zones, once (a flow
 * through two firewalls has an entry for each). */
static sfb_status
planned(struct sfb_twin_result *tw)
{
	const sfb_plan *plan = tw->plan;
	const sfb_topology *t = plan->topo;
	const struct sfb_entry *e;
	const struct sfb_cflow *f;
	struct sfb_probe_spec sp;
	size_t i, a, b, k, n;
	sfb_status st;

	for (i = 0; i < plan->nentries; i++) {
		e = &plan->entries[i];
		if (e->fw == SFB_NO_FIREWALL)
			continue;
		f = &plan->cat->flows[e->flow];
		for (a = 0; a < e->nsrc; a++) {
			for (b = 0; b < e->ndst; b++) {
				size_t s = e->src_eps[a], d = e->dst_eps[b];

				if (t->eps[s].host == t->eps[d].host || t->eps[s].zone == t->eps[d].zone)
					continue;
				for (k = 0; k < 2; k++) {
					if (!(f->proto & (k == 0 ? SFB_PROTO_TCP : SFB_PROTO_UDP)))
						continue;
					memset(&sp, 0, sizeof(sp));
					sp.flow = e->flow;
					sp.proto = k == 0 ? IPPROTO_TCP : IPPROTO_UDP;
					sp.src_ep = s;
					sp.dst_ep = d;
					sp.dport = sfb_entry_dport(plan->cat, e);
					if ((st = add_spec(tw, &sp)) != SFB_OK)
						return st;
				}
			}
		}
	}
	if (tw->nspecs == 0)
		return SFB_OK;
	qsort(tw->specs, tw->nspecs, sizeof(*tw->specs), cmp_spec);
	for (i = 1, n = 1; i < tw->nspecs; i++)
		if (cmp_spec(&tw->specs[i], &tw->specs[n - 1]) != 0)
			tw->specs[n++] = tw->specs[i];
	tw->nspecs = n;
	/* Addresses, ports; what cannot be emulated leaves the list. */
	for (i = 0, n = 0; i < tw->nspecs; i++) {
		struct sfb_probe_spec *x = &tw->specs[i];

		f = &plan->cat->flows[x->flow];
		if (tw->ep_addr[x->src_ep] == 0 || tw->ep_addr[x->dst_ep] == 0) {
			if (x->proto == IPPROTO_TCP || !(f->proto & SFB_PROTO_TCP))
				if ((st = add_skip(tw, x->flow, x->src_ep, x->dst_ep, "an endpoint has no "
				    "IPv4 address: the twin emulates IPv4 only")) != SFB_OK)
					return st;
			continue;
		}
		v4(&x->src, tw->ep_addr[x->src_ep]);
		v4(&x->dst, dest_addr(tw, t->eps[x->src_ep].zone, x->dst_ep));
		x->sport = sfb_portset_is_all(&f->sport) ? NULL : &f->sport;
		if ((x->dport = sampled(tw, x->dport)) == NULL)
			return sfb_oom(tw->ctx);
		if (sfb_portset_count(x->dport) == 0)
			continue;
		tw->specs[n++] = *x;
	}
	tw->nspecs = tw->nplanned = n;
	return SFB_OK;
}

/* The destination ports the plan lets endpoint s open to endpoint d with
 * proto, by address as the rules match them, through any entry. */
static sfb_status
allowed(const struct sfb_twin_result *tw, size_t s, size_t d, int proto, sfb_portset *out)
{
	const sfb_plan *plan = tw->plan;
	const struct sfb_entry *e;
	sfb_u128 sa = sfb_u128_make(0, tw->ep_addr[s]), da = sfb_u128_make(0, tw->ep_addr[d]);
	const sfb_portset *dp;
	size_t i;

	for (i = 0; i < plan->nentries; i++) {
		e = &plan->entries[i];
		if (!(plan->cat->flows[e->flow].proto & (proto == IPPROTO_TCP ? SFB_PROTO_TCP :
		    SFB_PROTO_UDP)))
			continue;
		if (!sfb_iset_has(&e->src.v4, sa) || !sfb_iset_has(&e->dst.v4, da))
			continue;
		dp = sfb_entry_dport(plan->cat, e);
		if (sfb_iset_union(&out->s, &dp->s) != SFB_OK)
			return SFB_ENOMEM;
	}
	return SFB_OK;
}

static sfb_status
unplanned_pair(struct sfb_twin_result *tw, size_t s, size_t d)
{
	const sfb_topology *t = tw->plan->topo;
	struct sfb_probe_spec sp;
	sfb_portset ok, try;
	const uint16_t *fixed;
	size_t nfixed, i, k, edges;
	int proto;
	sfb_status st = SFB_OK;

	sfb_portset_init(&ok);
	sfb_portset_init(&try);
	for (k = 0; k < 2 && st == SFB_OK; k++) {
		proto = k == 0 ? IPPROTO_TCP : IPPROTO_UDP;
		fixed = k == 0 ? unplanned_tcp : unplanned_udp;
		nfixed = k == 0 ? sizeof(unplanned_tcp) / sizeof(*fixed) :
		    sizeof(unplanned_udp) / sizeof(*fixed);
		sfb_iset_clear(&ok.s);
		sfb_iset_clear(&try.s);
		if (allowed(tw, s, d, proto, &ok) != SFB_OK)
			goto oom;
		for (i = 0; i < nfixed; i++)
			if (!sfb_portset_has(&ok, fixed[i]) &&
			    sfb_portset_add(&try, fixed[i], fixed[i]) != SFB_OK)
				goto oom;
		for (i = 0, edges = 0; i < ok.s.n && edges < UNPLANNED_EDGES; i++) {
			uint64_t lo = ok.s.r[i].lo.lo, hi = ok.s.r[i].hi.lo;

			if (lo > 1 && sfb_portset_add(&try, (uint32_t)lo - 1, (uint32_t)lo - 1) != SFB_OK)
				goto oom;
			if (hi < 65535 && sfb_portset_add(&try, (uint32_t)hi + 1, (uint32_t)hi + 1) != SFB_OK)
				goto oom;
			edges += 2;
		}
		if (sfb_portset_count(&try) == 0)
			continue;
		memset(&sp, 0, sizeof(sp));
		sp.flow = SFB_PROBE_UNPLANNED;
		sp.proto = proto;
		sp.src_ep = s;
		sp.dst_ep = d;
		v4(&sp.src, tw->ep_addr[s]);
		v4(&sp.dst, dest_addr(tw, t->eps[s].zone, d));
		if ((sp.dport = own(tw, &try)) == NULL)
			goto oom;
		st = add_spec(tw, &sp);
	}
	goto out;
oom:
	st = sfb_oom(tw->ctx);
out:
	sfb_portset_free(&ok);
	sfb_portset_free(&try);
	return st;
}

static int
cmp_pair(const void *a, const void *b)
{
	const size_t *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* Each pair of endpoints a planned flow joins, both ways round. */
static sfb_status
unplanned(struct sfb_twin_result *tw)
{
	size_t *pairs, n = 0, i;
	sfb_status st = SFB_OK;

	if (tw->nplanned == 0)
		return SFB_OK;
	if ((pairs = calloc(tw->nplanned * 4, sizeof(*pairs))) == NULL)
		return sfb_oom(tw->ctx);
	for (i = 0; i < tw->nplanned; i++) {
		pairs[2 * n] = tw->specs[i].src_ep;
		pairs[2 * n + 1] = tw->specs[i].dst_ep;
		n++;
		pairs[2 * n] = tw->specs[i].dst_ep;
		pairs[2 * n + 1] = tw->specs[i].src_ep;
		n++;
	}
	qsort(pairs, n, 2 * sizeof(*pairs), cmp_pair);
	for (i = 0; i < n && st == SFB_OK; i++) {
		if (i > 0 && cmp_pair(&pairs[2 * i], &pairs[2 * (i - 1)]) == 0)
			continue;
		st = unplanned_pair(tw, pairs[2 * i], pairs[2 * i + 1]);
	}
	free(pairs);
	return st;
}

static int
cmp_zone(const void *a, const void *b, void *arg)
{
	const struct sfb_twin_result *tw = arg;
	const struct sfb_probe_spec *x = a, *y = b;
	size_t zx = tw->plan->topo->eps[x->src_ep].zone, zy = tw->plan->topo->eps[y->src_ep].zone;

	if (zx != zy)
		return zx < zy ? -1 : 1;
	/* planned before unplanned, then as they came */
	if ((x->flow == SFB_PROBE_UNPLANNED) != (y->flow == SFB_PROBE_UNPLANNED))
		return x->flow == SFB_PROBE_UNPLANNED ? 1 : -1;
	return 0;
}

sfb_status
sfb_twin_specs(struct sfb_twin_result *tw)
{
	sfb_status st;

	if ((st = planned(tw)) != SFB_OK || (st = unplanned(tw)) != SFB_OK)
		return st;
	if (tw->nspecs > 0)
		qsort_r(tw->specs, tw->nspecs, sizeof(*tw->specs), cmp_zone, tw);
	return SFB_OK;
}

/* --- responders ------------------------------------------------------------ */

struct ready {
	int fd;
};

static void
on_ready(void *arg)
{
	const struct ready *r = arg;

	(void)!write(r->fd, "R", 1);
}

/* In the child: answer in zone z's namespace until killed. */
static void
respond_child(struct sfb_twin_result *tw, size_t z, const char *tcp, const char *udp,
    size_t expect, int fd)
{
	struct ready r = { fd };
	sfb_responder_opts ro;
	sfb_status st;
	int saved;
	const char *msg;

	memset(&ro, 0, sizeof(ro));
	ro.listen_tcp = tcp;
	ro.listen_udp = udp;
	ro.token = tw->token;
	ro.duration_s = 24 * 3600;  /* the parent kills it when the probes are done */
	ro.mode = SFB_RESPONDER_AUTO;
	ro.expect_probes = expect;
	ro.die_with_parent = true;
	ro.on_ready = on_ready;
	ro.ready_arg = &r;
	st = sfb_netns_enter(tw->ctx, tw->zns[z], &saved);
	if (st == SFB_OK)
		st = sfb_responder_run(tw->ctx, tw->plan, &ro);
	if (st != SFB_OK) {
		msg = sfb_ctx_error(tw->ctx);
		(void)!write(fd, "E", 1);
		(void)!write(fd, msg, strlen(msg));
	}
	_exit(st == SFB_OK ? 0 : 3);
}

/* Wait for the child's word: ready, or its error. */
static sfb_status
await_ready(struct sfb_twin_result *tw, size_t z, int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char buf[512];
	ssize_t n;

	if (poll(&p, 1, 30000) <= 0)
		return sfb_failf(tw->ctx, SFB_EIO, "twin: the responder of zone '%s' did not start",
		    tw->plan->topo->zones[z].name);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n >= 1 && buf[0] == 'R')
		return SFB_OK;
	if (n < 1)
		n = 1;
	buf[n] = '\0';
	return sfb_failf(tw->ctx, SFB_EIO, "twin: the responder of zone '%s' failed: %s",
	    tw->plan->topo->zones[z].name, n > 1 ? buf + 1 : "it exited");
}

/* Start a responder in zone z for the specs [first, last) that end there
 * (none: nothing to start). */
static sfb_status
start_responder(struct sfb_twin_result *tw, size_t z, size_t first, size_t last)
{
	const sfb_topology *t = tw->plan->topo;
	sfb_portset ports[2];
	sfb_buf tcp, udp;
	size_t i, expect = 0;
	int pipefd[2] = { -1, -1 };
	pid_t pid, parent;
	sfb_status st = SFB_OK;

	sfb_portset_init(&ports[0]);
	sfb_portset_init(&ports[1]);
	sfb_buf_init(&tcp);
	sfb_buf_init(&udp);
	for (i = first; i < last; i++) {
		const struct sfb_probe_spec *sp = &tw->specs[i];

		if (t->eps[sp->dst_ep].zone != z)
			continue;
		if (sfb_iset_union(&ports[sp->proto == IPPROTO_UDP].s, &sp->dport->s) != SFB_OK)
			goto oom;
		/* two passes, a retry each: four datagrams a port at most */
		expect += 4 * (size_t)sfb_portset_count(sp->dport);
	}
	if (sfb_portset_count(&ports[0]) + sfb_portset_count(&ports[1]) == 0)
		goto out;
	sfb_portset_print(&tcp, &ports[0]);
	sfb_portset_print(&udp, &ports[1]);
	if (sfb_buf_status(&tcp) != SFB_OK || sfb_buf_status(&udp) != SFB_OK ||
	    sfb_grow(&tw->resp, &tw->capresp, tw->nresp + 1, sizeof(*tw->resp)) != SFB_OK ||
	    pipe2(pipefd, O_CLOEXEC) != 0)
		goto oom;
	parent = getpid();
	if ((pid = fork()) < 0) {
		st = sfb_failf(tw->ctx, SFB_EIO, "twin: fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		/* Dies with the twin, even one killed outright. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
			_exit(3);
		close(pipefd[0]);
		respond_child(tw, z, sfb_portset_count(&ports[0]) > 0 ? sfb_buf_str(&tcp) : NULL,
		    sfb_portset_count(&ports[1]) > 0 ? sfb_buf_str(&udp) : NULL, expect + 4096,
		    pipefd[1]);
	}
	tw->resp[tw->nresp++] = pid;
	close(pipefd[1]);
	pipefd[1] = -1;
	st = await_ready(tw, z, pipefd[0]);
	goto out;
oom:
	st = sfb_oom(tw->ctx);
out:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	sfb_portset_free(&ports[0]);
	sfb_portset_free(&ports[1]);
	sfb_buf_free(&tcp);
	sfb_buf_free(&udp);
	return st;
}

void
sfb_twin_stop_responders(struct sfb_twin_result *tw)
{
	size_t i;

	/* They hold nothing that outlives them: their namespace goes next. */
	for (i = 0; i < tw->nresp; i++)
		kill(tw->resp[i], SIGKILL);
	for (i = 0; i < tw->nresp; i++)
		while (waitpid(tw->resp[i], NULL, 0) < 0 && errno == EINTR)
			;
	tw->nresp = 0;
}

/* --- probers ---------------------------------------------------------------- */

static sfb_status
flush_conntrack(struct sfb_twin_result *tw, size_t f)
{
	char *argv[] = { "conntrack", "--flush", NULL };
	sfb_buf err;
	int saved;
	sfb_status st;

	if ((st = sfb_netns_enter(tw->ctx, tw->fns[f], &saved)) != SFB_OK)
		return st;
	sfb_buf_init(&err);
	if (!sfb_sys_run(argv, NULL, &err))
		st = sfb_failf(tw->ctx, SFB_EIO, "twin: cannot empty the connection tracking of "
		    "firewall '%s' (conntrack --flush): %s", tw->plan->topo->fws[f].name,
		    err.len > 0 ? sfb_buf_str(&err) : "is the conntrack tool installed?");
	sfb_netns_leave(&saved);
	sfb_buf_free(&err);
	return st;
}

/* One prober run: the specs [i, j), all from zone z, against fresh
 * responders in the zones they end in.  Fresh, because a responder never
 * forgets a probe it answered (sfb_wire.h) and its memory is sized for
 * one run; and none in z itself, whose listeners would hold the ports a
 * flow's fixed source ports need. */
static sfb_status
probe_chunk(struct sfb_twin_result *tw, size_t z, size_t i, size_t j, uint64_t ports)
{
	const sfb_topology *t = tw->plan->topo;
	sfb_probe_opts po;
	size_t y;
	int saved;
	sfb_status st = SFB_OK;

	memset(&po, 0, sizeof(po));
	po.token = tw->token;
	po.rate = tw->o.rate;
	po.timeout_ms = tw->o.timeout_ms;
	po.retries = 1;
	po.engine = tw->o.engine;
	po.stop = tw->o.stop;
	if (sfb_grow(&tw->runs, &tw->capruns, tw->nruns + 1, sizeof(*tw->runs)) != SFB_OK ||
	    sfb_grow(&tw->run_zone, &tw->caprunzone, tw->nruns + 1, sizeof(*tw->run_zone)) != SFB_OK)
		return sfb_oom(tw->ctx);
	/* Every run starts with empty connection tracking: an entry a run
	 * before left (its probes' 4-tuples, seen from the other side: a fixed
	 * source port meets the ports the other way round) must not decide
	 * what this one sees. */
	for (y = 0; y < t->nfws && st == SFB_OK; y++)
		st = flush_conntrack(tw, y);
	for (y = 0; y < t->nzones && st == SFB_OK; y++)
		if (y != z)
			st = start_responder(tw, y, i, j);
	if (st == SFB_OK) {
		sfb_twin_log(tw, "twin: probing from zone '%s': %zu destination(s), %llu port(s), "
		    "%zu responder(s)", t->zones[z].name, j - i, (unsigned long long)ports, tw->nresp);
		st = sfb_netns_enter(tw->ctx, tw->zns[z], &saved);
	}
	if (st == SFB_OK) {
		st = sfb_probe_run_specs(tw->ctx, tw->plan, &po, &tw->specs[i], j - i,
		    &tw->runs[tw->nruns]);
		sfb_netns_leave(&saved);
	}
	sfb_twin_stop_responders(tw);
	if (st != SFB_OK)
		return st;
	tw->run_zone[tw->nruns] = z;
	if (tw->runs[tw->nruns++]->pr.stopped)
		tw->stopped = true;
	return SFB_OK;
}

sfb_status
sfb_twin_probe(struct sfb_twin_result *tw)
{
	const sfb_topology *t = tw->plan->topo;
	size_t i, j, z;
	uint64_t ports, n, t0 = sfb_clock_ms();
	sfb_status st = SFB_OK;

	for (i = 0; i < tw->nspecs && st == SFB_OK && !tw->stopped; i = j) {
		z = t->eps[tw->specs[i].src_ep].zone;
		ports = 0;
		for (j = i; j < tw->nspecs && t->eps[tw->specs[j].src_ep].zone == z; j++) {
			n = sfb_portset_count(tw->specs[j].dport);
			if (j > i && ports + n > TWIN_CHUNK_PORTS)
				break;
			ports += n;
		}
		if (tw->o.stop != NULL && *tw->o.stop) {
			tw->stopped = true;
			break;
		}
		st = probe_chunk(tw, z, i, j, ports);
	}
	tw->probe_ms = sfb_clock_ms() - t0;
	return st;
}
