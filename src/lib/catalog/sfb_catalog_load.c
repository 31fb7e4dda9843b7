/* Catalog loader: the vocabulary and one file per source document, checked
 * as strictly as user input (see docs/catalog-format.md). */
#include "sfb_catalog.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/sfb_catalog_data.h"
#include "sfb_catalog_int.h"
#include "sfb_yaml.h"

#define VOCABULARY_FILE "vocabulary.yaml"

/* traits: [word, ...] of a role; every word must be one the code knows. */
static sfb_status
load_traits(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *seq, unsigned *out)
{
	sfb_status st;
	size_t i;

	if (seq == NULL)
		return SFB_OK;
	if ((st = sfb_y_expect(ctx, d, seq, SFB_Y_SEQ, "traits")) != SFB_OK)
		return st;
	for (i = 0; i < seq->n; i++) {
		if ((st = sfb_y_expect(ctx, d, seq->kids[i], SFB_Y_SCALAR, "a trait")) != SFB_OK)
			return st;
		if (strcmp(seq->kids[i]->str, "sfb-server") == 0)
			*out |= SFB_TRAIT_SFB_SERVER;
		else if (strcmp(seq->kids[i]->str, "windows") == 0)
			*out |= SFB_TRAIT_WINDOWS;
		else if (strcmp(seq->kids[i]->str, "edge-external") == 0)
			*out |= SFB_TRAIT_EDGE_EXTERNAL;
		else
			return sfb_y_fail(ctx, d, seq->kids[i], "unknown trait '%s' (known: sfb-server, "
			    "windows, edge-external)", seq->kids[i]->str);
	}
	return SFB_OK;
}

/* networks: [prefix, ...] of a role: a cloud service's published ranges. */
static sfb_status
load_networks(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *seq, struct sfb_name *r)
{
	sfb_buf text;
	sfb_status st;
	size_t i;

	if ((st = sfb_y_expect(ctx, d, seq, SFB_Y_SEQ, "networks")) != SFB_OK)
		return st;
	if (seq->n == 0)
		return sfb_y_fail(ctx, d, seq, "networks must not be an empty list");
	sfb_buf_init(&text);
	for (i = 0; i < seq->n; i++) {
		if ((st = sfb_y_expect(ctx, d, seq->kids[i], SFB_Y_SCALAR, "a network")) != SFB_OK)
			goto out;
		st = sfb_addrset_parse(&r->nets, seq->kids[i]->str);
		if (st == SFB_ENOMEM) {
			st = sfb_oom(ctx);
			goto out;
		}
		if (st != SFB_OK) {
			st = sfb_y_fail(ctx, d, seq->kids[i], "networks: '%s' is not a valid IPv4/IPv6 "
			    "prefix (host bits must be zero)", seq->kids[i]->str);
			goto out;
		}
		sfb_buf_printf(&text, "%s%s", i > 0 ? ", " : "", seq->kids[i]->str);
	}
	if (sfb_buf_status(&text) != SFB_OK) {
		st = sfb_oom(ctx);
		goto out;
	}
	r->nets_text = sfb_buf_take(&text);
	st = SFB_OK;
out:
	sfb_buf_free(&text);
	return st;
}

static sfb_status
load_names(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *seq, const char *what,
    struct sfb_name **v, size_t *n, size_t *cap)
{
	static const char *const keys[] = { "!name", "!description", NULL };
	static const char *const role_keys[] = { "!name", "!description", "traits", "networks",
		NULL };
	const char *name, *desc;
	sfb_ynode *item;
	sfb_status st;
	unsigned traits;
	size_t i;

