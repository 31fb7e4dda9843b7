/* Topology format version 2: the builder (units, sites, uses, virtual vip
 * and snat endpoints) and what the plan makes of it (pool scope, uses,
 * load balancer, per-endpoint ports, versions and features), against the
 * same deployment written as version 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/* Two sites, each a zone with a pool and its SQL server, a WAN firewall
 * between them, a branch zone with an appliance; %s: extra top-level keys,
 * %d: the version. */
#define TWO_POOLS \
    "version: %d\n" \
    "name: t\n" \
    "sip_domains: [contoso.com]\n" \
    "profiles: [sfb-server, sfb-edge, sfb-voice]\n" \
    "%s" \
    "zones:\n" \
    "  - { name: a, networks: [10.1.0.0/16] }\n" \
    "  - { name: b, networks: [10.2.0.0/16] }\n" \
    "  - { name: c, networks: [10.3.0.0/16] }\n" \
    "firewalls:\n" \
    "  - { name: wan, between: [a, b, c] }\n" \
    "pools:\n" \
    "  - { fqdn: pa.corp.contoso.com, vip: 10.1.0.10%s }\n" \
    "  - { fqdn: pb.corp.contoso.com%s }\n" \
    "hosts:\n" \
    "  - { name: fa1, pool: pa.corp.contoso.com, endpoints: [ { zone: a, address: 10.1.0.11, roles: [front-end] } ] }\n" \
    "  - { name: fa2, pool: pa.corp.contoso.com, endpoints: [ { zone: a, address: 10.1.0.12, roles: [front-end] } ] }\n" \
    "  - { name: fb1, pool: pb.corp.contoso.com, endpoints: [ { zone: b, address: 10.2.0.11, roles: [front-end] } ] }\n" \
    "  - { name: sqla, %sendpoints: [ { zone: a, address: 10.1.1.10, roles: [backend-sql] } ] }\n" \
    "  - { name: sqlb, %sendpoints: [ { zone: b, address: 10.2.1.10, roles: [backend-sql]%s } ] }\n" \
    "  - { name: sba, %sendpoints: [ { zone: c, address: 10.3.1.20, roles: [sba] } ] }\n" \
    "  - { name: clients, endpoints: [ { zone: c, network: 10.3.100.0/24, roles: [client] } ] }\n"

/* Extra keys of pool pa in version 2 (after its site and snat). */
static const char *pa_extra = "";

struct fixture {
	sfb_ctx *ctx;
	sfb_topology *topo;
	sfb_plan *plan;
};

/* Parse the topology text and plan it; any failure fails the test. */
static void
load(struct fixture *f, const char *file, const char *yaml)
{
	f->ctx = sfb_ctx_new();
	assert_non_null(f->ctx);
	if (sfb_topology_parse(f->ctx, cat, file, yaml, strlen(yaml), &f->topo) != SFB_OK)
		fail_msg("topology: %s", sfb_ctx_error(f->ctx));
	assert_int_equal(sfb_plan_build(f->ctx, cat, f->topo, &f->plan), SFB_OK);
}

static void
build(struct fixture *f, int version, const char *features)
{
	char yaml[4096], top[256], pa[128];
	int n;

	snprintf(top, sizeof(top), "%s%s", version >= 2 ?
	    "product: sfb2015\nsites:\n  - { name: sa, kind: central }\n"
	    "  - { name: sb, kind: central }\n  - { name: sc, kind: branch, central: sa }\n" : "",
	    features != NULL ? features : "");
	snprintf(pa, sizeof(pa), ", site: sa, snat: 10.1.0.9%s", pa_extra);
	if (version >= 2)
		n = snprintf(yaml, sizeof(yaml), TWO_POOLS, version, top,
		    pa, ", site: sb, version: lync2010",
		    "site: sa, ", "site: sb, ", ", ports: { backend-sql: 50433 }", "site: sc, ");
	else
		n = snprintf(yaml, sizeof(yaml), TWO_POOLS, version, top, "", "", "", "", "", "");
	assert_true(n > 0 && (size_t)n < sizeof(yaml));
	load(f, "t.yaml", yaml);
}

static void
release(struct fixture *f)
{
	sfb_plan_free(f->plan);
	sfb_topology_free(f->topo);
	sfb_ctx_free(f->ctx);
}

/* How many entries flow id has through firewall fw (NULL: inside zones). */
static size_t
count(const struct fixture *f, const char *id, const char *fw)
{
	const struct sfb_entry *e;
	size_t i, n = 0;

	for (i = 0; i < f->plan->nentries; i++) {
		e = &f->plan->entries[i];
		if (strcmp(cat->flows[e->flow].id, id) != 0)
			continue;
		if (fw == NULL ? e->fw == SFB_NO_FIREWALL :
		    e->fw != SFB_NO_FIREWALL && strcmp(f->topo->fws[e->fw].name, fw) == 0)
			n++;
	}
	return n;
}

