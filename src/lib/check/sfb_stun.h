/* STUN messages as a check sees them: RFC 5389 (and RFC 3489 "classic"
 * messages without the magic cookie, recognised as such), with the MS-TURN
 * attributes Microsoft's Edge and Teams relays use ([MS-TURN]).
 *
 * The parser allocates nothing: a message is described by offsets into the
 * caller's bytes (struct sfb_span) and a fixed-capacity attribute table.
 * Every attribute is kept (type, length, value span); the ones a check needs
 * are also decoded.  Everything is read through sfb_cur. */
#ifndef SFB_STUN_H
#define SFB_STUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sfbnet/status.h"
#include "sfb_buf.h"

/* A byte range [off, off + len) of the message; set says it was seen. */
struct sfb_span {
	size_t off;
	size_t len;
	bool set;
};

/* A cursor over exactly the span s of the len bytes at p (an empty cursor
 * when the span does not lie inside them). */
sfb_cur sfb_span_cur(const void *p, size_t len, struct sfb_span s);

#define SFB_STUN_HDR 20
#define SFB_STUN_COOKIE 0x2112A442u
#define SFB_STUN_FP_XOR 0x5354554Eu
#define SFB_STUN_MS_MAGIC 0x72C64BC6u   /* [MS-TURN] MAGIC-COOKIE attribute value */
#define SFB_STUN_MAX_ATTRS 64

enum sfb_stun_class {
	SFB_STUN_REQUEST = 0,
	SFB_STUN_INDICATION = 1,
	SFB_STUN_SUCCESS = 2,
	SFB_STUN_ERROR = 3
};

/* Methods (RFC 5389, RFC 5766, [MS-TURN]). */
enum {
	SFB_STUN_BINDING = 0x001,
	SFB_STUN_SHARED_SECRET = 0x002,  /* RFC 3489 */
	SFB_STUN_ALLOCATE = 0x003,
	SFB_STUN_REFRESH = 0x004,        /* RFC 5766; [MS-TURN]: Send request */
	SFB_STUN_SEND = 0x006,
	SFB_STUN_DATA = 0x007,
	SFB_STUN_CREATE_PERMISSION = 0x008,
	SFB_STUN_CHANNEL_BIND = 0x009
};

/* Attribute types. */
enum {
	SFB_STUN_A_MAPPED_ADDRESS = 0x0001,
	SFB_STUN_A_RESPONSE_ADDRESS = 0x0002,   /* RFC 3489 */
	SFB_STUN_A_CHANGE_REQUEST = 0x0003,
	SFB_STUN_A_SOURCE_ADDRESS = 0x0004,
	SFB_STUN_A_CHANGED_ADDRESS = 0x0005,
	SFB_STUN_A_USERNAME = 0x0006,
	SFB_STUN_A_PASSWORD = 0x0007,
	SFB_STUN_A_MESSAGE_INTEGRITY = 0x0008,
	SFB_STUN_A_ERROR_CODE = 0x0009,
	SFB_STUN_A_UNKNOWN_ATTRIBUTES = 0x000A,
	SFB_STUN_A_REFLECTED_FROM = 0x000B,
	SFB_STUN_A_CHANNEL_NUMBER = 0x000C,
	SFB_STUN_A_LIFETIME = 0x000D,
	SFB_STUN_A_MS_ALTERNATE_SERVER = 0x000E,/* [MS-TURN] ALTERNATE-SERVER */
	SFB_STUN_A_MS_MAGIC_COOKIE = 0x000F,    /* [MS-TURN] MAGIC-COOKIE */
	SFB_STUN_A_BANDWIDTH = 0x0010,          /* [MS-TURN] */
	SFB_STUN_A_DESTINATION_ADDRESS = 0x0011,/* [MS-TURN] */
	SFB_STUN_A_XOR_PEER_ADDRESS = 0x0012,   /* RFC 5766; [MS-TURN] REMOTE-ADDRESS */
	SFB_STUN_A_DATA = 0x0013,
	SFB_STUN_A_REALM = 0x0014,   /* in an MS-TURN message: its Nonce */
	SFB_STUN_A_NONCE = 0x0015,   /* in an MS-TURN message: its Realm ([MS-TURN] 2.2.2) */
	SFB_STUN_A_XOR_RELAYED_ADDRESS = 0x0016,
	SFB_STUN_A_REQUESTED_TRANSPORT = 0x0019,
	SFB_STUN_A_XOR_MAPPED_ADDRESS = 0x0020,
	SFB_STUN_A_MS_VERSION = 0x8008,
	SFB_STUN_A_MS_XOR_MAPPED_ADDRESS = 0x8020, /* [MS-TURN] XOR-MAPPED-ADDRESS */
	SFB_STUN_A_SOFTWARE = 0x8022,
	SFB_STUN_A_ALTERNATE_SERVER = 0x8023,
	SFB_STUN_A_FINGERPRINT = 0x8028,
	SFB_STUN_A_ICE_CONTROLLED = 0x8029,
	SFB_STUN_A_ICE_CONTROLLING = 0x802A,
	SFB_STUN_A_MS_SEQUENCE_NUMBER = 0x8050,
	SFB_STUN_A_MS_CANDIDATE_IDENTIFIER = 0x8054,
	SFB_STUN_A_MS_SERVICE_QUALITY = 0x8055,
	SFB_STUN_A_MS_IMPLEMENTATION_VERSION = 0x8070,
	SFB_STUN_A_MS_ALT_MAPPED_ADDRESS = 0x8090,
	SFB_STUN_A_MS_MULTIPLEXED_SESSION_ID = 0x8095
};

