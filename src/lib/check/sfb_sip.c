/* SIP message parser (sfb_sip.h), through the cursor API. */
#include "sfb_sip.h"

#include <string.h>

#define TOKEN "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.!%*_+`'~"
#define PVALUE TOKEN ":[]"
#define HOST "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._"
#define WSP " \t"
#define LWS " \t\r\n"

static const struct {
	enum sfb_sip_hdr id;
	const char *name;
	const char *compact;
} hdr_names[] = {
	{ SFB_SIP_H_VIA, "Via", "v" },
	{ SFB_SIP_H_FROM, "From", "f" },
	{ SFB_SIP_H_TO, "To", "t" },
	{ SFB_SIP_H_CALL_ID, "Call-ID", "i" },
	{ SFB_SIP_H_CSEQ, "CSeq", NULL },
	{ SFB_SIP_H_CONTACT, "Contact", "m" },
	{ SFB_SIP_H_CONTENT_LENGTH, "Content-Length", "l" },
	{ SFB_SIP_H_CONTENT_TYPE, "Content-Type", "c" },
	{ SFB_SIP_H_CONTENT_ENCODING, "Content-Encoding", "e" },
	{ SFB_SIP_H_SUPPORTED, "Supported", "k" },
	{ SFB_SIP_H_SUBJECT, "Subject", "s" },
	{ SFB_SIP_H_ALLOW, "Allow", NULL },
	{ SFB_SIP_H_ALLOW_EVENTS, "Allow-Events", "u" },
	{ SFB_SIP_H_EVENT, "Event", "o" },
	{ SFB_SIP_H_REFER_TO, "Refer-To", "r" },
	{ SFB_SIP_H_REFERRED_BY, "Referred-By", "b" },
	{ SFB_SIP_H_SESSION_EXPIRES, "Session-Expires", "x" },
	{ SFB_SIP_H_SERVER, "Server", NULL },
	{ SFB_SIP_H_USER_AGENT, "User-Agent", NULL },
	{ SFB_SIP_H_MS_DIAGNOSTICS, "ms-diagnostics", NULL },
	{ SFB_SIP_H_ACCEPT_CONTACT, "Accept-Contact", "a" },
	{ SFB_SIP_H_REJECT_CONTACT, "Reject-Contact", "j" },
	{ SFB_SIP_H_REQUEST_DISPOSITION, "Request-Disposition", "d" },
	{ SFB_SIP_H_IDENTITY, "Identity", "y" },
	{ SFB_SIP_H_IDENTITY_INFO, "Identity-Info", "n" },
};
#define NHDR (sizeof(hdr_names) / sizeof(hdr_names[0]))

static int
lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

static bool
cur_eq(sfb_cur c, const char *s, bool nocase)
{
	int ch;

	for (; *s != '\0'; s++) {
		ch = sfb_cur_get(&c);
		if (ch < 0 || (nocase ? lower(ch) != lower((unsigned char)*s) : ch != (unsigned char)*s))
			return false;
	}
	return sfb_cur_eof(&c);
}

bool
sfb_span_eq(const void *buf, size_t len, struct sfb_span sp, const char *s, bool nocase)
{
	return sp.set && sp.len == strlen(s) && cur_eq(sfb_span_cur(buf, len, sp), s, nocase);
}

static enum sfb_sip_hdr
id_of_cur(sfb_cur c)
{
	size_t i;

	for (i = 0; i < NHDR; i++)
		if (cur_eq(c, hdr_names[i].name, true) ||
		    (hdr_names[i].compact != NULL && cur_eq(c, hdr_names[i].compact, true)))
			return hdr_names[i].id;
	return SFB_SIP_H_OTHER;
}

enum sfb_sip_hdr
sfb_sip_hdr_id(const char *name)
{
	sfb_cur c;

	sfb_cur_init_str(&c, name);
	return id_of_cur(c);
}

const struct sfb_sip_header *
sfb_sip_find(const struct sfb_sip_msg *m, const void *buf, const char *name, size_t nth)
{
	enum sfb_sip_hdr id = sfb_sip_hdr_id(name);
	const struct sfb_sip_header *h = NULL;
	size_t i;

	for (i = 0; i < m->nheaders; i++) {
		bool match = id != SFB_SIP_H_OTHER ? m->headers[i].id == id
		    : m->headers[i].id == SFB_SIP_H_OTHER &&
		      sfb_span_eq(buf, m->size, m->headers[i].name, name, true);
		if (match && nth-- == 0) {
			h = &m->headers[i];
			break;
		}
	}
	return h;
}