	st = sfb_y_expect(ctx, d, seq, SFB_Y_SEQ, what);
	if (st != SFB_OK)
		return st;
	for (i = 0; i < seq->n; i++) {
		item = seq->kids[i];
		traits = 0;
		if ((st = sfb_y_check_keys(ctx, d, item, what,
		    strcmp(what, "a role") == 0 ? role_keys : keys)) != SFB_OK ||
		    (st = load_traits(ctx, d, sfb_y_get(item, "traits"), &traits)) != SFB_OK ||
		    (st = sfb_y_str(ctx, d, sfb_y_get(item, "name"), "name", &name)) != SFB_OK ||
		    (st = sfb_y_str(ctx, d, sfb_y_get(item, "description"), "description",
		    &desc)) != SFB_OK)
			return st;
		if (!sfb_cat_valid_ident(name))
			return sfb_y_fail(ctx, d, sfb_y_get(item, "name"),
			    "'%s' is not a valid name (a-z, 0-9, '-')", name);
		if (sfb_cat_find_name(*v, *n, name) >= 0)
			return sfb_y_fail(ctx, d, sfb_y_get(item, "name"),
			    "duplicate name '%s'", name);
		if (sfb_grow(v, cap, *n + 1, sizeof(**v)) != SFB_OK)
			return sfb_oom(ctx);
		memset(&(*v)[*n], 0, sizeof(**v));
		(*n)++;
		(*v)[*n - 1].traits = traits;
		sfb_addrset_init(&(*v)[*n - 1].nets);
		if ((st = sfb_cat_dup(ctx, &(*v)[*n - 1].name, name)) != SFB_OK ||
		    (st = sfb_cat_dup(ctx, &(*v)[*n - 1].description, desc)) != SFB_OK)
			return st;
		if (sfb_y_get(item, "networks") != NULL &&
		    (st = load_networks(ctx, d, sfb_y_get(item, "networks"), &(*v)[*n - 1])) != SFB_OK)
			return st;
	}
	return SFB_OK;
}

/* features: [{ name, description, default }] */
static sfb_status
load_features(sfb_ctx *ctx, sfb_catalog *cat, const sfb_ydoc *d, const sfb_ynode *seq)
{
	static const char *const keys[] = { "!name", "!description", "!default", NULL };
	const char *name, *desc;
	struct sfb_feature *f;
	sfb_ynode *item;
	sfb_status st;
	bool on;
	size_t i;

	if ((st = sfb_y_expect(ctx, d, seq, SFB_Y_SEQ, "features")) != SFB_OK)
		return st;
	for (i = 0; i < seq->n; i++) {
		item = seq->kids[i];
		if ((st = sfb_y_check_keys(ctx, d, item, "a feature", keys)) != SFB_OK ||
		    (st = sfb_y_str(ctx, d, sfb_y_get(item, "name"), "name", &name)) != SFB_OK ||
		    (st = sfb_y_str(ctx, d, sfb_y_get(item, "description"), "description",
		    &desc)) != SFB_OK ||
		    (st = sfb_y_bool(ctx, d, sfb_y_get(item, "default"), "default", &on)) != SFB_OK)
			return st;
		/* "no-" switches a feature off in a topology: no name may take it. */
		if (!sfb_cat_valid_ident(name) || strncmp(name, "no-", 3) == 0)
			return sfb_y_fail(ctx, d, sfb_y_get(item, "name"),
			    "'%s' is not a valid feature name (a-z, 0-9, '-', not starting with 'no-')",
			    name);
		if (sfb_catalog_feature(cat, name) >= 0)
			return sfb_y_fail(ctx, d, sfb_y_get(item, "name"),
			    "duplicate feature '%s'", name);
		if (sfb_grow(&cat->features, &cat->capfeatures, cat->nfeatures + 1,
		    sizeof(*cat->features)) != SFB_OK)
			return sfb_oom(ctx);
		f = &cat->features[cat->nfeatures++];
		memset(f, 0, sizeof(*f));
		f->on_by_default = on;
		if ((st = sfb_cat_dup(ctx, &f->name, name)) != SFB_OK ||
		    (st = sfb_cat_dup(ctx, &f->description, desc)) != SFB_OK)
			return st;
	}
	return SFB_OK;
}

