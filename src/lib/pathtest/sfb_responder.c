/* The responder: listens on every destination port of the flows that end
 * at its host and echoes authenticated probes, never with more bytes than
 * it received, until its time is up.
 *
 * Two ways to listen (docs/pathtest.md):
 *   bind    one socket per port, when they fit the descriptor limit;
 *   tproxy  nftables TPROXY diverts every port of a protocol to a single
 *           socket; the original port comes back from getsockname (TCP) or
 *           IP_RECVORIGDSTADDR (UDP), and UDP echoes leave from that port
 *           through a short-lived transparent socket. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "plan/sfb_plan.h"
#include "net/sfb_loop.h"
#include "net/sfb_net.h"
#include "net/sfb_sys.h"
#include "net/sfb_pkt.h"
#include "net/sfb_wire.h"
#include "sfbnet/pathtest.h"

#define TPROXY_MARK 0x5fb
#define CONN_TIMEOUT_MS 3000
/* Connections waiting for their probe message at once: as many as the
 * descriptors left after the listeners allow, up to CONNS_MAX.  A prober
 * keeps thousands in flight; too few here reads as "unverified" there. */
#define CONNS_MIN 2048
#define CONNS_MAX 16384

struct listener {
	sfb_io io;
	int proto;
	uint16_t port;       /* bind mode: its port; tproxy: 0 (from the packet) */
	struct responder *rs;
};

struct conn {
	sfb_io io;
	sfb_timer timer;
	unsigned char buf[SFB_WIRE_LEN];
	size_t got;
	uint16_t port;       /* the port the client connected to */
	struct responder *rs;
	struct conn *next_free;
};

struct responder {
	sfb_ctx *ctx;
	const sfb_responder_opts *o;
	sfb_loop *loop;
	struct listener *ls;
	size_t nls;
	struct conn *conns;
	struct conn *free_conns;
	size_t nconn;
	bool tproxy;
	/* tproxy mode: raw sockets (IPPROTO_RAW, header included) that send a
	 * UDP echo from the probed address and port in one system call, not
	 * a transparent socket bound for each echo; -1 when not to be had. */
	int raw4, raw6;
	sfb_timer end;
	struct sfb_replay seen;  /* the probes answered: a replay gets nothing */
	struct sfb_wire_key key; /* the token, ready for HMAC */
	uint64_t answered, ignored, replays, refused;
	uint64_t send_failed;    /* UDP echoes the kernel refused to send */
	int send_errno;          /* the first such failure */
};

static void
conn_close(struct conn *c)
{
	struct responder *rs = c->rs;

	sfb_timer_stop(rs->loop, &c->timer);
	sfb_loop_del(rs->loop, &c->io);
	close(c->io.fd);
	c->io.fd = -1;
	c->next_free = rs->free_conns;
	rs->free_conns = c;
	rs->nconn--;
}

/* Answer a decoded probe if it is ours: the token matched (decode checked
 * the tag), it is a probe, it names the port it arrived on, and it was not
 * answered before.  Without the last check the responder would echo a
 * captured probe every time it is sent again, to whatever source address
 * the sender writes on it: a reflector for anyone who saw one probe. */
static bool
echo_of(struct responder *rs, const unsigned char *in, size_t len, int proto, uint16_t port,
    unsigned char out[SFB_WIRE_LEN])
{
	struct sfb_wire m;

	if (!sfb_wire_decode_k(in, len, &rs->key, &m) || m.kind != SFB_WIRE_PROBE ||
	    m.proto != proto || m.port != port) {
		rs->ignored++;
		return false;
	}
	switch (sfb_replay_add(&rs->seen, in)) {
	case SFB_REPLAY_SEEN:
		rs->replays++;
		return false;
	case SFB_REPLAY_FULL:
		if (rs->refused++ == 0 && rs->o->verbose)
			fprintf(stderr, "responder: %zu probes answered, as many as it remembers: new "
			    "probes are no longer answered (start a new session)\n", rs->seen.n);
		return false;
	default:
		break;
	}
	m.kind = SFB_WIRE_ECHO;
	if (!sfb_wire_encode_k(&m, &rs->key, out))
		return false;
	rs->answered++;
	return true;
}

