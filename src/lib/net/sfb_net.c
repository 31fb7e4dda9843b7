/* Socket addresses through the library's address parser. */
#include "sfb_net.h"

#include <netinet/in.h>
#include <string.h>

bool
sfb_sockaddr_parse(const char *addr, uint16_t port, struct sfb_sockaddr *out)
{
	sfb_addrset a;
	bool ok = false;
	int i;

	memset(out, 0, sizeof(*out));
	sfb_addrset_init(&a);
	if (!sfb_addr_is_single(addr) || sfb_addrset_parse(&a, addr) != SFB_OK)
		goto out;
	if (a.v4.n == 1) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&out->ss;
		uint32_t v = (uint32_t)a.v4.r[0].lo.lo;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(v);
		out->len = sizeof(*sin);
		out->family = AF_INET;
	} else if (a.v6.n == 1) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&out->ss;

		sin6->sin6_family = AF_INET6;
		for (i = 0; i < 8; i++) {
			sin6->sin6_addr.s6_addr[i] = (uint8_t)(a.v6.r[0].lo.hi >> (56 - 8 * i));
			sin6->sin6_addr.s6_addr[8 + i] = (uint8_t)(a.v6.r[0].lo.lo >> (56 - 8 * i));
		}
		out->len = sizeof(*sin6);
		out->family = AF_INET6;
	} else {
		goto out;
	}
	sfb_sockaddr_set_port(out, port);
	ok = true;
out:
	sfb_addrset_free(&a);
	return ok;
}

void
sfb_sockaddr_set_port(struct sfb_sockaddr *a, uint16_t port)
{
	if (a->family == AF_INET)
		((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
}

uint16_t
sfb_sockaddr_port(const struct sfb_sockaddr *a)
{
	if (a->family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
}

void
sfb_sockaddr_any(struct sfb_sockaddr *a, int family, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	a->ss.ss_family = (sa_family_t)family;
	a->len = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	sfb_sockaddr_set_port(a, port);
}

void
sfb_sockaddr_print(sfb_buf *b, const struct sfb_sockaddr *a)
{
	sfb_addrset s;
	sfb_u128 v;
	int i;

	sfb_addrset_init(&s);
	if (a->family == AF_INET) {
		v = sfb_u128_make(0, ntohl(((const struct sockaddr_in *)&a->ss)->sin_addr.s_addr));
		if (sfb_iset_add(&s.v4, v, v) != SFB_OK)
			b->oom = true;
	} else {
		const uint8_t *p = ((const struct sockaddr_in6 *)&a->ss)->sin6_addr.s6_addr;

		v = sfb_u128_make(0, 0);
		for (i = 0; i < 8; i++) {
			v.hi = (v.hi << 8) | p[i];
			v.lo = (v.lo << 8) | p[8 + i];
		}
		if (sfb_iset_add(&s.v6, v, v) != SFB_OK)
			b->oom = true;
	}
	sfb_addrset_print(b, &s);
	sfb_addrset_free(&s);
}

uint32_t
sfb_portset_nth(const sfb_portset *p, uint64_t n)
{
	size_t i;
	uint64_t len;

	for (i = 0; i < p->s.n; i++) {
		len = p->s.r[i].hi.lo - p->s.r[i].lo.lo + 1;
		if (n < len)
			return (uint32_t)(p->s.r[i].lo.lo + n);
		n -= len;
	}
	return p->s.n > 0 ? (uint32_t)p->s.r[0].lo.lo : 0;
}

void
sfb_sockaddr_unmap(struct sfb_sockaddr *a)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&a->ss;
	struct sockaddr_in sin;
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (a->family != AF_INET6 || memcmp(s6->sin6_addr.s6_addr, mapped, 12) != 0)
		return;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = s6->sin6_port;
	memcpy(&sin.sin_addr, s6->sin6_addr.s6_addr + 12, 4);
	memset(&a->ss, 0, sizeof(a->ss));
	memcpy(&a->ss, &sin, sizeof(sin));
	a->len = sizeof(sin);
	a->family = AF_INET;
}
