/* STUN / MS-TURN message parser (sfb_stun.h), through the cursor API. */
#include "sfb_stun.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#define MAX_TEXT 763          /* REALM, NONCE, SOFTWARE, ERROR-CODE reason (RFC 5389) */
#define MAX_USERNAME 513

sfb_cur
sfb_span_cur(const void *p, size_t len, struct sfb_span s)
{
	sfb_cur c, out;
	size_t tag;

	sfb_cur_init(&c, p, len);
	if (!s.set || !sfb_cur_skip(&c, s.off)) {
		sfb_cur_init(&out, NULL, 0);
		return out;
	}
	tag = sfb_cur_tag(&c);
	if (!sfb_cur_skip(&c, s.len)) {
		sfb_cur_init(&out, NULL, 0);
		return out;
	}
	return sfb_cur_tag_sub(&c, tag);
}

static const struct {
	uint16_t type;
	const char *name;
} attr_names[] = {
	{ SFB_STUN_A_MAPPED_ADDRESS, "MAPPED-ADDRESS" },
	{ SFB_STUN_A_RESPONSE_ADDRESS, "RESPONSE-ADDRESS" },
	{ SFB_STUN_A_CHANGE_REQUEST, "CHANGE-REQUEST" },
	{ SFB_STUN_A_SOURCE_ADDRESS, "SOURCE-ADDRESS" },
	{ SFB_STUN_A_CHANGED_ADDRESS, "CHANGED-ADDRESS" },
	{ SFB_STUN_A_USERNAME, "USERNAME" },
	{ SFB_STUN_A_PASSWORD, "PASSWORD" },
	{ SFB_STUN_A_MESSAGE_INTEGRITY, "MESSAGE-INTEGRITY" },
	{ SFB_STUN_A_ERROR_CODE, "ERROR-CODE" },
	{ SFB_STUN_A_UNKNOWN_ATTRIBUTES, "UNKNOWN-ATTRIBUTES" },
	{ SFB_STUN_A_REFLECTED_FROM, "REFLECTED-FROM" },
	{ SFB_STUN_A_CHANNEL_NUMBER, "CHANNEL-NUMBER" },
	{ SFB_STUN_A_LIFETIME, "LIFETIME" },
	{ SFB_STUN_A_MS_ALTERNATE_SERVER, "MS-ALTERNATE-SERVER" },
	{ SFB_STUN_A_MS_MAGIC_COOKIE, "MAGIC-COOKIE" },
	{ SFB_STUN_A_BANDWIDTH, "BANDWIDTH" },
	{ SFB_STUN_A_DESTINATION_ADDRESS, "DESTINATION-ADDRESS" },
	{ SFB_STUN_A_XOR_PEER_ADDRESS, "XOR-PEER-ADDRESS" },
	{ SFB_STUN_A_DATA, "DATA" },
	{ SFB_STUN_A_REALM, "REALM" },
	{ SFB_STUN_A_NONCE, "NONCE" },
	{ SFB_STUN_A_XOR_RELAYED_ADDRESS, "XOR-RELAYED-ADDRESS" },
	{ SFB_STUN_A_REQUESTED_TRANSPORT, "REQUESTED-TRANSPORT" },
	{ SFB_STUN_A_XOR_MAPPED_ADDRESS, "XOR-MAPPED-ADDRESS" },
	{ 0x0024, "PRIORITY" },
	{ 0x0025, "USE-CANDIDATE" },
	{ SFB_STUN_A_MS_VERSION, "MS-VERSION" },
	{ SFB_STUN_A_MS_XOR_MAPPED_ADDRESS, "MS-XOR-MAPPED-ADDRESS" },
	{ SFB_STUN_A_SOFTWARE, "SOFTWARE" },
	{ SFB_STUN_A_ALTERNATE_SERVER, "ALTERNATE-SERVER" },
	{ SFB_STUN_A_FINGERPRINT, "FINGERPRINT" },
	{ SFB_STUN_A_ICE_CONTROLLED, "ICE-CONTROLLED" },
	{ SFB_STUN_A_ICE_CONTROLLING, "ICE-CONTROLLING" },
	{ SFB_STUN_A_MS_SEQUENCE_NUMBER, "MS-SEQUENCE-NUMBER" },
	{ SFB_STUN_A_MS_CANDIDATE_IDENTIFIER, "CANDIDATE-IDENTIFIER" },
	{ SFB_STUN_A_MS_SERVICE_QUALITY, "MS-SERVICE-QUALITY" },
	{ SFB_STUN_A_MS_IMPLEMENTATION_VERSION, "MS-IMPLEMENTATION-VERSION" },
	{ SFB_STUN_A_MS_ALT_MAPPED_ADDRESS, "MS-ALT-MAPPED-ADDRESS" },
	{ SFB_STUN_A_MS_MULTIPLEXED_SESSION_ID, "MS-MULTIPLEXED-TURN-SESSION-ID" },
};

