/* The prober: every destination port of every planned flow from one host,
 * each a small state machine on the one event loop, with a timeout and a
 * typed verdict. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "plan/sfb_plan.h"
#include "plan/sfb_plan_fw.h"
#include "net/sfb_loop.h"
#include "net/sfb_net.h"
#include "sfb_prober.h"
#include "net/sfb_sys.h"
#include "net/sfb_wire.h"
#include "sfbnet/pathtest.h"
#include "sfb_text.h"


/* Once ADAPT_SAMPLES answers have come back, a probe waits twice the
 * retransmission timeout TCP would use (srtt + 4 rttvar, RFC 6298), at
 * least ADAPT_FLOOR_MS (nmap -T4's floor) and at most --timeout. */
#define ADAPT_SAMPLES 32
#define ADAPT_FLOOR_MS 100

/* How long a probe waits for its answer now. */
static unsigned
current_timeout(const struct prober *pr)
{
	double t;

	if (pr->o->fixed_timeout || pr->rtt_samples < ADAPT_SAMPLES)
		return pr->o->timeout_ms;
	t = 2 * (pr->srtt + 4 * pr->rttvar) / 1000.0;
	if (t < ADAPT_FLOOR_MS)
		t = ADAPT_FLOOR_MS;
	return t < pr->o->timeout_ms ? (unsigned)t : pr->o->timeout_ms;
}

/* --- targets from the plan ---------------------------------------------- */

static bool
sorted_has(const size_t *v, size_t n, size_t x)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid] == x)
			return true;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Does the entry start at one of the host's endpoints?  *outside tells
 * whether that endpoint is in the outside (default) zone. */
static bool
starts_at_host(const struct prober *pr, const struct sfb_entry *e, bool *outside, size_t *src_ep)
{
	const sfb_topology *t = pr->plan->topo;
	const struct sfb_host *h = &t->hosts[pr->host];
	size_t i;

	for (i = h->first_ep; i < h->first_ep + h->nep; i++) {
		if (sorted_has(e->src_eps, e->nsrc, i)) {
			*outside = t->zones[t->eps[i].zone].is_default;
			*src_ep = i;
			return true;
		}
	}
	return false;
}

/* Does this machine hold the address (can a socket be bound to it)? */
static bool
address_held(const struct sfb_sockaddr *a)
{
	int fd = socket(a->family, SOCK_DGRAM | SOCK_CLOEXEC, 0), ok;

	if (fd < 0)
		return true;   /* cannot tell: let the probe say what happens */
	ok = bind(fd, (const struct sockaddr *)&a->ss, a->len) == 0 || errno != EADDRNOTAVAIL;
	close(fd);
	return ok;
}

/* The address a flow's probes leave from: --source, or the flow's source
 * endpoint's own address (one address, not a network).  Sent from any
 * other, a correct firewall drops them (an Edge's outbound flows leave
 * from one external address, not the internal one the kernel would pick).
 * 1: *out set; 0: no address to bind (a network, another family);
 * -1: this machine does not hold it. */
static int
source_of(struct prober *pr, size_t src_ep, int family, struct sfb_sockaddr *out)
{
	const char *a = pr->o->source != NULL ? pr->o->source :
	    sfb_endpoint_address(&pr->plan->topo->eps[src_ep], false);

	if (a == NULL || !sfb_sockaddr_parse(a, 0, out) || out->family != family)
		return 0;
	/* The targets of one source come one after the other: asked once. */
	if (!pr->held_known || pr->held_addr.len != out->len ||
	    memcmp(&pr->held_addr.ss, &out->ss, out->len) != 0) {
		pr->held_addr = *out;
		pr->held = address_held(out);
		pr->held_known = true;
	}
	return pr->held ? 1 : -1;
}

static sfb_status
add_skip(struct prober *pr, size_t flow, size_t dst_ep, int proto, const char *why)
{
	size_t i;

	for (i = 0; i < pr->nskip; i++)
		if (pr->skip[i].flow == flow && pr->skip[i].dst_ep == dst_ep &&
		    pr->skip[i].proto == proto)
			return SFB_OK;
	if (sfb_grow(&pr->skip, &pr->capskip, pr->nskip + 1, sizeof(*pr->skip)) != SFB_OK)
		return SFB_ENOMEM;
	pr->skip[pr->nskip++] = (struct skipped){ flow, dst_ep, proto, why };
	return SFB_OK;
}

/* The --target address standing in for a destination that is a network:
 * "HOST=ADDRESS" by its host's name, else "ROLE=ADDRESS" by one of its
 * roles.  NULL: none. */
static const char *
stand_in(const struct prober *pr, const struct sfb_endpoint *ep)
{
	const sfb_topology *t = pr->plan->topo;
	const sfb_catalog *cat = pr->plan->cat;
	const char *host = t->hosts[ep->host].name, *eq;
	size_t i, j, n;

	for (i = 0; i < pr->o->ntargets; i++) {
		eq = strchr(pr->o->targets[i], '=');
		n = (size_t)(eq - pr->o->targets[i]);
		if (strlen(host) == n && strncmp(host, pr->o->targets[i], n) == 0)
			return eq + 1;
	}
	for (i = 0; i < pr->o->ntargets; i++) {
		eq = strchr(pr->o->targets[i], '=');
		n = (size_t)(eq - pr->o->targets[i]);
		for (j = 0; j < ep->nroles; j++) {
			const char *role = cat->roles[ep->roles[j]].name;

			if (strlen(role) == n && strncmp(role, pr->o->targets[i], n) == 0)
				return eq + 1;
		}
	}
	return NULL;
}

