/* The catalog model: documents, roles, profiles, flows, DNS records and
 * certificates; queries, the rules every entry obeys (ids), and freeing.
 * The YAML front ends (sfb_catalog_load.c, sfb_catalog_dnscert.c and
 * sfb_catalog_cite.c) build it; nothing here reads a file. */
#include "sfb_catalog.h"

#include <stdlib.h>
#include <string.h>

#include "sfb_catalog_int.h"

const char *
sfb_proto_name(int proto)
{
	switch (proto) {
	case SFB_PROTO_TCP: return "tcp";
	case SFB_PROTO_UDP: return "udp";
	case SFB_PROTO_BOTH: return "both";
	}
	return "?";
}

int
sfb_format_parse(const char *name)
{
	static const char *const names[] = { "text", "json", "csv", "md" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

long
sfb_cat_find_name(const struct sfb_name *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return (long)i;
	return -1;
}

long
sfb_catalog_role(const sfb_catalog *cat, const char *name)
{
	return sfb_cat_find_name(cat->roles, cat->nroles, name);
}

long
sfb_catalog_profile(const sfb_catalog *cat, const char *name)
{
	return sfb_cat_find_name(cat->profiles, cat->nprofiles, name);
}

long
sfb_catalog_version(const sfb_catalog *cat, const char *name)
{
	return sfb_cat_find_name(cat->versions, cat->nversions, name);
}

long
sfb_catalog_feature(const sfb_catalog *cat, const char *name)
{
	size_t i;

	for (i = 0; i < cat->nfeatures; i++)
		if (strcmp(cat->features[i].name, name) == 0)
			return (long)i;
	return -1;
}

const char *
sfb_known_role_name(int kr)
{
	static const char *const names[SFB_KR_COUNT] = { "front-end", "director",
		"edge-internal", "edge-access", "edge-webconf", "edge-av", "reverse-proxy",
		"office-web-apps" };

	return kr >= 0 && kr < SFB_KR_COUNT ? names[kr] : "?";
}

const char *
sfb_scope_name(int scope)
{
	switch (scope) {
	case SFB_SCOPE_POOL: return "pool";
	case SFB_SCOPE_USES: return "uses";
	}
	return "global";
}

void
sfb_when_text(sfb_buf *b, const sfb_catalog *cat, const struct sfb_when *w)
{
	const char *sep = "versions ";
	size_t i;

	for (i = 0; i < cat->nversions; i++)
		if (w->versions & ((uint32_t)1 << i)) {
			sfb_buf_printf(b, "%s%s", sep, cat->versions[i].name);
			sep = ",";
		}
	sep = w->versions != 0 ? "; features " : "features ";
	for (i = 0; i < w->nfeatures; i++) {
		sfb_buf_printf(b, "%s%s%s", sep, w->off != NULL && w->off[i] ? "no-" : "",
		    cat->features[w->features[i]].name);
		sep = ",";
	}
}

int
sfb_catalog_has_profile(const sfb_catalog *cat, const char *name)
{
	return sfb_catalog_profile(cat, name) >= 0;
}

size_t
sfb_catalog_flow_count(const sfb_catalog *cat)
{
	return cat->nflows;
}

long
sfb_cat_find_doc(const sfb_catalog *cat, const char *id)
{
	size_t i;

	for (i = 0; i < cat->ndocs; i++)
		if (strcmp(cat->docs[i].id, id) == 0)
			return (long)i;
	return -1;
}

static void
flow_free(struct sfb_cflow *f)
{
	free(f->id);
	free(f->from);
	free(f->to);
	sfb_portset_free(&f->sport);
	sfb_portset_free(&f->dport);
	free(f->app);
	free(f->purpose);
	free(f->condition);
	free(f->when.features);
	free(f->when.off);
	sfb_cat_free_cites(f->cite, f->ncite);
	sfb_cat_free_cites(f->reach_cite, f->nreach_cite);
}

void
sfb_catalog_free(sfb_catalog *cat)
{
	size_t i;

	if (cat == NULL)
		return;
	for (i = 0; i < cat->ndocs; i++) {
		free(cat->docs[i].id);
		free(cat->docs[i].title);
		free(cat->docs[i].source);
		free(cat->docs[i].url);
	}
	for (i = 0; i < cat->nroles; i++) {
		free(cat->roles[i].name);
		free(cat->roles[i].description);
		free(cat->roles[i].nets_text);
		sfb_addrset_free(&cat->roles[i].nets);
	}
	for (i = 0; i < cat->nprofiles; i++) {
		free(cat->profiles[i].name);
		free(cat->profiles[i].description);
	}
	for (i = 0; i < cat->nversions; i++) {
		free(cat->versions[i].name);
		free(cat->versions[i].description);
	}
	for (i = 0; i < cat->nfeatures; i++) {
		free(cat->features[i].name);
		free(cat->features[i].description);
	}
	free(cat->versions);
	free(cat->features);
	for (i = 0; i < cat->nflows; i++)
		flow_free(&cat->flows[i]);
	for (i = 0; i < cat->ndns; i++)
		sfb_cat_free_dns(&cat->dns[i]);
	for (i = 0; i < cat->ncerts; i++)
		sfb_cat_free_cert(&cat->certs[i]);
	for (i = 0; i < cat->ndisc; i++)
		sfb_cat_free_disc(&cat->disc[i]);
	free(cat->disc);
	free(cat->dns);
	free(cat->certs);
	free(cat->docs);
	free(cat->roles);
	free(cat->profiles);
	free(cat->flows);
	free(cat);
}

/* A name of the vocabulary: lower-case letters, digits and '-'. */
bool
sfb_cat_valid_ident(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

/* Duplicate a string for the model; a NULL result is out of memory. */
sfb_status
sfb_cat_dup(sfb_ctx *ctx, char **dst, const char *s)
{
	*dst = sfb_strdup(s);
	return *dst != NULL ? SFB_OK : sfb_oom(ctx);
}

void
sfb_cat_free_cites(struct sfb_cite *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(c[i].section);
	free(c);
}

void
sfb_cat_free_dns(struct sfb_cdns *r)
{
	free(r->id);
	free(r->name);
	free(r->purpose);
	free(r->condition);
	free(r->when.features);
	free(r->when.off);
	sfb_cat_free_cites(r->cite, r->ncite);
}

void
sfb_cat_free_cert(struct sfb_ccert *c)
{
	size_t i;

	free(c->id);
	free(c->subject);
	for (i = 0; i < c->nsan; i++)
		free(c->san[i]);
	free(c->san);
	free(c->purpose);
	sfb_cat_free_cites(c->cite, c->ncite);
}

bool
sfb_cat_id_taken(const sfb_catalog *cat, const char *id)
{
	size_t i;

	for (i = 0; i < cat->nflows; i++)
		if (strcmp(cat->flows[i].id, id) == 0)
			return true;
	for (i = 0; i < cat->ndns; i++)
		if (strcmp(cat->dns[i].id, id) == 0)
			return true;
	for (i = 0; i < cat->ncerts; i++)
		if (strcmp(cat->certs[i].id, id) == 0)
			return true;
	for (i = 0; i < cat->ndisc; i++)
		if (strcmp(cat->disc[i].id, id) == 0)
			return true;
	return false;
}
