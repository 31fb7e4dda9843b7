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

/* A flow whose two ends share a zone crosses no firewall; in the same
 * topology, flows to the other side of the firewall do cross it (so the
 * assertions about the first kind could fail). */
static void
test_same_zone(void **state)
{
	struct fixture f;
	const struct sfb_entry *e;
	size_t i, inside = 0, through = 0;

	(void)state;
	build(&f, HEADER
	    "profiles: [mirrorop, kickle-cloud]\n"
	    "zones:\n"
	    "  - { name: a, networks: [10.1.0.0/16] }\n"
	    "  - { name: c }\n"
	    "firewalls:\n"
	    "  - { name: fw, between: [a, c] }\n"
	    "hosts:\n"
	    "  - name: senders\n    endpoints: [ { zone: a, network: 10.1.2.0/24, roles: [mirrorop-sender] } ]\n"
	    "  - name: room\n    endpoints: [ { zone: a, address: 10.1.1.5, roles: [kickle] } ]\n"
	    "  - name: cloud\n    endpoints: [ { zone: c, roles: [kickle-cloud, internet] } ]\n");

	e = find(&f, "ki-mirrorop-tcp-443", NULL);
	assert_non_null(e);
	assert_addrs(&e->src, "10.1.2.0/24");
	assert_addrs(&e->dst, "10.1.1.5");
	assert_null(find(&f, "ki-mirrorop-tcp-443", "fw"));
	for (i = 0; i < f.plan->nentries; i++) {
		e = &f.plan->entries[i];
		if (strncmp(cat->flows[e->flow].id, "ki-mirrorop-", 12) == 0) {
			assert_int_equal(e->fw, SFB_NO_FIREWALL);
			inside++;
		} else {
			/* the room unit to the Kickle cloud and the internet */
			assert_int_equal(e->fw, 0);
			assert_addrs(&e->src, "10.1.1.5");
			through++;
		}
	}
	assert_int_equal(inside, 10);  /* the ten MirrorOp rows */
	assert_true(through > 0);
	release(&f);
}


/* A mesh of zones (a ring, a chain, a firewall of six zones), clients in
 * every zone: each entry of the plan must hold exactly the source and
 * destination endpoints of the zone pairs whose path crosses its firewall,
 * found here pair by pair from the paths.  With destinations in every zone
 * the planner takes the whole tree at once; this is its check against the
 * path-by-path walk.  The side table of the six-zone firewall must agree
 * with a look at each of its zones. */
