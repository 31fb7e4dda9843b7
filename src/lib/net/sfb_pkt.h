/* Packet headers for the raw engine of the path test: a TCP SYN built by
 * hand (no socket and no connection per port), and the parsing of what
 * comes back on a raw socket: the TCP answer (SYN-ACK or reset) and the
 * ICMP error that quotes a packet of ours.
 *
 * Everything read goes through sfb_cur: the packets come from the network
 * and any of their lengths may lie. */
#ifndef SFB_PKT_H
#define SFB_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/sfb_net.h"

#define SFB_TCP_FIN 0x01
#define SFB_TCP_SYN 0x02
#define SFB_TCP_RST 0x04
#define SFB_TCP_ACK 0x10

/* The bytes of a SYN: a 20-byte TCP header and a 4-byte MSS option. */
#define SFB_PKT_SYN_LEN 24

/* What one received packet says. */
struct sfb_pkt {
	/* SFB_PKT_TCP: a TCP segment sent to us (sport is the port we probed,
	 * dport ours).  SFB_PKT_ICMP: an ICMP error about a packet we sent
	 * (sport ours, dport the probed one; addr its destination). */
	int kind;
	int family;
	uint8_t addr[16];     /* TCP: the segment's source; ICMP: the quoted packet's destination */
	uint8_t from[16];     /* our own address: the segment's destination / the quoted source */
	uint8_t proto;        /* ICMP: the quoted packet's protocol (6 or 17) */
	uint16_t sport, dport;
	uint32_t seq, ack;    /* TCP: the segment's; ICMP about TCP: the quoted seq */
	uint8_t flags;        /* TCP flags */
	uint8_t type, code;   /* ICMP */
	const unsigned char *payload;  /* ICMP about UDP: the quoted datagram's data */
	size_t payload_len;
};

enum { SFB_PKT_TCP = 1, SFB_PKT_ICMP };

/* A SYN from src (its port: the source port) to dst (its port: the
 * destination port) with sequence number seq, checksum included, into
 * out[SFB_PKT_SYN_LEN]; false when the families differ. */
bool sfb_pkt_syn(unsigned char out[SFB_PKT_SYN_LEN], const struct sfb_sockaddr *src,
    const struct sfb_sockaddr *dst, uint32_t seq);

/* An IP header (IPv4 or IPv6, by the family of src and dst) and a UDP
 * header before len bytes of payload, from src to dst (addresses and
 * ports): what a raw IPPROTO_RAW socket sends as it is, so that an answer
 * leaves from any address and port (the responder in tproxy mode).  Its
 * length, or 0 when it does not fit in cap or the families differ. */
size_t sfb_pkt_udp(unsigned char *out, size_t cap, const struct sfb_sockaddr *src,
    const struct sfb_sockaddr *dst, const void *payload, size_t len);

/* An IPv4 datagram with its header, as an IPv4 raw socket of protocol TCP
 * or ICMP reads it: a TCP segment (SFB_PKT_TCP) or an ICMP destination
 * unreachable quoting a TCP or UDP packet (SFB_PKT_ICMP).  false for
 * anything else or malformed. */
bool sfb_pkt_parse4(const void *buf, size_t len, struct sfb_pkt *out);

/* IPv6 raw sockets read no IP header: a TCP segment from src to dst (both
 * 16 bytes, from the socket's address and packet info), or an ICMPv6
 * destination unreachable (proto 58) quoting one of ours. */
bool sfb_pkt_parse6(const void *buf, size_t len, int proto, const uint8_t src[16],
    const uint8_t dst[16], struct sfb_pkt *out);

/* The raw address bytes of a, and their count (4 or 16; 0 otherwise). */
size_t sfb_sockaddr_bytes(const struct sfb_sockaddr *a, uint8_t out[16]);

#endif
