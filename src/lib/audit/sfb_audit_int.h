/* The audit's result, shared by the evaluator (sfb_audit.c) and its
 * report (sfb_audit_report.c). */
#ifndef SFB_AUDIT_INT_H
#define SFB_AUDIT_INT_H

#include "plan/sfb_plan.h"
#include "sfb_region.h"
#include "sfbnet/audit.h"

enum { AV_ALLOWED, AV_PARTIAL, AV_BLOCKED, AV_UNKNOWN };

/* One plan entry (a flow through the firewall) and what the ruleset does
 * with its packets. */
struct aflow {
	const struct sfb_entry *e;
	struct region dropped;    /* tagged with the rule or policy that drops */
	struct region unknown;    /* tagged with the rule the audit cannot model */
	bool accepted_any;
	int verdict;
};

enum { AF_SURPLUS, AF_ANY, AF_POLICY, AF_NOT_MODELLED, AF_SHADOWED };

struct afinding {
	int kind;
	struct tag tag;           /* the rule (or policy) */
	struct region extra;      /* AF_SURPLUS/AF_POLICY: what it allows beyond the plan;
	                           * AF_SHADOWED: tagged by the rules that decide first */
};

struct sfb_audit {
	const sfb_plan *plan;
	size_t fw;                /* the firewall, or SFB_NO_FIREWALL with a host */
	size_t host;              /* the host of a host firewall, or SIZE_MAX */
	int hook;                 /* RS_HOOK_FORWARD, or RS_HOOK_INPUT for a host */
	sfb_addrset host_addrs;   /* a host's own addresses: what its input sees */
	const char *file;
	struct rs_ruleset rs;
	struct aflow *f;
	size_t nf;
	struct afinding *fd;
	size_t nfd, capfd;
	bool ifaces;              /* the topology names the firewall's interfaces */
	bool dnat;                /* the ruleset translates destinations itself */
};

/* The packets of plan entry e between src and dst, as a box (b
 * initialised by the caller). */
sfb_status sfb_entry_box(const sfb_plan *plan, const struct sfb_entry *e, const sfb_addrset *src,
    const sfb_addrset *dst, struct rs_box *b);

/* A rule's place and description for reports. */
void sfb_audit_rule_name(sfb_buf *b, const struct sfb_audit *a, struct tag t);

#endif
