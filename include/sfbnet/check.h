/* sfbnet — live checks from where the program runs, against the plan:
 * DNS discovery as clients do it, federation DNS, TCP, TLS, STUN/MS-TURN,
 * SIP OPTIONS and autodiscover (docs/check.md). */
#ifndef SFBNET_CHECK_H
#define SFBNET_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "sfbnet/context.h"
#include "sfbnet/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sfb_check sfb_check;

typedef struct sfb_check_opts {
	/* The plan of a topology and the zone the checks run from; or NULL
	 * and a domain (external checks from DNS alone); or neither and
	 * partners only. */
	const sfb_plan *plan;
	const char *from;
	/* The catalog that gives the client's discovery order: NULL with a
	 * plan (the plan's); --domain without one checks no discovery. */
	const sfb_catalog *cat;
	const char *domain;
	/* Federation partners: their _sipfederationtls SRV and its target. */
	const char *const *partners;
	size_t npartners;
	const char *dns_server;   /* "ADDR[:PORT][,...]"; NULL: resolv.conf */
	const char *ca_file;      /* PEM bundle to trust; NULL: the system store */
	unsigned timeout_ms;      /* per step (connect, handshake, answer); 0: 3000 */
	unsigned concurrency;     /* checks at once; 0: 256 */
	/* Progress and notes, one line at a time (the library prints
	 * nothing); NULL: none. */
	void (*log)(void *arg, const char *line);
	void *log_arg;
} sfb_check_opts;

/* Run every check that applies.  The caller ignores SIGPIPE (a peer that
 * resets a TLS connection must not end the process; sfbnet does).  SFB_EINVAL for bad options (an unknown
 * zone, a bad --dns-server, an unreadable CA file) before anything is
 * sent. */
sfb_status sfb_check_run(sfb_ctx *ctx, const sfb_check_opts *o, sfb_check **out);
void sfb_check_free(sfb_check *c);
/* Findings of verdict fail. */
size_t sfb_check_failures(const sfb_check *c);
/* The findings (format "sfbnet-findings", docs/check.md), text or JSON. */
sfb_status sfb_check_write(sfb_ctx *ctx, const sfb_check *c, sfb_format fmt, char **out);

/* Read --partners FILE: one domain per line ('#' comments and blank lines
 * skipped).  SFB_EINVAL names the file, line and column of a bad one. */
sfb_status sfb_check_read_partners(sfb_ctx *ctx, const char *path, char ***out, size_t *n);
/* The same on size bytes of data, named path in messages. */
sfb_status sfb_check_parse_partners(sfb_ctx *ctx, const char *path, const char *data, size_t size,
    char ***out, size_t *n);
void sfb_check_partners_free(char **v, size_t n);

#ifdef __cplusplus
}
#endif

#endif
