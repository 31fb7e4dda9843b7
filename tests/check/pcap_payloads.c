/* pcap_payloads FILE: the UDP and TCP payloads of a capture, one line each:
 *
 *   FRAME udp|tcp SRC:PORT DST:PORT HEX
 *
 * FRAME counts from 1 over every packet record.  Reads classic pcap (both
 * byte orders, micro- and nanosecond magic; link types Ethernet with VLAN
 * tags, Linux cooked v1 and v2, raw IP, BSD loopback) and pcapng (section
 * header blocks of either byte order, interface description, enhanced and
 * simple packet blocks).  IPv4 (not fragments) and IPv6 (hop-by-hop,
 * routing and destination options skipped; fragments ignored).  Every read
 * goes through sfb_cur; a truncated or malformed file is an error (exit 2),
 * a packet it cannot decode is skipped.  Reads files only. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sfb_buf.h"

#define MAX_IFACES 64

static uint32_t
swap32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}

static uint16_t
swap16(uint16_t v)
{
	return (uint16_t)((v >> 8) | (v << 8));
}

static bool
rd32(sfb_cur *c, bool le, uint32_t *v)
{
	if (!sfb_cur_u32be(c, v))
		return false;
	if (le)
		*v = swap32(*v);
	return true;
}

static bool
rd16(sfb_cur *c, bool le, uint16_t *v)
{
	if (!sfb_cur_u16be(c, v))
		return false;
	if (le)
		*v = swap16(*v);
	return true;
}

static void
print_hex(sfb_cur p)
{
	uint8_t b;

	while (sfb_cur_u8(&p, &b))
		printf("%02x", b);
}

/* A transport payload in the cursor t (at the transport header). */
static void
transport(unsigned long frame, int proto, const char *src, const char *dst, sfb_cur t, bool v6)
{
	uint16_t sport, dport, ulen, x;
	uint8_t off;
	size_t tag;

	if (!sfb_cur_u16be(&t, &sport) || !sfb_cur_u16be(&t, &dport))
		return;
	if (proto == 17) {
		if (!sfb_cur_u16be(&t, &ulen) || !sfb_cur_u16be(&t, &x) || ulen < 8)
			return;
		tag = sfb_cur_tag(&t);
		if (!sfb_cur_skip(&t, (size_t)ulen - 8))
			return;
	} else if (proto == 6) {
		if (!sfb_cur_skip(&t, 8) || !sfb_cur_u8(&t, &off) || (off >> 4) < 5 ||
		    !sfb_cur_skip(&t, (size_t)(off >> 4) * 4 - 13))
			return;
		tag = sfb_cur_tag(&t);
		sfb_cur_skip(&t, sfb_cur_left(&t));
	} else {
		return;
	}
	if (sfb_cur_tag_len(&t, tag) == 0)
		return;
	printf("%lu %s %s%s%s:%u %s%s%s:%u ", frame, proto == 17 ? "udp" : "tcp",
	    v6 ? "[" : "", src, v6 ? "]" : "", sport, v6 ? "[" : "", dst, v6 ? "]" : "", dport);
	print_hex(sfb_cur_tag_sub(&t, tag));
	putchar('\n');
}

static void
ipv4(unsigned long frame, sfb_cur c)
{
	uint8_t vihl, tos, ttl, proto;
	uint16_t total, id, frag, sum;
	unsigned char s[4], d[4];
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
	size_t start = sfb_cur_tag(&c);
	sfb_cur body;

	if (!sfb_cur_u8(&c, &vihl) || (vihl >> 4) != 4 || (vihl & 15) < 5 ||
	    !sfb_cur_u8(&c, &tos) || !sfb_cur_u16be(&c, &total) || !sfb_cur_u16be(&c, &id) ||
	    !sfb_cur_u16be(&c, &frag) || !sfb_cur_u8(&c, &ttl) || !sfb_cur_u8(&c, &proto) ||
	    !sfb_cur_u16be(&c, &sum) || !sfb_cur_bytes(&c, s, 4) || !sfb_cur_bytes(&c, d, 4) ||
	    !sfb_cur_skip(&c, (size_t)(vihl & 15) * 4 - 20))
		return;
	if ((frag & 0x3fff) != 0)   /* a fragment: MF or an offset */
		return;
	if (total < (size_t)(vihl & 15) * 4 || sfb_cur_tag_len(&c, start) + sfb_cur_left(&c) < total)
		return;
	{
		size_t t = sfb_cur_tag(&c);

		sfb_cur_skip(&c, total - (size_t)(vihl & 15) * 4);
		body = sfb_cur_tag_sub(&c, t);
	}
	inet_ntop(AF_INET, s, src, sizeof(src));
	inet_ntop(AF_INET, d, dst, sizeof(dst));
	transport(frame, proto, src, dst, body, false);
}