static sfb_status
load_vocabulary(sfb_ctx *ctx, sfb_catalog *cat, const sfb_ydoc *d)
{
	static const char *const keys[] = { "!roles", "!profiles", "!versions", "!features",
		NULL };
	sfb_ynode *root = sfb_ydoc_root(d);
	sfb_status st;
	size_t i;

	if ((st = sfb_y_check_keys(ctx, d, root, "the vocabulary", keys)) != SFB_OK)
		return st;
	if ((st = load_names(ctx, d, sfb_y_get(root, "roles"), "a role",
	    &cat->roles, &cat->nroles, &cat->caproles)) != SFB_OK ||
	    (st = load_names(ctx, d, sfb_y_get(root, "profiles"), "a profile",
	    &cat->profiles, &cat->nprofiles, &cat->capprofiles)) != SFB_OK ||
	    (st = load_names(ctx, d, sfb_y_get(root, "versions"), "a version",
	    &cat->versions, &cat->nversions, &cat->capversions)) != SFB_OK)
		return st;
	for (i = 0; i < SFB_KR_COUNT; i++) {
		long r = sfb_catalog_role(cat, sfb_known_role_name((int)i));

		if (r < 0)
			return sfb_y_fail(ctx, d, sfb_y_get(root, "roles"),
			    "the vocabulary lacks the role '%s', which sfbnet's DNS records, "
			    "certificates and lints name", sfb_known_role_name((int)i));
		cat->known[i] = (size_t)r;
	}
	/* The code asks for roles by these traits: a vocabulary without one
	 * would plan, lint and write silently less. */
	{
		static const struct { unsigned bit; const char *name; } need[] = {
			{ SFB_TRAIT_SFB_SERVER, "sfb-server" }, { SFB_TRAIT_WINDOWS, "windows" },
			{ SFB_TRAIT_EDGE_EXTERNAL, "edge-external" } };
		size_t k;

		for (k = 0; k < sizeof(need) / sizeof(need[0]); k++) {
			for (i = 0; i < cat->nroles && !(cat->roles[i].traits & need[k].bit); i++)
				;
			if (i == cat->nroles)
				return sfb_y_fail(ctx, d, sfb_y_get(root, "roles"),
				    "no role has the trait %s, which sfbnet needs", need[k].name);
		}
	}
	if (cat->nversions > SFB_MAX_VERSIONS)
		return sfb_y_fail(ctx, d, sfb_y_get(root, "versions"),
		    "at most %d versions", SFB_MAX_VERSIONS);
	return load_features(ctx, cat, d, sfb_y_get(root, "features"));
}

/* scope, lb and port_of: how a flow meets a version 2 topology's pools. */
static sfb_status
load_reach(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_ydoc *d, const sfb_ynode *m,
    struct sfb_cflow *f)
{
	const sfb_ynode *n;
	const char *s;
	sfb_status st;
	size_t i;
	long r;

	f->port_role = -1;
	if ((n = sfb_y_get(m, "scope")) != NULL) {
		if ((st = sfb_y_str(ctx, d, n, "scope", &s)) != SFB_OK)
			return st;
		if (strcmp(s, "global") == 0)
			f->scope = SFB_SCOPE_GLOBAL;
		else if (strcmp(s, "pool") == 0)
			f->scope = SFB_SCOPE_POOL;
		else if (strcmp(s, "uses") == 0)
			f->scope = SFB_SCOPE_USES;
		else
			return sfb_y_fail(ctx, d, n, "scope must be global, pool or uses, not '%s'", s);
	}
	if ((n = sfb_y_get(m, "lb")) != NULL &&
	    (st = sfb_y_bool(ctx, d, n, "lb", &f->lb)) != SFB_OK)
		return st;
	if ((n = sfb_y_get(m, "lb_sip")) != NULL &&
	    (st = sfb_y_bool(ctx, d, n, "lb_sip", &f->lb_sip)) != SFB_OK)
		return st;
	if ((n = sfb_y_get(m, "port_of")) != NULL) {
		if ((st = sfb_y_str(ctx, d, n, "port_of", &s)) != SFB_OK)
			return st;
		if ((r = sfb_catalog_role(cat, s)) < 0)
			return sfb_y_fail(ctx, d, n, "unknown role '%s'", s);
		for (i = 0; i < f->nto && f->to[i] != (size_t)r; i++)
			;
		if (i == f->nto)
			return sfb_y_fail(ctx, d, n, "port_of must be one of the flow's 'to' roles");
		f->port_role = r;
	}
	if ((n = sfb_y_get(m, "when")) != NULL)
		return sfb_cat_load_when(ctx, cat, d, n, &f->when);
	return SFB_OK;
}

