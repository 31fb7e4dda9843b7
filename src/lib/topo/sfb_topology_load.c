/* The YAML front end of the topology: every key of format version 1 and
 * where the keys of version 2 go (sfb_topology_v2.c reads those), checked
 * as strictly as the schema says, with positions; then the builder
 * (sfb_topology_build.c) resolves and checks the model. */
#include "sfb_topology.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sfb_esc.h"
#include "sfb_text.h"
#include "sfb_strmap.h"
#include "sfb_yaml.h"
#include "sfb_topology_int.h"


sfb_status
sfb_tl_dup(struct loader *L, char **dst, const char *s)
{
	*dst = sfb_strdup(s);
	return *dst != NULL ? SFB_OK : sfb_oom(L->ctx);
}

/* Names of zones, firewalls and hosts: letters, digits, '-', '_', '.'. */
bool
sfb_tl_valid_name(const char *s)
{
	if (*s == '\0' || strlen(s) > 63)
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

/* A DNS name: dot-separated labels of letters, digits and '-', not starting
 * or ending with '-', at most 63 bytes a label and 253 in all. */
static const char *
profile_at(size_t i, const void *cat)
{
	return ((const sfb_catalog *)cat)->profiles[i].name;
}

sfb_status
sfb_tl_dns_name(struct loader *L, const sfb_ynode *n, const char *what, char **out)
{
	const char *s;
	sfb_status st = sfb_y_str(L->ctx, L->d, n, what, &s);

	if (st != SFB_OK)
		return st;
	if (!sfb_dns_name_valid(s))
		return sfb_y_fail(L->ctx, L->d, n, "%s: '%s' is not a valid DNS name", what, s);
	return sfb_tl_dup(L, out, s);
}

/* A URL like https://meet.contoso.com (the simple URLs) or a bare name. */
static sfb_status
get_url_or_name(struct loader *L, const sfb_ynode *n, const char *what, char **out)
{
	const char *s, *host;
	sfb_status st = sfb_y_str(L->ctx, L->d, n, what, &s);
	size_t hl;
	char *tmp;
	bool ok;

	if (st != SFB_OK)
		return st;
	host = strncmp(s, "https://", 8) == 0 ? s + 8 : s;
	hl = strcspn(host, "/");
	tmp = sfb_strndup(host, hl);
	if (tmp == NULL)
		return sfb_oom(L->ctx);
	ok = sfb_dns_name_valid(tmp);
	free(tmp);
	if (!ok)
		return sfb_y_fail(L->ctx, L->d, n,
		    "%s: '%s' is not a DNS name or an https:// URL", what, s);
	return sfb_tl_dup(L, out, s);
}

long
sfb_tl_zone(const struct loader *L, const char *name)
{
	const sfb_topology *t = L->t;
	size_t i;

	/* The index compares without regard to case, zone names with it: a
	 * hit of another case falls back to the list. */
	if (sfb_strmap_get(&L->zone_index, name, &i) && strcmp(t->zones[i].name, name) == 0)
		return (long)i;
	for (i = 0; i < t->nzones; i++)
		if (strcmp(t->zones[i].name, name) == 0)
			return (long)i;
	return -1;
}


/* A list longer than its limit is refused before anything is built from
 * it (see SFB_TOPO_MAX_* in sfb_topology.h). */
sfb_status
sfb_tl_count(struct loader *L, const sfb_ynode *seq, const char *what, size_t n, size_t max)
{
	if (n <= max)
		return SFB_OK;
	return sfb_y_fail(L->ctx, L->d, seq, "%zu %s: more than this sfbnet's limit of %zu",
	    n, what, max);
}

/* A version 1 file that uses a key of version 2 gets told so, at the key. */
static sfb_status
v2_only(struct loader *L, const sfb_ynode *map, const char *what, const char *const *keys)
{
	size_t i;

	if (L->t->version >= 2 || map == NULL || map->type != SFB_Y_MAP)
		return SFB_OK;
	for (i = 0; keys[i] != NULL; i++)
		if (sfb_y_get(map, keys[i]) != NULL)
			return sfb_y_fail(L->ctx, L->d, sfb_y_get(map, keys[i]),
			    "%s: '%s' is a key of topology version 2 (this file says version: 1)",
			    what, keys[i]);
	return SFB_OK;
}

static const char *const top_v2_keys[] = { "product", "features", "sites", NULL };
static const char *const host_v2_keys[] = { "site", NULL };
static const char *const ep_v2_keys[] = { "ports", NULL };
static const char *const pool_v2_keys[] = { "site", "version", "snat", "web_services", "uses",
	"load_balancing",
	NULL };

/* A bad entry of a list is reported and the next one read, so that one run
 * names every bad entry: the error is kept in the context, and the list's
 * loader fails at its end (tl_finish_list).  Out of memory stops at once. */
static bool
tl_go_on(struct loader *L, sfb_status st)
{
	if (st != SFB_EINVAL || sfb_ctx_defer_error(L->ctx) != SFB_OK)
		return false;
	L->nerrors++;
	return true;
}

/* The end of a list: SFB_EINVAL, with the last error back in place, when
 * any of its entries (or an earlier list's) was bad. */
static sfb_status
tl_finish_list(struct loader *L)
{
	if (L->nerrors == 0)
		return SFB_OK;
	sfb_ctx_undefer_error(L->ctx);
	return SFB_EINVAL;
}

static sfb_status
load_header(struct loader *L, const sfb_ynode *root)
{
	const sfb_ynode *n, *item;
	const char *s;
	uint64_t version;
	unsigned long cp;
	sfb_status st;
	size_t i, j, off;
	long p;

	if ((st = sfb_y_uint(L->ctx, L->d, sfb_y_get(root, "version"), "version", 1000,
	    &version)) != SFB_OK)
		return st;
	if (version != 1 && version != 2)
		return sfb_y_fail(L->ctx, L->d, sfb_y_get(root, "version"),
		    "unsupported topology version %llu (this sfbnet reads versions 1 and 2)",
		    (unsigned long long)version);
	L->t->version = (int)version;
	L->t->product = -1;
	if ((st = v2_only(L, root, "the topology", top_v2_keys)) != SFB_OK)
		return st;
	if ((st = sfb_y_str(L->ctx, L->d, sfb_y_get(root, "name"), "name", &s)) != SFB_OK)
		return st;
	/* The name is the one free text of a topology, and it is written into
	 * the comments of every generated file: a control character, a line
	 * separator or a bidirectional control has no business in it. */
	if (sfb_esc_find_unsafe(s, strlen(s), &off, &cp))
		return sfb_y_fail(L->ctx, L->d, sfb_y_get(root, "name"),
		    "name: %s at byte %zu is not allowed in a name (control characters, "
		    "line separators and bidirectional controls are refused)",
		    (cp & 0x80000000ul) ? "an invalid UTF-8 byte" :
		    cp < 0x20 || cp == 0x7f ? "a control character" : "a Unicode control character",
		    off + 1);
	if (strlen(s) > SFB_TOPO_NAME_MAX)
		return sfb_y_fail(L->ctx, L->d, sfb_y_get(root, "name"),
		    "name: longer than %d bytes", SFB_TOPO_NAME_MAX);
	if ((st = sfb_tl_dup(L, &L->t->name, s)) != SFB_OK)
		return st;

	n = sfb_y_get(root, "sip_domains");
	if ((st = sfb_y_expect(L->ctx, L->d, n, SFB_Y_SEQ, "sip_domains")) != SFB_OK)
		return st;
	if (n->n == 0)
		return sfb_y_fail(L->ctx, L->d, n, "sip_domains must name at least one domain");
	if ((st = sfb_tl_count(L, n, "SIP domains", n->n, SFB_TOPO_MAX_DOMAINS)) != SFB_OK)
		return st;
	L->t->sip_domains = calloc(n->n, sizeof(char *));
	if (L->t->sip_domains == NULL)
		return sfb_oom(L->ctx);
	for (i = 0; i < n->n; i++) {
		if ((st = sfb_tl_dns_name(L, n->kids[i], "a SIP domain",
		    &L->t->sip_domains[i])) != SFB_OK)
			return st;
		L->t->nsip++;
	}
	if ((st = sfb_tb_find_duplicate(L->ctx, (const char *const *)L->t->sip_domains, sizeof(char *),
	    L->t->nsip, true, &j, &i)) != SFB_OK)
		return st;
	if (i < L->t->nsip)
		return sfb_y_fail(L->ctx, L->d, n->kids[i], "duplicate SIP domain '%s'",
		    L->t->sip_domains[i]);
	if ((n = sfb_y_get(root, "ad_domain")) != NULL &&
	    (st = sfb_tl_dns_name(L, n, "ad_domain", &L->t->ad_domain)) != SFB_OK)
		return st;

	n = sfb_y_get(root, "profiles");
	if ((st = sfb_y_expect(L->ctx, L->d, n, SFB_Y_SEQ, "profiles")) != SFB_OK)
		return st;
	if (n->n == 0)
		return sfb_y_fail(L->ctx, L->d, n, "profiles must name at least one profile");
	L->t->nprofiles = L->cat->nprofiles;
	L->t->profile_on = calloc(L->cat->nprofiles + 1, sizeof(bool));
	if (L->t->profile_on == NULL)
		return sfb_oom(L->ctx);
	for (i = 0; i < n->n; i++) {
		item = n->kids[i];
		if ((st = sfb_y_str(L->ctx, L->d, item, "a profile", &s)) != SFB_OK)
			return st;
		/* An unknown profile changes nothing else: read on. */
		if ((p = sfb_catalog_profile(L->cat, s)) < 0) {
			st = sfb_tl_unknown(L, item, "", "profile", s, L->cat->nprofiles, profile_at,
			    L->cat);
			if (!tl_go_on(L, st))
				return st;
			continue;
		}
		if (L->t->profile_on[p])
			return sfb_y_fail(L->ctx, L->d, item, "profile '%s' listed twice", s);
		L->t->profile_on[p] = true;
	}
	return L->t->version >= 2 ? sfb_tl_v2_header(L, root) : SFB_OK;
}

static sfb_status
load_urls(struct loader *L, const sfb_ynode *root)
{
	static const char *const url_keys[] = { "meet", "dialin", "admin", NULL };
	static const char *const ws_keys[] = { "internal", "external", NULL };
	const sfb_ynode *n;
	sfb_status st;

	if ((n = sfb_y_get(root, "simple_urls")) != NULL) {
		if ((st = sfb_y_check_keys(L->ctx, L->d, n, "simple_urls", url_keys)) != SFB_OK)
			return st;
		if (sfb_y_get(n, "meet") != NULL &&
		    (st = get_url_or_name(L, sfb_y_get(n, "meet"), "meet", &L->t->meet_url)) != SFB_OK)
			return st;
		if (sfb_y_get(n, "dialin") != NULL &&
		    (st = get_url_or_name(L, sfb_y_get(n, "dialin"), "dialin",
		    &L->t->dialin_url)) != SFB_OK)
			return st;
		if (sfb_y_get(n, "admin") != NULL &&
		    (st = get_url_or_name(L, sfb_y_get(n, "admin"), "admin",
		    &L->t->admin_url)) != SFB_OK)
			return st;
	}
	if ((n = sfb_y_get(root, "office_web_apps")) != NULL) {
		if ((st = sfb_y_check_keys(L->ctx, L->d, n, "office_web_apps", ws_keys)) != SFB_OK)
			return st;
		if (sfb_y_get(n, "internal") != NULL &&
		    (st = get_url_or_name(L, sfb_y_get(n, "internal"), "internal",
		    &L->t->owa_internal)) != SFB_OK)
			return st;
		if (sfb_y_get(n, "external") != NULL &&
		    (st = get_url_or_name(L, sfb_y_get(n, "external"), "external",
		    &L->t->owa_external)) != SFB_OK)
			return st;
	}
	if ((n = sfb_y_get(root, "web_services")) != NULL) {
		if ((st = sfb_y_check_keys(L->ctx, L->d, n, "web_services", ws_keys)) != SFB_OK)
			return st;
		if (sfb_y_get(n, "internal") != NULL &&
		    (st = sfb_tl_dns_name(L, sfb_y_get(n, "internal"), "internal",
		    &L->t->web_internal)) != SFB_OK)
			return st;
		if (sfb_y_get(n, "external") != NULL &&
		    (st = sfb_tl_dns_name(L, sfb_y_get(n, "external"), "external",
		    &L->t->web_external)) != SFB_OK)
			return st;
	}
	return SFB_OK;
}

sfb_status
sfb_tl_unknown(struct loader *L, const sfb_ynode *n, const char *prefix, const char *what,
    const char *s, size_t count, sfb_name_at at, const void *arg)
{
	sfb_buf hint;
	sfb_status st;

	sfb_buf_init(&hint);
	sfb_near_hint(&hint, s, count, at, arg);
	st = sfb_y_fail(L->ctx, L->d, n, "%sunknown %s '%s'%s", prefix, what, s,
	    sfb_buf_str(&hint));
	sfb_buf_free(&hint);
	return st;
}

const char *
sfb_tl_role_at(size_t i, const void *cat)
{
	return ((const sfb_catalog *)cat)->roles[i].name;
}

const char *
sfb_tl_zone_at(size_t i, const void *topo)
{
	return ((const sfb_topology *)topo)->zones[i].name;
}

/* Add one address or prefix to set, with a positioned error. */
sfb_status
sfb_tl_address(struct loader *L, const sfb_ynode *n, const char *what, bool single,
    sfb_addrset *set)
{
	const char *s;
	sfb_status st = sfb_y_str(L->ctx, L->d, n, what, &s);

	if (st != SFB_OK)
		return st;
	if (single && strchr(s, '/') != NULL)
		return sfb_y_fail(L->ctx, L->d, n, "%s must be one IP address, not the prefix '%s'",
		    what, s);
	/* "<...>": what `sfbnet import topology` writes where it knows no
	 * address; say so rather than call it malformed. */
	if (s[0] == '<' && s[strlen(s) - 1] == '>')
		return sfb_y_fail(L->ctx, L->d, n, "%s: %s is a placeholder of sfbnet import: "
		    "fill in the %s", what, s, single ? "address" : "network");
	st = sfb_addrset_parse(set, s);
	if (st == SFB_ENOMEM)
		return sfb_oom(L->ctx);
	if (st != SFB_OK)
		return sfb_y_fail(L->ctx, L->d, n,
		    "%s: '%s' is not a valid IPv4/IPv6 address or prefix%s", what, s,
		    single ? "" : " (host bits must be zero)");
	return SFB_OK;
}

/* One prefix or a list of prefixes (zones' networks, endpoints' network(s)). */
static sfb_status
add_networks(struct loader *L, const sfb_ynode *n, const char *what, sfb_addrset *set)
{
	sfb_status st;
	size_t i;

	if (n->type != SFB_Y_SEQ)
		return sfb_tl_address(L, n, what, false, set);
	if (n->n == 0)
		return sfb_y_fail(L->ctx, L->d, n, "%s must not be an empty list", what);
	for (i = 0; i < n->n; i++)
		if ((st = sfb_tl_address(L, n->kids[i], what, false, set)) != SFB_OK)
			return st;
	return SFB_OK;
}

/* Each listed network of a zone on its own (nets merges them): the subnets
 * the builder's Edge check tells apart. */
static sfb_status
zone_prefixes(struct loader *L, const sfb_ynode *nets, struct sfb_zone *zone)
{
	size_t i, n = nets->type == SFB_Y_SEQ ? nets->n : 1;

	zone->prefixes = calloc(n + 1, sizeof(*zone->prefixes));
	if (zone->prefixes == NULL)
		return sfb_oom(L->ctx);
	for (i = 0; i < n; i++) {
		sfb_addrset_init(&zone->prefixes[i]);
		zone->nprefixes++;
		if (sfb_tl_address(L, nets->type == SFB_Y_SEQ ? nets->kids[i] : nets, "a zone network",
		    false, &zone->prefixes[i]) != SFB_OK)
			return SFB_EINVAL;
	}
	return SFB_OK;
}

static sfb_status
load_zones(struct loader *L, const sfb_ynode *root)
{
	static const char *const keys[] = { "!name", "networks", NULL };
	const sfb_ynode *seq = sfb_y_get(root, "zones"), *z, *nets;
	struct sfb_zone *zone;
	sfb_addrset all;
	const char *name;
	long dflt = -1;
	sfb_status st;
	size_t i, j;

	sfb_addrset_init(&all);
	if ((st = sfb_y_expect(L->ctx, L->d, seq, SFB_Y_SEQ, "zones")) != SFB_OK)
		goto out;
	if ((st = sfb_tl_count(L, seq, "zones", seq->n, SFB_TOPO_MAX_ZONES)) != SFB_OK)
		goto out;
	if (seq->n == 0) {
		st = sfb_y_fail(L->ctx, L->d, seq, "zones must name at least one zone");
		goto out;
	}
	L->t->zones = calloc(seq->n, sizeof(*L->t->zones));
	if (L->t->zones == NULL) {
		st = sfb_oom(L->ctx);
		goto out;
	}
	for (i = 0; i < seq->n; i++) {
		z = seq->kids[i];
		if ((st = sfb_y_check_keys(L->ctx, L->d, z, "a zone", keys)) != SFB_OK ||
		    (st = sfb_y_str(L->ctx, L->d, sfb_y_get(z, "name"), "zone name", &name)) != SFB_OK)
			goto out;
		if (!sfb_tl_valid_name(name)) {
			st = sfb_y_fail(L->ctx, L->d, sfb_y_get(z, "name"),
			    "'%s' is not a valid zone name (letters, digits, '-', '_', '.')", name);
			goto out;
		}
		if (sfb_tl_zone(L, name) >= 0) {
			st = sfb_y_fail(L->ctx, L->d, sfb_y_get(z, "name"),
			    "duplicate zone name '%s'", name);
			goto out;
		}
		zone = &L->t->zones[L->t->nzones++];
		sfb_addrset_init(&zone->nets);
		sfb_addrset_init(&zone->space);
		if ((st = sfb_tl_dup(L, &zone->name, name)) != SFB_OK)
			goto out;
		if (sfb_strmap_put(&L->zone_index, zone->name, L->t->nzones - 1, NULL, NULL) !=
		    SFB_OK) {
			st = sfb_oom(L->ctx);
			goto out;
		}
		nets = sfb_y_get(z, "networks");
		if (nets == NULL || sfb_y_is_null(nets)) {
			if (dflt >= 0) {
				st = sfb_y_fail(L->ctx, L->d, z,
				    "zone '%s' has no networks, and neither has zone '%s': only one "
				    "zone may stand for everything else", name, L->t->zones[dflt].name);
				goto out;
			}
			zone->is_default = true;
			dflt = (long)i;
			continue;
		}
		if ((st = add_networks(L, nets, "a zone network", &zone->nets)) != SFB_OK ||
		    (st = zone_prefixes(L, nets, zone)) != SFB_OK) {
			/* Read on, so that one run names every bad network and
			 * every bad address after it (the placeholders of
			 * `sfbnet import`); the zone is left without networks. */
			if (!tl_go_on(L, st))
				goto out;
			sfb_addrset_free(&zone->nets);
			sfb_addrset_init(&zone->nets);
			continue;
		}
		/* Zones must not overlap: an address belongs to exactly one zone. */
		if (sfb_addrset_overlaps(&all, &zone->nets)) {
			for (j = 0; j + 1 < L->t->nzones; j++)
				if (sfb_addrset_overlaps(&L->t->zones[j].nets, &zone->nets))
					break;
			st = sfb_y_fail(L->ctx, L->d, nets,
			    "networks of zone '%s' overlap those of zone '%s'", name,
			    j + 1 < L->t->nzones ? L->t->zones[j].name : "?");
			goto out;
		}
		if (sfb_addrset_union(&all, &zone->nets) != SFB_OK) {
			st = sfb_oom(L->ctx);
			goto out;
		}
	}
out:
	sfb_addrset_free(&all);
	return st;
}

/* An interface name as Linux allows it (IFNAMSIZ 16 with the NUL). */
static bool
valid_ifname(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 15)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.' ||
		    s[i] == '@'))
			return false;
	return true;
}

