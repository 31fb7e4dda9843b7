/* Catalog: the DNS records and certificates a document requires. */
#include "sfb_catalog_int.h"

#include <stdlib.h>
#include <string.h>

/* The placeholders names, subjects and SANs may use (docs/catalog-format.md). */
static const char *const placeholders[] = {
	"sip_domain", "ad_domain", "pool", "member", "meet", "dialin", "admin",
	"web_internal", "web_external", "owa_internal", "owa_external",
	"access_edge", "webconf_edge", "av_edge", "edge_internal", "director_pool", "server",
	"pool_of", NULL
};

static const char *const value_names[SFB_VAL_COUNT] = {
	"pool-fqdn", "pool-vip", "member-ips", "director-vip", "director-ips",
	"reverse-proxy-public", "access-edge-fqdn", "access-edge-public",
	"webconf-edge-public", "av-edge-public", "owa-vip", "server-address", "pool-addresses"
};

const char *
sfb_dnsval_name(int v)
{
	return v >= 0 && v < SFB_VAL_COUNT ? value_names[v] : "?";
}

/* A name template: DNS characters and {placeholder}s of the vocabulary. */
static sfb_status
check_template(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n, const char *what)
{
	sfb_cur c;
	size_t start, k;
	int ch;

	sfb_cur_init_str(&c, n->str);
	while ((ch = sfb_cur_get(&c)) >= 0) {
		if (ch == '{') {
			start = c.pos;
			while ((ch = sfb_cur_peek(&c)) >= 0 && ch != '}')
				c.pos++;
			if (ch != '}')
				return sfb_y_fail(ctx, d, n, "%s: unclosed '{' in '%s'", what, n->str);
			for (k = 0; placeholders[k] != NULL; k++)
				if (strlen(placeholders[k]) == c.pos - start &&
				    memcmp(placeholders[k], c.p + start, c.pos - start) == 0)
					break;
			if (placeholders[k] == NULL)
				return sfb_y_fail(ctx, d, n, "%s: unknown placeholder '{%.*s}'", what,
				    (int)(c.pos - start), (const char *)c.p + start);
			c.pos++;
			continue;
		}
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		    ch == '.' || ch == '_'))
			return sfb_y_fail(ctx, d, n, "%s: '%s' has a character a DNS name cannot have",
			    what, n->str);
	}
	return SFB_OK;
}

static int
parse_value(const char *s)
{
	int v;

	for (v = 0; v < SFB_VAL_COUNT; v++)
		if (strcmp(value_names[v], s) == 0)
			return v;
	return -1;
}

static sfb_status
load_value(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n, struct sfb_cdns *r)
{
	static const char *const keys[] = { "!enterprise", "!standard", NULL };
	const sfb_ynode *ee, *se;
	sfb_status st;

	if (n != NULL && n->type == SFB_Y_MAP) {
		if ((st = sfb_y_check_keys(ctx, d, n, "value", keys)) != SFB_OK)
			return st;
		ee = sfb_y_get(n, "enterprise");
		se = sfb_y_get(n, "standard");
	} else {
		ee = se = n;
	}
	if ((st = sfb_y_expect(ctx, d, ee, SFB_Y_SCALAR, "value")) != SFB_OK ||
	    (st = sfb_y_expect(ctx, d, se, SFB_Y_SCALAR, "value")) != SFB_OK)
		return st;
	r->value_ee = parse_value(ee->str);
	r->value_se = parse_value(se->str);
	if (r->value_ee < 0)
		return sfb_y_fail(ctx, d, ee, "unknown value kind '%s'", ee->str);
	if (r->value_se < 0)
		return sfb_y_fail(ctx, d, se, "unknown value kind '%s'", se->str);
	return SFB_OK;
}

static bool
value_is_name(int v)
{
	return v == SFB_VAL_POOL_FQDN || v == SFB_VAL_ACCESS_EDGE_FQDN;
}

