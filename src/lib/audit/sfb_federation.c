/* sfbnet federation: the hybrid document's federation rules and the
 * external-access modes, on the configuration exports of both sides.
 *
 * Each rule is a named result with its source.  The hybrid rules need both
 * sides (they compare them); --can-reach and the topology's rules take
 * whichever sides are given. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/sfb_catalog.h"
#include "sfb_esc.h"
#include "sfb_fed.h"
#include "sfb_text.h"
#include "topo/sfb_topology.h"

#define CITE_HYBRID "ms-sfb-hybrid: Requirements for Federation Allowed/Blocked Lists"
#define CITE_CONFIG "ms-sfb-hybrid-config: Configure your on-premises environment to enable " \
	"shared SIP address space (hosting provider sipfed.online.lync.com); Enable shared SIP " \
	"address space in your organization"
#define CITE_STARLEAF "starleaf-sfbo: Step one: Configure Skype for Business Online in the cloud"

enum { R_PASS, R_FAIL, R_SKIP };

struct result {
	const char *id;
	int verdict;
	char *detail;
	const char *cite;
};

struct reach {
	char *domain;
	int side;                /* 0 on premises, 1 online */
	int mode;
	bool yes;
	const char *why;
};

struct sfb_federation {
	struct fed_side side[2];     /* on premises, online */
	struct result *r;
	size_t nr, capr;
	struct reach *reach;
	size_t nreach, capreach;
};

static const char *const side_names[] = { "on premises", "online" };
static const char *const mode_names[] = { "off", "on except for blocked domains",
	"on only for allowed domains" };
static const char *const mode_ids[] = { "off", "open", "allowed-only" };

static sfb_status
result(struct sfb_federation *F, const char *id, int verdict, const char *cite, sfb_buf *detail)
{
	struct result *r;

	if (sfb_buf_status(detail) != SFB_OK ||
	    sfb_grow(&F->r, &F->capr, F->nr + 1, sizeof(*F->r)) != SFB_OK)
		return SFB_ENOMEM;
	r = &F->r[F->nr++];
	r->id = id;
	r->verdict = verdict;
	r->cite = cite;
	r->detail = sfb_buf_take(detail);
	if (r->detail == NULL && (r->detail = sfb_strdup("")) == NULL)
		return SFB_ENOMEM;
	return SFB_OK;
}

/* The names of a not in b, comma-separated, into d; how many. */
static size_t
missing(sfb_buf *d, const sfb_strv *a, const sfb_strv *b)
{
	size_t i, n = 0;

	for (i = 0; i < a->n; i++)
		if (!sfb_strv_has(b, a->v[i])) {
			sfb_buf_printf(d, "%s%s", n++ > 0 ? ", " : "", a->v[i]);
		}
	return n;
}

/* Both lists the same (case-insensitive), each difference named with its
 * side. */
static sfb_status
lists_equal(struct sfb_federation *F, const char *id, const char *what, const sfb_strv *on,
    const sfb_strv *off)
{
	sfb_buf d, x;
	size_t a, b;
	sfb_status st;

	sfb_buf_init(&d);
	sfb_buf_init(&x);
	a = missing(&x, on, off);
	if (a > 0)
		sfb_buf_printf(&d, "%s on premises only: %s", what, sfb_buf_str(&x));
	sfb_buf_reset(&x);
	b = missing(&x, off, on);
	if (b > 0)
		sfb_buf_printf(&d, "%s%s online only: %s", a > 0 ? "; " : "", what, sfb_buf_str(&x));
	if (a == 0 && b == 0)
		sfb_buf_printf(&d, "the same %zu domain(s) on both sides", on->n);
	st = result(F, id, a + b == 0 ? R_PASS : R_FAIL, CITE_HYBRID, &d);
	sfb_buf_free(&d);
	sfb_buf_free(&x);
	return st;
}

