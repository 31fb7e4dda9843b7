/* libcurl multi-socket on sfb_loop (see sfb_curl.h). */
#include "net/sfb_curl.h"

#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

struct sfb_curl {
	sfb_loop *loop;
	CURLM *multi;
	sfb_timer timer;
	bool global;
};

/* One watched socket, tied to curl's socket by curl_multi_assign. */
struct csock {
	sfb_io io;
	struct sfb_curl *owner;
};

/* Per transfer: who to tell (CURLOPT_PRIVATE). */
struct xfer {
	sfb_curl_done done;
	void *arg;
};

static void
check_done(struct sfb_curl *c)
{
	CURLMsg *m;
	int left;
	struct xfer *x;
	CURL *easy;
	CURLcode res;

	while ((m = curl_multi_info_read(c->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		easy = m->easy_handle;
		res = m->data.result;
		x = NULL;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
		curl_multi_remove_handle(c->multi, easy);
		if (x != NULL) {
			sfb_curl_done done = x->done;
			void *arg = x->arg;

			free(x);
			curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
			done(arg, easy, res);
		}
	}
}

static void
on_io(sfb_io *io, uint32_t events)
{
	struct csock *s = io->data;
	struct sfb_curl *c = s->owner;
	int running = 0, mask = 0;

	if (events & (EPOLLIN | EPOLLHUP))
		mask |= CURL_CSELECT_IN;
	if (events & EPOLLOUT)
		mask |= CURL_CSELECT_OUT;
	if (events & EPOLLERR)
		mask |= CURL_CSELECT_ERR;
	curl_multi_socket_action(c->multi, io->fd, mask, &running);
	check_done(c);
}

static void
on_timer(sfb_timer *t)
{
	struct sfb_curl *c = t->data;
	int running = 0;

	curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(c);
}

static int
socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct sfb_curl *c = userp;
	struct csock *s = socketp;
	uint32_t ev;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (s != NULL) {
			sfb_loop_del(c->loop, &s->io);
			curl_multi_assign(c->multi, fd, NULL);
			free(s);
		}
		return 0;
	}
	ev = ((what & CURL_POLL_IN) ? EPOLLIN : 0) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0);
	if (s == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return -1;
		s->io.fd = fd;
		s->io.cb = on_io;
		s->io.data = s;
		s->owner = c;
		if (sfb_loop_add(c->loop, &s->io, ev) != SFB_OK) {
			free(s);
			return -1;
		}
		curl_multi_assign(c->multi, fd, s);
		return 0;
	}
	return sfb_loop_mod(c->loop, &s->io, ev) == SFB_OK ? 0 : -1;
}

static int
timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct sfb_curl *c = userp;

	(void)multi;
	sfb_timer_stop(c->loop, &c->timer);
	if (timeout_ms < 0)
		return 0;
	return sfb_timer_start(c->loop, &c->timer, (uint64_t)timeout_ms) == SFB_OK ? 0 : -1;
}

sfb_status
sfb_curl_new(sfb_loop *loop, struct sfb_curl **out)
{
	struct sfb_curl *c;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return SFB_ENOMEM;
	c->loop = loop;
	sfb_timer_init(&c->timer, on_timer, c);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		free(c);
		return SFB_ENOMEM;
	}
	c->global = true;
	if ((c->multi = curl_multi_init()) == NULL) {
		sfb_curl_free(c);
		return SFB_ENOMEM;
	}
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	*out = c;
	return SFB_OK;
}

void
sfb_curl_free(struct sfb_curl *c)
{
	if (c == NULL)
		return;
	if (c->multi != NULL)
		curl_multi_cleanup(c->multi);
	sfb_timer_stop(c->loop, &c->timer);
	if (c->global)
		curl_global_cleanup();
	free(c);
}

sfb_status
sfb_curl_add(struct sfb_curl *c, CURL *easy, sfb_curl_done done, void *arg)
{
	struct xfer *x;

	if ((x = malloc(sizeof(*x))) == NULL)
		return SFB_ENOMEM;
	x->done = done;
	x->arg = arg;
	curl_easy_setopt(easy, CURLOPT_PRIVATE, (char *)x);
	if (curl_multi_add_handle(c->multi, easy) != CURLM_OK) {
		curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
		free(x);
		return SFB_ENOMEM;
	}
	return SFB_OK;
}

void
sfb_curl_remove(struct sfb_curl *c, CURL *easy)
{
	struct xfer *x = NULL;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
	if (x == NULL)
		return;
	curl_multi_remove_handle(c->multi, easy);
	curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
	free(x);
}