/* Add one document (the file's own, or a reference).  A reference may be
 * declared by several files if they agree on title, source and url.  A
 * reference's source is optional: where the text was read (a repository
 * path), for the tests that tie a transcribed row to its document. */
static sfb_status
load_doc(sfb_ctx *ctx, sfb_catalog *cat, const sfb_ydoc *d, const sfb_ynode *m,
    bool own)
{
	static const char *const own_keys[] = { "!id", "!title", "!source", "url", NULL };
	static const char *const ref_keys[] = { "!id", "!title", "source", "url", NULL };
	const char *id, *title, *source = NULL, *url = NULL;
	struct sfb_doc *doc;
	sfb_status st;
	long prev;

	if ((st = sfb_y_check_keys(ctx, d, m, own ? "document" : "a reference",
	    own ? own_keys : ref_keys)) != SFB_OK ||
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "id"), "id", &id)) != SFB_OK ||
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "title"), "title", &title)) != SFB_OK)
		return st;
	if ((own || sfb_y_get(m, "source") != NULL) &&
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "source"), "source", &source)) != SFB_OK)
		return st;
	if (sfb_y_get(m, "url") != NULL &&
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "url"), "url", &url)) != SFB_OK)
		return st;
	if (!sfb_cat_valid_ident(id))
		return sfb_y_fail(ctx, d, sfb_y_get(m, "id"),
		    "'%s' is not a valid document id (a-z, 0-9, '-')", id);
	prev = sfb_cat_find_doc(cat, id);
	if (prev >= 0) {
		doc = &cat->docs[prev];
		if (own || doc->own || strcmp(doc->title, title) != 0 ||
		    (doc->url == NULL) != (url == NULL) ||
		    (url != NULL && strcmp(doc->url, url) != 0) ||
		    (doc->source == NULL) != (source == NULL) ||
		    (source != NULL && strcmp(doc->source, source) != 0))
			return sfb_y_fail(ctx, d, sfb_y_get(m, "id"),
			    "document '%s' is declared twice with different contents", id);
		return SFB_OK;
	}
	if (sfb_grow(&cat->docs, &cat->capdocs, cat->ndocs + 1, sizeof(*cat->docs)) != SFB_OK)
		return sfb_oom(ctx);
	doc = &cat->docs[cat->ndocs++];
	memset(doc, 0, sizeof(*doc));
	doc->own = own;
	if ((st = sfb_cat_dup(ctx, &doc->id, id)) != SFB_OK ||
	    (st = sfb_cat_dup(ctx, &doc->title, title)) != SFB_OK)
		return st;
	if (source != NULL && (st = sfb_cat_dup(ctx, &doc->source, source)) != SFB_OK)
		return st;
	if (url != NULL && (st = sfb_cat_dup(ctx, &doc->url, url)) != SFB_OK)
		return st;
	return SFB_OK;
}

static sfb_status
load_docs(sfb_ctx *ctx, sfb_catalog *cat, const sfb_ydoc *d)
{
	static const char *const keys[] = { "!document", "references", "!flows", "dns",
		"certificates", "discovery", NULL };
	sfb_ynode *root = sfb_ydoc_root(d), *refs;
	sfb_status st;
	size_t i;

	if ((st = sfb_y_check_keys(ctx, d, root, "a catalog file", keys)) != SFB_OK)
		return st;
	if ((st = load_doc(ctx, cat, d, sfb_y_get(root, "document"), true)) != SFB_OK)
		return st;
	refs = sfb_y_get(root, "references");
	if (refs == NULL)
		return SFB_OK;
	if ((st = sfb_y_expect(ctx, d, refs, SFB_Y_SEQ, "references")) != SFB_OK)
		return st;
	for (i = 0; i < refs->n; i++)
		if ((st = load_doc(ctx, cat, d, refs->kids[i], false)) != SFB_OK)
			return st;
	return SFB_OK;
}


