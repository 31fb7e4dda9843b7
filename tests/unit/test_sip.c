/* The SIP parser (src/lib/check/sfb_sip.c): hand-made responses and requests,
 * each field asserted; compact and folded headers; malformed messages
 * rejected with their reason and offset; the stream splitter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "check/sfb_sip.h"

static const char ok200[] =
	"SIP/2.0 200 OK\r\n"
	"v: SIP/2.0/TLS 192.0.2.10:5061;branch=z9hG4bK-abc;received=198.51.100.7;rport=40000\r\n"
	"Via: SIP/2.0/TLS proxy.example.org;branch=z9hG4bK-second\r\n"
	"f: \"Check <sfbnet>; probe\" <sip:check@example.org>;tag=from1\r\n"
	"To:   <sip:edge.example.org;transport=tls>  ;  tag = \"to-2\"\r\n"
	"i: 4f2a-1@192.0.2.10\r\n"
	"CSeq: 7 OPTIONS\r\n"
	"Server: RTC/6.0\r\n"
	"ALLOW: INVITE, ACK, OPTIONS,\r\n"
	"\t BYE, CANCEL\r\n"
	"k: ms-dialog-route-set-update, timer\r\n"
	"ms-diagnostics: 1038;reason=\"Failed to connect to a federated peer server\"\r\n"
	"X-Unknown:value  \r\n"
	"c: application/sdp\r\n"
	"l: 5\r\n"
	"\r\n"
	"v=0\r\nleftover";

static bool
is(const char *buf, struct sfb_span s, const char *want)
{
	return sfb_span_eq(buf, strlen(buf), s, want, false);
}

static void
test_response(void **state)
{
	static struct sfb_sip_msg m;
	const struct sfb_sip_header *h;

	(void)state;
	assert_int_equal(sfb_sip_parse(ok200, strlen(ok200), &m), SFB_OK);
	assert_false(m.is_request);
	assert_int_equal(m.code, 200);
	assert_true(is(ok200, m.reason, "OK"));
	assert_int_equal(m.nheaders, 13);
	assert_true(m.has_content_length);
	assert_int_equal(m.content_length, 5);
	assert_true(is(ok200, m.body, "v=0\r\n"));
	assert_int_equal(m.size, strlen(ok200) - strlen("leftover"));

	assert_true(is(ok200, m.via_transport, "TLS"));
	assert_true(is(ok200, m.via_sent_by, "192.0.2.10:5061"));
	assert_true(is(ok200, m.via_branch, "z9hG4bK-abc"));
	assert_true(is(ok200, m.via_received, "198.51.100.7"));
	assert_true(m.via_has_rport);
	assert_true(is(ok200, m.via_rport, "40000"));
	assert_true(is(ok200, m.from_tag, "from1"));
	assert_true(is(ok200, m.to_tag, "\"to-2\""));
	assert_true(is(ok200, m.call_id, "4f2a-1@192.0.2.10"));
	assert_true(m.has_cseq);
	assert_int_equal(m.cseq, 7);
	assert_true(is(ok200, m.cseq_method, "OPTIONS"));
	assert_true(is(ok200, m.server, "RTC/6.0"));
	assert_false(m.user_agent.set);
	assert_true(is(ok200, m.allow, "INVITE, ACK, OPTIONS,\r\n\t BYE, CANCEL"));
	assert_true(is(ok200, m.supported, "ms-dialog-route-set-update, timer"));
	assert_true(is(ok200, m.ms_diagnostics,
	    "1038;reason=\"Failed to connect to a federated peer server\""));

	/* lookups: long and compact names, any case, nth */
	h = sfb_sip_find(&m, ok200, "via", 1);
	assert_non_null(h);
	assert_true(is(ok200, h->name, "Via"));
	assert_true(is(ok200, h->value, "SIP/2.0/TLS proxy.example.org;branch=z9hG4bK-second"));
	h = sfb_sip_find(&m, ok200, "V", 0);
	assert_non_null(h);
	assert_true(is(ok200, h->name, "v"));
	assert_null(sfb_sip_find(&m, ok200, "Via", 2));
	h = sfb_sip_find(&m, ok200, "Call-Id", 0);
	assert_non_null(h);
	assert_int_equal(h->id, SFB_SIP_H_CALL_ID);
	assert_non_null(sfb_sip_find(&m, ok200, "supported", 0));
	assert_non_null(sfb_sip_find(&m, ok200, "content-type", 0));
	assert_non_null(sfb_sip_find(&m, ok200, "Content-Length", 0));
	h = sfb_sip_find(&m, ok200, "x-unknown", 0);
	assert_non_null(h);
	assert_true(is(ok200, h->value, "value"));
	assert_null(sfb_sip_find(&m, ok200, "User-Agent", 0));
	assert_int_equal(sfb_sip_hdr_id("MS-Diagnostics"), SFB_SIP_H_MS_DIAGNOSTICS);
	assert_int_equal(sfb_sip_hdr_id("m"), SFB_SIP_H_CONTACT);
	assert_int_equal(sfb_sip_hdr_id("x"), SFB_SIP_H_SESSION_EXPIRES);
	assert_int_equal(sfb_sip_hdr_id("Viaa"), SFB_SIP_H_OTHER);
}

