/* The prober's raw engine (--engine raw): no socket and no connection per
 * port.  TCP probes are SYNs written to a raw socket, as nmap -sS sends
 * them; the answer (SYN-ACK: the path is open; reset: refused) is read
 * from the same raw socket, and this machine's kernel resets the half-open
 * connection.  UDP probes are the path-test message sent from one socket
 * per source address and port, many per system call (sendmmsg), their
 * echoes read in batches (recvmmsg).  ICMP errors are read from a raw ICMP
 * socket, matched to the probe they quote.
 *
 * A probe is found again from its answer alone: a SYN's sequence number is
 * the run's random key plus the probe's index (the SYN-ACK or reset
 * acknowledges it plus one), a UDP message's nonce the run's other key
 * plus the index shifted by 8, the pass (0x80) and the send's number.  Every answer is
 * checked against the probe: the port it was sent to, the source port,
 * the address, and that the probe is still waiting.
 *
 * A SYN-ACK proves that something on the path answered for the port, not
 * that it was the responder: the prober later completes the handshake with
 * a few of those ports per destination and checks the responder's token
 * (sfb_prober.c, verify_raw_tcp). */
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "core/sfb_buf.h"
#include "core/sfb_ctx.h"
#include "net/sfb_loop.h"
#include "net/sfb_net.h"
#include "net/sfb_pkt.h"
#include "net/sfb_wire.h"
#include "sfb_prober.h"

#define BATCH 512        /* messages per sendmmsg / recvmmsg */
#define PKT_MAX 64       /* a SYN (24 bytes) or a path-test message (34) */
#define RAW_BUF (4 << 20) /* socket buffers: a burst of answers must fit */

/* One source address: its raw TCP and ICMP sockets. */
struct rsrc {
	struct sfb_sockaddr addr;   /* port 0 */
	uint8_t bytes[16];
	int tcp_fd, icmp_fd;
	sfb_io tcp_io, icmp_io;
	sfb_io *rd;                 /* the one being read */
	struct raw_engine *e;
};

/* One UDP socket: a source address and a port (of the flow's source
 * ports, or the kernel's choice). */
struct rudp {
	size_t src;
	const sfb_portset *sport;
	int fd;
	sfb_io io;
	struct raw_engine *e;
};

struct raw_engine {
	struct prober *pr;
	struct rsrc *src;
	size_t nsrc, capsrc;
	struct rudp *udp;
	size_t nudp, capudp;
	size_t *t_src, *t_udp;      /* per target: its source, its UDP socket */
	uint32_t *t_sport;          /* per target: its random source-port start */
	int open_errno;             /* why a raw socket could not be had */
	uint32_t isn_key;
	uint64_t nonce_key;
	/* The batch being filled: all for one socket. */
	int bfd;
	size_t nb;
	size_t who[BATCH];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	struct sfb_sockaddr to[BATCH];
	unsigned char pkt[BATCH][PKT_MAX];
	/* What is read: apart from the batch, which the answers being read
	 * refill (an answer frees room for the next probe). */
	struct mmsghdr rmm[BATCH];
	struct iovec riov[BATCH];
	unsigned char rx[BATCH][256];
	struct sfb_sockaddr from[BATCH];
};

/* --- finding the probe an answer belongs to ------------------------------ */

static bool
same_addr(const struct target *tg, const uint8_t *bytes)
{
	uint8_t d[16];
	size_t n = sfb_sockaddr_bytes(&tg->dst, d);

	return n > 0 && memcmp(d, bytes, n) == 0;
}

/* The probe of a target for a port, or NULL when the port is not one of
 * its destination ports. */
static struct probe *
probe_of_port(struct prober *pr, const struct target *tg, uint16_t port)
{
	const sfb_range *r;
	uint64_t before = 0;
	size_t k;

	if (port == 0)
		return NULL;
	for (k = 0; k < tg->dport->s.n; k++) {
		r = &tg->dport->s.r[k];
		if (port < r->lo.lo)
			return NULL;
		if (port <= r->hi.lo) {
			before += port - r->lo.lo;
			break;
		}
		before += r->hi.lo - r->lo.lo + 1;
	}
	if (k == tg->dport->s.n)
		return NULL;
	/* Port 0 ("any" includes it) has no probe. */
	if (tg->dport->s.n > 0 && tg->dport->s.r[0].lo.lo == 0)
		before--;
	return before < tg->count ? &pr->p[tg->first + before] : NULL;
}