/* id and profile, shared by both kinds of entry. */
static sfb_status
load_id_profile(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_ydoc *d, const sfb_ynode *m,
    const char **id, size_t *profile)
{
	const char *p;
	sfb_status st;
	long pi;

	if ((st = sfb_y_str(ctx, d, sfb_y_get(m, "id"), "id", id)) != SFB_OK ||
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "profile"), "profile", &p)) != SFB_OK)
		return st;
	if (!sfb_cat_valid_ident(*id))
		return sfb_y_fail(ctx, d, sfb_y_get(m, "id"),
		    "'%s' is not a valid id (a-z, 0-9, '-')", *id);
	if (sfb_cat_id_taken(cat, *id))
		return sfb_y_fail(ctx, d, sfb_y_get(m, "id"), "duplicate id '%s'", *id);
	if ((pi = sfb_catalog_profile(cat, p)) < 0)
		return sfb_y_fail(ctx, d, sfb_y_get(m, "profile"), "unknown profile '%s'", p);
	*profile = (size_t)pi;
	return SFB_OK;
}

static sfb_status
load_srv(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n, struct sfb_cdns *r)
{
	static const char *const keys[] = { "!priority", "!weight", "!port", NULL };
	uint64_t v;
	sfb_status st;

	if ((st = sfb_y_check_keys(ctx, d, n, "srv", keys)) != SFB_OK ||
	    (st = sfb_y_uint(ctx, d, sfb_y_get(n, "priority"), "priority", 65535, &v)) != SFB_OK)
		return st;
	r->prio = (unsigned)v;
	if ((st = sfb_y_uint(ctx, d, sfb_y_get(n, "weight"), "weight", 65535, &v)) != SFB_OK)
		return st;
	r->weight = (unsigned)v;
	if ((st = sfb_y_uint(ctx, d, sfb_y_get(n, "port"), "port", 65535, &v)) != SFB_OK)
		return st;
	if (v == 0)
		return sfb_y_fail(ctx, d, sfb_y_get(n, "port"), "port must be 1-65535");
	r->port = (unsigned)v;
	return SFB_OK;
}

