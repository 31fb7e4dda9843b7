/* The autodiscover response parser: hand-written documents of both forms
 * (modelled on the shapes [MS-OCDISCWS] and Microsoft's examples show),
 * every field, the quirks, warnings, and malformed documents refused with
 * their message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check/sfb_autodiscover.h"
#include "sfb_ctx.h"

static sfb_autodiscover *
parse_ok(sfb_ctx *ctx, const char *text)
{
	sfb_autodiscover *ad = NULL;
	sfb_status st = sfb_autodiscover_parse(ctx, "t", text, strlen(text), &ad);

	if (st != SFB_OK)
		print_error("refused: %s\n", sfb_ctx_error(ctx));
	assert_int_equal(st, SFB_OK);
	assert_non_null(ad);
	return ad;
}

static void
refused(const char *text, const char *msg)
{
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_autodiscover *ad = (sfb_autodiscover *)1;

	assert_int_equal(sfb_autodiscover_parse(ctx, "t", text, strlen(text), &ad), SFB_EINVAL);
	assert_null(ad);
	assert_string_equal(sfb_ctx_error(ctx), msg);
	sfb_ctx_free(ctx);
}

static void
link_is(const struct sfb_ad_link *l, const char *token, const char *href, const char *host,
    unsigned port)
{
	assert_string_equal(l->token, token);
	assert_string_equal(l->href, href);
	assert_string_equal(l->host, host);
	assert_int_equal(l->port, port);
}

static void
sip_is(const struct sfb_ad_sip *s, enum sfb_ad_access kind, const char *fqdn, unsigned port)
{
	assert_int_equal(s->kind, kind);
	assert_string_equal(s->fqdn, fqdn);
	assert_int_equal(s->port, port);
}

/* The root response as lyncdiscover serves it: one line, "\/". */
static void
test_json_root(void **state)
{
	static const char doc[] =
	    "{\"AccessLocation\":\"Internal\",\"Root\":{\"Links\":["
	    "{\"href\":\"https:\\/\\/web.example.net\\/Autodiscover\\/AutodiscoverService.svc\\/root\\/domain\",\"token\":\"Domain\"},"
	    "{\"href\":\"https:\\/\\/web.example.net:4443\\/Autodiscover\\/AutodiscoverService.svc\\/root\\/user\",\"token\":\"User\"},"
	    "{\"token\":\"OAuth\",\"href\":\"http:\\/\\/[2001:db8::5]\\/oauth?x=1\"}]}}";
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_autodiscover *ad = parse_ok(ctx, doc);

	(void)state;
	assert_int_equal(ad->form, SFB_AD_JSON);
	assert_string_equal(ad->access_location, "Internal");
	assert_string_equal(ad->resource, "Root");
	assert_int_equal(ad->nsip, 0);
	assert_int_equal(ad->nlinks, 3);
	link_is(&ad->links[0], "Domain",
	    "https://web.example.net/Autodiscover/AutodiscoverService.svc/root/domain",
	    "web.example.net", 443);
	link_is(&ad->links[1], "User",
	    "https://web.example.net:4443/Autodiscover/AutodiscoverService.svc/root/user",
	    "web.example.net", 4443);
	link_is(&ad->links[2], "OAuth", "http://[2001:db8::5]/oauth?x=1", "2001:db8::5", 80);
	assert_ptr_equal(sfb_autodiscover_link(ad, "user"), &ad->links[1]);
	assert_null(sfb_autodiscover_link(ad, "Ucwa"));
	assert_null(sfb_autodiscover_redirect(ad));
	assert_int_equal(sfb_ctx_warning_count(ctx), 0);
	sfb_autodiscover_free(ad);
	sfb_ctx_free(ctx);
}

/* A JSON user response with SIP access entries (port as a string or a
 * number), a redirect, and links that do not fit: warned, left out. */
