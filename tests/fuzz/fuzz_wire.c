/* Fuzz target: the path-test message (src/lib/probe/sfb_wire.c).
 *
 * The first byte picks the key length, the next bytes are the key, the rest
 * is a datagram as the responder or the prober receives it.  Decoding must
 * never read out of bounds; whatever decodes must encode back to exactly
 * the same 34 bytes with that key (abort() otherwise), and a message one
 * byte longer or shorter must never decode. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/sfb_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sfb_wire m;
	unsigned char again[SFB_WIRE_LEN];
	size_t keylen;
	const uint8_t *key, *msg;
	size_t msglen;

	if (size < 1)
		return 0;
	keylen = data[0] % 33;
	if (size < 1 + keylen)
		return 0;
	key = data + 1;
	msg = data + 1 + keylen;
	msglen = size - 1 - keylen;
	if (!sfb_wire_decode(msg, msglen, key, keylen, &m))
		return 0;
	if (msglen != SFB_WIRE_LEN || !sfb_wire_encode(&m, key, keylen, again) ||
	    memcmp(again, msg, SFB_WIRE_LEN) != 0) {
		fprintf(stderr, "fuzz_wire: a decoded message does not encode back\n");
		abort();
	}
	if (sfb_wire_decode(msg, msglen - 1, key, keylen, &m)) {
		fprintf(stderr, "fuzz_wire: a truncated message decoded\n");
		abort();
	}
	return 0;
}