static void
test_request(void **state)
{
	static const char req[] =
		"OPTIONS sip:edge.example.org:5061;transport=tls SIP/2.0\n"    /* bare LF */
		"Via: SIP / 2.0 / TCP [2001:db8::1]:5061 ;rport;branch=z9hG4bKx\n"
		"From: sip:check@example.org;tag=a1\n"
		"To: sip:edge.example.org\n"
		"Call-ID: c1\n"
		"CSeq: 1 OPTIONS\n"
		"User-Agent: sfbnet\n"
		"Max-Forwards: 70\n"
		"\n";
	static struct sfb_sip_msg m;

	(void)state;
	assert_int_equal(sfb_sip_parse(req, strlen(req), &m), SFB_OK);
	assert_true(m.is_request);
	assert_true(is(req, m.method, "OPTIONS"));
	assert_true(is(req, m.uri, "sip:edge.example.org:5061;transport=tls"));
	assert_true(is(req, m.via_transport, "TCP"));
	assert_true(is(req, m.via_sent_by, "[2001:db8::1]:5061"));
	assert_true(m.via_has_rport);
	assert_int_equal(m.via_rport.len, 0);
	assert_true(is(req, m.via_branch, "z9hG4bKx"));
	assert_false(m.via_received.set);
	assert_true(is(req, m.from_tag, "a1"));
	assert_false(m.to_tag.set);
	assert_true(is(req, m.user_agent, "sfbnet"));
	assert_false(m.has_content_length);
	assert_int_equal(m.body.len, 0);
	assert_int_equal(m.size, strlen(req));
}

struct bad {
	const char *text;
	sfb_status st;
	const char *why;
	size_t off;
};

#define HDRS "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n" \
	"Call-ID: x\r\nCSeq: 1 OPTIONS\r\n"

static void
test_malformed(void **state)
{
	static const struct bad cases[] = {
		{ "SIP/2.0 200 OK", SFB_EINVAL, "start line not ended by CRLF", 14 },
		{ "SIP/2.0 20 OK\r\n" HDRS "\r\n", SFB_EINVAL,
		  "status code of 3 digits between 100 and 699 expected", 8 },
		{ "SIP/2.0 700 Odd\r\n" HDRS "\r\n", SFB_EINVAL,
		  "status code of 3 digits between 100 and 699 expected", 8 },
		{ "SIP/2.0 200OK\r\n" HDRS "\r\n", SFB_EINVAL,
		  "space expected after the status code", 11 },
		{ "HTTP/1.1 200 OK\r\n" HDRS "\r\n", SFB_EINVAL,
		  "space expected after the method", 4 },
		{ "OPTIONS sip:x SIP/2.1\r\n" HDRS "\r\n", SFB_EINVAL,
		  "\" SIP/2.0\" expected at the end of the request line", 13 },
		{ "SIP/2.0 200 OK\r\n" HDRS, SFB_EINVAL, "headers not ended by an empty line", 119 },
		{ "SIP/2.0 200 OK\r\n folded\r\n" HDRS "\r\n", SFB_EINVAL,
		  "continuation line without a header", 16 },
		{ "SIP/2.0 200 OK\r\nVia SIP/2.0/UDP h\r\n\r\n", SFB_EINVAL,
		  "':' expected after the header name", 20 },
		{ "SIP/2.0 200 OK\r\n" HDRS "X: a\rb\r\n\r\n", SFB_EINVAL,
		  "CR without LF in a header", 123 },
		{ "SIP/2.0 200 OK\r\n" HDRS "Content-Length: 10\r\n\r\nabc", SFB_EINVAL,
		  "body shorter than Content-Length", 141 },
		{ "SIP/2.0 200 OK\r\n" HDRS "l: 1\r\nContent-Length: 2\r\n\r\nab", SFB_EINVAL,
		  "conflicting Content-Length headers", 141 },
		{ "SIP/2.0 200 OK\r\n" HDRS "l: 1x\r\n\r\nab", SFB_EINVAL,
		  "Content-Length is not a number", 122 },
		{ "SIP/2.0 200 OK\r\n" HDRS "l: 99999999999\r\n\r\n", SFB_ERANGE,
		  "Content-Length too large", 122 },
		{ "SIP/2.0 200 OK\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\nCall-ID: x\r\n"
		  "CSeq: 1 OPTIONS\r\n\r\n", SFB_EINVAL, "no Via header", 79 },
		{ "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@b\r\nTo: <sip:c@d>\r\n"
		  "Call-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n", SFB_EINVAL,
		  "'>' expected after the address", 50 },
		{ "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\n"
		  "Call-ID: x\r\nCSeq: OPTIONS 1\r\n\r\n", SFB_EINVAL,
		  "CSeq: number below 2^31 expected", 86 },
		{ "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\n"
		  "Call-ID: x\r\nCSeq: 2147483648 OPTIONS\r\n\r\n", SFB_EINVAL,
		  "CSeq: number below 2^31 expected", 86 },
		{ "SIP/2.0 200 OK\r\nVia: SIP/3.0/UDP h\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\n"
		  "Call-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n", SFB_EINVAL, "Via: version 2.0 expected", 25 },
		{ "INVITE sip:x SIP/2.0\r\n" HDRS "\r\n", SFB_EINVAL,
		  "CSeq method differs from the request method", 114 },
		{ "SIP/2.0 200 OK\r\n" HDRS "X: a\x01" "b\r\n\r\n", SFB_EINVAL,
		  "control character in a header", 123 },
	};
	static struct sfb_sip_msg m;
	size_t i, wrong = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sfb_status st = sfb_sip_parse(cases[i].text, strlen(cases[i].text), &m);

		if (st != cases[i].st || strcmp(m.why ? m.why : "", cases[i].why) != 0 ||
		    m.err_off != cases[i].off)
			print_message("case %zu: status %d why \"%s\" off %zu; wanted %d \"%s\" %zu\n",
			    i, (int)st, m.why ? m.why : "", m.err_off, (int)cases[i].st,
			    cases[i].why, cases[i].off), wrong++;
	}
	assert_int_equal(wrong, 0);
	/* the well-formed base of those cases parses */
	assert_int_equal(sfb_sip_parse("SIP/2.0 200 OK\r\n" HDRS "\r\n",
	    strlen("SIP/2.0 200 OK\r\n" HDRS "\r\n"), &m), SFB_OK);
}

