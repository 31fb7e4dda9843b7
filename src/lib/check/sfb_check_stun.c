/* check_stun: the A/V Edge's media relay, on UDP 3478 and TCP 443.  First
 * an [MS-TURN] Allocate (MAGIC-COOKIE and MS-VERSION attributes) with no
 * credentials: an Edge answers 401 with REALM and NONCE, and with its own
 * MAPPED-ADDRESS and ALTERNATE-SERVER; then an RFC 5389 Binding.  Only a
 * reply that parses as the answer to our transaction counts.  The
 * addresses the relay names for itself must be the topology's public A/V
 * address: a different one is the classic Edge NAT mistake. */
#include "check/sfb_check_int.h"
#include "check/sfb_stun.h"

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MS_VERSION 6
#define MAX_IN 4096

enum stun_stage { S_CONNECT, S_ALLOCATE, S_BINDING, S_DONE };

struct stun_task {
	struct sfb_task base;
	struct sfb_ctarget *t;
	enum stun_stage stage;
	int fd;
	sfb_io io;
	bool io_added;
	sfb_timer timer, resend;
	unsigned char req[64];
	size_t req_len, sent;
	unsigned char tid[12];
	unsigned tries;
	uint64_t t0_us, stage_t0_us;
	unsigned char in[MAX_IN];
	size_t in_len;
	/* What the Allocate answer said about the relay itself. */
	struct sfb_stun_addr mapped, relayed, alternate;
	bool allocate_answered;
};

static void stun_start(struct sfb_task *t);
static void stun_free(struct sfb_task *t);

const struct sfb_task_type sfb_check_stun = { "check_stun", stun_start, stun_free };

static bool
udp(const struct stun_task *s)
{
	return s->t->proto == SFB_PROTO_UDP;
}

static void
close_sock(struct stun_task *s)
{
	struct sfb_check *c = s->base.run;

	sfb_timer_stop(c->loop, &s->timer);
	sfb_timer_stop(c->loop, &s->resend);
	if (s->io_added)
		sfb_loop_del(c->loop, &s->io);
	s->io_added = false;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static void
stun_free(struct sfb_task *t)
{
	struct stun_task *s = (struct stun_task *)t;

	if (s->base.started && s->base.run->loop != NULL)
		close_sock(s);
	sfb_ctarget_free(s->t);
	free(s);
}

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* The request of the stage: RFC 5389 header with a fresh transaction id;
 * the Allocate carries [MS-TURN]'s MAGIC-COOKIE (first) and MS-VERSION. */
static void
build_request(struct stun_task *s)
{
	unsigned char *p = s->req;
	size_t n = SFB_STUN_HDR;

	if (RAND_bytes(s->tid, sizeof(s->tid)) != 1)
		memset(s->tid, 0x42, sizeof(s->tid));
	if (s->stage == S_ALLOCATE) {
		put16(p + n, SFB_STUN_A_MS_MAGIC_COOKIE);
		put16(p + n + 2, 4);
		put32(p + n + 4, SFB_STUN_MS_MAGIC);
		n += 8;
		put16(p + n, SFB_STUN_A_MS_VERSION);
		put16(p + n + 2, 4);
		put32(p + n + 4, MS_VERSION);
		n += 8;
	}
	put16(p, s->stage == S_ALLOCATE ? SFB_STUN_ALLOCATE : SFB_STUN_BINDING);
	put16(p + 2, (uint16_t)(n - SFB_STUN_HDR));
	put32(p + 4, SFB_STUN_COOKIE);
	memcpy(p + 8, s->tid, sizeof(s->tid));
	s->req_len = n;
	s->sent = 0;
	s->in_len = 0;
	s->tries = 0;
}

static const char *
check_name(const struct stun_task *s)
{
	return s->stage == S_ALLOCATE ? "turn-allocate" : "stun-binding";
}

static unsigned long
stage_rtt(const struct stun_task *s)
{
	return (unsigned long)(sfb_clock_us() - s->stage_t0_us);
}

static void
print_addr(char *out, size_t n, const struct sfb_stun_addr *a)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->addr, ip, sizeof(ip));
	snprintf(out, n, "%s", ip);
}