/* The name of an attribute type ("XOR-MAPPED-ADDRESS" ...), NULL when it
 * is not one the parser knows. */
const char *sfb_stun_attr_name(uint16_t type);
/* The name of a method ("Binding" ...), NULL when unknown. */
const char *sfb_stun_method_name(uint16_t method);

struct sfb_stun_attr {
	uint16_t type;
	uint16_t len;        /* value length, without padding */
	size_t off;          /* offset of the attribute header (type) */
	struct sfb_span value;
};

/* A transport address from MAPPED-ADDRESS, XOR-MAPPED-ADDRESS (XOR undone)
 * and the other address attributes. */
struct sfb_stun_addr {
	bool set;
	uint8_t family;      /* 4 or 6 */
	uint8_t addr[16];    /* 4 or 16 bytes used, network order */
	uint16_t port;
};

struct sfb_stun_msg {
	size_t size;                 /* 20 + length: the bytes of the message */
	uint16_t type;               /* the whole type field */
	uint16_t method;             /* 12 bits */
	enum sfb_stun_class cls;
	uint16_t length;             /* the length field (attributes) */
	bool cookie;                 /* RFC 5389 magic cookie present; else RFC 3489 */
	bool ms_turn;                /* first attribute MAGIC-COOKIE 0x72C64BC6: [MS-TURN],
	                              * attributes not padded to 4 bytes */
	unsigned char tid[16];       /* the transaction id: 12 bytes (cookie) or 16 */
	size_t tid_len;

	size_t nattrs;
	struct sfb_stun_attr attrs[SFB_STUN_MAX_ATTRS];

	struct sfb_stun_addr mapped;        /* MAPPED-ADDRESS 0x0001 */
	struct sfb_stun_addr xor_mapped;    /* XOR-MAPPED-ADDRESS 0x0020 */
	struct sfb_stun_addr ms_xor_mapped; /* [MS-TURN] XOR-MAPPED-ADDRESS 0x8020 */
	struct sfb_stun_addr relayed;       /* XOR-RELAYED-ADDRESS 0x0016 */
	struct sfb_stun_addr alternate;     /* ALTERNATE-SERVER 0x8023 ([MS-TURN]: 0x000E) */

	bool has_error;
	uint16_t error_code;                /* class * 100 + number */
	struct sfb_span error_reason;
	bool has_lifetime;
	uint32_t lifetime;
	struct sfb_span realm, nonce, software, username;

	bool has_ms_magic;                  /* [MS-TURN] MAGIC-COOKIE attribute */
	uint32_t ms_magic;
	bool has_ms_version;
	uint32_t ms_version;
	bool has_ms_sequence;               /* number; connection id when 24 bytes */
	struct sfb_span ms_connection_id;
	uint32_t ms_sequence;
	bool has_bandwidth;
	uint32_t bandwidth;
	bool has_ms_service_quality;
	uint16_t ms_stream_type, ms_service_quality;
	bool has_ms_impl_version;
	uint32_t ms_impl_version;
	struct sfb_span ms_session_id;      /* MS-MULTIPLEXED-TURN-SESSION-ID */