static void
ipv6(unsigned long frame, sfb_cur c)
{
	uint32_t vtf;
	uint16_t plen;
	uint8_t next, hop, nh, hlen;
	unsigned char s[16], d[16];
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	size_t t;
	sfb_cur body;

	if (!sfb_cur_u32be(&c, &vtf) || (vtf >> 28) != 6 || !sfb_cur_u16be(&c, &plen) ||
	    !sfb_cur_u8(&c, &next) || !sfb_cur_u8(&c, &hop) || !sfb_cur_bytes(&c, s, 16) ||
	    !sfb_cur_bytes(&c, d, 16))
		return;
	t = sfb_cur_tag(&c);
	if (!sfb_cur_skip(&c, plen))
		return;
	body = sfb_cur_tag_sub(&c, t);
	while (next == 0 || next == 43 || next == 60) {
		if (!sfb_cur_u8(&body, &nh) || !sfb_cur_u8(&body, &hlen) ||
		    !sfb_cur_skip(&body, (size_t)hlen * 8 + 6))
			return;
		next = nh;
	}
	/* the rest of body from its position */
	t = sfb_cur_tag(&body);
	sfb_cur_skip(&body, sfb_cur_left(&body));
	inet_ntop(AF_INET6, s, src, sizeof(src));
	inet_ntop(AF_INET6, d, dst, sizeof(dst));
	transport(frame, next, src, dst, sfb_cur_tag_sub(&body, t), true);
}

static void
ip_by_ethertype(unsigned long frame, uint16_t type, sfb_cur c)
{
	size_t t = sfb_cur_tag(&c);

	sfb_cur_skip(&c, sfb_cur_left(&c));
	if (type == 0x0800)
		ipv4(frame, sfb_cur_tag_sub(&c, t));
	else if (type == 0x86dd)
		ipv6(frame, sfb_cur_tag_sub(&c, t));
}

static void
ip_by_version(unsigned long frame, sfb_cur c)
{
	int v = sfb_cur_peek(&c);

	if (v >= 0 && (v >> 4) == 4)
		ip_by_ethertype(frame, 0x0800, c);
	else if (v >= 0 && (v >> 4) == 6)
		ip_by_ethertype(frame, 0x86dd, c);
}

static void
packet(unsigned long frame, uint32_t linktype, sfb_cur c)
{
	uint16_t type;
	uint32_t fam;

	switch (linktype) {
	case 1:     /* Ethernet */
		if (!sfb_cur_skip(&c, 12) || !sfb_cur_u16be(&c, &type))
			return;
		while (type == 0x8100 || type == 0x88a8)
			if (!sfb_cur_skip(&c, 2) || !sfb_cur_u16be(&c, &type))
				return;
		ip_by_ethertype(frame, type, c);
		return;
	case 113:   /* Linux cooked v1 */
		if (!sfb_cur_skip(&c, 14) || !sfb_cur_u16be(&c, &type))
			return;
		ip_by_ethertype(frame, type, c);
		return;
	case 276:   /* Linux cooked v2 */
		if (!sfb_cur_u16be(&c, &type) || !sfb_cur_skip(&c, 18))
			return;
		ip_by_ethertype(frame, type, c);
		return;
	case 0:     /* BSD loopback: the family in host order */
		if (!sfb_cur_u32be(&c, &fam))
			return;
		ip_by_version(frame, c);
		return;
	case 101: case 12: case 14: case 228: case 229:   /* raw IP */
		ip_by_version(frame, c);
		return;
	default:
		return;
	}
}

static int
classic(sfb_cur *c)
{
	uint32_t magic, linktype, tsec, tfrac, incl, orig, snap, zone, sig;
	uint16_t maj, min;
	unsigned long frame = 0;
	bool le;
	size_t t;

	if (!sfb_cur_u32be(c, &magic))
		return 2;
	le = magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u;
	if (!rd16(c, le, &maj) || !rd16(c, le, &min) || !rd32(c, le, &zone) ||
	    !rd32(c, le, &sig) || !rd32(c, le, &snap) || !rd32(c, le, &linktype))
		return 2;
	while (!sfb_cur_eof(c)) {
		if (!rd32(c, le, &tsec) || !rd32(c, le, &tfrac) || !rd32(c, le, &incl) ||
		    !rd32(c, le, &orig)) {
			fprintf(stderr, "pcap_payloads: truncated record header\n");
			return 2;
		}
		t = sfb_cur_tag(c);
		if (incl > 262144 || !sfb_cur_skip(c, incl)) {
			fprintf(stderr, "pcap_payloads: truncated or oversized record\n");
			return 2;
		}
		packet(++frame, linktype & 0xffff, sfb_cur_tag_sub(c, t));
	}
	return 0;
}