/* The relay's own addresses against the topology's public A/V address. */
static void
report_addresses(struct stun_task *s)
{
	struct sfb_check *c = s->base.run;
	const char *want = s->t->public_addr != NULL ? s->t->public_addr : s->t->addr;
	const struct { const char *name; const struct sfb_stun_addr *a; } seen[] = {
		{ "MAPPED-ADDRESS", &s->mapped },
		{ "XOR-RELAYED-ADDRESS", &s->relayed },
		{ "ALTERNATE-SERVER", &s->alternate },
	};
	char ip[INET6_ADDRSTRLEN], bad_ip[INET6_ADDRSTRLEN] = "";
	const char *bad = NULL;
	sfb_buf ev;
	size_t i;

	sfb_buf_init(&ev);
	for (i = 0; i < sizeof(seen) / sizeof(seen[0]); i++) {
		if (!seen[i].a->set)
			continue;
		print_addr(ip, sizeof(ip), seen[i].a);
		sfb_buf_printf(&ev, "%s%s %s:%u", ev.len ? "; " : "", seen[i].name, ip,
		    seen[i].a->port);
		if (bad == NULL && strcmp(ip, want) != 0) {
			bad = seen[i].name;
			snprintf(bad_ip, sizeof(bad_ip), "%s", ip);
		}
	}
	if (sfb_buf_status(&ev) != SFB_OK)
		sfb_check_oom(c);
	else if (ev.len == 0)
		sfb_check_report(c, "turn-address", s->t->subject, SFB_VERDICT_SKIP, &sfb_cite_msturn,
		    0, 0, NULL, "the answer names no address of the relay's own");
	else if (bad != NULL)
		sfb_check_report(c, "turn-address", s->t->subject, SFB_VERDICT_FAIL, &sfb_cite_msturn,
		    0, 0, sfb_buf_str(&ev), "%s %s is not the topology's public A/V address %s: "
		    "clients would be sent to the wrong address (the Edge's NAT setting)", bad, bad_ip,
		    want);
	else
		sfb_check_report(c, "turn-address", s->t->subject, SFB_VERDICT_PASS, &sfb_cite_msturn,
		    0, 0, sfb_buf_str(&ev), "the relay names the topology's public address %s", want);
	sfb_buf_free(&ev);
}

static void stun_step(struct stun_task *s, uint32_t ev);
static void next_stage(struct stun_task *s);

static void
finish(struct stun_task *s)
{
	close_sock(s);
	s->stage = S_DONE;
	sfb_task_done(&s->base);
}

static void
want(struct stun_task *s, uint32_t ev)
{
	struct sfb_check *c = s->base.run;

	if (!s->io_added) {
		if (sfb_loop_add(c->loop, &s->io, ev) == SFB_OK)
			s->io_added = true;
		return;
	}
	(void)sfb_loop_mod(c->loop, &s->io, ev);
}