static void
on_conn(sfb_io *io, uint32_t events)
{
	struct conn *c = io->data;
	unsigned char out[SFB_WIRE_LEN];
	ssize_t n;

	(void)events;
	n = recv(c->io.fd, c->buf + c->got, sizeof(c->buf) - c->got, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(c);
		return;
	}
	c->got += (size_t)n;
	if (c->got < sizeof(c->buf))
		return;
	/* The echo is exactly as long as what came in: no amplification. */
	if (echo_of(c->rs, c->buf, c->got, IPPROTO_TCP, c->port, out))
		(void)send(c->io.fd, out, sizeof(out), MSG_NOSIGNAL);
	conn_close(c);
}

static void
on_conn_timeout(sfb_timer *t)
{
	conn_close(t->data);
}

static void
on_accept(struct listener *l)
{
	struct responder *rs = l->rs;
	struct sfb_sockaddr local;
	struct conn *c;
	int fd;

	for (;;) {
		fd = accept4(l->io.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		c = rs->free_conns;
		if (c == NULL) {  /* at the connection limit: refuse politely */
			close(fd);
			continue;
		}
		rs->free_conns = c->next_free;
		memset(&local, 0, sizeof(local));
		local.len = sizeof(local.ss);
		getsockname(fd, (struct sockaddr *)&local.ss, &local.len);
		local.family = local.ss.ss_family;
		c->port = sfb_sockaddr_port(&local);
		c->got = 0;
		c->io.fd = fd;
		c->io.cb = on_conn;
		c->io.data = c;
		sfb_timer_init(&c->timer, on_conn_timeout, c);
		rs->nconn++;
		if (sfb_loop_add(rs->loop, &c->io, EPOLLIN) != SFB_OK ||
		    sfb_timer_start(rs->loop, &c->timer, CONN_TIMEOUT_MS) != SFB_OK) {
			close(fd);
			c->io.fd = -1;
			c->next_free = rs->free_conns;
			rs->free_conns = c;
			rs->nconn--;
		}
	}
}

/* A UDP echo from the original port in tproxy mode; the errno of a
 * failure, or 0. */
static int
send_transparent(const struct sfb_sockaddr *from, const struct sfb_sockaddr *to,
    const unsigned char *buf, size_t len)
{
	int fd, one = 1, err = 0;

	fd = socket(from->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (from->family == AF_INET)
		setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof(one));
	else
		setsockopt(fd, SOL_IPV6, IPV6_TRANSPARENT, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&from->ss, from->len) != 0 ||
	    sendto(fd, buf, len, 0, (const struct sockaddr *)&to->ss, to->len) < 0)
		err = errno;
	close(fd);
	return err;
}

/* Datagrams per wake-up, read in one system call (so TCP is not starved
 * and a burst of probes costs few calls). */
#define DGRAM_BATCH 64

/* The tproxy echoes of one batch of datagrams, sent with one sendmmsg per
 * raw socket. */
struct echo_batch {
	size_t n;
	struct mmsghdr mm[DGRAM_BATCH];
	struct iovec iov[DGRAM_BATCH];
	unsigned char pkt[DGRAM_BATCH][128];
	struct sfb_sockaddr to[DGRAM_BATCH], from[DGRAM_BATCH], peer[DGRAM_BATCH];
	unsigned char data[DGRAM_BATCH][SFB_WIRE_LEN];
	int fd[DGRAM_BATCH];
};

/* Send what the batch holds, the echoes of each raw socket together; one
 * the kernel refuses goes out through a transparent socket instead. */
static void
flush_echoes(struct responder *rs, struct echo_batch *eb)
{
	size_t i, j, k, n;
	int sent, err, fd;
	struct mmsghdr mm[DGRAM_BATCH];
	size_t who[DGRAM_BATCH];

	for (k = 0; k < 2; k++) {
		fd = k == 0 ? rs->raw4 : rs->raw6;
		for (n = 0, i = 0; i < eb->n; i++)
			if (eb->fd[i] == fd) {
				mm[n] = eb->mm[i];
				who[n++] = i;
			}
		for (j = 0; j < n; ) {
			sent = sendmmsg(fd, mm + j, (unsigned)(n - j), 0);
			if (sent > 0) {
				j += (size_t)sent;
				continue;
			}
			i = who[j++];
			if ((err = send_transparent(&eb->from[i], &eb->peer[i], eb->data[i],
			    SFB_WIRE_LEN)) != 0 && rs->send_failed++ == 0)
				rs->send_errno = err;
		}
	}
	eb->n = 0;
}

