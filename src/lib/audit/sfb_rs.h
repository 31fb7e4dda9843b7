/* An existing firewall ruleset as the audit reads it: chains of rules, each
 * rule a union of boxes (protocol x source x destination x source port x
 * destination port) plus the conditions a box cannot hold (connection
 * state, interfaces), and a verdict.  Both parsers fill it: nft -j list
 * ruleset (sfb_rs_nft.c) and iptables-save / ip6tables-save
 * (sfb_rs_ipt.c); the evaluator (sfb_audit.c) reads nothing else. */
#ifndef SFB_RS_H
#define SFB_RS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sfb_ctx.h"
#include "sfb_iset.h"

/* Protocols as a bit mask: a box's protocol set. */
#define RS_TCP 1u
#define RS_UDP 2u
#define RS_OTHER 4u   /* every other IP protocol (ICMP, ESP, ...): no ports */
#define RS_ALLPROTO (RS_TCP | RS_UDP | RS_OTHER)

/* A box: the packets whose protocol is in protos, source in src, and so on.
 * The port sets apply to TCP and UDP only (a box with RS_OTHER and ports
 * other than "all" is not built: port matches imply TCP or UDP). */
struct rs_box {
	unsigned protos;
	sfb_addrset src, dst;      /* IPv4 and IPv6 kept apart inside */
	sfb_portset sport, dport;
};

/* What a rule does with the packets it matches. */
enum rs_verdict {
	RS_CONTINUE,   /* counter, log, comment: on to the next rule */
	RS_ACCEPT,
	RS_DROP,       /* drop, and reject (the packet goes no further either way) */
	RS_JUMP,
	RS_GOTO,
	RS_RETURN,
	RS_DNAT        /* nat chains: the destination becomes nat_addr (nat_port) */
};

/* Interfaces: a name, or a prefix when it ends in '*' (nft) or '+'
 * (iptables); neg: every interface but those. */
struct rs_iface {
	char *name;                /* NULL: any */
	bool prefix, neg;
};

/* A cheap over-approximation of a union of boxes, to skip most pairs of
 * rule and region without touching their interval sets: the protocols, and
 * the hulls of the destination ports and of the IPv4 source and
 * destination addresses (IPv6 only as present or not). */
struct rs_hull {
	unsigned protos;
	uint32_t dp_lo, dp_hi;
	uint32_t src_lo, src_hi, dst_lo, dst_hi;  /* IPv4; lo > hi: none */
	bool src6, dst6;
};

struct rs_rule {
	struct rs_box *boxes;      /* the rule matches their union */
	size_t nboxes, capboxes;
	/* Connection state: a rule whose state match leaves out "new" never
	 * sees the first packet of a connection, which is what a flow needs. */
	bool never_new;
	struct rs_iface iif, oif;
	/* What the parser did not understand (an xt match, a meta it does not
	 * model, a verdict map), as text; NULL when all of it is modelled.
	 * The evaluator calls every packet such a rule could match "unknown". */
	char *unknown;
	int verdict;               /* enum rs_verdict */
	size_t target;             /* RS_JUMP / RS_GOTO: index into rs_ruleset.chains */
	char *nat_addr;            /* RS_DNAT: the address ("10.1.1.5") */
	unsigned nat_port;         /* RS_DNAT: the new destination port, 0: kept */
	/* Where the rule is: nft handle (0: none) or the line in the file. */
	long handle;
	int line;
	char *text;                /* a short description for reports */
	struct rs_hull hull;       /* of boxes (rs_hull_of, once parsed) */
};

enum rs_hook { RS_HOOK_NONE, RS_HOOK_PREROUTING, RS_HOOK_INPUT, RS_HOOK_FORWARD,
	RS_HOOK_OUTPUT, RS_HOOK_POSTROUTING, RS_HOOK_OTHER };

struct rs_chain {
	char *table, *name;
	int family;                /* 0: both (nft inet), 4 or 6 */
	bool base;                 /* attached to a hook */
	int hook;                  /* enum rs_hook, for base chains */
	bool nat;                  /* type nat (nft) or the iptables nat table */
	bool filter;               /* type filter (nft) or the iptables filter table */
	int prio;
	int policy;                /* RS_ACCEPT or RS_DROP, for base chains */
	struct rs_rule *rules;
	size_t n, cap;
	int line;                  /* where it is declared */
};

enum rs_kind { RS_KIND_NFT, RS_KIND_IPTABLES };

struct rs_ruleset {
	int kind;                  /* enum rs_kind */
	const char *file;          /* what messages call the input */
	struct rs_chain *chains;
	size_t n, cap;
};

/* Boxes. */
void rs_box_init(struct rs_box *b);
void rs_box_free(struct rs_box *b);
/* Every packet: all protocols, all addresses of both families, all ports. */
sfb_status rs_box_all(struct rs_box *b);
sfb_status rs_box_copy(struct rs_box *dst, const struct rs_box *src);
bool rs_box_empty(const struct rs_box *b);
/* The hull of n boxes, and whether two hulls can meet. */
void rs_hull_of(struct rs_hull *h, const struct rs_box *b, size_t n);
bool rs_hull_meets(const struct rs_hull *a, const struct rs_hull *b);

/* Rules and chains. */
void rs_rule_free(struct rs_rule *r);
/* A new rule at the end of chain c, its one box every packet (the parser
 * narrows it); NULL when out of memory. */
struct rs_rule *rs_chain_add_rule(struct rs_chain *c);
/* The chain of that table, family and name, added when absent; index, or
 * -1 when out of memory. */
long rs_ruleset_chain(struct rs_ruleset *rs, const char *table, int family, const char *name);
void rs_ruleset_free(struct rs_ruleset *rs);

/* The parsers: data of len bytes named file.  Malformed input: SFB_EINVAL
 * with FILE:LINE:COLUMN in the context. */
sfb_status sfb_rs_parse_nft(sfb_ctx *ctx, const char *file, const char *data, size_t len,
    struct rs_ruleset *out);
sfb_status sfb_rs_parse_ipt(sfb_ctx *ctx, const char *file, const char *data, size_t len,
    struct rs_ruleset *out);
/* Either, by what the text looks like: JSON starting with '{' is nft, lines
 * of "*table" / ":CHAIN" / "-A" are iptables-save. */
sfb_status sfb_rs_parse(sfb_ctx *ctx, const char *file, const char *data, size_t len,
    struct rs_ruleset *out);

#endif
