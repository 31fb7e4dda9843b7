/* Certificates: one per pool (or endpoint) of each catalog certificate's
 * role, with its subject and SANs expanded over the topology. */
#include "sfb_certs.h"
#include "sfb_esc.h"

#include <stdlib.h>
#include <string.h>

#include "sfbnet/pki.h"
#include "sfb_text.h"

void
sfb_certs_free(struct sfb_certlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].pool);
		free(l->v[i].subject);
		free(l->v[i].file_base);
		sfb_strv_free(&l->v[i].san);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* One certificate; `name` (the member FQDN of a per-endpoint certificate,
 * else NULL for the subject) names its files. */
static sfb_status
build_one(struct sfb_expand *x, const struct sfb_ccert *e, const char *name,
    struct sfb_certlist *out)
{
	struct sfb_cert *c;
	sfb_strv subj;
	sfb_buf base;
	size_t i;
	sfb_status st;

	sfb_strv_init(&subj);
	sfb_buf_init(&base);
	if ((st = sfb_expand_template(x, e->subject, &subj)) != SFB_OK)
		goto out;
	/* An Office Web Apps farm for internal users only has no external name
	 * for the subject: its certificate is named by its internal one, the
	 * first of its SANs that the topology gives. */
	for (i = 0; subj.n == 0 && e->role == (size_t)x->cat->known[SFB_KR_OFFICE_WEB_APPS] &&
	    i < e->nsan; i++)
		if ((st = sfb_expand_template(x, e->san[i], &subj)) != SFB_OK)
			goto out;
	/* Nothing in the topology for this certificate. */
	if (subj.n == 0)
		goto out;
	/* A pool with several names for the subject's service (an Edge pool
	 * whose hosts publish two Access Edge FQDNs, one per SIP domain): the
	 * first in the topology is the subject, and the SANs, which name the
	 * same service, carry them all. */
	if (sfb_grow(&out->v, &out->cap, out->n + 1, sizeof(*out->v)) != SFB_OK) {
		st = sfb_oom(x->ctx);
		goto out;
	}
	c = &out->v[out->n++];
	memset(c, 0, sizeof(*c));
	sfb_strv_init(&c->san);
	c->entry = e;
	c->subject = subj.v[0];
	subj.v[0] = NULL;    /* taken; the other names are freed with subj */
	if (x->pool != NULL && x->pool->fqdn != NULL && (c->pool = sfb_strdup(x->pool->fqdn)) == NULL) {
		st = sfb_oom(x->ctx);
		goto out;
	}
	for (i = 0; i < e->nsan; i++)
		if ((st = sfb_expand_template(x, e->san[i], &c->san)) != SFB_OK)
			goto out;
	/* Every member's certificate carries every SIP domain's names: a
	 * small file can ask for members x domains names. */
	out->nnames += 1 + c->san.n;
	if (out->nnames > SFB_NAMES_MAX) {
		st = sfb_fail(x->ctx, SFB_ERANGE, x->t->file, 0, 0,
		    "the certificates of this topology carry more than %d names (this sfbnet's "
		    "limit; %zu certificates so far, the last with %zu SANs)", SFB_NAMES_MAX, out->n,
		    c->san.n);
		goto out;
	}
	sfb_buf_printf(&base, "%s-%s", e->id, name != NULL ? name : c->subject);
	if ((c->file_base = sfb_buf_take(&base)) == NULL)
		st = sfb_oom(x->ctx);
out:
	sfb_strv_free(&subj);
	sfb_buf_free(&base);
	return st;
}

sfb_status
sfb_certs_build(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *t,
    struct sfb_certlist *out)
{
	struct sfb_expand x;
	struct sfb_facts facts;
	const struct sfb_pools *pl;
	struct sfb_pools pools;
	struct sfb_pool single;
	size_t i, p, k;
	sfb_status st = SFB_OK;

	memset(out, 0, sizeof(*out));
	if (sfb_facts_init(&facts, cat, t) != SFB_OK)
		return sfb_oom(ctx);
	for (i = 0; i < cat->ncerts && st == SFB_OK; i++) {
		const struct sfb_ccert *e = &cat->certs[i];

		if (e->profile >= t->nprofiles || !t->profile_on[e->profile])
			continue;
		if ((pl = sfb_facts_pools(&facts, e->role)) == NULL) {
			st = sfb_oom(ctx);
			break;
		}
		pools = *pl;
		for (p = 0; p < pools.n && st == SFB_OK; p++) {
			memset(&x, 0, sizeof(x));
			x.ctx = ctx;
			x.facts = &facts;
			x.cat = cat;
			x.t = t;
			x.entry_id = e->id;
			x.pool_role = (long)e->role;
			if (e->per == SFB_PER_POOL) {
				x.pool = &pools.v[p];
				st = build_one(&x, e, NULL, out);
				continue;
			}
			/* One certificate per member endpoint: {pool} is still its
			 * pool, {member} only this endpoint. */
			for (k = 0; k < pools.v[p].neps && st == SFB_OK; k++) {
				single = pools.v[p];
				single.eps = &pools.v[p].eps[k];
				single.neps = 1;
				x.pool = &single;
				st = build_one(&x, e, t->eps[pools.v[p].eps[k]].fqdn, out);
			}
		}
	}
	sfb_facts_free(&facts);
	if (st != SFB_OK)
		sfb_certs_free(out);
	return st;
}

