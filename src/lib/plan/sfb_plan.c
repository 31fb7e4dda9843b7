/* The plan: every catalog flow of an enabled profile, instantiated on the
 * topology's endpoints, and the firewalls each crosses on its zone path. */
#include "sfb_plan.h"

#include <stdlib.h>
#include <string.h>

/* Endpoints and addresses per (role, zone), computed once so that planning
 * costs flows x zone pairs x path length, not flows x endpoints^2. */
struct role_zone {
	size_t *eps, neps, cap;
	sfb_addrset addr, pub;
};

/* What one flow adds to one firewall (a slot: a firewall index, or nfws
 * for "inside one zone") while the flow is planned: the source zones, the
 * destination zones, and the destination zones reached from the outside
 * zone (for the NAT public addresses).  Turned into an entry when the flow
 * is done. */
struct pending {
	size_t *zs, nzs, capzs;
	size_t *zd, nzd, capzd;
	size_t *zp, nzp, capzp;
	size_t src_gen;     /* the source zone pass that last added to zs */
	bool touched;
};

struct builder {
	sfb_ctx *ctx;
	sfb_plan *plan;
	const sfb_catalog *cat;
	const sfb_topology *t;
	struct role_zone *rz;  /* [role * nzones + zone] */
	struct pending *pend;  /* [slot], nfws + 1 */
	size_t *touched, ntouched;
	size_t *zsrc, *zdst;   /* zones of the current flow's sources / destinations */
	size_t gen;
	unsigned long long steps;
	const sfb_addrset **sets;   /* scratch for unions */
	size_t capsets;
};

static struct role_zone *
rz_at(struct builder *B, size_t role, size_t zone)
{
	return &B->rz[role * B->t->nzones + zone];
}

int
sfb_plan_path_len(const sfb_plan *plan, size_t zs, size_t zd)
{
	return plan->path_len[zs * plan->topo->nzones + zd];
}

/* Shortest firewall path from every zone to every other: breadth-first from
 * each zone over the firewalls that touch it, firewalls and zones visited
 * in topology order so the choice is the same on every run. */
