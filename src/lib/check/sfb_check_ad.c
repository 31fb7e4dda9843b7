/* check_autodiscover: https://lyncdiscover.<domain>/ (and
 * lyncdiscoverinternal from inside) as a client asks it: the name through
 * the same DNS as every other check, then libcurl on the loop with the
 * autodiscover Accept header; https first, http when https cannot be
 * reached; redirects (HTTP 3xx and the document's redirect link) followed
 * at most MAX_HOPS times, a URL seen twice being a loop; the document
 * parsed (JSON or XML), its user link present, and the user and xframe
 * links fetched so that their certificates are checked too. */
#include "check/sfb_check_int.h"
#include "check/sfb_autodiscover.h"
#include "check/sfb_dnsans.h"

#include <ares.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_HOPS 5

enum ad_stage { AD_ROOT, AD_LINK };

struct ad_task {
	struct sfb_task base;
	char *name;              /* lyncdiscover.D */
	char *subject;           /* the first URL */
	char *expect_addr;
	enum ad_stage stage;
	char url[2048];
	char host[256];
	unsigned port;
	bool https_failed;       /* http after https */
	sfb_strv seen;           /* URLs asked (loop detection) */
	unsigned hops;
	CURL *easy;
	struct curl_slist *resolve, *headers;
	sfb_buf body;
	char addr[64];
	/* links still to fetch: user, xframe */
	char links[2][2048];
	char link_token[2][16];
	size_t nlinks, link_i;
	bool resolving;
};

static void ad_start(struct sfb_task *t);
static void ad_free(struct sfb_task *t);

const struct sfb_task_type sfb_check_autodiscover = { "check_autodiscover", ad_start, ad_free };

static void
drop_easy(struct ad_task *a)
{
	if (a->easy != NULL) {
		sfb_curl_remove(a->base.run->curl, a->easy);
		curl_easy_cleanup(a->easy);
		a->easy = NULL;
	}
	curl_slist_free_all(a->resolve);
	curl_slist_free_all(a->headers);
	a->resolve = a->headers = NULL;
}

static void
ad_free(struct sfb_task *t)
{
	struct ad_task *a = (struct ad_task *)t;

	if (a->base.run != NULL)
		drop_easy(a);
	free(a->name);
	free(a->subject);
	free(a->expect_addr);
	sfb_strv_free(&a->seen);
	sfb_buf_free(&a->body);
	free(a);
}

static void
finish(struct ad_task *a)
{
	drop_easy(a);
	sfb_task_done(&a->base);
}

static const char *
stage_check(const struct ad_task *a)
{
	return a->stage == AD_ROOT ? "autodiscover" : "autodiscover-link";
}

static const char *
stage_subject(const struct ad_task *a)
{
	return a->stage == AD_ROOT ? a->subject : a->links[a->link_i];
}

/* Host and port of the URL through libcurl's own parser. */
static bool
split_url(struct ad_task *a)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL;
	bool ok = false;

	if (u == NULL)
		return false;
	if (curl_url_set(u, CURLUPART_URL, a->url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
	    strlen(host) < sizeof(a->host)) {
		unsigned long p = strtoul(port, NULL, 10);

		snprintf(a->host, sizeof(a->host), "%s", host);
		a->port = p > 0 && p < 65536 ? (unsigned)p : 443;
		ok = true;
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok;
}

static void next_link(struct ad_task *a);
static void on_resolved(void *arg, int status, const unsigned char *abuf, int alen);

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct ad_task *a = arg;

	if (a->body.len + size * n > SFB_AD_MAX_INPUT)
		return 0;
	sfb_buf_add(&a->body, p, size * n);
	return sfb_buf_status(&a->body) == SFB_OK ? size * n : 0;
}

static void on_done(void *arg, CURL *easy, CURLcode res);

