/* Fuzz target: the packets the raw engine of the path test reads and
 * writes (src/lib/net/sfb_pkt.c).
 *
 * The first byte picks the path:
 *   0 mod 4: the rest is an IPv4 datagram as a raw socket of protocol TCP or
 *     ICMP reads it (sfb_pkt_parse4);
 *   1, 2 mod 4: the rest is what a raw IPv6 socket of protocol TCP (1) or
 *     ICMPv6 (2) reads, with fixed addresses (sfb_pkt_parse6);
 *   3 mod 4: the rest gives addresses, ports and a payload; the SYN and the
 *     UDP datagram built from them must carry a correct checksum (computed
 *     here independently of the library) and read back as they were built.
 * Parsing must never read out of bounds; what parses must be consistent:
 * a known kind, a quoted payload inside the input, and for IPv4 TCP the
 * ports and flags found at the offset the header length gives. */
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/sfb_net.h"
#include "net/sfb_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_pkt: %s\n", what);
	abort();
}

/* The one's-complement sum of a pseudo-header and a segment: 0xffff when
 * the checksum in the segment is right. */
static uint16_t
verify_sum(const uint8_t *src, const uint8_t *dst, size_t alen, uint8_t proto,
    const uint8_t *seg, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < alen; i += 2)
		sum += (uint32_t)(src[i] << 8 | src[i + 1]) + (uint32_t)(dst[i] << 8 | dst[i + 1]);
	sum += proto + (uint32_t)len;
	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(seg[i] << 8 | seg[i + 1]);
	if (len & 1)
		sum += (uint32_t)seg[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void
check_parsed(const uint8_t *buf, size_t len, const struct sfb_pkt *k)
{
	if (k->kind != SFB_PKT_TCP && k->kind != SFB_PKT_ICMP)
		fail("an unknown kind");
	if (k->payload != NULL &&
	    (k->payload < buf || k->payload + k->payload_len > buf + len))
		fail("the quoted payload lies outside the packet");
	if (k->kind == SFB_PKT_ICMP && k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP)
		fail("an ICMP error quoting neither TCP nor UDP parsed");
}

static void
build_path(const uint8_t *d, size_t n)
{
	struct sfb_sockaddr src, dst;
	unsigned char syn[SFB_PKT_SYN_LEN], pkt[1500];
	struct sfb_pkt k;
	char a[64], b[64];
	uint8_t sb[16], db[16];
	size_t plen, len, hl, alen;
	bool v6;

	if (n < 40)
		return;
	v6 = d[0] & 1;
	if (v6) {
		snprintf(a, sizeof(a), "fd00::%x:%x", d[1] << 8 | d[2], d[3] << 8 | d[4]);
		snprintf(b, sizeof(b), "fd00:1::%x:%x", d[5] << 8 | d[6], d[7] << 8 | d[8]);
	} else {
		snprintf(a, sizeof(a), "%u.%u.%u.%u", d[1], d[2], d[3], d[4]);
		snprintf(b, sizeof(b), "%u.%u.%u.%u", d[5], d[6], d[7], d[8]);
	}
	if (!sfb_sockaddr_parse(a, (uint16_t)(d[9] << 8 | d[10]), &src) ||
	    !sfb_sockaddr_parse(b, (uint16_t)(d[11] << 8 | d[12]), &dst))
		fail("a literal address did not parse");
	alen = sfb_sockaddr_bytes(&src, sb);
	sfb_sockaddr_bytes(&dst, db);
	/* The SYN. */
	if (!sfb_pkt_syn(syn, &src, &dst, (uint32_t)d[13] << 24 | (uint32_t)d[14] << 16 | d[15]))
		fail("no SYN for two addresses of one family");
	if (verify_sum(sb, db, alen, IPPROTO_TCP, syn, sizeof(syn)) != 0xffff)
		fail("the SYN's checksum is wrong");
	if (!sfb_pkt_parse6(syn, sizeof(syn), IPPROTO_TCP, db, sb, &k) || k.kind != SFB_PKT_TCP ||
	    k.sport != sfb_sockaddr_port(&src) || k.dport != sfb_sockaddr_port(&dst) ||
	    k.flags != SFB_TCP_SYN)
		fail("the SYN does not read back");
	/* The UDP datagram with its IP header. */
	plen = n - 16 > 1400 ? 1400 : n - 16;
	len = sfb_pkt_udp(pkt, sizeof(pkt), &src, &dst, d + 16, plen);
	hl = v6 ? 40 : 20;
	if (len != hl + 8 + plen)
		fail("the UDP datagram has the wrong length");
	if (verify_sum(sb, db, alen, IPPROTO_UDP, pkt + hl, 8 + plen) != 0xffff)
		fail("the UDP checksum is wrong");
	if (memcmp(pkt + hl + 8, d + 16, plen) != 0 ||
	    (pkt[hl] << 8 | pkt[hl + 1]) != sfb_sockaddr_port(&src) ||
	    (pkt[hl + 2] << 8 | pkt[hl + 3]) != sfb_sockaddr_port(&dst))
		fail("the UDP datagram is not what was asked");
	if (sfb_pkt_udp(pkt, hl + 8 + plen - 1, &src, &dst, d + 16, plen) != 0)
		fail("a datagram longer than the buffer was built");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t s6[16] = { 0xfd, 0, 0, 0x99, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
	static const uint8_t c6[16] = { 0xfd, 0, 0, 0x99, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };
	struct sfb_pkt k;
	const uint8_t *buf;
	size_t len;

	if (size < 1)
		return 0;
	buf = data + 1;
	len = size - 1;
	switch (data[0] & 3) {
	case 0:
		if (sfb_pkt_parse4(buf, len, &k)) {
			check_parsed(buf, len, &k);
			if (k.kind == SFB_PKT_TCP) {
				size_t hl = (size_t)(buf[0] & 15) * 4;

				if (len < hl + 14 || k.sport != (buf[hl] << 8 | buf[hl + 1]) ||
				    k.flags != buf[hl + 13])
					fail("IPv4 TCP fields are not where the header length says");
			}
		}
		break;
	case 1:
	case 2:
		if (sfb_pkt_parse6(buf, len, (data[0] & 3) == 1 ? IPPROTO_TCP : IPPROTO_ICMPV6, s6, c6,
		    &k))
			check_parsed(buf, len, &k);
		break;
	default:
		build_path(buf, len);
		break;
	}
	return 0;
}
