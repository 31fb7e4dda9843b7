/* sfb_firewall_write, sfb_host_firewall_write: dispatch to the target
 * writers. */
#include "sfb_emit.h"

#include <string.h>

sfb_status sfb_nftables_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, sfb_buf *b);
sfb_status sfb_iptables_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, int family,
    sfb_buf *b);
sfb_status sfb_asa_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, sfb_buf *b);
sfb_status sfb_srx_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, sfb_buf *b);
sfb_status sfb_pf_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, sfb_buf *b);
sfb_status sfb_ticket_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, bool md,
    sfb_buf *b);
sfb_status sfb_winfw_pick_host(sfb_ctx *ctx, const sfb_plan *plan, const char *name,
    size_t *host);
sfb_status sfb_winfw_write(sfb_ctx *ctx, const sfb_plan *plan, size_t host, sfb_buf *b);

static const struct {
	const char *name;
	sfb_target target;
	bool per_host;
} targets[] = {
	{ "nftables", SFB_TARGET_NFTABLES, false },
	{ "iptables", SFB_TARGET_IPTABLES, false },
	{ "ip6tables", SFB_TARGET_IP6TABLES, false },
	{ "asa", SFB_TARGET_ASA, false },
	{ "srx", SFB_TARGET_SRX, false },
	{ "pf", SFB_TARGET_PF, false },
	{ "windows", SFB_TARGET_WINDOWS, true },
	{ "csv", SFB_TARGET_CSV, false },
	{ "md", SFB_TARGET_MD, false },
};

#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

int
sfb_target_parse(const char *name)
{
	size_t i;

	for (i = 0; i < NTARGETS; i++)
		if (strcmp(name, targets[i].name) == 0)
			return (int)targets[i].target;
	return -1;
}

const char *
sfb_target_name(sfb_target t)
{
	size_t i;

	for (i = 0; i < NTARGETS; i++)
		if (targets[i].target == t)
			return targets[i].name;
	return "?";
}

bool
sfb_target_per_host(sfb_target t)
{
	size_t i;

	for (i = 0; i < NTARGETS; i++)
		if (targets[i].target == t)
			return targets[i].per_host;
	return false;
}

sfb_status
sfb_firewall_write(sfb_ctx *ctx, const sfb_plan *plan, sfb_target target,
    const char *firewall, char **out)
{
	sfb_buf b;
	size_t fw;
	sfb_status st;

	*out = NULL;
	sfb_buf_init(&b);
	if (sfb_target_per_host(target)) {
		st = sfb_failf(ctx, SFB_EINVAL, "the %s target writes the rules of one host, "
		    "not of a firewall", sfb_target_name(target));
		goto out;
	}
	if ((st = sfb_emit_pick_firewall(ctx, plan, firewall, &fw)) != SFB_OK)
		goto out;
	switch (target) {
	case SFB_TARGET_NFTABLES:
		st = sfb_nftables_write(ctx, plan, fw, &b);
		break;
	case SFB_TARGET_IPTABLES:
		st = sfb_iptables_write(ctx, plan, fw, 4, &b);
		break;
	case SFB_TARGET_IP6TABLES:
		st = sfb_iptables_write(ctx, plan, fw, 6, &b);
		break;
	case SFB_TARGET_ASA:
		st = sfb_asa_write(ctx, plan, fw, &b);
		break;
	case SFB_TARGET_SRX:
		st = sfb_srx_write(ctx, plan, fw, &b);
		break;
	case SFB_TARGET_PF:
		st = sfb_pf_write(ctx, plan, fw, &b);
		break;
	case SFB_TARGET_CSV:
	case SFB_TARGET_MD:
		st = sfb_ticket_write(ctx, plan, fw, target == SFB_TARGET_MD, &b);
		break;
	default:
		st = sfb_failf(ctx, SFB_EINVAL, "unknown firewall target");
		break;
	}
	if (st != SFB_OK)
		goto out;
	*out = sfb_buf_take(&b);
	if (*out == NULL)
		st = sfb_oom(ctx);
out:
	sfb_buf_free(&b);
	return st;
}

sfb_status
sfb_host_firewall_write(sfb_ctx *ctx, const sfb_plan *plan, sfb_target target,
    const char *host, char **out)
{
	sfb_buf b;
	size_t h;
	sfb_status st;

	*out = NULL;
	sfb_buf_init(&b);
	switch (target) {
	case SFB_TARGET_WINDOWS:
		if ((st = sfb_winfw_pick_host(ctx, plan, host, &h)) == SFB_OK)
			st = sfb_winfw_write(ctx, plan, h, &b);
		break;
	default:
		st = sfb_failf(ctx, SFB_EINVAL, "the %s target writes the rules of a firewall, "
		    "not of one host", sfb_target_name(target));
		break;
	}
	if (st == SFB_OK)
		st = sfb_buf_finish(ctx, &b, st, out);
	sfb_buf_free(&b);
	return st;
}
