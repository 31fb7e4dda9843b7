/* The autodiscover response parser (sfb_autodiscover.h): JSON with
 * jansson, XML with libxml2 (no network, no DTD, no entity substitution,
 * as the topology importer reads XML), one result model. */
#include <arpa/inet.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "check/sfb_autodiscover.h"
#include "sfb_ctx.h"
#include "sfb_esc.h"
#include "sfb_jpos.h"
#include "sfb_text.h"

#define SPACE " \t\r\n"
#define TOKEN_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_.-"
/* RFC 3986: unreserved, reserved and '%', the characters of a URL. */
#define URL_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" \
	"-._~:/?#[]@!$&'()*+,;=%"
#define TOKEN_MAX 64
#define HREF_MAX 2048

static const char *const access_names[SFB_AD_ACCESS_COUNT] = {
	"SipServerInternalAccess", "SipServerExternalAccess",
	"SipClientInternalAccess", "SipClientExternalAccess",
};

static const char *const resources[] = { "Root", "User", "Domain" };

const char *
sfb_ad_access_name(enum sfb_ad_access kind)
{
	return (unsigned)kind < SFB_AD_ACCESS_COUNT ? access_names[kind] : NULL;
}

void
sfb_autodiscover_free(sfb_autodiscover *ad)
{
	size_t i;

	if (ad == NULL)
		return;
	for (i = 0; i < ad->nsip; i++)
		free(ad->sip[i].fqdn);
	for (i = 0; i < ad->nlinks; i++) {
		free(ad->links[i].token);
		free(ad->links[i].href);
		free(ad->links[i].host);
	}
	free(ad->sip);
	free(ad->links);
	free(ad);
}

const struct sfb_ad_link *
sfb_autodiscover_link(const sfb_autodiscover *ad, const char *token)
{
	size_t i;

	for (i = 0; i < ad->nlinks; i++)
		if (strcasecmp(ad->links[i].token, token) == 0)
			return &ad->links[i];
	return NULL;
}

const struct sfb_ad_link *
sfb_autodiscover_redirect(const sfb_autodiscover *ad)
{
	return sfb_autodiscover_link(ad, "Redirect");
}

/* --- shared: one parse ----------------------------------------------------- */

struct adp {
	sfb_ctx *ctx;
	const char *name;
	const char *text;
	size_t len;
	sfb_autodiscover *ad;
	size_t capsip, caplinks;
	sfb_buf esc;        /* scratch: input text escaped for a message */
};

/* s escaped for a message (valid until the next call). */
static const char *
esc(struct adp *P, const char *s)
{
	sfb_buf_reset(&P->esc);
	sfb_esc_put(&P->esc, SFB_ESC_LINE, s != NULL ? s : "");
	return sfb_buf_str(&P->esc);
}

/* s without the white space around it into dst (dstlen bytes); false when
 * it does not fit. */
static bool
trim_fetch(const char *s, char *dst, size_t dstlen)
{
	sfb_cur c;
	size_t tag, end;

	sfb_cur_init_str(&c, s);
	sfb_cur_skip_space(&c);
	tag = end = sfb_cur_tag(&c);
	while (!sfb_cur_eof(&c)) {
		sfb_cur_until(&c, SPACE);
		end = sfb_cur_tag(&c);
		sfb_cur_while(&c, SPACE);
	}
	sfb_cur_rollback(&c, end);
	return sfb_cur_tag_fetch(&c, tag, dst, dstlen);
}

/* A URL a client can follow: http or https, "//", a host that is a DNS
 * name, an IPv4 address or a bracketed IPv6 address, an optional port
 * 1-65535, then only URL characters.  Its host and port in *host, *port. */
