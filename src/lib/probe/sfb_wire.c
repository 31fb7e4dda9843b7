/* The path-test message, built and checked through the cursor API. */
#include "sfb_wire.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sfb_buf.h"

#define TAG_OFF 18
#define TAG_LEN 16

static bool
tag_of(const unsigned char *hdr, const void *key, size_t keylen, unsigned char tag[TAG_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (keylen > INT32_MAX ||
	    HMAC(EVP_sha256(), key, (int)keylen, hdr, TAG_OFF, md, &mdlen) == NULL ||
	    mdlen < TAG_LEN)
		return false;
	memcpy(tag, md, TAG_LEN);
	OPENSSL_cleanse(md, sizeof(md));
	return true;
}

bool
sfb_wire_encode(const struct sfb_wire *m, const void *key, size_t keylen,
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
	return tag_of(out, key, keylen, out + TAG_OFF);
}

bool
sfb_wire_decode(const void *buf, size_t len, const void *key, size_t keylen,
    struct sfb_wire *m)
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
	if (!tag_of(buf, key, keylen, want))
		return false;
	return CRYPTO_memcmp(tag, want, TAG_LEN) == 0;
}
