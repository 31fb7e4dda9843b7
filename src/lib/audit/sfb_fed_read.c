/* The federation exports as PowerShell writes them (docs/federation.md):
 *
 *   on premises, one object: @{AccessEdgeConfiguration=Get-CsAccessEdgeConfiguration;
 *     AllowedDomain=@(Get-CsAllowedDomain); BlockedDomain=@(Get-CsBlockedDomain);
 *     HostingProvider=@(Get-CsHostingProvider)} | ConvertTo-Json -Depth 5
 *   online: Get-CsTenantFederationConfiguration | ConvertTo-Json -Depth 5
 *
 * PowerShell versions and modules serialise the same setting in several
 * shapes: an object or a one-element array; the tenant's AllowedDomains as
 * a string "Domain=a Domain=b", as { "AllowedDomain": ... } with a string
 * or a list, or in one of the forms of open federation ({}, the string
 * "AllowAllKnownDomains", { "Element": "<AllowAllKnownDomains .../>" });
 * booleans as true/false or "True"/"False"; enums as names or numbers
 * (Windows PowerShell 5.1).  Files come in UTF-8, with or without a byte-
 * order mark, or in UTF-16LE with one (what `>` writes).  Keys not named
 * here are ignored. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "sfb_esc.h"
#include "sfb_fed.h"
#include "sfb_jpos.h"
#include "sfb_text.h"

struct rd {
	sfb_ctx *ctx;
	const char *file;
	const char *text;      /* the document as UTF-8 */
	size_t len;
};

/* A refusal at the place of the value at path (n steps). */
static sfb_status
refuse(struct rd *R, const struct sfb_jstep *path, size_t n, const char *what)
{
	int line, col;

	sfb_json_where(R->text, R->len, path, n, &line, &col);
	return sfb_fail(R->ctx, SFB_EINVAL, R->file, line, col, "%s", what);
}

/* --- text ------------------------------------------------------------------ */

/* UTF-16LE (after its mark) as UTF-8 into b; false on a lone surrogate or
 * an odd length. */
static bool
utf16le_to_utf8(const unsigned char *p, size_t len, sfb_buf *b)
{
	size_t i;
	unsigned long cp, lo;

	if (len % 2 != 0)
		return false;
	for (i = 0; i + 1 < len; i += 2) {
		cp = (unsigned long)p[i] | ((unsigned long)p[i + 1] << 8);
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (i + 3 >= len)
				return false;
			lo = (unsigned long)p[i + 2] | ((unsigned long)p[i + 3] << 8);
			if (lo < 0xdc00 || lo > 0xdfff)
				return false;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			return false;
		}
		if (cp < 0x80) {
			sfb_buf_putc(b, (char)cp);
		} else if (cp < 0x800) {
			sfb_buf_putc(b, (char)(0xc0 | (cp >> 6)));
			sfb_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
		} else if (cp < 0x10000) {
			sfb_buf_putc(b, (char)(0xe0 | (cp >> 12)));
			sfb_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
			sfb_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
		} else {
			sfb_buf_putc(b, (char)(0xf0 | (cp >> 18)));
			sfb_buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
			sfb_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
			sfb_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
		}
	}
	return true;
}

/* The document as UTF-8 in b and parsed into *root. */
static sfb_status
load(struct rd *R, const void *data, size_t len, sfb_buf *b, json_t **root)
{
	const unsigned char *p = data;
	json_error_t err;
	sfb_buf m;
	sfb_status st;

	*root = NULL;
	if (len >= 2 && p[0] == 0xff && p[1] == 0xfe) {
		if (!utf16le_to_utf8(p + 2, len - 2, b))
			return sfb_fail(R->ctx, SFB_EINVAL, R->file, 1, 1, "not valid UTF-16LE");
	} else if (len >= 2 && p[0] == 0xfe && p[1] == 0xff) {
		return sfb_fail(R->ctx, SFB_EINVAL, R->file, 1, 1, "UTF-16 big-endian: save it as "
		    "UTF-8 or UTF-16LE (what PowerShell writes)");
	} else if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		sfb_buf_add(b, (const char *)p + 3, len - 3);
	} else if (len >= 2 && (p[1] == 0 || p[0] == 0)) {
		return sfb_fail(R->ctx, SFB_EINVAL, R->file, 1, 1, "UTF-16 without a byte-order mark: "
		    "save it as UTF-8, or as UTF-16 with its mark");
	} else {
		sfb_buf_add(b, (const char *)p, len);
	}
	if (sfb_buf_status(b) != SFB_OK)
		return sfb_oom(R->ctx);
	R->text = sfb_buf_str(b);
	R->len = b->len;
	*root = json_loadb(R->text, R->len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
	if (*root != NULL)
		return SFB_OK;
	sfb_buf_init(&m);
	sfb_esc_put(&m, SFB_ESC_LINE, err.text);
	st = sfb_buf_status(&m) != SFB_OK ? sfb_oom(R->ctx) : sfb_fail(R->ctx, SFB_EINVAL, R->file,
	    err.line > 0 ? err.line : 1, err.column > 0 ? err.column : 1, "not JSON: %s", m.data);
	sfb_buf_free(&m);
	return st;
}