static struct probe *
waiting(struct prober *pr, size_t idx, int proto)
{
	struct probe *p;

	if (idx >= pr->np)
		return NULL;
	p = &pr->p[idx];
	if (p->state != S_AWAIT || pr->t[p->target].proto != proto)
		return NULL;
	return p;
}

static void
on_answer(struct raw_engine *e, const struct sfb_pkt *k)
{
	struct prober *pr = e->pr;
	struct probe *p = NULL;
	const struct target *tg;
	size_t i;

	if (k->kind == SFB_PKT_TCP) {
		/* Our SYN had sequence isn_key + index: a SYN-ACK or a reset
		 * acknowledges one more. */
		if (!(k->flags & SFB_TCP_ACK) || !(k->flags & (SFB_TCP_SYN | SFB_TCP_RST)))
			return;
		p = waiting(pr, (uint32_t)(k->ack - 1 - e->isn_key), IPPROTO_TCP);
		if (p == NULL || p->port != k->sport || p->sport != k->dport ||
		    !same_addr(&pr->t[p->target], k->addr))
			return;
		if (k->flags & SFB_TCP_RST) {
			sfb_probe_finish(p, V_CLOSED);
		} else {
			sfb_probe_note_rtt(pr, p);
			p->flags |= PF_SYNACK;
			sfb_probe_finish(p, V_OPEN);
		}
		return;
	}
	if (k->proto == IPPROTO_TCP) {
		p = waiting(pr, (uint32_t)(k->seq - e->isn_key), IPPROTO_TCP);
		if (p != NULL && (p->port != k->dport || p->sport != k->sport ||
		    !same_addr(&pr->t[p->target], k->addr)))
			p = NULL;
	} else if (k->proto == IPPROTO_UDP) {
		struct sfb_wire m;

		/* The quoted message names its probe; a router that quotes only
		 * the UDP header leaves the port to find it by. */
		if (sfb_wire_decode_k(k->payload, k->payload_len, &pr->key, &m) &&
		    m.kind == SFB_WIRE_PROBE) {
			p = waiting(pr, (size_t)((m.nonce - e->nonce_key) >> 8), IPPROTO_UDP);
			if (p != NULL && (p->port != k->dport || !same_addr(&pr->t[p->target], k->addr)))
				p = NULL;
		} else {
			for (i = 0; i < pr->nt && p == NULL; i++) {
				tg = &pr->t[i];
				if (tg->proto == IPPROTO_UDP && same_addr(tg, k->addr) &&
				    (p = probe_of_port(pr, tg, k->dport)) != NULL && p->state != S_AWAIT)
					p = NULL;
			}
		}
	}
	/* Unreachable, for whatever reason the sender gives (port, host,
	 * network, administratively prohibited): refused, as the connect
	 * engine reads ECONNREFUSED and EHOSTUNREACH. */
	if (p != NULL)
		sfb_probe_finish(p, V_CLOSED);
}

/* --- reading ------------------------------------------------------------- */

static void
prepare_rx(struct raw_engine *e)
{
	size_t i;

	for (i = 0; i < BATCH; i++) {
		e->riov[i].iov_base = e->rx[i];
		e->riov[i].iov_len = sizeof(e->rx[i]);
		memset(&e->rmm[i].msg_hdr, 0, sizeof(e->rmm[i].msg_hdr));
		e->rmm[i].msg_hdr.msg_iov = &e->riov[i];
		e->rmm[i].msg_hdr.msg_iovlen = 1;
		e->rmm[i].msg_hdr.msg_name = &e->from[i].ss;
		e->rmm[i].msg_hdr.msg_namelen = sizeof(e->from[i].ss);
	}
}