/* Does some entry of flow id through fw (NULL: inside zones) go from
 * host src to host dst (with that destination port, when dport > 0)? */
static bool
reaches(const struct fixture *f, const char *id, const char *fw, const char *src,
    const char *dst, unsigned dport)
{
	const sfb_topology *t = f->topo;
	const struct sfb_entry *e;
	size_t i, a, b;

	for (i = 0; i < f->plan->nentries; i++) {
		e = &f->plan->entries[i];
		if (strcmp(cat->flows[e->flow].id, id) != 0)
			continue;
		if (fw == NULL ? e->fw != SFB_NO_FIREWALL :
		    e->fw == SFB_NO_FIREWALL || strcmp(t->fws[e->fw].name, fw) != 0)
			continue;
		for (a = 0; a < e->nsrc; a++)
			for (b = 0; b < e->ndst; b++)
				if (strcmp(t->hosts[t->eps[e->src_eps[a]].host].name, src) == 0 &&
				    strcmp(t->hosts[t->eps[e->dst_eps[b]].host].name, dst) == 0 &&
				    (dport == 0 || sfb_portset_has(sfb_entry_dport(cat, e), dport)))
					return true;
	}
	return false;
}

static void
test_builder(void **state)
{
	struct fixture f;
	const sfb_topology *t;
	size_t i, sba = SIZE_MAX, fa1 = SIZE_MAX, fb1 = SIZE_MAX;

	(void)state;
	build(&f, 2, NULL);
	t = f.topo;
	/* 7 hosts of the file, then vip:pa and snat:pa. */
	assert_int_equal(t->nhosts_real, 7);
	assert_int_equal(t->nhosts, 9);
	assert_int_equal(sfb_topology_host_count(t), 7);
	assert_string_equal(t->hosts[7].name, "vip:pa.corp.contoso.com");
	assert_string_equal(t->hosts[8].name, "snat:pa.corp.contoso.com");
	assert_true(t->eps[t->pools[0].vip_ep].virt);
	assert_string_equal(t->eps[t->pools[0].vip_ep].addr_text, "10.1.0.10");
	assert_int_equal(t->pools[1].vip_ep, SIZE_MAX);
	/* Units: the two pools first, then the lone hosts. */
	assert_int_equal(t->nunits, 6);
	assert_string_equal(t->units[0].name, "pa.corp.contoso.com");
	assert_int_equal(t->units[0].version, sfb_catalog_version(cat, "sfb2015"));
	assert_int_equal(t->units[1].version, sfb_catalog_version(cat, "lync2010"));
	for (i = 0; i < t->nhosts; i++) {
		if (strcmp(t->hosts[i].name, "sba") == 0)
			sba = t->hosts[i].unit;
		if (strcmp(t->hosts[i].name, "fa1") == 0)
			fa1 = t->hosts[i].unit;
		if (strcmp(t->hosts[i].name, "fb1") == 0)
			fb1 = t->hosts[i].unit;
	}
	assert_int_equal(fa1, 0);
	assert_int_equal(fb1, 1);
	assert_true(t->sites[t->units[sba].site].branch);
	assert_int_equal(sfb_sites_relation(t, t->units[sba].site, t->units[fa1].site), 2);
	assert_int_equal(sfb_sites_relation(t, t->units[sba].site, t->units[fb1].site), 0);
	assert_int_equal(sfb_sites_relation(t, t->units[fa1].site, t->units[fa1].site), 1);
	release(&f);
}

static void
test_pool_scope_and_uses(void **state)
{
	struct fixture v1, v2;

	(void)state;
	build(&v1, 1, NULL);
	build(&v2, 2, NULL);
	/* IM conferencing (5062) stays inside a pool in version 2. */
	assert_true(reaches(&v1, "po-im-imconf", "wan", "fa1", "fb1", 5062));
	assert_int_equal(count(&v2, "po-im-imconf", "wan"), 0);
	assert_true(reaches(&v2, "po-im-imconf", NULL, "fa1", "fa2", 5062));
	/* SQL: each pool its own site's server; never across the WAN. */
	assert_true(reaches(&v1, "po-cms-sql", "wan", "fa1", "sqlb", 1433));
	assert_int_equal(count(&v2, "po-cms-sql", "wan"), 0);
	assert_true(reaches(&v2, "po-cms-sql", NULL, "fa1", "sqla", 1433));
	assert_true(reaches(&v2, "po-cms-sql", NULL, "fb1", "sqlb", 50433));
	assert_false(reaches(&v2, "po-cms-sql", NULL, "fb1", "sqlb", 1433));
	/* The branch appliance: its central site's pool, not the other. */
	assert_true(reaches(&v2, "po-ev-sba-to-pool", "wan", "sba", "fa1", 5061));
	assert_false(reaches(&v2, "po-ev-sba-to-pool", "wan", "sba", "fb1", 0));
	assert_true(reaches(&v1, "po-ev-sba-to-pool", "wan", "sba", "fb1", 5061));
	/* Inter-pool SIP stays between every pair. */
	assert_true(reaches(&v2, "po-im-sip-pools", "wan", "fa1", "fb1", 5061));
	release(&v1);
	release(&v2);
}