/* interfaces: { zone: ifname, ... }: the firewall's interface toward each of
 * its zones.  Rules then match on them as well as on addresses; every zone
 * of the firewall needs one, and no two zones share one. */
static sfb_status
load_interfaces(struct loader *L, struct sfb_firewall *fw, const sfb_ynode *m)
{
	const char *zname, *ifname;
	sfb_status st;
	size_t i, k, j;

	if ((st = sfb_y_expect(L->ctx, L->d, m, SFB_Y_MAP, "interfaces")) != SFB_OK)
		return st;
	fw->ifnames = calloc(fw->nzones, sizeof(char *));
	if (fw->ifnames == NULL)
		return sfb_oom(L->ctx);
	for (i = 0; i + 1 < m->n; i += 2) {
		zname = m->kids[i]->str;
		for (k = 0; k < fw->nzones && strcmp(L->t->zones[fw->zones[k]].name, zname) != 0; k++)
			;
		if (k == fw->nzones)
			return sfb_y_fail(L->ctx, L->d, m->kids[i],
			    "firewall '%s' is not between zone '%s'", fw->name, zname);
		if ((st = sfb_y_str(L->ctx, L->d, m->kids[i + 1], "an interface", &ifname)) != SFB_OK)
			return st;
		if (!valid_ifname(ifname))
			return sfb_y_fail(L->ctx, L->d, m->kids[i + 1],
			    "'%s' is not a valid interface name (1-15 letters, digits, '-', '_', '.', '@')",
			    ifname);
		for (j = 0; j < fw->nzones; j++)
			if (fw->ifnames[j] != NULL && strcmp(fw->ifnames[j], ifname) == 0)
				return sfb_y_fail(L->ctx, L->d, m->kids[i + 1],
				    "interface '%s' is already the one toward zone '%s'", ifname,
				    L->t->zones[fw->zones[j]].name);
		if ((st = sfb_tl_dup(L, &fw->ifnames[k], ifname)) != SFB_OK)
			return st;
	}
	for (k = 0; k < fw->nzones; k++)
		if (fw->ifnames[k] == NULL)
			return sfb_y_fail(L->ctx, L->d, m, "firewall '%s' names no interface toward "
			    "zone '%s' (name one for every zone it is between)", fw->name,
			    L->t->zones[fw->zones[k]].name);
	return SFB_OK;
}

