/* Fuzz target: the SIP parser and the stream splitter
 * (src/lib/check/sfb_sip.c).
 *
 * The input is a datagram, parsed as it is (sfb_sip_parse).  What parses
 * must be consistent (abort() otherwise): the message fits the input; the
 * headers lie in order, each name before its value, all before the body;
 * the body ends where the message ends and has Content-Length's size when
 * there is one; every typed field (reason, method, URI, Via fields, tags,
 * Call-ID, CSeq method, Server ...) lies inside the header block; every
 * header is found again by its own name (sfb_sip_find); and the message cut
 * to its size parses again to the same size, start line and headers.
 * The same bytes as a stream (sfb_sip_next): pieces follow each other from
 * the start and add up to the cursor's position, an incomplete piece or a
 * refusal consumes nothing, a refusal has a reason, and a message piece
 * that parses has exactly the piece's size. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/sfb_sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_sip: %s\n", what);
	abort();
}

static void
inside(struct sfb_span s, size_t from, size_t to, const char *what)
{
	if (!s.set)
		return;
	if (s.off < from || s.off > to || s.len > to - s.off)
		fail(what);
}

static void
check_message(const uint8_t *data, size_t size, const struct sfb_sip_msg *m)
{
	static struct sfb_sip_msg again;
	const struct sfb_sip_header *h;
	size_t i, at = 0, hend = m->body.off;
	char name[256];

	if (m->size > size || !m->body.set || m->body.off + m->body.len != m->size)
		fail("body does not end the message");
	if (m->has_content_length && m->body.len != m->content_length)
		fail("body is not Content-Length long");
	for (i = 0; i < m->nheaders; i++) {
		h = &m->headers[i];
		if (h->name.off < at || h->name.len == 0 || h->value.off < h->name.off + h->name.len ||
		    h->value.off + h->value.len > hend)
			fail("headers out of order or outside the header block");
		at = h->value.off + h->value.len;
		if (h->name.len < sizeof(name)) {
			memcpy(name, data + h->name.off, h->name.len);
			name[h->name.len] = '\0';
			if (sfb_sip_find(m, data, name, 0) == NULL)
				fail("a header is not found by its own name");
		}
	}
	inside(m->reason, 0, hend, "reason outside");
	inside(m->method, 0, hend, "method outside");
	inside(m->uri, 0, hend, "URI outside");
	inside(m->via_transport, 0, hend, "Via transport outside");
	inside(m->via_sent_by, 0, hend, "Via sent-by outside");
	inside(m->via_branch, 0, hend, "branch outside");
	inside(m->via_received, 0, hend, "received outside");
	inside(m->via_rport, 0, hend, "rport outside");
	inside(m->from_tag, 0, hend, "From tag outside");
	inside(m->to_tag, 0, hend, "To tag outside");
	inside(m->call_id, 0, hend, "Call-ID outside");
	inside(m->cseq_method, 0, hend, "CSeq method outside");
	inside(m->server, 0, hend, "Server outside");
	inside(m->user_agent, 0, hend, "User-Agent outside");
	inside(m->allow, 0, hend, "Allow outside");
	inside(m->supported, 0, hend, "Supported outside");
	inside(m->ms_diagnostics, 0, hend, "ms-diagnostics outside");
	if (!m->has_cseq || !m->call_id.set || !m->via_sent_by.set)
		fail("a parsed message lacks a mandatory field");
	if (!m->is_request && (m->code < 100 || m->code > 699))
		fail("status code out of range");
	if (sfb_sip_parse(data, m->size, &again) != SFB_OK || again.size != m->size ||
	    again.nheaders != m->nheaders || again.code != m->code ||
	    again.is_request != m->is_request || again.cseq != m->cseq)
		fail("the message cut to its size parses differently");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sfb_sip_msg m;
	struct sfb_sip_piece p;
	const char *why;
	size_t at = 0, before;
	sfb_status st;
	sfb_cur c;

	if (size > 65536)
		return 0;
	st = sfb_sip_parse(data, size, &m);
	if (st != SFB_OK && st != SFB_EINVAL && st != SFB_ERANGE)
		fail("unexpected status");
	if (st != SFB_OK && (m.why == NULL || m.err_off > size))
		fail("refusal without a reason or with an offset past the end");
	if (st == SFB_OK)
		check_message(data, size, &m);

	sfb_cur_init(&c, data, size);
	while (!sfb_cur_eof(&c)) {
		before = sfb_cur_tag(&c);
		st = sfb_sip_next(&c, &p, &why);
		if (st != SFB_OK) {
			if (why == NULL || sfb_cur_tag(&c) != before)
				fail("a refusal without a reason, or one that moved the cursor");
			break;
		}
		if (p.kind == SFB_SIP_PIECE_NONE) {
			if (sfb_cur_tag(&c) != before)
				fail("an incomplete piece moved the cursor");
			break;
		}
		if (p.off != at || p.len == 0 || sfb_cur_tag(&c) != at + p.len || at + p.len > size)
			fail("pieces do not follow each other");
		if (p.kind == SFB_SIP_PIECE_MESSAGE &&
		    sfb_sip_parse(data + p.off, p.len, &m) == SFB_OK) {
			if (m.size != p.len)
				fail("a message piece parses to another size");
			check_message(data + p.off, p.len, &m);
		}
		at += p.len;
	}
	return 0;
}