/* A cursor over buf[0, end) positioned at start: offsets stay absolute. */
static sfb_cur
window(const void *buf, size_t start, size_t end)
{
	sfb_cur c;

	sfb_cur_init(&c, buf, end);
	sfb_cur_skip(&c, start);
	return c;
}

static sfb_cur
span_window(const void *buf, struct sfb_span s)
{
	return window(buf, s.off, s.off + s.len);
}

static struct sfb_span
span(size_t from, size_t to)
{
	struct sfb_span s = { from, to - from, true };

	return s;
}

/* Does the span (made by this parser, so inside buf) equal s? */
static bool
name_is(const void *buf, struct sfb_span sp, const char *s, bool nocase)
{
	return cur_eq(span_window(buf, sp), s, nocase);
}

static bool
spans_eq(const void *buf, struct sfb_span a, struct sfb_span b)
{
	sfb_cur x = span_window(buf, a), y = span_window(buf, b);

	if (a.len != b.len)
		return false;
	while (!sfb_cur_eof(&x))
		if (sfb_cur_get(&x) != sfb_cur_get(&y))
			return false;
	return true;
}

static bool
fail(struct sfb_sip_msg *m, const char *why, size_t off)
{
	m->why = why;
	m->err_off = off;
	return false;
}

/* CRLF, or a bare LF (tolerated). */
static bool
line_end(sfb_cur *c)
{
	size_t t = sfb_cur_tag(c);

	if (sfb_cur_accept(c, '\n'))
		return true;
	if (sfb_cur_accept(c, '\r') && sfb_cur_accept(c, '\n'))
		return true;
	sfb_cur_rollback(c, t);
	return false;
}

static bool
start_line(struct sfb_sip_msg *m, const void *buf, size_t end)
{
	sfb_cur c = window(buf, 0, end);
	size_t t;
	uint64_t code;

	if (sfb_cur_accept_str(&c, "SIP/2.0 ")) {
		t = sfb_cur_tag(&c);
		if (!sfb_cur_uint(&c, 999, &code) || sfb_cur_tag_len(&c, t) != 3 || code < 100 ||
		    code > 699)
			return fail(m, "status code of 3 digits between 100 and 699 expected", t);
		m->code = (unsigned)code;
		if (!sfb_cur_eof(&c) && !sfb_cur_accept(&c, ' '))
			return fail(m, "space expected after the status code", sfb_cur_tag(&c));
		m->reason = span(sfb_cur_tag(&c), end);
		return true;
	}
	m->is_request = true;
	t = sfb_cur_tag(&c);
	if (sfb_cur_while(&c, TOKEN) == 0)
		return fail(m, "neither a status line nor a request line", 0);
	m->method = span(t, sfb_cur_tag(&c));
	if (!sfb_cur_accept(&c, ' '))
		return fail(m, "space expected after the method", sfb_cur_tag(&c));
	t = sfb_cur_tag(&c);
	if (sfb_cur_until(&c, " ") == 0)
		return fail(m, "request URI expected", t);
	m->uri = span(t, sfb_cur_tag(&c));
	t = sfb_cur_tag(&c);
	if (!sfb_cur_accept_str(&c, " SIP/2.0") || !sfb_cur_eof(&c))
		return fail(m, "\" SIP/2.0\" expected at the end of the request line", t);
	return true;
}