/* Two firewalls joining the same two zones: the plan routes through the
 * first only, which is worth saying. */
static sfb_status
warn_parallel(struct loader *L, const sfb_ynode *seq)
{
	const struct sfb_firewall *a, *b;
	size_t i, j, x, y, shared, z1 = 0, z2 = 0;
	sfb_status st;

	for (i = 0; i < L->t->nfws; i++) {
		for (j = i + 1; j < L->t->nfws; j++) {
			a = &L->t->fws[i];
			b = &L->t->fws[j];
			shared = 0;
			for (x = 0; x < a->nzones; x++) {
				for (y = 0; y < b->nzones; y++) {
					if (a->zones[x] != b->zones[y])
						continue;
					if (shared++ == 0)
						z1 = a->zones[x];
					else
						z2 = a->zones[x];
				}
			}
			if (shared < 2)
				continue;
			st = sfb_y_warn(L->ctx, L->d, seq->kids[j], "firewalls '%s' and '%s' both join "
			    "zones '%s' and '%s'; flows between those zones are planned through '%s' "
			    "only", a->name, b->name, L->t->zones[z1].name, L->t->zones[z2].name, a->name);
			if (st != SFB_OK)
				return st;
		}
	}
	return SFB_OK;
}

/* One firewall of the list. */
static sfb_status
load_firewall(struct loader *L, const sfb_ynode *f)
{
	static const char *const keys[] = { "!name", "!between", "interfaces", NULL };
	const sfb_ynode *between;
	struct sfb_firewall *fw;
	const char *name, *zname;
	sfb_status st;
	size_t j, k;
	long z;

	{
		if ((st = sfb_y_check_keys(L->ctx, L->d, f, "a firewall", keys)) != SFB_OK ||
		    (st = sfb_y_str(L->ctx, L->d, sfb_y_get(f, "name"), "firewall name",
		    &name)) != SFB_OK)
			return st;
		if (!sfb_tl_valid_name(name))
			return sfb_y_fail(L->ctx, L->d, sfb_y_get(f, "name"),
			    "'%s' is not a valid firewall name (letters, digits, '-', '_', '.')", name);
		if (sfb_topology_find_firewall(L->t, name) >= 0)
			return sfb_y_fail(L->ctx, L->d, sfb_y_get(f, "name"),
			    "duplicate firewall name '%s'", name);
		fw = &L->t->fws[L->t->nfws++];
		if ((st = sfb_tl_dup(L, &fw->name, name)) != SFB_OK)
			return st;
		between = sfb_y_get(f, "between");
		if ((st = sfb_y_expect(L->ctx, L->d, between, SFB_Y_SEQ, "between")) != SFB_OK)
			return st;
		if (between->n < 2)
			return sfb_y_fail(L->ctx, L->d, between,
			    "firewall '%s' must be between at least two zones", name);
		fw->zones = calloc(between->n, sizeof(size_t));
		if (fw->zones == NULL)
			return sfb_oom(L->ctx);
		for (j = 0; j < between->n; j++) {
			if ((st = sfb_y_str(L->ctx, L->d, between->kids[j], "a zone", &zname)) != SFB_OK)
				return st;
			if ((z = sfb_tl_zone(L, zname)) < 0) {
				sfb_buf pre;

				sfb_buf_init(&pre);
				sfb_buf_printf(&pre, "firewall '%s' is between ", name);
				st = sfb_tl_unknown(L, between->kids[j], sfb_buf_str(&pre), "zone", zname,
				    L->t->nzones, sfb_tl_zone_at, L->t);
				sfb_buf_free(&pre);
				return st;
			}
			for (k = 0; k < fw->nzones; k++)
				if (fw->zones[k] == (size_t)z)
					return sfb_y_fail(L->ctx, L->d, between->kids[j],
					    "zone '%s' listed twice", zname);
			fw->zones[fw->nzones++] = (size_t)z;
		}
		if (sfb_y_get(f, "interfaces") != NULL &&
		    (st = load_interfaces(L, fw, sfb_y_get(f, "interfaces"))) != SFB_OK)
			return st;
	}
	return SFB_OK;
}