sfb_status
sfb_certs_check_names(sfb_ctx *ctx, const struct sfb_certlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strlen(l->v[i].subject) > SFB_CN_MAX)
			return sfb_failf(ctx, SFB_EINVAL, "certificate %s: the subject name '%s' is "
			    "longer than the %d characters a common name may have (RFC 5280)",
			    l->v[i].entry->id, l->v[i].subject, SFB_CN_MAX);
	return SFB_OK;
}

static void
eku_text(sfb_buf *b, int eku, const char *sep)
{
	if (eku & SFB_EKU_SERVER)
		sfb_buf_puts(b, "server");
	if (eku == (SFB_EKU_SERVER | SFB_EKU_CLIENT))
		sfb_buf_puts(b, sep);
	if (eku & SFB_EKU_CLIENT)
		sfb_buf_puts(b, "client");
}

static void
write_text(sfb_buf *b, const sfb_catalog *cat, const sfb_topology *t,
    const struct sfb_certlist *l)
{
	const struct sfb_cert *c;
	size_t i, k;

	sfb_buf_printf(b, "%zu certificate(s) for topology '", l->n);
	sfb_esc_put(b, SFB_ESC_LINE, t->name);
	sfb_buf_puts(b, "'\n");
	for (i = 0; i < l->n; i++) {
		c = &l->v[i];
		sfb_buf_printf(b, "\n%s  (%s, %s)\n  subject: CN=%s\n  SAN:", c->entry->id,
		    cat->roles[c->entry->role].name, c->pool != NULL ? c->pool : "-", c->subject);
		for (k = 0; k < c->san.n; k++)
			sfb_buf_printf(b, "%s%s", k ? ", " : " ", c->san.v[k]);
		sfb_buf_puts(b, c->san.n == 0 ? " none\n  EKU: " : "\n  EKU: ");
		eku_text(b, c->entry->eku, ", ");
		sfb_buf_printf(b, "\n  CA: %s\n  purpose: ", c->entry->public_ca ? "public" : "private");
		sfb_esc_put(b, SFB_ESC_LINE, c->entry->purpose);
		sfb_buf_puts(b, "\n  cite: ");
		sfb_cites_text(b, cat, c->entry->cite, c->entry->ncite);
		sfb_buf_putc(b, '\n');
	}
}

static sfb_status
write_json(sfb_buf *b, const sfb_catalog *cat, const sfb_topology *t,
    const struct sfb_certlist *l)
{
	sfb_jb jb = { false };
	json_t *root = sfb_jb_obj(&jb), *a = sfb_jb_arr(&jb), *o, *s;
	const struct sfb_cert *ct;
	size_t i, k;

	sfb_jb_str(&jb, root, "format", "sfbnet-certs");
	sfb_jb_int(&jb, root, "version", 1);
	sfb_jb_str(&jb, root, "topology", t->name);
	for (i = 0; i < l->n; i++) {
		ct = &l->v[i];
		o = sfb_jb_obj(&jb);
		sfb_jb_str(&jb, o, "entry", ct->entry->id);
		sfb_jb_str(&jb, o, "role", cat->roles[ct->entry->role].name);
		sfb_jb_str(&jb, o, "pool", ct->pool);
		sfb_jb_str(&jb, o, "subject", ct->subject);
		sfb_jb_str(&jb, o, "file", ct->file_base);
		s = sfb_jb_arr(&jb);
		for (k = 0; k < ct->san.n; k++)
			sfb_jb_push_str(&jb, s, ct->san.v[k]);
		sfb_jb_set(&jb, o, "san", s);
		s = sfb_jb_arr(&jb);
		if (ct->entry->eku & SFB_EKU_SERVER)
			sfb_jb_push_str(&jb, s, "server");
		if (ct->entry->eku & SFB_EKU_CLIENT)
			sfb_jb_push_str(&jb, s, "client");
		sfb_jb_set(&jb, o, "eku", s);
		sfb_jb_str(&jb, o, "ca", ct->entry->public_ca ? "public" : "private");
		sfb_jb_str(&jb, o, "purpose", ct->entry->purpose);
		sfb_jb_set(&jb, o, "cite", sfb_cites_json(&jb, cat, ct->entry->cite,
		    ct->entry->ncite));
		sfb_jb_push(&jb, a, o);
	}
	sfb_jb_set(&jb, root, "certificates", a);
	return sfb_jb_dump(&jb, root, b);
}

sfb_status
sfb_certs_write(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo,
    sfb_certs_format fmt, char **out)
{
	struct sfb_certlist l;
	sfb_buf b;
	sfb_status st;

	*out = NULL;
	sfb_buf_init(&b);
	if ((st = sfb_certs_build(ctx, cat, topo, &l)) != SFB_OK)
		goto out;
	if ((st = sfb_certs_check_names(ctx, &l)) != SFB_OK)
		goto out;
	if (fmt == SFB_CERTS_JSON)
		st = write_json(&b, cat, topo, &l);
	else
		write_text(&b, cat, topo, &l);
	st = sfb_buf_finish(ctx, &b, st, out);
out:
	sfb_certs_free(&l);
	sfb_buf_free(&b);
	return st;
}
