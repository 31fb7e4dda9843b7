/* Network namespaces by name, as `ip netns` keeps them (/run/netns/NAME):
 * made and removed with ip, entered by the calling thread with setns(2).
 * Everything the twin builds lives in such namespaces. */
#ifndef SFB_NETNS_H
#define SFB_NETNS_H

#include <stdbool.h>

#include "sfb_buf.h"
#include "sfb_ctx.h"

/* Make the thread's network namespace the named one; *saved receives a
 * descriptor of the one it was in (for sfb_netns_leave). */
sfb_status sfb_netns_enter(sfb_ctx *ctx, const char *name, int *saved);
/* Back to the namespace sfb_netns_enter saved; closes *saved. */
void sfb_netns_leave(int *saved);
/* Write a sysctl of the current namespace ("net/ipv4/ip_forward"). */
sfb_status sfb_netns_sysctl(sfb_ctx *ctx, const char *name, const char *value);
/* Run `ip -batch -` with these commands in the current namespace; its
 * complaint (with the failing line) into ctx on failure. */
sfb_status sfb_netns_ip_batch(sfb_ctx *ctx, const char *what, const char *commands);
/* Remove the namespaces named PREFIX<pid>-... whose process is gone (a run
 * killed before it could clean up).  Returns how many. */
unsigned sfb_netns_sweep(const char *prefix);

#endif