static sfb_status
load_firewalls(struct loader *L, const sfb_ynode *root)
{
	const sfb_ynode *seq = sfb_y_get(root, "firewalls");
	sfb_status st;
	size_t i;

	if (seq == NULL)
		return SFB_OK;
	if ((st = sfb_y_expect(L->ctx, L->d, seq, SFB_Y_SEQ, "firewalls")) != SFB_OK ||
	    (st = sfb_tl_count(L, seq, "firewalls", seq->n, SFB_TOPO_MAX_FIREWALLS)) != SFB_OK)
		return st;
	L->t->fws = calloc(seq->n + 1, sizeof(*L->t->fws));
	if (L->t->fws == NULL)
		return sfb_oom(L->ctx);
	for (i = 0; i < seq->n; i++)
		if ((st = load_firewall(L, seq->kids[i])) != SFB_OK && !tl_go_on(L, st))
			return st;
	/* Parallel firewalls are judged only on a list without errors. */
	return L->nerrors > 0 ? SFB_OK : warn_parallel(L, seq);
}

static sfb_status
load_roles(struct loader *L, const sfb_ynode *n, struct sfb_endpoint *ep)
{
	const char *s;
	sfb_status st;
	size_t i, j;
	long r;

	if ((st = sfb_y_expect(L->ctx, L->d, n, SFB_Y_SEQ, "roles")) != SFB_OK)
		return st;
	if (n->n == 0)
		return sfb_y_fail(L->ctx, L->d, n, "roles must name at least one role");
	ep->roles = calloc(n->n, sizeof(size_t));
	if (ep->roles == NULL)
		return sfb_oom(L->ctx);
	for (i = 0; i < n->n; i++) {
		if ((st = sfb_y_str(L->ctx, L->d, n->kids[i], "a role", &s)) != SFB_OK)
			return st;
		if ((r = sfb_catalog_role(L->cat, s)) < 0)
			return sfb_tl_unknown(L, n->kids[i], "", "role", s, L->cat->nroles,
			    sfb_tl_role_at, L->cat);
		for (j = 0; j < ep->nroles; j++)
			if (ep->roles[j] == (size_t)r)
				return sfb_y_fail(L->ctx, L->d, n->kids[i], "role '%s' listed twice", s);
		ep->roles[ep->nroles++] = (size_t)r;
	}
	return SFB_OK;
}