/* One header line (with its continuation lines) at c. */
static bool
header(struct sfb_sip_msg *m, sfb_cur *c, struct sfb_sip_header *h)
{
	size_t t = sfb_cur_tag(c), vstart, vend, p0;
	bool any = false;
	int ch;

	if (sfb_cur_while(c, TOKEN) == 0)
		return fail(m, "header name expected", t);
	h->name = span(t, sfb_cur_tag(c));
	h->id = id_of_cur(sfb_cur_tag_sub(c, t));
	sfb_cur_while(c, WSP);
	if (!sfb_cur_accept(c, ':'))
		return fail(m, "':' expected after the header name", sfb_cur_tag(c));
	vstart = vend = sfb_cur_tag(c);
	for (;;) {
		p0 = sfb_cur_tag(c);
		ch = sfb_cur_peek(c);
		if (ch == '\r' || ch == '\n' || ch < 0) {
			if (!line_end(c))
				return fail(m, ch < 0 ? "headers not ended by an empty line"
				    : "CR without LF in a header", p0);
			ch = sfb_cur_peek(c);
			if (ch == ' ' || ch == '\t')
				continue;   /* folded: the value goes on */
			break;
		}
		sfb_cur_get(c);
		if (ch == ' ' || ch == '\t')
			continue;
		if (ch < 0x20 || ch == 0x7f)
			return fail(m, "control character in a header", p0);
		if (!any) {
			vstart = p0;
			any = true;
		}
		vend = p0 + 1;
	}
	h->value = span(vstart, any ? vend : vstart);
	return true;
}

static bool
skip_quoted(sfb_cur *c)
{
	int ch;

	if (!sfb_cur_accept(c, '"'))
		return false;
	while ((ch = sfb_cur_get(c)) >= 0) {
		if (ch == '"')
			return true;
		if (ch == '\\' && sfb_cur_get(c) < 0)
			return false;
	}
	return false;
}

/* ;name[=value] parameters up to the end of c or a comma; *tag gets the
 * value of the one named want. */
static bool
params(struct sfb_sip_msg *m, const void *buf, sfb_cur *c, const char *want,
    struct sfb_span *out)
{
	size_t t, ts;
	struct sfb_span name;

	for (;;) {
		sfb_cur_while(c, LWS);
		if (sfb_cur_eof(c) || sfb_cur_peek(c) == ',')
			return true;
		if (!sfb_cur_accept(c, ';'))
			return fail(m, "';' expected before a header parameter", sfb_cur_tag(c));
		sfb_cur_while(c, LWS);
		t = sfb_cur_tag(c);
		if (sfb_cur_while(c, TOKEN) == 0)
			return fail(m, "parameter name expected", t);
		name = span(t, sfb_cur_tag(c));
		sfb_cur_while(c, LWS);
		ts = sfb_cur_tag(c);
		if (sfb_cur_accept(c, '=')) {
			sfb_cur_while(c, LWS);
			ts = sfb_cur_tag(c);
			if (sfb_cur_peek(c) == '"') {
				if (!skip_quoted(c))
					return fail(m, "unterminated quoted parameter value", ts);
			} else if (sfb_cur_while(c, PVALUE) == 0) {
				return fail(m, "parameter value expected after '='", ts);
			}
		}
		if (want != NULL && out != NULL && !out->set &&
		    name_is(buf, name, want, true))
			*out = span(ts, sfb_cur_tag(c));
	}
}