static sfb_status
load_dns_entry(sfb_ctx *ctx, sfb_catalog *cat, const sfb_ydoc *d, const sfb_ynode *m,
    const char *own)
{
	static const char *const keys[] = { "!id", "!profile", "!view", "!type", "!name",
		"!value", "srv", "!purpose", "!required", "condition", "when", "port_of", "role", "!cite",
		NULL };
	const char *id, *view, *type, *s;
	struct sfb_cdns *r;
	size_t profile;
	sfb_status st;

	if ((st = sfb_y_check_keys(ctx, d, m, "a DNS record", keys)) != SFB_OK ||
	    (st = load_id_profile(ctx, cat, d, m, &id, &profile)) != SFB_OK ||
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "view"), "view", &view)) != SFB_OK ||
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "type"), "type", &type)) != SFB_OK ||
	    (st = sfb_y_expect(ctx, d, sfb_y_get(m, "name"), SFB_Y_SCALAR, "name")) != SFB_OK ||
	    (st = check_template(ctx, d, sfb_y_get(m, "name"), "name")) != SFB_OK)
		return st;
	if (sfb_grow(&cat->dns, &cat->capdns, cat->ndns + 1, sizeof(*cat->dns)) != SFB_OK)
		return sfb_oom(ctx);
	r = &cat->dns[cat->ndns++];
	memset(r, 0, sizeof(*r));
	r->profile = profile;
	if ((st = sfb_cat_dup(ctx, &r->id, id)) != SFB_OK ||
	    (st = sfb_cat_dup(ctx, &r->name, sfb_y_get(m, "name")->str)) != SFB_OK)
		return st;
	if (strcmp(view, "internal") == 0)
		r->view = SFB_VIEW_INTERNAL;
	else if (strcmp(view, "external") == 0)
		r->view = SFB_VIEW_EXTERNAL;
	else if (strcmp(view, "both") == 0)
		r->view = SFB_VIEW_BOTH;
	else
		return sfb_y_fail(ctx, d, sfb_y_get(m, "view"),
		    "view must be internal, external or both, not '%s'", view);
	if (strcmp(type, "A") == 0)
		r->type = SFB_RR_A;
	else if (strcmp(type, "CNAME") == 0)
		r->type = SFB_RR_CNAME;
	else if (strcmp(type, "SRV") == 0)
		r->type = SFB_RR_SRV;
	else
		return sfb_y_fail(ctx, d, sfb_y_get(m, "type"),
		    "type must be A, CNAME or SRV, not '%s'", type);
	if ((st = load_value(ctx, d, sfb_y_get(m, "value"), r)) != SFB_OK)
		return st;
	/* SRV and CNAME point at names, A at addresses. */
	if ((r->type == SFB_RR_A) == (value_is_name(r->value_ee) || value_is_name(r->value_se)))
		return sfb_y_fail(ctx, d, sfb_y_get(m, "value"),
		    "a %s record cannot have the value '%s'", type,
		    sfb_dnsval_name(r->type == SFB_RR_A && value_is_name(r->value_ee) ?
		    r->value_ee : r->value_se));
	if ((r->type == SFB_RR_SRV) != (sfb_y_get(m, "srv") != NULL))
		return sfb_y_fail(ctx, d, m, r->type == SFB_RR_SRV ?
		    "an SRV record needs srv: { priority, weight, port }" :
		    "only SRV records take srv:");
	if (r->type == SFB_RR_SRV && (st = load_srv(ctx, d, sfb_y_get(m, "srv"), r)) != SFB_OK)
		return st;
	if ((st = sfb_y_str(ctx, d, sfb_y_get(m, "purpose"), "purpose", &s)) != SFB_OK ||
	    (st = sfb_cat_dup(ctx, &r->purpose, s)) != SFB_OK ||
	    (st = sfb_y_bool(ctx, d, sfb_y_get(m, "required"), "required", &r->required)) != SFB_OK)
		return st;
	if (sfb_y_get(m, "condition") != NULL &&
	    ((st = sfb_y_str(ctx, d, sfb_y_get(m, "condition"), "condition", &s)) != SFB_OK ||
	    (st = sfb_cat_dup(ctx, &r->condition, s)) != SFB_OK))
		return st;
	if (sfb_y_get(m, "when") != NULL &&
	    (st = sfb_cat_load_when(ctx, cat, d, sfb_y_get(m, "when"), &r->when)) != SFB_OK)
		return st;
	r->role = -1;
	if (sfb_y_get(m, "role") != NULL) {
		if ((st = sfb_y_str(ctx, d, sfb_y_get(m, "role"), "role", &s)) != SFB_OK)
			return st;
		if ((r->role = sfb_catalog_role(cat, s)) < 0)
			return sfb_y_fail(ctx, d, sfb_y_get(m, "role"), "unknown role '%s'", s);
	}
	/* {server} and {pool_of} name the endpoints or pools of `role`, and
	 * their own addresses are the value; each needs the other. */
	{
		bool per = strstr(r->name, "{server}") != NULL || strstr(r->name, "{pool_of}") != NULL;
		bool self = r->value_ee == SFB_VAL_SERVER_ADDRESS || r->value_ee == SFB_VAL_POOL_ADDRESSES;

		if (per != (r->role >= 0) || per != self ||
		    (r->value_ee == SFB_VAL_SERVER_ADDRESS) != (strstr(r->name, "{server}") != NULL))
			return sfb_y_fail(ctx, d, m, "a record named by {server} has role: and the value "
			    "server-address, one named by {pool_of} role: and pool-addresses");
	}
	r->port_role = -1;
	if (sfb_y_get(m, "port_of") != NULL) {
		long role;

		if ((st = sfb_y_str(ctx, d, sfb_y_get(m, "port_of"), "port_of", &s)) != SFB_OK)
			return st;
		if (r->type != SFB_RR_SRV)
			return sfb_y_fail(ctx, d, sfb_y_get(m, "port_of"), "only SRV records take port_of");
		if ((role = sfb_catalog_role(cat, s)) < 0)
			return sfb_y_fail(ctx, d, sfb_y_get(m, "port_of"), "unknown role '%s'", s);
		r->port_role = role;
	}
	return sfb_cat_load_cites(ctx, cat, d, sfb_y_get(m, "cite"), own, &r->cite, &r->ncite);
}