/* A UDP echo from the original port in tproxy mode through the raw
 * socket of its family, or else a transparent socket. */
static int
send_raw(struct responder *rs, struct echo_batch *eb, const struct sfb_sockaddr *from,
    const struct sfb_sockaddr *to, const unsigned char *buf, size_t len)
{
	int fd = from->family == AF_INET ? rs->raw4 : rs->raw6;
	size_t n, i = eb->n;

	if (fd < 0 || len != SFB_WIRE_LEN ||
	    (n = sfb_pkt_udp(eb->pkt[i], sizeof(eb->pkt[i]), from, to, buf, len)) == 0)
		return send_transparent(from, to, buf, len);
	eb->from[i] = *from;
	eb->peer[i] = *to;
	eb->to[i] = *to;
	memcpy(eb->data[i], buf, len);
	eb->fd[i] = fd;
	sfb_sockaddr_set_port(&eb->to[i], 0);   /* a raw socket takes no port */
	eb->iov[i].iov_base = eb->pkt[i];
	eb->iov[i].iov_len = n;
	memset(&eb->mm[i], 0, sizeof(eb->mm[i]));
	eb->mm[i].msg_hdr.msg_name = &eb->to[i].ss;
	eb->mm[i].msg_hdr.msg_namelen = eb->to[i].len;
	eb->mm[i].msg_hdr.msg_iov = &eb->iov[i];
	eb->mm[i].msg_hdr.msg_iovlen = 1;
	eb->n++;
	return 0;
}

/* A UDP echo in bind mode, from the address the probe reached: its
 * IP_PKTINFO / IPV6_PKTINFO (in the received message's control data) goes
 * back as the source of the answer, the interface left to the routing.
 * The errno of a failure, or 0. */
static int
send_from_reached(int fd, struct msghdr *rx, const struct sfb_sockaddr *peer,
    const unsigned char *buf, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { (void *)buf, len };
	struct in_pktinfo pi4;
	struct in6_pktinfo pi6;
	struct msghdr mh;
	struct cmsghdr *cm, *out;
	const void *info = NULL;
	size_t info_len = 0;

	memset(&mh, 0, sizeof(mh));
	memset(&ctl, 0, sizeof(ctl));
	mh.msg_name = (void *)&peer->ss;
	mh.msg_namelen = peer->len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	for (cm = CMSG_FIRSTHDR(rx); cm != NULL && info == NULL; cm = CMSG_NXTHDR(rx, cm)) {
		if (cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_PKTINFO) {
			memcpy(&pi4, CMSG_DATA(cm), sizeof(pi4));
			pi4.ipi_spec_dst = pi4.ipi_addr;   /* answer from where it came in */
			pi4.ipi_ifindex = 0;
			info = &pi4;
			info_len = sizeof(pi4);
		} else if (cm->cmsg_level == SOL_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
			memcpy(&pi6, CMSG_DATA(cm), sizeof(pi6));
			pi6.ipi6_ifindex = 0;
			info = &pi6;
			info_len = sizeof(pi6);
		}
	}
	if (info != NULL) {
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(info_len);
		out = CMSG_FIRSTHDR(&mh);
		out->cmsg_level = info == &pi4 ? SOL_IP : SOL_IPV6;
		out->cmsg_type = info == &pi4 ? IP_PKTINFO : IPV6_PKTINFO;
		out->cmsg_len = CMSG_LEN(info_len);
		memcpy(CMSG_DATA(out), info, info_len);
	}
	return sendmsg(fd, &mh, 0) < 0 ? errno : 0;
}


