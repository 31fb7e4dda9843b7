/* sfb_firewall_write, sfb_host_firewall_write: dispatch to the target
 * writers. */
#include "sfb_emit.h"

#include <string.h>

/* Every target, once: the order of `sfbnet firewall --help`. */
static const struct sfb_emit_target *const targets[] = {
	&sfb_target_nftables, &sfb_target_iptables, &sfb_target_ip6tables, &sfb_target_asa,
	&sfb_target_srx, &sfb_target_pf, &sfb_target_windows, &sfb_target_csv, &sfb_target_md,
};

#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

static const struct sfb_emit_target *
find(sfb_target t)
{
	size_t i;

	for (i = 0; i < NTARGETS; i++)
		if (targets[i]->target == t)
			return targets[i];
	return NULL;
}

int
sfb_target_parse(const char *name)
{
	size_t i;

	for (i = 0; i < NTARGETS; i++)
		if (strcmp(name, targets[i]->name) == 0)
			return (int)targets[i]->target;
	return -1;
}

const char *
sfb_target_name(sfb_target t)
{
	size_t i;

	for (i = 0; i < NTARGETS; i++)
		if (targets[i]->target == t)
			return targets[i]->name;
	return "?";
}

bool
sfb_target_per_host(sfb_target t)
{
	size_t i;

	for (i = 0; i < NTARGETS; i++)
		if (targets[i]->target == t)
			return targets[i]->write_fw == NULL;
	return false;
}

sfb_status
sfb_firewall_write(sfb_ctx *ctx, const sfb_plan *plan, sfb_target target,
    const char *firewall, char **out)
{
	sfb_fw_opts o;

	memset(&o, 0, sizeof(o));
	return sfb_firewall_write_opts(ctx, plan, target, firewall, &o, out);
}

/* A name the admin gives (a table, an access list) goes into the output
 * verbatim: only letters, digits and - _ . are taken, starting with a
 * letter, at most 63 bytes. */
static bool
plain_name(const char *s)
{
	size_t i;

	if (s == NULL || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (i = 0; s[i] != '\0'; i++)
		if (i >= 63 || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

/* What the options ask of the target, checked before anything is written. */
static sfb_status
check_opts(sfb_ctx *ctx, sfb_target target, const sfb_fw_opts *o)
{
	const char *fam = o->nft_family;
	bool include = o->mode == SFB_MODE_INCLUDE;

	if ((include || o->nat) && (target == SFB_TARGET_CSV || target == SFB_TARGET_MD))
		return sfb_failf(ctx, SFB_EINVAL, "--mode and --nat apply to loadable rulesets, "
		    "not to the %s change-ticket table", sfb_target_name(target));
	if ((o->nft_family != NULL || o->nft_table != NULL) &&
	    (target != SFB_TARGET_NFTABLES || !include))
		return sfb_failf(ctx, SFB_EINVAL, "--table applies to --target nftables "
		    "--mode include only");
	if (fam != NULL && strcmp(fam, "inet") != 0 && strcmp(fam, "ip") != 0 &&
	    strcmp(fam, "ip6") != 0)
		return sfb_failf(ctx, SFB_EINVAL, "--table: family '%s' has no forward hook "
		    "for sfbnet's chain (inet, ip or ip6)", fam);
	if (o->nft_table != NULL && !plain_name(o->nft_table))
		return sfb_failf(ctx, SFB_EINVAL, "--table: '%s' is not a table name sfbnet "
		    "writes (a letter, then letters, digits, - _ .; at most 63)", o->nft_table);
	if (o->acl != NULL && (target != SFB_TARGET_ASA || !include))
		return sfb_failf(ctx, SFB_EINVAL, "--acl applies to --target asa --mode include only");
	if (target == SFB_TARGET_ASA && include && o->acl == NULL)
		return sfb_failf(ctx, SFB_EINVAL, "--target asa --mode include needs --acl NAME: "
		    "the access list of yours that the entries are appended to");
	if (o->acl != NULL && !plain_name(o->acl))
		return sfb_failf(ctx, SFB_EINVAL, "--acl: '%s' is not an access-list name sfbnet "
		    "writes (a letter, then letters, digits, - _ .; at most 63)", o->acl);
	return SFB_OK;
}

sfb_status
sfb_firewall_write_opts(sfb_ctx *ctx, const sfb_plan *plan, sfb_target target,
    const char *firewall, const sfb_fw_opts *o, char **out)
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
	if ((st = check_opts(ctx, target, o)) != SFB_OK)
		goto out;
	if ((st = sfb_plan_pick_firewall(ctx, plan, firewall, &fw)) != SFB_OK)
		goto out;
	if (find(target) == NULL || find(target)->write_fw == NULL)
		st = sfb_failf(ctx, SFB_EINVAL, "unknown firewall target");
	else
		st = find(target)->write_fw(ctx, plan, fw, o, &b);
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
	const struct sfb_emit_target *t;
	sfb_buf b;
	size_t h;
	sfb_status st;

	*out = NULL;
	sfb_buf_init(&b);
	t = find(target);
	if (t == NULL || t->write_host == NULL)
		st = sfb_failf(ctx, SFB_EINVAL, "the %s target writes the rules of a firewall, "
		    "not of one host", sfb_target_name(target));
	else if ((st = t->pick_host(ctx, plan, host, &h)) == SFB_OK)
		st = t->write_host(ctx, plan, h, &b);
	if (st == SFB_OK)
		st = sfb_buf_finish(ctx, &b, st, out);
	sfb_buf_free(&b);
	return st;
}