const char *
sfb_stun_attr_name(uint16_t type)
{
	size_t i;

	for (i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++)
		if (attr_names[i].type == type)
			return attr_names[i].name;
	return NULL;
}

const char *
sfb_stun_method_name(uint16_t method)
{
	switch (method) {
	case SFB_STUN_BINDING: return "Binding";
	case SFB_STUN_SHARED_SECRET: return "SharedSecret";
	case SFB_STUN_ALLOCATE: return "Allocate";
	case SFB_STUN_REFRESH: return "Refresh";
	case SFB_STUN_SEND: return "Send";
	case SFB_STUN_DATA: return "Data";
	case SFB_STUN_CREATE_PERMISSION: return "CreatePermission";
	case SFB_STUN_CHANNEL_BIND: return "ChannelBind";
	default: return NULL;
	}
}

uint32_t
sfb_crc32(const void *buf, size_t len)
{
	uint32_t crc = 0xFFFFFFFFu;
	sfb_cur c;
	uint8_t b;
	int k;

	sfb_cur_init(&c, buf, len);
	while (sfb_cur_u8(&c, &b)) {
		crc ^= b;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return crc ^ 0xFFFFFFFFu;
}

static bool
fail(struct sfb_stun_msg *m, const char *why, size_t off)
{
	m->why = why;
	m->err_off = off;
	return false;
}

/* MAPPED-ADDRESS style value at v; xor: undo XOR-MAPPED-ADDRESS's XOR with
 * the cookie (port, IPv4) or the header bytes 4..19 (cookie and transaction
 * id, IPv6; for an RFC 3489 message the same 16 bytes). */
static bool
decode_addr(struct sfb_stun_msg *m, const void *buf, sfb_cur v, size_t off, bool xor,
    struct sfb_stun_addr *out)
{
	struct sfb_stun_addr a;
	uint8_t reserved, family, b, k;
	uint16_t port;
	size_t n, i;
	sfb_cur key;
	unsigned char cookie[4] = { 0x21, 0x12, 0xA4, 0x42 };

	memset(&a, 0, sizeof(a));
	if (!sfb_cur_u8(&v, &reserved) || !sfb_cur_u8(&v, &family) || !sfb_cur_u16be(&v, &port))
		return fail(m, "address attribute shorter than 4 bytes", off);
	if (family == 1) {
		a.family = 4;
		n = 4;
	} else if (family == 2) {
		a.family = 6;
		n = 16;
	} else {
		return fail(m, "address family neither 1 (IPv4) nor 2 (IPv6)", off);
	}
	if (sfb_cur_left(&v) != n)
		return fail(m, "address attribute of the wrong length for its family", off);
	if (n == 4 || !xor)
		sfb_cur_init(&key, cookie, sizeof(cookie));
	else {
		sfb_cur_init(&key, buf, SFB_STUN_HDR);
		sfb_cur_skip(&key, 4);
	}
	for (i = 0; i < n; i++) {
		if (!sfb_cur_u8(&v, &b))
			return fail(m, "address attribute cut", off);
		k = 0;
		if (xor && !sfb_cur_u8(&key, &k))
			return fail(m, "address attribute cut", off);
		a.addr[i] = (uint8_t)(b ^ k);
	}
	a.port = xor ? (uint16_t)(port ^ (SFB_STUN_COOKIE >> 16)) : port;
	a.set = true;
	if (!out->set)
		*out = a;
	return true;
}

static bool
get_u32(struct sfb_stun_msg *m, sfb_cur v, size_t off, uint32_t *out, bool exact)
{
	if (!sfb_cur_u32be(&v, out) || (exact && !sfb_cur_eof(&v)))
		return fail(m, "attribute is not a 32-bit value", off);
	return true;
}

static bool
text_span(struct sfb_stun_msg *m, struct sfb_span val, size_t max, size_t off,
    struct sfb_span *out)
{
	if (val.len > max)
		return fail(m, "text attribute too long", off);
	if (!out->set)
		*out = val;
	return true;
}

/* Decode the attributes a check needs; a known one of the wrong shape
 * fails the message. */
static bool
decode_attr(struct sfb_stun_msg *m, const void *buf, size_t len, const struct sfb_stun_attr *a)
{
	sfb_cur v = sfb_span_cur(buf, len, a->value), msg;
	size_t tag;
	uint32_t u;
	uint16_t reserved;
	uint8_t cls, num;

	switch (a->type) {
	case SFB_STUN_A_MAPPED_ADDRESS:
		return decode_addr(m, buf, v, a->off, false, &m->mapped);
	case SFB_STUN_A_XOR_MAPPED_ADDRESS:
		return decode_addr(m, buf, v, a->off, true, &m->xor_mapped);
	case SFB_STUN_A_MS_XOR_MAPPED_ADDRESS:
		return decode_addr(m, buf, v, a->off, true, &m->ms_xor_mapped);
	case SFB_STUN_A_XOR_RELAYED_ADDRESS:
		return decode_addr(m, buf, v, a->off, true, &m->relayed);
	case SFB_STUN_A_ALTERNATE_SERVER:
	case SFB_STUN_A_MS_ALTERNATE_SERVER:
		return decode_addr(m, buf, v, a->off, false, &m->alternate);
	case SFB_STUN_A_ERROR_CODE:
		if (!sfb_cur_u16be(&v, &reserved) || !sfb_cur_u8(&v, &cls) || !sfb_cur_u8(&v, &num))
			return fail(m, "ERROR-CODE shorter than 4 bytes", a->off);
		cls &= 7;
		if (cls < 3 || cls > 6 || num > 99)
			return fail(m, "ERROR-CODE not between 300 and 699", a->off);
		if (sfb_cur_left(&v) > MAX_TEXT)
			return fail(m, "ERROR-CODE reason too long", a->off);
		if (!m->has_error) {
			m->has_error = true;
			m->error_code = (uint16_t)(cls * 100 + num);
			m->error_reason.off = a->value.off + 4;
			m->error_reason.len = a->value.len - 4;
			m->error_reason.set = true;
		}
		return true;
	case SFB_STUN_A_LIFETIME:
		if (!get_u32(m, v, a->off, &u, true))
			return false;
		if (!m->has_lifetime) {
			m->has_lifetime = true;
			m->lifetime = u;
		}
		return true;
	/* [MS-TURN] 2.2.2 numbers them the other way round: 0x0014 is its
	 * Nonce and 0x0015 its Realm (the Teams relay's realm is "rtcmedia"). */
	case SFB_STUN_A_REALM:
		return text_span(m, a->value, MAX_TEXT, a->off, m->ms_turn ? &m->nonce : &m->realm);
	case SFB_STUN_A_NONCE:
		return text_span(m, a->value, MAX_TEXT, a->off, m->ms_turn ? &m->realm : &m->nonce);
	case SFB_STUN_A_SOFTWARE:
		return text_span(m, a->value, MAX_TEXT, a->off, &m->software);
	case SFB_STUN_A_USERNAME:
		return text_span(m, a->value, MAX_USERNAME, a->off, &m->username);
	case SFB_STUN_A_MS_MAGIC_COOKIE:
		if (!get_u32(m, v, a->off, &u, true))
			return false;
		if (!m->has_ms_magic) {
			m->has_ms_magic = true;
			m->ms_magic = u;
		}
		return true;
	case SFB_STUN_A_MS_VERSION:
		if (!get_u32(m, v, a->off, &u, true))
			return false;
		if (!m->has_ms_version) {
			m->has_ms_version = true;
			m->ms_version = u;
		}
		return true;
	case SFB_STUN_A_BANDWIDTH:
		if (!get_u32(m, v, a->off, &u, true))
			return false;
		if (!m->has_bandwidth) {
			m->has_bandwidth = true;
			m->bandwidth = u;
		}
		return true;
	case SFB_STUN_A_MS_IMPLEMENTATION_VERSION:
		if (!get_u32(m, v, a->off, &u, true))
			return false;
		if (!m->has_ms_impl_version) {
			m->has_ms_impl_version = true;
			m->ms_impl_version = u;
		}
		return true;
	case SFB_STUN_A_MS_SEQUENCE_NUMBER:
		/* [MS-TURN]: a 20-byte connection id, then the sequence number;
		 * the Teams relays' clients also send the number alone (4 bytes) */
		tag = sfb_cur_tag(&v);
		if ((a->len == 24 && !sfb_cur_skip(&v, 20)) || (a->len != 24 && a->len != 4) ||
		    !sfb_cur_u32be(&v, &u) || !sfb_cur_eof(&v))
			return fail(m, "MS-SEQUENCE-NUMBER is neither 24 nor 4 bytes", a->off);
		if (!m->has_ms_sequence) {
			m->has_ms_sequence = true;
			m->ms_sequence = u;
			if (a->len == 24) {
				m->ms_connection_id.off = a->value.off + tag;
				m->ms_connection_id.len = 20;
				m->ms_connection_id.set = true;
			}
		}
		return true;
	case SFB_STUN_A_MS_SERVICE_QUALITY:
		if (!sfb_cur_u16be(&v, &reserved) || !sfb_cur_u16be(&v, &m->ms_service_quality))
			return fail(m, "MS-SERVICE-QUALITY shorter than 4 bytes", a->off);
		if (!m->has_ms_service_quality) {
			m->has_ms_service_quality = true;
			m->ms_stream_type = reserved;
		}
		return true;
	case SFB_STUN_A_MS_MULTIPLEXED_SESSION_ID:
		if (!m->ms_session_id.set)
			m->ms_session_id = a->value;
		return true;
	case SFB_STUN_A_MESSAGE_INTEGRITY:
		if (a->len != 20 && !(m->ms_turn && a->len == 32))
			return fail(m, "MESSAGE-INTEGRITY is not 20 bytes (32 in MS-TURN)", a->off);
		if (!m->has_integrity) {
			m->has_integrity = true;
			m->integrity_off = a->off;
		}
		return true;
	case SFB_STUN_A_FINGERPRINT:
		if (!get_u32(m, v, a->off, &u, true))
			return false;
		m->has_fingerprint = true;
		m->fingerprint = u;
		sfb_cur_init(&msg, buf, len);
		tag = sfb_cur_tag(&msg);
		sfb_cur_skip(&msg, a->off);
		msg = sfb_cur_tag_sub(&msg, tag);
		m->fingerprint_ok = (sfb_crc32(msg.p, msg.len) ^ SFB_STUN_FP_XOR) == u;
		return true;
	default:
		return true;
	}
}

/* Does the first attribute at c (left where it was) say MS-TURN: the
 * MAGIC-COOKIE attribute, 4 bytes, 0x72C64BC6?  [MS-TURN] messages do not
 * pad their attributes to 4 bytes (the Teams relays' Allocate error and
 * success are 167 and 133 bytes long). */
static bool
ms_turn_first(const sfb_cur *at)
{
	sfb_cur c = *at;
	uint16_t type = 0, len = 0;
	uint32_t v = 0;

	return sfb_cur_u16be(&c, &type) && sfb_cur_u16be(&c, &len) && sfb_cur_u32be(&c, &v) &&
	    type == SFB_STUN_A_MS_MAGIC_COOKIE && len == 4 && v == SFB_STUN_MS_MAGIC;
}

sfb_status
sfb_stun_parse(const void *buf, size_t len, struct sfb_stun_msg *m)
{
	sfb_status st = SFB_EINVAL;
	uint16_t type, length;
	uint32_t cookie;
	size_t tag;
	sfb_cur c;

	memset(m, 0, sizeof(*m));
	sfb_cur_init(&c, buf, len);
	if (!sfb_cur_u16be(&c, &type) || !sfb_cur_u16be(&c, &length) ||
	    !sfb_cur_u32be(&c, &cookie) || sfb_cur_left(&c) < 12) {
		fail(m, "shorter than a STUN header (20 bytes)", 0);
		goto out;
	}
	if ((type & 0xC000) != 0) {
		fail(m, "the first two bits of the type are not 0", 0);
		goto out;
	}
	if (length != len - SFB_STUN_HDR) {
		fail(m, "length does not match the message size", 2);
		goto out;
	}
	m->size = len;
	m->type = type;
	m->length = length;
	m->method = (uint16_t)((type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2));
	m->cls = (enum sfb_stun_class)(((type >> 4) & 1) | ((type >> 7) & 2));
	m->cookie = cookie == SFB_STUN_COOKIE;
	if (!m->cookie)
		sfb_cur_rollback(&c, 4);
	m->tid_len = m->cookie ? 12 : 16;
	sfb_cur_bytes(&c, m->tid, m->tid_len);
	m->ms_turn = ms_turn_first(&c);
	if (length % 4 != 0 && !m->ms_turn) {
		fail(m, "length is not a multiple of 4", 2);
		goto out;
	}

	while (!sfb_cur_eof(&c)) {
		struct sfb_stun_attr a;
		size_t pad;

		a.off = sfb_cur_tag(&c);
		if (!sfb_cur_u16be(&c, &a.type) || !sfb_cur_u16be(&c, &a.len)) {
			fail(m, "attribute header cut", a.off);
			goto out;
		}
		if (m->has_fingerprint) {
			fail(m, "attribute after FINGERPRINT", a.off);
			goto out;
		}
		tag = sfb_cur_tag(&c);
		if (!sfb_cur_skip(&c, a.len)) {
			fail(m, "attribute runs past the end of the message", a.off);
			goto out;
		}
		a.value.off = tag;
		a.value.len = a.len;
		a.value.set = true;
		pad = m->ms_turn ? 0 : (4 - a.len % 4) % 4;
		if (!sfb_cur_skip(&c, pad)) {
			fail(m, "attribute padding runs past the end of the message", a.off);
			goto out;
		}
		if (m->nattrs == SFB_STUN_MAX_ATTRS) {
			st = SFB_ERANGE;
			fail(m, "more attributes than the parser keeps", a.off);
			goto out;
		}
		m->attrs[m->nattrs++] = a;
		if (!decode_attr(m, buf, len, &a))
			goto out;
	}
	st = SFB_OK;
out:
	return st;
}

bool
sfb_stun_sniff(const void *buf, size_t len)
{
	uint16_t type, length;
	sfb_cur c;

	sfb_cur_init(&c, buf, len);
	if (!sfb_cur_u16be(&c, &type) || !sfb_cur_u16be(&c, &length) || type > 0x03FF ||
	    len < SFB_STUN_HDR || length > len - SFB_STUN_HDR)
		return false;
	sfb_cur_skip(&c, 16);
	return length % 4 == 0 || ms_turn_first(&c);
}

sfb_status
sfb_stun_long_term_key(const char *username, const char *realm, const char *password,
    unsigned char key[16])
{
	sfb_status st = SFB_ENOMEM;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 0;

	if (ctx == NULL)
		goto out;
	st = SFB_EINTERNAL;
	if (!EVP_DigestInit_ex(ctx, EVP_md5(), NULL) ||
	    !EVP_DigestUpdate(ctx, username, strlen(username)) ||
	    !EVP_DigestUpdate(ctx, ":", 1) ||
	    !EVP_DigestUpdate(ctx, realm, strlen(realm)) ||
	    !EVP_DigestUpdate(ctx, ":", 1) ||
	    !EVP_DigestUpdate(ctx, password, strlen(password)) ||
	    !EVP_DigestFinal_ex(ctx, key, &n) || n != 16)
		goto out;
	st = SFB_OK;
out:
	EVP_MD_CTX_free(ctx);
	return st;
}

sfb_status
sfb_stun_check_integrity(const void *buf, size_t len, const struct sfb_stun_msg *m,
    const void *key, size_t keylen, bool *ok)
{
	sfb_status st = SFB_ENOTFOUND;
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	unsigned char hdr[4], md[EVP_MAX_MD_SIZE], want[32];
	char sha1[] = "SHA1", sha256[] = "SHA256";
	size_t wantlen;
	size_t mdlen = 0, tag, newlen;
	uint16_t attrlen = 0;
	sfb_cur c, head, body;
	static const unsigned char nokey[1] = { 0 };

	*ok = false;
	if (!m->has_integrity)
		goto out;
	st = SFB_EINVAL;
	sfb_cur_init(&c, buf, len);
	if (!sfb_cur_skip(&c, m->integrity_off) || !sfb_cur_skip(&c, 2) ||
	    !sfb_cur_u16be(&c, &attrlen) || (attrlen != 20 && attrlen != 32) ||
	    m->integrity_off < SFB_STUN_HDR)
		goto out;
	wantlen = attrlen;
	/* the type, the length as if the message ended with the attribute,
	 * then bytes 4 .. up to the attribute unchanged */
	sfb_cur_init(&c, buf, len);
	tag = sfb_cur_tag(&c);
	sfb_cur_skip(&c, 2);
	head = sfb_cur_tag_sub(&c, tag);
	sfb_cur_skip(&c, 2);
	tag = sfb_cur_tag(&c);
	sfb_cur_skip(&c, m->integrity_off - 4);
	body = sfb_cur_tag_sub(&c, tag);
	sfb_cur_skip(&c, 4);
	if (!sfb_cur_bytes(&c, want, wantlen))
		goto out;
	newlen = m->integrity_off + 4 + wantlen - SFB_STUN_HDR;
	hdr[0] = (unsigned char)(newlen >> 8);
	hdr[1] = (unsigned char)newlen;

	st = SFB_ENOMEM;
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (mac == NULL || (ctx = EVP_MAC_CTX_new(mac)) == NULL)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    wantlen == 20 ? sha1 : sha256, 0);
	params[1] = OSSL_PARAM_construct_end();
	st = SFB_EINTERNAL;
	if (!EVP_MAC_init(ctx, keylen ? key : nokey, keylen, params) ||
	    !EVP_MAC_update(ctx, head.p, head.len) ||
	    !EVP_MAC_update(ctx, hdr, 2) ||
	    !EVP_MAC_update(ctx, body.p, body.len) ||
	    !EVP_MAC_final(ctx, md, &mdlen, sizeof(md)) || mdlen != wantlen)
		goto out;
	*ok = CRYPTO_memcmp(md, want, wantlen) == 0;
	st = SFB_OK;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return st;
}