static bool
href_parse(const char *href, char *host, size_t hostlen, unsigned *port)
{
	unsigned char addr[16];
	char scheme[8];
	uint64_t p;
	sfb_cur c;
	size_t tag;

	sfb_cur_init_str(&c, href);
	tag = sfb_cur_tag(&c);
	sfb_cur_until(&c, ":/?#");
	if (!sfb_cur_tag_fetch(&c, tag, scheme, sizeof(scheme)))
		return false;
	if (strcasecmp(scheme, "https") == 0)
		*port = 443;
	else if (strcasecmp(scheme, "http") == 0)
		*port = 80;
	else
		return false;
	if (!sfb_cur_accept_str(&c, "://"))
		return false;
	if (sfb_cur_accept(&c, '[')) {
		tag = sfb_cur_tag(&c);
		sfb_cur_until(&c, "]");
		if (!sfb_cur_tag_fetch(&c, tag, host, hostlen) || !sfb_cur_accept(&c, ']') ||
		    inet_pton(AF_INET6, host, addr) != 1)
			return false;
	} else {
		tag = sfb_cur_tag(&c);
		sfb_cur_until(&c, ":/?#@[]");
		if (!sfb_cur_tag_fetch(&c, tag, host, hostlen) ||
		    (!sfb_dns_name_valid(host) && inet_pton(AF_INET, host, addr) != 1))
			return false;
	}
	if (sfb_cur_accept(&c, ':')) {
		if (!sfb_cur_uint(&c, 65535, &p) || p == 0)
			return false;
		*port = (unsigned)p;
	}
	if (!sfb_cur_eof(&c) && strchr("/?#", sfb_cur_peek(&c)) == NULL)
		return false;
	sfb_cur_while(&c, URL_CHARS);
	return sfb_cur_eof(&c);
}

/* Add the link (token, href) met at line:col, or warn why it is left out. */
static sfb_status
add_link(struct adp *P, const char *token, const char *href, int line, int col)
{
	char tok[TOKEN_MAX + 1], url[HREF_MAX + 1], host[256];
	struct sfb_ad_link *l;
	sfb_autodiscover *ad = P->ad;
	unsigned port = 0;
	sfb_cur c;
	sfb_status st = SFB_OK;

	if (token == NULL || href == NULL) {
		sfb_warn(P->ctx, P->name, line, col, "autodiscover: a link without %s: ignored",
		    token == NULL ? "a token" : "an href");
		goto out;
	}
	sfb_cur_init_str(&c, "");
	if (trim_fetch(token, tok, sizeof(tok))) {
		sfb_cur_init_str(&c, tok);
		sfb_cur_while(&c, TOKEN_CHARS);
	}
	if (tok[0] == '\0' || !sfb_cur_eof(&c)) {
		sfb_warn(P->ctx, P->name, line, col, "autodiscover: the link token \"%s\" is not "
		    "1-%d letters, digits and \"/_.-\": ignored", esc(P, token), TOKEN_MAX);
		goto out;
	}
	if (!trim_fetch(href, url, sizeof(url)) || !href_parse(url, host, sizeof(host), &port)) {
		sfb_warn(P->ctx, P->name, line, col, "autodiscover: the href of link %s is not an "
		    "http or https URL with a valid host: \"%s\": ignored", tok, esc(P, href));
		goto out;
	}
	if (ad->nlinks >= SFB_AD_MAX_LINKS) {
		sfb_warn(P->ctx, P->name, line, col, "autodiscover: more than %d links: link %s "
		    "ignored", SFB_AD_MAX_LINKS, tok);
		goto out;
	}
	if ((st = sfb_grow(&ad->links, &P->caplinks, ad->nlinks + 1, sizeof(*ad->links))) != SFB_OK)
		goto out;
	l = &ad->links[ad->nlinks];
	memset(l, 0, sizeof(*l));
	l->port = port;
	if ((l->token = sfb_strdup(tok)) == NULL || (l->href = sfb_strdup(url)) == NULL ||
	    (l->host = sfb_strdup(host)) == NULL) {
		free(l->token);
		free(l->href);
		st = SFB_ENOMEM;
		goto out;
	}
	ad->nlinks++;
out:
	return st;
}

/* Add the SIP access entry of kind (fqdn, port text) met at line:col, or
 * warn why it is left out. */
