/* The one event loop that drives every probe: epoll for sockets, a binary
 * heap of deadlines for timers, a monotonic millisecond clock. */
#ifndef SFB_LOOP_H
#define SFB_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sfbnet/status.h"

typedef struct sfb_loop sfb_loop;

/* A watched socket: cb runs with the epoll events that are ready. */
typedef struct sfb_io {
	int fd;
	void (*cb)(struct sfb_io *io, uint32_t events);
	void *data;
} sfb_io;

/* A one-shot timer. */
typedef struct sfb_timer {
	uint64_t due;         /* monotonic ms */
	size_t slot;          /* position in the heap, SIZE_MAX when not armed */
	void (*cb)(struct sfb_timer *t);
	void *data;
} sfb_timer;

sfb_status sfb_loop_new(sfb_loop **out);
void sfb_loop_free(sfb_loop *l);
uint64_t sfb_loop_now(sfb_loop *l);           /* cached at each turn */
uint64_t sfb_clock_ms(void);                  /* CLOCK_MONOTONIC now */
uint64_t sfb_clock_us(void);

sfb_status sfb_loop_add(sfb_loop *l, sfb_io *io, uint32_t events);
sfb_status sfb_loop_mod(sfb_loop *l, sfb_io *io, uint32_t events);
void sfb_loop_del(sfb_loop *l, sfb_io *io);

void sfb_timer_init(sfb_timer *t, void (*cb)(sfb_timer *), void *data);
sfb_status sfb_timer_start(sfb_loop *l, sfb_timer *t, uint64_t after_ms);
void sfb_timer_stop(sfb_loop *l, sfb_timer *t);
bool sfb_timer_armed(const sfb_timer *t);

/* Run until sfb_loop_stop() is called or nothing is left to wait for
 * (no watched socket and no armed timer). */
sfb_status sfb_loop_run(sfb_loop *l);
void sfb_loop_stop(sfb_loop *l);

#endif