static void
test_tree_matches_pairs(void **state)
{
	struct fixture f;
	const sfb_topology *t;
	const struct sfb_entry *e;
	size_t i, zs, zd, z, k, nz, fw, a, b, want_side, bestlen;
	bool src_want[64][16], dst_want[64][16];
	int len;

	(void)state;
	build(&f, HEADER
	    "profiles: [sfb-server]\n"
	    "zones:\n"
	    "  - { name: z0, networks: [10.0.0.0/16] }\n"
	    "  - { name: z1, networks: [10.1.0.0/16] }\n"
	    "  - { name: z2, networks: [10.2.0.0/16] }\n"
	    "  - { name: z3, networks: [10.3.0.0/16] }\n"
	    "  - { name: z4, networks: [10.4.0.0/16] }\n"
	    "  - { name: z5, networks: [10.5.0.0/16] }\n"
	    "  - { name: z6, networks: [10.6.0.0/16] }\n"
	    "  - { name: z7, networks: [10.7.0.0/16] }\n"
	    "  - { name: z8, networks: [10.8.0.0/16] }\n"
	    "  - { name: z9, networks: [10.9.0.0/16] }\n"
	    "  - { name: z10, networks: [10.10.0.0/16] }\n"
	    "  - { name: z11, networks: [10.11.0.0/16] }\n"
	    "firewalls:\n"
	    "  - { name: r01, between: [z0, z1] }\n"
	    "  - { name: r12, between: [z1, z2] }\n"
	    "  - { name: r23, between: [z2, z3] }\n"
	    "  - { name: r30, between: [z3, z0] }\n"
	    "  - { name: six, between: [z3, z4, z5, z6, z7, z8] }\n"
	    "  - { name: c89, between: [z8, z9] }\n"
	    "  - { name: c910, between: [z9, z10] }\n"
	    "  - { name: c1011, between: [z10, z11] }\n"
	    "hosts:\n"
	    "  - { name: c0, endpoints: [ { zone: z0, network: 10.0.1.0/24, roles: [client] } ] }\n"
	    "  - { name: c1, endpoints: [ { zone: z1, network: 10.1.1.0/24, roles: [client] } ] }\n"
	    "  - { name: c2, endpoints: [ { zone: z2, network: 10.2.1.0/24, roles: [client] } ] }\n"
	    "  - { name: c3, endpoints: [ { zone: z3, network: 10.3.1.0/24, roles: [client] } ] }\n"
	    "  - { name: c4, endpoints: [ { zone: z4, network: 10.4.1.0/24, roles: [client] } ] }\n"
	    "  - { name: c5, endpoints: [ { zone: z5, network: 10.5.1.0/24, roles: [client] } ] }\n"
	    "  - { name: c6, endpoints: [ { zone: z6, network: 10.6.1.0/24, roles: [client] } ] }\n"
	    "  - { name: c7, endpoints: [ { zone: z7, network: 10.7.1.0/24, roles: [client] } ] }\n"
	    "  - { name: c8, endpoints: [ { zone: z8, network: 10.8.1.0/24, roles: [client] } ] }\n"
	    "  - { name: c9, endpoints: [ { zone: z9, network: 10.9.1.0/24, roles: [client] } ] }\n"
	    "  - { name: c10, endpoints: [ { zone: z10, network: 10.10.1.0/24, roles: [client] } ] }\n"
	    "  - { name: c11, endpoints: [ { zone: z11, network: 10.11.1.0/24, roles: [client] } ] }\n"
	    "  - { name: fe0, endpoints: [ { zone: z0, address: 10.0.0.10, roles: [front-end] } ] }\n"
	    "  - { name: fe5, endpoints: [ { zone: z5, address: 10.5.0.10, roles: [front-end] } ] }\n"
	    "  - { name: fe11, endpoints: [ { zone: z11, address: 10.11.0.10, roles: [front-end] } ] }\n");
	t = f.topo;
	nz = t->nzones;
	assert_true(t->nfws <= 16 && nz <= 64);
	/* po-im-sip-pools: Front End to Front End, three zones to three;
	 * every entry of every flow from clients to clients or pools is
	 * compared below. */
	for (i = 0; i < f.plan->nentries; i++) {
		e = &f.plan->entries[i];
		if (e->fw == SFB_NO_FIREWALL)
			continue;
		memset(src_want, 0, sizeof(src_want));
		memset(dst_want, 0, sizeof(dst_want));
		for (a = 0; a < t->neps; a++)
			for (b = 0; b < t->neps; b++) {
				const struct sfb_cflow *fl = &cat->flows[e->flow];
				bool from = false, to = false;

				for (k = 0; k < fl->nfrom; k++)
					from |= t->eps[a].roles[0] == fl->from[k];
				for (k = 0; k < fl->nto; k++)
					to |= t->eps[b].roles[0] == fl->to[k];
				if (!from || !to)
					continue;
				zs = t->eps[a].zone;
				zd = t->eps[b].zone;
				len = sfb_plan_path_len(f.plan, zs, zd);
				for (z = zd; len > 0 && z != zs; z = f.plan->via_zone[zs * nz + z])
					if (f.plan->via_fw[zs * nz + z] == e->fw) {
						src_want[a][e->fw] = true;
						dst_want[b][e->fw] = true;
					}
			}
		for (a = 0; a < t->neps; a++) {
			bool in_src = false, in_dst = false;

			for (k = 0; k < e->nsrc; k++)
				in_src |= e->src_eps[k] == a;
			for (k = 0; k < e->ndst; k++)
				in_dst |= e->dst_eps[k] == a;
			if (in_src != src_want[a][e->fw] || in_dst != dst_want[a][e->fw])
				fail_msg("flow %s, firewall %s, endpoint %s: in sources %d (want %d), "
				    "in destinations %d (want %d)", cat->flows[e->flow].id,
				    t->fws[e->fw].name, t->hosts[t->eps[a].host].name, in_src,
				    src_want[a][e->fw], in_dst, dst_want[a][e->fw]);
		}
	}
	/* The six-zone firewall has a side table; it agrees with a look at
	 * each of its zones (nearest, ties by its zone order). */
	fw = 4;
	assert_string_equal(t->fws[fw].name, "six");
	assert_non_null(f.plan->fw_side[fw]);
	for (z = 0; z < nz; z++) {
		want_side = SIZE_MAX;
		bestlen = SIZE_MAX;
		for (k = 0; k < t->fws[fw].nzones; k++) {
			len = sfb_plan_path_len(f.plan, z, t->fws[fw].zones[k]);
			if (len >= 0 && (size_t)len < bestlen) {
				bestlen = (size_t)len;
				want_side = k;
			}
		}
		assert_int_equal(sfb_plan_fw_side(f.plan, fw, z), want_side);
	}
	assert_int_equal(sfb_plan_fw_side(f.plan, fw, 2), 0);   /* z2 -> z3, its first */
	assert_int_equal(sfb_plan_fw_side(f.plan, fw, 11), 5);  /* z11 -> z8 */
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
		cmocka_unit_test(test_tree_matches_pairs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
