/* The plan: every catalog flow of an enabled profile, instantiated on the
 * topology's endpoints, and the firewalls each crosses on its zone path. */
#include "sfb_plan.h"

#include <stdlib.h>
#include <string.h>

/* Endpoints and addresses per (role, zone), computed once so that planning
 * costs flows x zones^2, not flows x endpoints^2. */
struct role_zone {
	size_t *eps, neps, cap;
	sfb_addrset addr, pub;
};

struct builder {
	sfb_ctx *ctx;
	sfb_plan *plan;
	const sfb_catalog *cat;
	const sfb_topology *t;
	struct role_zone *rz;  /* [role * nzones + zone] */
	long *index;           /* [flow * (nfws + 1) + fw slot] -> entry, or -1 */
	size_t maxpath;
};

static struct role_zone *
rz_at(struct builder *B, size_t role, size_t zone)
{
	return &B->rz[role * B->t->nzones + zone];
}

static size_t
path_stride(const sfb_plan *p)
{
	return p->topo->nfws > 0 ? p->topo->nfws : 1;
}

/* Shortest firewall path between every pair of zones: breadth-first from
 * each zone, firewalls and zones visited in topology order so the choice is
 * the same on every run. */
static sfb_status
compute_paths(struct builder *B)
{
	const sfb_topology *t = B->t;
	size_t nz = t->nzones, stride = path_stride(B->plan), s, i, k, f, z, head, tail;
	size_t *queue = NULL, *via_fw = NULL, *via_zone = NULL;
	int *dist = NULL;
	sfb_status st = SFB_OK;

	B->plan->path_fws = calloc(nz * nz * stride, sizeof(size_t));
	B->plan->path_len = calloc(nz * nz, sizeof(int));
	queue = calloc(nz, sizeof(size_t));
	via_fw = calloc(nz, sizeof(size_t));
	via_zone = calloc(nz, sizeof(size_t));
	dist = calloc(nz, sizeof(int));
	if (B->plan->path_fws == NULL || B->plan->path_len == NULL || queue == NULL ||
	    via_fw == NULL || via_zone == NULL || dist == NULL) {
		st = sfb_oom(B->ctx);
		goto out;
	}
	for (s = 0; s < nz; s++) {
		for (i = 0; i < nz; i++)
			dist[i] = -1;
		dist[s] = 0;
		head = tail = 0;
		queue[tail++] = s;
		while (head < tail) {
			z = queue[head++];
			for (f = 0; f < t->nfws; f++) {
				bool on = false;

				for (k = 0; k < t->fws[f].nzones; k++)
					on |= t->fws[f].zones[k] == z;
				if (!on)
					continue;
				for (k = 0; k < t->fws[f].nzones; k++) {
					size_t nzid = t->fws[f].zones[k];

					if (dist[nzid] >= 0)
						continue;
					dist[nzid] = dist[z] + 1;
					via_fw[nzid] = f;
					via_zone[nzid] = z;
					queue[tail++] = nzid;
				}
			}
		}
		for (i = 0; i < nz; i++) {
			int len = dist[i];
			size_t *path = &B->plan->path_fws[(s * nz + i) * stride];

			B->plan->path_len[s * nz + i] = len;
			/* Walk back from i to s, filling the path from its end. */
			for (z = i; len > 0 && z != s; z = via_zone[z])
				path[--len] = via_fw[z];
		}
	}
out:
	free(queue);
	free(via_fw);
	free(via_zone);
	free(dist);
	return st;
}

static sfb_status
index_endpoints(struct builder *B)
{
	const sfb_topology *t = B->t;
	const struct sfb_endpoint *ep;
	struct role_zone *rz;
	size_t i, r;

	B->rz = calloc(B->cat->nroles * t->nzones + 1, sizeof(*B->rz));
	if (B->rz == NULL)
		return sfb_oom(B->ctx);
	for (i = 0; i < B->cat->nroles * t->nzones; i++) {
		sfb_addrset_init(&B->rz[i].addr);
		sfb_addrset_init(&B->rz[i].pub);
	}
	for (i = 0; i < t->neps; i++) {
		ep = &t->eps[i];
		for (r = 0; r < ep->nroles; r++) {
			rz = rz_at(B, ep->roles[r], ep->zone);
			if (sfb_grow(&rz->eps, &rz->cap, rz->neps + 1, sizeof(size_t)) != SFB_OK ||
			    sfb_addrset_union(&rz->addr, &ep->addr) != SFB_OK ||
			    sfb_addrset_union(&rz->pub, &ep->pub) != SFB_OK)
				return sfb_oom(B->ctx);
			rz->eps[rz->neps++] = i;
		}
	}
	return SFB_OK;
}