sfb_status
sfb_cat_load_dns(sfb_ctx *ctx, sfb_catalog *cat, const sfb_ydoc *d, const sfb_ynode *list,
    const char *own)
{
	sfb_status st;
	size_t i;

	if ((st = sfb_y_expect(ctx, d, list, SFB_Y_SEQ, "dns")) != SFB_OK)
		return st;
	for (i = 0; i < list->n; i++)
		if ((st = load_dns_entry(ctx, cat, d, list->kids[i], own)) != SFB_OK)
			return st;
	return SFB_OK;
}

static sfb_status
load_eku(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *n, struct sfb_ccert *c)
{
	sfb_status st;
	size_t i;

	if ((st = sfb_y_expect(ctx, d, n, SFB_Y_SEQ, "eku")) != SFB_OK)
		return st;
	if (n->n == 0)
		return sfb_y_fail(ctx, d, n, "eku must name server, client or both");
	for (i = 0; i < n->n; i++) {
		if ((st = sfb_y_expect(ctx, d, n->kids[i], SFB_Y_SCALAR, "eku")) != SFB_OK)
			return st;
		if (strcmp(n->kids[i]->str, "server") == 0)
			c->eku |= SFB_EKU_SERVER;
		else if (strcmp(n->kids[i]->str, "client") == 0)
			c->eku |= SFB_EKU_CLIENT;
		else
			return sfb_y_fail(ctx, d, n->kids[i], "eku must be server or client, not '%s'",
			    n->kids[i]->str);
	}
	return SFB_OK;
}

static sfb_status
load_cert_entry(sfb_ctx *ctx, sfb_catalog *cat, const sfb_ydoc *d, const sfb_ynode *m,
    const char *own)
{
	static const char *const keys[] = { "!id", "!profile", "!role", "!per", "!subject",
		"!san", "!eku", "!ca", "!purpose", "!cite", NULL };
	const char *id, *role, *per, *ca, *s;
	const sfb_ynode *san;
	struct sfb_ccert *c;
	size_t profile, i;
	sfb_status st;
	long r;

	if ((st = sfb_y_check_keys(ctx, d, m, "a certificate", keys)) != SFB_OK ||
	    (st = load_id_profile(ctx, cat, d, m, &id, &profile)) != SFB_OK ||
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "role"), "role", &role)) != SFB_OK ||
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "per"), "per", &per)) != SFB_OK ||
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "ca"), "ca", &ca)) != SFB_OK ||
	    (st = sfb_y_expect(ctx, d, sfb_y_get(m, "subject"), SFB_Y_SCALAR, "subject")) != SFB_OK ||
	    (st = check_template(ctx, d, sfb_y_get(m, "subject"), "subject")) != SFB_OK)
		return st;
	if ((r = sfb_catalog_role(cat, role)) < 0)
		return sfb_y_fail(ctx, d, sfb_y_get(m, "role"), "unknown role '%s'", role);
	san = sfb_y_get(m, "san");
	if ((st = sfb_y_expect(ctx, d, san, SFB_Y_SEQ, "san")) != SFB_OK)
		return st;
	if (sfb_grow(&cat->certs, &cat->capcerts, cat->ncerts + 1, sizeof(*cat->certs)) != SFB_OK)
		return sfb_oom(ctx);
	c = &cat->certs[cat->ncerts++];
	memset(c, 0, sizeof(*c));
	c->profile = profile;
	c->role = (size_t)r;
	if ((st = sfb_cat_dup(ctx, &c->id, id)) != SFB_OK ||
	    (st = sfb_cat_dup(ctx, &c->subject, sfb_y_get(m, "subject")->str)) != SFB_OK)
		return st;
	if (strcmp(per, "pool") == 0)
		c->per = SFB_PER_POOL;
	else if (strcmp(per, "endpoint") == 0)
		c->per = SFB_PER_ENDPOINT;
	else
		return sfb_y_fail(ctx, d, sfb_y_get(m, "per"), "per must be pool or endpoint, not '%s'",
		    per);
	if (strcmp(ca, "public") == 0)
		c->public_ca = true;
	else if (strcmp(ca, "private") != 0)
		return sfb_y_fail(ctx, d, sfb_y_get(m, "ca"), "ca must be public or private, not '%s'",
		    ca);
	c->san = calloc(san->n + 1, sizeof(char *));
	if (c->san == NULL)
		return sfb_oom(ctx);
	for (i = 0; i < san->n; i++) {
		if ((st = sfb_y_expect(ctx, d, san->kids[i], SFB_Y_SCALAR, "a SAN")) != SFB_OK ||
		    (st = check_template(ctx, d, san->kids[i], "san")) != SFB_OK ||
		    (st = sfb_cat_dup(ctx, &c->san[i], san->kids[i]->str)) != SFB_OK)
			return st;
		c->nsan++;
	}
	if ((st = load_eku(ctx, d, sfb_y_get(m, "eku"), c)) != SFB_OK ||
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "purpose"), "purpose", &s)) != SFB_OK ||
	    (st = sfb_cat_dup(ctx, &c->purpose, s)) != SFB_OK)
		return st;
	return sfb_cat_load_cites(ctx, cat, d, sfb_y_get(m, "cite"), own, &c->cite, &c->ncite);
}

