/* SIP messages as a check sees them (RFC 3261): the start line of a response
 * (SIP/2.0 code reason) or a request (METHOD uri SIP/2.0), the headers
 * (compact forms, folded lines), the body by Content-Length, and the typed
 * fields an OPTIONS check reads: Via branch/received/rport, From/To tags,
 * Call-ID, CSeq, Server, User-Agent, Allow, Supported, ms-diagnostics.
 *
 * No allocation: a message is offsets into the caller's bytes (struct
 * sfb_span of sfb_stun.h) and a fixed-capacity header table.  Everything is
 * read through sfb_cur. */
#ifndef SFB_SIP_H
#define SFB_SIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sfbnet/status.h"
#include "sfb_buf.h"
#include "check/sfb_stun.h"   /* struct sfb_span, sfb_span_cur */

#define SFB_SIP_MAX_HEADERS 96
#define SFB_SIP_MAX_BODY (1u << 24)

/* Header names the parser knows (compact forms map to these). */
enum sfb_sip_hdr {
	SFB_SIP_H_OTHER = 0,
	SFB_SIP_H_VIA,
	SFB_SIP_H_FROM,
	SFB_SIP_H_TO,
	SFB_SIP_H_CALL_ID,
	SFB_SIP_H_CSEQ,
	SFB_SIP_H_CONTACT,
	SFB_SIP_H_CONTENT_LENGTH,
	SFB_SIP_H_CONTENT_TYPE,
	SFB_SIP_H_CONTENT_ENCODING,
	SFB_SIP_H_SUPPORTED,
	SFB_SIP_H_SUBJECT,
	SFB_SIP_H_ALLOW,
	SFB_SIP_H_ALLOW_EVENTS,
	SFB_SIP_H_EVENT,
	SFB_SIP_H_REFER_TO,
	SFB_SIP_H_REFERRED_BY,
	SFB_SIP_H_SESSION_EXPIRES,
	SFB_SIP_H_SERVER,
	SFB_SIP_H_USER_AGENT,
	SFB_SIP_H_MS_DIAGNOSTICS,
	SFB_SIP_H_ACCEPT_CONTACT,
	SFB_SIP_H_REJECT_CONTACT,
	SFB_SIP_H_REQUEST_DISPOSITION,
	SFB_SIP_H_IDENTITY,
	SFB_SIP_H_IDENTITY_INFO
};

/* The header id of a name (long or compact form, any case); SFB_SIP_H_OTHER
 * for names the parser does not know. */
enum sfb_sip_hdr sfb_sip_hdr_id(const char *name);

struct sfb_sip_header {
	enum sfb_sip_hdr id;
	struct sfb_span name;
	struct sfb_span value;   /* without leading and trailing LWS; a folded value
	                          * keeps its inner CRLF + whitespace */
};

struct sfb_sip_msg {
	size_t size;              /* bytes of the message: headers, blank line, body */
	bool is_request;
	unsigned code;            /* response: 100..699 */
	struct sfb_span reason;   /* response: may be empty */
	struct sfb_span method;   /* request */
	struct sfb_span uri;      /* request */

	size_t nheaders;
	struct sfb_sip_header headers[SFB_SIP_MAX_HEADERS];

	bool has_content_length;
	uint32_t content_length;
	struct sfb_span body;

	/* the topmost Via */
	struct sfb_span via_transport, via_sent_by, via_branch, via_received, via_rport;
	bool via_has_rport;       /* rport present, with or without a value */
	struct sfb_span from_tag, to_tag, call_id;
	bool has_cseq;
	uint32_t cseq;
	struct sfb_span cseq_method;
	struct sfb_span server, user_agent, allow, supported, ms_diagnostics;

	const char *why;          /* on failure: the reason ... */
	size_t err_off;           /* ... and the offset it concerns */
};

/* Parse one SIP message at the start of buf.  With Content-Length the body
 * is that many bytes (more may follow: m->size says where the message
 * ends); without it the body is the rest of buf (a datagram).  SFB_EINVAL
 * with m->why and m->err_off for a malformed message; SFB_ERANGE for more
 * than SFB_SIP_MAX_HEADERS headers or a Content-Length over
 * SFB_SIP_MAX_BODY. */
sfb_status sfb_sip_parse(const void *buf, size_t len, struct sfb_sip_msg *m);

/* The nth (from 0) header of that name (long or compact, any case), NULL
 * when there is none. */
const struct sfb_sip_header *sfb_sip_find(const struct sfb_sip_msg *m, const void *buf,
    const char *name, size_t nth);

/* Does the span of buf equal s (case-insensitively when nocase)? */
bool sfb_span_eq(const void *buf, size_t len, struct sfb_span sp, const char *s, bool nocase);

/* --- streams (SIP over TCP or TLS) ------------------------------------ */

enum sfb_sip_piece_kind {
	SFB_SIP_PIECE_NONE,        /* incomplete: more bytes needed */
	SFB_SIP_PIECE_MESSAGE,
	SFB_SIP_PIECE_KEEPALIVE    /* CRLFs between messages (RFC 5626 keep-alive) */
};

struct sfb_sip_piece {
	enum sfb_sip_piece_kind kind;
	size_t off, len;           /* in the stream's buffer */
};

/* The next piece of the stream at the cursor's position, by Content-Length
 * (required on a stream: a message without it is SFB_EINVAL); the cursor
 * moves past it unless the piece is incomplete (kind NONE). */
sfb_status sfb_sip_next(sfb_cur *stream, struct sfb_sip_piece *out, const char **why);

#endif