static sfb_status
load_endpoint(struct loader *L, const sfb_ynode *e, size_t host)
{
	static const char *const keys[] = { "!zone", "address", "network", "networks",
		"public", "fqdn", "!roles", "ports", NULL };
	const sfb_ynode *where = NULL, *n;
	struct sfb_endpoint *ep;
	struct sfb_zone *zone;
	const char *zname, *s;
	sfb_status st;
	int forms = 0;
	long z;

	if ((st = sfb_y_check_keys(L->ctx, L->d, e, "an endpoint", keys)) != SFB_OK ||
	    (st = v2_only(L, e, "an endpoint", ep_v2_keys)) != SFB_OK ||
	    (st = sfb_y_str(L->ctx, L->d, sfb_y_get(e, "zone"), "zone", &zname)) != SFB_OK)
		return st;
	if ((z = sfb_tl_zone(L, zname)) < 0)
		return sfb_tl_unknown(L, sfb_y_get(e, "zone"), "", "zone", zname, L->t->nzones,
		    sfb_tl_zone_at, L->t);
	zone = &L->t->zones[z];
	if (sfb_grow(&L->t->eps, &L->capeps, L->t->neps + 1, sizeof(*L->t->eps)) != SFB_OK)
		return sfb_oom(L->ctx);
	ep = &L->t->eps[L->t->neps++];
	memset(ep, 0, sizeof(*ep));
	sfb_addrset_init(&ep->addr);
	sfb_addrset_init(&ep->pub);
	ep->host = host;
	ep->zone = (size_t)z;

	if ((n = sfb_y_get(e, "address")) != NULL) {
		forms++;
		where = n;
		if ((st = sfb_tl_address(L, n, "address", true, &ep->addr)) != SFB_OK)
			return st;
	}
	if ((n = sfb_y_get(e, "network")) != NULL) {
		forms++;
		where = n;
		if ((st = sfb_tl_address(L, n, "network", false, &ep->addr)) != SFB_OK)
			return st;
	}
	if ((n = sfb_y_get(e, "networks")) != NULL) {
		forms++;
		where = n;
		if ((st = sfb_y_expect(L->ctx, L->d, n, SFB_Y_SEQ, "networks")) != SFB_OK ||
		    (st = add_networks(L, n, "networks", &ep->addr)) != SFB_OK)
			return st;
	}
	if (forms > 1)
		return sfb_y_fail(L->ctx, L->d, e,
		    "an endpoint has one of address, network or networks, not several");
	ep->line = e->line;
	ep->col = e->col;
	if (forms > 0) {
		sfb_buf b;

		ep->addr_line = where->line;
		ep->addr_col = where->col;
		sfb_buf_init(&b);
		sfb_addrset_print(&b, &ep->addr);
		ep->addr_text = sfb_buf_take(&b);
		if (ep->addr_text == NULL)
			return sfb_oom(L->ctx);
	}
	if ((n = sfb_y_get(e, "public")) != NULL) {
		if ((st = sfb_tl_address(L, n, "public", true, &ep->pub)) != SFB_OK ||
		    (st = sfb_y_str(L->ctx, L->d, n, "public", &s)) != SFB_OK)
			return st;
		{
			sfb_buf b;

			sfb_buf_init(&b);
			sfb_addrset_print(&b, &ep->pub);  /* canonical, like addresses */
			if ((ep->pub_text = sfb_buf_take(&b)) == NULL)
				return sfb_oom(L->ctx);
		}
		if (zone->is_default)
			return sfb_y_fail(L->ctx, L->d, n,
			    "public is the NAT address of an endpoint inside the organization; "
			    "zone '%s' is the outside", zone->name);
		if (forms == 0 || !sfb_addr_is_single(sfb_y_get(e, "address") != NULL ?
		    sfb_y_get(e, "address")->str : "x/"))
			return sfb_y_fail(L->ctx, L->d, n,
			    "public is the NAT address of one host: give this endpoint an address, "
			    "not a network");
		if (sfb_iset_empty(&ep->pub.v4) != sfb_iset_empty(&ep->addr.v4))
			return sfb_y_fail(L->ctx, L->d, n,
			    "public '%s' and address '%s' are of different address families", s,
			    ep->addr_text != NULL ? ep->addr_text : "?");
		ep->pub_line = n->line;
		ep->pub_col = n->col;
	}
	if ((n = sfb_y_get(e, "fqdn")) != NULL &&
	    (st = sfb_tl_dns_name(L, n, "fqdn", &ep->fqdn)) != SFB_OK)
		return st;
	if ((st = load_roles(L, sfb_y_get(e, "roles"), ep)) != SFB_OK)
		return st;
	return sfb_y_get(e, "ports") != NULL ? sfb_tl_v2_ports(L, sfb_y_get(e, "ports"), ep) :
	    SFB_OK;
}