/* The verdict sets, and where the source ports start: at a random place,
 * since a run right after another must not reuse its 4-tuples, or the
 * firewall's connection tracking (UDP: two minutes) would pass what the
 * rules no longer allow. */
static void
target_init(struct target *tg)
{
	size_t k;

	if (tg->sport != NULL && RAND_bytes((unsigned char *)&tg->sport_next,
	    sizeof(tg->sport_next)) != 1)
		tg->sport_next = (uint32_t)sfb_clock_ms();
	for (k = 0; k < V_COUNT; k++)
		sfb_portset_init(&tg->by[k]);
}

static sfb_status
add_target(struct prober *pr, size_t flow, const sfb_portset *dport, int proto,
    size_t dst_ep, bool outside, size_t src_ep)
{
	struct sfb_sockaddr src;
	int held;
	const sfb_topology *t = pr->plan->topo;
	const struct sfb_endpoint *ep = &t->eps[dst_ep];
	const struct sfb_cflow *f = &pr->plan->cat->flows[flow];
	const char *addr;
	struct target *tg;
	size_t i;

	for (i = 0; i < pr->nt; i++)
		if (pr->t[i].flow == flow && pr->t[i].dst_ep == dst_ep && pr->t[i].proto == proto)
			return SFB_OK;
	/* From the outside a destination behind NAT is reached on its public
	 * address; from inside, on its own. */
	if ((addr = sfb_endpoint_address(ep, outside)) == NULL)
		addr = stand_in(pr, ep);
	if (addr == NULL)
		return add_skip(pr, flow, dst_ep, proto, "the destination is a network, not a host "
		    "(--target ROLE=ADDRESS names a responder standing in for it)");
	if (proto == IPPROTO_UDP && pr->o->token == NULL)
		return add_skip(pr, flow, dst_ep, proto,
		    "UDP needs a responder (--token) to tell open from filtered");
	held = 0;
	memset(&src, 0, sizeof(src));
	if (sfb_sockaddr_parse(addr, 0, &src))
		held = source_of(pr, src_ep, src.family, &src);
	if (held < 0)
		return add_skip(pr, flow, dst_ep, proto, pr->o->source != NULL ?
		    "this machine does not hold the --source address" :
		    "this machine does not hold the flow's source address (its endpoint's; "
		    "--source ADDR sends from another)");
	if (sfb_grow(&pr->t, &pr->capt, pr->nt + 1, sizeof(*pr->t)) != SFB_OK)
		return SFB_ENOMEM;
	tg = &pr->t[pr->nt++];
	memset(tg, 0, sizeof(*tg));
	tg->flow = flow;
	tg->src_ep = src_ep;
	tg->dport = dport;
	tg->proto = proto;
	tg->dst_ep = dst_ep;
	tg->sport = sfb_portset_is_all(&f->sport) ? NULL : &f->sport;
	target_init(tg);
	if (!sfb_sockaddr_parse(addr, 0, &tg->dst))
		return SFB_EINTERNAL;
	if (held == 1) {
		tg->src = src;
		tg->has_src = true;
	}
	return SFB_OK;
}

static sfb_status
collect_targets(struct prober *pr)
{
	const sfb_plan *plan = pr->plan;
	const sfb_topology *t = plan->topo;
	const struct sfb_entry *e;
	const struct sfb_cflow *f;
	int protos[2] = { IPPROTO_TCP, IPPROTO_UDP }, k;
	bool outside;
	size_t i, d, src_ep = 0;
	sfb_status st;

	for (i = 0; i < plan->nentries; i++) {
		e = &plan->entries[i];
		if (pr->fw != SFB_NO_FIREWALL && e->fw != pr->fw)
			continue;
		if (!starts_at_host(pr, e, &outside, &src_ep))
			continue;
		f = &plan->cat->flows[e->flow];
		for (d = 0; d < e->ndst; d++) {
			const struct sfb_endpoint *ep = &t->eps[e->dst_eps[d]];

			if (ep->host == pr->host)
				continue;
			if (pr->o->to_host != NULL && strcmp(t->hosts[ep->host].name, pr->o->to_host) != 0)
				continue;
			for (k = 0; k < 2; k++) {
				if (!(f->proto & (k == 0 ? SFB_PROTO_TCP : SFB_PROTO_UDP)))
					continue;
				if ((st = add_target(pr, e->flow, sfb_entry_dport(plan->cat, e), protos[k],
				    e->dst_eps[d], outside, src_ep)) != SFB_OK)
					return st;
			}
		}
	}
	return SFB_OK;
}