static void
test_json_user_warnings(void **state)
{
	static const char doc[] =
	    "{\n"
	    "  \"AccessLocation\": \"External\",\n"
	    "  \"User\": {\n"
	    "    \"SipServerExternalAccess\": {\"fqdn\": \" sip.example.com \", \"port\": \"5061\"},\n"
	    "    \"SipClientExternalAccess\": {\"fqdn\": \"sip.example.com\", \"port\": 443},\n"
	    "    \"SipServerInternalAccess\": {\"fqdn\": \"bad_name.example.com\", \"port\": 5061},\n"
	    "    \"SipClientInternalAccess\": {\"fqdn\": \"pool.example.com\", \"port\": 0},\n"
	    "    \"Links\": [\n"
	    "      {\"token\": \"Redirect\", \"href\": \"https://other.example.org/Autodiscover/AutodiscoverService.svc/root/user\"},\n"
	    "      {\"token\": \"Bad Token\", \"href\": \"https://x.example.org/\"},\n"
	    "      {\"token\": \"Ftp\", \"href\": \"ftp://x.example.org/\"},\n"
	    "      {\"token\": \"Ctl\", \"href\": \"https://x.example.org/\\u0001\"},\n"
	    "      {\"token\": \"User\", \"href\": \"https://u@x.example.org/\"},\n"
	    "      {\"token\": \"NoHref\"},\n"
	    "      42\n"
	    "    ]\n"
	    "  }\n"
	    "}\n";
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_autodiscover *ad = parse_ok(ctx, doc);

	(void)state;
	assert_string_equal(ad->access_location, "External");
	assert_string_equal(ad->resource, "User");
	assert_int_equal(ad->nsip, 2);
	sip_is(&ad->sip[0], SFB_AD_SIP_SERVER_EXTERNAL, "sip.example.com", 5061);
	sip_is(&ad->sip[1], SFB_AD_SIP_CLIENT_EXTERNAL, "sip.example.com", 443);
	assert_int_equal(ad->nlinks, 1);
	assert_ptr_equal(sfb_autodiscover_redirect(ad), &ad->links[0]);
	link_is(&ad->links[0], "Redirect",
	    "https://other.example.org/Autodiscover/AutodiscoverService.svc/root/user",
	    "other.example.org", 443);
	assert_int_equal(sfb_ctx_warning_count(ctx), 8);
	assert_string_equal(sfb_ctx_warning(ctx, 0), "t:10:7: autodiscover: the link token "
	    "\"Bad Token\" is not 1-64 letters, digits and \"/_.-\": ignored");
	assert_string_equal(sfb_ctx_warning(ctx, 1), "t:11:7: autodiscover: the href of link Ftp "
	    "is not an http or https URL with a valid host: \"ftp://x.example.org/\": ignored");
	assert_string_equal(sfb_ctx_warning(ctx, 2), "t:12:7: autodiscover: the href of link Ctl "
	    "is not an http or https URL with a valid host: \"https://x.example.org/<U+0001>\": "
	    "ignored");
	assert_string_equal(sfb_ctx_warning(ctx, 3), "t:13:7: autodiscover: the href of link User "
	    "is not an http or https URL with a valid host: \"https://u@x.example.org/\": ignored");
	assert_string_equal(sfb_ctx_warning(ctx, 4),
	    "t:14:7: autodiscover: a link without an href: ignored");
	assert_string_equal(sfb_ctx_warning(ctx, 5),
	    "t:15:7: autodiscover: link 7 of User is a number, not an object: ignored");
	assert_string_equal(sfb_ctx_warning(ctx, 6), "t:6:32: autodiscover: the fqdn of "
	    "SipServerInternalAccess is not a valid DNS name: \"bad_name.example.com\": ignored");
	assert_string_equal(sfb_ctx_warning(ctx, 7), "t:7:32: autodiscover: the port of "
	    "SipClientInternalAccess is not a number from 1 to 65535: \"0\": ignored");
	sfb_autodiscover_free(ad);
	sfb_ctx_free(ctx);
}

/* The UCWA form: one link per relation. */
static void
test_json_ucwa(void **state)
{
	static const char doc[] =
	    "{\"_links\":{\"self\":{\"href\":\"https://lyncdiscover.example.com/Autodiscover/AutodiscoverService.svc/root?originalDomain=example.com\"},"
	    "\"user\":{\"href\":\"https://lyncweb.example.com/Autodiscover/AutodiscoverService.svc/root/oauth/user?originalDomain=example.com\"},"
	    "\"xframe\":{\"href\":\"https://lyncweb.example.com/Autodiscover/XFrame/XFrame.html\"},"
	    "\"redirect\":{\"href\":\"https://webdir.online.lync.com/Autodiscover/AutodiscoverService.svc/root\"}}}";
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_autodiscover *ad = parse_ok(ctx, doc);

	(void)state;
	assert_null(ad->access_location);
	assert_string_equal(ad->resource, "_links");
	assert_int_equal(ad->nlinks, 4);
	assert_string_equal(ad->links[0].token, "self");
	assert_string_equal(ad->links[0].host, "lyncdiscover.example.com");
	link_is(&ad->links[1], "user", "https://lyncweb.example.com/Autodiscover/"
	    "AutodiscoverService.svc/root/oauth/user?originalDomain=example.com",
	    "lyncweb.example.com", 443);
	link_is(&ad->links[2], "xframe", "https://lyncweb.example.com/Autodiscover/XFrame/"
	    "XFrame.html", "lyncweb.example.com", 443);
	assert_ptr_equal(sfb_autodiscover_redirect(ad), &ad->links[3]);
	assert_string_equal(ad->links[3].host, "webdir.online.lync.com");
	assert_int_equal(sfb_ctx_warning_count(ctx), 0);
	sfb_autodiscover_free(ad);
	sfb_ctx_free(ctx);
}

