/* check_tcp, check_tls, check_sip: one connection each, a state machine on
 * the loop.  TCP: connect (refused: closed; silence: dropped).  TLS: the
 * handshake with SNI, then the certificate against the plan (sfb_check_cert)
 * and, on two more connections, whether TLS 1.0 and 1.1 are still offered.
 * SIP: the handshake, an OPTIONS request, its status line and Server
 * header; a TLS failure, a timeout and a SIP error are different verdicts. */
#include "check/sfb_check_int.h"
#include "check/sfb_sip.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#define SIP_MAX 65536

enum conn_state { C_CONNECT, C_HANDSHAKE, C_SEND, C_READ, C_DONE };

struct conn_task {
	struct sfb_task base;
	struct sfb_ctarget *t;
	enum conn_state state;
	int fd;
	sfb_io io;
	bool io_added;
	sfb_timer timer;
	SSL *ssl;
	int old;                 /* TLS versions: 0 the main handshake, 1 TLS 1.0, 2 TLS 1.1 */
	bool offers[2];
	char main_version[16];
	uint64_t t0_us;
	sfb_buf out, in;
	size_t out_off;
};

static void conn_start(struct sfb_task *t);
static void conn_free(struct sfb_task *t);

const struct sfb_task_type sfb_check_tcp = { "check_tcp", conn_start, conn_free };
const struct sfb_task_type sfb_check_tls = { "check_tls", conn_start, conn_free };
const struct sfb_task_type sfb_check_sip = { "check_sip", conn_start, conn_free };

static const char *
kind(const struct conn_task *k)
{
	return k->base.type == &sfb_check_tcp ? "tcp" : k->base.type == &sfb_check_tls ? "tls" :
	    "sip-options";
}

