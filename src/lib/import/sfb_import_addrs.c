/* The addresses a topology XML does not hold ("0.0.0.0": use all configured),
 * given on the command line (--address NAME=VALUE) or in a CSV file
 * (--addresses: NAME,VALUE lines).  NAME is a machine's or a service's FQDN
 * (VALUE one address) or a zone of the reference layout, internal or
 * perimeter (VALUE its networks, prefixes separated by spaces or ';' in the
 * CSV, by ',' after '='). */
#include <string.h>
#include <strings.h>

#include "sfb_iset.h"
#include "sfb_import_int.h"
#include "sfb_text.h"

static bool
is_zone(const char *name)
{
	return strcasecmp(name, "internal") == 0 || strcasecmp(name, "perimeter") == 0;
}

/* Every prefix of a ','-separated list (empty items skipped; none at all
 * is an error). */
static sfb_status
parse_list(sfb_addrset *set, const char *v)
{
	char item[64];
	size_t n, items = 0;
	const char *p = v, *e;
	sfb_status st;

	while (*p != '\0') {
		e = strchr(p, ',');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n >= sizeof(item))
			return SFB_EINVAL;
		if (n > 0) {
			memcpy(item, p, n);
			item[n] = '\0';
			if ((st = sfb_addrset_parse(set, item)) != SFB_OK)
				return st;
			items++;
		}
		p += n + (e != NULL);
	}
	return items > 0 ? SFB_OK : SFB_EINVAL;
}

/* Check one pair; file/line name where it came from (line 0: the command
 * line). */
static sfb_status
add_pair(struct imp *I, const char *name, size_t nlen, const char *value, size_t vlen,
    const char *file, int line)
{
	const char *n = sfb_imp_keep(I, name, nlen), *v = sfb_imp_keep(I, value, vlen);
	sfb_addrset set;
	sfb_status st;
	size_t i;
	char *p;

	if (n == NULL || v == NULL)
		return sfb_oom(I->ctx);
	/* A zone's prefixes may be separated by ',' ';' or spaces: make them
	 * the one separator the address-set parser takes. */
	for (p = (char *)v; *p != '\0'; p++)
		if (*p == ';' || *p == ' ')
			*p = ',';
	if (!is_zone(n) && !sfb_dns_name_valid(n))
		return sfb_fail(I->ctx, SFB_EINVAL, file, line, line > 0 ? 1 : 0,
		    "'%s' is neither a DNS name nor a zone (internal, perimeter)", n);
	sfb_addrset_init(&set);
	if (!is_zone(n))
		st = sfb_addr_is_single(v) ? sfb_addrset_parse(&set, v) : SFB_EINVAL;
	else
		st = parse_list(&set, v);
	sfb_addrset_free(&set);
	if (st == SFB_ENOMEM)
		return sfb_oom(I->ctx);
	if (st != SFB_OK)
		return sfb_fail(I->ctx, SFB_EINVAL, file, line, line > 0 ? (int)nlen + 2 : 0,
		    "%s: '%s' is not %s", n, v, is_zone(n) ? "a list of IPv4/IPv6 prefixes" :
		    "one IPv4 or IPv6 address");
	for (i = 0; i < I->naddr; i++)
		if (strcasecmp(I->addr[i].name, n) == 0)
			return sfb_fail(I->ctx, SFB_EINVAL, file, line, line > 0 ? 1 : 0,
			    "%s is given twice", n);
	if (sfb_grow(&I->addr, &I->capaddr, I->naddr + 1, sizeof(*I->addr)) != SFB_OK)
		return sfb_oom(I->ctx);
	I->addr[I->naddr++] = (struct imp_addr){ n, v, false };
	return SFB_OK;
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
		(*n)--;
	if (*n >= 2 && (*s)[0] == '"' && (*s)[*n - 1] == '"') {
		(*s)++;
		*n -= 2;
	}
}

/* NAME,VALUE per line; blank lines and # comments skipped; a first line
 * (after the comments)
 * whose value is not an address (a header such as "fqdn,ip") skipped. */
static sfb_status
read_csv(struct imp *I, const char *path)
{
	sfb_buf b;
	sfb_cur c;
	sfb_status st = SFB_OK;
	int line = 0;
	bool seen = false;        /* a line that is not a comment */
	size_t start, end, comma, nlen, vlen;
	const char *name, *value, *text;

	sfb_buf_init(&b);
	if ((st = sfb_read_file(I->ctx, path, &b)) != SFB_OK)
		goto out;
	text = sfb_buf_str(&b);
	sfb_cur_init(&c, text, b.len);
	while (!sfb_cur_eof(&c)) {
		line++;
		start = c.pos;
		while (!sfb_cur_eof(&c) && sfb_cur_peek(&c) != '\n')
			sfb_cur_skip(&c, 1);
		end = c.pos;
		sfb_cur_accept(&c, '\n');
		name = text + start;
		nlen = end - start;
		trim(&name, &nlen);
		if (nlen == 0 || name[0] == '#')
			continue;
		for (comma = 0; comma < nlen && name[comma] != ','; comma++)
			;
		if (comma == nlen) {
			st = sfb_fail(I->ctx, SFB_EINVAL, path, line, 1, "want NAME,ADDRESS");
			goto out;
		}
		value = name + comma + 1;
		vlen = nlen - comma - 1;
		nlen = comma;
		trim(&name, &nlen);
		trim(&value, &vlen);
		if (!seen && (vlen == 0 || !((value[0] >= '0' && value[0] <= '9') ||
		    memchr(value, ':', vlen) != NULL))) {
			seen = true;
			continue;  /* a header line */
		}
		seen = true;
		if ((st = add_pair(I, name, nlen, value, vlen, path, line)) != SFB_OK)
			goto out;
	}
out:
	sfb_buf_free(&b);
	return st;
}

sfb_status
sfb_imp_read_addresses(struct imp *I, const sfb_import_topology_opts *o)
{
	const char *eq;
	sfb_status st;
	size_t i;

	for (i = 0; o != NULL && i < o->naddresses; i++) {
		eq = strchr(o->addresses[i], '=');
		if (eq == NULL)
			return sfb_failf(I->ctx, SFB_EINVAL, "--address %s: want FQDN=IP (or "
			    "internal=PREFIX,... / perimeter=PREFIX,...)", o->addresses[i]);
		if ((st = add_pair(I, o->addresses[i], (size_t)(eq - o->addresses[i]), eq + 1,
		    strlen(eq + 1), NULL, 0)) != SFB_OK)
			return st;
	}
	if (o != NULL && o->addresses_file != NULL)
		return read_csv(I, o->addresses_file);
	return SFB_OK;
}

const char *
sfb_imp_address(struct imp *I, const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < I->naddr; i++)
		if (strcasecmp(I->addr[i].name, name) == 0) {
			I->addr[i].used = true;
			return I->addr[i].value;
		}
	return NULL;
}