static sfb_status
add_sip(struct adp *P, enum sfb_ad_access kind, const char *fqdn, const char *port, int line,
    int col)
{
	char name[254], num[8];
	struct sfb_ad_sip *e;
	sfb_autodiscover *ad = P->ad;
	uint64_t p = 0;
	size_t i;
	sfb_status st = SFB_OK;

	for (i = 0; i < ad->nsip; i++) {
		if (ad->sip[i].kind == kind) {
			sfb_warn(P->ctx, P->name, line, col, "autodiscover: a second %s: ignored",
			    access_names[kind]);
			goto out;
		}
	}
	if (fqdn == NULL || !trim_fetch(fqdn, name, sizeof(name)) || !sfb_dns_name_valid(name)) {
		sfb_warn(P->ctx, P->name, line, col, "autodiscover: the fqdn of %s is not a valid "
		    "DNS name: \"%s\": ignored", access_names[kind], esc(P, fqdn));
		goto out;
	}
	if (port == NULL || !trim_fetch(port, num, sizeof(num)) ||
	    !sfb_parse_uint(num, 65535, &p) || p == 0) {
		sfb_warn(P->ctx, P->name, line, col, "autodiscover: the port of %s is not a number "
		    "from 1 to 65535: \"%s\": ignored", access_names[kind], esc(P, port));
		goto out;
	}
	if ((st = sfb_grow(&ad->sip, &P->capsip, ad->nsip + 1, sizeof(*ad->sip))) != SFB_OK)
		goto out;
	e = &ad->sip[ad->nsip];
	e->kind = kind;
	e->port = (unsigned)p;
	if ((e->fqdn = sfb_strdup(name)) == NULL) {
		st = SFB_ENOMEM;
		goto out;
	}
	ad->nsip++;
out:
	return st;
}

static int
access_kind(const char *name)
{
	int k;

	for (k = 0; k < SFB_AD_ACCESS_COUNT; k++)
		if (strcmp(name, access_names[k]) == 0)
			return k;
	return -1;
}

/* AccessLocation: "Internal" or "External" (any case), else warned. */
static void
set_location(struct adp *P, const char *v, int line, int col)
{
	char t[16];

	if (v != NULL && trim_fetch(v, t, sizeof(t)) && strcasecmp(t, "Internal") == 0)
		P->ad->access_location = "Internal";
	else if (v != NULL && trim_fetch(v, t, sizeof(t)) && strcasecmp(t, "External") == 0)
		P->ad->access_location = "External";
	else
		sfb_warn(P->ctx, P->name, line, col, "autodiscover: AccessLocation \"%s\" is "
		    "neither Internal nor External: ignored", esc(P, v));
}

/* The start of every parse: the result, the size limit. */
static sfb_status
begin(struct adp *P, sfb_ctx *ctx, const char *name, const void *data, size_t len,
    enum sfb_ad_form form)
{
	memset(P, 0, sizeof(*P));
	P->ctx = ctx;
	P->name = name != NULL ? name : "autodiscover";
	P->text = data;
	P->len = len;
	sfb_buf_init(&P->esc);
	if (len > SFB_AD_MAX_INPUT)
		return sfb_fail(ctx, SFB_EINVAL, P->name, 0, 0, "an autodiscover document of more "
		    "than %u bytes", SFB_AD_MAX_INPUT);
	if ((P->ad = calloc(1, sizeof(*P->ad))) == NULL)
		return sfb_oom(ctx);
	P->ad->form = form;
	return SFB_OK;
}

/* The end of every parse: the result handed over on success, else freed. */
static sfb_status
finish(struct adp *P, sfb_status st, sfb_autodiscover **out)
{
	if (st == SFB_OK && sfb_buf_status(&P->esc) != SFB_OK)
		st = SFB_ENOMEM;
	if (st == SFB_ENOMEM)
		st = sfb_oom(P->ctx);
	if (st == SFB_OK) {
		*out = P->ad;
		P->ad = NULL;
	}
	sfb_autodiscover_free(P->ad);
	sfb_buf_free(&P->esc);
	return st;
}

/* --- JSON ------------------------------------------------------------------ */

/* The place of the value at path in the text. */
static void
jwhere(struct adp *P, const struct sfb_jstep *path, size_t n, int *line, int *col)
{
	*line = 1;
	*col = 1;
	sfb_json_where(P->text, P->len, path, n, line, col);
}