static void
close_conn(struct conn_task *k)
{
	struct sfb_check *c = k->base.run;

	sfb_timer_stop(c->loop, &k->timer);
	if (k->io_added)
		sfb_loop_del(c->loop, &k->io);
	k->io_added = false;
	if (k->ssl != NULL)
		SSL_free(k->ssl);
	k->ssl = NULL;
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

static void
conn_free(struct sfb_task *t)
{
	struct conn_task *k = (struct conn_task *)t;

	if (k->base.started && k->base.run != NULL && k->base.run->loop != NULL)
		close_conn(k);
	else if (k->fd >= 0)
		close(k->fd);
	sfb_ctarget_free(k->t);
	sfb_buf_free(&k->out);
	sfb_buf_free(&k->in);
	free(k);
}

static unsigned long
elapsed(const struct conn_task *k)
{
	return (unsigned long)(sfb_clock_us() - k->t0_us);
}

static void
finish(struct conn_task *k)
{
	close_conn(k);
	k->state = C_DONE;
	sfb_task_done(&k->base);
}

static void
want(struct conn_task *k, uint32_t ev)
{
	struct sfb_check *c = k->base.run;

	if (!k->io_added) {
		if (sfb_loop_add(c->loop, &k->io, ev) == SFB_OK)
			k->io_added = true;
		return;
	}
	(void)sfb_loop_mod(c->loop, &k->io, ev);
}

static void step(struct conn_task *k, uint32_t ev);

static void
on_io(sfb_io *io, uint32_t ev)
{
	step(io->data, ev);
}

/* The last OpenSSL error as text (queue emptied). */
static void
ssl_reason(char *out, size_t n, int sys)
{
	unsigned long e = ERR_get_error();

	if (e != 0)
		ERR_error_string_n(e, out, n);
	else if (sys != 0)
		snprintf(out, n, "%s", strerror(sys));
	else
		snprintf(out, n, "the peer closed the connection");
	ERR_clear_error();
}

static int
open_socket(struct conn_task *k, int *err)
{
	struct sfb_sockaddr sa;
	int fd;

	*err = 0;
	if (!sfb_sockaddr_parse(k->t->addr, k->t->port, &sa)) {
		*err = EINVAL;
		return -1;
	}
	if ((fd = socket(sa.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		*err = errno;
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa.ss, sa.len) != 0 && errno != EINPROGRESS) {
		*err = errno;
		close(fd);
		return -1;
	}
	return fd;
}

static void on_timeout(sfb_timer *tm);

/* Open the connection for the current stage (main, or an old version). */
static bool
connect_now(struct conn_task *k)
{
	struct sfb_check *c = k->base.run;
	int err;

	k->state = C_CONNECT;
	k->t0_us = sfb_clock_us();
	if ((k->fd = open_socket(k, &err)) < 0) {
		if (k->old == 0) {
			sfb_check_report(c, kind(k), k->t->subject, k->base.type == &sfb_check_tcp ?
			    SFB_VERDICT_FAIL : SFB_VERDICT_SKIP, &k->t->cite, err, 0, NULL,
			    "%s: %s", k->base.type == &sfb_check_tcp ? "unreachable" :
			    "not reached (see the tcp check)", strerror(err));
			finish(k);
		}
		return false;
	}
	k->io.fd = k->fd;
	k->io.cb = on_io;
	k->io.data = k;
	want(k, EPOLLOUT);
	(void)sfb_timer_start(c->loop, &k->timer, c->timeout_ms);
	return true;
}

static void
tls_versions_report(struct conn_task *k)
{
	struct sfb_check *c = k->base.run;

	if (k->offers[0] || k->offers[1])
		sfb_check_report(c, "tls-versions", k->t->subject, SFB_VERDICT_WARN,
		    &sfb_cite_tls_versions, 0, 0, k->main_version, "offers %s%s%s", k->offers[0] ?
		    "TLS 1.0" : "", k->offers[0] && k->offers[1] ? " and " : "", k->offers[1] ?
		    "TLS 1.1" : "");
	else
		sfb_check_report(c, "tls-versions", k->t->subject, SFB_VERDICT_PASS,
		    &sfb_cite_tls_versions, 0, 0, k->main_version,
		    "neither TLS 1.0 nor TLS 1.1 is offered");
}

/* After the main TLS handshake: try TLS 1.0, then TLS 1.1. */
static void
next_old_version(struct conn_task *k)
{
	close_conn(k);
	while (++k->old <= 2) {
		if (connect_now(k))
			return;
	}
	tls_versions_report(k);
	k->state = C_DONE;
	sfb_task_done(&k->base);
}

static void
fail_stage(struct conn_task *k, int err, bool timeout)
{
	struct sfb_check *c = k->base.run;
	char why[256];

	if (k->old > 0) {       /* an old version refused: that is what we hope */
		ERR_clear_error();
		next_old_version(k);
		return;
	}
	switch (k->state) {
	case C_CONNECT:
		if (k->base.type != &sfb_check_tcp) {
			/* The tcp check of the same port says why. */
			sfb_check_report(c, kind(k), k->t->subject, SFB_VERDICT_SKIP, &k->t->cite,
			    err, 0, NULL, "not reached (see the tcp check): %s", timeout ?
			    "no answer to the connection" : strerror(err));
			break;
		}
		if (timeout)
			sfb_check_report(c, kind(k), k->t->subject, SFB_VERDICT_FAIL, &k->t->cite, 0,
			    0, NULL, "dropped: no answer to the connection in %u ms", c->timeout_ms);
		else if (err == ECONNREFUSED)
			sfb_check_report(c, kind(k), k->t->subject, SFB_VERDICT_FAIL, &k->t->cite, err,
			    elapsed(k), NULL, "closed: connection refused");
		else
			sfb_check_report(c, kind(k), k->t->subject, SFB_VERDICT_FAIL, &k->t->cite, err,
			    elapsed(k), NULL, "unreachable: %s", strerror(err));
		break;
	case C_HANDSHAKE:
		if (timeout)
			snprintf(why, sizeof(why), "no handshake in %u ms", c->timeout_ms);
		else
			ssl_reason(why, sizeof(why), err);
		sfb_check_report(c, kind(k), k->t->subject, SFB_VERDICT_FAIL, &k->t->cite, err,
		    elapsed(k), NULL, "TLS failed: %s", why);
		break;
	default:
		if (timeout)
			sfb_check_report(c, kind(k), k->t->subject, SFB_VERDICT_FAIL, &k->t->cite, 0,
			    0, NULL, "timeout: no SIP answer in %u ms", c->timeout_ms);
		else
			sfb_check_report(c, kind(k), k->t->subject, SFB_VERDICT_FAIL, &k->t->cite, err,
			    elapsed(k), NULL, "the connection ended before a SIP answer: %s",
			    err ? strerror(err) : "closed by the server");
		break;
	}
	finish(k);
}

static void
on_timeout(sfb_timer *tm)
{
	fail_stage(tm->data, 0, true);
}

static void
build_options(struct conn_task *k)
{
	unsigned char r[8];
	char tag[17];
	size_t i;

	if (RAND_bytes(r, sizeof(r)) != 1)
		memset(r, 0x5a, sizeof(r));
	for (i = 0; i < 8; i++)
		snprintf(tag + 2 * i, 3, "%02x", r[i]);
	sfb_buf_reset(&k->out);
	sfb_buf_printf(&k->out,
	    "OPTIONS sip:%s:%u;transport=tls SIP/2.0\r\n"
	    "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK%s\r\n"
	    "Max-Forwards: 70\r\n"
	    "From: <sip:sfbnet-check@%s>;tag=%s\r\n"
	    "To: <sip:%s>\r\n"
	    "Call-ID: %s@sfbnet\r\n"
	    "CSeq: 1 OPTIONS\r\n"
	    "Accept: application/sdp\r\n"
	    "User-Agent: sfbnet-check\r\n"
	    "Content-Length: 0\r\n\r\n",
	    k->t->fqdn, k->t->port, tag, k->t->fqdn, tag, k->t->fqdn, tag);
	k->out_off = 0;
}

static void
sip_result(struct conn_task *k, const struct sfb_sip_msg *m, const char *buf)
{
	struct sfb_check *c = k->base.run;
	const struct sfb_span *sv = m->server.set ? &m->server : &m->user_agent;
	char ev[512], server[200] = "", reason[120] = "";

	if (sv->set)
		snprintf(server, sizeof(server), "%.*s", (int)(sv->len < 199 ? sv->len : 199),
		    buf + sv->off);
	if (m->reason.set)
		snprintf(reason, sizeof(reason), "%.*s", (int)(m->reason.len < 119 ? m->reason.len :
		    119), buf + m->reason.off);
	snprintf(ev, sizeof(ev), "SIP/2.0 %u %s%s%s", m->code, reason, server[0] ?
	    "; Server: " : "", server);
	if (m->code >= 200 && m->code < 300)
		sfb_check_report(c, "sip-options", k->t->subject, SFB_VERDICT_PASS, &k->t->cite, 0,
		    elapsed(k), ev, "SIP %u %s", m->code, reason);
	else if (m->code >= 100 && m->code < 200)
		return;
	else
		sfb_check_report(c, "sip-options", k->t->subject, SFB_VERDICT_FAIL, &k->t->cite, 0,
		    elapsed(k), ev, "SIP error %u %s", m->code, reason);
}

/* An OpenSSL call returned rc (not done): wait for the socket it wants,
 * or fail this stage with the reason. */
static void
ssl_wait_or_fail(struct conn_task *k, int rc)
{
	int e = SSL_get_error(k->ssl, rc);

	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		want(k, e == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT);
		return;
	}
	fail_stage(k, e == SSL_ERROR_SYSCALL ? errno : 0, false);
}

static void
step(struct conn_task *k, uint32_t ev)
{
	struct sfb_check *c = k->base.run;
	int err = 0, rc;
	socklen_t len = sizeof(err);
	char chunk[4096];

	switch (k->state) {
	case C_CONNECT:
		if (getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
			err = errno;
		if (err != 0) {
			fail_stage(k, err, false);
			return;
		}
		if (!(ev & EPOLLOUT))
			return;
		if (k->base.type == &sfb_check_tcp) {
			sfb_check_report(c, "tcp", k->t->subject, SFB_VERDICT_PASS, &k->t->cite, 0,
			    elapsed(k), NULL, "open: connected");
			finish(k);
			return;
		}
		if ((k->ssl = SSL_new(k->old == 0 ? c->tls : c->tls_old[k->old - 1])) == NULL ||
		    SSL_set_fd(k->ssl, k->fd) != 1 ||
		    SSL_set_tlsext_host_name(k->ssl, k->t->fqdn) != 1) {
			sfb_check_oom(c);
			finish(k);
			return;
		}
		SSL_set_connect_state(k->ssl);
		k->state = C_HANDSHAKE;
		/* fall through */
	case C_HANDSHAKE:
		ERR_clear_error();
		rc = SSL_do_handshake(k->ssl);
		if (rc != 1) {
			ssl_wait_or_fail(k, rc);
			return;
		}
		if (k->old > 0) {
			k->offers[k->old - 1] = true;
			next_old_version(k);
			return;
		}
		snprintf(k->main_version, sizeof(k->main_version), "%s", SSL_get_version(k->ssl));
		if (k->base.type == &sfb_check_tls) {
			sfb_check_cert(c, k->t, k->ssl);
			next_old_version(k);
			return;
		}
		build_options(k);
		if (sfb_buf_status(&k->out) != SFB_OK) {
			sfb_check_oom(c);
			finish(k);
			return;
		}
		k->state = C_SEND;
		/* fall through */
	case C_SEND:
		while (k->out_off < k->out.len) {
			ERR_clear_error();
			rc = SSL_write(k->ssl, k->out.data + k->out_off, (int)(k->out.len - k->out_off));
			if (rc <= 0) {
				ssl_wait_or_fail(k, rc);
				return;
			}
			k->out_off += (size_t)rc;
		}
		k->state = C_READ;
		want(k, EPOLLIN);
		/* fall through */
	case C_READ:
		for (;;) {
			struct sfb_sip_piece piece;
			struct sfb_sip_msg m;
			const char *why = NULL;
			sfb_cur cur;
			sfb_status st;

			ERR_clear_error();
			rc = SSL_read(k->ssl, chunk, sizeof(chunk));
			if (rc <= 0) {
				ssl_wait_or_fail(k, rc);
				return;
			}
			sfb_buf_add(&k->in, chunk, (size_t)rc);
			if (sfb_buf_status(&k->in) != SFB_OK || k->in.len > SIP_MAX) {
				sfb_check_report(c, "sip-options", k->t->subject, SFB_VERDICT_FAIL,
				    &k->t->cite, 0, elapsed(k), NULL, "no complete SIP message in the "
				    "first %d bytes", SIP_MAX);
				finish(k);
				return;
			}
			/* Messages one after the other: skip requests (a server may
			 * send its own OPTIONS), judge the first response. */
			sfb_cur_init(&cur, k->in.data, k->in.len);
			for (;;) {
				st = sfb_sip_next(&cur, &piece, &why);
				if (st == SFB_OK && piece.kind == SFB_SIP_PIECE_NONE)
					break;
				if (st == SFB_OK && piece.kind == SFB_SIP_PIECE_KEEPALIVE)
					continue;
				if (st != SFB_OK) {
					sfb_check_report(c, "sip-options", k->t->subject, SFB_VERDICT_FAIL,
					    &k->t->cite, 0, elapsed(k), NULL, "the answer is not SIP: %s",
					    why != NULL ? why : "malformed");
					finish(k);
					return;
				}
				if (sfb_sip_parse(k->in.data + piece.off, piece.len, &m) != SFB_OK) {
					sfb_check_report(c, "sip-options", k->t->subject, SFB_VERDICT_FAIL,
					    &k->t->cite, 0, elapsed(k), NULL, "the answer is not SIP");
					finish(k);
					return;
				}
				if (!m.is_request && m.code >= 200) {
					sip_result(k, &m, k->in.data + piece.off);
					finish(k);
					return;
				}
			}
		}
	case C_DONE:
		return;
	}
}

static void
conn_start(struct sfb_task *t)
{
	struct conn_task *k = (struct conn_task *)t;

	sfb_timer_init(&k->timer, on_timeout, k);
	(void)connect_now(k);
}

sfb_status
sfb_check_conn_task(struct sfb_check *c, const struct sfb_task_type *type, struct sfb_ctarget *t)
{
	struct conn_task *k;

	if ((k = calloc(1, sizeof(*k))) == NULL) {
		sfb_ctarget_free(t);
		return sfb_oom(c->ctx);
	}
	k->base.type = type;
	k->t = t;
	k->fd = -1;
	sfb_buf_init(&k->out);
	sfb_buf_init(&k->in);
	sfb_check_add_task(c, &k->base);
	return c->err != SFB_OK ? sfb_oom(c->ctx) : SFB_OK;
}