	bool has_integrity;
	size_t integrity_off;               /* offset of the MESSAGE-INTEGRITY attribute */
	bool has_fingerprint;
	uint32_t fingerprint;
	bool fingerprint_ok;                /* CRC-32 of what precedes it XOR 0x5354554E */

	const char *why;                    /* on failure: the reason ... */
	size_t err_off;                     /* ... and the offset it concerns */
};

/* Parse one whole STUN message: exactly len bytes (a UDP payload, or a piece
 * of sfb_stun_next).  SFB_EINVAL with m->why and m->err_off when it is not a
 * well-formed STUN message (first two bits not 0, length not a multiple of
 * 4 or not equal to len - 20, an attribute running past the end, a known
 * attribute of the wrong size or content, an attribute after FINGERPRINT;
 * [MS-TURN] messages, whose attributes are not padded, may have any length);
 * SFB_ERANGE when it has more than SFB_STUN_MAX_ATTRS attributes. */
sfb_status sfb_stun_parse(const void *buf, size_t len, struct sfb_stun_msg *m);

/* Does this look like a STUN message at all (type at most 0x03FF, the first
 * byte 0..3 of RFC 7983; length field at most len - 20 and a multiple of 4
 * unless the first attribute says [MS-TURN])?  For demultiplexing. */
bool sfb_stun_sniff(const void *buf, size_t len);

/* CRC-32 (ISO-HDLC, as zlib and RFC 5389's FINGERPRINT) of the bytes. */
uint32_t sfb_crc32(const void *buf, size_t len);

/* The long-term credential key MD5(username ":" realm ":" password) of
 * RFC 5389 15.4 (the strings are used as given: no SASLprep). */
sfb_status sfb_stun_long_term_key(const char *username, const char *realm,
    const char *password, unsigned char key[16]);

/* Verify MESSAGE-INTEGRITY (HMAC-SHA1 over the message up to the attribute,
 * with the length field as if it ended there; HMAC-SHA256 for the 32-byte
 * attribute of [MS-TURN]) with the key: the password
 * for short-term credentials, sfb_stun_long_term_key for long-term ones.
 * SFB_OK with *ok set; SFB_ENOTFOUND without the attribute; SFB_ENOMEM. */
sfb_status sfb_stun_check_integrity(const void *buf, size_t len, const struct sfb_stun_msg *m,
    const void *key, size_t keylen, bool *ok);

/* --- streams (STUN/TURN over TCP) ------------------------------------- */

enum sfb_stun_framing {
	SFB_STUN_FRAME_PLAIN,   /* RFC 5389 7.2.2 / RFC 5766: messages and ChannelData back to back */
	SFB_STUN_FRAME_4571     /* RFC 4571: each packet after a 16-bit length */
};

enum sfb_stun_piece_kind {
	SFB_STUN_PIECE_NONE,    /* incomplete: more bytes needed, nothing consumed */
	SFB_STUN_PIECE_MESSAGE, /* a STUN message */
	SFB_STUN_PIECE_CHANNEL, /* TURN ChannelData (RFC 5766 11.4) */
	SFB_STUN_PIECE_OTHER    /* RFC 4571 only: a frame that is not STUN */
};

struct sfb_stun_piece {
	enum sfb_stun_piece_kind kind;
	size_t off;             /* the message inside the stream */
	size_t len;
	size_t consumed;        /* bytes of the stream it takes, framing and padding included */
};

/* The next piece of the stream at the cursor's position; on success the
 * cursor moves past it (not when the piece is incomplete: kind NONE).
 * Plain framing demultiplexes by the first byte (RFC 7983): 0..3 STUN,
 * 64..79 ChannelData.  SFB_EINVAL when the bytes there cannot start a STUN
 * or ChannelData piece (a TLS record, say). */
sfb_status sfb_stun_next(sfb_cur *stream, enum sfb_stun_framing f, struct sfb_stun_piece *out);

#endif