static sfb_status
hybrid_rules(struct sfb_federation *F)
{
	const struct fed_side *on = &F->side[0], *ol = &F->side[1];
	sfb_buf d;
	sfb_status st;
	bool ok;

	sfb_buf_init(&d);
	if (!on->present || !ol->present) {
		sfb_buf_puts(&d, "needs both --onprem and --online");
		st = result(F, "hybrid-rules", R_SKIP, CITE_HYBRID, &d);
		goto out;
	}
	sfb_buf_printf(&d, "partner discovery on premises is %s; online federation is %s",
	    on->open ? "on" : "off", ol->open ? "open (all known domains)" : "closed (allowed list)");
	if ((st = result(F, "partner-discovery-matches-open-federation",
	    on->open == ol->open ? R_PASS : R_FAIL, CITE_HYBRID, &d)) != SFB_OK)
		goto out;
	if ((st = lists_equal(F, "blocked-lists-equal", "blocked", &on->blocked, &ol->blocked)) != SFB_OK)
		goto out;
	if (ol->open) {
		sfb_buf_printf(&d, "online federation is open: the tenant keeps no allowed list "
		    "(on premises lists %zu)", on->allowed.n);
		st = result(F, "allowed-lists-equal", on->allowed.n == 0 ? R_PASS : R_FAIL,
		    CITE_HYBRID, &d);
	} else {
		st = lists_equal(F, "allowed-lists-equal", "allowed", &on->allowed, &ol->allowed);
	}
	if (st != SFB_OK)
		goto out;
	sfb_buf_printf(&d, "AllowFederatedUsers is %s online", ol->federation ? "true" : "false");
	if ((st = result(F, "tenant-federation-enabled", ol->federation ? R_PASS : R_FAIL,
	    CITE_HYBRID, &d)) != SFB_OK)
		goto out;
	sfb_buf_printf(&d, "SharedSipAddressSpace is %s online", ol->shared ? "true" : "false");
	if ((st = result(F, "online-shared-sip-address-space", ol->shared ? R_PASS : R_FAIL,
	    CITE_CONFIG, &d)) != SFB_OK)
		goto out;
	ok = on->hp_found && on->hp_enabled && on->hp_shared && on->hp_hosts_ocs &&
	    on->hp_source_verif && !on->hp_local;
	if (!on->hp_found) {
		sfb_buf_puts(&d, "no hosting provider with ProxyFqdn sipfed.online.lync.com");
	} else {
		sfb_buf_puts(&d, "hosting provider ");
		sfb_esc_put(&d, SFB_ESC_LINE, on->hp_identity != NULL ? on->hp_identity : "?");
		sfb_buf_puts(&d, " (sipfed.online.lync.com)");
		if (ok)
			sfb_buf_puts(&d, ": enabled, shared address space, hosts OCS users, source "
			    "verification, not local");
		if (!on->hp_enabled)
			sfb_buf_puts(&d, "; Enabled is not true");
		if (!on->hp_shared)
			sfb_buf_puts(&d, "; EnabledSharedAddressSpace is not true");
		if (!on->hp_hosts_ocs)
			sfb_buf_puts(&d, "; HostsOCSUsers is not true");
		if (!on->hp_source_verif)
			sfb_buf_puts(&d, "; VerificationLevel is not UseSourceVerification");
		if (on->hp_local)
			sfb_buf_puts(&d, "; IsLocal is true");
	}
	st = result(F, "onprem-hosting-provider", ok ? R_PASS : R_FAIL, CITE_CONFIG, &d);
out:
	sfb_buf_free(&d);
	return st;
}

/* Under its mode, can users of side s federate with domain d? */
static bool
reachable(const struct fed_side *s, const char *d, const char **why)
{
	switch (sfb_fed_mode(s)) {
	case FED_OFF:
		*why = "external access is off";
		return false;
	case FED_OPEN:
		if (sfb_strv_has(&s->blocked, d)) {
			*why = "it is in the blocked list (it must not be)";
			return false;
		}
		*why = "it is not in the blocked list";
		return true;
	default:
		if (sfb_strv_has(&s->allowed, d)) {
			*why = "it is in the allowed list";
			return true;
		}
		*why = "it is not in the allowed list (it must be)";
		return false;
	}
}