/* A string member of o, or NULL (absent or not a string). */
static const char *
jget(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* {"fqdn": ..., "port": "5061" or 5061}. */
static sfb_status
json_sip(struct adp *P, enum sfb_ad_access kind, const json_t *v, struct sfb_jstep *path)
{
	const json_t *port;
	char num[24];
	const char *pt = NULL;
	int line, col;

	jwhere(P, path, 2, &line, &col);
	if (!json_is_object(v)) {
		sfb_warn(P->ctx, P->name, line, col, "autodiscover: %s is %s, not an object: "
		    "ignored", access_names[kind], sfb_json_kind(v));
		return SFB_OK;
	}
	port = json_object_get(v, "port");
	if (json_is_integer(port)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(port));
		pt = num;
	} else {
		pt = json_string_value(port);
	}
	return add_sip(P, kind, jget(v, "fqdn"), pt, line, col);
}

/* One resource object: its Links array and its SIP access entries. */
static sfb_status
json_resource(struct adp *P, const char *rname, const json_t *res)
{
	struct sfb_jstep path[3] = { { rname, 0 }, { NULL, 0 }, { NULL, 0 } };
	const json_t *links = json_object_get(res, "Links"), *l, *v;
	const char *key;
	sfb_status st = SFB_OK;
	size_t i;
	int line, col, k;

	P->ad->resource = rname;
	if (links != NULL && !json_is_array(links)) {
		path[1].key = "Links";
		jwhere(P, path, 2, &line, &col);
		st = sfb_fail(P->ctx, SFB_EINVAL, P->name, line, col, "the Links of %s must be an "
		    "array of {\"token\", \"href\"}, not %s", rname, sfb_json_kind(links));
		goto out;
	}
	json_array_foreach(links, i, l) {
		path[1].key = "Links";
		path[2].index = i;
		jwhere(P, path, 3, &line, &col);
		if (!json_is_object(l)) {
			sfb_warn(P->ctx, P->name, line, col, "autodiscover: link %zu of %s is %s, not "
			    "an object: ignored", i + 1, rname, sfb_json_kind(l));
			continue;
		}
		if ((st = add_link(P, jget(l, "token"), jget(l, "href"), line, col)) != SFB_OK)
			goto out;
	}
	json_object_foreach((json_t *)res, key, v) {
		if ((k = access_kind(key)) < 0)
			continue;
		path[1].key = key;
		if ((st = json_sip(P, (enum sfb_ad_access)k, v, path)) != SFB_OK)
			goto out;
	}
out:
	return st;
}

/* UCWA: {"_links": {"self": {"href": ...}, "user": {...}, ...}}. */
static sfb_status
json_ucwa(struct adp *P, const json_t *links)
{
	struct sfb_jstep path[2] = { { "_links", 0 }, { NULL, 0 } };
	const char *rel;
	const json_t *v;
	sfb_status st = SFB_OK;
	int line, col;

	P->ad->resource = "_links";
	if (!json_is_object(links)) {
		jwhere(P, path, 1, &line, &col);
		st = sfb_fail(P->ctx, SFB_EINVAL, P->name, line, col, "_links must be an object "
		    "of relations, not %s", sfb_json_kind(links));
		goto out;
	}
	json_object_foreach((json_t *)links, rel, v) {
		path[1].key = rel;
		jwhere(P, path, 2, &line, &col);
		if (!json_is_object(v)) {  /* a list of links (HAL): not a discovery answer */
			sfb_warn(P->ctx, P->name, line, col, "autodiscover: _links.%s is %s, not "
			    "an object: ignored", esc(P, rel), sfb_json_kind(v));
			continue;
		}
		if ((st = add_link(P, rel, jget(v, "href"), line, col)) != SFB_OK)
			goto out;
	}
out:
	return st;
}