static bool
via(struct sfb_sip_msg *m, const void *buf, struct sfb_span v)
{
	sfb_cur c = span_window(buf, v);
	size_t t;
	int k;
	struct sfb_span name, val;

	t = sfb_cur_tag(&c);
	if (!sfb_cur_accept_str(&c, "SIP"))
		return fail(m, "Via: \"SIP/2.0/transport\" expected", t);
	for (k = 0; k < 2; k++) {
		sfb_cur_while(&c, LWS);
		if (!sfb_cur_accept(&c, '/'))
			return fail(m, "Via: '/' expected", sfb_cur_tag(&c));
		sfb_cur_while(&c, LWS);
		t = sfb_cur_tag(&c);
		if (sfb_cur_while(&c, TOKEN) == 0)
			return fail(m, "Via: protocol version or transport expected", t);
		if (k == 0 && !name_is(buf, span(t, sfb_cur_tag(&c)), "2.0", false))
			return fail(m, "Via: version 2.0 expected", t);
	}
	m->via_transport = span(t, sfb_cur_tag(&c));
	if (sfb_cur_while(&c, LWS) == 0)
		return fail(m, "Via: space expected before sent-by", sfb_cur_tag(&c));
	t = sfb_cur_tag(&c);
	if (sfb_cur_accept(&c, '[')) {
		sfb_cur_while(&c, "0123456789abcdefABCDEF:.");
		if (!sfb_cur_accept(&c, ']'))
			return fail(m, "Via: ']' expected after an IPv6 address", sfb_cur_tag(&c));
	} else if (sfb_cur_while(&c, HOST) == 0) {
		return fail(m, "Via: host expected", t);
	}
	if (sfb_cur_accept(&c, ':') && sfb_cur_while(&c, "0123456789") == 0)
		return fail(m, "Via: port expected after ':'", sfb_cur_tag(&c));
	m->via_sent_by = span(t, sfb_cur_tag(&c));
	/* parameters: branch, received, rport */
	for (;;) {
		sfb_cur_while(&c, LWS);
		if (sfb_cur_eof(&c) || sfb_cur_peek(&c) == ',')
			return true;
		if (!sfb_cur_accept(&c, ';'))
			return fail(m, "Via: ';' expected before a parameter", sfb_cur_tag(&c));
		sfb_cur_while(&c, LWS);
		t = sfb_cur_tag(&c);
		if (sfb_cur_while(&c, TOKEN) == 0)
			return fail(m, "Via: parameter name expected", t);
		name = span(t, sfb_cur_tag(&c));
		sfb_cur_while(&c, LWS);
		val = span(sfb_cur_tag(&c), sfb_cur_tag(&c));
		if (sfb_cur_accept(&c, '=')) {
			sfb_cur_while(&c, LWS);
			t = sfb_cur_tag(&c);
			if (sfb_cur_peek(&c) == '"') {
				if (!skip_quoted(&c))
					return fail(m, "Via: unterminated quoted value", t);
			} else if (sfb_cur_while(&c, PVALUE) == 0) {
				return fail(m, "Via: parameter value expected after '='", t);
			}
			val = span(t, sfb_cur_tag(&c));
		}
		if (name_is(buf, name, "branch", true) && !m->via_branch.set)
			m->via_branch = val;
		else if (name_is(buf, name, "received", true) && !m->via_received.set)
			m->via_received = val;
		else if (name_is(buf, name, "rport", true) && !m->via_has_rport) {
			m->via_has_rport = true;
			m->via_rport = val;
		}
	}
}

/* From / To: name-addr or addr-spec, then header parameters (tag). */
static bool
tag_of(struct sfb_sip_msg *m, const void *buf, struct sfb_span v, struct sfb_span *tag)
{
	sfb_cur c = span_window(buf, v);
	size_t t = sfb_cur_tag(&c);

	if (sfb_cur_peek(&c) == '"') {
		if (!skip_quoted(&c))
			return fail(m, "unterminated display name", t);
		sfb_cur_while(&c, LWS);
		if (sfb_cur_peek(&c) != '<')
			return fail(m, "'<' expected after the display name", sfb_cur_tag(&c));
	} else {
		sfb_cur_until(&c, "<;\"");
		if (sfb_cur_peek(&c) == '"')
			return fail(m, "quote inside a display name", sfb_cur_tag(&c));
	}
	if (sfb_cur_accept(&c, '<')) {
		sfb_cur_until(&c, ">");
		if (!sfb_cur_accept(&c, '>'))
			return fail(m, "'>' expected after the address", sfb_cur_tag(&c));
	}
	if (!params(m, buf, &c, "tag", tag))
		return false;
	if (!sfb_cur_eof(&c))
		return fail(m, "From/To holds more than one address", sfb_cur_tag(&c));
	return true;
}

static bool
cseq(struct sfb_sip_msg *m, const void *buf, struct sfb_span v)
{
	sfb_cur c = span_window(buf, v);
	size_t t = sfb_cur_tag(&c);
	uint64_t n;

	if (!sfb_cur_uint(&c, 0x7FFFFFFFu, &n))
		return fail(m, "CSeq: number below 2^31 expected", t);
	if (sfb_cur_while(&c, LWS) == 0)
		return fail(m, "CSeq: space expected after the number", sfb_cur_tag(&c));
	t = sfb_cur_tag(&c);
	if (sfb_cur_while(&c, TOKEN) == 0 || !sfb_cur_eof(&c))
		return fail(m, "CSeq: method expected after the number", t);
	m->has_cseq = true;
	m->cseq = (uint32_t)n;
	m->cseq_method = span(t, sfb_cur_tag(&c));
	return true;
}