sfb_status
sfb_cat_load_certs(sfb_ctx *ctx, sfb_catalog *cat, const sfb_ydoc *d, const sfb_ynode *list,
    const char *own)
{
	sfb_status st;
	size_t i;

	if ((st = sfb_y_expect(ctx, d, list, SFB_Y_SEQ, "certificates")) != SFB_OK)
		return st;
	for (i = 0; i < list->n; i++)
		if ((st = load_cert_entry(ctx, cat, d, list->kids[i], own)) != SFB_OK)
			return st;
	return SFB_OK;
}

/* ---- discovery: the client's discovery order ---- */

void
sfb_cat_free_disc(struct sfb_cdisc *c)
{
	size_t i;

	free(c->id);
	for (i = 0; i < c->nsteps; i++)
		free(c->steps[i].prefix);
	free(c->steps);
	sfb_cat_free_cites(c->cite, c->ncite);
}

/* One step: { name: "PREFIX.{sip_domain}", type: A | SRV }. */
static sfb_status
load_disc_step(sfb_ctx *ctx, const sfb_ydoc *d, const sfb_ynode *m, struct sfb_cdisc_step *s)
{
	static const char *const keys[] = { "!name", "!type", NULL };
	static const char suffix[] = ".{sip_domain}";
	const char *name, *type;
	size_t n;
	sfb_status st;

	if ((st = sfb_y_check_keys(ctx, d, m, "a discovery step", keys)) != SFB_OK ||
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "name"), "name", &name)) != SFB_OK ||
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "type"), "type", &type)) != SFB_OK)
		return st;
	n = strlen(name);
	if (n <= sizeof(suffix) - 1 || strcmp(name + n - (sizeof(suffix) - 1), suffix) != 0)
		return sfb_y_fail(ctx, d, sfb_y_get(m, "name"),
		    "a discovery name is LABELS.{sip_domain}, not '%s'", name);
	if ((s->prefix = sfb_strndup(name, n - (sizeof(suffix) - 1))) == NULL)
		return sfb_oom(ctx);
	if (strchr(s->prefix, '{') != NULL || strchr(s->prefix, '}') != NULL ||
	    s->prefix[0] == '.' || s->prefix[strlen(s->prefix) - 1] == '.')
		return sfb_y_fail(ctx, d, sfb_y_get(m, "name"),
		    "a discovery name has no placeholder but {sip_domain}, at its end: '%s'", name);
	if (strcmp(type, "A") == 0)
		s->type = SFB_DISC_A;
	else if (strcmp(type, "SRV") == 0)
		s->type = SFB_DISC_SRV;
	else
		return sfb_y_fail(ctx, d, sfb_y_get(m, "type"), "type must be A or SRV, not '%s'",
		    type);
	return SFB_OK;
}

