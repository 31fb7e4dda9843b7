/* c-ares driven by sfb_loop (see sfb_ares.h). */
#include "net/sfb_ares.h"

#include <ares.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

/* c-ares opens a socket per server and protocol: a handful. */
#define ARES_MAX_SOCKS 16

struct ares_sock {
	sfb_io io;
	struct sfb_ares *owner;
	bool used;
};

struct sfb_ares {
	sfb_loop *loop;
	ares_channel ch;
	bool ch_ok, lib_ok;
	sfb_timer timer;
	struct ares_sock socks[ARES_MAX_SOCKS];
	size_t pending;
	size_t asked;
	uint64_t first_us, last_us;   /* first query, last answer */
	int failed_socks;   /* sockets c-ares opened that we could not watch */
};

struct query {
	struct sfb_ares *a;
	sfb_ares_cb cb;
	void *arg;
};

static void rearm_full(struct sfb_ares *a);

static void
rearm(struct sfb_ares *a)
{
	if (a->pending == 0)
		sfb_timer_stop(a->loop, &a->timer);
	else if (!sfb_timer_armed(&a->timer))
		rearm_full(a);
}

static void
on_io(sfb_io *io, uint32_t events)
{
	struct ares_sock *s = io->data;
	struct sfb_ares *a = s->owner;
	ares_socket_t fd = io->fd;

	ares_process_fd(a->ch, (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) ? fd : ARES_SOCKET_BAD,
	    (events & EPOLLOUT) ? fd : ARES_SOCKET_BAD);
	rearm(a);
}

static void
on_timer(sfb_timer *t)
{
	struct sfb_ares *a = t->data;

	ares_process_fd(a->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	rearm_full(a);
}

/* The loop timer follows c-ares' next deadline while queries are out.
 * Every query waits the same time per try, so a query asked after the
 * timer was armed is due no earlier: while the timer is armed only its
 * firing (or the last answer) needs a new deadline.  (ares_timeout walks
 * every query in flight: asked after each answer, it was a tenth of the
 * run with 10,000 partners.) */
static void
rearm_full(struct sfb_ares *a)
{
	struct timeval tv, *tvp;
	uint64_t ms;

	sfb_timer_stop(a->loop, &a->timer);
	if (a->pending == 0)
		return;
	if ((tvp = ares_timeout(a->ch, NULL, &tv)) == NULL)
		return;
	ms = (uint64_t)tvp->tv_sec * 1000 + (uint64_t)(tvp->tv_usec + 999) / 1000;
	(void)sfb_timer_start(a->loop, &a->timer, ms);
}

static void
sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct sfb_ares *a = data;
	struct ares_sock *s = NULL, *free_slot = NULL;
	uint32_t ev = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);
	size_t i;

	for (i = 0; i < ARES_MAX_SOCKS; i++) {
		if (a->socks[i].used && a->socks[i].io.fd == fd)
			s = &a->socks[i];
		else if (!a->socks[i].used && free_slot == NULL)
			free_slot = &a->socks[i];
	}
	if (s != NULL && ev == 0) {
		sfb_loop_del(a->loop, &s->io);
		s->used = false;
		return;
	}
	if (s != NULL) {
		(void)sfb_loop_mod(a->loop, &s->io, ev);
		return;
	}
	if (ev == 0)
		return;
	if (free_slot == NULL) {
		a->failed_socks++;   /* its queries time out: c-ares retries elsewhere */
		return;
	}
	free_slot->io.fd = fd;
	free_slot->io.cb = on_io;
	free_slot->io.data = free_slot;
	free_slot->owner = a;
	if (sfb_loop_add(a->loop, &free_slot->io, ev) == SFB_OK)
		free_slot->used = true;
	else
		a->failed_socks++;
}

sfb_status
sfb_ares_new(sfb_loop *loop, const char *servers, unsigned timeout_ms, unsigned tries,
    sfb_ares **out, const char **why)
{
	struct ares_options o;
	struct sfb_ares *a;
	int mask, rc;
	sfb_status st = SFB_OK;

	*out = NULL;
	*why = NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return SFB_ENOMEM;
	a->loop = loop;
	sfb_timer_init(&a->timer, on_timer, a);
	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
		st = SFB_ENOMEM;
		goto out;
	}
	a->lib_ok = true;
	memset(&o, 0, sizeof(o));
	o.sock_state_cb = sock_state;
	o.sock_state_cb_data = a;
	o.timeout = (int)(timeout_ms > 0 ? timeout_ms : 2000);
	o.tries = (int)(tries > 0 ? tries : 2);
	o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
	/* Answers to many queries in flight arrive together: a receive buffer
	 * that holds them (the kernel caps it at net.core.rmem_max). */
	o.socket_receive_buffer_size = 1 << 20;
	mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS |
	    ARES_OPT_SOCK_RCVBUF;
	if ((rc = ares_init_options(&a->ch, &o, mask)) != ARES_SUCCESS) {
		*why = ares_strerror(rc);
		st = rc == ARES_ENOMEM ? SFB_ENOMEM : SFB_EIO;
		goto out;
	}
	a->ch_ok = true;
	if (servers != NULL && (rc = ares_set_servers_ports_csv(a->ch, servers)) != ARES_SUCCESS) {
		*why = rc == ARES_ENOMEM ? ares_strerror(rc) :
		    "not an address list (ADDR[:PORT], IPv6 as [ADDR]:PORT, comma-separated)";
		st = rc == ARES_ENOMEM ? SFB_ENOMEM : SFB_EINVAL;
		goto out;
	}
	*out = a;
	a = NULL;
out:
	sfb_ares_free(a);
	return st;
}

void
sfb_ares_free(sfb_ares *a)
{
	size_t i;

	if (a == NULL)
		return;
	if (a->ch_ok)
		ares_destroy(a->ch);   /* runs the callbacks of queries still out */
	for (i = 0; i < ARES_MAX_SOCKS; i++)
		if (a->socks[i].used)
			sfb_loop_del(a->loop, &a->socks[i].io);
	sfb_timer_stop(a->loop, &a->timer);
	if (a->lib_ok)
		ares_library_cleanup();
	free(a);
}

static void
on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct query *q = arg;
	struct sfb_ares *a = q->a;
	sfb_ares_cb cb = q->cb;
	void *cb_arg = q->arg;

	(void)timeouts;
	free(q);
	a->pending--;
	a->last_us = sfb_clock_us();
	cb(cb_arg, status, status == ARES_SUCCESS ? abuf : NULL, status == ARES_SUCCESS ? alen : 0);
}

void
sfb_ares_query(sfb_ares *a, const char *name, int type, sfb_ares_cb cb, void *arg)
{
	struct query *q;

	if ((q = malloc(sizeof(*q))) == NULL) {
		cb(arg, ARES_ENOMEM, NULL, 0);
		return;
	}
	q->a = a;
	q->cb = cb;
	q->arg = arg;
	if (a->asked++ == 0)
		a->first_us = sfb_clock_us();
	a->pending++;
	ares_query(a->ch, name, 1 /* class IN */, type, on_answer, q);
	rearm(a);
}

size_t
sfb_ares_pending(const sfb_ares *a)
{
	return a->pending;
}

void
sfb_ares_stats(const sfb_ares *a, size_t *queries, uint64_t *busy_us)
{
	*queries = a->asked;
	*busy_us = a->last_us > a->first_us ? a->last_us - a->first_us : 0;
}

const char *
sfb_ares_strerror(int status)
{
	return ares_strerror(status);
}
