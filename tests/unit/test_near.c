/* "Did you mean": the nearest known name, only when it is a likely slip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sfb_near.h"

static const char *const roles[] = { "front-end", "director", "edge-av", "edge-access",
	"edge-webconf", "client", "remote-client", "sbc", "sbc-media" };

static const char *
role_at(size_t i, const void *arg)
{
	(void)arg;
	return roles[i];
}

static void
hint_is(const char *s, const char *want)
{
	sfb_buf b;

	sfb_buf_init(&b);
	sfb_near_hint(&b, s, sizeof(roles) / sizeof(roles[0]), role_at, NULL);
	assert_string_equal(sfb_buf_str(&b), want);
	sfb_buf_free(&b);
}

static const char *const twins[] = { "zone-a", "zone-b" };

static const char *
twin_at(size_t i, const void *arg)
{
	(void)arg;
	return twins[i];
}

/* Two names as near as each other: no guess. */
static void
test_tie(void **state)
{
	sfb_buf b;

	(void)state;
	sfb_buf_init(&b);
	sfb_near_hint(&b, "zone-c", 2, twin_at, NULL);
	assert_string_equal(sfb_buf_str(&b), "");
	sfb_near_hint(&b, "zone-aa", 2, twin_at, NULL);
	assert_string_equal(sfb_buf_str(&b), " (did you mean 'zone-a'?)");
	sfb_buf_free(&b);
}

static void
test_hints(void **state)
{
	(void)state;
	hint_is("frontend", " (did you mean 'front-end'?)");      /* one insertion */
	hint_is("fornt-end", " (did you mean 'front-end'?)");     /* a swap of neighbours */
	hint_is("edge-acess", " (did you mean 'edge-access'?)");
	hint_is("dierctor", " (did you mean 'director'?)");
	hint_is("edge-a", " (did you mean 'edge-av'?)");
	hint_is("edge-xyz", "");        /* 3 edits from edge-av: too far */
	hint_is("sbc", "");             /* known: no hint */
	hint_is("sb", "");              /* 1 edit, but half of a 2-letter name */
	hint_is("firewall", "");        /* nothing near */
	hint_is("", "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hints),
		cmocka_unit_test(test_tie),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
