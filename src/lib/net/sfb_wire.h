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
 * whose port is the port it arrived on, and that it has not answered before
 * (struct sfb_replay below), and never with more bytes than it received:
 * the echo is exactly as long as the probe. */
#ifndef SFB_WIRE_H
#define SFB_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#define SFB_WIRE_LEN 34
#define SFB_WIRE_PROBE 1
#define SFB_WIRE_ECHO 2

struct sfb_wire {
	uint8_t kind;
	uint8_t proto;
	uint16_t port;
	uint64_t nonce;
};

/* The session token ready for many messages: HMAC-SHA256's inner and
 * outer hash states after the padded key (RFC 2104), so that a tag costs
 * two hash blocks and no key setup (a prober or responder makes one per
 * probe: 100,000 a second).  Not for two threads at once. */
struct sfb_wire_key {
	EVP_MD_CTX *inner, *outer, *work;
};

bool sfb_wire_key_init(struct sfb_wire_key *k, const void *key, size_t keylen);
void sfb_wire_key_free(struct sfb_wire_key *k);
bool sfb_wire_encode_k(const struct sfb_wire *m, struct sfb_wire_key *k,
    unsigned char out[SFB_WIRE_LEN]);
bool sfb_wire_decode_k(const void *buf, size_t len, struct sfb_wire_key *k, struct sfb_wire *m);

/* The same with the token itself (a key made for one message).
 * Serialize m with its tag into out[SFB_WIRE_LEN]; false if HMAC fails. */
bool sfb_wire_encode(const struct sfb_wire *m, const void *key, size_t keylen,
    unsigned char out[SFB_WIRE_LEN]);
/* Parse and authenticate; false for anything malformed or forged. */
bool sfb_wire_decode(const void *buf, size_t len, const void *key, size_t keylen,
    struct sfb_wire *m);

/* The probes a responder has answered, so that a replay of one (the same
 * 34 bytes, from anyone: a captured probe sent again with a spoofed source)
 * is not answered again.  A probe is known by its tag: the tag covers the
 * nonce, protocol and port, so a fresh probe has a new one, and only the
 * token's holder can make valid tags, so the keys are evenly spread and no
 * one else can fill the set.  Kept are the first 8 bytes of the tag (two
 * probes sharing them: a chance of one in 2^64 per pair, which would leave
 * one unanswered).
 *
 * Open addressing with linear probing in a power-of-two table at most half
 * full.  The set never forgets: when it holds max probes it refuses new
 * ones (SFB_REPLAY_FULL), since forgetting old ones would make them
 * answerable again. */
#define SFB_REPLAY_MAX (1u << 20)   /* probes remembered at most: 16 MiB of table */

struct sfb_replay {
	uint64_t *slot;      /* 0: free (a key of 0 is kept in has_zero) */
	size_t mask;         /* slots - 1 */
	size_t n, max;
	bool has_zero;
};

enum { SFB_REPLAY_NEW, SFB_REPLAY_SEEN, SFB_REPLAY_FULL };

/* Room for expected probes (at least 1024, at most SFB_REPLAY_MAX); false
 * when the memory cannot be had. */
bool sfb_replay_init(struct sfb_replay *r, size_t expected);
void sfb_replay_free(struct sfb_replay *r);
/* Remember msg, a probe that decoded: SFB_REPLAY_NEW when it was not known
 * (and is now), SFB_REPLAY_SEEN for a replay, SFB_REPLAY_FULL when it is
 * new but there is no room left (not remembered, not to be answered). */
int sfb_replay_add(struct sfb_replay *r, const unsigned char msg[SFB_WIRE_LEN]);

#endif
