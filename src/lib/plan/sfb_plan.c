/* The plan: every catalog flow of an enabled profile, instantiated on the
 * topology's endpoints, and the firewalls each crosses on its zone path. */
#include "sfb_plan.h"

#include <stdlib.h>
#include <string.h>

/* An endpoint of a version 2 group, with its zone (the sort key). */
struct zep {
	size_t zone, ep;
};

/* Units of the candidate endpoints, for the scoped flows. */
struct cand {
	size_t unit, ep;
};

/* Endpoints and addresses per (role, zone), computed once so that planning
 * costs flows x zone pairs x path length, not flows x endpoints^2. */
struct role_zone {
	size_t *eps, neps, cap;
	sfb_addrset addr, pub;
};

/* What one flow adds to one firewall (a slot: a firewall index, or nfws
 * for "inside one zone") while the flow is planned: the source zones, the
 * destination zones as a bitmap over zones, and the destination zones
 * reached from the outside zone (for the NAT public addresses).  Turned
 * into an entry when the flow is done. */
struct pending {
	size_t *zs, nzs, capzs;
	uint64_t *dst, *pub;   /* nwords each */
	size_t ndst;           /* bits set in dst */
	size_t src_gen;        /* the source zone pass that last added to zs */
	bool touched;
};

struct builder {
	sfb_ctx *ctx;
	sfb_plan *plan;
	const sfb_catalog *cat;
	const sfb_topology *t;
	struct role_zone *rz;  /* [role * nzones + zone] */
	uint32_t *order;       /* [zs * nzones + i]: zones in breadth-first order from zs */
	uint32_t *norder;      /* [zs]: how many zones zs reaches (itself included) */
	size_t nwords;         /* 64-bit words of a zone bitmap */
	struct pending *pend;  /* [slot], nfws + 1 */
	uint64_t *pend_bits;   /* the bitmaps of every slot, in one block */
	size_t *touched, ntouched;
	size_t *zsrc, *zdst;   /* zones of the current flow's sources / destinations */
	uint64_t *isdst;       /* bitmap of zdst */
	uint64_t *below;       /* [zone * nwords]: destination zones under a zone, one source's tree */
	bool *has_below;
	size_t *zlist;         /* scratch: zones of a bitmap */
	size_t gen;
	const sfb_addrset **sets;   /* scratch for unions */
	size_t capsets;
	/* Version 2 groups: when `grouped`, the current flow's sources and
	 * destinations are these endpoint lists (sorted by zone), not every
	 * endpoint of its roles; [zone] gives each list's run of that zone. */
	bool grouped;
	struct zep *gs, *gd;
	size_t ngs, ngd, capgs, capgd;
	size_t *gs_first, *gs_count, *gd_first, *gd_count;
	const sfb_portset *cur_dport;
	size_t seq;
	bool *role_has_ports;  /* [role]: some endpoint gives it ports: */
	bool any_sip_hw;       /* some pool balances SIP by hardware */
	struct cand *csrc, *cdst, *cmembers;  /* [neps]: a v2 flow's candidates */
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

/* The side of zone z, by a look at every zone of the firewall. */
static size_t
side_of(const sfb_plan *plan, size_t fw, size_t z)
{
	const struct sfb_firewall *f = &plan->topo->fws[fw];
	size_t k, best = SIZE_MAX;
	int len, bestlen = -1;

	for (k = 0; k < f->nzones; k++) {
		if (f->zones[k] == z)
			return k;
		/* Zone paths are shortest paths, so the nearest zone of the
		 * firewall is the one a path from z reaches it through. */
		len = sfb_plan_path_len(plan, z, f->zones[k]);
		if (len >= 0 && (bestlen < 0 || len < bestlen)) {
			bestlen = len;
			best = k;
		}
	}
	return best;
}

size_t
sfb_plan_fw_side(const sfb_plan *plan, size_t fw, size_t z)
{
	if (plan->fw_side != NULL && plan->fw_side[fw] != NULL)
		return plan->fw_side[fw][z] == UINT32_MAX ? SIZE_MAX : plan->fw_side[fw][z];
	return side_of(plan, fw, z);
}

/* The side tables of the firewalls of many zones: zones x their zones once,
 * not for every endpoint of every rule. */
static sfb_status
compute_sides(struct builder *B)
{
	const sfb_topology *t = B->t;
	size_t f, z, k;

	B->plan->fw_side = calloc(t->nfws + 1, sizeof(*B->plan->fw_side));
	if (B->plan->fw_side == NULL)
		return sfb_oom(B->ctx);
	for (f = 0; f < t->nfws; f++) {
		if (t->fws[f].nzones <= SFB_SIDE_TABLE_AT)
			continue;
		B->plan->fw_side[f] = malloc((t->nzones + 1) * sizeof(uint32_t));
		if (B->plan->fw_side[f] == NULL)
			return sfb_oom(B->ctx);
		for (z = 0; z < t->nzones; z++) {
			k = side_of(B->plan, f, z);
			B->plan->fw_side[f][z] = k == SIZE_MAX ? UINT32_MAX : (uint32_t)k;
		}
	}
	return SFB_OK;
}

/* Shortest firewall path from every zone to every other: breadth-first from
 * each zone over the firewalls that touch it, firewalls and zones visited
 * in topology order so the choice is the same on every run. */
static sfb_status
compute_paths(struct builder *B)
{
	const sfb_topology *t = B->t;
	size_t nz = t->nzones, s, i, k, f, z, head, tail, *adj_start = NULL, *adj = NULL;
	size_t nadj = 0, *fw_seen = NULL;
	uint32_t *queue;
	int32_t *dist;
	sfb_status st = SFB_OK;

	B->plan->path_len = malloc((nz * nz + 1) * sizeof(int32_t));
	B->plan->via_fw = malloc((nz * nz + 1) * sizeof(uint32_t));
	B->plan->via_zone = malloc((nz * nz + 1) * sizeof(uint32_t));
	B->order = malloc((nz * nz + 1) * sizeof(uint32_t));
	B->norder = malloc((nz + 1) * sizeof(uint32_t));
	adj_start = calloc(nz + 2, sizeof(size_t));
	fw_seen = calloc(t->nfws + 1, sizeof(size_t));
	if (B->plan->path_len == NULL || B->plan->via_fw == NULL || B->plan->via_zone == NULL ||
	    B->order == NULL || B->norder == NULL || adj_start == NULL || fw_seen == NULL) {
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
		queue = &B->order[s * nz];
		queue[tail++] = (uint32_t)s;
		while (head < tail) {
			z = queue[head++];
			for (i = adj_start[z]; i < adj_start[z + 1]; i++) {
				f = adj[i];
				/* A firewall's zones all have their distance once
				 * it was crossed: a firewall of many zones is
				 * scanned once per source, not once per zone. */
				if (fw_seen[f] == s + 1)
					continue;
				fw_seen[f] = s + 1;
				for (k = 0; k < t->fws[f].nzones; k++) {
					size_t nzid = t->fws[f].zones[k];

					if (dist[nzid] >= 0)
						continue;
					dist[nzid] = dist[z] + 1;
					B->plan->via_fw[s * nz + nzid] = (uint32_t)f;
					B->plan->via_zone[s * nz + nzid] = (uint32_t)z;
					queue[tail++] = (uint32_t)nzid;
				}
			}
		}
		B->norder[s] = (uint32_t)tail;
	}
out:
	free(adj_start);
	free(adj);
	free(fw_seen);
	return st;
}

static sfb_status
index_endpoints(struct builder *B)
{
	const sfb_topology *t = B->t;
	const struct sfb_endpoint *ep;
	struct role_zone *rz;
	size_t i, r, k, n = B->cat->nroles * t->nzones;

	B->rz = calloc(n + 1, sizeof(*B->rz));
	if (B->rz == NULL)
		return sfb_oom(B->ctx);
	for (i = 0; i < n; i++) {
		sfb_addrset_init(&B->rz[i].addr);
		sfb_addrset_init(&B->rz[i].pub);
	}
	for (i = 0; i < t->neps; i++) {
		ep = &t->eps[i];
		if (ep->virt)   /* a vip or snat: only where a flow asks for it */
			continue;
		for (r = 0; r < ep->nroles; r++) {
			rz = rz_at(B, ep->roles[r], ep->zone);
			if (sfb_grow(&rz->eps, &rz->cap, rz->neps + 1, sizeof(size_t)) != SFB_OK)
				return sfb_oom(B->ctx);
			rz->eps[rz->neps++] = i;
		}
	}
	/* The addresses of each (role, zone) in one union each: thousands of
	 * clients in one zone are not thousands of set copies. */
	for (i = 0; i < n; i++) {
		rz = &B->rz[i];
		if (rz->neps == 0)
			continue;
		if (sfb_grow(&B->sets, &B->capsets, rz->neps, sizeof(*B->sets)) != SFB_OK)
			return sfb_oom(B->ctx);
		for (k = 0; k < rz->neps; k++)
			B->sets[k] = &t->eps[rz->eps[k]].addr;
		if (sfb_addrset_union_many(&rz->addr, B->sets, rz->neps) != SFB_OK)
			return sfb_oom(B->ctx);
		for (k = 0; k < rz->neps; k++)
			B->sets[k] = &t->eps[rz->eps[k]].pub;
		if (sfb_addrset_union_many(&rz->pub, B->sets, rz->neps) != SFB_OK)
			return sfb_oom(B->ctx);
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
	for (i = 0; plan->fw_side != NULL && i < plan->topo->nfws; i++)
		free(plan->fw_side[i]);
	free(plan->fw_side);
	free(plan->path_len);
	free(plan->via_fw);
	free(plan->via_zone);
	free(plan);
}

size_t
sfb_plan_flow_count(const sfb_plan *plan)
{
	return plan->count_fw + plan->count_intra;
}

size_t
sfb_plan_firewall_flow_count(const sfb_plan *plan)
{
	return plan->count_fw;
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

static bool
bit_has(const uint64_t *bm, size_t i)
{
	return (bm[i / 64] >> (i % 64)) & 1u;
}

static void
bit_set(uint64_t *bm, size_t i)
{
	bm[i / 64] |= (uint64_t)1 << (i % 64);
}

/* dst |= src over n words; the number of bits that were new in dst. */
static size_t
bits_or(uint64_t *dst, const uint64_t *src, size_t n)
{
	size_t i, added = 0;

	for (i = 0; i < n; i++) {
		added += (size_t)__builtin_popcountll(src[i] & ~dst[i]);
		dst[i] |= src[i];
	}
	return added;
}

/* The slot's pending part, marked as used by the current flow, with zs
 * among its sources. */
static struct pending *
touch(struct builder *B, size_t slot, size_t zs)
{
	struct pending *p = &B->pend[slot];

	if (!p->touched) {
		p->touched = true;
		B->touched[B->ntouched++] = slot;
	}
	if (p->src_gen != B->gen) {
		p->src_gen = B->gen;
		if (push(&p->zs, &p->nzs, &p->capzs, zs) != SFB_OK)
			return NULL;
	}
	return p;
}

/* The current flow goes from zone zs to the single zone zd through slot. */
static sfb_status
pass_one(struct builder *B, size_t slot, size_t zs, size_t zd)
{
	struct pending *p = touch(B, slot, zs);

	if (p == NULL)
		return SFB_ENOMEM;
	if (!bit_has(p->dst, zd)) {
		bit_set(p->dst, zd);
		p->ndst++;
	}
	if (B->t->zones[zs].is_default)
		bit_set(p->pub, zd);
	return SFB_OK;
}

/* The current flow goes from zone zs to the destination zones of bitmap
 * bm through slot.  A slot that already has every destination zone of the
 * flow gains nothing from it. */
static sfb_status
pass_many(struct builder *B, size_t slot, size_t zs, size_t nzdst, const uint64_t *bm)
{
	struct pending *p = touch(B, slot, zs);
	bool outside = B->t->zones[zs].is_default;

	if (p == NULL)
		return SFB_ENOMEM;
	if (p->ndst < nzdst)
		p->ndst += bits_or(p->dst, bm, B->nwords);
	if (outside)
		(void)bits_or(p->pub, bm, B->nwords);
	return SFB_OK;
}

/* Zones of a bitmap, ascending, into B->zlist. */
static size_t
bits_list(struct builder *B, const uint64_t *bm)
{
	size_t w, n = 0;
	uint64_t x;

	for (w = 0; w < B->nwords; w++)
		for (x = bm[w]; x != 0; x &= x - 1)
			B->zlist[n++] = w * 64 + (size_t)__builtin_ctzll(x);
	return n;
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

/* gather() for a version 2 group: the endpoints of the group's list
 * (sources or destinations) in the given zones. */
static sfb_status
gather_group(struct builder *B, bool dst, const size_t *zones, size_t nzones, bool public,
    sfb_addrset *out, size_t **eps, size_t *neps, size_t *cap)
{
	const struct zep *list = dst ? B->gd : B->gs;
	const size_t *first = dst ? B->gd_first : B->gs_first;
	const size_t *count = dst ? B->gd_count : B->gs_count;
	const struct sfb_endpoint *ep;
	size_t i, k, n = 0;

	for (i = 0; i < nzones; i++)
		for (k = first[zones[i]]; k < first[zones[i]] + count[zones[i]]; k++) {
			ep = &B->t->eps[list[k].ep];
			if (sfb_grow(&B->sets, &B->capsets, n + 1, sizeof(*B->sets)) != SFB_OK)
				return SFB_ENOMEM;
			B->sets[n++] = public ? &ep->pub : &ep->addr;
			if (eps != NULL && push(eps, neps, cap, list[k].ep) != SFB_OK)
				return SFB_ENOMEM;
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
	size_t i, n, slot;

	for (i = 0; i < B->ntouched; i++) {
		slot = B->touched[i];
		p = &B->pend[slot];
		if (slot == B->t->nfws)
			B->plan->count_intra++;
		else
			B->plan->count_fw++;
		if (B->plan->count_only ||
		    (B->plan->keep_slot <= B->t->nfws && B->plan->keep_slot != slot))
			goto next;
		if (sfb_grow(&B->plan->entries, &B->plan->capentries, B->plan->nentries + 1,
		    sizeof(*B->plan->entries)) != SFB_OK)
			return SFB_ENOMEM;
		e = &B->plan->entries[B->plan->nentries++];
		memset(e, 0, sizeof(*e));
		e->flow = flow;
		e->fw = slot == B->t->nfws ? SFB_NO_FIREWALL : slot;
		e->dport = B->cur_dport;
		e->seq = B->seq++;
		sfb_addrset_init(&e->src);
		sfb_addrset_init(&e->dst);
		sfb_addrset_init(&e->dst_public);
		if (B->grouped) {
			if (gather_group(B, false, p->zs, p->nzs, false, &e->src, &e->src_eps,
			    &e->nsrc, &e->capsrc) != SFB_OK)
				return SFB_ENOMEM;
			n = bits_list(B, p->dst);
			if (gather_group(B, true, B->zlist, n, false, &e->dst, &e->dst_eps,
			    &e->ndst, &e->capdst) != SFB_OK)
				return SFB_ENOMEM;
			n = bits_list(B, p->pub);
			if (gather_group(B, true, B->zlist, n, true, &e->dst_public, NULL, NULL,
			    NULL) != SFB_OK)
				return SFB_ENOMEM;
			goto next;
		}
		if (gather(B, f->from, f->nfrom, p->zs, p->nzs, false, &e->src, &e->src_eps,
		    &e->nsrc, &e->capsrc) != SFB_OK)
			return SFB_ENOMEM;
		n = bits_list(B, p->dst);
		if (gather(B, f->to, f->nto, B->zlist, n, false, &e->dst, &e->dst_eps,
		    &e->ndst, &e->capdst) != SFB_OK)
			return SFB_ENOMEM;
		n = bits_list(B, p->pub);
		if (gather(B, f->to, f->nto, B->zlist, n, true, &e->dst_public, NULL, NULL,
		    NULL) != SFB_OK)
			return SFB_ENOMEM;
next:
		memset(p->dst, 0, B->nwords * sizeof(uint64_t));
		memset(p->pub, 0, B->nwords * sizeof(uint64_t));
		p->nzs = 0;
		p->ndst = 0;
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

/* From source zone zs to every destination zone of the flow, path by path:
 * cheap when the flow has few destination zones or short paths. */
static sfb_status
plan_walk(struct builder *B, size_t zs, size_t ndst)
{
	const sfb_plan *P = B->plan;
	size_t nz = B->t->nzones, j, zd, z;

	for (j = 0; j < ndst; j++) {
		zd = B->zdst[j];
		if (P->path_len[zs * nz + zd] < 0)
			continue;
		if (zd == zs && pass_one(B, B->t->nfws, zs, zd) != SFB_OK)
			return SFB_ENOMEM;
		for (z = zd; z != zs; z = P->via_zone[zs * nz + z])
			if (pass_one(B, P->via_fw[zs * nz + z], zs, zd) != SFB_OK)
				return SFB_ENOMEM;
	}
	return SFB_OK;
}

/* From source zone zs to every destination zone at once, over the
 * breadth-first tree of zs: leaves first, each zone collects the
 * destination zones beneath it, and the firewall into a zone passes the
 * flow to exactly those.  zones x words, however long the paths. */
static sfb_status
plan_tree(struct builder *B, size_t zs, size_t ndst)
{
	const sfb_plan *P = B->plan;
	const uint32_t *order = &B->order[zs * B->t->nzones];
	size_t nz = B->t->nzones, nw = B->nwords, i, z, parent;
	uint64_t *bm;

	for (i = 0; i < B->norder[zs]; i++) {
		z = order[i];
		memset(&B->below[z * nw], 0, nw * sizeof(uint64_t));
		B->has_below[z] = bit_has(B->isdst, z);
		if (B->has_below[z])
			bit_set(&B->below[z * nw], z);
	}
	for (i = B->norder[zs]; i-- > 1;) {
		z = order[i];
		if (!B->has_below[z])
			continue;
		bm = &B->below[z * nw];
		if (pass_many(B, P->via_fw[zs * nz + z], zs, ndst, bm) != SFB_OK)
			return SFB_ENOMEM;
		parent = P->via_zone[zs * nz + z];
		(void)bits_or(&B->below[parent * nw], bm, nw);
		B->has_below[parent] = true;
	}
	if (bit_has(B->isdst, zs) && pass_one(B, B->t->nfws, zs, zs) != SFB_OK)
		return SFB_ENOMEM;
	return SFB_OK;
}

/* Every source zone of the current flow (B->zsrc) to its destination
 * zones (B->zdst, B->isdst) into the pending slots. */
static sfb_status
walk_sources(struct builder *B, const struct sfb_cflow *f, size_t nsrc, size_t ndst)
{
	const sfb_plan *P = B->plan;
	size_t nz = B->t->nzones, i, j, zs, zd;
	unsigned long long walk;
	sfb_status st;

	for (i = 0; i < nsrc; i++) {
		zs = B->zsrc[i];
		B->gen++;
		walk = 0;
		for (j = 0; j < ndst; j++) {
			zd = B->zdst[j];
			if (P->path_len[zs * nz + zd] >= 0) {
				walk += (unsigned long long)P->path_len[zs * nz + zd] + 1;
				continue;
			}
			if (sfb_warn(B->ctx, B->t->file, 0, 0,
			    "flow %s: no firewall path from zone '%s' to zone '%s'",
			    f->id, B->t->zones[zs].name, B->t->zones[zd].name) != SFB_OK)
				return sfb_oom(B->ctx);
		}
		/* Path by path, or the whole tree at once: whichever costs less. */
		if (walk <= (unsigned long long)B->norder[zs] * (B->nwords + 2))
			st = plan_walk(B, zs, ndst);
		else
			st = plan_tree(B, zs, ndst);
		if (st != SFB_OK)
			return sfb_oom(B->ctx);
	}
	return SFB_OK;
}

static sfb_status
plan_flow(struct builder *B, size_t flow)
{
	const struct sfb_cflow *f = &B->cat->flows[flow];
	size_t nz = B->t->nzones, nsrc = 0, ndst = 0, z;
	sfb_status st;

	memset(B->isdst, 0, B->nwords * sizeof(uint64_t));
	for (z = 0; z < nz; z++) {
		if (zone_has(B, f->from, f->nfrom, z))
			B->zsrc[nsrc++] = z;
		if (zone_has(B, f->to, f->nto, z)) {
			B->zdst[ndst++] = z;
			bit_set(B->isdst, z);
		}
	}
	if (nsrc == 0 || ndst == 0)
		return note_unmatched(B, flow);
	if ((st = walk_sources(B, f, nsrc, ndst)) != SFB_OK)
		return st;
	return flush_flow(B, flow) == SFB_OK ? SFB_OK : sfb_oom(B->ctx);
}

/* --- version 2: groups of endpoints ---------------------------------------
 *
 * A version 2 flow that a pool's version, its scope, a load balancer or an
 * endpoint's ports narrow is planned group by group: each group is a list
 * of sources and a list of destinations that may talk (one pool, or a unit
 * and what it uses), with one destination port set; each group goes
 * through the same zone walk as a whole flow, and its entries keep their
 * order.  Everything else takes the role index above, as in version 1. */

static sfb_status
prepare_groups(struct builder *B)
{
	const sfb_topology *t = B->t;
	size_t nz = t->nzones + 1, i, k;

	B->gs_first = calloc(nz, sizeof(size_t));
	B->gs_count = calloc(nz, sizeof(size_t));
	B->gd_first = calloc(nz, sizeof(size_t));
	B->gd_count = calloc(nz, sizeof(size_t));
	B->role_has_ports = calloc(B->cat->nroles + 1, sizeof(bool));
	/* The candidates of a flow, once for every flow of the plan. */
	B->csrc = malloc((t->neps + 1) * sizeof(*B->csrc));
	B->cdst = malloc((t->neps + 1) * sizeof(*B->cdst));
	B->cmembers = malloc((t->neps + 1) * sizeof(*B->cmembers));
	if (B->csrc == NULL || B->cdst == NULL || B->cmembers == NULL)
		return sfb_oom(B->ctx);
	if (B->gs_first == NULL || B->gs_count == NULL || B->gd_first == NULL ||
	    B->gd_count == NULL || B->role_has_ports == NULL)
		return sfb_oom(B->ctx);
	for (i = 0; i < t->neps; i++)
		for (k = 0; k < t->eps[i].nports; k++)
			B->role_has_ports[t->eps[i].ports[k].role] = true;
	for (i = 0; i < t->npools; i++)
		B->any_sip_hw |= t->pools[i].sip_hw && t->pools[i].vip_ep != SIZE_MAX;
	return SFB_OK;
}

static bool
has_any(const struct sfb_endpoint *ep, const size_t *roles, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (sfb_endpoint_has_role(ep, roles[k]))
			return true;
	return false;
}

static int
cmp_zep(const void *a, const void *b)
{
	const struct zep *x = a, *y = b;

	if (x->zone != y->zone)
		return x->zone < y->zone ? -1 : 1;
	return x->ep < y->ep ? -1 : x->ep > y->ep;
}

/* Sort a group list by zone and note each zone's run; the zones, in order,
 * go to zones[] (*nzones of them). */
static void
index_list(struct zep *list, size_t n, size_t *first, size_t *count, size_t *zones,
    size_t *nzones)
{
	size_t i;

	qsort(list, n, sizeof(*list), cmp_zep);
	*nzones = 0;
	for (i = 0; i < n; i++) {
		if (i == 0 || list[i].zone != list[i - 1].zone) {
			zones[(*nzones)++] = list[i].zone;
			first[list[i].zone] = i;
			count[list[i].zone] = 0;
		}
		count[list[i].zone]++;
	}
}

/* Plan the current group (B->gs -> B->gd) of flow with dport. */
static sfb_status
plan_group(struct builder *B, size_t flow, const sfb_portset *dport)
{
	const struct sfb_cflow *f = &B->cat->flows[flow];
	size_t nsrc, ndst, j;
	sfb_status st;

	if (B->ngs == 0 || B->ngd == 0)
		return SFB_OK;
	index_list(B->gs, B->ngs, B->gs_first, B->gs_count, B->zsrc, &nsrc);
	index_list(B->gd, B->ngd, B->gd_first, B->gd_count, B->zdst, &ndst);
	memset(B->isdst, 0, B->nwords * sizeof(uint64_t));
	for (j = 0; j < ndst; j++)
		bit_set(B->isdst, B->zdst[j]);
	if ((st = walk_sources(B, f, nsrc, ndst)) != SFB_OK)
		return st;
	B->grouped = true;
	B->cur_dport = dport;
	st = flush_flow(B, flow);
	B->grouped = false;
	B->cur_dport = NULL;
	return st == SFB_OK ? SFB_OK : sfb_oom(B->ctx);
}

/* The port(s) destination endpoint e gives the flow's port_of role, or
 * NULL for the flow's own. */
static const sfb_portset *
dst_port(struct builder *B, const struct sfb_cflow *f, size_t e)
{
	if (f->port_role < 0)
		return NULL;
	return sfb_endpoint_port(&B->t->eps[e], (size_t)f->port_role);
}

static bool
same_port(const sfb_portset *a, const sfb_portset *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return sfb_iset_equal(&a->s, &b->s);
}

/* Plan sources B->gs to the destinations in dsts[0..n) (endpoint indices),
 * split by destination port. */
static sfb_status
plan_by_port(struct builder *B, size_t flow, const size_t *dsts, size_t n)
{
	const struct sfb_cflow *f = &B->cat->flows[flow];
	const sfb_portset *want;
	size_t i, k;
	bool done;
	sfb_status st;

	/* Each distinct port set once, in the order destinations bring them
	 * (the flow's own first when any destination keeps it). */
	for (i = 0; i < n; i++) {
		want = dst_port(B, f, dsts[i]);
		for (k = 0, done = false; k < i && !done; k++)
			done = same_port(dst_port(B, f, dsts[k]), want);
		if (done)
			continue;
		B->ngd = 0;
		for (k = i; k < n; k++) {
			if (!same_port(dst_port(B, f, dsts[k]), want))
				continue;
			if (sfb_grow(&B->gd, &B->capgd, B->ngd + 1, sizeof(*B->gd)) != SFB_OK)
				return sfb_oom(B->ctx);
			B->gd[B->ngd++] = (struct zep){ B->t->eps[dsts[k]].zone, dsts[k] };
		}
		if ((st = plan_group(B, flow, want)) != SFB_OK)
			return st;
	}
	return SFB_OK;
}


static int
cmp_cand_unit(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	return x->unit < y->unit ? -1 : x->unit > y->unit;
}

static int
cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	return x->ep < y->ep ? -1 : x->ep > y->ep;
}

/* A source unit and the destination units it may reach (uses scope). */
struct reach {
	size_t unit;
	size_t order;          /* its place among the source units (src order) */
	size_t *units, n, cap;
};

static int
cmp_reach(const void *a, const void *b)
{
	const struct reach *x = a, *y = b;
	size_t i;

	for (i = 0; i < x->n && i < y->n; i++)
		if (x->units[i] != y->units[i])
			return x->units[i] < y->units[i] ? -1 : 1;
	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return x->unit < y->unit ? -1 : x->unit > y->unit;
}

/* Does flow f reach the members of endpoint e's pool through its vip: web
 * traffic always when the pool has one, SIP where the pool balances it by
 * hardware? */
static bool
via_vip(const sfb_topology *t, const struct sfb_cflow *f, size_t e)
{
	const struct sfb_unit *u = &t->units[t->hosts[t->eps[e].host].unit];
	const struct sfb_pooldecl *pd;

	if (u->pool == SIZE_MAX)
		return false;
	pd = &t->pools[u->pool];
	return pd->vip_ep != SIZE_MAX && (f->lb || (f->lb_sip && pd->sip_hw));
}

/* The destination units source unit u reaches on a flow of scope "uses":
 * what either side's uses say; else the units of u's own site; and only
 * when its site has none, a branch's central site (or a central site's
 * branches): a branch appliance registers with its central pool, and
 * the pool reaches it back, but a branch's gateway stays with its
 * branch's appliance. */
static sfb_status
reach_of(const sfb_topology *t, const struct sfb_cflow *f, size_t u, const struct cand *dst,
    size_t nd, struct reach *r)
{
	size_t a, b, du, n_explicit = 0, n_same = 0, pass;
	int said, rel;
	bool take;

	for (pass = 0; pass < 2; pass++) {
		for (a = 0; a < nd; a = b) {
			for (b = a; b < nd && dst[b].unit == dst[a].unit; b++)
				;
			du = dst[a].unit;
			said = sfb_units_said(t, u, du, f->from, f->nfrom, f->to, f->nto);
			rel = sfb_sites_relation(t, t->units[u].site, t->units[du].site);
			if (pass == 0) {
				n_explicit += said == 1;
				n_same += said < 0 && rel == 1;
				take = said == 1 || (said < 0 && rel == 1);
			} else
				take = said < 0 && rel == 2;
			if (take && push(&r->units, &r->n, &r->cap, du) != SFB_OK)
				return SFB_ENOMEM;
		}
		if (n_explicit + n_same > 0)
			break;
	}
	return SFB_OK;
}

static sfb_status
plan_scoped(struct builder *B, size_t flow, struct cand *src, size_t ns, struct cand *dst,
    size_t nd)
{
	const struct sfb_cflow *f = &B->cat->flows[flow];
	const sfb_topology *t = B->t;
	struct reach *rs = NULL;
	struct cand key, *hit;
	size_t *dl = NULL, ndl = 0, capdl = 0, *gid = NULL, *first = NULL, *bucket = NULL;
	size_t i, j, k, a, g, o, nr = 0, ng = 0;
	sfb_status st = SFB_OK;

	qsort(src, ns, sizeof(*src), cmp_cand);
	qsort(dst, nd, sizeof(*dst), cmp_cand);
	rs = calloc(ns + 1, sizeof(*rs));
	if (rs == NULL)
		goto oom;
	/* For each source unit, the destination units it may reach. */
	for (i = 0; i < ns; i = j) {
		for (j = i; j < ns && src[j].unit == src[i].unit; j++)
			;
		rs[nr].unit = src[i].unit;
		rs[nr].order = nr;
		if (f->scope == SFB_SCOPE_POOL) {
			/* dst is sorted by unit: is the source's own unit there? */
			key = (struct cand){ src[i].unit, 0 };
			hit = bsearch(&key, dst, nd, sizeof(*dst), cmp_cand_unit);
			if (hit != NULL && push(&rs[nr].units, &rs[nr].n, &rs[nr].cap, src[i].unit) != SFB_OK)
				goto oom;
		} else if (reach_of(t, f, src[i].unit, dst, nd, &rs[nr]) != SFB_OK)
			goto oom;
		nr++;
	}
	/* Source units that reach the same destinations share one group:
	 * fewer, wider rules, and the same ones a person would write.  Each
	 * source endpoint goes to its unit's group in one pass (a counting
	 * sort that keeps their order). */
	qsort(rs, nr, sizeof(*rs), cmp_reach);
	gid = calloc(nr + 1, sizeof(size_t));
	first = calloc(nr + 2, sizeof(size_t));
	bucket = calloc(ns + 1, sizeof(size_t));
	if (gid == NULL || first == NULL || bucket == NULL)
		goto oom;
	for (i = 0; i < nr; i = j) {
		for (j = i + 1; j < nr && rs[j].n == rs[i].n &&
		    memcmp(rs[j].units, rs[i].units, rs[i].n * sizeof(size_t)) == 0; j++)
			;
		for (k = i; k < j; k++)
			gid[rs[k].order] = ng;
		rs[ng++].order = i;   /* the group's first reach, in rs order */
	}
	for (k = 0, o = 0; k < ns; k++) {
		if (k > 0 && src[k].unit != src[k - 1].unit)
			o++;
		first[gid[o] + 1]++;
	}
	for (g = 0; g < ng; g++)
		first[g + 1] += first[g];
	for (k = 0, o = 0; k < ns; k++) {
		if (k > 0 && src[k].unit != src[k - 1].unit)
			o++;
		bucket[first[gid[o]]++] = k;
	}
	for (g = ng; g-- > 0;)   /* first[] moved on by the fill: back to the starts */
		first[g + 1] = first[g];
	first[0] = 0;
	for (g = 0; g < ng; g++) {
		const struct reach *r = &rs[rs[g].order];

		if (r->n == 0)
			continue;
		B->ngs = 0;
		if (sfb_grow(&B->gs, &B->capgs, first[g + 1] - first[g] + 1, sizeof(*B->gs)) != SFB_OK)
			goto oom;
		for (k = first[g]; k < first[g + 1]; k++)
			B->gs[B->ngs++] = (struct zep){ t->eps[src[bucket[k]].ep].zone, src[bucket[k]].ep };
		ndl = 0;
		for (k = 0, a = 0; k < nd; k++) {
			while (a < r->n && r->units[a] < dst[k].unit)
				a++;
			if (a == r->n || r->units[a] != dst[k].unit)
				continue;
			if (push(&dl, &ndl, &capdl, dst[k].ep) != SFB_OK)
				goto oom;
		}
		if ((st = plan_by_port(B, flow, dl, ndl)) != SFB_OK)
			goto out;
	}
	goto out;
oom:
	st = sfb_oom(B->ctx);
out:
	for (i = 0; rs != NULL && i < nr; i++)
		free(rs[i].units);
	free(rs);
	free(dl);
	free(gid);
	free(first);
	free(bucket);
	return st;
}

/* The load balancer's own leg: from a pool's snat to its members, on the
 * flow's ports (the members see the snat as the source). */
static sfb_status
plan_snat_legs(struct builder *B, size_t flow, const struct cand *dst, size_t nd)
{
	const sfb_topology *t = B->t;
	size_t p, k, *dl = NULL, ndl = 0, capdl = 0, snat;
	sfb_status st = SFB_OK;

	for (p = 0; p < t->npools; p++) {
		if ((snat = t->pools[p].snat_ep) == SIZE_MAX)
			continue;
		ndl = 0;
		for (k = 0; k < nd; k++)
			if (t->units[dst[k].unit].pool == p && !t->eps[dst[k].ep].virt &&
			    push(&dl, &ndl, &capdl, dst[k].ep) != SFB_OK) {
				st = sfb_oom(B->ctx);
				goto out;
			}
		if (ndl == 0)
			continue;
		B->ngs = 0;
		if (sfb_grow(&B->gs, &B->capgs, 1, sizeof(*B->gs)) != SFB_OK) {
			st = sfb_oom(B->ctx);
			goto out;
		}
		B->gs[B->ngs++] = (struct zep){ t->eps[snat].zone, snat };
		if ((st = plan_by_port(B, flow, dl, ndl)) != SFB_OK)
			goto out;
	}
out:
	free(dl);
	return st;
}

/* A flow of a version 2 topology. */
static sfb_status
sfb_plan_flow_v2(struct builder *B, size_t flow)
{
	const struct sfb_cflow *f = &B->cat->flows[flow];
	const sfb_topology *t = B->t;
	struct cand *src = B->csrc, *dst = B->cdst, *members = B->cmembers;
	size_t ns = 0, nd = 0, nm = 0, i, *dl = NULL, ndl = 0, capdl = 0;
	const struct sfb_endpoint *ep;
	sfb_status st = SFB_OK;

	if (!sfb_topology_features_on(t, &f->when))
		return SFB_OK;
	if (f->scope == SFB_SCOPE_GLOBAL && !f->lb && !(f->lb_sip && B->any_sip_hw) &&
	    f->when.versions == 0 &&
	    (f->port_role < 0 || !B->role_has_ports[f->port_role]))
		return plan_flow(B, flow);
	for (i = 0; i < t->neps; i++) {
		ep = &t->eps[i];
		if (!ep->virt && has_any(ep, f->from, f->nfrom) &&
		    sfb_endpoint_version_ok(t, B->cat, i, f->when.versions))
			src[ns++] = (struct cand){ t->hosts[ep->host].unit, i };
		if (!has_any(ep, f->to, f->nto) ||
		    !sfb_endpoint_version_ok(t, B->cat, i, f->when.versions))
			continue;
		if (ep->virt) {
			/* A vip stands in for its members on load-balanced flows. */
			if (t->pools[t->units[t->hosts[ep->host].unit].pool].vip_ep == i && via_vip(t, f, i))
				dst[nd++] = (struct cand){ t->hosts[ep->host].unit, i };
			continue;
		}
		if (via_vip(t, f, i)) {
			members[nm++] = (struct cand){ t->hosts[ep->host].unit, i };
			continue;
		}
		dst[nd++] = (struct cand){ t->hosts[ep->host].unit, i };
	}
	if (ns == 0 || nd + nm == 0) {
		st = note_unmatched(B, flow);
		goto out;
	}
	if (f->scope != SFB_SCOPE_GLOBAL) {
		if ((st = plan_scoped(B, flow, src, ns, dst, nd)) != SFB_OK)
			goto out;
	} else {
		B->ngs = 0;
		if (sfb_grow(&B->gs, &B->capgs, ns, sizeof(*B->gs)) != SFB_OK)
			goto oom;
		for (i = 0; i < ns; i++)
			B->gs[B->ngs++] = (struct zep){ t->eps[src[i].ep].zone, src[i].ep };
		for (i = 0; i < nd; i++)
			if (push(&dl, &ndl, &capdl, dst[i].ep) != SFB_OK)
				goto oom;
		if ((st = plan_by_port(B, flow, dl, ndl)) != SFB_OK)
			goto out;
	}
	if (nm > 0)
		st = plan_snat_legs(B, flow, members, nm);
	goto out;
oom:
	st = sfb_oom(B->ctx);
out:
	free(dl);
	return st;
}

/* Entries in output order: firewalls in topology order (intra-zone last),
 * flows in catalog order within each. */
static int
cmp_entry(const void *a, const void *b)
{
	const struct sfb_entry *x = a, *y = b;

	if (x->fw != y->fw)
		return x->fw < y->fw ? -1 : 1;
	if (x->flow != y->flow)
		return x->flow < y->flow ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

sfb_status
sfb_plan_build(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo,
    sfb_plan **out)
{
	return sfb_plan_build_for(ctx, cat, topo, NULL, 0, out);
}

sfb_status
sfb_plan_build_for(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo,
    const char *firewall, unsigned flags, sfb_plan **out)
{
	long fw = -1;

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
	B.plan->count_only = (flags & SFB_PLAN_COUNT_ONLY) != 0;
	B.plan->keep_slot = topo->nfws + 1;
	if (firewall != NULL) {
		if ((fw = sfb_topology_find_firewall(topo, firewall)) < 0) {
			st = sfb_topology_no_such(ctx, topo, "firewall", firewall);
			goto out;
		}
		B.plan->keep_slot = (size_t)fw;
	}
	nslots = topo->nfws + 1;
	B.nwords = (topo->nzones + 63) / 64;
	B.pend = calloc(nslots, sizeof(*B.pend));
	B.pend_bits = calloc(nslots * 2 * B.nwords + 1, sizeof(uint64_t));
	B.touched = calloc(nslots, sizeof(size_t));
	B.zsrc = calloc(topo->nzones + 1, sizeof(size_t));
	B.zdst = calloc(topo->nzones + 1, sizeof(size_t));
	B.zlist = calloc(topo->nzones + 1, sizeof(size_t));
	B.isdst = calloc(B.nwords + 1, sizeof(uint64_t));
	B.below = calloc(topo->nzones * B.nwords + 1, sizeof(uint64_t));
	B.has_below = calloc(topo->nzones + 1, sizeof(bool));
	if (B.pend == NULL || B.pend_bits == NULL || B.touched == NULL || B.zsrc == NULL ||
	    B.zdst == NULL || B.zlist == NULL || B.isdst == NULL || B.below == NULL ||
	    B.has_below == NULL) {
		st = sfb_oom(ctx);
		goto out;
	}
	for (i = 0; i < nslots; i++) {
		B.pend[i].dst = &B.pend_bits[i * 2 * B.nwords];
		B.pend[i].pub = &B.pend_bits[(i * 2 + 1) * B.nwords];
	}
	if ((st = compute_paths(&B)) != SFB_OK || (st = compute_sides(&B)) != SFB_OK ||
	    (st = index_endpoints(&B)) != SFB_OK ||
	    (topo->version >= 2 && (st = prepare_groups(&B)) != SFB_OK))
		goto out;
	for (i = 0; i < cat->nflows; i++) {
		if (cat->flows[i].profile >= topo->nprofiles ||
		    !topo->profile_on[cat->flows[i].profile])
			continue;
		if ((st = topo->version >= 2 ? sfb_plan_flow_v2(&B, i) : plan_flow(&B, i)) != SFB_OK)
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
	for (i = 0; B.pend != NULL && i < nslots; i++)
		free(B.pend[i].zs);
	free(B.pend);
	free(B.pend_bits);
	free(B.touched);
	free(B.zsrc);
	free(B.zdst);
	free(B.zlist);
	free(B.isdst);
	free(B.below);
	free(B.has_below);
	free(B.order);
	free(B.norder);
	free(B.sets);
	free(B.gs);
	free(B.gd);
	free(B.gs_first);
	free(B.gs_count);
	free(B.gd_first);
	free(B.gd_count);
	free(B.role_has_ports);
	free(B.csrc);
	free(B.cdst);
	free(B.cmembers);
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