/* The value of Content-Length: digits and nothing else. */
static sfb_status
content_length(const void *buf, struct sfb_span v, uint32_t *out)
{
	sfb_cur c = span_window(buf, v);
	uint64_t n;

	if (!sfb_cur_uint(&c, UINT64_MAX / 16, &n) || !sfb_cur_eof(&c))
		return SFB_EINVAL;
	if (n > SFB_SIP_MAX_BODY)
		return SFB_ERANGE;
	*out = (uint32_t)n;
	return SFB_OK;
}

static const struct sfb_sip_header *
first(const struct sfb_sip_msg *m, enum sfb_sip_hdr id)
{
	size_t i;

	for (i = 0; i < m->nheaders; i++)
		if (m->headers[i].id == id)
			return &m->headers[i];
	return NULL;
}

static struct sfb_span
first_value(const struct sfb_sip_msg *m, enum sfb_sip_hdr id)
{
	const struct sfb_sip_header *h = first(m, id);
	struct sfb_span none = { 0, 0, false };

	return h != NULL ? h->value : none;
}

sfb_status
sfb_sip_parse(const void *buf, size_t len, struct sfb_sip_msg *m)
{
	sfb_status st = SFB_EINVAL;
	const struct sfb_sip_header *h;
	size_t i, t, body;
	uint32_t cl;
	sfb_cur c;

	memset(m, 0, sizeof(*m));
	sfb_cur_init(&c, buf, len);
	sfb_cur_until(&c, "\r\n");
	t = sfb_cur_tag(&c);
	if (!line_end(&c)) {
		fail(m, "start line not ended by CRLF", t);
		goto out;
	}
	if (!start_line(m, buf, t))
		goto out;
	for (;;) {
		t = sfb_cur_tag(&c);
		if (line_end(&c))
			break;
		if (sfb_cur_eof(&c)) {
			fail(m, "headers not ended by an empty line", t);
			goto out;
		}
		if (sfb_cur_peek(&c) == ' ' || sfb_cur_peek(&c) == '\t') {
			fail(m, "continuation line without a header", t);
			goto out;
		}
		if (m->nheaders == SFB_SIP_MAX_HEADERS) {
			st = SFB_ERANGE;
			fail(m, "more headers than the parser keeps", t);
			goto out;
		}
		if (!header(m, &c, &m->headers[m->nheaders]))
			goto out;
		m->nheaders++;
	}
	body = sfb_cur_tag(&c);

	for (i = 0; i < m->nheaders; i++) {
		h = &m->headers[i];
		if (h->id != SFB_SIP_H_CONTENT_LENGTH)
			continue;
		st = content_length(buf, h->value, &cl);
		if (st != SFB_OK) {
			fail(m, st == SFB_ERANGE ? "Content-Length too large"
			    : "Content-Length is not a number", h->value.off);
			goto out;
		}
		st = SFB_EINVAL;
		if (m->has_content_length && cl != m->content_length) {
			fail(m, "conflicting Content-Length headers", h->value.off);
			goto out;
		}
		m->has_content_length = true;
		m->content_length = cl;
	}
	if (m->has_content_length) {
		if (sfb_cur_left(&c) < m->content_length) {
			fail(m, "body shorter than Content-Length", body);
			goto out;
		}
		m->body = span(body, body + m->content_length);
	} else {
		m->body = span(body, len);
	}
	m->size = m->body.off + m->body.len;

	/* the fields every response and request carries */
	if ((h = first(m, SFB_SIP_H_VIA)) == NULL) {
		fail(m, "no Via header", body);
		goto out;
	}
	if (!via(m, buf, h->value))
		goto out;
	if ((h = first(m, SFB_SIP_H_FROM)) == NULL) {
		fail(m, "no From header", body);
		goto out;
	}
	if (!tag_of(m, buf, h->value, &m->from_tag))
		goto out;
	if ((h = first(m, SFB_SIP_H_TO)) == NULL) {
		fail(m, "no To header", body);
		goto out;
	}
	if (!tag_of(m, buf, h->value, &m->to_tag))
		goto out;
	if ((h = first(m, SFB_SIP_H_CALL_ID)) == NULL || h->value.len == 0) {
		fail(m, "no Call-ID header", h != NULL ? h->value.off : body);
		goto out;
	}
	m->call_id = h->value;
	if ((h = first(m, SFB_SIP_H_CSEQ)) == NULL) {
		fail(m, "no CSeq header", body);
		goto out;
	}
	if (!cseq(m, buf, h->value))
		goto out;
	if (m->is_request && !spans_eq(buf, m->cseq_method, m->method)) {
		fail(m, "CSeq method differs from the request method", h->value.off);
		goto out;
	}
	m->server = first_value(m, SFB_SIP_H_SERVER);
	m->user_agent = first_value(m, SFB_SIP_H_USER_AGENT);
	m->allow = first_value(m, SFB_SIP_H_ALLOW);
	m->supported = first_value(m, SFB_SIP_H_SUPPORTED);
	m->ms_diagnostics = first_value(m, SFB_SIP_H_MS_DIAGNOSTICS);
	st = SFB_OK;
out:
	return st;
}

