/* The path-test message: what a prober sends and a responder echoes.
 *
 *   0  "SFBN"            magic
 *   4  1                 version
 *   5  kind              1 probe, 2 echo
 *   6  proto             6 TCP, 17 UDP
 *   7  0                 reserved
 *   8  port   (u16 BE)   the destination port the probe was sent to
 *  10  nonce  (u64 BE)   chosen by the prober, echoed back
 *  18  tag    (16 B)     HMAC-SHA256(session token, bytes 0..17), truncated
 *
 * A responder answers only a well-formed probe whose tag proves the token,
 * whose port is the port it arrived on, and never with more bytes than it
 * received: the echo is exactly as long as the probe. */
#ifndef SFB_WIRE_H
#define SFB_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SFB_WIRE_LEN 34
#define SFB_WIRE_PROBE 1
#define SFB_WIRE_ECHO 2

struct sfb_wire {
	uint8_t kind;
	uint8_t proto;
	uint16_t port;
	uint64_t nonce;
};

/* Serialize m with its tag into out[SFB_WIRE_LEN]; false if HMAC fails. */
bool sfb_wire_encode(const struct sfb_wire *m, const void *key, size_t keylen,
    unsigned char out[SFB_WIRE_LEN]);
/* Parse and authenticate; false for anything malformed or forged. */
bool sfb_wire_decode(const void *buf, size_t len, const void *key, size_t keylen,
    struct sfb_wire *m);

#endif
