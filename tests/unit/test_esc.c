/* Escaping outside text into generated files (sfb_esc), the hash map of
 * names (sfb_strmap), and warnings capped per kind (sfb_ctx). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sfb_ctx.h"
#include "sfb_esc.h"
#include "sfb_strmap.h"
#include "sfb_strv.h"

static char *
esc(enum sfb_esc_lang lang, const char *s, size_t n)
{
	sfb_buf b;

	sfb_buf_init(&b);
	sfb_esc_putn(&b, lang, s, n);
	assert_int_equal(sfb_buf_status(&b), SFB_OK);
	return sfb_buf_take(&b);
}

/* No language lets a raw control byte, a line or paragraph separator or a
 * bidirectional control through, whatever surrounds it. */
static void
test_no_control_survives(void **state)
{
	static const char *const unicode[] = { "\xc2\x85", "\xe2\x80\xa8", "\xe2\x80\xa9",
		"\xe2\x80\xae", "\xe2\x81\xa6", "\xef\xbb\xbf", "\xe2\x80\x8f", NULL };
	enum sfb_esc_lang lang;
	char in[8], *out;
	size_t i;
	int c;

	(void)state;
	for (lang = SFB_ESC_LINE; lang <= SFB_ESC_CSV; lang++) {
		for (c = 0; c < 256; c++) {
			in[0] = 'a';
			in[1] = (char)c;
			in[2] = 'b';
			out = esc(lang, in, 3);
			for (i = 0; out[i] != '\0'; i++)
				assert_false((unsigned char)out[i] < 0x20 || out[i] == 0x7f);
			/* Every byte of 0x80 and up alone is invalid UTF-8. */
			if (c >= 0x80)
				assert_non_null(strstr(out, "<"));
			free(out);
		}
		for (i = 0; unicode[i] != NULL; i++) {
			out = esc(lang, unicode[i], strlen(unicode[i]));
			assert_non_null(strstr(out, "<U+"));
			assert_null(strstr(out, unicode[i]));
			free(out);
		}
	}
}

static void
test_languages(void **state)
{
	static const struct {
		enum sfb_esc_lang lang;
		const char *in, *out;
	} cases[] = {
		{ SFB_ESC_LINE, "a\nflush ruleset", "a<U+000A>flush ruleset" },
		{ SFB_ESC_LINE, "caf\xc3\xa9 \"q\" 'q'", "caf\xc3\xa9 \"q\" 'q'" },
		{ SFB_ESC_LINE, "x\xe2\x80\xa8y", "x<U+2028>y" },
		{ SFB_ESC_LINE, "bad\xff", "bad<FF>" },
		{ SFB_ESC_LINE, "\xc0\xaf", "<C0><AF>" },            /* overlong '/' */
		{ SFB_ESC_LINE, "\xed\xa0\x80", "<ED><A0><80>" },    /* a surrogate */
		{ SFB_ESC_DQ, "say \"hi\" \\n", "say 'hi' 'n" },
		{ SFB_ESC_PS, "it's \xe2\x80\x98x\xe2\x80\x99", "it''s ''x''" },
		{ SFB_ESC_PS, "$(id) `id`", "$(id) `id`" },
		{ SFB_ESC_MD, "a|b <s> & `c`", "a\\|b &lt;s&gt; &amp; \\`c\\`" },
		{ SFB_ESC_CSV, "plain", "plain" },
		{ SFB_ESC_CSV, "a,\"b\"", "\"a,\"\"b\"\"\"" },
		{ SFB_ESC_CSV, "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0" },
		{ SFB_ESC_CSV, "-", "-" },
		{ SFB_ESC_CSV, "-5", "-5" },
		{ SFB_ESC_CSV, "-x", "'-x" },
		{ SFB_ESC_CSV, "@SUM(1)", "'@SUM(1)" },
		{ SFB_ESC_CSV, "a\r\nb", "a<U+000D><U+000A>b" },
	};
	size_t i;
	char *out;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = esc(cases[i].lang, cases[i].in, strlen(cases[i].in));
		assert_string_equal(out, cases[i].out);
		free(out);
	}
}

/* In a double-quoted string of nft, iptables-restore, Junos or pf, and in
 * a PowerShell single-quoted string, nothing of any input closes the
 * string: no '"' or '\' in the one, quotes only in pairs in the other. */