/* The Content-Length of a header line (the cursor over the line alone):
 * 0 not that header, 1 its value in *out, -1 malformed. */
static int
line_content_length(sfb_cur l, uint32_t *out)
{
	size_t nt = sfb_cur_tag(&l);
	uint64_t n = 0;
	sfb_cur name;

	sfb_cur_while(&l, TOKEN);
	name = sfb_cur_tag_sub(&l, nt);
	sfb_cur_while(&l, WSP);
	if (!sfb_cur_accept(&l, ':') || id_of_cur(name) != SFB_SIP_H_CONTENT_LENGTH)
		return 0;
	sfb_cur_while(&l, WSP);
	if (!sfb_cur_uint(&l, SFB_SIP_MAX_BODY, &n))
		return -1;
	sfb_cur_while(&l, WSP);
	if (!sfb_cur_eof(&l))
		return -1;
	*out = (uint32_t)n;
	return 1;
}

/* Scan the start line and headers up to the empty line: 1 complete (the
 * cursor after the empty line), 0 incomplete, -1 malformed (*why). */
static int
scan_head(sfb_cur *s, bool *has_cl, uint32_t *cl, const char **why)
{
	size_t t, line, n;
	uint32_t v = 0;
	int r;

	for (line = 0;; line++) {
		t = sfb_cur_tag(s);
		n = sfb_cur_until(s, "\r\n");
		if (sfb_cur_eof(s) || (sfb_cur_peek(s) == '\r' && sfb_cur_left(s) < 2))
			return 0;
		r = line > 0 ? line_content_length(sfb_cur_tag_sub(s, t), &v) : 0;
		if (r < 0) {
			*why = "Content-Length is not a number or too large";
			return -1;
		}
		if (r > 0) {
			if (*has_cl && v != *cl) {
				*why = "conflicting Content-Length headers";
				return -1;
			}
			*has_cl = true;
			*cl = v;
		}
		if (!line_end(s)) {
			*why = "CR without LF";
			return -1;
		}
		if (line > 0 && n == 0)
			return 1;
	}
}

sfb_status
sfb_sip_next(sfb_cur *stream, struct sfb_sip_piece *out, const char **why)
{
	sfb_status st = SFB_EINVAL;
	size_t start = sfb_cur_tag(stream);
	uint32_t cl = 0;
	bool has_cl = false;
	int r;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	out->off = start;
	if (sfb_cur_while(stream, "\r\n") > 0) {
		out->kind = SFB_SIP_PIECE_KEEPALIVE;
		out->len = sfb_cur_tag_len(stream, start);
		st = SFB_OK;
		goto out;
	}
	r = scan_head(stream, &has_cl, &cl, why);
	if (r < 0)
		goto out;
	if (r > 0 && !has_cl) {
		*why = "no Content-Length on a stream";
		goto out;
	}
	st = SFB_OK;
	if (r == 0 || sfb_cur_left(stream) < cl)
		goto out;   /* incomplete */
	sfb_cur_skip(stream, cl);
	out->kind = SFB_SIP_PIECE_MESSAGE;
	out->len = sfb_cur_tag_len(stream, start);
out:
	if (out->kind == SFB_SIP_PIECE_NONE)
		sfb_cur_rollback(stream, start);
	return st;
}
