/* sfbnet twin: check the input, build the namespaces, start the
 * responders, probe, take everything down (on success, on error, and when
 * the caller's stop flag rises). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "net/sfb_netns.h"
#include "plan/sfb_plan_fw.h"
#include "sfb_twin_int.h"

#define TWIN_PREFIX "sfbt"

void
sfb_twin_log(struct sfb_twin_result *tw, const char *fmt, ...)
{
	sfb_buf line;
	va_list ap;

	if (tw->o.log == NULL)
		return;
	sfb_buf_init(&line);
	va_start(ap, fmt);
	sfb_buf_vprintf(&line, fmt, ap);
	va_end(ap);
	if (sfb_buf_status(&line) == SFB_OK)
		tw->o.log(tw->o.log_arg, sfb_buf_str(&line));
	sfb_buf_free(&line);
}

void
sfb_twin_result_free(sfb_twin_result *tw)
{
	size_t i;
	const sfb_topology *t;

	if (tw == NULL)
		return;
	t = tw->plan->topo;
	sfb_twin_teardown(tw);
	for (i = 0; i < tw->nruns; i++)
		sfb_probe_result_free(tw->runs[i]);
	for (i = 0; i < tw->nowned; i++) {
		sfb_portset_free(tw->owned[i]);
		free(tw->owned[i]);
	}
	for (i = 0; tw->zns != NULL && i < t->nzones; i++)
		free(tw->zns[i]);
	for (i = 0; tw->fns != NULL && i < t->nfws; i++)
		free(tw->fns[i]);
	for (i = 0; tw->rules_text != NULL && i < t->nfws; i++)
		free(tw->rules_text[i]);
	free(tw->rules_text);
	free(tw->rules_file);
	free(tw->zns);
	free(tw->fns);
	free(tw->links);
	free(tw->ep_addr);
	free(tw->ep_pub);
	free(tw->specs);
	free(tw->owned);
	free(tw->skip);
	free(tw->runs);
	free(tw->run_zone);
	free(tw->resp);
	free(tw);
}

/* Read a ruleset file whole (sfb_read_file; it is input: a problem is
 * SFB_EINVAL).  Text is needed to tell nftables from iptables-save. */
static sfb_status
read_ruleset(sfb_ctx *ctx, const char *file, char **out)
{
	sfb_buf b;
	sfb_status st;

	*out = NULL;
	sfb_buf_init(&b);
	if ((st = sfb_read_file(ctx, file, &b)) != SFB_OK)
		st = st == SFB_ENOMEM ? st : SFB_EINVAL;
	else if (b.len == 0)
		st = sfb_failf(ctx, SFB_EINVAL, "--ruleset: %s is empty", file);
	else if (memchr(b.data, '\0', b.len) != NULL)
		st = sfb_failf(ctx, SFB_EINVAL, "--ruleset: %s is not text", file);
	if (st == SFB_OK) {
		*out = b.data;
		return SFB_OK;
	}
	sfb_buf_free(&b);
	return st;
}

static sfb_status
take_rulesets(struct sfb_twin_result *tw)
{
	const sfb_topology *t = tw->plan->topo;
	size_t i, f;
	sfb_status st;

	tw->rules_text = calloc(t->nfws + 1, sizeof(char *));
	tw->rules_file = calloc(t->nfws + 1, sizeof(char *));
	if (tw->rules_text == NULL || tw->rules_file == NULL)
		return sfb_oom(tw->ctx);
	for (i = 0; i < tw->o.nrulesets; i++) {
		const sfb_twin_ruleset *rs = &tw->o.rulesets[i];

		if ((st = sfb_plan_pick_firewall(tw->ctx, tw->plan, rs->firewall, &f)) != SFB_OK)
			return st;
		if (tw->rules_text[f] != NULL)
			return sfb_failf(tw->ctx, SFB_EINVAL, "--ruleset: two rulesets for firewall '%s'",
			    rs->firewall);
		if ((st = read_ruleset(tw->ctx, rs->file, &tw->rules_text[f])) != SFB_OK)
			return st;
		tw->rules_file[f] = rs->file;
	}
	return SFB_OK;
}

static sfb_status
make_token(struct sfb_twin_result *tw)
{
	unsigned char raw[16];
	static const char hex[] = "0123456789abcdef";
	size_t i;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return sfb_failf(tw->ctx, SFB_EIO, "twin: no random bytes for the session token");
	for (i = 0; i < sizeof(raw); i++) {
		tw->token[2 * i] = hex[raw[i] >> 4];
		tw->token[2 * i + 1] = hex[raw[i] & 15];
	}
	tw->token[32] = '\0';
	return SFB_OK;
}

sfb_status
sfb_twin_run(sfb_ctx *ctx, const sfb_plan *plan, const sfb_twin_opts *opts,
    sfb_twin_result **out)
{
	struct sfb_twin_result *tw;
	sfb_buf b;
	unsigned swept;
	sfb_status st;

	*out = NULL;
	if ((tw = calloc(1, sizeof(*tw))) == NULL)
		return sfb_oom(ctx);
	tw->ctx = ctx;
	tw->plan = plan;
	tw->o = *opts;
	if (tw->o.rate == 0)
		tw->o.rate = tw->o.engine == SFB_PROBE_RAW ? SFB_TWIN_DEFAULT_RATE_RAW :
		    SFB_TWIN_DEFAULT_RATE;
	sfb_buf_init(&b);
	sfb_buf_printf(&b, TWIN_PREFIX "%ld-", (long)getpid());
	if (sfb_buf_status(&b) != SFB_OK || b.len >= sizeof(tw->prefix)) {
		st = sfb_oom(ctx);
		goto out;
	}
	memcpy(tw->prefix, sfb_buf_str(&b), b.len + 1);
	/* Input first: nothing is built for a run that cannot start. */
	if (plan->topo->nfws == 0) {
		st = sfb_failf(ctx, SFB_EINVAL, "twin: topology '%s' has no firewall to emulate",
		    plan->topo->name);
		goto out;
	}
	if ((st = take_rulesets(tw)) != SFB_OK || (st = make_token(tw)) != SFB_OK)
		goto out;
	if (geteuid() != 0) {
		st = sfb_failf(ctx, SFB_EIO, "twin: needs root (network namespaces, nftables)");
		goto out;
	}
	if ((st = sfb_twin_addresses(tw)) != SFB_OK || (st = sfb_twin_specs(tw)) != SFB_OK)
		goto out;
	if ((swept = sfb_netns_sweep(TWIN_PREFIX)) > 0)
		sfb_twin_log(tw, "twin: removed %u namespace(s) a killed run left behind", swept);
	if ((st = sfb_twin_build(tw)) != SFB_OK || (st = sfb_twin_probe(tw)) != SFB_OK)
		goto out;
	sfb_twin_stop_responders(tw);
	if (tw->o.keep)
		sfb_twin_log(tw, "twin: the namespaces %s* are kept (ip netns del each when done)",
		    tw->prefix);
	sfb_twin_teardown(tw);
	*out = tw;
	tw = NULL;
out:
	sfb_buf_free(&b);
	sfb_twin_result_free(tw);
	return st;
}
