/* Socket addresses for the probes, parsed with the library's own address
 * parser (no inet_pton), and port-set helpers the probes need. */
#ifndef SFB_NET_H
#define SFB_NET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sfb_iset.h"

struct sfb_sockaddr {
	struct sockaddr_storage ss;
	socklen_t len;
	int family;
};

/* "10.1.2.3" or "2001:db8::1" with a port. */
bool sfb_sockaddr_parse(const char *addr, uint16_t port, struct sfb_sockaddr *out);
void sfb_sockaddr_set_port(struct sfb_sockaddr *a, uint16_t port);
uint16_t sfb_sockaddr_port(const struct sfb_sockaddr *a);
/* The wildcard address of a family with a port. */
void sfb_sockaddr_any(struct sfb_sockaddr *a, int family, uint16_t port);
/* Print as text (no port) into b. */
void sfb_sockaddr_print(sfb_buf *b, const struct sfb_sockaddr *a);

/* An IPv4-mapped IPv6 address (from a dual-stack socket) as plain IPv4. */
void sfb_sockaddr_unmap(struct sfb_sockaddr *a);

/* The n-th port (0-based) of a port set in ascending order. */
uint32_t sfb_portset_nth(const sfb_portset *p, uint64_t n);

#endif