static void
test_split(void **state)
{
	static const char s[] =
		"\r\n\r\n"
		"SIP/2.0 200 OK\r\n" HDRS "Content-Length: 3\r\n\r\nabc"
		"SIP/2.0 200 OK\r\n" HDRS "l:0\r\n\r\n"
		"SIP/2.0 200 OK\r\n" HDRS "Content-Length: 4\r\n\r\nab";
	static struct sfb_sip_msg m;
	struct sfb_sip_piece p;
	const char *why;
	size_t first, second;
	sfb_cur c;

	(void)state;
	sfb_cur_init(&c, s, strlen(s));
	assert_int_equal(sfb_sip_next(&c, &p, &why), SFB_OK);
	assert_int_equal(p.kind, SFB_SIP_PIECE_KEEPALIVE);
	assert_int_equal(p.off, 0);
	assert_int_equal(p.len, 4);
	assert_int_equal(sfb_sip_next(&c, &p, &why), SFB_OK);
	assert_int_equal(p.kind, SFB_SIP_PIECE_MESSAGE);
	assert_int_equal(p.off, 4);
	first = p.len;
	assert_int_equal(sfb_sip_parse(s + p.off, p.len, &m), SFB_OK);
	assert_int_equal(m.size, first);
	assert_true(sfb_span_eq(s + p.off, p.len, m.body, "abc", false));
	assert_int_equal(sfb_sip_next(&c, &p, &why), SFB_OK);
	assert_int_equal(p.kind, SFB_SIP_PIECE_MESSAGE);
	assert_int_equal(p.off, 4 + first);
	second = p.len;
	assert_int_equal(sfb_sip_parse(s + p.off, p.len, &m), SFB_OK);
	assert_int_equal(m.body.len, 0);
	assert_int_equal(sfb_sip_next(&c, &p, &why), SFB_OK);
	assert_int_equal(p.kind, SFB_SIP_PIECE_NONE);     /* body incomplete */
	assert_int_equal(sfb_cur_tag(&c), 4 + first + second);

	/* half a header line: incomplete; no Content-Length: refused */
	sfb_cur_init(&c, "SIP/2.0 200 OK\r\nVia: SIP", 24);
	assert_int_equal(sfb_sip_next(&c, &p, &why), SFB_OK);
	assert_int_equal(p.kind, SFB_SIP_PIECE_NONE);
	assert_int_equal(sfb_cur_tag(&c), 0);
	sfb_cur_init_str(&c, "SIP/2.0 200 OK\r\n" HDRS "\r\n");
	assert_int_equal(sfb_sip_next(&c, &p, &why), SFB_EINVAL);
	assert_string_equal(why, "no Content-Length on a stream");
	sfb_cur_init_str(&c, "SIP/2.0 200 OK\r\nl: 2\r\nContent-Length: 3\r\n\r\nabc");
	assert_int_equal(sfb_sip_next(&c, &p, &why), SFB_EINVAL);
	assert_string_equal(why, "conflicting Content-Length headers");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