/* Read what is there on fd, a batch at a time, each message to one(); a
 * few batches per wake-up, so that the pacing timer keeps its turn. */
static void
read_batches(struct raw_engine *e, int fd, void (*one)(struct raw_engine *, void *, int),
    void *arg)
{
	int n, i, rounds;

	for (rounds = 0; rounds < 8; rounds++) {
		prepare_rx(e);
		n = recvmmsg(fd, e->rmm, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (i = 0; i < n; i++)
			one(e, arg, i);
		sfb_probe_answered(e->pr);
		if (n < BATCH)
			return;
	}
}

/* One packet of a raw TCP or ICMP socket of source s. */
static void
raw_one(struct raw_engine *e, void *arg, int i)
{
	struct rsrc *s = arg;
	int proto = s->rd == &s->tcp_io ? IPPROTO_TCP :
	    s->addr.family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	struct sfb_pkt k;
	uint8_t from[16];
	bool ok;

	if (s->addr.family == AF_INET) {
		ok = sfb_pkt_parse4(e->rx[i], e->rmm[i].msg_len, &k);
	} else {
		memcpy(from, &((struct sockaddr_in6 *)&e->from[i].ss)->sin6_addr, 16);
		ok = sfb_pkt_parse6(e->rx[i], e->rmm[i].msg_len, proto, from, s->bytes, &k);
	}
	/* Only what concerns this source: the answer is to it, the ICMP
	 * error quotes a packet from it. */
	if (ok && (proto == IPPROTO_TCP || k.kind == SFB_PKT_ICMP) &&
	    memcmp(k.from, s->bytes, s->addr.family == AF_INET ? 4 : 16) == 0)
		on_answer(e, &k);
}

static void
on_raw(sfb_io *io, uint32_t events)
{
	struct rsrc *s = io->data;

	(void)events;
	s->rd = io;
	read_batches(s->e, io->fd, raw_one, s);
}

/* One datagram of a UDP socket: the echo of a probe? */
static void
udp_one(struct raw_engine *e, void *arg, int i)
{
	struct prober *pr = e->pr;
	struct sfb_wire m;
	struct probe *p;
	struct sfb_sockaddr peer;
	uint8_t b[16];
	uint64_t d;

	(void)arg;
	if (!sfb_wire_decode_k(e->rx[i], e->rmm[i].msg_len, &pr->key, &m) ||
	    m.kind != SFB_WIRE_ECHO || m.proto != IPPROTO_UDP)
		return;
	d = m.nonce - e->nonce_key;
	/* An echo of any send of either pass: a late answer to the first
	 * pass still shows the port open. */
	if ((p = waiting(pr, (size_t)(d >> 8), IPPROTO_UDP)) == NULL ||
	    (d & 0x7f) > pr->o->retries || m.port != p->port)
		return;
	peer = e->from[i];
	peer.len = e->rmm[i].msg_hdr.msg_namelen;
	peer.family = peer.ss.ss_family;
	sfb_sockaddr_unmap(&peer);
	if (sfb_sockaddr_bytes(&peer, b) == 0 || !same_addr(&pr->t[p->target], b) ||
	    sfb_sockaddr_port(&peer) != p->port)
		return;
	sfb_probe_note_rtt(pr, p);
	sfb_probe_finish(p, V_OPEN);
}

static void
on_udp(sfb_io *io, uint32_t events)
{
	struct rudp *u = io->data;

	(void)events;
	read_batches(u->e, io->fd, udp_one, u);
}

/* --- sending ------------------------------------------------------------- */

void
sfb_probe_raw_flush(struct prober *pr)
{
	struct raw_engine *e = pr->raw;
	size_t i, sent = 0;
	int n, err;

	if (e == NULL || e->nb == 0)
		return;
	for (i = 0; i < e->nb; i++) {
		memset(&e->mm[i].msg_hdr, 0, sizeof(e->mm[i].msg_hdr));
		e->iov[i].iov_base = e->pkt[i];
		e->mm[i].msg_hdr.msg_iov = &e->iov[i];
		e->mm[i].msg_hdr.msg_iovlen = 1;
		e->mm[i].msg_hdr.msg_name = &e->to[i].ss;
		e->mm[i].msg_hdr.msg_namelen = e->to[i].len;
	}
	while (sent < e->nb) {
		n = sendmmsg(e->bfd, e->mm + sent, (unsigned)(e->nb - sent), 0);
		if (n > 0) {
			sent += (size_t)n;
			continue;
		}
		err = errno;
		if (err == EINTR)
			continue;
		/* The message at `sent` failed.  A full queue: it is lost, and
		 * its timeout sends it again.  Refused by this machine's own
		 * rules or routing: the connect engine's verdict for the same
		 * error. */
		if (err != EAGAIN && err != ENOBUFS)
			sfb_probe_finish(&pr->p[e->who[sent]], sfb_probe_verdict_of_errno(err));
		sent++;
	}
	e->nb = 0;
}

static void
queue_packet(struct raw_engine *e, int fd, size_t who, const struct sfb_sockaddr *to,
    const void *data, size_t len)
{
	if (e->nb == BATCH || (e->nb > 0 && e->bfd != fd))
		sfb_probe_raw_flush(e->pr);
	e->bfd = fd;
	e->who[e->nb] = who;
	e->to[e->nb] = *to;
	memcpy(e->pkt[e->nb], data, len);
	e->iov[e->nb].iov_len = len;
	e->nb++;
}

/* The source port of a TCP probe: the flow's source ports in turn from a
 * random place, or one of the ephemeral range. */
static uint16_t
tcp_sport(struct raw_engine *e, size_t target, size_t idx)
{
	const struct target *tg = &e->pr->t[target];
	uint64_t k = (uint64_t)e->t_sport[target] + (idx - tg->first);

	if (tg->sport == NULL)
		return (uint16_t)(32768 + k % 28232);   /* Linux's ephemeral range */
	return (uint16_t)sfb_portset_nth(tg->sport, k % sfb_portset_count(tg->sport));
}

bool
sfb_probe_raw_send(struct prober *pr, struct probe *p)
{
	struct raw_engine *e = pr->raw;
	const struct target *tg = &pr->t[p->target];
	size_t idx = (size_t)(p - pr->p);
	struct rsrc *s;
	struct sfb_sockaddr src, dst = tg->dst;
	unsigned char buf[PKT_MAX];

	if (e->t_src[p->target] == SIZE_MAX)
		return false;
	s = &e->src[e->t_src[p->target]];
	if (tg->proto == IPPROTO_TCP) {
		if (p->sends == 0)
			p->sport = tcp_sport(e, p->target, idx);
		src = s->addr;
		sfb_sockaddr_set_port(&src, p->sport);
		sfb_sockaddr_set_port(&dst, p->port);
		if (!sfb_pkt_syn(buf, &src, &dst, e->isn_key + (uint32_t)idx))
			return false;
		sfb_sockaddr_set_port(&dst, 0);   /* a raw socket takes no port */
		queue_packet(e, s->tcp_fd, idx, &dst, buf, SFB_PKT_SYN_LEN);
	} else {
		/* The pass in the nonce too: the second pass must not repeat
		 * a message of the first, which the responder, having
		 * answered it, would take for a replay. */
		struct sfb_wire m = { SFB_WIRE_PROBE, IPPROTO_UDP, p->port,
		    e->nonce_key + ((uint64_t)idx << 8) + (pr->second > 0 ? 0x80u : 0) + p->sends };

		if (e->t_udp[p->target] == SIZE_MAX ||
		    !sfb_wire_encode_k(&m, &pr->key, buf))
			return false;
		sfb_sockaddr_set_port(&dst, p->port);
		queue_packet(e, e->udp[e->t_udp[p->target]].fd, idx, &dst, buf, SFB_WIRE_LEN);
	}
	p->sends++;
	return true;
}

/* --- the sockets ----------------------------------------------------------- */

static void
big_buffers(int fd)
{
	int v = RAW_BUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
}

/* The address the kernel would send from to reach dst (a target without a
 * source address of its own). */
static bool
route_source(const struct sfb_sockaddr *dst, struct sfb_sockaddr *out)
{
	struct sfb_sockaddr d = *dst;
	int fd = socket(dst->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok = false;

	if (fd < 0)
		return false;
	sfb_sockaddr_set_port(&d, 9);
	memset(out, 0, sizeof(*out));
	out->len = sizeof(out->ss);
	if (connect(fd, (struct sockaddr *)&d.ss, d.len) == 0 &&
	    getsockname(fd, (struct sockaddr *)&out->ss, &out->len) == 0) {
		out->family = out->ss.ss_family;
		sfb_sockaddr_set_port(out, 0);
		ok = true;
	}
	close(fd);
	return ok;
}

static int
raw_socket(const struct sfb_sockaddr *addr, int proto)
{
	int fd = socket(addr->family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);

	if (fd < 0)
		return -1;
	if (bind(fd, (const struct sockaddr *)&addr->ss, addr->len) != 0) {
		close(fd);
		return -1;
	}
	if (proto == IPPROTO_ICMPV6) {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f);
		setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	}
	big_buffers(fd);
	return fd;
}

static sfb_status
find_source(struct raw_engine *e, const struct sfb_sockaddr *a, size_t *out)
{
	struct rsrc *s;
	uint8_t b[16];
	size_t i, n = sfb_sockaddr_bytes(a, b);

	for (i = 0; i < e->nsrc; i++)
		if (e->src[i].addr.family == a->family && memcmp(e->src[i].bytes, b, n) == 0) {
			*out = i;
			return SFB_OK;
		}
	if (sfb_grow(&e->src, &e->capsrc, e->nsrc + 1, sizeof(*e->src)) != SFB_OK)
		return SFB_ENOMEM;
	s = &e->src[e->nsrc];
	memset(s, 0, sizeof(*s));
	s->addr = *a;
	sfb_sockaddr_set_port(&s->addr, 0);
	memcpy(s->bytes, b, n);
	s->e = e;
	s->tcp_fd = raw_socket(&s->addr, IPPROTO_TCP);
	s->icmp_fd = raw_socket(&s->addr, a->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	if (s->tcp_fd < 0 || s->icmp_fd < 0) {
		e->open_errno = errno;
		if (s->tcp_fd >= 0)
			close(s->tcp_fd);
		if (s->icmp_fd >= 0)
			close(s->icmp_fd);
		return SFB_EIO;
	}
	*out = e->nsrc++;
	return SFB_OK;
}

/* A UDP socket on source s with a port of sport (tried from a random
 * place: see target_init) or the kernel's choice. */
static sfb_status
find_udp(struct raw_engine *e, size_t s, const sfb_portset *sport, uint32_t start, size_t *out)
{
	struct sfb_sockaddr a = e->src[s].addr;
	struct rudp *u;
	uint64_t count, tries;
	size_t i;
	int fd, one = 1, rc = -1;

	for (i = 0; i < e->nudp; i++)
		if (e->udp[i].src == s && e->udp[i].sport == sport) {
			*out = i;
			return SFB_OK;
		}
	if (sfb_grow(&e->udp, &e->capudp, e->nudp + 1, sizeof(*e->udp)) != SFB_OK)
		return SFB_ENOMEM;
	if ((fd = socket(a.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return SFB_EIO;
	if (a.family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	big_buffers(fd);
	if (sport == NULL) {
		rc = bind(fd, (struct sockaddr *)&a.ss, a.len);
	} else {
		count = sfb_portset_count(sport);
		for (tries = 0; tries < count && tries < 64 && rc != 0; tries++) {
			sfb_sockaddr_set_port(&a, (uint16_t)sfb_portset_nth(sport, (start + tries) % count));
			if ((rc = bind(fd, (struct sockaddr *)&a.ss, a.len)) != 0 && errno != EADDRINUSE)
				break;
		}
	}
	if (rc != 0) {
		close(fd);
		return SFB_EIO;
	}
	u = &e->udp[e->nudp];
	memset(u, 0, sizeof(*u));
	u->src = s;
	u->sport = sport;
	u->fd = fd;
	u->e = e;
	*out = e->nudp++;
	return SFB_OK;
}

static sfb_status
watch(struct prober *pr, sfb_io *io, int fd, void (*cb)(sfb_io *, uint32_t), void *data)
{
	io->fd = fd;
	io->cb = cb;
	io->data = data;
	return sfb_loop_add(pr->loop, io, EPOLLIN);
}

sfb_status
sfb_probe_raw_open(struct prober *pr)
{
	struct raw_engine *e;
	struct sfb_sockaddr a;
	struct target *tg;
	size_t i, s;
	sfb_status st = SFB_OK;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return SFB_ENOMEM;
	pr->raw = e;
	e->pr = pr;
	e->t_src = calloc(pr->nt + 1, sizeof(*e->t_src));
	e->t_udp = calloc(pr->nt + 1, sizeof(*e->t_udp));
	e->t_sport = calloc(pr->nt + 1, sizeof(*e->t_sport));
	if (e->t_src == NULL || e->t_udp == NULL || e->t_sport == NULL)
		return SFB_ENOMEM;
	/* Random keys and source-port starts: a run must not meet the answers
	 * or the connection-tracking entries of the run before it. */
	if (RAND_bytes((unsigned char *)&e->isn_key, sizeof(e->isn_key)) != 1 ||
	    RAND_bytes((unsigned char *)&e->nonce_key, sizeof(e->nonce_key)) != 1 ||
	    RAND_bytes((unsigned char *)e->t_sport, (pr->nt + 1) * sizeof(*e->t_sport)) != 1)
		return SFB_EIO;
	for (i = 0; i < pr->nt; i++) {
		tg = &pr->t[i];
		e->t_src[i] = e->t_udp[i] = SIZE_MAX;
		if (tg->has_src)
			a = tg->src;
		else if (!route_source(&tg->dst, &a))
			continue;   /* no route: its probes end in "error" */
		if ((st = find_source(e, &a, &s)) != SFB_OK) {
			if (st == SFB_EIO) {
				sfb_buf b;

				sfb_buf_init(&b);
				sfb_sockaddr_print(&b, &a);
				sfb_failf(pr->ctx, SFB_EIO, "the raw engine cannot open a raw socket on %s: "
				    "%s (it needs root or CAP_NET_RAW; --engine connect needs neither)",
				    sfb_buf_str(&b), strerror(e->open_errno));
				sfb_buf_free(&b);
			}
			return st;
		}
		e->t_src[i] = s;
		if (tg->proto == IPPROTO_UDP && pr->o->token != NULL &&
		    find_udp(e, s, tg->sport, tg->sport_next, &e->t_udp[i]) == SFB_ENOMEM)
			return SFB_ENOMEM;
	}
	for (i = 0; i < e->nsrc && st == SFB_OK; i++) {
		st = watch(pr, &e->src[i].tcp_io, e->src[i].tcp_fd, on_raw, &e->src[i]);
		if (st == SFB_OK)
			st = watch(pr, &e->src[i].icmp_io, e->src[i].icmp_fd, on_raw, &e->src[i]);
	}
	for (i = 0; i < e->nudp && st == SFB_OK; i++)
		st = watch(pr, &e->udp[i].io, e->udp[i].fd, on_udp, &e->udp[i]);
	return st;
}

void
sfb_probe_raw_close(struct prober *pr)
{
	struct raw_engine *e = pr->raw;
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nsrc; i++) {
		if (pr->loop != NULL) {
			sfb_loop_del(pr->loop, &e->src[i].tcp_io);
			sfb_loop_del(pr->loop, &e->src[i].icmp_io);
		}
		close(e->src[i].tcp_fd);
		close(e->src[i].icmp_fd);
	}
	for (i = 0; i < e->nudp; i++) {
		if (pr->loop != NULL)
			sfb_loop_del(pr->loop, &e->udp[i].io);
		close(e->udp[i].fd);
	}
	free(e->src);
	free(e->udp);
	free(e->t_src);
	free(e->t_udp);
	free(e->t_sport);
	free(e);
	pr->raw = NULL;
}