/* --- values ---------------------------------------------------------------- */

/* An object, or the object of a one-element array (what ConvertTo-Json
 * writes for a collection of one). */
static json_t *
one_object(json_t *v, bool *wrapped)
{
	*wrapped = false;
	if (json_is_array(v) && json_array_size(v) == 1 && json_is_object(json_array_get(v, 0))) {
		*wrapped = true;
		return json_array_get(v, 0);
	}
	return json_is_object(v) ? v : NULL;
}

/* A boolean as true/false or "True"/"False"; -1: absent or neither. */
static int
boolean(json_t *v)
{
	const char *s;

	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_string(v)) {
		s = json_string_value(v);
		if (strcasecmp(s, "true") == 0)
			return 1;
		if (strcasecmp(s, "false") == 0)
			return 0;
	}
	return -1;
}

static sfb_status
need_bool(struct rd *R, json_t *obj, const char *key, struct sfb_jstep *path, size_t n,
    bool *out)
{
	json_t *v = json_object_get(obj, key);
	int b = boolean(v);
	char what[160];

	path[n] = (struct sfb_jstep){ key, 0 };
	if (b >= 0) {
		*out = b == 1;
		return SFB_OK;
	}
	snprintf(what, sizeof(what), "%s: want true or false%s", key,
	    v == NULL ? ", and the key is not there" : "");
	return refuse(R, path, v == NULL ? n : n + 1, what);
}