static void
fetch(struct ad_task *a)
{
	struct sfb_check *c = a->base.run;
	char line[400];

	drop_easy(a);
	sfb_buf_reset(&a->body);
	snprintf(line, sizeof(line), "%s:%u:%s", a->host, a->port, a->addr);
	if ((a->easy = curl_easy_init()) == NULL || (a->resolve = curl_slist_append(NULL, line)) ==
	    NULL || (a->headers = curl_slist_append(NULL, "Accept: application/vnd.microsoft."
	    "rtc.autodiscover+xml;v=1, application/json;q=0.9")) == NULL) {
		sfb_check_oom(c);
		finish(a);
		return;
	}
	curl_easy_setopt(a->easy, CURLOPT_URL, a->url);
	curl_easy_setopt(a->easy, CURLOPT_RESOLVE, a->resolve);
	curl_easy_setopt(a->easy, CURLOPT_HTTPHEADER, a->headers);
	curl_easy_setopt(a->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(a->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(a->easy, CURLOPT_TIMEOUT_MS, (long)c->timeout_ms);
	curl_easy_setopt(a->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(a->easy, CURLOPT_USERAGENT, "sfbnet-check");
	curl_easy_setopt(a->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(a->easy, CURLOPT_WRITEDATA, a);
	if (c->o->ca_file != NULL)
		curl_easy_setopt(a->easy, CURLOPT_CAINFO, c->o->ca_file);
	if (sfb_curl_add(c->curl, a->easy, on_done, a) != SFB_OK) {
		sfb_check_oom(c);
		finish(a);
	}
}

/* Go to url: resolve its host, then fetch.  False (reported) for a bad URL
 * or a loop. */
static bool
go(struct ad_task *a, const char *url)
{
	struct sfb_check *c = a->base.run;

	if (a->stage == AD_ROOT) {
		if (sfb_strv_has(&a->seen, url)) {
			sfb_check_report(c, "autodiscover", a->subject, SFB_VERDICT_FAIL,
			    &sfb_cite_autodiscover, 0, 0, url, "redirect loop: %s was asked before",
			    url);
			return false;
		}
		if (++a->hops > MAX_HOPS) {
			sfb_check_report(c, "autodiscover", a->subject, SFB_VERDICT_FAIL,
			    &sfb_cite_autodiscover, 0, 0, url, "redirect loop: more than %d redirects",
			    MAX_HOPS);
			return false;
		}
		if (sfb_strv_add(&a->seen, url, true) != SFB_OK) {
			sfb_check_oom(c);
			return false;
		}
	}
	snprintf(a->url, sizeof(a->url), "%s", url);
	if (!split_url(a)) {
		sfb_check_report(c, stage_check(a), stage_subject(a), SFB_VERDICT_FAIL,
		    &sfb_cite_autodiscover, 0, 0, url, "not a URL a client can follow");
		return false;
	}
	a->resolving = true;
	sfb_ares_query(c->dns, a->host, 1, on_resolved, a);
	return true;
}

static void
on_resolved(void *arg, int status, const unsigned char *abuf, int alen)
{
	struct ad_task *a = arg;
	struct sfb_check *c = a->base.run;
	struct sfb_dnsans ans;
	const char *why = NULL;
	sfb_status st = SFB_ENOTFOUND;

	a->resolving = false;
	if (a->base.finished)
		return;
	if (status == ARES_EDESTRUCTION) {
		finish(a);
		return;
	}
	sfb_dnsans_init(&ans, 1);
	if (status == ARES_SUCCESS)
		st = sfb_dnsans_decode(&ans, abuf, alen, &why);
	if (st != SFB_OK) {
		sfb_check_report(c, stage_check(a), stage_subject(a), SFB_VERDICT_FAIL,
		    &sfb_cite_autodiscover, 0, 0, NULL, "%s does not resolve (%s)", a->host,
		    status != ARES_SUCCESS ? sfb_ares_strerror(status) : why ? why : "no address");
		sfb_dnsans_free(&ans);
		if (a->stage == AD_LINK)
			next_link(a);
		else
			finish(a);
		return;
	}
	snprintf(a->addr, sizeof(a->addr), "%s", ans.addrs.v[0]);
	sfb_dnsans_free(&ans);
	fetch(a);
}

static void
next_link(struct ad_task *a)
{
	/* The link a->link_i is done (reported): on to the next. */
	a->stage = AD_LINK;
	a->link_i++;
	while (a->link_i < a->nlinks) {
		if (go(a, a->links[a->link_i]))
			return;
		a->link_i++;
	}
	finish(a);
}

static void
root_document(struct ad_task *a, long code)
{
	struct sfb_check *c = a->base.run;
	sfb_autodiscover *ad = NULL;
	const struct sfb_ad_link *user, *redirect, *xframe;
	char ev[4400];

	if (sfb_autodiscover_parse(c->ctx, a->url, a->body.data != NULL ? a->body.data : "",
	    a->body.len, &ad) != SFB_OK) {
		sfb_check_report(c, "autodiscover", a->subject, SFB_VERDICT_FAIL,
		    &sfb_cite_autodiscover, 0, 0, a->url, "HTTP %ld, but not an autodiscover "
		    "document: %s", code, sfb_ctx_error(c->ctx));
		finish(a);
		return;
	}
	if ((redirect = sfb_autodiscover_redirect(ad)) != NULL) {
		char to[2048];

		snprintf(to, sizeof(to), "%s", redirect->href);
		sfb_autodiscover_free(ad);
		if (!go(a, to))
			finish(a);
		return;
	}
	user = sfb_autodiscover_link(ad, "user");
	xframe = sfb_autodiscover_link(ad, "xframe");
	if (user == NULL) {
		sfb_check_report(c, "autodiscover", a->subject, SFB_VERDICT_FAIL,
		    &sfb_cite_autodiscover, 0, 0, a->url, "the document has no user link");
		sfb_autodiscover_free(ad);
		finish(a);
		return;
	}
	snprintf(ev, sizeof(ev), "%s; %s form; user %s", a->url, ad->form == SFB_AD_JSON ?
	    "JSON" : "XML", user->href);
	sfb_check_report(c, "autodiscover", a->subject, SFB_VERDICT_PASS, &sfb_cite_autodiscover,
	    0, 0, ev, "HTTP %ld, a %s document with its user link%s", code, ad->form == SFB_AD_JSON ?
	    "JSON" : "XML", a->hops > 1 ? " (after redirects)" : "");
	a->nlinks = 0;
	snprintf(a->links[a->nlinks], sizeof(a->links[0]), "%s", user->href);
	snprintf(a->link_token[a->nlinks++], sizeof(a->link_token[0]), "user");
	if (xframe != NULL) {
		snprintf(a->links[a->nlinks], sizeof(a->links[0]), "%s", xframe->href);
		snprintf(a->link_token[a->nlinks++], sizeof(a->link_token[0]), "xframe");
	}
	sfb_autodiscover_free(ad);
	a->link_i = 0;
	a->stage = AD_LINK;
	if (!go(a, a->links[0]))
		next_link(a);
}

static void
on_done(void *arg, CURL *easy, CURLcode res)
{
	struct ad_task *a = arg;
	struct sfb_check *c = a->base.run;
	long code = 0;
	char *location = NULL, *ip = NULL;
	char ev[2300];

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(easy, CURLINFO_PRIMARY_IP, &ip);
	if (res != CURLE_OK) {
		bool https = strncasecmp(a->url, "https:", 6) == 0;

		snprintf(ev, sizeof(ev), "%s (%s)", a->url, ip != NULL ? ip : a->addr);
		if (a->stage == AD_ROOT && https && a->hops == 1 && !a->https_failed &&
		    (res == CURLE_COULDNT_CONNECT || res == CURLE_OPERATION_TIMEDOUT)) {
			/* https cannot be reached: clients try http. */
			char url[2100];

			a->https_failed = true;
			sfb_check_report(c, "autodiscover", a->subject, SFB_VERDICT_WARN,
			    &sfb_cite_autodiscover, 0, 0, ev, "https: %s; trying http",
			    curl_easy_strerror(res));
			snprintf(url, sizeof(url), "http://%s/", a->host);
			a->hops = 0;
			if (!go(a, url))
				finish(a);
			return;
		}
		sfb_check_report(c, stage_check(a), stage_subject(a), SFB_VERDICT_FAIL,
		    &sfb_cite_autodiscover, 0, 0, ev, "%s%s", res == CURLE_PEER_FAILED_VERIFICATION ?
		    "certificate: " : "", curl_easy_strerror(res));
		if (a->stage == AD_LINK)
			next_link(a);
		else
			finish(a);
		return;
	}
	if (a->stage == AD_LINK) {
		/* The link's server answered over verified TLS: any answer but a
		 * missing resource or a server error will do (401 is usual). */
		snprintf(ev, sizeof(ev), "%s: HTTP %ld", a->link_token[a->link_i], code);
		if (code == 404 || code >= 500)
			sfb_check_report(c, "autodiscover-link", a->links[a->link_i], SFB_VERDICT_FAIL,
			    &sfb_cite_autodiscover, 0, 0, ev, "HTTP %ld", code);
		else
			sfb_check_report(c, "autodiscover-link", a->links[a->link_i], SFB_VERDICT_PASS,
			    &sfb_cite_autodiscover, 0, 0, ev, "reached, certificate verified (HTTP %ld)",
			    code);
		next_link(a);
		return;
	}
	if (code >= 300 && code < 400) {
		char to[2048];

		curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &location);
		if (location == NULL) {
			sfb_check_report(c, "autodiscover", a->subject, SFB_VERDICT_FAIL,
			    &sfb_cite_autodiscover, 0, 0, a->url, "HTTP %ld without a Location", code);
			finish(a);
			return;
		}
		snprintf(to, sizeof(to), "%s", location);
		if (!go(a, to))
			finish(a);
		return;
	}
	if (code != 200) {
		snprintf(ev, sizeof(ev), "%s: HTTP %ld", a->url, code);
		sfb_check_report(c, "autodiscover", a->subject, SFB_VERDICT_FAIL,
		    &sfb_cite_autodiscover, 0, 0, ev, "HTTP %ld", code);
		finish(a);
		return;
	}
	root_document(a, code);
}

static void
ad_start(struct sfb_task *t)
{
	struct ad_task *a = (struct ad_task *)t;

	if (!go(a, a->subject))
		finish(a);
}

sfb_status
sfb_check_ad_task(struct sfb_check *c, const char *name, const char *expect_addr)
{
	struct ad_task *a;
	char url[300];

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return sfb_oom(c->ctx);
	a->base.type = &sfb_check_autodiscover;
	sfb_strv_init(&a->seen);
	sfb_buf_init(&a->body);
	snprintf(url, sizeof(url), "https://%s/", name);
	if ((a->name = sfb_strdup(name)) == NULL || (a->subject = sfb_strdup(url)) == NULL ||
	    (expect_addr != NULL && (a->expect_addr = sfb_strdup(expect_addr)) == NULL)) {
		ad_free(&a->base);
		return sfb_oom(c->ctx);
	}
	sfb_check_add_task(c, &a->base);
	return c->err != SFB_OK ? sfb_oom(c->ctx) : SFB_OK;
}