/* The stage failed without an answer: say how, and go on or stop. */
static void
no_answer(struct stun_task *s, int err)
{
	struct sfb_check *c = s->base.run;

	if (s->stage == S_CONNECT) {
		if (err == 0)
			sfb_check_report(c, "turn-allocate", s->t->subject, SFB_VERDICT_FAIL,
			    &s->t->cite, 0, 0, NULL, "dropped: no answer to the connection in %u ms",
			    c->timeout_ms);
		else
			sfb_check_report(c, "turn-allocate", s->t->subject, SFB_VERDICT_FAIL,
			    &s->t->cite, err, 0, NULL, "%s: %s", err == ECONNREFUSED ? "closed" :
			    "unreachable", strerror(err));
		finish(s);
		return;
	}
	if (err == ECONNREFUSED)
		sfb_check_report(c, check_name(s), s->t->subject, SFB_VERDICT_FAIL, &s->t->cite, err,
		    stage_rtt(s), NULL, "closed: %s", udp(s) ? "ICMP port unreachable" :
		    "connection reset");
	else if (err != 0)
		sfb_check_report(c, check_name(s), s->t->subject, SFB_VERDICT_FAIL, &s->t->cite, err,
		    stage_rtt(s), NULL, "unreachable: %s", strerror(err));
	else
		sfb_check_report(c, check_name(s), s->t->subject, SFB_VERDICT_FAIL, &s->t->cite, 0,
		    0, NULL, "dropped: no STUN answer in %u ms%s", c->timeout_ms, udp(s) ?
		    " (sent 3 times)" : "");
	if (s->stage == S_ALLOCATE && err == 0)
		next_stage(s);
	else {
		if (s->stage == S_ALLOCATE)
			sfb_check_report(c, "stun-binding", s->t->subject, SFB_VERDICT_SKIP,
			    &s->t->cite, 0, 0, NULL, "not asked: the port is closed");
		finish(s);
	}
}

static void
on_timeout(sfb_timer *tm)
{
	no_answer(tm->data, 0);
}

static void
send_request(struct stun_task *s)
{
	ssize_t n;

	while (s->sent < s->req_len) {
		n = send(s->fd, s->req + s->sent, s->req_len - s->sent, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				want(s, EPOLLIN | EPOLLOUT);
				return;
			}
			no_answer(s, errno);
			return;
		}
		s->sent += (size_t)n;
	}
	want(s, EPOLLIN);
}

/* UDP: send again at 500 ms and 1500 ms (RFC 5389 7.2.1, shortened). */
static void
on_resend(sfb_timer *tm)
{
	struct stun_task *s = tm->data;
	struct sfb_check *c = s->base.run;

	if (++s->tries >= 3)
		return;
	s->sent = 0;
	send_request(s);
	if (s->stage != S_DONE)
		(void)sfb_timer_start(c->loop, &s->resend, 500u << s->tries);
}

static void
begin_stage(struct stun_task *s)
{
	struct sfb_check *c = s->base.run;

	build_request(s);
	s->stage_t0_us = sfb_clock_us();
	sfb_timer_stop(c->loop, &s->timer);
	sfb_timer_stop(c->loop, &s->resend);
	(void)sfb_timer_start(c->loop, &s->timer, c->timeout_ms);
	if (udp(s))
		(void)sfb_timer_start(c->loop, &s->resend, 500);
	send_request(s);
}

static void
next_stage(struct stun_task *s)
{
	if (s->stage == S_ALLOCATE) {
		if (s->allocate_answered)
			report_addresses(s);
		s->stage = S_BINDING;
		begin_stage(s);
		return;
	}
	finish(s);
}