static sfb_status
make_probes(struct prober *pr)
{
	const sfb_range *r;
	struct target *tg;
	size_t i, k, n = 0;
	uint64_t port, count;

	for (i = 0; i < pr->nt; i++)
		n += sfb_portset_count(pr->t[i].dport);
	pr->p = calloc(n + 1, sizeof(*pr->p));
	pr->order = calloc(n + 1, sizeof(*pr->order));
	if (pr->p == NULL || pr->order == NULL)
		return SFB_ENOMEM;
	for (i = 0; i < pr->nt; i++) {
		tg = &pr->t[i];
		tg->first = pr->np;
		count = 0;
		for (k = 0; k < tg->dport->s.n; k++) {
			r = &tg->dport->s.r[k];
			for (port = r->lo.lo; port <= r->hi.lo; port++) {
				struct probe *p;

				if (port == 0)
					continue;  /* "any" includes 0, which cannot be reached */
				pr->order[pr->np] = pr->np;
				p = &pr->p[pr->np++];

				p->target = i;
				p->port = (uint16_t)port;
				p->fd = -1;
				p->pr = pr;
				count++;
			}
		}
		tg->count = (size_t)count;
	}
	pr->nqueue = pr->np;
	return SFB_OK;
}

/* --- one probe ----------------------------------------------------------- */

void
sfb_probe_finish(struct probe *p, int verdict)
{
	struct prober *pr = p->pr;
	struct linger lg = { 1, 0 };

	if (p->state == S_DONE)
		return;
	sfb_timer_stop(pr->loop, &p->timer);
	if (p->fd >= 0) {
		sfb_loop_del(pr->loop, &p->io);
		/* An abortive close: no TIME_WAIT left behind for 10,000 ports. */
		if (pr->t[p->target].proto == IPPROTO_TCP)
			setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(p->fd);
		p->fd = -1;
	}
	p->state = S_DONE;
	p->verdict = (uint8_t)verdict;
	pr->active--;
	pr->done++;
}

int
sfb_probe_verdict_of_errno(int err)
{
	switch (err) {
	case ECONNREFUSED:  /* RST, or ICMP port unreachable */
	case EHOSTUNREACH:  /* ICMP host unreachable / administratively prohibited */
	case ENETUNREACH:
	case EACCES:
	case EPERM:
		return V_CLOSED;
	default:
		return V_FILTERED;
	}
}

/* Send k (from 0) of a probe carries the nonce p->nonce + k: the responder
 * answers each message once only (a replay gets nothing), so a UDP retry
 * must be a new message, and an echo of any send is still recognised as
 * ours (read_echo). */
static bool
send_probe(struct probe *p)
{
	struct prober *pr = p->pr;
	struct sfb_wire m = { SFB_WIRE_PROBE, (uint8_t)pr->t[p->target].proto, p->port,
	    p->nonce + p->sends };
	unsigned char buf[SFB_WIRE_LEN];
	ssize_t n;

	if (!sfb_wire_encode_k(&m, &pr->key, buf))
		return false;
	n = send(p->fd, buf, sizeof(buf), MSG_NOSIGNAL);
	p->sends++;
	return n == (ssize_t)sizeof(buf);
}

void
sfb_probe_note_rtt(struct prober *pr, const struct probe *p)
{
	double r = (double)(sfb_clock_us() - p->sent_at), d;

	if (pr->rtt_samples++ == 0) {
		pr->srtt = r;
		pr->rttvar = r / 2;
		return;
	}
	d = pr->srtt > r ? pr->srtt - r : r - pr->srtt;
	pr->rttvar = 0.75 * pr->rttvar + 0.25 * d;
	pr->srtt = 0.875 * pr->srtt + 0.125 * r;
}

static void
read_echo(struct probe *p)
{
	struct prober *pr = p->pr;
	unsigned char buf[SFB_WIRE_LEN + 1];
	struct sfb_wire m;
	ssize_t n;

	n = recv(p->fd, buf, sizeof(buf), 0);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		sfb_probe_finish(p, pr->t[p->target].proto == IPPROTO_UDP ? sfb_probe_verdict_of_errno(errno) :
		    V_UNVERIFIED);
		return;
	}
	/* The echo of any of its sends: a late answer to the first counts as
	 * much as the answer to a retry. */
	if (sfb_wire_decode_k(buf, (size_t)n, &pr->key, &m) &&
	    m.kind == SFB_WIRE_ECHO && m.nonce - p->nonce < p->sends && m.port == p->port &&
	    m.proto == pr->t[p->target].proto) {
		sfb_probe_note_rtt(pr, p);
		sfb_probe_finish(p, V_OPEN);
		return;
	}
	/* TCP: something answered but not our responder; UDP: ignore noise. */
	if (pr->t[p->target].proto == IPPROTO_TCP)
		sfb_probe_finish(p, V_UNVERIFIED);
}