/* A role or a list of roles, as indices into the vocabulary. */
static sfb_status
load_roles(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_ydoc *d, const sfb_ynode *n,
    const char *what, size_t **out, size_t *count)
{
	const sfb_ynode *const *items = (const sfb_ynode *const *)&n;
	size_t nitems = 1, i, j;
	long r;
	sfb_status st;

	if (n != NULL && n->type == SFB_Y_SEQ) {
		items = (const sfb_ynode *const *)n->kids;
		nitems = n->n;
		if (nitems == 0)
			return sfb_y_fail(ctx, d, n, "%s must name at least one role", what);
	}
	*out = calloc(nitems, sizeof(**out));
	if (*out == NULL)
		return sfb_oom(ctx);
	*count = 0;
	for (i = 0; i < nitems; i++) {
		if ((st = sfb_y_expect(ctx, d, items[i], SFB_Y_SCALAR, what)) != SFB_OK)
			return st;
		r = sfb_catalog_role(cat, items[i]->str);
		if (r < 0)
			return sfb_y_fail(ctx, d, items[i], "unknown role '%s'", items[i]->str);
		for (j = 0; j < *count; j++)
			if ((*out)[j] == (size_t)r)
				return sfb_y_fail(ctx, d, items[i], "role '%s' listed twice",
				    items[i]->str);
		(*out)[(*count)++] = (size_t)r;
	}
	return SFB_OK;
}

static sfb_status
load_flow(sfb_ctx *ctx, sfb_catalog *cat, const sfb_ydoc *d, const sfb_ynode *m,
    const char *own_doc)
{
	static const char *const keys[] = { "!id", "!profile", "!from", "!to", "!protocol",
		"!src_ports", "!dst_ports", "!app", "!purpose", "!required", "condition",
		"scope", "lb", "lb_sip", "port_of", "when", "!cite", "reach_cite", NULL };
	const char *id, *profile, *proto, *app, *purpose, *cond = NULL;
	struct sfb_cflow *f;
	sfb_status st;
	long p;

	if ((st = sfb_y_check_keys(ctx, d, m, "a flow", keys)) != SFB_OK ||
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "id"), "id", &id)) != SFB_OK ||
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "profile"), "profile", &profile)) != SFB_OK ||
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "protocol"), "protocol", &proto)) != SFB_OK ||
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "app"), "app", &app)) != SFB_OK ||
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "purpose"), "purpose", &purpose)) != SFB_OK)
		return st;
	if (sfb_y_get(m, "condition") != NULL &&
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "condition"), "condition", &cond)) != SFB_OK)
		return st;
	if (!sfb_cat_valid_ident(id))
		return sfb_y_fail(ctx, d, sfb_y_get(m, "id"),
		    "'%s' is not a valid flow id (a-z, 0-9, '-')", id);
	if (sfb_cat_id_taken(cat, id))
		return sfb_y_fail(ctx, d, sfb_y_get(m, "id"), "duplicate flow id '%s'", id);
	p = sfb_catalog_profile(cat, profile);
	if (p < 0)
		return sfb_y_fail(ctx, d, sfb_y_get(m, "profile"), "unknown profile '%s'", profile);

	if (sfb_grow(&cat->flows, &cat->capflows, cat->nflows + 1, sizeof(*cat->flows)) != SFB_OK)
		return sfb_oom(ctx);
	f = &cat->flows[cat->nflows++];
	memset(f, 0, sizeof(*f));
	sfb_portset_init(&f->sport);
	sfb_portset_init(&f->dport);
	f->profile = (size_t)p;
	if (strcmp(proto, "tcp") == 0)
		f->proto = SFB_PROTO_TCP;
	else if (strcmp(proto, "udp") == 0)
		f->proto = SFB_PROTO_UDP;
	else if (strcmp(proto, "both") == 0)
		f->proto = SFB_PROTO_BOTH;
	else
		return sfb_y_fail(ctx, d, sfb_y_get(m, "protocol"),
		    "protocol must be tcp, udp or both, not '%s'", proto);
	if ((st = sfb_cat_dup(ctx, &f->id, id)) != SFB_OK ||
	    (st = sfb_cat_dup(ctx, &f->app, app)) != SFB_OK ||
	    (st = sfb_cat_dup(ctx, &f->purpose, purpose)) != SFB_OK ||
	    (cond != NULL && (st = sfb_cat_dup(ctx, &f->condition, cond)) != SFB_OK) ||
	    (st = load_roles(ctx, cat, d, sfb_y_get(m, "from"), "from", &f->from,
	    &f->nfrom)) != SFB_OK ||
	    (st = load_roles(ctx, cat, d, sfb_y_get(m, "to"), "to", &f->to, &f->nto)) != SFB_OK ||
	    (st = sfb_y_ports(ctx, d, sfb_y_get(m, "src_ports"), "src_ports",
	    &f->sport)) != SFB_OK ||
	    (st = sfb_y_ports(ctx, d, sfb_y_get(m, "dst_ports"), "dst_ports",
	    &f->dport)) != SFB_OK ||
	    (st = sfb_y_bool(ctx, d, sfb_y_get(m, "required"), "required",
	    &f->required)) != SFB_OK ||
	    (st = load_reach(ctx, cat, d, m, f)) != SFB_OK)
		return st;
	if (sfb_y_get(m, "reach_cite") != NULL) {
		if (f->scope == SFB_SCOPE_GLOBAL && !f->lb && !f->lb_sip && f->port_role < 0)
			return sfb_y_fail(ctx, d, sfb_y_get(m, "reach_cite"),
			    "reach_cite cites scope, lb or port_of, and this flow has none");
		if ((st = sfb_cat_load_cites(ctx, cat, d, sfb_y_get(m, "reach_cite"), NULL,
		    &f->reach_cite, &f->nreach_cite)) != SFB_OK)
			return st;
	}
	return sfb_cat_load_cites(ctx, cat, d, sfb_y_get(m, "cite"), own_doc, &f->cite,
	    &f->ncite);
}

