/* The path-test message, built and checked through the cursor API. */
#include "sfb_wire.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "sfb_buf.h"

#define TAG_OFF 18
#define TAG_LEN 16

#define BLOCK 64   /* SHA-256's block */

void
sfb_wire_key_free(struct sfb_wire_key *k)
{
	EVP_MD_CTX_free(k->inner);
	EVP_MD_CTX_free(k->outer);
	EVP_MD_CTX_free(k->work);
	memset(k, 0, sizeof(*k));
}

/* HMAC (RFC 2104): the key, hashed first when longer than a block, padded
 * to a block and XORed with 0x36 (inner) or 0x5c (outer). */
bool
sfb_wire_key_init(struct sfb_wire_key *k, const void *key, size_t keylen)
{
	unsigned char kb[BLOCK], pad[BLOCK];
	unsigned int n = 0;
	bool ok = false;
	size_t i;

	memset(k, 0, sizeof(*k));
	memset(kb, 0, sizeof(kb));
	if ((k->inner = EVP_MD_CTX_new()) == NULL || (k->outer = EVP_MD_CTX_new()) == NULL ||
	    (k->work = EVP_MD_CTX_new()) == NULL)
		goto out;
	if (keylen > BLOCK) {
		if (!EVP_Digest(key, keylen, kb, &n, EVP_sha256(), NULL))
			goto out;
	} else if (keylen > 0) {
		memcpy(kb, key, keylen);
	}
	for (i = 0; i < BLOCK; i++)
		pad[i] = kb[i] ^ 0x36;
	if (!EVP_DigestInit_ex(k->inner, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(k->inner, pad, BLOCK))
		goto out;
	for (i = 0; i < BLOCK; i++)
		pad[i] = kb[i] ^ 0x5c;
	if (!EVP_DigestInit_ex(k->outer, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(k->outer, pad, BLOCK))
		goto out;
	ok = true;
out:
	OPENSSL_cleanse(kb, sizeof(kb));
	OPENSSL_cleanse(pad, sizeof(pad));
	if (!ok)
		sfb_wire_key_free(k);
	return ok;
}

static bool
tag_of(const unsigned char *hdr, struct sfb_wire_key *k, unsigned char tag[TAG_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	bool ok;

	if (k->inner == NULL)
		return false;
	ok = EVP_MD_CTX_copy_ex(k->work, k->inner) && EVP_DigestUpdate(k->work, hdr, TAG_OFF) &&
	    EVP_DigestFinal_ex(k->work, md, &mdlen) && EVP_MD_CTX_copy_ex(k->work, k->outer) &&
	    EVP_DigestUpdate(k->work, md, mdlen) && EVP_DigestFinal_ex(k->work, md, &mdlen) &&
	    mdlen >= TAG_LEN;
	if (ok)
		memcpy(tag, md, TAG_LEN);
	OPENSSL_cleanse(md, sizeof(md));
	return ok;
}

bool
sfb_wire_encode_k(const struct sfb_wire *m, struct sfb_wire_key *k,
    unsigned char out[SFB_WIRE_LEN])
{
	int i;

	memcpy(out, "SFBN", 4);
	out[4] = 1;
	out[5] = m->kind;
	out[6] = m->proto;
	out[7] = 0;
	out[8] = (unsigned char)(m->port >> 8);
	out[9] = (unsigned char)m->port;
	for (i = 0; i < 8; i++)
		out[10 + i] = (unsigned char)(m->nonce >> (56 - 8 * i));
	return tag_of(out, k, out + TAG_OFF);
}

bool
sfb_wire_decode_k(const void *buf, size_t len, struct sfb_wire_key *k, struct sfb_wire *m)
{
	unsigned char magic[4], tag[TAG_LEN], want[TAG_LEN];
	uint8_t version, reserved;
	uint32_t hi, lo;
	sfb_cur c;

	if (len != SFB_WIRE_LEN)
		return false;
	sfb_cur_init(&c, buf, len);
	if (!sfb_cur_bytes(&c, magic, 4) || memcmp(magic, "SFBN", 4) != 0 ||
	    !sfb_cur_u8(&c, &version) || version != 1 ||
	    !sfb_cur_u8(&c, &m->kind) || (m->kind != SFB_WIRE_PROBE && m->kind != SFB_WIRE_ECHO) ||
	    !sfb_cur_u8(&c, &m->proto) || (m->proto != 6 && m->proto != 17) ||
	    !sfb_cur_u8(&c, &reserved) || reserved != 0 ||
	    !sfb_cur_u16be(&c, &m->port) ||
	    !sfb_cur_u32be(&c, &hi) || !sfb_cur_u32be(&c, &lo) ||
	    !sfb_cur_bytes(&c, tag, TAG_LEN) || !sfb_cur_eof(&c))
		return false;
	m->nonce = ((uint64_t)hi << 32) | lo;
	if (!tag_of(buf, k, want))
		return false;
	return CRYPTO_memcmp(tag, want, TAG_LEN) == 0;
}

bool
sfb_wire_encode(const struct sfb_wire *m, const void *key, size_t keylen,
    unsigned char out[SFB_WIRE_LEN])
{
	struct sfb_wire_key k;
	bool ok;

	if (!sfb_wire_key_init(&k, key, keylen))
		return false;
	ok = sfb_wire_encode_k(m, &k, out);
	sfb_wire_key_free(&k);
	return ok;
}

bool
sfb_wire_decode(const void *buf, size_t len, const void *key, size_t keylen,
    struct sfb_wire *m)
{
	struct sfb_wire_key k;
	bool ok;

	if (!sfb_wire_key_init(&k, key, keylen))
		return false;
	ok = sfb_wire_decode_k(buf, len, &k, m);
	sfb_wire_key_free(&k);
	return ok;
}

bool
sfb_replay_init(struct sfb_replay *r, size_t expected)
{
	size_t slots = 2048;

	memset(r, 0, sizeof(*r));
	if (expected < 1024)
		expected = 1024;
	if (expected > SFB_REPLAY_MAX)
		expected = SFB_REPLAY_MAX;
	/* at most half full, so a lookup stays a few slots long */
	while (slots < 2 * expected)
		slots *= 2;
	r->slot = calloc(slots, sizeof(*r->slot));
	if (r->slot == NULL)
		return false;
	r->mask = slots - 1;
	r->max = expected;
	return true;
}

void
sfb_replay_free(struct sfb_replay *r)
{
	free(r->slot);
	memset(r, 0, sizeof(*r));
}

int
sfb_replay_add(struct sfb_replay *r, const unsigned char msg[SFB_WIRE_LEN])
{
	uint32_t hi = 0, lo = 0;
	uint64_t key;
	size_t i;
	sfb_cur c;

	sfb_cur_init(&c, msg, SFB_WIRE_LEN);
	if (!sfb_cur_skip(&c, TAG_OFF) || !sfb_cur_u32be(&c, &hi) || !sfb_cur_u32be(&c, &lo))
		return SFB_REPLAY_FULL;  /* cannot happen: 34 bytes hold the tag */
	key = ((uint64_t)hi << 32) | lo;
	if (key == 0) {
		if (r->has_zero)
			return SFB_REPLAY_SEEN;
		if (r->n >= r->max)
			return SFB_REPLAY_FULL;
		r->has_zero = true;
		r->n++;
		return SFB_REPLAY_NEW;
	}
	/* An HMAC output: its low bits are as good an index as any hash. */
	for (i = (size_t)key & r->mask; r->slot[i] != 0; i = (i + 1) & r->mask)
		if (r->slot[i] == key)
			return SFB_REPLAY_SEEN;
	if (r->n >= r->max)
		return SFB_REPLAY_FULL;
	r->slot[i] = key;
	r->n++;
	return SFB_REPLAY_NEW;
}
