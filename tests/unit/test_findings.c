/* The findings model: add, counts, sort, and both writers exactly (the
 * JSON also parsed back with jansson); a control character in a subject
 * escaped in text, kept as a JSON escape in JSON; bytes that are not
 * UTF-8 escaped in both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "report/sfb_findings.h"
#include "sfb_ctx.h"

static void
fill(sfb_findings *f)
{
	sfb_finding a = { .check = "tls", .subject = "sip.contoso.com:5061",
		.verdict = SFB_VERDICT_WARN, .reason = "the certificate expires in 12 days",
		.evidence = "notAfter 2030-01-12", .cite_doc = "sfb-certs",
		.cite_section = "Edge Server certificates", .rtt_us = 1500 };
	sfb_finding b = { .check = "dns-srv", .subject = "_sip._tls.contoso.com",
		.verdict = SFB_VERDICT_FAIL, .reason = "no SRV record", .evidence = "NXDOMAIN",
		.cite_doc = "sfb-dns" };
	sfb_finding c = { .check = "tcp", .subject = "10.0.0.5:5061\x01x",
		.verdict = SFB_VERDICT_FAIL, .reason = "connection refused", .sys_errno = 111 };
	sfb_finding d = { .check = "dns-srv", .subject = "_sip._tls.contoso.com",
		.verdict = SFB_VERDICT_PASS };

	assert_int_equal(sfb_findings_add(f, &a), SFB_OK);
	assert_int_equal(sfb_findings_add(f, &b), SFB_OK);
	assert_int_equal(sfb_findings_add(f, &c), SFB_OK);
	assert_int_equal(sfb_findings_add(f, &d), SFB_OK);
}

static void
test_add_count(void **state)
{
	sfb_findings f;
	char subject[32] = "scratch.example.com";
	sfb_finding bad = { .check = "tls", .subject = NULL, .verdict = SFB_VERDICT_PASS };
	sfb_finding e = { .check = "stun", .subject = subject, .verdict = SFB_VERDICT_SKIP };

	(void)state;
	sfb_findings_init(&f);
	fill(&f);
	assert_int_equal(f.n, 4);
	assert_int_equal(sfb_findings_count(&f, SFB_VERDICT_PASS), 1);
	assert_int_equal(sfb_findings_count(&f, SFB_VERDICT_FAIL), 2);
	assert_int_equal(sfb_findings_count(&f, SFB_VERDICT_WARN), 1);
	assert_int_equal(sfb_findings_count(&f, SFB_VERDICT_SKIP), 0);
	assert_int_equal(sfb_findings_count(&f, SFB_VERDICT_UNKNOWN), 0);
	assert_int_equal(sfb_findings_count(&f, SFB_VERDICT_COUNT), 0);
	/* refused: the list unchanged */
	assert_int_equal(sfb_findings_add(&f, &bad), SFB_EINVAL);
	bad.subject = "x";
	bad.verdict = SFB_VERDICT_COUNT;
	assert_int_equal(sfb_findings_add(&f, &bad), SFB_EINVAL);
	bad.check = NULL;
	bad.verdict = SFB_VERDICT_PASS;
	assert_int_equal(sfb_findings_add(&f, &bad), SFB_EINVAL);
	assert_int_equal(f.n, 4);
	/* the list keeps its own copies */
	assert_int_equal(sfb_findings_add(&f, &e), SFB_OK);
	strcpy(subject, "changed");
	assert_string_equal(f.v[4].subject, "scratch.example.com");
	assert_ptr_not_equal(f.v[4].subject, subject);
	assert_null(f.v[4].reason);
	assert_int_equal(sfb_findings_count(&f, SFB_VERDICT_SKIP), 1);
	assert_string_equal(sfb_verdict_name(SFB_VERDICT_UNKNOWN), "unknown");
	assert_null(sfb_verdict_name(SFB_VERDICT_COUNT));
	sfb_findings_free(&f);
	assert_int_equal(f.n, 0);
	sfb_findings_free(&f);  /* twice is harmless */
}

static void
test_sort(void **state)
{
	sfb_findings f;

	(void)state;
	sfb_findings_init(&f);
	fill(&f);
	assert_int_equal(sfb_findings_sort(&f), SFB_OK);
	assert_string_equal(f.v[0].check, "dns-srv");
	assert_int_equal(f.v[0].verdict, SFB_VERDICT_FAIL);   /* added before the pass */
	assert_string_equal(f.v[1].check, "dns-srv");
	assert_int_equal(f.v[1].verdict, SFB_VERDICT_PASS);
	assert_string_equal(f.v[2].check, "tcp");
	assert_string_equal(f.v[3].check, "tls");
	sfb_findings_free(&f);
}