static sfb_status
load_flows(sfb_ctx *ctx, sfb_catalog *cat, const sfb_ydoc *d)
{
	sfb_ynode *root = sfb_ydoc_root(d), *flows = sfb_y_get(root, "flows");
	const char *own = sfb_y_get(sfb_y_get(root, "document"), "id")->str;
	sfb_status st;
	size_t i;

	if ((st = sfb_y_expect(ctx, d, flows, SFB_Y_SEQ, "flows")) != SFB_OK)
		return st;
	for (i = 0; i < flows->n; i++)
		if ((st = load_flow(ctx, cat, d, flows->kids[i], own)) != SFB_OK)
			return st;
	if (sfb_y_get(root, "dns") != NULL &&
	    (st = sfb_cat_load_dns(ctx, cat, d, sfb_y_get(root, "dns"), own)) != SFB_OK)
		return st;
	if (sfb_y_get(root, "certificates") != NULL &&
	    (st = sfb_cat_load_certs(ctx, cat, d, sfb_y_get(root, "certificates"), own)) != SFB_OK)
		return st;
	if (sfb_y_get(root, "discovery") != NULL &&
	    (st = sfb_cat_load_discovery(ctx, cat, d, sfb_y_get(root, "discovery"), own)) != SFB_OK)
		return st;
	return SFB_OK;
}

/* The set of parsed files a catalog is built from. */
struct file_set {
	sfb_ydoc **docs;
	size_t n, cap;
	long vocabulary;  /* index of vocabulary.yaml, or -1 */
};

static void
file_set_free(struct file_set *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		sfb_ydoc_free(fs->docs[i]);
	free(fs->docs);
}

static sfb_status
file_set_add(sfb_ctx *ctx, struct file_set *fs, const char *base, sfb_ydoc *d)
{
	if (sfb_grow(&fs->docs, &fs->cap, fs->n + 1, sizeof(*fs->docs)) != SFB_OK) {
		sfb_ydoc_free(d);
		return sfb_oom(ctx);
	}
	if (strcmp(base, VOCABULARY_FILE) == 0)
		fs->vocabulary = (long)fs->n;
	fs->docs[fs->n++] = d;
	return SFB_OK;
}