/* The XML user response with the quirks of Microsoft's example: spaces
 * around an fqdn, token ="..." with a space before '='. */
static void
test_xml_user(void **state)
{
	static const char doc[] =
	    "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<AutodiscoverResponse xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" AccessLocation=\"Internal\">\n"
	    "  <User>\n"
	    "    <SipServerInternalAccess fqdn=\"fe01.corp.example.com\" port=\"5061\"/>\n"
	    "    <SipClientInternalAccess fqdn=\" fe01.corp.example.com\" port=\" 443\"/>\n"
	    "    <SipServerExternalAccess fqdn=\"access.example.com\t\" port=\"5061\"/>\n"
	    "    <SipClientExternalAccess fqdn=\"access.example.com \" port=\"443\"/>\n"
	    "    <Link token =\"External/Autodiscover\" href=\"https://ext.example.com/Autodiscover/AutodiscoverService.svc/root\"/>\n"
	    "    <Link token=\"Internal/Ucwa\" href=\" https://int.corp.example.com/ucwa/v1/applications \"/>\n"
	    "    <Link token=\"XFrame\" href=\"https://ext.example.com/Autodiscover/XFrame/XFrame.html\"/>\n"
	    "    <Other/>\n"
	    "  </User>\n"
	    "  <Root/>\n"
	    "</AutodiscoverResponse>\n";
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_autodiscover *ad = parse_ok(ctx, doc);

	(void)state;
	assert_int_equal(ad->form, SFB_AD_XML);
	assert_string_equal(ad->access_location, "Internal");
	assert_string_equal(ad->resource, "User");
	assert_int_equal(ad->nsip, 4);
	sip_is(&ad->sip[0], SFB_AD_SIP_SERVER_INTERNAL, "fe01.corp.example.com", 5061);
	sip_is(&ad->sip[1], SFB_AD_SIP_CLIENT_INTERNAL, "fe01.corp.example.com", 443);
	sip_is(&ad->sip[2], SFB_AD_SIP_SERVER_EXTERNAL, "access.example.com", 5061);
	sip_is(&ad->sip[3], SFB_AD_SIP_CLIENT_EXTERNAL, "access.example.com", 443);
	assert_string_equal(sfb_ad_access_name(ad->sip[3].kind), "SipClientExternalAccess");
	assert_int_equal(ad->nlinks, 3);
	link_is(&ad->links[0], "External/Autodiscover",
	    "https://ext.example.com/Autodiscover/AutodiscoverService.svc/root", "ext.example.com", 443);
	link_is(&ad->links[1], "Internal/Ucwa", "https://int.corp.example.com/ucwa/v1/applications",
	    "int.corp.example.com", 443);
	link_is(&ad->links[2], "XFrame", "https://ext.example.com/Autodiscover/XFrame/XFrame.html",
	    "ext.example.com", 443);
	assert_int_equal(sfb_ctx_warning_count(ctx), 1);
	assert_string_equal(sfb_ctx_warning(ctx, 0),
	    "t:13: autodiscover: <Root> beside <User>: ignored");
	sfb_autodiscover_free(ad);
	sfb_ctx_free(ctx);
}

/* XML: a second entry of a kind, a bad AccessLocation, a missing port. */
static void
test_xml_warnings(void **state)
{
	static const char doc[] =
	    "<AutodiscoverResponse AccessLocation=\"Outside\"><Domain>\n"
	    "<SipServerExternalAccess fqdn=\"a.example.com\" port=\"5061\"/>\n"
	    "<SipServerExternalAccess fqdn=\"b.example.com\" port=\"5061\"/>\n"
	    "<SipClientExternalAccess fqdn=\"b.example.com\"/>\n"
	    "<Link href=\"https://a.example.com/\"/>\n"
	    "<Link token=\"Redirect\" href=\"https://b.example.com:99999/\"/>\n"
	    "</Domain></AutodiscoverResponse>";
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_autodiscover *ad = parse_ok(ctx, doc);

	(void)state;
	assert_null(ad->access_location);
	assert_string_equal(ad->resource, "Domain");
	assert_int_equal(ad->nsip, 1);
	sip_is(&ad->sip[0], SFB_AD_SIP_SERVER_EXTERNAL, "a.example.com", 5061);
	assert_int_equal(ad->nlinks, 0);
	assert_null(sfb_autodiscover_redirect(ad));
	assert_int_equal(sfb_ctx_warning_count(ctx), 5);
	assert_string_equal(sfb_ctx_warning(ctx, 0), "t:1: autodiscover: AccessLocation "
	    "\"Outside\" is neither Internal nor External: ignored");
	assert_string_equal(sfb_ctx_warning(ctx, 1),
	    "t:3: autodiscover: a second SipServerExternalAccess: ignored");
	assert_string_equal(sfb_ctx_warning(ctx, 2), "t:4: autodiscover: the port of "
	    "SipClientExternalAccess is not a number from 1 to 65535: \"\": ignored");
	assert_string_equal(sfb_ctx_warning(ctx, 3),
	    "t:5: autodiscover: a link without a token: ignored");
	assert_string_equal(sfb_ctx_warning(ctx, 4), "t:6: autodiscover: the href of link "
	    "Redirect is not an http or https URL with a valid host: "
	    "\"https://b.example.com:99999/\": ignored");
	sfb_autodiscover_free(ad);
	sfb_ctx_free(ctx);
}