static void
test_text(void **state)
{
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_findings f;
	char *out = NULL;

	(void)state;
	sfb_findings_init(&f);
	fill(&f);
	assert_int_equal(sfb_findings_write(ctx, &f, 0, &out), SFB_OK);
	assert_string_equal(out,
	    "warn    tls sip.contoso.com:5061: the certificate expires in 12 days "
	    "(evidence: notAfter 2030-01-12) [sfb-certs: Edge Server certificates]\n"
	    "fail    dns-srv _sip._tls.contoso.com: no SRV record (evidence: NXDOMAIN) [sfb-dns]\n"
	    "fail    tcp 10.0.0.5:5061<U+0001>x: connection refused (errno 111)\n"
	    "pass    dns-srv _sip._tls.contoso.com\n"
	    "summary: 1 pass, 2 fail, 1 warn, 0 skip, 0 unknown\n");
	free(out);
	sfb_findings_free(&f);
	/* an empty list: the summary alone */
	assert_int_equal(sfb_findings_write(ctx, &f, 0, &out), SFB_OK);
	assert_string_equal(out, "summary: 0 pass, 0 fail, 0 warn, 0 skip, 0 unknown\n");
	free(out);
	sfb_ctx_free(ctx);
}

static void
test_json(void **state)
{
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_findings f;
	sfb_finding bin = { .check = "sip", .subject = "pool.contoso.com:5061",
		.verdict = SFB_VERDICT_UNKNOWN, .evidence = "Server: \xff\xfe" };
	json_error_t err;
	json_t *root, *x;
	char *out = NULL;

	(void)state;
	sfb_findings_init(&f);
	fill(&f);
	assert_int_equal(sfb_findings_add(&f, &bin), SFB_OK);
	assert_int_equal(sfb_findings_write(ctx, &f, 1, &out), SFB_OK);
	assert_string_equal(out,
	    "{\n"
	    "  \"format\": \"sfbnet-findings\",\n"
	    "  \"version\": 1,\n"
	    "  \"counts\": {\n"
	    "    \"pass\": 1,\n"
	    "    \"fail\": 2,\n"
	    "    \"warn\": 1,\n"
	    "    \"skip\": 0,\n"
	    "    \"unknown\": 1\n"
	    "  },\n"
	    "  \"findings\": [\n"
	    "    {\n"
	    "      \"check\": \"tls\",\n"
	    "      \"subject\": \"sip.contoso.com:5061\",\n"
	    "      \"verdict\": \"warn\",\n"
	    "      \"reason\": \"the certificate expires in 12 days\",\n"
	    "      \"evidence\": \"notAfter 2030-01-12\",\n"
	    "      \"citation\": {\n"
	    "        \"document\": \"sfb-certs\",\n"
	    "        \"section\": \"Edge Server certificates\"\n"
	    "      },\n"
	    "      \"errno\": null,\n"
	    "      \"rtt_us\": 1500\n"
	    "    },\n"
	    "    {\n"
	    "      \"check\": \"dns-srv\",\n"
	    "      \"subject\": \"_sip._tls.contoso.com\",\n"
	    "      \"verdict\": \"fail\",\n"
	    "      \"reason\": \"no SRV record\",\n"
	    "      \"evidence\": \"NXDOMAIN\",\n"
	    "      \"citation\": {\n"
	    "        \"document\": \"sfb-dns\",\n"
	    "        \"section\": null\n"
	    "      },\n"
	    "      \"errno\": null,\n"
	    "      \"rtt_us\": null\n"
	    "    },\n"
	    "    {\n"
	    "      \"check\": \"tcp\",\n"
	    "      \"subject\": \"10.0.0.5:5061\\u0001x\",\n"
	    "      \"verdict\": \"fail\",\n"
	    "      \"reason\": \"connection refused\",\n"
	    "      \"evidence\": null,\n"
	    "      \"citation\": null,\n"
	    "      \"errno\": 111,\n"
	    "      \"rtt_us\": null\n"
	    "    },\n"
	    "    {\n"
	    "      \"check\": \"dns-srv\",\n"
	    "      \"subject\": \"_sip._tls.contoso.com\",\n"
	    "      \"verdict\": \"pass\",\n"
	    "      \"reason\": null,\n"
	    "      \"evidence\": null,\n"
	    "      \"citation\": null,\n"
	    "      \"errno\": null,\n"
	    "      \"rtt_us\": null\n"
	    "    },\n"
	    "    {\n"
	    "      \"check\": \"sip\",\n"
	    "      \"subject\": \"pool.contoso.com:5061\",\n"
	    "      \"verdict\": \"unknown\",\n"
	    "      \"reason\": null,\n"
	    "      \"evidence\": \"Server: <FF><FE>\",\n"
	    "      \"citation\": null,\n"
	    "      \"errno\": null,\n"
	    "      \"rtt_us\": null\n"
	    "    }\n"
	    "  ]\n"
	    "}\n");
	/* Parsed back: the control character is the subject's own. */
	root = json_loads(out, 0, &err);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "format")), "sfbnet-findings");
	assert_int_equal(json_integer_value(json_object_get(root, "version")), 1);
	assert_int_equal(json_array_size(json_object_get(root, "findings")), 5);
	x = json_array_get(json_object_get(root, "findings"), 2);
	assert_string_equal(json_string_value(json_object_get(x, "subject")), "10.0.0.5:5061\x01x");
	assert_int_equal(json_integer_value(json_object_get(x, "errno")), 111);
	x = json_array_get(json_object_get(root, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(x, "citation"),
	    "section")), "Edge Server certificates");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "counts"),
	    "fail")), 2);
	json_decref(root);
	free(out);
	sfb_findings_free(&f);
	sfb_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_count),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