/* One host of the list and its endpoints (a bad endpoint is reported and
 * the next one read). */
static sfb_status
load_host(struct loader *L, const sfb_ynode *h)
{
	static const char *const keys[] = { "!name", "pool", "!endpoints", "site", NULL };
	const sfb_ynode *eps;
	struct sfb_host *host;
	const char *name;
	sfb_status st;
	size_t j;

	if ((st = sfb_y_check_keys(L->ctx, L->d, h, "a host", keys)) != SFB_OK ||
	    (st = v2_only(L, h, "a host", host_v2_keys)) != SFB_OK ||
	    (st = sfb_y_str(L->ctx, L->d, sfb_y_get(h, "name"), "host name", &name)) != SFB_OK)
		return st;
	if (!sfb_tl_valid_name(name))
		return sfb_y_fail(L->ctx, L->d, sfb_y_get(h, "name"),
		    "'%s' is not a valid host name (letters, digits, '-', '_', '.')", name);
	/* Hosts are looked up by name rarely (responder/probe --host); a
	 * linear duplicate check over 1,000s of hosts would be quadratic, so
	 * it uses a sorted index afterwards instead. */
	host = &L->t->hosts[L->t->nhosts++];
	host->site = SFB_NO_SITE;
	host->line = sfb_y_get(h, "name")->line;
	host->col = sfb_y_get(h, "name")->col;
	host->first_ep = L->t->neps;
	if ((st = sfb_tl_dup(L, &host->name, name)) != SFB_OK ||
	    (st = sfb_tl_v2_host(L, h, host)) != SFB_OK)
		return st;
	if (sfb_y_get(h, "pool") != NULL &&
	    (st = sfb_tl_dns_name(L, sfb_y_get(h, "pool"), "pool", &host->pool)) != SFB_OK)
		return st;
	eps = sfb_y_get(h, "endpoints");
	if ((st = sfb_y_expect(L->ctx, L->d, eps, SFB_Y_SEQ, "endpoints")) != SFB_OK)
		return st;
	if (eps->n == 0)
		return sfb_y_fail(L->ctx, L->d, eps, "host '%s' has no endpoints", name);
	for (j = 0; j < eps->n; j++) {
		st = load_endpoint(L, eps->kids[j], L->t->nhosts - 1);
		host->nep = L->t->neps - host->first_ep;
		if (st != SFB_OK && !tl_go_on(L, st))
			return st;
	}
	return SFB_OK;
}