sfb_status
sfb_stun_next(sfb_cur *stream, enum sfb_stun_framing f, struct sfb_stun_piece *out)
{
	sfb_status st = SFB_EINVAL;
	size_t start = sfb_cur_tag(stream), need, pad = 0;
	uint16_t first, length;
	sfb_cur frame;

	memset(out, 0, sizeof(*out));
	out->kind = SFB_STUN_PIECE_NONE;
	if (f == SFB_STUN_FRAME_4571) {
		if (!sfb_cur_u16be(stream, &length) || sfb_cur_left(stream) < length) {
			sfb_cur_rollback(stream, start);
			stream->err = false;
			st = SFB_OK;
			goto out;
		}
		out->off = sfb_cur_tag(stream);
		out->len = length;
		sfb_cur_skip(stream, length);
		frame = sfb_cur_tag_sub(stream, out->off);
		out->kind = SFB_STUN_PIECE_OTHER;
		if (sfb_stun_sniff(frame.p, frame.len)) {
			/* the whole frame must be the one message */
			uint16_t t, l;

			sfb_cur_u16be(&frame, &t);
			sfb_cur_u16be(&frame, &l);
			if ((size_t)l + SFB_STUN_HDR == length)
				out->kind = SFB_STUN_PIECE_MESSAGE;
		}
		out->consumed = sfb_cur_tag_len(stream, start);
		st = SFB_OK;
		goto out;
	}
	/* RFC 7983: 0..3 STUN, 64..79 ChannelData; anything else is not ours */
	if (sfb_cur_peek(stream) > 3 && (sfb_cur_peek(stream) < 64 || sfb_cur_peek(stream) > 79))
		goto out;
	st = SFB_OK;
	if (sfb_cur_left(stream) < 4)
		goto out;   /* incomplete */
	sfb_cur_u16be(stream, &first);
	sfb_cur_u16be(stream, &length);
	sfb_cur_rollback(stream, start);
	if (first <= 0x03FF) {
		if (sfb_cur_left(stream) < SFB_STUN_HDR + 8)
			goto out;   /* incomplete: the first attribute says whether MS-TURN */
		if (length % 4 != 0) {
			sfb_cur h = *stream;

			sfb_cur_skip(&h, SFB_STUN_HDR);
			if (!ms_turn_first(&h)) {
				st = SFB_EINVAL;
				goto out;
			}
		}
		need = (size_t)SFB_STUN_HDR + length;
		out->kind = SFB_STUN_PIECE_MESSAGE;
	} else {
		need = (size_t)4 + length;
		pad = (4 - length % 4) % 4;
		out->kind = SFB_STUN_PIECE_CHANNEL;
	}
	st = SFB_OK;
	if (sfb_cur_left(stream) < need + pad) {
		out->kind = SFB_STUN_PIECE_NONE;
		goto out;
	}
	out->off = start;
	out->len = need;
	sfb_cur_skip(stream, need + pad);
	out->consumed = need + pad;
out:
	return st;
}