static sfb_status
load_disc_entry(sfb_ctx *ctx, sfb_catalog *cat, const sfb_ydoc *d, const sfb_ynode *m,
    const char *own)
{
	static const char *const keys[] = { "!id", "!view", "!order", "!cite", NULL };
	const char *id, *view;
	const sfb_ynode *order;
	struct sfb_cdisc *c;
	size_t i, j;
	sfb_status st;

	if ((st = sfb_y_check_keys(ctx, d, m, "a discovery order", keys)) != SFB_OK ||
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "id"), "id", &id)) != SFB_OK ||
	    (st = sfb_y_str(ctx, d, sfb_y_get(m, "view"), "view", &view)) != SFB_OK)
		return st;
	if (!sfb_cat_valid_ident(id))
		return sfb_y_fail(ctx, d, sfb_y_get(m, "id"),
		    "'%s' is not a valid id (a-z, 0-9, '-')", id);
	if (sfb_cat_id_taken(cat, id))
		return sfb_y_fail(ctx, d, sfb_y_get(m, "id"), "duplicate id '%s'", id);
	order = sfb_y_get(m, "order");
	if ((st = sfb_y_expect(ctx, d, order, SFB_Y_SEQ, "order")) != SFB_OK)
		return st;
	if (order->n == 0)
		return sfb_y_fail(ctx, d, order, "a discovery order has at least one step");
	if (sfb_grow(&cat->disc, &cat->capdisc, cat->ndisc + 1, sizeof(*cat->disc)) != SFB_OK)
		return sfb_oom(ctx);
	c = &cat->disc[cat->ndisc++];
	memset(c, 0, sizeof(*c));
	if ((st = sfb_cat_dup(ctx, &c->id, id)) != SFB_OK)
		return st;
	if (strcmp(view, "internal") == 0)
		c->view = SFB_VIEW_INTERNAL;
	else if (strcmp(view, "external") == 0)
		c->view = SFB_VIEW_EXTERNAL;
	else
		return sfb_y_fail(ctx, d, sfb_y_get(m, "view"),
		    "view must be internal or external, not '%s'", view);
	for (i = 0; i < cat->ndisc - 1; i++)
		if (cat->disc[i].view == c->view)
			return sfb_y_fail(ctx, d, sfb_y_get(m, "view"),
			    "a second discovery order for the %s view (the first: %s)", view,
			    cat->disc[i].id);
	if ((c->steps = calloc(order->n, sizeof(*c->steps))) == NULL)
		return sfb_oom(ctx);
	for (i = 0; i < order->n; i++) {
		if ((st = load_disc_step(ctx, d, order->kids[i], &c->steps[i])) != SFB_OK) {
			c->nsteps = i + 1;
			return st;
		}
		c->nsteps = i + 1;
		for (j = 0; j < i; j++)
			if (strcmp(c->steps[j].prefix, c->steps[i].prefix) == 0 &&
			    c->steps[j].type == c->steps[i].type)
				return sfb_y_fail(ctx, d, order->kids[i], "step %zu repeats step %zu",
				    i + 1, j + 1);
	}
	return sfb_cat_load_cites(ctx, cat, d, sfb_y_get(m, "cite"), own, &c->cite, &c->ncite);
}

sfb_status
sfb_cat_load_discovery(sfb_ctx *ctx, sfb_catalog *cat, const sfb_ydoc *d, const sfb_ynode *list,
    const char *own)
{
	sfb_status st;
	size_t i;

	if ((st = sfb_y_expect(ctx, d, list, SFB_Y_SEQ, "discovery")) != SFB_OK)
		return st;
	for (i = 0; i < list->n; i++)
		if ((st = load_disc_entry(ctx, cat, d, list->kids[i], own)) != SFB_OK)
			return st;
	return SFB_OK;
}