static sfb_status
load_hosts(struct loader *L, const sfb_ynode *root)
{
	const sfb_ynode *seq = sfb_y_get(root, "hosts"), *eps;
	sfb_status st;
	size_t i;

	if ((st = sfb_y_expect(L->ctx, L->d, seq, SFB_Y_SEQ, "hosts")) != SFB_OK ||
	    (st = sfb_tl_count(L, seq, "hosts", seq->n, SFB_TOPO_MAX_HOSTS)) != SFB_OK)
		return st;
	L->t->hosts = calloc(seq->n + 1, sizeof(*L->t->hosts));
	if (L->t->hosts == NULL)
		return sfb_oom(L->ctx);
	for (i = 0; i < seq->n; i++) {
		/* The endpoint limit stops the load: every later host would
		 * pass it too. */
		eps = sfb_y_get(seq->kids[i], "endpoints");
		if (eps != NULL && eps->type == SFB_Y_SEQ &&
		    (st = sfb_tl_count(L, eps, "endpoints", L->t->neps + eps->n,
		    SFB_TOPO_MAX_ENDPOINTS)) != SFB_OK)
			return st;
		if ((st = load_host(L, seq->kids[i])) != SFB_OK && !tl_go_on(L, st))
			return st;
	}
	return SFB_OK;
}

