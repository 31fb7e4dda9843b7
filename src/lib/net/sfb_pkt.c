/* Packet headers for the raw engine of the path test (see sfb_pkt.h). */
#include <netinet/in.h>
#include <string.h>

#include "core/sfb_buf.h"
#include "net/sfb_pkt.h"

size_t
sfb_sockaddr_bytes(const struct sfb_sockaddr *a, uint8_t out[16])
{
	if (a->family == AF_INET) {
		memcpy(out, &((const struct sockaddr_in *)&a->ss)->sin_addr, 4);
		return 4;
	}
	if (a->family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)&a->ss)->sin6_addr, 16);
		return 16;
	}
	return 0;
}

/* The Internet checksum's running sum over n bytes (RFC 1071). */
static uint32_t
sum16(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The checksum of a TCP or UDP segment with its pseudo-header: the two
 * addresses (n bytes each), the protocol and the segment's length
 * (RFC 793; RFC 8200 section 8.1 for IPv6). */
static uint16_t
segment_sum(const uint8_t *s, const uint8_t *d, size_t n, uint8_t proto, const uint8_t *seg,
    size_t len)
{
	uint32_t sum = sum16(0, s, n);

	sum = sum16(sum, d, n);
	sum += proto + (uint32_t)len;
	return fold(sum16(sum, seg, len));
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

bool
sfb_pkt_syn(unsigned char out[SFB_PKT_SYN_LEN], const struct sfb_sockaddr *src,
    const struct sfb_sockaddr *dst, uint32_t seq)
{
	uint8_t s[16], d[16];
	size_t n;

	if (src->family != dst->family || (n = sfb_sockaddr_bytes(src, s)) == 0)
		return false;
	sfb_sockaddr_bytes(dst, d);
	memset(out, 0, SFB_PKT_SYN_LEN);
	put16(out, sfb_sockaddr_port(src));
	put16(out + 2, sfb_sockaddr_port(dst));
	put32(out + 4, seq);
	out[12] = (SFB_PKT_SYN_LEN / 4) << 4;
	out[13] = SFB_TCP_SYN;
	put16(out + 14, 64240);           /* the window Linux offers */
	out[20] = 2;                      /* MSS, as every real SYN carries */
	out[21] = 4;
	put16(out + 22, n == 4 ? 1460 : 1440);
	put16(out + 16, segment_sum(s, d, n, IPPROTO_TCP, out, SFB_PKT_SYN_LEN));
	return true;
}

size_t
sfb_pkt_udp(unsigned char *out, size_t cap, const struct sfb_sockaddr *src,
    const struct sfb_sockaddr *dst, const void *payload, size_t len)
{
	uint8_t s[16], d[16], *u;
	size_t n, hl, total;
	uint16_t sum;

	if (src->family != dst->family || (n = sfb_sockaddr_bytes(src, s)) == 0)
		return 0;
	sfb_sockaddr_bytes(dst, d);
	hl = n == 4 ? 20 : 40;
	total = hl + 8 + len;
	if (total > cap || len > 1400)
		return 0;
	memset(out, 0, hl + 8);
	if (n == 4) {
		out[0] = 0x45;
		put16(out + 2, (uint16_t)total);
		out[6] = 0x40;                /* don't fragment; the kernel sets the id */
		out[8] = 64;
		out[9] = IPPROTO_UDP;
		memcpy(out + 12, s, 4);       /* the checksum is the kernel's */
		memcpy(out + 16, d, 4);
	} else {
		out[0] = 0x60;
		put16(out + 4, (uint16_t)(8 + len));
		out[6] = IPPROTO_UDP;
		out[7] = 64;
		memcpy(out + 8, s, 16);
		memcpy(out + 24, d, 16);
	}
	u = out + hl;
	put16(u, sfb_sockaddr_port(src));
	put16(u + 2, sfb_sockaddr_port(dst));
	put16(u + 4, (uint16_t)(8 + len));
	memcpy(u + 8, payload, len);
	sum = segment_sum(s, d, n, IPPROTO_UDP, u, 8 + len);
	/* A computed 0 is sent as all ones (RFC 768; 0 would mean "none"). */
	put16(u + 6, sum == 0 ? 0xffff : sum);
	return total;
}

/* The first bytes of a TCP header: ports, sequence, acknowledgement and
 * flags (an ICMP error may quote only the first 8). */
static bool
parse_tcp(sfb_cur *c, struct sfb_pkt *out, bool whole)
{
	uint8_t off;

	if (!sfb_cur_u16be(c, &out->sport) || !sfb_cur_u16be(c, &out->dport) ||
	    !sfb_cur_u32be(c, &out->seq))
		return false;
	if (!whole)
		return true;
	if (!sfb_cur_u32be(c, &out->ack) || !sfb_cur_u8(c, &off) || !sfb_cur_u8(c, &out->flags))
		return false;
	return (off >> 4) >= 5;
}

/* What an ICMP error quotes of a datagram of ours: its ports, and for TCP
 * its sequence number, for UDP its data (as much as was quoted). */
static bool
parse_quoted_transport(sfb_cur *c, struct sfb_pkt *out)
{
	uint16_t ulen;

	if (out->proto == IPPROTO_TCP)
		return parse_tcp(c, out, false);
	if (out->proto != IPPROTO_UDP)
		return false;
	if (!sfb_cur_u16be(c, &out->sport) || !sfb_cur_u16be(c, &out->dport) ||
	    !sfb_cur_u16be(c, &ulen) || !sfb_cur_skip(c, 2))
		return false;
	out->payload = c->p + c->pos;
	out->payload_len = sfb_cur_left(c);
	if (ulen >= 8 && out->payload_len > (size_t)ulen - 8)
		out->payload_len = (size_t)ulen - 8;
	return true;
}

/* An IPv4 header: its protocol, addresses and the cursor past it (and
 * limited to its total length, which a raw socket's buffer may exceed). */
static bool
parse_ip4(sfb_cur *c, uint8_t *proto, uint8_t src[4], uint8_t dst[4], bool quoted)
{
	size_t start = c->pos, hl;
	uint8_t vihl;
	uint16_t total, frag;

	if (!sfb_cur_u8(c, &vihl) || (vihl >> 4) != 4 || (hl = (size_t)(vihl & 15) * 4) < 20 ||
	    !sfb_cur_skip(c, 1) || !sfb_cur_u16be(c, &total) || !sfb_cur_skip(c, 2) ||
	    !sfb_cur_u16be(c, &frag) || !sfb_cur_skip(c, 1) || !sfb_cur_u8(c, proto) ||
	    !sfb_cur_skip(c, 2) || !sfb_cur_bytes(c, src, 4) || !sfb_cur_bytes(c, dst, 4))
		return false;
	if ((frag & 0x1fff) != 0)   /* not the first fragment: no transport header */
		return false;
	if (!sfb_cur_skip(c, hl - 20))
		return false;
	/* A quoted header's total length is the original datagram's, longer
	 * than what was quoted; the outer one bounds the packet. */
	if (!quoted && total >= hl && (size_t)total - start < c->len)
		c->len = start + total;
	return true;
}

bool
sfb_pkt_parse4(const void *buf, size_t len, struct sfb_pkt *out)
{
	sfb_cur c;
	uint8_t proto, src[4], dst[4], type, code;

	memset(out, 0, sizeof(*out));
	sfb_cur_init(&c, buf, len);
	if (!parse_ip4(&c, &proto, src, dst, false))
		return false;
	out->family = AF_INET;
	if (proto == IPPROTO_TCP) {
		out->kind = SFB_PKT_TCP;
		memcpy(out->addr, src, 4);
		memcpy(out->from, dst, 4);
		return parse_tcp(&c, out, true);
	}
	/* ICMP destination unreachable (type 3): the only error that says a
	 * firewall or host refused the packet. */
	if (proto != IPPROTO_ICMP || !sfb_cur_u8(&c, &type) || !sfb_cur_u8(&c, &code) ||
	    type != 3 || !sfb_cur_skip(&c, 6))
		return false;
	out->kind = SFB_PKT_ICMP;
	out->type = type;
	out->code = code;
	if (!parse_ip4(&c, &out->proto, out->from, out->addr, true))
		return false;
	return parse_quoted_transport(&c, out);
}

bool
sfb_pkt_parse6(const void *buf, size_t len, int proto, const uint8_t src[16],
    const uint8_t dst[16], struct sfb_pkt *out)
{
	sfb_cur c;
	uint32_t vtf;
	uint8_t type, code;

	memset(out, 0, sizeof(*out));
	sfb_cur_init(&c, buf, len);
	out->family = AF_INET6;
	if (proto == IPPROTO_TCP) {
		out->kind = SFB_PKT_TCP;
		memcpy(out->addr, src, 16);
		memcpy(out->from, dst, 16);
		return parse_tcp(&c, out, true);
	}
	/* ICMPv6 destination unreachable (type 1), quoting an IPv6 header
	 * with the transport right after it (our probes carry no extension
	 * header). */
	if (proto != IPPROTO_ICMPV6 || !sfb_cur_u8(&c, &type) || !sfb_cur_u8(&c, &code) ||
	    type != 1 || !sfb_cur_skip(&c, 6))
		return false;
	out->kind = SFB_PKT_ICMP;
	out->type = type;
	out->code = code;
	if (!sfb_cur_u32be(&c, &vtf) || (vtf >> 28) != 6 || !sfb_cur_skip(&c, 2) ||
	    !sfb_cur_u8(&c, &out->proto) || !sfb_cur_skip(&c, 1) ||
	    !sfb_cur_bytes(&c, out->from, 16) || !sfb_cur_bytes(&c, out->addr, 16))
		return false;
	return parse_quoted_transport(&c, out);
}
