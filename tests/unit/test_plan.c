/* Plan: zone paths, firewalls crossed, NAT public addresses, unmatched
 * flows and the default zone, on small topologies written for each case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "plan/sfb_plan.h"

static sfb_catalog *cat;

static int
setup(void **state)
{
	sfb_ctx *ctx = sfb_ctx_new();

	(void)state;
	assert_non_null(ctx);
	assert_int_equal(sfb_catalog_load_builtin(ctx, &cat), SFB_OK);
	sfb_ctx_free(ctx);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	sfb_catalog_free(cat);
	return 0;
}

struct fixture {
	sfb_ctx *ctx;
	sfb_topology *topo;
	sfb_plan *plan;
};

static void
build(struct fixture *f, const char *yaml)
{
	f->ctx = sfb_ctx_new();
	assert_non_null(f->ctx);
	if (sfb_topology_parse(f->ctx, cat, "t.yaml", yaml, strlen(yaml), &f->topo) != SFB_OK)
		fail_msg("topology: %s", sfb_ctx_error(f->ctx));
	assert_int_equal(sfb_plan_build(f->ctx, cat, f->topo, &f->plan), SFB_OK);
}

static void
release(struct fixture *f)
{
	sfb_plan_free(f->plan);
	sfb_topology_free(f->topo);
	sfb_ctx_free(f->ctx);
}

/* The entry of flow id through firewall fw (NULL: inside one zone). */
static const struct sfb_entry *
find(const struct fixture *f, const char *id, const char *fw)
{
	size_t i;
	const struct sfb_entry *e;

	for (i = 0; i < f->plan->nentries; i++) {
		e = &f->plan->entries[i];
		if (strcmp(cat->flows[e->flow].id, id) != 0)
			continue;
		if (fw == NULL ? e->fw == SFB_NO_FIREWALL :
		    e->fw != SFB_NO_FIREWALL && strcmp(f->topo->fws[e->fw].name, fw) == 0)
			return e;
	}
	return NULL;
}

static void
assert_addrs(const sfb_addrset *a, const char *want)
{
	sfb_buf b;

	sfb_buf_init(&b);
	sfb_addrset_print(&b, a);
	assert_string_equal(sfb_buf_str(&b), want);
	sfb_buf_free(&b);
}

#define HEADER \
	"version: 1\nname: T\nsip_domains: [contoso.com]\n"

/* internal -> perimeter -> internet: a flow from the outside to the Edge
 * crosses only fw-external; one from inside to the outside crosses both. */
static void
test_two_hops(void **state)
{
	struct fixture f;
	const struct sfb_entry *e;

	(void)state;
	build(&f, HEADER
	    "profiles: [sfb-hybrid, starleaf]\n"
	    "zones:\n"
	    "  - { name: internal, networks: [10.0.0.0/8] }\n"
	    "  - { name: perimeter, networks: [172.16.0.0/12] }\n"
	    "  - { name: internet }\n"
	    "firewalls:\n"
	    "  - { name: fw-int, between: [internal, perimeter] }\n"
	    "  - { name: fw-ext, between: [perimeter, internet] }\n"
	    "hosts:\n"
	    "  - name: edge\n    endpoints:\n"
	    "      - { zone: perimeter, address: 172.16.0.21, public: 203.0.113.21, roles: [edge-access] }\n"
	    "  - name: o365\n    endpoints:\n"
	    "      - { zone: internet, network: 52.112.0.0/14, roles: [office365] }\n"
	    "  - name: clients\n    endpoints:\n"
	    "      - { zone: internal, network: 10.20.0.0/16, roles: [client] }\n"
	    "  - name: sl\n    endpoints:\n"
	    "      - { zone: internet, roles: [starleaf-cloud] }\n");
	e = find(&f, "hy-sip-o365-to-edge", "fw-ext");
	assert_non_null(e);
	assert_addrs(&e->src, "52.112.0.0/14");
	assert_addrs(&e->dst, "172.16.0.21");
	/* NAT: arriving from the outside, on the public address */
	assert_addrs(&e->dst_public, "203.0.113.21");
	assert_null(find(&f, "hy-sip-o365-to-edge", "fw-int"));
	/* outbound from the Edge: no public destination address */
	e = find(&f, "hy-sip-edge-to-o365", "fw-ext");
	assert_non_null(e);
	assert_true(sfb_addrset_empty(&e->dst_public));
	/* clients to StarLeaf Cloud cross both firewalls; the destination is
	 * the whole internet zone: everything but the two inside zones */
	assert_non_null(find(&f, "sl-media-udp", "fw-int"));
	e = find(&f, "sl-media-udp", "fw-ext");
	assert_non_null(e);
	assert_addrs(&e->src, "10.20.0.0/16");
	assert_false(sfb_addrset_overlaps(&e->dst, &f.topo->zones[0].space));
	assert_false(sfb_addrset_overlaps(&e->dst, &f.topo->zones[1].space));
	assert_true(sfb_addrset_subset(&f.topo->eps[1].addr, &e->dst));
	assert_int_equal(sfb_ctx_warning_count(f.ctx), 0);
	release(&f);
}