static sfb_status
add_reach(struct sfb_federation *F, const char *domain, int side)
{
	struct reach *r;
	char low[256];
	size_t i, n = strlen(domain);

	if (n >= sizeof(low))
		n = sizeof(low) - 1;
	for (i = 0; i < n; i++)
		low[i] = domain[i] >= 'A' && domain[i] <= 'Z' ? (char)(domain[i] - 'A' + 'a') : domain[i];
	low[n] = '\0';
	if (sfb_grow(&F->reach, &F->capreach, F->nreach + 1, sizeof(*F->reach)) != SFB_OK)
		return SFB_ENOMEM;
	r = &F->reach[F->nreach];
	memset(r, 0, sizeof(*r));
	if ((r->domain = sfb_strdup(low)) == NULL)
		return SFB_ENOMEM;
	F->nreach++;
	r->side = side;
	r->mode = sfb_fed_mode(&F->side[side]);
	r->yes = reachable(&F->side[side], low, &r->why);
	return SFB_OK;
}

/* With a topology: its SIP domains blocked on no side; its federated
 * partners (endpoints of that role with an fqdn) reachable on each. */
static sfb_status
topology_rules(struct sfb_federation *F, const sfb_topology *t, const sfb_catalog *cat)
{
	long partner = sfb_catalog_role(cat, "federated-partner");
	const struct fed_side *s;
	const char *why;
	sfb_buf d;
	sfb_strv partners;
	size_t i, k, bad;
	sfb_status st = SFB_OK;

	sfb_buf_init(&d);
	sfb_strv_init(&partners);
	for (k = 0, bad = 0; k < 2; k++) {
		s = &F->side[k];
		for (i = 0; s->present && i < t->nsip; i++)
			if (sfb_strv_has(&s->blocked, t->sip_domains[i])) {
				sfb_buf_printf(&d, "%s%s is blocked %s", bad++ > 0 ? "; " : "",
				    t->sip_domains[i], side_names[k]);
			}
	}
	if (bad == 0)
		sfb_buf_printf(&d, "none of the %zu SIP domain(s) is blocked", t->nsip);
	if ((st = result(F, "own-sip-domains-not-blocked", bad == 0 ? R_PASS : R_FAIL, CITE_HYBRID,
	    &d)) != SFB_OK)
		goto out;
	for (i = 0; partner >= 0 && i < t->neps_real; i++)
		if (t->eps[i].fqdn != NULL && sfb_endpoint_has_role(&t->eps[i], (size_t)partner) &&
		    sfb_strv_add(&partners, t->eps[i].fqdn, true) != SFB_OK) {
			st = SFB_ENOMEM;
			goto out;
		}
	if (partners.n == 0) {
		sfb_buf_puts(&d, "the topology names no federated partner (an endpoint of role "
		    "federated-partner with an fqdn)");
		st = result(F, "partners-reachable", R_SKIP, CITE_STARLEAF, &d);
		goto out;
	}
	for (k = 0, bad = 0; k < 2; k++)
		for (i = 0; F->side[k].present && i < partners.n; i++)
			if (!reachable(&F->side[k], partners.v[i], &why))
				sfb_buf_printf(&d, "%s%s %s: %s", bad++ > 0 ? "; " : "", partners.v[i],
				    side_names[k], why);
	if (bad == 0)
		sfb_buf_printf(&d, "all %zu partner domain(s) reachable", partners.n);
	st = result(F, "partners-reachable", bad == 0 ? R_PASS : R_FAIL, CITE_STARLEAF, &d);
out:
	sfb_buf_free(&d);
	sfb_strv_free(&partners);
	return st;
}

void
sfb_federation_free(sfb_federation *f)
{
	size_t i;

	if (f == NULL)
		return;
	sfb_fed_side_free(&f->side[0]);
	sfb_fed_side_free(&f->side[1]);
	for (i = 0; i < f->nr; i++)
		free(f->r[i].detail);
	for (i = 0; i < f->nreach; i++)
		free(f->reach[i].domain);
	free(f->r);
	free(f->reach);
	free(f);
}

bool
sfb_federation_pass(const sfb_federation *f)
{
	size_t i;

	for (i = 0; i < f->nr; i++)
		if (f->r[i].verdict == R_FAIL)
			return false;
	for (i = 0; i < f->nreach; i++)
		if (!f->reach[i].yes)
			return false;
	return true;
}