static sfb_status
compute_paths(struct builder *B)
{
	const sfb_topology *t = B->t;
	size_t nz = t->nzones, s, i, k, f, z, head, tail, *adj_start = NULL, *adj = NULL;
	size_t nadj = 0, *queue = NULL;
	int32_t *dist;
	sfb_status st = SFB_OK;

	B->plan->path_len = malloc((nz * nz + 1) * sizeof(int32_t));
	B->plan->via_fw = malloc((nz * nz + 1) * sizeof(uint32_t));
	B->plan->via_zone = malloc((nz * nz + 1) * sizeof(uint32_t));
	adj_start = calloc(nz + 2, sizeof(size_t));
	queue = calloc(nz + 1, sizeof(size_t));
	if (B->plan->path_len == NULL || B->plan->via_fw == NULL || B->plan->via_zone == NULL ||
	    adj_start == NULL || queue == NULL) {
		st = sfb_oom(B->ctx);
		goto out;
	}
	/* The firewalls of each zone, in firewall order (compressed rows). */
	for (f = 0; f < t->nfws; f++)
		for (k = 0; k < t->fws[f].nzones; k++) {
			adj_start[t->fws[f].zones[k] + 2]++;
			nadj++;
		}
	for (z = 0; z < nz; z++)
		adj_start[z + 2] += adj_start[z + 1];
	adj = calloc(nadj + 1, sizeof(size_t));
	if (adj == NULL) {
		st = sfb_oom(B->ctx);
		goto out;
	}
	for (f = 0; f < t->nfws; f++)
		for (k = 0; k < t->fws[f].nzones; k++)
			adj[adj_start[t->fws[f].zones[k] + 1]++] = f;
	/* adj_start[z] .. adj_start[z + 1] now holds zone z's firewalls. */
	for (s = 0; s < nz; s++) {
		dist = &B->plan->path_len[s * nz];
		for (i = 0; i < nz; i++)
			dist[i] = -1;
		dist[s] = 0;
		head = tail = 0;
		queue[tail++] = s;
		while (head < tail) {
			z = queue[head++];
			for (i = adj_start[z]; i < adj_start[z + 1]; i++) {
				f = adj[i];
				for (k = 0; k < t->fws[f].nzones; k++) {
					size_t nzid = t->fws[f].zones[k];

					if (dist[nzid] >= 0)
						continue;
					dist[nzid] = dist[z] + 1;
					B->plan->via_fw[s * nz + nzid] = (uint32_t)f;
					B->plan->via_zone[s * nz + nzid] = (uint32_t)z;
					queue[tail++] = nzid;
				}
			}
		}
	}
out:
	free(adj_start);
	free(adj);
	free(queue);
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
	free(plan->path_len);
	free(plan->via_fw);
	free(plan->via_zone);
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

static sfb_status
push(size_t **v, size_t *n, size_t *cap, size_t x)
{
	if (sfb_grow(v, cap, *n + 1, sizeof(size_t)) != SFB_OK)
		return SFB_ENOMEM;
	(*v)[(*n)++] = x;
	return SFB_OK;
}

/* Note that the current flow goes from zone zs to zone zd through slot. */
static sfb_status
note_pass(struct builder *B, size_t slot, size_t zs, size_t zd)
{
	struct pending *p = &B->pend[slot];

	if (!p->touched) {
		p->touched = true;
		B->touched[B->ntouched++] = slot;
	}
	if (p->src_gen != B->gen) {
		p->src_gen = B->gen;
		if (push(&p->zs, &p->nzs, &p->capzs, zs) != SFB_OK)
			return SFB_ENOMEM;
	}
	if (push(&p->zd, &p->nzd, &p->capzd, zd) != SFB_OK)
		return SFB_ENOMEM;
	if (B->t->zones[zs].is_default && push(&p->zp, &p->nzp, &p->capzp, zd) != SFB_OK)
		return SFB_ENOMEM;
	return SFB_OK;
}

/* The addresses of the role zones of roles x zones into one set: every
 * piece gathered first, then one union. */
static sfb_status
gather(struct builder *B, const size_t *roles, size_t nroles, const size_t *zones,
    size_t nzones, bool public, sfb_addrset *out, size_t **eps, size_t *neps, size_t *cap)
{
	const struct role_zone *rz;
	size_t i, r, n = 0;

	for (i = 0; i < nzones; i++)
		for (r = 0; r < nroles; r++) {
			rz = rz_at(B, roles[r], zones[i]);
			if (rz->neps == 0)
				continue;
			if (sfb_grow(&B->sets, &B->capsets, n + 1, sizeof(*B->sets)) != SFB_OK)
				return SFB_ENOMEM;
			B->sets[n++] = public ? &rz->pub : &rz->addr;
			if (eps == NULL)
				continue;
			if (sfb_grow(eps, cap, *neps + rz->neps, sizeof(size_t)) != SFB_OK)
				return SFB_ENOMEM;
			memcpy(*eps + *neps, rz->eps, rz->neps * sizeof(size_t));
			*neps += rz->neps;
		}
	return sfb_addrset_union_many(out, B->sets, n);
}

/* Turn what the current flow left in each slot into its entry. */
static sfb_status
flush_flow(struct builder *B, size_t flow)
{
	const struct sfb_cflow *f = &B->cat->flows[flow];
	struct sfb_entry *e;
	struct pending *p;
	size_t i, slot;

	for (i = 0; i < B->ntouched; i++) {
		slot = B->touched[i];
		p = &B->pend[slot];
		p->nzs = sort_unique(p->zs, p->nzs);
		p->nzd = sort_unique(p->zd, p->nzd);
		p->nzp = sort_unique(p->zp, p->nzp);
		if (sfb_grow(&B->plan->entries, &B->plan->capentries, B->plan->nentries + 1,
		    sizeof(*B->plan->entries)) != SFB_OK)
			return SFB_ENOMEM;
		e = &B->plan->entries[B->plan->nentries++];
		memset(e, 0, sizeof(*e));
		e->flow = flow;
		e->fw = slot == B->t->nfws ? SFB_NO_FIREWALL : slot;
		sfb_addrset_init(&e->src);
		sfb_addrset_init(&e->dst);
		sfb_addrset_init(&e->dst_public);
		if (gather(B, f->from, f->nfrom, p->zs, p->nzs, false, &e->src, &e->src_eps,
		    &e->nsrc, &e->capsrc) != SFB_OK ||
		    gather(B, f->to, f->nto, p->zd, p->nzd, false, &e->dst, &e->dst_eps,
		    &e->ndst, &e->capdst) != SFB_OK ||
		    gather(B, f->to, f->nto, p->zp, p->nzp, true, &e->dst_public, NULL, NULL,
		    NULL) != SFB_OK)
			return SFB_ENOMEM;
		p->nzs = p->nzd = p->nzp = 0;
		p->touched = false;
	}
	B->ntouched = 0;
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
too_much_work(struct builder *B)
{
	return sfb_fail(B->ctx, SFB_ERANGE, B->t->file, 0, 0,
	    "planning this topology needs more than %llu zone path steps, this sfbnet's limit "
	    "(%zu zones, %zu firewalls: roles spread over many zones of a long chain); "
	    "group zones or split the topology", SFB_PLAN_MAX_STEPS, B->t->nzones, B->t->nfws);
}

static sfb_status
plan_flow(struct builder *B, size_t flow)
{
	const struct sfb_cflow *f = &B->cat->flows[flow];
	const sfb_plan *P = B->plan;
	size_t nz = B->t->nzones, nsrc = 0, ndst = 0, i, j, zs, zd, z;
	int len;

	for (z = 0; z < nz; z++) {
		if (zone_has(B, f->from, f->nfrom, z))
			B->zsrc[nsrc++] = z;
		if (zone_has(B, f->to, f->nto, z))
			B->zdst[ndst++] = z;
	}
	if (nsrc == 0 || ndst == 0)
		return note_unmatched(B, flow);
	for (i = 0; i < nsrc; i++) {
		zs = B->zsrc[i];
		B->gen++;
		for (j = 0; j < ndst; j++) {
			zd = B->zdst[j];
			len = P->path_len[zs * nz + zd];
			B->steps += len > 0 ? (unsigned long long)len : 1;
			if (B->steps > SFB_PLAN_MAX_STEPS)
				return too_much_work(B);
			if (len < 0) {
				if (sfb_warn(B->ctx, B->t->file, 0, 0,
				    "flow %s: no firewall path from zone '%s' to zone '%s'",
				    f->id, B->t->zones[zs].name, B->t->zones[zd].name) != SFB_OK)
					return sfb_oom(B->ctx);
				continue;
			}
			if (len == 0) {
				if (note_pass(B, B->t->nfws, zs, zd) != SFB_OK)
					return sfb_oom(B->ctx);
				continue;
			}
			/* Walk the path back from zd to zs. */
			for (z = zd; z != zs; z = P->via_zone[zs * nz + z])
				if (note_pass(B, P->via_fw[zs * nz + z], zs, zd) != SFB_OK)
					return sfb_oom(B->ctx);
		}
	}
	return flush_flow(B, flow) == SFB_OK ? SFB_OK : sfb_oom(B->ctx);
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
	size_t i, nslots = 0;
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
	nslots = topo->nfws + 1;
	B.pend = calloc(nslots, sizeof(*B.pend));
	B.touched = calloc(nslots, sizeof(size_t));
	B.zsrc = calloc(topo->nzones + 1, sizeof(size_t));
	B.zdst = calloc(topo->nzones + 1, sizeof(size_t));
	if (B.pend == NULL || B.touched == NULL || B.zsrc == NULL || B.zdst == NULL) {
		st = sfb_oom(ctx);
		goto out;
	}
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
	for (i = 0; B.pend != NULL && i < nslots; i++) {
		free(B.pend[i].zs);
		free(B.pend[i].zd);
		free(B.pend[i].zp);
	}
	free(B.pend);
	free(B.touched);
	free(B.zsrc);
	free(B.zdst);
	free(B.sets);
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
