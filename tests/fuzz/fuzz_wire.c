/* Fuzz target: the path-test message (src/lib/net/sfb_wire.c).
 *
 * The first byte picks the path and the key length; the key follows.
 *
 * Even first byte (raw path): the key is data[0] % 33 bytes, the rest is a
 * datagram as the responder or the prober receives it, decoded as it is.
 * Decoding must never read out of bounds; whatever decodes must encode back
 * to exactly the same 34 bytes with that key (abort() otherwise), and a
 * message one byte shorter must never decode.  A random datagram almost
 * never carries a valid tag, so this path mostly tests the header checks
 * and the rejection of forgeries.
 *
 * Odd first byte (tagged path): the key is (data[0] >> 1) % 33 bytes; the
 * next 18 bytes (zero-padded when the input is shorter) are the header of a
 * message, which is given the valid tag for that key: HMAC-SHA256 over the
 * header, truncated to 16 bytes, computed here with OpenSSL independently of
 * the library.  Then:
 *   - the message must decode exactly when its header is well-formed by the
 *     layout of sfb_wire.h ("SFBN", version 1, kind probe or echo, proto TCP
 *     or UDP, reserved 0), and what decodes must hold the header's fields;
 *   - sfb_wire_encode of the decoded fields must give the same 34 bytes;
 *   - the message must not decode with one byte changed (each further pair
 *     of input bytes picks a position and an XOR mask), nor with one byte of
 *     the key changed, nor one byte shorter or longer. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "net/sfb_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HDR_LEN 18
#define TAG_LEN (SFB_WIRE_LEN - HDR_LEN)
#define MAX_FLIPS 16

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_wire: %s\n", what);
	abort();
}

static int
raw_path(const uint8_t *data, size_t size)
{
	struct sfb_wire m;
	unsigned char again[SFB_WIRE_LEN];
	size_t keylen;
	const uint8_t *key, *msg;
	size_t msglen;

	keylen = data[0] % 33;
	if (size < 1 + keylen)
		return 0;
	key = data + 1;
	msg = data + 1 + keylen;
	msglen = size - 1 - keylen;
	if (!sfb_wire_decode(msg, msglen, key, keylen, &m))
		return 0;
	if (msglen != SFB_WIRE_LEN || !sfb_wire_encode(&m, key, keylen, again) ||
	    memcmp(again, msg, SFB_WIRE_LEN) != 0)
		fail("a decoded message does not encode back");
	if (sfb_wire_decode(msg, msglen - 1, key, keylen, &m))
		fail("a truncated message decoded");
	return 0;
}

/* The header as sfb_wire.h lays it out. */
static bool
header_ok(const unsigned char *h)
{
	return memcmp(h, "SFBN", 4) == 0 && h[4] == 1 &&
	    (h[5] == SFB_WIRE_PROBE || h[5] == SFB_WIRE_ECHO) && (h[6] == 6 || h[6] == 17) &&
	    h[7] == 0;
}

static int
tagged_path(const uint8_t *data, size_t size)
{
	unsigned char msg[SFB_WIRE_LEN + 1], again[SFB_WIRE_LEN], md[EVP_MAX_MD_SIZE];
	unsigned char key2[32];
	unsigned int mdlen = 0;
	struct sfb_wire m;
	const uint8_t *key, *rest;
	size_t keylen, nrest, i, k;
	uint64_t nonce = 0;
	bool ok;

	keylen = (size_t)(data[0] >> 1) % 33;
	if (size < 1 + keylen)
		return 0;
	key = data + 1;
	rest = data + 1 + keylen;
	nrest = size - 1 - keylen;

	memset(msg, 0, sizeof(msg));
	memcpy(msg, rest, nrest < HDR_LEN ? nrest : HDR_LEN);
	/* HMAC of a zero-length key: OpenSSL takes a non-NULL pointer. */
	if (HMAC(EVP_sha256(), keylen > 0 ? key : (const uint8_t *)"", (int)keylen, msg,
	    HDR_LEN, md, &mdlen) == NULL || mdlen < TAG_LEN)
		fail("HMAC failed");
	memcpy(msg + HDR_LEN, md, TAG_LEN);

	ok = sfb_wire_decode(msg, SFB_WIRE_LEN, key, keylen, &m);
	if (ok != header_ok(msg))
		fail(ok ? "a message with a malformed header decoded" :
		    "a well-formed message with a valid tag did not decode");
	if (!ok)
		return 0;
	for (i = 0; i < 8; i++)
		nonce = nonce << 8 | msg[10 + i];
	if (m.kind != msg[5] || m.proto != msg[6] || m.port != (uint16_t)(msg[8] << 8 | msg[9]) ||
	    m.nonce != nonce)
		fail("the decoded fields are not the message's");
	if (!sfb_wire_encode(&m, key, keylen, again) || memcmp(again, msg, SFB_WIRE_LEN) != 0)
		fail("sfb_wire_encode of the decoded fields is not the message");

	/* One byte shorter or longer. */
	if (sfb_wire_decode(msg, SFB_WIRE_LEN - 1, key, keylen, &m) ||
	    sfb_wire_decode(msg, SFB_WIRE_LEN + 1, key, keylen, &m))
		fail("a message of the wrong length decoded");
	/* One byte changed: the rest of the input after the header, in pairs
	 * (position, mask); a zero mask changes nothing and is skipped. */
	for (k = 0, i = HDR_LEN; i + 1 < nrest && k < MAX_FLIPS; i += 2, k++) {
		size_t pos = rest[i] % SFB_WIRE_LEN;
		unsigned char mask = rest[i + 1];

		if (mask == 0)
			continue;
		msg[pos] ^= mask;
		if (sfb_wire_decode(msg, SFB_WIRE_LEN, key, keylen, &m))
			fail("a message with a changed byte decoded");
		msg[pos] ^= mask;
	}
	/* One key byte changed.  (A key with zero bytes appended is the same
	 * HMAC key, so the length is not what is changed.) */
	if (keylen > 0) {
		memcpy(key2, key, keylen);
		key2[nrest > 0 ? rest[0] % keylen : 0] ^= 0x80;
		if (sfb_wire_decode(msg, SFB_WIRE_LEN, key2, keylen, &m))
			fail("a message decoded with the wrong key");
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	return (data[0] & 1) ? tagged_path(data, size) : raw_path(data, size);
}
