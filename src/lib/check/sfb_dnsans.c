/* DNS answers through c-ares' parsers (see sfb_dnsans.h). */
#include "check/sfb_dnsans.h"

#include <arpa/inet.h>
#include <ares.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "sfb_buf.h"
#include "sfb_text.h"

#define MAX_ADDRS 64

void
sfb_dnsans_init(struct sfb_dnsans *a, int qtype)
{
	memset(a, 0, sizeof(*a));
	a->qtype = qtype;
	sfb_strv_init(&a->addrs);
}

void
sfb_dnsans_free(struct sfb_dnsans *a)
{
	sfb_strv_free(&a->addrs);
	free(a->srv);
	a->srv = NULL;
	a->nsrv = 0;
}

/* A name as the checks compare names: lower case, no final dot; false
 * when it does not fit. */
static bool
norm_name(const char *in, char *out, size_t outlen)
{
	size_t n = strlen(in), i;

	if (n > 0 && in[n - 1] == '.')
		n--;
	if (n >= outlen)
		return false;
	for (i = 0; i < n; i++)
		out[i] = (in[i] >= 'A' && in[i] <= 'Z') ? (char)(in[i] - 'A' + 'a') : in[i];
	out[n] = '\0';
	/* "" is the root (an SRV target of "." says: no service here); any
	 * other name must be a host name (a label holding a dot is not). */
	return n == 0 || sfb_dns_name_valid(out);
}

static int
cmp_srv(const void *x, const void *y)
{
	const struct sfb_srv *a = x, *b = y;

	if (a->prio != b->prio)
		return a->prio < b->prio ? -1 : 1;
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	return strcmp(a->target, b->target);
}

/* What a c-ares parser's result means here: no record of the type
 * (SFB_ENOTFOUND), a malformed answer (SFB_EINVAL, its reason in *why). */
static sfb_status
parse_status(int rc, const char **why)
{
	if (rc == ARES_SUCCESS)
		return SFB_OK;
	if (rc == ARES_ENODATA)
		return SFB_ENOTFOUND;
	*why = ares_strerror(rc);
	return rc == ARES_ENOMEM ? SFB_ENOMEM : SFB_EINVAL;
}

static sfb_status
decode_addr(struct sfb_dnsans *a, const unsigned char *abuf, int alen, const char **why)
{
	struct hostent *h = NULL;
	struct ares_addrttl v4[MAX_ADDRS];
	struct ares_addr6ttl v6[MAX_ADDRS];
	char text[INET6_ADDRSTRLEN];
	int n = MAX_ADDRS, rc, i;
	sfb_status st = SFB_OK;

	if (a->qtype == 28)
		rc = ares_parse_aaaa_reply(abuf, alen, &h, v6, &n);
	else
		rc = ares_parse_a_reply(abuf, alen, &h, v4, &n);
	if ((st = parse_status(rc, why)) != SFB_OK)
		goto out;
	if (h != NULL && h->h_name != NULL && !norm_name(h->h_name, a->canon, sizeof(a->canon))) {
		*why = "the canonical name is not a host name";
		st = SFB_EINVAL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (a->qtype == 28)
			inet_ntop(AF_INET6, &v6[i].ip6addr, text, sizeof(text));
		else
			inet_ntop(AF_INET, &v4[i].ipaddr, text, sizeof(text));
		if (sfb_strv_add(&a->addrs, text, true) != SFB_OK) {
			st = SFB_ENOMEM;
			goto out;
		}
	}
	if (a->addrs.n == 0) {
		st = SFB_ENOTFOUND;
		goto out;
	}
out:
	if (h != NULL)
		ares_free_hostent(h);
	return st;
}

static sfb_status
decode_srv(struct sfb_dnsans *a, const unsigned char *abuf, int alen, const char **why)
{
	struct ares_srv_reply *list = NULL, *r;
	size_t n = 0, i = 0;
	int rc;
	sfb_status st = SFB_OK;

	rc = ares_parse_srv_reply(abuf, alen, &list);
	if ((st = parse_status(rc, why)) != SFB_OK)
		goto out;
	for (r = list; r != NULL; r = r->next)
		n++;
	if (n == 0) {
		st = SFB_ENOTFOUND;
		goto out;
	}
	if ((a->srv = calloc(n, sizeof(*a->srv))) == NULL) {
		st = SFB_ENOMEM;
		goto out;
	}
	for (r = list; r != NULL; r = r->next, i++) {
		a->srv[i].prio = r->priority;
		a->srv[i].weight = r->weight;
		a->srv[i].port = r->port;
		if (!norm_name(r->host, a->srv[i].target, sizeof(a->srv[i].target))) {
			*why = "the target is not a host name";
			st = SFB_EINVAL;
			goto out;
		}
	}
	a->nsrv = n;
	qsort(a->srv, n, sizeof(*a->srv), cmp_srv);
out:
	if (list != NULL)
		ares_free_data(list);
	return st;
}

sfb_status
sfb_dnsans_decode(struct sfb_dnsans *a, const unsigned char *abuf, int alen, const char **why)
{
	*why = NULL;
	if (abuf == NULL || alen <= 0) {
		*why = "empty answer";
		return SFB_EINVAL;
	}
	if (a->qtype == 33)
		return decode_srv(a, abuf, alen, why);
	return decode_addr(a, abuf, alen, why);
}

void
sfb_dnsans_print(const struct sfb_dnsans *a, sfb_buf *b)
{
	size_t i;

	if (a->qtype == 33) {
		for (i = 0; i < a->nsrv; i++)
			sfb_buf_printf(b, "%s%u %u %u %s", i ? ", " : "", a->srv[i].prio,
			    a->srv[i].weight, a->srv[i].port, a->srv[i].target);
		return;
	}
	if (a->canon[0] != '\0')
		sfb_buf_printf(b, "%s: ", a->canon);
	for (i = 0; i < a->addrs.n; i++)
		sfb_buf_printf(b, "%s%s", i ? " " : "", a->addrs.v[i]);
}