sfb_status
sfb_autodiscover_parse_json(sfb_ctx *ctx, const char *name, const void *data, size_t len,
    sfb_autodiscover **out)
{
	struct sfb_jstep path[1] = { { "AccessLocation", 0 } };
	struct adp P;
	json_error_t err;
	json_t *root = NULL, *loc, *res;
	sfb_status st;
	size_t i;
	int line, col;

	*out = NULL;
	if ((st = begin(&P, ctx, name, data, len, SFB_AD_JSON)) != SFB_OK)
		goto out;
	root = json_loadb(len > 0 ? data : "", len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		st = sfb_fail(ctx, SFB_EINVAL, P.name, err.line > 0 ? err.line : 0,
		    err.line > 0 && err.column > 0 ? err.column : 0, "JSON syntax error: %s",
		    esc(&P, err.text));
		goto out;
	}
	if (!json_is_object(root)) {
		st = sfb_fail(ctx, SFB_EINVAL, P.name, 1, 1, "an autodiscover response is a JSON "
		    "object ({\"AccessLocation\": ..., \"Root\": {\"Links\": [...]}}), not %s",
		    sfb_json_kind(root));
		goto out;
	}
	if ((loc = json_object_get(root, "AccessLocation")) != NULL) {
		jwhere(&P, path, 1, &line, &col);
		set_location(&P, json_string_value(loc), line, col);
	}
	for (i = 0; i < sizeof(resources) / sizeof(resources[0]); i++) {
		if ((res = json_object_get(root, resources[i])) == NULL)
			continue;
		if (!json_is_object(res)) {
			path[0].key = resources[i];
			jwhere(&P, path, 1, &line, &col);
			st = sfb_fail(ctx, SFB_EINVAL, P.name, line, col, "%s must be an object, "
			    "not %s", resources[i], sfb_json_kind(res));
			goto out;
		}
		if (P.ad->resource != NULL) {
			path[0].key = resources[i];
			jwhere(&P, path, 1, &line, &col);
			sfb_warn(ctx, P.name, line, col, "autodiscover: %s beside %s: ignored",
			    resources[i], P.ad->resource);
			continue;
		}
		if ((st = json_resource(&P, resources[i], res)) != SFB_OK)
			goto out;
	}
	if (P.ad->resource == NULL && (res = json_object_get(root, "_links")) != NULL &&
	    (st = json_ucwa(&P, res)) != SFB_OK)
		goto out;
	if (P.ad->resource == NULL) {
		st = sfb_fail(ctx, SFB_EINVAL, P.name, 1, 1, "not an autodiscover response: no "
		    "Root, User, Domain or _links object");
		goto out;
	}
out:
	json_decref(root);
	return finish(&P, st, out);
}

/* --- XML ------------------------------------------------------------------- */

static bool
is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* An attribute's value (xmlFree it); NULL when absent. */
static char *
xattr(xmlNode *n, const char *name)
{
	return (char *)xmlGetNoNsProp(n, (const xmlChar *)name);
}

static sfb_status
xml_failed(struct adp *P, xmlParserCtxtPtr pc)
{
	const xmlError *e = xmlCtxtGetLastError(pc);
	size_t n;

	if (e == NULL || e->message == NULL)
		return sfb_fail(P->ctx, SFB_EINVAL, P->name, 0, 0, "not a readable XML document");
	if (e->code == XML_ERR_NO_MEMORY)
		return sfb_oom(P->ctx);
	n = strlen(e->message);
	while (n > 0 && (e->message[n - 1] == '\n' || e->message[n - 1] == ' '))
		n--;
	/* libxml2 quotes names from the input in its messages. */
	sfb_buf_reset(&P->esc);
	sfb_esc_putn(&P->esc, SFB_ESC_LINE, e->message, n);
	if (sfb_buf_status(&P->esc) != SFB_OK)
		return SFB_ENOMEM;
	return sfb_fail(P->ctx, SFB_EINVAL, P->name, e->line > 0 ? e->line : 1, e->int2,
	    "not well-formed XML: %s", sfb_buf_str(&P->esc));
}

