/* c-ares on the one event loop: the channel tells us which sockets it
 * wants watched (its socket-state callback), we tell it which are ready
 * (ares_process_fd), and one loop timer follows ares_timeout. */
#ifndef SFB_ARES_H
#define SFB_ARES_H

#include <stddef.h>
#include <stdint.h>

#include "sfbnet/status.h"
#include "net/sfb_loop.h"

typedef struct sfb_ares sfb_ares;

/* What a query ended with: c-ares' status (ARES_SUCCESS, ARES_ENOTFOUND,
 * ARES_ENODATA, ARES_ETIMEOUT ...) and the raw answer (NULL when none). */
typedef void (*sfb_ares_cb)(void *arg, int status, const unsigned char *abuf, int alen);

/* servers: NULL (the system's resolv.conf) or "ADDR[:PORT][,ADDR[:PORT]]..."
 * (IPv6 as [ADDR]:PORT).  timeout_ms per try, tries per query.  On
 * SFB_EINVAL *why says what is wrong with servers. */
sfb_status sfb_ares_new(sfb_loop *loop, const char *servers, unsigned timeout_ms, unsigned tries,
    sfb_ares **out, const char **why);
void sfb_ares_free(sfb_ares *a);

/* Ask for (name, type) in class IN, no search list.  cb runs once, from
 * the loop (or at once, for a name c-ares refuses). */
void sfb_ares_query(sfb_ares *a, const char *name, int type, sfb_ares_cb cb, void *arg);

/* Queries asked and not yet answered. */
size_t sfb_ares_pending(const sfb_ares *a);

/* Queries asked so far, and the microseconds from the first query to the
 * last answer (the DNS part of a run). */
void sfb_ares_stats(const sfb_ares *a, size_t *queries, uint64_t *busy_us);

/* c-ares' text for a status. */
const char *sfb_ares_strerror(int status);

#endif