static void
on_io(sfb_io *io, uint32_t events)
{
	struct probe *p = io->data;
	struct prober *pr = p->pr;
	int err = 0;
	socklen_t len = sizeof(err);

	if (p->state == S_CONNECTING) {
		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
			err = errno;
		if (err != 0) {
			sfb_probe_finish(p, sfb_probe_verdict_of_errno(err));
			sfb_probe_start_more(pr);
			return;
		}
		if (pr->o->token == NULL) {  /* connect-only: the handshake is the answer */
			sfb_probe_note_rtt(pr, p);
			sfb_probe_finish(p, V_OPEN);
			sfb_probe_start_more(pr);
			return;
		}
		if (!send_probe(p) || sfb_loop_mod(pr->loop, &p->io, EPOLLIN) != SFB_OK) {
			sfb_probe_finish(p, V_UNVERIFIED);
			sfb_probe_start_more(pr);
			return;
		}
		p->state = S_AWAIT;
		return;
	}
	if (p->state == S_AWAIT && (events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
		read_echo(p);
		if (p->state == S_DONE)
			sfb_probe_start_more(pr);
	}
}

static void
on_timeout(sfb_timer *t)
{
	struct probe *p = t->data;
	struct prober *pr = p->pr;
	unsigned slice = current_timeout(pr) / (pr->o->retries + 1);

	if (pr->raw != NULL && p->state == S_AWAIT && p->sends <= pr->o->retries) {
		/* A SYN or a datagram may be lost: send it again, with the
		 * batch the pacing timer sends next. */
		if (sfb_probe_raw_send(pr, p) && sfb_timer_start(pr->loop, &p->timer, slice) == SFB_OK) {
			if (!sfb_timer_armed(&pr->pace))
				sfb_timer_start(pr->loop, &pr->pace, 1);
			return;
		}
	} else if (p->state == S_AWAIT && pr->t[p->target].proto == IPPROTO_UDP &&
	    p->sends <= pr->o->retries) {
		/* A datagram may be lost: send it again before giving up. */
		if (send_probe(p) && sfb_timer_start(pr->loop, &p->timer, slice) == SFB_OK)
			return;
	}
	/* One more timeout before giving up.  TCP, connected: the port is
	 * reachable and the echo is on its way on a reliable stream; a busy
	 * responder (thousands of sockets) may be slower than the round trips
	 * the timeout learnt from.  UDP, every send made: an echo of any of
	 * them still counts, and a responder that stalled (a burst of 10,000
	 * probes on a loaded machine) answers a whole block late at once,
	 * later than the learnt timeout allows.  So the last wait is the
	 * whole --timeout: the learnt one makes open ports quick, but no port
	 * is called filtered or unverified before --timeout has passed since
	 * its last send. */
	if (p->state == S_AWAIT && !p->waited) {
		p->waited = 1;
		if (sfb_timer_start(pr->loop, &p->timer, pr->o->timeout_ms) == SFB_OK)
			return;
	}
	/* Connect engine: connected but no echo.  Raw engine: no answer to
	 * any SYN. */
	sfb_probe_finish(p, p->state == S_AWAIT && pr->t[p->target].proto == IPPROTO_TCP &&
	    pr->raw == NULL ? V_UNVERIFIED : V_FILTERED);
	sfb_probe_answered(pr);
}

/* Bind the flow's source: its address (when it has one) and a port from
 * its constraint (trying the next ones when a port is taken), or any port.
 * A port left to the kernel is chosen at connect time
 * (IP_BIND_ADDRESS_NO_PORT), so that thousands of probes from one address
 * do not each hold a port of their own before they connect. */
static int
bind_source(struct prober *pr, struct target *tg, int fd)
{
	struct sfb_sockaddr src;
	uint64_t count, tries;
	uint32_t port;
	int one = 1;

	(void)pr;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (tg->has_src)
		src = tg->src;
	else
		sfb_sockaddr_any(&src, tg->dst.family, 0);
	if (tg->sport == NULL) {
		if (tg->proto == IPPROTO_TCP)
			setsockopt(fd, SOL_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
		return bind(fd, (struct sockaddr *)&src.ss, src.len) == 0 ? 0 : -1;
	}
	count = sfb_portset_count(tg->sport);
	for (tries = 0; tries < count && tries < 64; tries++) {
		port = sfb_portset_nth(tg->sport, tg->sport_next++ % count);
		sfb_sockaddr_set_port(&src, (uint16_t)port);
		if (bind(fd, (struct sockaddr *)&src.ss, src.len) == 0)
			return 0;
		if (errno != EADDRINUSE)
			return -1;
	}
	return -1;
}

/* Start one probe of the raw engine: its packet joins the batch. */
static void
start_raw(struct prober *pr, struct probe *p)
{
	unsigned slice = current_timeout(pr) / (pr->o->retries + 1);

	pr->active++;
	p->state = S_AWAIT;
	p->sent_at = sfb_clock_us();
	sfb_timer_init(&p->timer, on_timeout, p);
	if (!sfb_probe_raw_send(pr, p)) {
		sfb_probe_finish(p, V_ERROR);   /* no socket for its source: ours */
		return;
	}
	if (sfb_timer_start(pr->loop, &p->timer, slice) != SFB_OK) {
		pr->err = SFB_ENOMEM;
		sfb_probe_finish(p, V_FILTERED);
	}
}

/* Start one probe; false when the process is out of descriptors. */
static bool
start_probe(struct prober *pr, struct probe *p)
{
	struct target *tg = &pr->t[p->target];
	struct sfb_sockaddr dst = tg->dst;
	int type = tg->proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
	unsigned slice = current_timeout(pr) / (tg->proto == IPPROTO_UDP ? pr->o->retries + 1 : 1);

	p->fd = socket(dst.family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
			return false;
		pr->active++;
		sfb_probe_finish(p, V_ERROR);
		return true;
	}
	pr->active++;
	p->state = S_CONNECTING;
	p->sent_at = sfb_clock_us();
	if (RAND_bytes((unsigned char *)&p->nonce, sizeof(p->nonce)) != 1)
		p->nonce = sfb_clock_ms() ^ ((uint64_t)p->port << 32);
	p->io.fd = p->fd;
	p->io.cb = on_io;
	p->io.data = p;
	sfb_timer_init(&p->timer, on_timeout, p);
	if ((tg->sport != NULL || tg->has_src) && bind_source(pr, tg, p->fd) != 0) {
		sfb_probe_finish(p, V_ERROR);  /* cannot send from the flow's source: our failure */
		return true;
	}
	sfb_sockaddr_set_port(&dst, p->port);
	if (connect(p->fd, (struct sockaddr *)&dst.ss, dst.len) != 0 && errno != EINPROGRESS) {
		sfb_probe_finish(p, sfb_probe_verdict_of_errno(errno));
		return true;
	}
	if (tg->proto == IPPROTO_UDP) {
		p->state = S_AWAIT;
		if (!send_probe(p) && errno != EAGAIN) {
			sfb_probe_finish(p, sfb_probe_verdict_of_errno(errno));
			return true;
		}
	}
	if (sfb_loop_add(pr->loop, &p->io, p->state == S_AWAIT ? EPOLLIN : EPOLLOUT) != SFB_OK ||
	    sfb_timer_start(pr->loop, &p->timer, slice) != SFB_OK) {
		pr->err = SFB_ENOMEM;
		sfb_probe_finish(p, V_FILTERED);
	}
	return true;
}

void
sfb_probe_start_more(struct prober *pr)
{
	uint64_t now = sfb_loop_now(pr->loop);
	struct probe *p;

	/* A token bucket holding at most 4 ms of the rate: bursts stay small
	 * enough for the queues of the path (a veth or NIC backlog drops a
	 * burst of thousands of datagrams, and that would read as
	 * "filtered"). */
	pr->budget += (double)(now - pr->budget_at) * pr->rate / 1000.0;
	if (pr->budget > pr->rate / 250.0 + 1)
		pr->budget = pr->rate / 250.0 + 1;
	pr->budget_at = now;
	while (pr->next < pr->nqueue && pr->active < pr->limit && pr->err == SFB_OK) {
		if (pr->budget < 1)
			break;
		p = &pr->p[pr->order[pr->next]];
		if (pr->raw != NULL) {
			start_raw(pr, p);
		} else if (!start_probe(pr, p)) {
			/* Out of descriptors: run with what is in flight. */
			pr->limit = pr->active > 16 ? pr->active : 16;
			break;
		}
		pr->next++;
		pr->budget -= 1;
	}
	if (pr->raw != NULL) {
		sfb_probe_raw_flush(pr);
		/* Its sockets stay watched: the pass ends when the last
		 * probe has its verdict. */
		if (pr->done >= pr->nqueue)
			sfb_loop_stop(pr->loop);
	}
	if (pr->next < pr->nqueue && !sfb_timer_armed(&pr->pace))
		sfb_timer_start(pr->loop, &pr->pace, 1);
}

/* An answer gave a probe its verdict.  Connect engine: the next probe
 * takes its place at once.  Raw engine: the pacing timer sends the next
 * ones, a millisecond's worth per system call, not one per answer; the
 * pass ends with its last verdict. */
void
sfb_probe_answered(struct prober *pr)
{
	if (pr->raw == NULL) {
		sfb_probe_start_more(pr);
		return;
	}
	if (pr->done >= pr->nqueue)
		sfb_loop_stop(pr->loop);
}

/* The caller asked to stop (a signal): end the loop; what was done is
 * kept. */
static void
on_stopcheck(sfb_timer *t)
{
	struct prober *pr = t->data;

	if (*pr->o->stop) {
		pr->stopped = true;
		sfb_loop_stop(pr->loop);
		return;
	}
	/* Armed while there is work: an armed timer keeps the loop running. */
	if (pr->done < pr->nqueue)
		sfb_timer_start(pr->loop, t, 100);
}

static void
on_pace(sfb_timer *t)
{
	sfb_probe_start_more(t->data);
}

static void
on_tick(sfb_timer *t)
{
	struct prober *pr = t->data;

	fprintf(stderr, "probe: %s%zu/%zu ports done, %zu in flight\n",
	    pr->second > 0 ? "second pass: " : "", pr->done, pr->nqueue, pr->active);
	if (pr->done < pr->nqueue)
		sfb_timer_start(pr->loop, &pr->tick, 1000);
}

/* --- driver ------------------------------------------------------------- */

void
sfb_probe_result_free(sfb_probe_result *r)
{
	size_t i, k;

	if (r == NULL)
		return;
	for (i = 0; i < r->pr.nt; i++)
		for (k = 0; k < V_COUNT; k++)
			sfb_portset_free(&r->pr.t[i].by[k]);
	sfb_wire_key_free(&r->pr.key);
	free(r->pr.t);
	free(r->pr.p);
	free(r->pr.order);
	free(r->pr.skip);
	free(r);
}

/* Run the queued probes to their verdicts. */
static sfb_status
run_pass(struct prober *pr)
{
	sfb_status st;

	pr->next = pr->done = 0;
	pr->budget = 0;
	pr->budget_at = sfb_loop_now(pr->loop);
	if (pr->o->progress)
		sfb_timer_start(pr->loop, &pr->tick, 1000);
	if (pr->o->stop != NULL)
		sfb_timer_start(pr->loop, &pr->stopcheck, 100);
	sfb_probe_start_more(pr);
	st = sfb_loop_run(pr->loop);
	return st == SFB_OK ? pr->err : st;
}

/* Queue again the probes that had no answer at all (filtered), no echo
 * after a handshake (unverified) or an ICMP error for a UDP datagram
 * (closed), at a quarter of the rate.  A burst of
 * loss on the path (a queue that overflowed while a machine stalled, a
 * policer) takes every probe sent in the same few milliseconds, resends
 * included, and reads as a block of filtered ports in the middle of an
 * open range; asked again later and slower, they come back open, while a
 * port the firewall really drops stays filtered.  nmap retransmits for
 * the same reason.  Returns the number queued. */
static size_t
requeue_unanswered(struct prober *pr)
{
	struct probe *p;
	size_t i;

	pr->nqueue = 0;
	for (i = 0; i < pr->np; i++) {
		p = &pr->p[i];
		/* A UDP port is "closed" on an ICMP error, which a congested
		 * path or a full table on the way can also produce for one
		 * datagram: ask it again too (a reset of TCP is an answer). */
		if (p->verdict != V_FILTERED && p->verdict != V_UNVERIFIED &&
		    !(p->verdict == V_CLOSED && pr->t[p->target].proto == IPPROTO_UDP))
			continue;
		p->state = S_QUEUED;
		p->verdict = V_PENDING;
		p->sends = p->waited = 0;
		pr->order[pr->nqueue++] = i;
	}
	pr->second = pr->nqueue;
	pr->rate = pr->o->rate / 4 > 0 ? pr->o->rate / 4 : 1;
	return pr->nqueue;
}

/* Raw engine: a SYN-ACK shows that something answered for the port, not
 * that it was the responder (a proxying firewall answers every SYN).  Up
 * to VERIFY_PORTS ports of each TCP target that answered are connected to
 * as the connect engine does, with the token; a target where none of them
 * echoed it keeps its SYN-ACK ports as "unverified", not open. */
#define VERIFY_PORTS 3

static sfb_status
verify_raw_tcp(struct prober *pr)
{
	struct target *tg;
	struct probe *p;
	size_t i, j, n, k, pick[VERIFY_PORTS], npick;
	bool verified;
	sfb_status st;

	pr->nqueue = 0;
	for (i = 0; i < pr->nt; i++) {
		tg = &pr->t[i];
		if (tg->proto != IPPROTO_TCP)
			continue;
		for (n = 0, j = tg->first; j < tg->first + tg->count; j++)
			n += (pr->p[j].flags & PF_SYNACK) != 0;
		if (n == 0)
			continue;
		/* The first, the middle and the last that answered. */
		npick = 0;
		for (k = 0, j = tg->first; j < tg->first + tg->count; j++) {
			if (!(pr->p[j].flags & PF_SYNACK))
				continue;
			if ((k == 0 || k == n / 2 || k == n - 1) && npick < VERIFY_PORTS &&
			    (npick == 0 || pick[npick - 1] != j))
				pick[npick++] = j;
			k++;
		}
		for (k = 0; k < npick; k++) {
			p = &pr->p[pick[k]];
			p->flags |= PF_SAMPLE;
			p->state = S_QUEUED;
			p->verdict = V_PENDING;
			p->sends = p->waited = 0;
			pr->order[pr->nqueue++] = pick[k];
		}
	}
	if (pr->nqueue == 0)
		return SFB_OK;
	if (pr->o->progress)
		fprintf(stderr, "probe: checking the responder's token on %zu TCP port(s)\n", pr->nqueue);
	pr->rate = pr->o->rate;
	if ((st = run_pass(pr)) != SFB_OK)
		return st;
	for (i = 0; i < pr->nt; i++) {
		tg = &pr->t[i];
		if (tg->proto != IPPROTO_TCP)
			continue;
		verified = false;
		for (j = tg->first; j < tg->first + tg->count; j++)
			verified |= (pr->p[j].flags & PF_SAMPLE) && pr->p[j].verdict == V_OPEN;
		for (j = tg->first; j < tg->first + tg->count; j++) {
			p = &pr->p[j];
			if (!(p->flags & PF_SYNACK))
				continue;
			/* A checked port answered the handshake before: whatever
			 * the connection gave short of the token, the token was
			 * not seen. */
			if (p->flags & PF_SAMPLE ? p->verdict != V_OPEN : !verified)
				p->verdict = V_UNVERIFIED;
		}
	}
	return SFB_OK;
}

/* The ports of each target by verdict, once every pass is over. */
static sfb_status
collect_verdicts(struct prober *pr)
{
	const struct probe *p;
	size_t i;

	size_t j;

	for (i = 0; i < pr->np; i++) {
		p = &pr->p[i];
		if (sfb_portset_add(&pr->t[p->target].by[p->verdict], p->port, p->port) != SFB_OK)
			return SFB_ENOMEM;
	}
	/* A destination address where no port answered with the token has no
	 * responder at all (responder mode): its kernel's refusals say nothing
	 * about a firewall's rules. */
	for (i = 0; i < pr->nt; i++) {
		struct target *tg = &pr->t[i];

		tg->answered = pr->o->token == NULL;
		for (j = 0; j < pr->nt && !tg->answered; j++)
			tg->answered = pr->t[j].dst.len == tg->dst.len &&
			    memcmp(&pr->t[j].dst.ss, &tg->dst.ss, tg->dst.len) == 0 &&
			    sfb_portset_count(&pr->t[j].by[V_OPEN]) > 0;
	}
	return SFB_OK;
}

/* Every --target is NAME=ADDRESS with NAME a host or a role of the
 * topology and ADDRESS one address. */
static sfb_status
check_targets(sfb_ctx *ctx, const sfb_plan *plan, const sfb_probe_opts *o)
{
	const sfb_topology *t = plan->topo;
	struct sfb_sockaddr a;
	const char *eq;
	char name[128];
	size_t i, j;

	for (i = 0; i < o->ntargets; i++) {
		eq = strchr(o->targets[i], '=');
		if (eq == NULL || eq == o->targets[i] || (size_t)(eq - o->targets[i]) >= sizeof(name))
			return sfb_failf(ctx, SFB_EINVAL, "--target %s: write ROLE=ADDRESS or "
			    "HOST=ADDRESS", o->targets[i]);
		memcpy(name, o->targets[i], (size_t)(eq - o->targets[i]));
		name[eq - o->targets[i]] = '\0';
		if (!sfb_sockaddr_parse(eq + 1, 0, &a))
			return sfb_failf(ctx, SFB_EINVAL, "--target %s: '%s' is not an IPv4 or IPv6 "
			    "address", o->targets[i], eq + 1);
		for (j = 0; j < t->nhosts && strcmp(t->hosts[j].name, name) != 0; j++)
			;
		if (j == t->nhosts && sfb_catalog_role(plan->cat, name) < 0)
			return sfb_failf(ctx, SFB_EINVAL, "--target %s: '%s' is neither a host of the "
			    "topology nor a role", o->targets[i], name);
	}
	return SFB_OK;
}

/* Defaults for what the caller left zero. */
static void
complete_opts(sfb_probe_opts *o, size_t *raw_limit_out)
{
	size_t raw_limit = 0;

	if (o->timeout_ms == 0)
		o->timeout_ms = 500;
	/* Conservative by default: a production firewall's IPS counts new
	 * connections per source and second, and a sweep at lab speed can
	 * get this machine blocked mid-run (docs/pathtest.md, "Pacing"). */
	if (o->rate == 0)
		o->rate = SFB_PROBE_DEFAULT_RATE;
	/* Enough in flight that the rate is kept up while unanswered probes
	 * wait out their timeout, within the descriptor limit. */
	/* The raw engine holds no descriptor per probe: enough in flight for
	 * the rate over twice the timeout (the retry included). */
	if (o->engine == SFB_PROBE_RAW)
		raw_limit = o->concurrency != 0 ? o->concurrency :
		    (size_t)o->rate * o->timeout_ms / 500 + 1024;
	if (o->concurrency == 0) {
		uint64_t want = (uint64_t)o->rate * o->timeout_ms / 1000, lim = sfb_sys_fd_limit();

		lim = lim > 1024 ? lim - 512 : 512;
		o->concurrency = (unsigned)(want < lim ? want : lim);
		if (o->concurrency < 64)
			o->concurrency = 64;
	}
	*raw_limit_out = raw_limit;
}

/* Run the targets collected in r to their verdicts: a first pass, then
 * the unanswered ports again, slower. */
static sfb_status
run_targets(sfb_ctx *ctx, sfb_probe_result *r)
{
	struct prober *pr = &r->pr;
	const sfb_probe_opts *o = pr->o;
	sfb_status st;

	if (o->token != NULL && !sfb_wire_key_init(&pr->key, o->token, strlen(o->token)))
		return sfb_oom(ctx);
	if ((st = make_probes(pr)) != SFB_OK || (st = sfb_loop_new(&pr->loop)) != SFB_OK)
		return st == SFB_ENOMEM ? sfb_oom(ctx) : sfb_failf(ctx, st, "cannot set up the probes");
	pr->limit = o->concurrency;
	pr->started = sfb_clock_ms();
	sfb_timer_init(&pr->pace, on_pace, pr);
	sfb_timer_init(&pr->tick, on_tick, pr);
	sfb_timer_init(&pr->stopcheck, on_stopcheck, pr);
	pr->rate = o->rate;
	if (o->engine == SFB_PROBE_RAW) {
		if ((st = sfb_probe_raw_open(pr)) != SFB_OK) {
			sfb_probe_raw_close(pr);
			sfb_loop_free(pr->loop);
			pr->loop = NULL;
			return st == SFB_ENOMEM ? sfb_oom(ctx) : st;
		}
		pr->limit = pr->raw_limit;
	}
	st = run_pass(pr);
	if (st == SFB_OK && !pr->stopped && !o->single_pass && requeue_unanswered(pr) > 0) {
		if (o->progress)
			fprintf(stderr, "probe: %zu port(s) without an answer; asking them again at %u/s\n",
			    pr->nqueue, pr->rate);
		st = run_pass(pr);
	}
	if (pr->raw != NULL) {
		sfb_probe_raw_close(pr);
		pr->limit = o->concurrency;
		if (st == SFB_OK && !pr->stopped && o->token != NULL)
			st = verify_raw_tcp(pr);
	}
	r->elapsed_ms = sfb_clock_ms() - pr->started;
	sfb_loop_free(pr->loop);
	pr->loop = NULL;
	if (st == SFB_OK)
		st = collect_verdicts(pr);
	if (st != SFB_OK)
		return st == SFB_ENOMEM ? sfb_oom(ctx) : sfb_failf(ctx, st, "the probe loop failed");
	return SFB_OK;
}

static sfb_probe_result *
new_result(sfb_ctx *ctx, const sfb_plan *plan, const sfb_probe_opts *opts)
{
	sfb_probe_result *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->opts = *opts;
	complete_opts(&r->opts, &r->pr.raw_limit);
	r->pr.ctx = ctx;
	r->pr.plan = plan;
	r->pr.o = &r->opts;
	r->pr.fw = SFB_NO_FIREWALL;
	return r;
}

sfb_status
sfb_probe_run(sfb_ctx *ctx, const sfb_plan *plan, const sfb_probe_opts *opts,
    sfb_probe_result **out)
{
	sfb_probe_result *r;
	struct prober *pr;
	long h = -1;
	size_t i;
	sfb_status st;

	*out = NULL;
	if ((r = new_result(ctx, plan, opts)) == NULL)
		return sfb_oom(ctx);
	pr = &r->pr;
	for (i = 0; i < plan->topo->nhosts; i++)
		if (strcmp(plan->topo->hosts[i].name, opts->host) == 0)
			h = (long)i;
	if (h < 0) {
		st = sfb_topology_no_such(ctx, plan->topo, "host", opts->host);
		goto out;
	}
	if (opts->to_host != NULL) {
		for (i = 0; i < plan->topo->nhosts && strcmp(plan->topo->hosts[i].name, opts->to_host); i++)
			;
		if (i == plan->topo->nhosts) {
			st = sfb_topology_no_such(ctx, plan->topo, "host", opts->to_host);
			goto out;
		}
	}
	pr->host = (size_t)h;
	if (opts->firewall != NULL &&
	    (st = sfb_plan_pick_firewall(ctx, plan, opts->firewall, &pr->fw)) != SFB_OK)
		goto out;
	if ((st = check_targets(ctx, plan, opts)) != SFB_OK)
		goto out;
	if ((st = collect_targets(pr)) != SFB_OK) {
		st = sfb_oom(ctx);
		goto out;
	}
	if ((st = run_targets(ctx, r)) != SFB_OK)
		goto out;
	*out = r;
	r = NULL;
out:
	sfb_probe_result_free(r);
	return st;
}

sfb_status
sfb_probe_run_specs(sfb_ctx *ctx, const sfb_plan *plan, const sfb_probe_opts *opts,
    const struct sfb_probe_spec *specs, size_t n, sfb_probe_result **out)
{
	sfb_probe_result *r;
	struct prober *pr;
	struct target *tg;
	size_t i;
	sfb_status st;

	*out = NULL;
	if (opts->token == NULL)
		return sfb_failf(ctx, SFB_EINVAL, "probe: a list of targets needs a responder token");
	if ((r = new_result(ctx, plan, opts)) == NULL)
		return sfb_oom(ctx);
	pr = &r->pr;
	pr->host = SIZE_MAX;
	if (n > 0 && (pr->t = calloc(n, sizeof(*pr->t))) == NULL) {
		st = sfb_oom(ctx);
		goto out;
	}
	pr->capt = n;
	for (i = 0; i < n; i++) {
		tg = &pr->t[pr->nt++];
		tg->flow = specs[i].flow;
		tg->src_ep = specs[i].src_ep;
		tg->dst_ep = specs[i].dst_ep;
		tg->proto = specs[i].proto;
		tg->dport = specs[i].dport;
		tg->dst = specs[i].dst;
		tg->src = specs[i].src;
		tg->has_src = specs[i].src.len > 0;
		tg->sport = specs[i].sport;
		target_init(tg);
	}
	if ((st = run_targets(ctx, r)) != SFB_OK)
		goto out;
	*out = r;
	r = NULL;
out:
	sfb_probe_result_free(r);
	return st;
}