/* A domain as a list keeps it: lower case, checked. */
static sfb_status
add_domain(struct rd *R, sfb_strv *list, const char *d, size_t n, const struct sfb_jstep *path,
    size_t np)
{
	char buf[256];
	size_t i;

	while (n > 0 && (*d == ' ' || *d == '\t')) {
		d++;
		n--;
	}
	while (n > 0 && (d[n - 1] == ' ' || d[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= sizeof(buf))
		return refuse(R, path, np, "an empty or over-long domain");
	for (i = 0; i < n; i++)
		buf[i] = d[i] >= 'A' && d[i] <= 'Z' ? (char)(d[i] - 'A' + 'a') : d[i];
	buf[n] = '\0';
	if (!sfb_dns_name_valid(buf))
		return refuse(R, path, np, "a domain that is not a DNS name");
	return sfb_strv_add(list, buf, true) == SFB_OK ? SFB_OK : sfb_oom(R->ctx);
}

/* "Domain=a Domain=b" (or a bare name) into list. */
static sfb_status
domain_string(struct rd *R, sfb_strv *list, const char *s, const struct sfb_jstep *path,
    size_t np)
{
	sfb_cur c;
	size_t start;
	sfb_status st;

	sfb_cur_init_str(&c, s);
	for (;;) {
		sfb_cur_skip_space(&c);
		if (sfb_cur_eof(&c))
			return SFB_OK;
		sfb_cur_accept_str(&c, "Domain=");
		start = c.pos;
		while (!sfb_cur_eof(&c) && sfb_cur_peek(&c) != ' ' && sfb_cur_peek(&c) != '\t' &&
		    sfb_cur_peek(&c) != ',' && sfb_cur_peek(&c) != ';')
			sfb_cur_skip(&c, 1);
		if ((st = add_domain(R, list, s + start, c.pos - start, path, np)) != SFB_OK)
			return st;
		sfb_cur_accept(&c, ',');
		sfb_cur_accept(&c, ';');
	}
}

/* One element of a domain list: "Domain=x", "x", or an object with Domain
 * (or Identity). */
static sfb_status
domain_item(struct rd *R, sfb_strv *list, json_t *v, const struct sfb_jstep *path, size_t np)
{
	json_t *d;

	if (json_is_string(v))
		return domain_string(R, list, json_string_value(v), path, np);
	if (json_is_object(v)) {
		d = json_object_get(v, "Domain");
		if (d == NULL)
			d = json_object_get(v, "Identity");
		if (json_is_string(d))
			return domain_string(R, list, json_string_value(d), path, np);
	}
	return refuse(R, path, np, "a domain entry: want \"Domain=NAME\", a name, or an object "
	    "with Domain");
}

/* A list of domains: null, a string, an array of entries, or an object
 * holding them under inner ("AllowedDomain", "BlockedDomain"). */
static sfb_status
domain_list(struct rd *R, sfb_strv *list, json_t *v, const char *inner, struct sfb_jstep *path,
    size_t np)
{
	json_t *in;
	size_t i;
	sfb_status st;

	if (v == NULL || json_is_null(v))
		return SFB_OK;
	if (json_is_string(v))
		return domain_string(R, list, json_string_value(v), path, np);
	if (json_is_object(v) && inner != NULL && (in = json_object_get(v, inner)) != NULL) {
		path[np] = (struct sfb_jstep){ inner, 0 };
		return domain_list(R, list, in, NULL, path, np + 1);
	}
	if (json_is_object(v))
		return domain_item(R, list, v, path, np);
	if (!json_is_array(v))
		return refuse(R, path, np, "a domain list: want a string, a list or an object");
	for (i = 0; i < json_array_size(v); i++) {
		path[np] = (struct sfb_jstep){ NULL, i };
		if ((st = domain_item(R, list, json_array_get(v, i), path, np + 1)) != SFB_OK)
			return st;
	}
	return SFB_OK;
}

/* --- on premises ----------------------------------------------------------- */

/* Whether a hosting provider verifies sources: the name, or the number
 * Windows PowerShell 5.1 writes for it (AlwaysVerifiable 0,
 * AlwaysUnverifiable 1, UseSourceVerification 2: the order of the enum in
 * the cmdlets' documentation). */
static bool
source_verification(json_t *v)
{
	if (json_is_string(v))
		return strcasecmp(json_string_value(v), "UseSourceVerification") == 0 ||
		    strcmp(json_string_value(v), "2") == 0;
	return json_is_integer(v) && json_integer_value(v) == 2;
}

static sfb_status
hosting_providers(struct rd *R, struct fed_side *s, json_t *v, struct sfb_jstep *path)
{
	json_t *hp, *fq;
	size_t i, n = json_is_array(v) ? json_array_size(v) : 1;
	const char *id;

	if (v == NULL || json_is_null(v))
		return SFB_OK;
	if (!json_is_array(v) && !json_is_object(v))
		return refuse(R, path, 1, "HostingProvider: want a list of hosting providers");
	for (i = 0; i < n && !s->hp_found; i++) {
		hp = json_is_array(v) ? json_array_get(v, i) : v;
		path[1] = (struct sfb_jstep){ NULL, i };
		if (!json_is_object(hp))
			return refuse(R, path, json_is_array(v) ? 2 : 1, "a hosting provider: want an object");
		fq = json_object_get(hp, "ProxyFqdn");
		if (!json_is_string(fq) || strcasecmp(json_string_value(fq), "sipfed.online.lync.com") != 0)
			continue;
		s->hp_found = true;
		s->hp_enabled = boolean(json_object_get(hp, "Enabled")) == 1;
		s->hp_shared = boolean(json_object_get(hp, "EnabledSharedAddressSpace")) == 1;
		s->hp_hosts_ocs = boolean(json_object_get(hp, "HostsOCSUsers")) == 1;
		s->hp_local = boolean(json_object_get(hp, "IsLocal")) == 1;
		s->hp_source_verif = source_verification(json_object_get(hp, "VerificationLevel"));
		id = json_string_value(json_object_get(hp, "Identity"));
		if (id != NULL && (s->hp_identity = sfb_strdup(id)) == NULL)
			return sfb_oom(R->ctx);
	}
	return SFB_OK;
}

sfb_status
sfb_fed_read_onprem(sfb_ctx *ctx, const char *file, const void *data, size_t len,
    struct fed_side *s)
{
	struct rd R = { ctx, file, NULL, 0 };
	struct sfb_jstep path[8];
	json_t *root = NULL, *top, *edge;
	sfb_buf b;
	sfb_status st;
	bool wrapped, w2;

	sfb_buf_init(&b);
	s->present = true;
	s->file = file;
	if ((st = load(&R, data, len, &b, &root)) != SFB_OK)
		goto out;
	if ((top = one_object(root, &wrapped)) == NULL) {
		st = refuse(&R, path, 0, "want the object of the on-premises export (docs/federation.md)");
		goto out;
	}
	path[0] = (struct sfb_jstep){ NULL, 0 };
	edge = one_object(json_object_get(top, "AccessEdgeConfiguration"), &w2);
	if (edge == NULL) {
		st = refuse(&R, path, wrapped, "no AccessEdgeConfiguration object: not the on-premises "
		    "export (Get-CsAccessEdgeConfiguration with the domain lists, docs/federation.md)");
		goto out;
	}
	{
		struct sfb_jstep *p = path + wrapped;
		size_t base = 1 + (w2 ? 1 : 0);

		p[0] = (struct sfb_jstep){ "AccessEdgeConfiguration", 0 };
		p[1] = (struct sfb_jstep){ NULL, 0 };
		if ((st = need_bool(&R, edge, "AllowFederatedUsers", p, base, &s->federation)) != SFB_OK ||
		    (st = need_bool(&R, edge, "EnablePartnerDiscovery", p, base, &s->open)) != SFB_OK)
			goto out;
		p[0] = (struct sfb_jstep){ "AllowedDomain", 0 };
		if ((st = domain_list(&R, &s->allowed, json_object_get(top, "AllowedDomain"),
		    "AllowedDomain", p, 1)) != SFB_OK)
			goto out;
		p[0] = (struct sfb_jstep){ "BlockedDomain", 0 };
		if ((st = domain_list(&R, &s->blocked, json_object_get(top, "BlockedDomain"),
		    "BlockedDomain", p, 1)) != SFB_OK)
			goto out;
		p[0] = (struct sfb_jstep){ "HostingProvider", 0 };
		st = hosting_providers(&R, s, json_object_get(top, "HostingProvider"), p);
	}
out:
	json_decref(root);
	sfb_buf_free(&b);
	return st;
}

/* --- online ----------------------------------------------------------------- */

/* Is the tenant's AllowedDomains one of the forms of open federation? */
static bool
allow_all(json_t *v)
{
	json_t *e;

	if (json_is_string(v))
		return strcasecmp(json_string_value(v), "AllowAllKnownDomains") == 0 ||
		    strstr(json_string_value(v), "<AllowAllKnownDomains") != NULL;
	if (!json_is_object(v))
		return false;
	if (json_object_size(v) == 0 || json_object_get(v, "AllowAllKnownDomains") != NULL)
		return true;
	e = json_object_get(v, "Element");
	return json_is_string(e) && strstr(json_string_value(e), "AllowAllKnownDomains") != NULL;
}

sfb_status
sfb_fed_read_online(sfb_ctx *ctx, const char *file, const void *data, size_t len,
    struct fed_side *s)
{
	struct rd R = { ctx, file, NULL, 0 };
	struct sfb_jstep path[8];
	json_t *root = NULL, *top, *ad;
	sfb_buf b;
	sfb_status st;
	bool wrapped;
	size_t base;

	sfb_buf_init(&b);
	s->present = true;
	s->file = file;
	if ((st = load(&R, data, len, &b, &root)) != SFB_OK)
		goto out;
	if ((top = one_object(root, &wrapped)) == NULL) {
		st = refuse(&R, path, 0, "want the object of Get-CsTenantFederationConfiguration "
		    "| ConvertTo-Json (or a list of one)");
		goto out;
	}
	path[0] = (struct sfb_jstep){ NULL, 0 };
	base = wrapped ? 1 : 0;
	if ((st = need_bool(&R, top, "AllowFederatedUsers", path, base, &s->federation)) != SFB_OK)
		goto out;
	if (json_object_get(top, "SharedSipAddressSpace") != NULL &&
	    (st = need_bool(&R, top, "SharedSipAddressSpace", path, base, &s->shared)) != SFB_OK)
		goto out;
	ad = json_object_get(top, "AllowedDomains");
	if (ad == NULL) {
		st = refuse(&R, path, base, "no AllowedDomains: not the output of "
		    "Get-CsTenantFederationConfiguration");
		goto out;
	}
	path[base] = (struct sfb_jstep){ "AllowedDomains", 0 };
	s->open = allow_all(ad);
	if (!s->open && (st = domain_list(&R, &s->allowed, ad, "AllowedDomain", path,
	    base + 1)) != SFB_OK)
		goto out;
	path[base] = (struct sfb_jstep){ "BlockedDomains", 0 };
	st = domain_list(&R, &s->blocked, json_object_get(top, "BlockedDomains"), "BlockedDomain",
	    path, base + 1);
out:
	json_decref(root);
	sfb_buf_free(&b);
	return st;
}

void
sfb_fed_side_free(struct fed_side *s)
{
	sfb_strv_free(&s->allowed);
	sfb_strv_free(&s->blocked);
	free(s->hp_identity);
	memset(s, 0, sizeof(*s));
}

int
sfb_fed_mode(const struct fed_side *s)
{
	if (!s->federation)
		return FED_OFF;
	return s->open ? FED_OPEN : FED_ALLOWED_ONLY;
}