static void
on_datagram(struct listener *l)
{
	struct responder *rs = l->rs;
	unsigned char in[DGRAM_BATCH][SFB_WIRE_LEN + 1], out[SFB_WIRE_LEN];
	union {
		char buf[256];
		struct cmsghdr align;
	} cbuf[DGRAM_BATCH];
	struct sfb_sockaddr peer[DGRAM_BATCH], orig;
	struct iovec iov[DGRAM_BATCH];
	struct mmsghdr mm[DGRAM_BATCH];
	struct echo_batch eb;
	struct msghdr *mh;
	struct cmsghdr *cm;
	uint16_t port;
	int n, i, err;

	memset(mm, 0, sizeof(mm));
	memset(peer, 0, sizeof(peer));
	eb.n = 0;
	for (i = 0; i < DGRAM_BATCH; i++) {
		iov[i].iov_base = in[i];
		iov[i].iov_len = sizeof(in[i]);
		mm[i].msg_hdr.msg_name = &peer[i].ss;
		mm[i].msg_hdr.msg_namelen = sizeof(peer[i].ss);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_control = cbuf[i].buf;
		mm[i].msg_hdr.msg_controllen = sizeof(cbuf[i].buf);
	}
	n = recvmmsg(l->io.fd, mm, DGRAM_BATCH, MSG_DONTWAIT, NULL);
	for (i = 0; i < n; i++) {
		mh = &mm[i].msg_hdr;
		memset(&orig, 0, sizeof(orig));
		peer[i].len = mh->msg_namelen;
		peer[i].family = peer[i].ss.ss_family;
		port = l->port;
		if (rs->tproxy) {
			for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
				if ((cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_ORIGDSTADDR) ||
				    (cm->cmsg_level == SOL_IPV6 && cm->cmsg_type == IPV6_ORIGDSTADDR)) {
					size_t cl = cm->cmsg_len - CMSG_LEN(0);

					if (cl > sizeof(orig.ss))
						cl = sizeof(orig.ss);
					memcpy(&orig.ss, CMSG_DATA(cm), cl);
					orig.len = (socklen_t)cl;
					orig.family = orig.ss.ss_family;
				}
			}
			if (orig.len == 0)
				continue;
			/* A dual-stack socket names IPv4 peers as ::ffff:a.b.c.d;
			 * the echo socket has the family of the original address. */
			sfb_sockaddr_unmap(&orig);
			sfb_sockaddr_unmap(&peer[i]);
			port = sfb_sockaddr_port(&orig);
		}
		if (!echo_of(rs, in[i], mm[i].msg_len, IPPROTO_UDP, port, out))
			continue;
		if (rs->tproxy)
			err = send_raw(rs, &eb, &orig, &peer[i], out, sizeof(out));
		else
			err = send_from_reached(l->io.fd, mh, &peer[i], out, sizeof(out));
		if (err != 0 && rs->send_failed++ == 0)
			rs->send_errno = err;
	}
	flush_echoes(rs, &eb);
}

static void
on_listener(sfb_io *io, uint32_t events)
{
	struct listener *l = io->data;

	(void)events;
	if (l->proto == IPPROTO_TCP)
		on_accept(l);
	else
		on_datagram(l);
}