static sfb_status
xml_resource(struct adp *P, xmlNode *res)
{
	char *a = NULL, *b = NULL;
	xmlNode *c;
	sfb_status st = SFB_OK;
	int k, line;

	for (c = res->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		line = (int)xmlGetLineNo(c);
		if (is(c, "Link")) {
			a = xattr(c, "token");
			b = xattr(c, "href");
			st = add_link(P, a, b, line, 0);
		} else if ((k = access_kind((const char *)c->name)) >= 0) {
			a = xattr(c, "fqdn");
			b = xattr(c, "port");
			st = add_sip(P, (enum sfb_ad_access)k, a, b, line, 0);
		}
		xmlFree(a);
		xmlFree(b);
		a = b = NULL;
		if (st != SFB_OK)
			break;
	}
	return st;
}

sfb_status
sfb_autodiscover_parse_xml(sfb_ctx *ctx, const char *name, const void *data, size_t len,
    sfb_autodiscover **out)
{
	struct adp P;
	xmlParserCtxtPtr pc = NULL;
	xmlDocPtr doc = NULL;
	xmlNode *root, *c;
	char *loc = NULL;
	sfb_status st;
	size_t i;

	*out = NULL;
	if ((st = begin(&P, ctx, name, data, len, SFB_AD_XML)) != SFB_OK)
		goto out;
	if ((pc = xmlNewParserCtxt()) == NULL) {
		st = SFB_ENOMEM;
		goto out;
	}
	/* No network, no entity substitution, no messages of libxml2's own. */
	doc = xmlCtxtReadMemory(pc, len > 0 ? data : "", (int)len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		st = xml_failed(&P, pc);
		goto out;
	}
	/* A response has no DTD; one could only declare entities to expand. */
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		st = sfb_fail(ctx, SFB_EINVAL, P.name, 1, 1, "a <!DOCTYPE> is not allowed in an "
		    "autodiscover response");
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !is(root, "AutodiscoverResponse")) {
		st = sfb_fail(ctx, SFB_EINVAL, P.name, root != NULL ? (int)xmlGetLineNo(root) : 1,
		    0, "the root element is <%s>, not <AutodiscoverResponse>",
		    esc(&P, root != NULL ? (const char *)root->name : ""));
		goto out;
	}
	if ((loc = xattr(root, "AccessLocation")) != NULL)
		set_location(&P, loc, (int)xmlGetLineNo(root), 0);
	for (c = root->children; c != NULL; c = c->next) {
		for (i = 0; i < sizeof(resources) / sizeof(resources[0]); i++)
			if (is(c, resources[i]))
				break;
		if (i == sizeof(resources) / sizeof(resources[0]))
			continue;
		if (P.ad->resource != NULL) {
			sfb_warn(ctx, P.name, (int)xmlGetLineNo(c), 0, "autodiscover: <%s> beside "
			    "<%s>: ignored", resources[i], P.ad->resource);
			continue;
		}
		P.ad->resource = resources[i];
		if ((st = xml_resource(&P, c)) != SFB_OK)
			goto out;
	}
	if (P.ad->resource == NULL) {
		st = sfb_fail(ctx, SFB_EINVAL, P.name, (int)xmlGetLineNo(root), 0, "not an "
		    "autodiscover response: no <Root>, <User> or <Domain> in <AutodiscoverResponse>");
		goto out;
	}
out:
	xmlFree(loc);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(pc);
	return finish(&P, st, out);
}

/* --- either ---------------------------------------------------------------- */

sfb_status
sfb_autodiscover_parse(sfb_ctx *ctx, const char *name, const void *data, size_t len,
    sfb_autodiscover **out)
{
	sfb_cur c;

	*out = NULL;
	sfb_cur_init(&c, data, len);
	sfb_cur_accept_str(&c, "\xef\xbb\xbf");
	sfb_cur_while(&c, SPACE);
	if (sfb_cur_peek(&c) == '{')
		return sfb_autodiscover_parse_json(ctx, name, data, len, out);
	if (sfb_cur_peek(&c) == '<')
		return sfb_autodiscover_parse_xml(ctx, name, data, len, out);
	return sfb_fail(ctx, SFB_EINVAL, name != NULL ? name : "autodiscover", 1, 1,
	    "neither JSON nor XML: an autodiscover response starts with '{' or '<'");
}