static void
test_malformed(void **state)
{
	char *big;
	sfb_ctx *ctx;
	sfb_autodiscover *ad = NULL;

	(void)state;
	refused("", "t:1:1: neither JSON nor XML: an autodiscover response starts with '{' or '<'");
	refused("hello", "t:1:1: neither JSON nor XML: an autodiscover response starts with "
	    "'{' or '<'");
	refused("{\"Root\": {\"Links\": [}}",
	    "t:1:21: JSON syntax error: unexpected token near '}'");
	refused("{\"Root\": {}, \"Root\": {}}",
	    "t:1:19: JSON syntax error: duplicate object key near '\"Root\"'");
	refused("{\"AccessLocation\": \"External\"}",
	    "t:1:1: not an autodiscover response: no Root, User, Domain or _links object");
	refused("{\"Root\": [1]}", "t:1:10: Root must be an object, not an array");
	refused("{\"Root\": {\n  \"Links\": {\"token\": \"User\"}}}",
	    "t:2:12: the Links of Root must be an array of {\"token\", \"href\"}, not an object");
	refused("{\"_links\": []}", "t:1:12: _links must be an object of relations, not an array");
	refused("<AutodiscoverResponse><Root>", "t:1:29: not well-formed XML: Premature end of "
	    "data in tag Root line 1");
	refused("<!DOCTYPE a [<!ENTITY x \"y\">]><AutodiscoverResponse><Root/></AutodiscoverResponse>",
	    "t:1:1: a <!DOCTYPE> is not allowed in an autodiscover response");
	refused("<AutodiscoverResponse><Root a=\"\x01\"/></AutodiscoverResponse>",
	    "t:1:32: not well-formed XML: PCDATA invalid Char value 1");
	refused("<AutodiscoverResponse><Root></Rox></AutodiscoverResponse>", "t:1:35: not "
	    "well-formed XML: Opening and ending tag mismatch: Root line 1 and Rox");
	refused("<html><body>404</body></html>",
	    "t:1: the root element is <html>, not <AutodiscoverResponse>");
	refused("<AutodiscoverResponse AccessLocation=\"External\"/>", "t:1: not an autodiscover "
	    "response: no <Root>, <User> or <Domain> in <AutodiscoverResponse>");
	/* Too large, whatever it holds. */
	big = calloc(1, SFB_AD_MAX_INPUT + 2);
	assert_non_null(big);
	memset(big, ' ', SFB_AD_MAX_INPUT + 1);
	big[0] = '{';
	ctx = sfb_ctx_new();
	assert_int_equal(sfb_autodiscover_parse(ctx, "t", big, SFB_AD_MAX_INPUT + 1, &ad),
	    SFB_EINVAL);
	assert_null(ad);
	assert_string_equal(sfb_ctx_error(ctx),
	    "t: an autodiscover document of more than 1048576 bytes");
	sfb_ctx_free(ctx);
	free(big);
	/* One form forced: XML text is not JSON. */
	ctx = sfb_ctx_new();
	assert_int_equal(sfb_autodiscover_parse_json(ctx, "t", "<a/>", 4, &ad), SFB_EINVAL);
	assert_null(ad);
	assert_int_equal(sfb_autodiscover_parse_xml(ctx, "t", "{}", 2, &ad), SFB_EINVAL);
	assert_null(ad);
	sfb_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_root),
		cmocka_unit_test(test_json_user_warnings),
		cmocka_unit_test(test_json_ucwa),
		cmocka_unit_test(test_xml_user),
		cmocka_unit_test(test_xml_warnings),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