static void
test_strings_stay_closed(void **state)
{
	char in[4], *out;
	size_t i, q;
	int a, b;

	(void)state;
	for (a = 0; a < 256; a++)
		for (b = 0; b < 256; b += 7) {
			in[0] = (char)a;
			in[1] = (char)b;
			in[2] = '\'';
			out = esc(SFB_ESC_DQ, in, 3);
			assert_null(strchr(out, '"'));
			assert_null(strchr(out, '\\'));
			free(out);
			out = esc(SFB_ESC_PS, in, 3);
			for (i = 0, q = 0; out[i] != '\0'; i++)
				q += out[i] == '\'';
			assert_int_equal(q % 2, 0);
			assert_null(strstr(out, "\xe2\x80\x98"));
			assert_null(strstr(out, "\xe2\x80\x99"));
			free(out);
		}
}

static void
test_strmap(void **state)
{
	sfb_strmap m;
	char names[2000][16];
	size_t i, v;
	bool had;

	(void)state;
	sfb_strmap_init(&m);
	assert_false(sfb_strmap_get(&m, "x", &v));
	for (i = 0; i < 2000; i++) {
		snprintf(names[i], sizeof(names[i]), "Pool%zu.Corp", i);
		assert_int_equal(sfb_strmap_put(&m, names[i], i, &had, NULL), SFB_OK);
		assert_false(had);
	}
	assert_int_equal(sfb_strmap_put(&m, "POOL7.corp", 99, &had, &v), SFB_OK);
	assert_true(had);
	assert_int_equal(v, 7);
	for (i = 0; i < 2000; i++) {
		char lower[16];
		size_t k;

		for (k = 0; names[i][k] != '\0'; k++)
			lower[k] = (char)(names[i][k] | 0x20);
		lower[k] = '\0';
		assert_true(sfb_strmap_get(&m, lower, &v));
		assert_int_equal(v, i);
	}
	assert_false(sfb_strmap_get(&m, "pool2000.corp", &v));
	assert_int_equal(m.n, 2000);
	sfb_strmap_free(&m);
}

/* A unique list keeps the first of names equal but for case, whether the
 * list is still small or already indexed. */
static void
test_strv_unique(void **state)
{
	sfb_strv s;
	char name[32];
	size_t i;

	(void)state;
	sfb_strv_init(&s);
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "fe%zu.contoso.com", i % 40);
		assert_int_equal(sfb_strv_add(&s, name, true), SFB_OK);
		snprintf(name, sizeof(name), "FE%zu.CONTOSO.COM", i % 40);
		assert_int_equal(sfb_strv_add(&s, name, true), SFB_OK);
	}
	assert_int_equal(s.n, 40);
	assert_string_equal(s.v[39], "fe39.contoso.com");
	assert_true(sfb_strv_has(&s, "Fe12.Contoso.Com"));
	assert_false(sfb_strv_has(&s, "fe40.contoso.com"));
	sfb_strv_free(&s);
}

/* Of each kind, 20 warnings and one line that counts the rest. */
static void
test_warnings_capped(void **state)
{
	sfb_ctx *ctx = sfb_ctx_new();
	size_t i, n;

	(void)state;
	assert_non_null(ctx);
	for (i = 0; i < 100000; i++)
		assert_int_equal(sfb_warn(ctx, "t.yaml", 1, 1, "zone %zu unconnected", i), SFB_OK);
	assert_int_equal(sfb_warn(ctx, "t.yaml", 2, 1, "another kind"), SFB_OK);
	n = sfb_ctx_warning_count(ctx);
	assert_int_equal(n, SFB_WARN_PER_KIND + 2);
	assert_int_equal(sfb_ctx_warning_total(ctx), 100001);
	assert_string_equal(sfb_ctx_warning(ctx, 0), "t.yaml:1:1: zone 0 unconnected");
	assert_string_equal(sfb_ctx_warning(ctx, SFB_WARN_PER_KIND),
	    "... and 99980 more warning(s) of the same kind as the one above (100000 in all; "
	    "the first 20 are shown)");
	assert_string_equal(sfb_ctx_warning(ctx, SFB_WARN_PER_KIND + 1), "t.yaml:2:1: another kind");
	/* Messages quote input: a control character in them is escaped. */
	assert_int_equal(sfb_fail(ctx, SFB_EINVAL, "a\nb.yaml", 3, 4, "bad '%s'", "\x1b[2J"),
	    SFB_EINVAL);
	assert_string_equal(sfb_ctx_error(ctx), "a<U+000A>b.yaml:3:4: bad '<U+001B>[2J'");
	sfb_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_control_survives),
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_strings_stay_closed),
		cmocka_unit_test(test_strmap),
		cmocka_unit_test(test_strv_unique),
		cmocka_unit_test(test_warnings_capped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