/* One firewall between three zones: every pair crosses it exactly once. */
static void
test_three_legged(void **state)
{
	struct fixture f;
	const struct sfb_entry *e;
	size_t i, n = 0;

	(void)state;
	build(&f, HEADER
	    "profiles: [starleaf]\n"
	    "zones:\n"
	    "  - { name: a, networks: [10.1.0.0/16] }\n"
	    "  - { name: b, networks: [10.2.0.0/16] }\n"
	    "  - { name: c }\n"
	    "firewalls:\n"
	    "  - { name: fw, between: [a, b, c] }\n"
	    "hosts:\n"
	    "  - name: ca\n    endpoints: [ { zone: a, network: 10.1.1.0/24, roles: [client] } ]\n"
	    "  - name: cb\n    endpoints: [ { zone: b, network: 10.2.1.0/24, roles: [client] } ]\n"
	    "  - name: sl\n    endpoints: [ { zone: c, roles: [starleaf-cloud] } ]\n");
	e = find(&f, "sl-media-tcp", "fw");
	assert_non_null(e);
	assert_addrs(&e->src, "10.1.1.0/24, 10.2.1.0/24");
	assert_int_equal(e->nsrc, 2);
	assert_int_equal(e->ndst, 1);
	for (i = 0; i < f.plan->nentries; i++)
		n += f.plan->entries[i].fw == 0;
	assert_int_equal(n, 2);  /* sl-media-udp and sl-media-tcp */
	release(&f);
}

/* Zones no firewall joins: a warning, and no entry; roles nobody has: the
 * flow is listed as unmatched; a profile that is off plans nothing. */
static void
test_unreachable_and_unmatched(void **state)
{
	struct fixture f;
	size_t i;
	bool found = false;

	(void)state;
	build(&f, HEADER
	    "profiles: [starleaf, sfb-hybrid]\n"
	    "zones:\n"
	    "  - { name: a, networks: [10.1.0.0/16] }\n"
	    "  - { name: c }\n"
	    "hosts:\n"
	    "  - name: ca\n    endpoints: [ { zone: a, network: 10.1.1.0/24, roles: [client] } ]\n"
	    "  - name: sl\n    endpoints: [ { zone: c, roles: [starleaf-cloud] } ]\n");
	assert_null(find(&f, "sl-media-tcp", "fw"));
	assert_true(sfb_ctx_warning_count(f.ctx) >= 2);
	assert_non_null(strstr(sfb_ctx_warning(f.ctx, 0), "no firewall path from zone 'a' to zone 'c'"));
	for (i = 0; i < f.plan->nunmatched; i++)
		found |= strcmp(cat->flows[f.plan->unmatched[i].flow].id, "hy-sip-edge-to-o365") == 0;
	assert_true(found);
	for (i = 0; i < f.plan->nentries; i++)
		assert_int_not_equal(strncmp(cat->flows[f.plan->entries[i].flow].id, "px-", 3), 0);
	release(&f);
}

/* A flow whose two ends share a zone crosses no firewall. */
static void
test_same_zone(void **state)
{
	struct fixture f;
	const struct sfb_entry *e;

	(void)state;
	build(&f, HEADER
	    "profiles: [mirrorop]\n"
	    "zones:\n"
	    "  - { name: a, networks: [10.1.0.0/16] }\n"
	    "  - { name: c }\n"
	    "firewalls:\n"
	    "  - { name: fw, between: [a, c] }\n"
	    "hosts:\n"
	    "  - name: senders\n    endpoints: [ { zone: a, network: 10.1.2.0/24, roles: [mirrorop-sender] } ]\n"
	    "  - name: room\n    endpoints: [ { zone: a, address: 10.1.1.5, roles: [kickle] } ]\n");
	size_t i;

	e = find(&f, "ki-mirrorop-tcp-443", NULL);
	assert_non_null(e);
	assert_addrs(&e->src, "10.1.2.0/24");
	assert_addrs(&e->dst, "10.1.1.5");
	assert_null(find(&f, "ki-mirrorop-tcp-443", "fw"));
	for (i = 0; i < f.plan->nentries; i++)
		assert_int_equal(f.plan->entries[i].fw, SFB_NO_FIREWALL);
	assert_int_equal(f.plan->nentries, 10);  /* the ten MirrorOp rows */
	release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_hops),
		cmocka_unit_test(test_three_legged),
		cmocka_unit_test(test_unreachable_and_unmatched),
		cmocka_unit_test(test_same_zone),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