sfb_status
sfb_federation_check_mem(sfb_ctx *ctx, const sfb_federation_opts *o, const void *onprem,
    size_t onprem_len, const void *online, size_t online_len, sfb_federation **out)
{
	struct sfb_federation *F;
	sfb_status st = SFB_OK;
	size_t i;
	int k;

	*out = NULL;
	if (onprem == NULL && online == NULL)
		return sfb_failf(ctx, SFB_EINVAL, "federation: give --onprem FILE, --online FILE or both");
	if (o->topo != NULL && o->cat == NULL)
		return sfb_failf(ctx, SFB_EINVAL, "federation: a topology needs its catalog");
	if ((F = calloc(1, sizeof(*F))) == NULL)
		return sfb_oom(ctx);
	for (k = 0; k < 2; k++) {
		sfb_strv_init(&F->side[k].allowed);
		sfb_strv_init(&F->side[k].blocked);
	}
	if (onprem != NULL && (st = sfb_fed_read_onprem(ctx, o->onprem != NULL ? o->onprem :
	    "onprem", onprem, onprem_len, &F->side[0])) != SFB_OK)
		goto out;
	if (online != NULL && (st = sfb_fed_read_online(ctx, o->online != NULL ? o->online :
	    "online", online, online_len, &F->side[1])) != SFB_OK)
		goto out;
	if ((st = hybrid_rules(F)) != SFB_OK)
		goto oom;
	if (o->topo != NULL && (st = topology_rules(F, o->topo, o->cat)) != SFB_OK)
		goto oom;
	for (i = 0; i < o->ncan_reach; i++) {
		if (!sfb_dns_name_valid(o->can_reach[i])) {
			st = sfb_failf(ctx, SFB_EINVAL, "--can-reach '%s': not a domain name",
			    o->can_reach[i]);
			goto out;
		}
		for (k = 0; k < 2; k++)
			if (F->side[k].present && (st = add_reach(F, o->can_reach[i], k)) != SFB_OK)
				goto oom;
	}
	*out = F;
	F = NULL;
	goto out;
oom:
	st = st == SFB_ENOMEM ? sfb_oom(ctx) : st;
out:
	sfb_federation_free(F);
	return st;
}

sfb_status
sfb_federation_check(sfb_ctx *ctx, const sfb_federation_opts *o, sfb_federation **out)
{
	sfb_buf a, b;
	sfb_status st = SFB_OK;

	*out = NULL;
	sfb_buf_init(&a);
	sfb_buf_init(&b);
	if (o->onprem != NULL && (st = sfb_read_file(ctx, o->onprem, &a)) != SFB_OK)
		goto out;
	if (o->online != NULL && (st = sfb_read_file(ctx, o->online, &b)) != SFB_OK)
		goto out;
	st = sfb_federation_check_mem(ctx, o, o->onprem != NULL ? (a.data != NULL ? a.data : "") :
	    NULL, a.len, o->online != NULL ? (b.data != NULL ? b.data : "") : NULL, b.len, out);
out:
	sfb_buf_free(&a);
	sfb_buf_free(&b);
	return st;
}

/* --- report ----------------------------------------------------------------- */

static void
write_text(const void *arg, sfb_buf *b)
{
	const struct sfb_federation *F = arg;

	const struct result *r;
	const struct reach *x;
	size_t i, n[3] = { 0, 0, 0 };
	int k;

	sfb_buf_puts(b, "federation check");
	for (k = 0; k < 2; k++)
		if (F->side[k].present) {
			sfb_buf_printf(b, "%s %s ", k == 0 || !F->side[0].present ? ":" : ",",
			    side_names[k]);
			sfb_esc_put(b, SFB_ESC_LINE, F->side[k].file);
			sfb_buf_printf(b, " (external access %s)", mode_names[sfb_fed_mode(&F->side[k])]);
		}
	sfb_buf_putc(b, '\n');
	for (i = 0; i < F->nr; i++) {
		r = &F->r[i];
		n[r->verdict]++;
		sfb_buf_printf(b, "%-5s %s: ", r->verdict == R_PASS ? "PASS" : r->verdict == R_FAIL ?
		    "FAIL" : "SKIP", r->id);
		sfb_esc_put(b, SFB_ESC_LINE, r->detail);
		sfb_buf_printf(b, " [%s]\n", r->cite);
	}
	for (i = 0; i < F->nreach; i++) {
		x = &F->reach[i];
		sfb_buf_printf(b, "%-5s can reach %s %s (%s): %s", x->yes ? "YES" : "NO", x->domain,
		    side_names[x->side], mode_names[x->mode], x->why);
		if (x->side == 1)
			sfb_buf_puts(b, "; a change of the tenant's external access takes up to 24 hours");
		sfb_buf_printf(b, " [%s]\n", CITE_STARLEAF);
	}
	sfb_buf_printf(b, "summary: %zu pass, %zu fail, %zu skipped; %s\n", n[R_PASS], n[R_FAIL],
	    n[R_SKIP], sfb_federation_pass(F) ? "all good" : "NOT all good");
}