static sfb_status
load_pools(struct loader *L, const sfb_ynode *root)
{
	static const char *const keys[] = { "!fqdn", "vip", "site", "version", "snat",
		"web_services", "uses", "load_balancing", NULL };
	const sfb_ynode *seq = sfb_y_get(root, "pools"), *p;
	struct sfb_pooldecl *pd;
	sfb_strmap declared;
	sfb_addrset tmp;
	const char *s;
	sfb_status st = SFB_OK;
	size_t i, j;
	bool had;

	sfb_strmap_init(&declared);
	if (seq == NULL)
		goto out;
	if ((st = sfb_y_expect(L->ctx, L->d, seq, SFB_Y_SEQ, "pools")) != SFB_OK ||
	    (st = sfb_tl_count(L, seq, "pools", seq->n, SFB_TOPO_MAX_HOSTS)) != SFB_OK)
		goto out;
	L->pools_seq = seq;
	L->t->pools = calloc(seq->n + 1, sizeof(*L->t->pools));
	if (L->t->pools == NULL) {
		st = sfb_oom(L->ctx);
		goto out;
	}
	for (i = 0; i < seq->n; i++) {
		p = seq->kids[i];
		/* A bad pool is reported and the next one read (tl_go_on). */
		if (st != SFB_OK) {
			if (!tl_go_on(L, st))
				goto out;
			st = SFB_OK;
		}
		if ((st = sfb_y_check_keys(L->ctx, L->d, p, "a pool", keys)) != SFB_OK ||
		    (st = v2_only(L, p, "a pool", pool_v2_keys)) != SFB_OK)
			continue;
		pd = &L->t->pools[L->t->npools++];
		pd->site = SFB_NO_SITE;
		pd->version = -1;
		pd->unit = pd->vip_ep = pd->snat_ep = SIZE_MAX;
		pd->line = p->line;
		pd->col = p->col;
		pd->fqdn_line = sfb_y_get(p, "fqdn") != NULL ? sfb_y_get(p, "fqdn")->line : p->line;
		pd->fqdn_col = sfb_y_get(p, "fqdn") != NULL ? sfb_y_get(p, "fqdn")->col : p->col;
		if ((st = sfb_tl_dns_name(L, sfb_y_get(p, "fqdn"), "pool fqdn", &pd->fqdn)) != SFB_OK ||
		    (L->t->version >= 2 && (st = sfb_tl_v2_pool(L, p, pd)) != SFB_OK))
			continue;
		if ((st = sfb_strmap_put(&declared, pd->fqdn, i, &had, &j)) != SFB_OK) {
			st = sfb_oom(L->ctx);
			goto out;
		}
		if (had) {
			st = sfb_y_fail(L->ctx, L->d, sfb_y_get(p, "fqdn"), "duplicate pool '%s'",
			    pd->fqdn);
			continue;
		}
		if (sfb_y_get(p, "vip") == NULL)
			continue;
		pd->vip_line = sfb_y_get(p, "vip")->line;
		pd->vip_col = sfb_y_get(p, "vip")->col;
		sfb_addrset_init(&tmp);
		st = sfb_tl_address(L, sfb_y_get(p, "vip"), "vip", true, &tmp);
		sfb_addrset_free(&tmp);
		if (st != SFB_OK || (st = sfb_y_str(L->ctx, L->d, sfb_y_get(p, "vip"), "vip",
		    &s)) != SFB_OK || (st = sfb_tl_dup(L, &pd->vip, s)) != SFB_OK)
			continue;
	}
	if (st != SFB_OK && !tl_go_on(L, st))
		goto out;
	st = SFB_OK;
out:
	sfb_strmap_free(&declared);
	return st;
}

sfb_status
sfb_topology_parse(sfb_ctx *ctx, const sfb_catalog *cat, const char *name,
    const char *text, size_t len, sfb_topology **out)
{
	static const char *const keys[] = { "!version", "!name", "!sip_domains", "ad_domain",
		"!profiles", "simple_urls", "web_services", "office_web_apps", "!zones", "firewalls",
		"!hosts", "pools", "product", "features", "sites", NULL };
	struct loader L;
	sfb_ydoc *d = NULL;
	const sfb_ynode *root;
	sfb_status st;

	*out = NULL;
	memset(&L, 0, sizeof(L));
	L.ctx = ctx;
	L.cat = cat;
	sfb_ctx_clear_earlier_errors(ctx);
	if ((st = sfb_ydoc_parse(ctx, name, text, len, &d)) != SFB_OK)
		goto out;
	L.d = d;
	root = sfb_ydoc_root(d);
	if (root == NULL) {
		st = sfb_fail(ctx, SFB_EINVAL, name, 1, 1, "empty topology file");
		goto out;
	}
	L.t = calloc(1, sizeof(*L.t));
	if (L.t == NULL || (L.t->file = sfb_strdup(name)) == NULL) {
		st = sfb_oom(ctx);
		goto out;
	}
	/* Read on past a bad top-level key, profile or simple URL, and past
	 * bad firewalls, hosts, endpoints and pools, so that one run names
	 * every one of them.  Any other error of the header (version, product,
	 * features, sites) or of a zone stops: the entries after it would be
	 * judged against what is missing.  The checks of the whole model need
	 * it whole. */
	if ((st = sfb_y_check_keys(ctx, d, root, "the topology", keys)) != SFB_OK &&
	    !tl_go_on(&L, st))
		goto out;
	if ((st = load_header(&L, root)) != SFB_OK)
		goto out;
	if (((st = load_urls(&L, root)) != SFB_OK && !tl_go_on(&L, st)) ||
	    (st = load_zones(&L, root)) != SFB_OK ||
	    (st = load_firewalls(&L, root)) != SFB_OK ||
	    (st = load_hosts(&L, root)) != SFB_OK ||
	    (st = load_pools(&L, root)) != SFB_OK ||
	    (st = tl_finish_list(&L)) != SFB_OK ||
	    (st = sfb_topology_build(ctx, cat, L.t)) != SFB_OK)
		goto out;
	*out = L.t;
	L.t = NULL;
out:
	sfb_topology_free(L.t);
	sfb_strmap_free(&L.zone_index);
	sfb_ydoc_free(d);
	return st;
}

sfb_status
sfb_topology_load(sfb_ctx *ctx, const sfb_catalog *cat, const char *path, sfb_topology **out)
{
	sfb_buf b;
	sfb_status st;

	*out = NULL;
	sfb_buf_init(&b);
	st = sfb_read_file(ctx, path, &b);
	if (st == SFB_OK)
		st = sfb_topology_parse(ctx, cat, path, sfb_buf_str(&b), b.len, out);
	sfb_buf_free(&b);
	return st;
}
