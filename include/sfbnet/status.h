/* sfbnet — status codes shared by every library call. */
#ifndef SFBNET_STATUS_H
#define SFBNET_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/* One status enum for the whole library.  Zero is success; every other value
 * says which kind of failure happened, and the context (sfb_ctx) carries the
 * human-readable message with its FILE:LINE:COLUMN. */
typedef enum sfb_status {
	SFB_OK = 0,
	SFB_ENOMEM,     /* allocation failed */
	SFB_EINVAL,     /* bad input: syntax or semantics (exit status 2) */
	SFB_ERANGE,     /* a number or a size out of range (bad input) */
	SFB_ENOTFOUND,  /* a named thing does not exist (bad input) */
	SFB_EIO,        /* reading or writing a file failed (runtime) */
	SFB_EINTERNAL   /* a bug: an invariant was broken */
} sfb_status;

/* A short constant name for a status ("out of memory", "invalid input" ...). */
const char *sfb_status_str(sfb_status st);

#ifdef __cplusplus
}
#endif
#endif