/* A whole message: ours?  Then judge it. */
static bool
judge(struct stun_task *s, const unsigned char *buf, size_t len)
{
	struct sfb_check *c = s->base.run;
	struct sfb_stun_msg m;
	char ev[512], a[INET6_ADDRSTRLEN], reason[128] = "";
	uint16_t method = s->stage == S_ALLOCATE ? SFB_STUN_ALLOCATE : SFB_STUN_BINDING;

	if (sfb_stun_parse(buf, len, &m) != SFB_OK)
		return false;
	if (!m.cookie || m.tid_len != 12 || memcmp(m.tid, s->tid, 12) != 0 || m.method != method ||
	    (m.cls != SFB_STUN_SUCCESS && m.cls != SFB_STUN_ERROR))
		return false;
	if (m.has_error && m.error_reason.set)
		snprintf(reason, sizeof(reason), "%.*s", (int)(m.error_reason.len < 127 ?
		    m.error_reason.len : 127), (const char *)buf + m.error_reason.off);
	if (s->stage == S_ALLOCATE) {
		s->allocate_answered = true;
		s->mapped = m.mapped;
		s->relayed = m.relayed;
		s->alternate = m.alternate;
		if (m.cls == SFB_STUN_ERROR && m.error_code == 401 && m.realm.set && m.nonce.set) {
			snprintf(ev, sizeof(ev), "401 %s; realm %.*s; MS-VERSION %s", reason,
			    (int)(m.realm.len < 100 ? m.realm.len : 100),
			    (const char *)buf + m.realm.off, m.has_ms_version ? "present" : "absent");
			sfb_check_report(c, "turn-allocate", s->t->subject, SFB_VERDICT_PASS,
			    &sfb_cite_msturn, 0, stage_rtt(s), ev, "the relay asks for credentials "
			    "(401 with realm and nonce)");
		} else if (m.cls == SFB_STUN_SUCCESS) {
			sfb_check_report(c, "turn-allocate", s->t->subject, SFB_VERDICT_PASS,
			    &sfb_cite_msturn, 0, stage_rtt(s), NULL, "allocated without credentials");
		} else if (m.cls == SFB_STUN_ERROR && m.error_code == 300 && m.alternate.set) {
			print_addr(a, sizeof(a), &m.alternate);
			snprintf(ev, sizeof(ev), "300 %s; ALTERNATE-SERVER %s:%u", reason, a,
			    m.alternate.port);
			sfb_check_report(c, "turn-allocate", s->t->subject, SFB_VERDICT_PASS,
			    &sfb_cite_msturn, 0, stage_rtt(s), ev, "the relay redirects (300 Try "
			    "Alternate)");
		} else {
			snprintf(ev, sizeof(ev), "%u %s", m.error_code, reason);
			sfb_check_report(c, "turn-allocate", s->t->subject, SFB_VERDICT_WARN,
			    &sfb_cite_msturn, 0, stage_rtt(s), ev, "a STUN answer, but error %u, not "
			    "an MS-TURN relay's 401", m.error_code);
		}
		return true;
	}
	if (m.cls == SFB_STUN_SUCCESS && (m.xor_mapped.set || m.mapped.set)) {
		const struct sfb_stun_addr *x = m.xor_mapped.set ? &m.xor_mapped : &m.mapped;

		print_addr(a, sizeof(a), x);
		snprintf(ev, sizeof(ev), "%s %s:%u", m.xor_mapped.set ? "XOR-MAPPED-ADDRESS" :
		    "MAPPED-ADDRESS", a, x->port);
		sfb_check_report(c, "stun-binding", s->t->subject, SFB_VERDICT_PASS, &s->t->cite, 0,
		    stage_rtt(s), ev, "Binding success: this machine is seen as %s", a);
	} else {
		snprintf(ev, sizeof(ev), "%u %s", m.error_code, reason);
		sfb_check_report(c, "stun-binding", s->t->subject, SFB_VERDICT_FAIL, &s->t->cite, 0,
		    stage_rtt(s), ev, m.cls == SFB_STUN_SUCCESS ? "Binding success without a mapped "
		    "address" : "Binding error %u", m.error_code);
	}
	return true;
}