/* A dual-stack socket on the port (IPv4-only if IPv6 is unavailable). */
static int
open_socket(int proto, uint16_t port, bool transparent)
{
	struct sfb_sockaddr a;
	int fd, one = 1, zero = 0, family = AF_INET6;

	fd = socket(AF_INET6, (proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM) |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		family = AF_INET;
		fd = socket(AF_INET, (proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM) |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (transparent && proto == IPPROTO_UDP) {
		/* One socket takes the datagrams of every port: a deep queue
		 * keeps a burst of probes from being dropped unseen.  A burst
		 * of 10,000 ports and their retries, at ~1-2 kB of kernel
		 * memory a datagram, overran 8 MB when the responder ran slow
		 * (sanitizers, a loaded machine): the last ports of the sweep
		 * came out "filtered".  The memory is only taken while queued. */
		int rcvbuf = 64 << 20;

		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) != 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	}
	if (!transparent && proto == IPPROTO_UDP) {
		/* Which of this host's addresses a probe reached, so that the
		 * echo leaves from it: the kernel would pick the primary one
		 * (an Edge has four), and a firewall that tracks the probe
		 * would not match an answer from another address. */
		setsockopt(fd, SOL_IP, IP_PKTINFO, &one, sizeof(one));
		if (family == AF_INET6)
			setsockopt(fd, SOL_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
	}
	if (transparent) {
		if (family == AF_INET6)
			setsockopt(fd, SOL_IPV6, IPV6_TRANSPARENT, &one, sizeof(one));
		if (setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof(one)) != 0)
			goto fail;
		if (proto == IPPROTO_UDP) {
			setsockopt(fd, SOL_IP, IP_RECVORIGDSTADDR, &one, sizeof(one));
			if (family == AF_INET6)
				setsockopt(fd, SOL_IPV6, IPV6_RECVORIGDSTADDR, &one, sizeof(one));
		}
	}
	sfb_sockaddr_any(&a, family, port);
	if (bind(fd, (struct sockaddr *)&a.ss, a.len) != 0)
		goto fail;
	/* Deep: in tproxy mode one queue takes the connections of every port. */
	if (proto == IPPROTO_TCP && listen(fd, transparent ? 65535 : 64) != 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

static sfb_status
add_listener(struct responder *rs, int proto, uint16_t port, bool transparent)
{
	struct listener *l = &rs->ls[rs->nls];
	struct sfb_sockaddr a;
	socklen_t len = sizeof(a.ss);
	int fd = open_socket(proto, port, transparent);

	if (fd < 0)
		return sfb_failf(rs->ctx, errno == EACCES ? SFB_EIO : SFB_EIO,
		    "responder: cannot listen on %s port %u: %s", proto == IPPROTO_TCP ? "TCP" : "UDP",
		    port, strerror(errno));
	memset(&a, 0, sizeof(a));
	getsockname(fd, (struct sockaddr *)&a.ss, &len);
	a.family = a.ss.ss_family;
	l->proto = proto;
	l->port = transparent ? 0 : sfb_sockaddr_port(&a);
	l->rs = rs;
	l->io.fd = fd;
	l->io.cb = on_listener;
	l->io.data = l;
	rs->nls++;
	if (sfb_loop_add(rs->loop, &l->io, EPOLLIN) != SFB_OK)
		return sfb_oom(rs->ctx);
	return SFB_OK;
}

/* The ports of every planned flow that ends at the host. */
static sfb_status
ports_for_host(sfb_ctx *ctx, const sfb_plan *plan, const char *host, sfb_portset *tcp,
    sfb_portset *udp)
{
	const sfb_topology *t = plan->topo;
	const struct sfb_entry *e;
	const struct sfb_cflow *f;
	size_t i, k, h;
	bool mine;

	for (h = 0; h < t->nhosts && strcmp(t->hosts[h].name, host) != 0; h++)
		;
	if (h == t->nhosts)
		return sfb_topology_no_such(ctx, t, "host", host);
	for (i = 0; i < plan->nentries; i++) {
		e = &plan->entries[i];
		mine = false;
		for (k = 0; k < e->ndst && !mine; k++)
			mine = t->eps[e->dst_eps[k]].host == h;
		if (!mine)
			continue;
		f = &plan->cat->flows[e->flow];
		if (((f->proto & SFB_PROTO_TCP) && sfb_iset_union(&tcp->s, &sfb_entry_dport(plan->cat, e)->s) != SFB_OK) ||
		    ((f->proto & SFB_PROTO_UDP) && sfb_iset_union(&udp->s, &sfb_entry_dport(plan->cat, e)->s) != SFB_OK))
			return sfb_oom(ctx);
	}
	return SFB_OK;
}

static void
on_end(sfb_timer *t)
{
	sfb_loop_stop(((struct responder *)t->data)->loop);
}

static void
on_check_signal(sfb_timer *t)
{
	struct responder *rs = t->data;

	if (rs->o->stop != NULL && *rs->o->stop)
		sfb_loop_stop(rs->loop);
	else
		sfb_timer_start(rs->loop, t, 100);
}

static sfb_status
listen_all(struct responder *rs, const sfb_portset *tcp, const sfb_portset *udp)
{
	const sfb_portset *sets[2] = { tcp, udp };
	const int protos[2] = { IPPROTO_TCP, IPPROTO_UDP };
	uint64_t p;
	size_t k, i;
	sfb_status st;

	for (k = 0; k < 2; k++) {
		if (rs->tproxy) {
			if (sfb_portset_count(sets[k]) > 0 &&
			    (st = add_listener(rs, protos[k], 0, true)) != SFB_OK)
				return st;
			continue;
		}
		for (i = 0; i < sets[k]->s.n; i++)
			for (p = sets[k]->s.r[i].lo.lo; p <= sets[k]->s.r[i].hi.lo; p++)
				if ((st = add_listener(rs, protos[k], (uint16_t)p, false)) != SFB_OK)
					return st;
	}
	return SFB_OK;
}

sfb_status
sfb_responder_run(sfb_ctx *ctx, const sfb_plan *plan, const sfb_responder_opts *o)
{
	struct responder rs;
	sfb_portset tcp, udp;
	uint64_t nports, limit, nconns = 0;
	uint16_t tproxy_tcp = 0, tproxy_udp = 0;
	bool rules = false;
	sfb_timer sigcheck;
	size_t i, remember;
	pid_t parent;
	sfb_status st;

	memset(&rs, 0, sizeof(rs));
	rs.raw4 = rs.raw6 = -1;
	parent = getppid();
	rs.ctx = ctx;
	rs.o = o;
	sfb_portset_init(&tcp);
	sfb_portset_init(&udp);
	if (o->token == NULL || *o->token == '\0' || o->duration_s == 0) {
		st = sfb_failf(ctx, SFB_EINVAL, "responder: a token and a duration are required");
		goto out;
	}
	if (o->listen_tcp != NULL && (st = sfb_portset_parse(&tcp, o->listen_tcp)) != SFB_OK) {
		st = sfb_failf(ctx, SFB_EINVAL, "responder: bad TCP port list '%s'", o->listen_tcp);
		goto out;
	}
	if (o->listen_udp != NULL && (st = sfb_portset_parse(&udp, o->listen_udp)) != SFB_OK) {
		st = sfb_failf(ctx, SFB_EINVAL, "responder: bad UDP port list '%s'", o->listen_udp);
		goto out;
	}
	if (o->host != NULL && (st = ports_for_host(ctx, plan, o->host, &tcp, &udp)) != SFB_OK)
		goto out;
	nports = sfb_portset_count(&tcp) + sfb_portset_count(&udp);
	if (nports == 0) {
		st = sfb_failf(ctx, SFB_EINVAL, "responder: no port to listen on");
		goto out;
	}
	limit = sfb_sys_fd_limit();
	rs.tproxy = o->mode == SFB_RESPONDER_TPROXY ||
	    (o->mode == SFB_RESPONDER_AUTO && nports + CONNS_MIN + 64 > limit);
	if (!rs.tproxy && nports + 64 > limit) {
		st = sfb_failf(ctx, SFB_EINVAL, "responder: %llu ports do not fit the descriptor "
		    "limit (%llu); use --mode tproxy", (unsigned long long)nports,
		    (unsigned long long)limit);
		goto out;
	}
	rs.ls = calloc(rs.tproxy ? 2 : nports, sizeof(*rs.ls));
	nconns = limit > (rs.tproxy ? 2 : nports) + 256 ? limit - (rs.tproxy ? 2 : nports) - 256 : 64;
	if (nconns > CONNS_MAX)
		nconns = CONNS_MAX;
	rs.conns = calloc((size_t)nconns, sizeof(*rs.conns));
	/* Room for every port probed 8 times: a prober's run sends one probe
	 * per port, a UDP one up to --retries more (1 by default), so that is
	 * several runs; a session that needs more is refused new probes rather
	 * than made to forget old ones (sfb_wire.h). */
	remember = nports > SFB_REPLAY_MAX / 8 ? SFB_REPLAY_MAX : (size_t)nports * 8;
	if (o->expect_probes > 0)
		remember = o->expect_probes < SFB_REPLAY_MAX ? o->expect_probes : SFB_REPLAY_MAX;
	if (rs.ls == NULL || rs.conns == NULL || !sfb_replay_init(&rs.seen, remember) ||
	    !sfb_wire_key_init(&rs.key, o->token, strlen(o->token)) ||
	    sfb_loop_new(&rs.loop) != SFB_OK) {
		st = sfb_oom(ctx);
		goto out;
	}
	for (i = 0; i < (size_t)nconns; i++) {
		rs.conns[i].rs = &rs;
		rs.conns[i].io.fd = -1;
		rs.conns[i].next_free = rs.free_conns;
		rs.free_conns = &rs.conns[i];
	}
	if ((st = listen_all(&rs, &tcp, &udp)) != SFB_OK)
		goto out;
	if (rs.tproxy) {
		for (i = 0; i < rs.nls; i++) {
			struct sfb_sockaddr a;
			socklen_t len = sizeof(a.ss);

			memset(&a, 0, sizeof(a));
			getsockname(rs.ls[i].io.fd, (struct sockaddr *)&a.ss, &len);
			a.family = a.ss.ss_family;
			if (rs.ls[i].proto == IPPROTO_TCP)
				tproxy_tcp = sfb_sockaddr_port(&a);
			else
				tproxy_udp = sfb_sockaddr_port(&a);
		}
		if ((st = sfb_tproxy_install(ctx, &tcp, &udp, tproxy_tcp, tproxy_udp,
		    TPROXY_MARK)) != SFB_OK)
			goto out;
		rules = true;
		/* Opened while root; they keep working after the drop. */
		rs.raw4 = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
		rs.raw6 = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
		if (rs.raw6 >= 0 && setsockopt(rs.raw6, IPPROTO_IPV6, IPV6_HDRINCL, &(int){ 1 },
		    sizeof(int)) != 0) {
			close(rs.raw6);
			rs.raw6 = -1;
		}
	}
	if (o->verbose)
		fprintf(stderr, "responder: %s mode, %llu TCP and %llu UDP port(s), %u s\n",
		    rs.tproxy ? "tproxy" : "bind", (unsigned long long)sfb_portset_count(&tcp),
		    (unsigned long long)sfb_portset_count(&udp), o->duration_s);
	if (o->on_ready != NULL)
		o->on_ready(o->ready_arg);
	/* Sockets are bound: no reason to stay root.  Transparent UDP echoes
	 * still need CAP_NET_ADMIN, and only that is kept.  The rules of
	 * tproxy mode are then removed by spawning nft, which needs it too. */
	if ((st = sfb_sys_drop_privileges(ctx, o->user, rs.tproxy)) != SFB_OK)
		goto out;
	/* A change of user clears the parent-death signal: set it again. */
	if (o->die_with_parent && (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)) {
		st = sfb_failf(ctx, SFB_EIO, "responder: the process that started it is gone");
		goto out;
	}
	sfb_timer_init(&rs.end, on_end, &rs);
	sfb_timer_init(&sigcheck, on_check_signal, &rs);
	if (sfb_timer_start(rs.loop, &rs.end, (uint64_t)o->duration_s * 1000) != SFB_OK ||
	    sfb_timer_start(rs.loop, &sigcheck, 100) != SFB_OK) {
		st = sfb_oom(ctx);
		goto out;
	}
	st = sfb_loop_run(rs.loop);
	if (o->verbose) {
		fprintf(stderr, "responder: answered %llu probe(s), ignored %llu\n",
		    (unsigned long long)rs.answered, (unsigned long long)rs.ignored);
		fprintf(stderr, "responder: not answered: %llu replay(s) of a probe answered "
		    "before, %llu new probe(s) with the memory of answered probes full\n",
		    (unsigned long long)rs.replays, (unsigned long long)rs.refused);
		if (rs.send_failed > 0)
			fprintf(stderr, "responder: %llu UDP echo(es) could not be sent (first: %s)\n",
			    (unsigned long long)rs.send_failed, strerror(rs.send_errno));
	}
out:
	if (rules)
		sfb_tproxy_remove(TPROXY_MARK);
	for (i = 0; rs.conns != NULL && i < (size_t)nconns; i++)
		if (rs.conns[i].io.fd >= 0)
			close(rs.conns[i].io.fd);
	for (i = 0; i < rs.nls; i++)
		close(rs.ls[i].io.fd);
	if (rs.raw4 >= 0)
		close(rs.raw4);
	if (rs.raw6 >= 0)
		close(rs.raw6);
	sfb_loop_free(rs.loop);
	free(rs.ls);
	free(rs.conns);
	sfb_replay_free(&rs.seen);
	sfb_wire_key_free(&rs.key);
	sfb_portset_free(&tcp);
	sfb_portset_free(&udp);
	return st;
}