static int
pcapng(sfb_cur *c)
{
	uint32_t btype, blen, blen2, bom, ifid, hi, lo, cap, orig;
	uint32_t linktypes[MAX_IFACES];
	size_t nif = 0, t, bstart;
	uint16_t lt, res;
	unsigned long frame = 0;
	bool le = false;
	sfb_cur b;

	while (!sfb_cur_eof(c)) {
		bstart = sfb_cur_tag(c);
		if (!sfb_cur_u32be(c, &btype))
			return 2;
		if (btype == 0x0A0D0D0Au) {
			/* byte order from the magic after the length */
			size_t p = sfb_cur_tag(c);

			if (!sfb_cur_skip(c, 4) || !sfb_cur_u32be(c, &bom))
				return 2;
			if (bom != 0x1A2B3C4Du && bom != 0x4D3C2B1Au)
				return 2;
			le = bom == 0x4D3C2B1Au;
			sfb_cur_rollback(c, p);
			nif = 0;
		} else if (le) {
			btype = swap32(btype);
		}
		if (!rd32(c, le, &blen) || blen < 12 || blen % 4 != 0 ||
		    sfb_cur_left(c) < (size_t)blen - 8) {
			fprintf(stderr, "pcap_payloads: truncated or malformed pcapng block\n");
			return 2;
		}
		t = sfb_cur_tag(c);
		sfb_cur_skip(c, (size_t)blen - 12);
		b = sfb_cur_tag_sub(c, t);
		if (!rd32(c, le, &blen2) || blen2 != blen) {
			fprintf(stderr, "pcap_payloads: pcapng block lengths differ\n");
			return 2;
		}
		(void)bstart;
		if (btype == 1) {            /* interface description */
			if (!rd16(&b, le, &lt) || !rd16(&b, le, &res))
				return 2;
			if (nif == MAX_IFACES)
				return 2;
			linktypes[nif++] = lt;
		} else if (btype == 6) {     /* enhanced packet */
			if (!rd32(&b, le, &ifid) || !rd32(&b, le, &hi) || !rd32(&b, le, &lo) ||
			    !rd32(&b, le, &cap) || !rd32(&b, le, &orig) || ifid >= nif)
				return 2;
			t = sfb_cur_tag(&b);
			if (!sfb_cur_skip(&b, cap))
				return 2;
			packet(++frame, linktypes[ifid], sfb_cur_tag_sub(&b, t));
		} else if (btype == 3) {     /* simple packet: interface 0 */
			if (!rd32(&b, le, &orig) || nif == 0)
				return 2;
			t = sfb_cur_tag(&b);
			sfb_cur_skip(&b, orig < sfb_cur_left(&b) ? orig : sfb_cur_left(&b));
			packet(++frame, linktypes[0], sfb_cur_tag_sub(&b, t));
		}
	}
	return 0;
}

/* The whole file (at most 256 MiB) in *data. */
static bool
read_all(const char *path, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL, *q;
	size_t n = 0, cap = 0, r;
	bool ok = false;

	if (f == NULL)
		return false;
	for (;;) {
		if (n == cap) {
			if (cap >= ((size_t)256 << 20))
				goto out;
			cap = cap ? cap * 2 : 65536;
			if ((q = realloc(p, cap)) == NULL)
				goto out;
			p = q;
		}
		r = fread(p + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	ok = !ferror(f);
out:
	fclose(f);
	if (!ok) {
		free(p);
		return false;
	}
	*data = p;
	*len = n;
	return true;
}

int
main(int argc, char **argv)
{
	char *data = NULL;
	size_t len = 0;
	uint32_t magic = 0;
	sfb_cur c;
	int rc = 2;

	if (argc != 2) {
		fprintf(stderr, "usage: pcap_payloads FILE\n");
		return 2;
	}
	if (!read_all(argv[1], &data, &len)) {
		fprintf(stderr, "pcap_payloads: cannot read %s\n", argv[1]);
		return 2;
	}
	sfb_cur_init(&c, data, len);
	sfb_cur_u32be(&c, &magic);
	sfb_cur_rollback(&c, 0);
	if (magic == 0xa1b2c3d4u || magic == 0xd4c3b2a1u || magic == 0xa1b23c4du ||
	    magic == 0x4d3cb2a1u)
		rc = classic(&c);
	else if (magic == 0x0A0D0D0Au)
		rc = pcapng(&c);
	else
		fprintf(stderr, "pcap_payloads: %s: not a pcap or pcapng file\n", argv[1]);
	if (rc != 0)
		fprintf(stderr, "pcap_payloads: %s: malformed capture\n", argv[1]);
	free(data);
	return rc;
}