static void
test_load_balancer(void **state)
{
	struct fixture v1, v2;

	(void)state;
	build(&v1, 1, NULL);
	build(&v2, 2, NULL);
	/* Clients' web traffic: pool a's vip in version 2, never its members;
	 * pool b (no vip) is reached directly. */
	assert_true(reaches(&v1, "po-im-client-https", "wan", "clients", "fa1", 443));
	assert_false(reaches(&v2, "po-im-client-https", "wan", "clients", "fa1", 0));
	assert_true(reaches(&v2, "po-im-client-https", "wan", "clients",
	    "vip:pa.corp.contoso.com", 443));
	assert_true(reaches(&v2, "po-im-client-https", "wan", "clients", "fb1", 443));
	/* The load balancer reaches the members from its snat address. */
	assert_true(reaches(&v2, "po-im-client-https", NULL, "snat:pa.corp.contoso.com", "fa2",
	    443));
	/* SIP is not load-balanced by the vip (DNS load balancing). */
	assert_true(reaches(&v2, "po-im-client-sip", "wan", "clients", "fa1", 5061));
	assert_false(reaches(&v2, "po-im-client-sip", "wan", "clients",
	    "vip:pa.corp.contoso.com", 0));
	release(&v1);
	release(&v2);
}

static void
test_versions_and_features(void **state)
{
	struct fixture v1, v2, x;

	(void)state;
	build(&v1, 1, NULL);
	build(&v2, 2, NULL);
	build(&x, 2, "features: [no-trunk-tls, media-bypass]\n");
	/* Lync 2010's Outside Voice Control: pool b (lync2010) only. */
	assert_true(reaches(&v1, "po-ev-fe-ovc", NULL, "fa1", "fa2", 5074));
	assert_false(reaches(&v2, "po-ev-fe-ovc", NULL, "fa1", "fa2", 0));
	assert_true(reaches(&v2, "po-ev-fe-ovc", NULL, "fb1", "fb1", 5074));
	/* Features: off by default, on when named; on by default, off with no-. */
	assert_int_equal(sfb_topology_features_on(v2.topo,
	    &cat->flows[0].when), true);
	for (size_t i = 0; i < cat->nflows; i++) {
		const struct sfb_cflow *fl = &cat->flows[i];

		if (strcmp(fl->id, "po-ev-bypass-client-to-gw") == 0) {
			assert_false(sfb_topology_features_on(v2.topo, &fl->when));
			assert_true(sfb_topology_features_on(x.topo, &fl->when));
			assert_true(sfb_topology_features_on(v1.topo, &fl->when));
		}
		if (strcmp(fl->id, "po-ev-gw-to-med-tls") == 0) {
			assert_true(sfb_topology_features_on(v2.topo, &fl->when));
			assert_false(sfb_topology_features_on(x.topo, &fl->when));
		}
	}
	release(&v1);
	release(&v2);
	release(&x);
}

/* A pool that balances SIP by hardware: SIP to its vip too. */
static void
test_sip_hardware_lb(void **state)
{
	struct fixture f;

	(void)state;
	pa_extra = ", load_balancing: hardware";
	build(&f, 2, NULL);
	pa_extra = "";
	assert_true(f.topo->pools[0].sip_hw);
	assert_true(reaches(&f, "po-im-client-sip", "wan", "clients", "vip:pa.corp.contoso.com", 5061));
	assert_false(reaches(&f, "po-im-client-sip", "wan", "clients", "fa1", 0));
	assert_true(reaches(&f, "po-im-client-sip", NULL, "snat:pa.corp.contoso.com", "fa1", 5061));
	/* Pool b balances SIP by DNS: its member, as before. */
	assert_true(reaches(&f, "po-im-client-sip", "wan", "clients", "fb1", 5061));
	/* Media is never load-balanced. */
	assert_true(reaches(&f, "po-av-client-to-mcu", "wan", "clients", "fa1", 0));
	release(&f);
}