static sfb_status
build(sfb_ctx *ctx, struct file_set *fs, const char *where, sfb_catalog **out)
{
	sfb_catalog *cat = NULL;
	sfb_status st = SFB_OK;
	size_t i;

	*out = NULL;
	if (fs->vocabulary < 0) {
		st = sfb_fail(ctx, SFB_EINVAL, where, 0, 0, "no %s in the catalog",
		    VOCABULARY_FILE);
		goto out;
	}
	cat = calloc(1, sizeof(*cat));
	if (cat == NULL) {
		st = sfb_oom(ctx);
		goto out;
	}
	for (i = 0; i < fs->n; i++) {
		if (sfb_ydoc_root(fs->docs[i]) == NULL) {
			st = sfb_fail(ctx, SFB_EINVAL, sfb_ydoc_file(fs->docs[i]), 1, 1,
			    "empty catalog file");
			goto out;
		}
	}
	if ((st = load_vocabulary(ctx, cat, fs->docs[fs->vocabulary])) != SFB_OK)
		goto out;
	/* Documents first, so citations may name a document of any file. */
	for (i = 0; i < fs->n; i++)
		if ((long)i != fs->vocabulary && (st = load_docs(ctx, cat, fs->docs[i])) != SFB_OK)
			goto out;
	for (i = 0; i < fs->n; i++)
		if ((long)i != fs->vocabulary && (st = load_flows(ctx, cat, fs->docs[i])) != SFB_OK)
			goto out;
	*out = cat;
	cat = NULL;
out:
	sfb_catalog_free(cat);
	return st;
}

sfb_status
sfb_catalog_load_builtin(sfb_ctx *ctx, sfb_catalog **out)
{
	struct file_set fs = { NULL, 0, 0, -1 };
	const struct sfb_embedded_file *ef;
	sfb_ydoc *d;
	sfb_buf name;
	sfb_status st = SFB_OK;

	sfb_buf_init(&name);
	for (ef = sfb_catalog_files; ef->name != NULL; ef++) {
		sfb_buf_reset(&name);
		sfb_buf_printf(&name, "<built-in catalog>/%s", ef->name);
		if (sfb_buf_status(&name) != SFB_OK) {
			st = sfb_oom(ctx);
			goto out;
		}
		st = sfb_ydoc_parse(ctx, sfb_buf_str(&name), (const char *)ef->data, ef->len, &d);
		if (st != SFB_OK || (st = file_set_add(ctx, &fs, ef->name, d)) != SFB_OK)
			goto out;
	}
	st = build(ctx, &fs, "<built-in catalog>", out);
out:
	sfb_buf_free(&name);
	file_set_free(&fs);
	return st;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

sfb_status
sfb_catalog_load_dir(sfb_ctx *ctx, const char *dir, sfb_catalog **out)
{
	struct file_set fs = { NULL, 0, 0, -1 };
	DIR *dp = NULL;
	struct dirent *de;
	char **names = NULL;
	size_t nnames = 0, capnames = 0, i, len;
	sfb_buf path;
	sfb_ydoc *d;
	sfb_status st = SFB_OK;

	*out = NULL;
	sfb_buf_init(&path);
	dp = opendir(dir);
	if (dp == NULL) {
		st = sfb_fail(ctx, SFB_EIO, dir, 0, 0, "cannot open catalog directory");
		goto out;
	}
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0 || de->d_name[0] == '.')
			continue;
		if (sfb_grow(&names, &capnames, nnames + 1, sizeof(*names)) != SFB_OK ||
		    (names[nnames] = sfb_strdup(de->d_name)) == NULL) {
			st = sfb_oom(ctx);
			goto out;
		}
		nnames++;
	}
	if (nnames > 0)
		qsort(names, nnames, sizeof(*names), cmp_str);
	for (i = 0; i < nnames; i++) {
		sfb_buf_reset(&path);
		sfb_buf_printf(&path, "%s/%s", dir, names[i]);
		if (sfb_buf_status(&path) != SFB_OK) {
			st = sfb_oom(ctx);
			goto out;
		}
		if ((st = sfb_ydoc_load(ctx, sfb_buf_str(&path), &d)) != SFB_OK ||
		    (st = file_set_add(ctx, &fs, names[i], d)) != SFB_OK)
			goto out;
	}
	st = build(ctx, &fs, dir, out);
out:
	if (dp != NULL)
		closedir(dp);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	sfb_buf_free(&path);
	file_set_free(&fs);
	return st;
}