static sfb_status
write_json(const void *arg, sfb_buf *b)
{
	const struct sfb_federation *F = arg;

	static const char *const v[] = { "pass", "fail", "skip" };
	sfb_jb jb = { false };
	json_t *root = sfb_jb_obj(&jb), *arr, *o, *l;
	const struct fed_side *s;
	size_t i;
	int k;

	sfb_jb_str(&jb, root, "format", "sfbnet-federation");
	sfb_jb_int(&jb, root, "version", 1);
	for (k = 0; k < 2; k++) {
		s = &F->side[k];
		if (!s->present) {
			sfb_jb_set(&jb, root, k == 0 ? "onprem" : "online", json_null());
			continue;
		}
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "file", s->file);
		sfb_jb_str(&jb, o, "mode", mode_ids[sfb_fed_mode(s)]);
		sfb_jb_bool(&jb, o, "federation", s->federation);
		sfb_jb_bool(&jb, o, k == 0 ? "partner_discovery" : "open_federation", s->open);
		l = sfb_jb_arr(&jb);
		for (i = 0; i < s->allowed.n; i++)
			sfb_jb_push_str(&jb, l, s->allowed.v[i]);
		sfb_jb_set(&jb, o, "allowed", l);
		l = sfb_jb_arr(&jb);
		for (i = 0; i < s->blocked.n; i++)
			sfb_jb_push_str(&jb, l, s->blocked.v[i]);
		sfb_jb_set(&jb, o, "blocked", l);
		if (k == 1)
			sfb_jb_bool(&jb, o, "shared_sip_address_space", s->shared);
		sfb_jb_set(&jb, root, k == 0 ? "onprem" : "online", o);
	}
	arr = sfb_jb_arr(&jb);
	for (i = 0; i < F->nr; i++) {
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "rule", F->r[i].id);
		sfb_jb_str(&jb, o, "verdict", v[F->r[i].verdict]);
		sfb_jb_str(&jb, o, "detail", F->r[i].detail);
		sfb_jb_str(&jb, o, "cite", F->r[i].cite);
		sfb_jb_push(&jb, arr, o);
	}
	sfb_jb_set(&jb, root, "rules", arr);
	arr = sfb_jb_arr(&jb);
	for (i = 0; i < F->nreach; i++) {
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "domain", F->reach[i].domain);
		sfb_jb_str(&jb, o, "side", F->reach[i].side == 0 ? "onprem" : "online");
		sfb_jb_str(&jb, o, "mode", mode_ids[F->reach[i].mode]);
		sfb_jb_bool(&jb, o, "reachable", F->reach[i].yes);
		sfb_jb_str(&jb, o, "why", F->reach[i].why);
		sfb_jb_push(&jb, arr, o);
	}
	sfb_jb_set(&jb, root, "can_reach", arr);
	sfb_jb_bool(&jb, root, "pass", sfb_federation_pass(F));
	return sfb_jb_dump(&jb, root, b);
}

sfb_status
sfb_federation_write(sfb_ctx *ctx, const sfb_federation *f, sfb_format fmt, char **out)
{
	return sfb_write_report(ctx, fmt == SFB_FORMAT_JSON, write_text, write_json, f, out);
}