/* Cloud roles with published networks (vocabulary networks:): an outside
 * endpoint without an address stands for them, minus what an inside zone
 * claims; with an address of its own it keeps it.  And when: no-FEATURE. */
#define CLOUD \
    "version: 2\n" \
    "name: c\n" \
    "sip_domains: [contoso.com]\n" \
    "profiles: [teams-interop]\n" \
    "%s" \
    "zones:\n" \
    "  - { name: in, networks: [10.0.0.0/8, 52.112.0.0/16] }\n" \
    "  - { name: out }\n" \
    "firewalls:\n" \
    "  - { name: fw, between: [in, out] }\n" \
    "hosts:\n" \
    "  - { name: clients, endpoints: [ { zone: in, network: 10.1.0.0/16, roles: [client] } ] }\n" \
    "  - { name: o365, endpoints: [ { zone: out, roles: [office365] } ] }\n" \
    "  - { name: relays, endpoints: [ { zone: out, roles: [teams-transport-relay, teams-media-processor] } ] }\n" \
    "  - { name: own, endpoints: [ { zone: out, networks: [198.51.100.0/24], roles: [teams-sip-proxy] } ] }\n" \
    "  - { name: web, endpoints: [ { zone: out, roles: [internet] } ] }\n"

static bool
ep_covers(const sfb_topology *t, const char *host, const char *prefix)
{
	sfb_addrset want;
	bool in = false;
	size_t i;

	sfb_addrset_init(&want);
	assert_int_equal(sfb_addrset_parse(&want, prefix), SFB_OK);
	for (i = 0; i < t->neps; i++)
		if (strcmp(t->hosts[t->eps[i].host].name, host) == 0)
			in = sfb_addrset_subset(&want, &t->eps[i].addr);
	sfb_addrset_free(&want);
	return in;
}

static void
build_cloud(struct fixture *f, const char *features)
{
	char yaml[2048];
	int n = snprintf(yaml, sizeof(yaml), CLOUD, features);

	assert_true(n > 0 && (size_t)n < sizeof(yaml));
	load(f, "c.yaml", yaml);
}

static void
test_cloud_networks(void **state)
{
	struct fixture f, q;
	const struct sfb_cflow *relay_udp = NULL, *qos_audio = NULL;
	size_t i;

	(void)state;
	build_cloud(&f, "");
	assert_true(ep_covers(f.topo, "o365", "52.122.0.0/15"));
	assert_true(ep_covers(f.topo, "o365", "52.113.0.0/16"));
	assert_false(ep_covers(f.topo, "o365", "52.112.1.1"));   /* the inside zone's */
	assert_false(ep_covers(f.topo, "o365", "8.8.8.8"));
	assert_true(ep_covers(f.topo, "relays", "52.122.0.0/15"));
	assert_true(ep_covers(f.topo, "own", "198.51.100.0/24"));
	assert_false(ep_covers(f.topo, "own", "52.122.0.1"));
	assert_true(ep_covers(f.topo, "web", "8.8.8.8"));        /* no published ranges: the zone */
	/* when: { features: [no-teams-qos-ports] }: on until the feature is. */
	build_cloud(&q, "features: [teams-qos-ports]\n");
	for (i = 0; i < cat->nflows; i++) {
		if (strcmp(cat->flows[i].id, "tm-client-relay-udp") == 0)
			relay_udp = &cat->flows[i];
		if (strcmp(cat->flows[i].id, "tm-client-qos-audio") == 0)
			qos_audio = &cat->flows[i];
	}
	assert_non_null(relay_udp);
	assert_non_null(qos_audio);
	assert_true(sfb_topology_features_on(f.topo, &relay_udp->when));
	assert_false(sfb_topology_features_on(f.topo, &qos_audio->when));
	assert_false(sfb_topology_features_on(q.topo, &relay_udp->when));
	assert_true(sfb_topology_features_on(q.topo, &qos_audio->when));
	assert_true(reaches(&f, "tm-client-relay-udp", "fw", "clients", "relays", 3478));
	assert_false(reaches(&q, "tm-client-relay-udp", "fw", "clients", "relays", 0));
	assert_true(reaches(&q, "tm-client-qos-audio", "fw", "clients", "relays", 3478));
	release(&f);
	release(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builder),
		cmocka_unit_test(test_pool_scope_and_uses),
		cmocka_unit_test(test_load_balancer),
		cmocka_unit_test(test_versions_and_features),
		cmocka_unit_test(test_sip_hardware_lb),
		cmocka_unit_test(test_cloud_networks),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