static void
read_answers(struct stun_task *s)
{
	ssize_t n;

	for (;;) {
		if (udp(s)) {
			unsigned char dgram[MAX_IN];

			n = recv(s->fd, dgram, sizeof(dgram), 0);
			if (n < 0) {
				if (errno == EAGAIN || errno == EWOULDBLOCK)
					return;
				no_answer(s, errno);
				return;
			}
			if (judge(s, dgram, (size_t)n)) {
				next_stage(s);
				return;
			}
			continue;
		}
		n = recv(s->fd, s->in + s->in_len, sizeof(s->in) - s->in_len, 0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			no_answer(s, n == 0 ? ECONNRESET : errno);
			return;
		}
		s->in_len += (size_t)n;
		for (;;) {
			struct sfb_stun_piece piece;
			sfb_cur cur;

			sfb_cur_init(&cur, s->in, s->in_len);
			if (sfb_stun_next(&cur, SFB_STUN_FRAME_PLAIN, &piece) != SFB_OK) {
				struct sfb_check *c = s->base.run;

				sfb_check_report(c, check_name(s), s->t->subject, SFB_VERDICT_FAIL,
				    &s->t->cite, 0, stage_rtt(s), NULL, "the answer is not STUN "
				    "(a TLS server or another service on this port?)");
				if (s->stage == S_ALLOCATE) {
					s->allocate_answered = false;
					next_stage(s);
				} else
					finish(s);
				return;
			}
			if (piece.kind == SFB_STUN_PIECE_NONE) {
				if (s->in_len == sizeof(s->in))
					s->in_len = 0;   /* a piece larger than any answer: drop */
				break;
			}
			if (piece.kind == SFB_STUN_PIECE_MESSAGE &&
			    judge(s, s->in + piece.off, piece.len)) {
				memmove(s->in, s->in + piece.consumed, s->in_len - piece.consumed);
				s->in_len -= piece.consumed;
				next_stage(s);
				return;
			}
			memmove(s->in, s->in + piece.consumed, s->in_len - piece.consumed);
			s->in_len -= piece.consumed;
		}
	}
}

static void
stun_step(struct stun_task *s, uint32_t ev)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (s->stage == S_CONNECT) {
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
			err = errno;
		if (err != 0) {
			no_answer(s, err);
			return;
		}
		if (!(ev & EPOLLOUT))
			return;
		s->stage = S_ALLOCATE;
		begin_stage(s);
		return;
	}
	if (ev & EPOLLOUT)
		send_request(s);
	if (s->stage != S_DONE && (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		read_answers(s);
}

static void
on_io(sfb_io *io, uint32_t ev)
{
	stun_step(io->data, ev);
}

static void
stun_start(struct sfb_task *t)
{
	struct stun_task *s = (struct stun_task *)t;
	struct sfb_check *c = t->run;
	struct sfb_sockaddr sa;

	sfb_timer_init(&s->timer, on_timeout, s);
	sfb_timer_init(&s->resend, on_resend, s);
	s->t0_us = sfb_clock_us();
	if (!sfb_sockaddr_parse(s->t->addr, s->t->port, &sa) ||
	    (s->fd = socket(sa.family, (udp(s) ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) < 0 ||
	    (connect(s->fd, (struct sockaddr *)&sa.ss, sa.len) != 0 && errno != EINPROGRESS)) {
		int err = errno;

		sfb_check_report(c, "turn-allocate", s->t->subject, SFB_VERDICT_FAIL, &s->t->cite,
		    err, 0, NULL, "cannot open a socket to it: %s", strerror(err));
		finish(s);
		return;
	}
	s->io.fd = s->fd;
	s->io.cb = on_io;
	s->io.data = s;
	if (udp(s)) {
		s->stage = S_ALLOCATE;
		begin_stage(s);
		return;
	}
	s->stage = S_CONNECT;
	want(s, EPOLLOUT);
	(void)sfb_timer_start(c->loop, &s->timer, c->timeout_ms);
}

sfb_status
sfb_check_stun_task(struct sfb_check *c, struct sfb_ctarget *t)
{
	struct stun_task *s;
	char subject[400];

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		sfb_ctarget_free(t);
		return sfb_oom(c->ctx);
	}
	s->base.type = &sfb_check_stun;
	s->t = t;
	s->fd = -1;
	/* STUN subjects always name the transport. */
	snprintf(subject, sizeof(subject), "%s:%u/%s (%s)", t->fqdn, t->port,
	    t->proto == SFB_PROTO_UDP ? "udp" : "tcp", t->addr);
	free(t->subject);
	if ((t->subject = sfb_strdup(subject)) == NULL) {
		stun_free(&s->base);
		return sfb_oom(c->ctx);
	}
	sfb_check_add_task(c, &s->base);
	return c->err != SFB_OK ? sfb_oom(c->ctx) : SFB_OK;
}
