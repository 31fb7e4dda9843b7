/* wire_dump: the check parsers (src/lib/check) on real payloads, one
 * canonical line per message.
 *
 *   wire_dump stun [KEY]       payload lines of pcap_payloads on standard input
 *   wire_dump stun-file [KEY] FILE...   each file one raw STUN message
 *   wire_dump sip              payload lines of pcap_payloads on standard input
 *
 * KEY: --short PASSWORD, or --long USERNAME REALM PASSWORD: MESSAGE-INTEGRITY
 * is verified with it (integrity=ok|bad), else only reported (integrity=present).
 *
 * STUN: a UDP payload that looks like STUN (sfb_stun_sniff) is parsed; a TCP
 * payload is split (sfb_stun_next, plain framing) and each piece parsed,
 * then "tcp-segment frame=F pieces=N rest=R" says how the segment split.
 * SIP: a payload that starts with a letter is parsed (datagram: UDP; split
 * by Content-Length: TCP).  A message that fails prints "...-error" with the
 * parser's reason and offset. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "sfb_buf.h"
#include "check/sfb_sip.h"
#include "check/sfb_stun.h"

struct opts {
	bool have_key;
	unsigned char key[64];
	size_t keylen;
};

static void
print_text(const void *buf, size_t len, struct sfb_span s)
{
	sfb_cur c = sfb_span_cur(buf, len, s);
	uint8_t b;

	putchar('"');
	while (sfb_cur_u8(&c, &b)) {
		if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\')
			putchar(b);
		else
			printf("\\x%02x", b);
	}
	putchar('"');
}

static void
print_addr(const char *name, const struct sfb_stun_addr *a)
{
	char text[INET6_ADDRSTRLEN];

	if (!a->set)
		return;
	inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->addr, text, sizeof(text));
	printf(a->family == 4 ? " %s=%s:%u" : " %s=[%s]:%u", name, text, a->port);
}

static const char *
class_name(enum sfb_stun_class c)
{
	switch (c) {
	case SFB_STUN_REQUEST: return "request";
	case SFB_STUN_INDICATION: return "indication";
	case SFB_STUN_SUCCESS: return "success";
	default: return "error";
	}
}

static void
dump_stun(const char *where, const void *buf, size_t len, const struct opts *o)
{
	struct sfb_stun_msg *m = malloc(sizeof(*m));
	const char *name;
	sfb_status st;
	size_t i;
	bool ok;

	if (m == NULL) {
		fprintf(stderr, "wire_dump: out of memory\n");
		exit(2);
	}
	st = sfb_stun_parse(buf, len, m);
	if (st != SFB_OK) {
		printf("stun-error %s why=\"%s\" off=%zu\n", where, m->why, m->err_off);
		free(m);
		return;
	}
	name = sfb_stun_method_name(m->method);
	printf("stun %s class=%s method=%s(0x%03x) %s size=%zu tid=", where, class_name(m->cls),
	    name != NULL ? name : "unknown", m->method, m->cookie ? "rfc5389" : "rfc3489", m->size);
	for (i = 0; i < m->tid_len; i++)
		printf("%02x", m->tid[i]);
	printf(" attrs=");
	for (i = 0; i < m->nattrs; i++)
		printf("%s%04x", i ? "," : "", m->attrs[i].type);
	print_addr("mapped", &m->mapped);
	print_addr("xor-mapped", &m->xor_mapped);
	print_addr("ms-xor-mapped", &m->ms_xor_mapped);
	print_addr("relayed", &m->relayed);
	print_addr("alternate", &m->alternate);
	if (m->has_error) {
		printf(" error=%u reason=", m->error_code);
		print_text(buf, len, m->error_reason);
	}
	if (m->has_lifetime)
		printf(" lifetime=%u", m->lifetime);
	if (m->realm.set) {
		printf(" realm=");
		print_text(buf, len, m->realm);
	}
	if (m->nonce.set)
		printf(" nonce-len=%zu", m->nonce.len);
	if (m->software.set) {
		printf(" software=");
		print_text(buf, len, m->software);
	}
	if (m->username.set) {
		printf(" username=");
		print_text(buf, len, m->username);
	}
	if (m->has_ms_magic)
		printf(" ms-magic=0x%08x", m->ms_magic);
	if (m->has_ms_version)
		printf(" ms-version=%u", m->ms_version);
	if (m->has_bandwidth)
		printf(" bandwidth=%u", m->bandwidth);
	if (m->has_ms_service_quality)
		printf(" ms-service-quality=%u/%u", m->ms_stream_type, m->ms_service_quality);
	if (m->has_ms_sequence)
		printf(" ms-sequence=%u", m->ms_sequence);
	if (m->has_ms_impl_version)
		printf(" ms-impl-version=%u", m->ms_impl_version);
	if (m->ms_session_id.set)
		printf(" ms-session-id-len=%zu", m->ms_session_id.len);
	if (m->has_integrity) {
		if (!o->have_key)
			printf(" integrity=present");
		else if (sfb_stun_check_integrity(buf, len, m, o->key, o->keylen, &ok) == SFB_OK)
			printf(" integrity=%s", ok ? "ok" : "bad");
		else
			printf(" integrity=error");
	}
	if (m->has_fingerprint)
		printf(" fingerprint=%s", m->fingerprint_ok ? "ok" : "bad");
	putchar('\n');
	free(m);
}

static void
dump_sip(const char *where, const void *buf, size_t len)
{
	struct sfb_sip_msg *m = malloc(sizeof(*m));
	sfb_status st;

	if (m == NULL) {
		fprintf(stderr, "wire_dump: out of memory\n");
		exit(2);
	}
	st = sfb_sip_parse(buf, len, m);
	if (st != SFB_OK) {
		printf("sip-error %s why=\"%s\" off=%zu\n", where, m->why, m->err_off);
		free(m);
		return;
	}
	printf("sip %s", where);
	if (m->is_request) {
		printf(" request method=");
		print_text(buf, len, m->method);
		printf(" uri=");
		print_text(buf, len, m->uri);
	} else {
		printf(" response code=%u reason=", m->code);
		print_text(buf, len, m->reason);
	}
	printf(" cseq=%u cseq-method=", m->cseq);
	print_text(buf, len, m->cseq_method);
	printf(" call-id=");
	print_text(buf, len, m->call_id);
	printf(" via=");
	print_text(buf, len, m->via_transport);
	printf(" sent-by=");
	print_text(buf, len, m->via_sent_by);
	if (m->via_branch.set) {
		printf(" branch=");
		print_text(buf, len, m->via_branch);
	}
	if (m->via_received.set) {
		printf(" received=");
		print_text(buf, len, m->via_received);
	}
	if (m->via_has_rport) {
		printf(" rport=");
		print_text(buf, len, m->via_rport);
	}
	if (m->from_tag.set) {
		printf(" from-tag=");
		print_text(buf, len, m->from_tag);
	}
	if (m->to_tag.set) {
		printf(" to-tag=");
		print_text(buf, len, m->to_tag);
	}
	if (m->server.set) {
		printf(" server=");
		print_text(buf, len, m->server);
	}
	if (m->user_agent.set) {
		printf(" user-agent=");
		print_text(buf, len, m->user_agent);
	}
	if (m->allow.set) {
		printf(" allow=");
		print_text(buf, len, m->allow);
	}
	if (m->supported.set) {
		printf(" supported=");
		print_text(buf, len, m->supported);
	}
	if (m->ms_diagnostics.set) {
		printf(" ms-diagnostics=");
		print_text(buf, len, m->ms_diagnostics);
	}
	printf(" headers=%zu body=%zu size=%zu\n", m->nheaders, m->body.len, m->size);
	free(m);
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* "FRAME PROTO SRC DST HEX": the payload decoded into out (of cap bytes). */
static bool
payload_line(const char *line, char *where, size_t wlen, bool *tcp, unsigned char *out,
    size_t cap, size_t *len)
{
	sfb_cur c;
	size_t t;
	int hi, lo;
	char proto[8];

	sfb_cur_init_str(&c, line);
	t = sfb_cur_tag(&c);
	sfb_cur_until(&c, " ");
	sfb_cur_accept(&c, ' ');
	sfb_cur_until(&c, " ");
	{
		/* where: everything up to the hex, as "frame=F proto=P src=S dst=D" */
		sfb_cur w = sfb_cur_tag_sub(&c, t);
		char frame[24];
		size_t ft = sfb_cur_tag(&w), pt;

		sfb_cur_until(&w, " ");
		if (!sfb_cur_tag_fetch(&w, ft, frame, sizeof(frame)) || !sfb_cur_accept(&w, ' '))
			return false;
		pt = sfb_cur_tag(&w);
		sfb_cur_until(&w, " ");
		if (!sfb_cur_tag_fetch(&w, pt, proto, sizeof(proto)))
			return false;
		*tcp = strcmp(proto, "tcp") == 0;
		sfb_cur_accept(&c, ' ');
		t = sfb_cur_tag(&c);
		sfb_cur_until(&c, " ");
		sfb_cur_accept(&c, ' ');
		sfb_cur_until(&c, " ");
		{
			char addrs[128];

			if (!sfb_cur_tag_fetch(&c, t, addrs, sizeof(addrs)))
				return false;
			snprintf(where, wlen, "frame=%s %s %s", frame, proto, addrs);
		}
	}
	if (!sfb_cur_accept(&c, ' '))
		return false;
	*len = 0;
	while (!sfb_cur_eof(&c) && sfb_cur_peek(&c) != '\n') {
		hi = hexval(sfb_cur_get(&c));
		lo = hexval(sfb_cur_get(&c));
		if (hi < 0 || lo < 0 || *len == cap)
			return false;
		out[(*len)++] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

static void
stun_payload(const char *where, bool tcp, const unsigned char *buf, size_t len,
    const struct opts *o)
{
	struct sfb_stun_piece p;
	char w[256];
	size_t n = 0;
	sfb_cur s;

	if (!tcp) {
		if (sfb_stun_sniff(buf, len))
			dump_stun(where, buf, len, o);
		return;
	}
	sfb_cur_init(&s, buf, len);
	while (!sfb_cur_eof(&s)) {
		if (sfb_stun_next(&s, SFB_STUN_FRAME_PLAIN, &p) != SFB_OK ||
		    p.kind == SFB_STUN_PIECE_NONE)
			break;
		n++;
		if (p.kind == SFB_STUN_PIECE_MESSAGE) {
			sfb_cur one = s;
			sfb_cur_rollback(&one, p.off);
			sfb_cur_skip(&one, p.len);
			one = sfb_cur_tag_sub(&one, p.off);
			snprintf(w, sizeof(w), "%s piece=%zu", where, n);
			dump_stun(w, one.p, one.len, o);
		}
	}
	if (n > 0)
		printf("tcp-segment %s pieces=%zu rest=%zu\n", where, n, sfb_cur_left(&s));
}

static void
sip_payload(const char *where, bool tcp, const unsigned char *buf, size_t len)
{
	struct sfb_sip_piece p;
	const char *why;
	char w[256];
	size_t n = 0;
	sfb_cur s;

	if (len == 0 || !((buf[0] >= 'A' && buf[0] <= 'Z') || (buf[0] >= 'a' && buf[0] <= 'z')))
		return;
	if (!tcp) {
		dump_sip(where, buf, len);
		return;
	}
	sfb_cur_init(&s, buf, len);
	while (!sfb_cur_eof(&s)) {
		if (sfb_sip_next(&s, &p, &why) != SFB_OK) {
			printf("sip-error %s why=\"%s\" off=%zu\n", where, why, sfb_cur_tag(&s));
			break;
		}
		if (p.kind == SFB_SIP_PIECE_NONE)
			break;
		if (p.kind == SFB_SIP_PIECE_MESSAGE) {
			sfb_cur one = s;
			n++;
			sfb_cur_rollback(&one, p.off);
			sfb_cur_skip(&one, p.len);
			one = sfb_cur_tag_sub(&one, p.off);
			snprintf(w, sizeof(w), "%s piece=%zu", where, n);
			dump_sip(w, one.p, one.len);
		}
	}
}

static bool
parse_key(int *argi, int argc, char **argv, struct opts *o)
{
	if (*argi < argc && strcmp(argv[*argi], "--short") == 0 && *argi + 1 < argc) {
		o->keylen = strlen(argv[*argi + 1]);
		if (o->keylen > sizeof(o->key))
			return false;
		memcpy(o->key, argv[*argi + 1], o->keylen);
		o->have_key = true;
		*argi += 2;
	} else if (*argi < argc && strcmp(argv[*argi], "--long") == 0 && *argi + 3 < argc) {
		if (sfb_stun_long_term_key(argv[*argi + 1], argv[*argi + 2], argv[*argi + 3],
		    o->key) != SFB_OK)
			return false;
		o->keylen = 16;
		o->have_key = true;
		*argi += 4;
	}
	return true;
}

int
main(int argc, char **argv)
{
	static unsigned char buf[1 << 17];
	struct opts o = { 0 };
	char *line = NULL, where[256];
	size_t cap = 0, len;
	bool tcp, sip;
	int argi = 2;
	FILE *f;

	if (argc < 2 || !parse_key(&argi, argc, argv, &o)) {
		fprintf(stderr, "usage: wire_dump stun|sip [--short PW | --long USER REALM PW] "
		    "< payloads\n       wire_dump stun-file [KEY] FILE...\n");
		return 2;
	}
	if (strcmp(argv[1], "stun-file") == 0) {
		for (; argi < argc; argi++) {
			if ((f = fopen(argv[argi], "rb")) == NULL) {
				fprintf(stderr, "wire_dump: cannot read %s\n", argv[argi]);
				return 2;
			}
			len = fread(buf, 1, sizeof(buf), f);
			fclose(f);
			snprintf(where, sizeof(where), "file=%s", strrchr(argv[argi], '/') != NULL
			    ? strrchr(argv[argi], '/') + 1 : argv[argi]);
			dump_stun(where, buf, len, &o);
		}
		return 0;
	}
	sip = strcmp(argv[1], "sip") == 0;
	if (!sip && strcmp(argv[1], "stun") != 0)
		return 2;
	while (getline(&line, &cap, stdin) > 0) {
		if (!payload_line(line, where, sizeof(where), &tcp, buf, sizeof(buf), &len)) {
			fprintf(stderr, "wire_dump: bad payload line\n");
			free(line);
			return 2;
		}
		if (sip)
			sip_payload(where, tcp, buf, len);
		else
			stun_payload(where, tcp, buf, len, &o);
	}
	free(line);
	return 0;
}
