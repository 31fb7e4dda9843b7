/* System chores of the responder: descriptor limits, dropping privileges,
 * and the nftables TPROXY rules of its funnel mode. */
#ifndef SFB_SYS_H
#define SFB_SYS_H

#include <stdbool.h>
#include <stdint.h>

#include "sfb_buf.h"
#include "sfb_ctx.h"
#include "sfb_iset.h"

/* Run a program (argv[0] found on PATH) with input (NULL: none) on its
 * standard input; true when it exited 0.  Its standard error is appended
 * to err (NULL: dropped), without its final line break, for the message of
 * a failure. */
bool sfb_sys_run(char *const argv[], const char *input, sfb_buf *err);

/* Raise the soft descriptor limit to the hard one; returns the limit. */
uint64_t sfb_sys_fd_limit(void);

/* Become `user` (root only; no-op otherwise).  With keep_net_admin the
 * process keeps CAP_NET_ADMIN and CAP_NET_BIND_SERVICE (transparent reply
 * sockets need them) and nothing else. */
sfb_status sfb_sys_drop_privileges(sfb_ctx *ctx, const char *user, bool keep_net_admin);

/* Install / remove table inet sfbnet_responder: TCP and UDP packets to the
 * given ports are diverted to local port `to`, marked `mark`, and a policy
 * route delivers marked packets locally. */
sfb_status sfb_tproxy_install(sfb_ctx *ctx, const sfb_portset *tcp, const sfb_portset *udp,
    uint16_t to_tcp, uint16_t to_udp, uint32_t mark);
void sfb_tproxy_remove(uint32_t mark);

#endif
