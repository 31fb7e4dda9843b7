/* sfb_firewall_write: dispatch to the target writers. */
#include "sfb_emit.h"

#include <string.h>

sfb_status sfb_nftables_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, sfb_buf *b);
sfb_status sfb_iptables_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, int family,
    sfb_buf *b);

static const struct {
	const char *name;
	sfb_target target;
} targets[] = {
	{ "nftables", SFB_TARGET_NFTABLES },
	{ "iptables", SFB_TARGET_IPTABLES },
	{ "ip6tables", SFB_TARGET_IP6TABLES },
};

int
sfb_target_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (strcmp(name, targets[i].name) == 0)
			return (int)targets[i].target;
	return -1;
}

const char *
sfb_target_name(sfb_target t)
{
	size_t i;

	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (targets[i].target == t)
			return targets[i].name;
	return "?";
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