static void
free_role_zones(struct builder *B)
{
	size_t i;

	if (B->rz == NULL)
		return;
	for (i = 0; i < B->cat->nroles * B->t->nzones; i++) {
		free(B->rz[i].eps);
		sfb_addrset_free(&B->rz[i].addr);
		sfb_addrset_free(&B->rz[i].pub);
	}
	free(B->rz);
}

static void
entry_free(struct sfb_entry *e)
{
	sfb_addrset_free(&e->src);
	sfb_addrset_free(&e->dst);
	sfb_addrset_free(&e->dst_public);
	free(e->src_eps);
	free(e->dst_eps);
}

void
sfb_plan_free(sfb_plan *plan)
{
	size_t i;

	if (plan == NULL)
		return;
	for (i = 0; i < plan->nentries; i++)
		entry_free(&plan->entries[i]);
	free(plan->entries);
	free(plan->unmatched);
	free(plan->path_fws);
	free(plan->path_len);
	free(plan);
}

size_t
sfb_plan_flow_count(const sfb_plan *plan)
{
	return plan->nentries;
}

size_t
sfb_plan_firewall_flow_count(const sfb_plan *plan)
{
	size_t i, n = 0;

	for (i = 0; i < plan->nentries; i++)
		n += plan->entries[i].fw != SFB_NO_FIREWALL;
	return n;
}

/* The entry for (flow, fw), created on first use. */
static struct sfb_entry *
entry_for(struct builder *B, size_t flow, size_t fw)
{
	size_t slot = fw == SFB_NO_FIREWALL ? B->t->nfws : fw;
	long *ix = &B->index[flow * (B->t->nfws + 1) + slot];
	struct sfb_entry *e;

	if (*ix >= 0)
		return &B->plan->entries[*ix];
	if (sfb_grow(&B->plan->entries, &B->plan->capentries, B->plan->nentries + 1,
	    sizeof(*B->plan->entries)) != SFB_OK)
		return NULL;
	e = &B->plan->entries[B->plan->nentries];
	memset(e, 0, sizeof(*e));
	e->flow = flow;
	e->fw = fw;
	sfb_addrset_init(&e->src);
	sfb_addrset_init(&e->dst);
	sfb_addrset_init(&e->dst_public);
	*ix = (long)B->plan->nentries++;
	return e;
}

static sfb_status
append_eps(size_t **v, size_t *n, size_t *cap, const struct role_zone *rz)
{
	if (sfb_grow(v, cap, *n + rz->neps, sizeof(size_t)) != SFB_OK)
		return SFB_ENOMEM;
	memcpy(*v + *n, rz->eps, rz->neps * sizeof(size_t));
	*n += rz->neps;
	return SFB_OK;
}

/* Add the source side (roles of from, zone zs) and destination side (roles
 * of to, zone zd) to one entry. */
static sfb_status
add_pair(struct builder *B, struct sfb_entry *e, const struct sfb_cflow *f, size_t zs,
    size_t zd)
{
	const struct role_zone *rz;
	size_t i;

	for (i = 0; i < f->nfrom; i++) {
		rz = rz_at(B, f->from[i], zs);
		if (rz->neps == 0)
			continue;
		if (sfb_addrset_union(&e->src, &rz->addr) != SFB_OK ||
		    append_eps(&e->src_eps, &e->nsrc, &e->capsrc, rz) != SFB_OK)
			return SFB_ENOMEM;
	}
	for (i = 0; i < f->nto; i++) {
		rz = rz_at(B, f->to[i], zd);
		if (rz->neps == 0)
			continue;
		if (sfb_addrset_union(&e->dst, &rz->addr) != SFB_OK ||
		    append_eps(&e->dst_eps, &e->ndst, &e->capdst, rz) != SFB_OK)
			return SFB_ENOMEM;
		if (B->t->zones[zs].is_default &&
		    sfb_addrset_union(&e->dst_public, &rz->pub) != SFB_OK)
			return SFB_ENOMEM;
	}
	return SFB_OK;
}

/* Does any endpoint of zone z have one of the roles? */
static bool
zone_has(struct builder *B, const size_t *roles, size_t n, size_t z)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rz_at(B, roles[i], z)->neps > 0)
			return true;
	return false;
}

static bool
role_present(struct builder *B, size_t role)
{
	size_t z;

	for (z = 0; z < B->t->nzones; z++)
		if (rz_at(B, role, z)->neps > 0)
			return true;
	return false;
}

/* Record a flow that has no endpoint on one side. */
static sfb_status
note_unmatched(struct builder *B, size_t flow)
{
	const struct sfb_cflow *f = &B->cat->flows[flow];
	struct sfb_unmatched *u;
	const size_t *roles;
	size_t n, i;
	int side;

	for (side = 0; side < 2; side++) {
		roles = side == 0 ? f->from : f->to;
		n = side == 0 ? f->nfrom : f->nto;
		for (i = 0; i < n && !role_present(B, roles[i]); i++)
			;
		if (i < n)
			continue;
		if (sfb_grow(&B->plan->unmatched, &B->plan->capunmatched,
		    B->plan->nunmatched + 1, sizeof(*u)) != SFB_OK)
			return sfb_oom(B->ctx);
		u = &B->plan->unmatched[B->plan->nunmatched++];
		u->flow = flow;
		u->missing_role = roles[0];
		u->side = side;
		return SFB_OK;
	}
	return SFB_OK;
}

