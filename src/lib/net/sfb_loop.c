/* Event loop: epoll + a binary heap of timers. */
#include "sfb_loop.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "sfb_ctx.h"

#define MAX_EVENTS 256

struct sfb_loop {
	int epfd;
	size_t nio;              /* sockets watched */
	sfb_timer **heap;
	size_t nheap, capheap;
	uint64_t now;
	bool stop;
};

uint64_t
sfb_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t
sfb_clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

sfb_status
sfb_loop_new(sfb_loop **out)
{
	sfb_loop *l = calloc(1, sizeof(*l));

	*out = NULL;
	if (l == NULL)
		return SFB_ENOMEM;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return SFB_EIO;
	}
	l->now = sfb_clock_ms();
	*out = l;
	return SFB_OK;
}

void
sfb_loop_free(sfb_loop *l)
{
	if (l == NULL)
		return;
	close(l->epfd);
	free(l->heap);
	free(l);
}

uint64_t
sfb_loop_now(sfb_loop *l)
{
	return l->now;
}

sfb_status
sfb_loop_add(sfb_loop *l, sfb_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, io->fd, &ev) != 0)
		return errno == ENOMEM ? SFB_ENOMEM : SFB_EIO;
	l->nio++;
	return SFB_OK;
}

sfb_status
sfb_loop_mod(sfb_loop *l, sfb_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, io->fd, &ev) == 0 ? SFB_OK : SFB_EIO;
}

void
sfb_loop_del(sfb_loop *l, sfb_io *io)
{
	if (epoll_ctl(l->epfd, EPOLL_CTL_DEL, io->fd, NULL) == 0)
		l->nio--;
}

/* --- timers: a min-heap on due time ------------------------------------ */

static void
heap_swap(sfb_loop *l, size_t a, size_t b)
{
	sfb_timer *t = l->heap[a];

	l->heap[a] = l->heap[b];
	l->heap[b] = t;
	l->heap[a]->slot = a;
	l->heap[b]->slot = b;
}

static void
heap_up(sfb_loop *l, size_t i)
{
	while (i > 0 && l->heap[(i - 1) / 2]->due > l->heap[i]->due) {
		heap_swap(l, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void
heap_down(sfb_loop *l, size_t i)
{
	size_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= l->nheap)
			return;
		if (c + 1 < l->nheap && l->heap[c + 1]->due < l->heap[c]->due)
			c++;
		if (l->heap[i]->due <= l->heap[c]->due)
			return;
		heap_swap(l, i, c);
		i = c;
	}
}

void
sfb_timer_init(sfb_timer *t, void (*cb)(sfb_timer *), void *data)
{
	t->due = 0;
	t->slot = SIZE_MAX;
	t->cb = cb;
	t->data = data;
}

bool
sfb_timer_armed(const sfb_timer *t)
{
	return t->slot != SIZE_MAX;
}

void
sfb_timer_stop(sfb_loop *l, sfb_timer *t)
{
	size_t i = t->slot;

	if (i == SIZE_MAX)
		return;
	t->slot = SIZE_MAX;
	l->nheap--;
	if (i == l->nheap)
		return;
	l->heap[i] = l->heap[l->nheap];
	l->heap[i]->slot = i;
	heap_down(l, i);
	heap_up(l, i);
}

sfb_status
sfb_timer_start(sfb_loop *l, sfb_timer *t, uint64_t after_ms)
{
	sfb_timer_stop(l, t);
	if (sfb_grow(&l->heap, &l->capheap, l->nheap + 1, sizeof(*l->heap)) != SFB_OK)
		return SFB_ENOMEM;
	/* From now, not from the start of this pass of the loop: a pass that
	 * opens thousands of sockets takes long enough to matter. */
	t->due = sfb_clock_ms() + after_ms;
	t->slot = l->nheap;
	l->heap[l->nheap++] = t;
	heap_up(l, t->slot);
	return SFB_OK;
}

void
sfb_loop_stop(sfb_loop *l)
{
	l->stop = true;
}

static void
run_timers(sfb_loop *l)
{
	sfb_timer *t;

	while (l->nheap > 0 && l->heap[0]->due <= l->now && !l->stop) {
		t = l->heap[0];
		sfb_timer_stop(l, t);
		t->cb(t);
	}
}

sfb_status
sfb_loop_run(sfb_loop *l)
{
	struct epoll_event evs[MAX_EVENTS];
	int n, i, wait;
	sfb_io *io;

	l->stop = false;
	while (!l->stop && (l->nio > 0 || l->nheap > 0)) {
		l->now = sfb_clock_ms();
		wait = -1;
		if (l->nheap > 0)
			wait = l->heap[0]->due > l->now ? (int)(l->heap[0]->due - l->now) : 0;
		n = epoll_wait(l->epfd, evs, MAX_EVENTS, wait);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return SFB_EIO;
		}
		/* Sockets first, timers after: an answer that is already
		 * waiting must not lose the race to its own timeout. */
		l->now = sfb_clock_ms();
		for (i = 0; i < n && !l->stop; i++) {
			io = evs[i].data.ptr;
			io->cb(io, evs[i].events);
		}
		if (n == MAX_EVENTS)
			continue;  /* more may be ready: read them before any timeout */
		run_timers(l);
	}
	return SFB_OK;
}
