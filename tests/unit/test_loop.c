/* The event loop: timer order, cancel, re-arm, sockets before timeouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "net/sfb_loop.h"

static sfb_loop *loop;
static char order[64];
static size_t norder;

static void
on_timer(sfb_timer *t)
{
	order[norder++] = *(const char *)t->data;
}

static void
test_timer_order(void **state)
{
	sfb_timer t[5];
	static const char names[] = "abcde";
	const unsigned after[] = { 30, 10, 20, 10, 40 };
	size_t i;

	(void)state;
	norder = 0;
	assert_int_equal(sfb_loop_new(&loop), SFB_OK);
	for (i = 0; i < 5; i++) {
		sfb_timer_init(&t[i], on_timer, (void *)&names[i]);
		assert_int_equal(sfb_timer_start(loop, &t[i], after[i]), SFB_OK);
	}
	sfb_timer_stop(loop, &t[2]);        /* cancelled: never fires */
	assert_false(sfb_timer_armed(&t[2]));
	assert_int_equal(sfb_timer_start(loop, &t[4], 5), SFB_OK);  /* re-armed earlier */
	assert_int_equal(sfb_loop_run(loop), SFB_OK);
	assert_int_equal(norder, 4);
	assert_int_equal(order[0], 'e');
	/* b and d are due at the same time: both before a */
	assert_true((order[1] == 'b' && order[2] == 'd') || (order[1] == 'd' && order[2] == 'b'));
	assert_int_equal(order[3], 'a');
	sfb_loop_free(loop);
}

struct race {
	sfb_io io;
	sfb_timer timeout;
	int got;        /* 1: read the answer, 2: timed out */
};

static void
on_readable(sfb_io *io, uint32_t ev)
{
	struct race *r = io->data;
	char c;

	(void)ev;
	if (r->got == 0 && read(io->fd, &c, 1) == 1) {
		r->got = 1;
		sfb_timer_stop(loop, &r->timeout);
		sfb_loop_del(loop, io);
	}
}

static void
on_timeout(sfb_timer *t)
{
	struct race *r = t->data;

	if (r->got == 0) {
		r->got = 2;
		sfb_loop_del(loop, &r->io);
	}
}

/* An answer already waiting when its timeout is due must win. */
static void
test_socket_before_timer(void **state)
{
	struct race r;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(sfb_loop_new(&loop), SFB_OK);
	memset(&r, 0, sizeof(r));
	r.io.fd = sv[0];
	r.io.cb = on_readable;
	r.io.data = &r;
	sfb_timer_init(&r.timeout, on_timeout, &r);
	assert_int_equal(sfb_loop_add(loop, &r.io, EPOLLIN), SFB_OK);
	assert_int_equal(sfb_timer_start(loop, &r.timeout, 0), SFB_OK);  /* due at once */
	assert_int_equal(write(sv[1], "x", 1), 1);
	assert_int_equal(sfb_loop_run(loop), SFB_OK);
	assert_int_equal(r.got, 1);
	sfb_loop_free(loop);
	close(sv[0]);
	close(sv[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_order),
		cmocka_unit_test(test_socket_before_timer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