static sfb_status
plan_flow(struct builder *B, size_t flow)
{
	const struct sfb_cflow *f = &B->cat->flows[flow];
	size_t nz = B->t->nzones, stride = path_stride(B->plan), zs, zd, k;
	const size_t *path;
	struct sfb_entry *e;
	bool any = false;
	int len;

	for (zs = 0; zs < nz; zs++) {
		if (!zone_has(B, f->from, f->nfrom, zs))
			continue;
		for (zd = 0; zd < nz; zd++) {
			if (!zone_has(B, f->to, f->nto, zd))
				continue;
			any = true;
			len = B->plan->path_len[zs * nz + zd];
			if (len < 0) {
				if (sfb_warn(B->ctx, B->t->file, 0, 0,
				    "flow %s: no firewall path from zone '%s' to zone '%s'",
				    f->id, B->t->zones[zs].name, B->t->zones[zd].name) != SFB_OK)
					return sfb_oom(B->ctx);
				continue;
			}
			if (len == 0) {
				e = entry_for(B, flow, SFB_NO_FIREWALL);
				if (e == NULL || add_pair(B, e, f, zs, zd) != SFB_OK)
					return sfb_oom(B->ctx);
				continue;
			}
			path = &B->plan->path_fws[(zs * nz + zd) * stride];
			for (k = 0; k < (size_t)len; k++) {
				e = entry_for(B, flow, path[k]);
				if (e == NULL || add_pair(B, e, f, zs, zd) != SFB_OK)
					return sfb_oom(B->ctx);
			}
		}
	}
	return any ? SFB_OK : note_unmatched(B, flow);
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static size_t
sort_unique(size_t *v, size_t n)
{
	size_t i, j = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_size);
	for (i = 1; i < n; i++)
		if (v[i] != v[j])
			v[++j] = v[i];
	return j + 1;
}

/* Entries in output order: firewalls in topology order (intra-zone last),
 * flows in catalog order within each. */
static int
cmp_entry(const void *a, const void *b)
{
	const struct sfb_entry *x = a, *y = b;

	if (x->fw != y->fw)
		return x->fw < y->fw ? -1 : 1;
	return x->flow < y->flow ? -1 : x->flow > y->flow;
}

sfb_status
sfb_plan_build(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo,
    sfb_plan **out)
{
	struct builder B;
	size_t i, nslots;
	sfb_status st;

	*out = NULL;
	memset(&B, 0, sizeof(B));
	B.ctx = ctx;
	B.cat = cat;
	B.t = topo;
	B.plan = calloc(1, sizeof(*B.plan));
	if (B.plan == NULL) {
		st = sfb_oom(ctx);
		goto out;
	}
	B.plan->cat = cat;
	B.plan->topo = topo;
	nslots = cat->nflows * (topo->nfws + 1);
	B.index = malloc((nslots + 1) * sizeof(long));
	if (B.index == NULL) {
		st = sfb_oom(ctx);
		goto out;
	}
	for (i = 0; i < nslots; i++)
		B.index[i] = -1;
	if ((st = compute_paths(&B)) != SFB_OK || (st = index_endpoints(&B)) != SFB_OK)
		goto out;
	for (i = 0; i < cat->nflows; i++) {
		if (cat->flows[i].profile >= topo->nprofiles ||
		    !topo->profile_on[cat->flows[i].profile])
			continue;
		if ((st = plan_flow(&B, i)) != SFB_OK)
			goto out;
	}
	for (i = 0; i < B.plan->nentries; i++) {
		struct sfb_entry *e = &B.plan->entries[i];

		e->nsrc = sort_unique(e->src_eps, e->nsrc);
		e->ndst = sort_unique(e->dst_eps, e->ndst);
	}
	if (B.plan->nentries > 1)
		qsort(B.plan->entries, B.plan->nentries, sizeof(*B.plan->entries), cmp_entry);
	*out = B.plan;
	B.plan = NULL;
out:
	free_role_zones(&B);
	free(B.index);
	sfb_plan_free(B.plan);
	return st;
}

void
sfb_plan_fw_range(const sfb_plan *plan, size_t fw, size_t *first, size_t *count)
{
	size_t i = 0;

	while (i < plan->nentries && plan->entries[i].fw != fw)
		i++;
	*first = i;
	while (i < plan->nentries && plan->entries[i].fw == fw)
		i++;
	*count = i - *first;
}
