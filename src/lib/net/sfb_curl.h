/* libcurl's multi-socket interface on the one event loop: curl says which
 * sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to call back
 * (CURLMOPT_TIMERFUNCTION); a finished transfer calls its owner. */
#ifndef SFB_CURL_H
#define SFB_CURL_H

#include <curl/curl.h>

#include "sfbnet/status.h"
#include "net/sfb_loop.h"

struct sfb_curl;

/* Called once per transfer when it ends, with curl's result. */
typedef void (*sfb_curl_done)(void *arg, CURL *easy, CURLcode result);

sfb_status sfb_curl_new(sfb_loop *loop, struct sfb_curl **out);
void sfb_curl_free(struct sfb_curl *c);

/* Start a transfer (the caller keeps the easy handle and frees it after
 * done ran, or after sfb_curl_remove). */
sfb_status sfb_curl_add(struct sfb_curl *c, CURL *easy, sfb_curl_done done, void *arg);
void sfb_curl_remove(struct sfb_curl *c, CURL *easy);

#endif
