/* The YAML tree's byte spans (sfb_ynode start/end, flow): what an editor of
 * the text in place (sfbnet import o365 --into) relies on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sfb_yaml.h"

static const char text[] =
    "a: plain\n"                             /* 0 */
    "b: \"quoted\"   # comment\n"            /* 9 */
    "c: [1, 2,  3]\n"                        /* 33 */
    "d:\n"                                   /* 47 */
    "  - x\n"                                /* 50 */
    "  - { k: v }\n"                         /* 56 */
    "e: { f: [z] }\n"                        /* 69 */
    "last: 1\n";

/* The text a node spans. */
static void
span_is(const sfb_ynode *n, const char *want)
{
	assert_non_null(n);
	assert_true(n->end >= n->start);
	assert_int_equal(n->end - n->start, strlen(want));
	assert_memory_equal(text + n->start, want, strlen(want));
}

static void
test_spans(void **state)
{
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_ydoc *d = NULL;
	const sfb_ynode *root, *n;

	(void)state;
	assert_non_null(ctx);
	assert_int_equal(sfb_ydoc_parse(ctx, "t.yaml", text, sizeof(text) - 1, &d), SFB_OK);
	root = sfb_ydoc_root(d);
	assert_false(root->flow);
	span_is(root->kids[0], "a");
	span_is(sfb_y_get(root, "a"), "plain");
	span_is(sfb_y_get(root, "b"), "\"quoted\"");
	n = sfb_y_get(root, "c");
	span_is(n, "[1, 2,  3]");
	assert_true(n->flow);
	span_is(n->kids[2], "3");
	n = sfb_y_get(root, "d");           /* a block list ends with its last item */
	assert_false(n->flow);
	span_is(n, "- x\n  - { k: v }");
	span_is(n->kids[1], "{ k: v }");
	assert_true(n->kids[1]->flow);
	n = sfb_y_get(root, "e");
	span_is(n, "{ f: [z] }");
	span_is(sfb_y_get(n, "f"), "[z]");
	span_is(root, "a: plain\nb: \"quoted\"   # comment\nc: [1, 2,  3]\nd:\n  - x\n"
	    "  - { k: v }\ne: { f: [z] }\nlast: 1");
	/* Lines and columns stay as they were. */
	assert_int_equal(sfb_y_get(root, "e")->line, 7);
	assert_int_equal(sfb_y_get(root, "e")->col, 4);
	sfb_ydoc_free(d);
	sfb_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spans),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
