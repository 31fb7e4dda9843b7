/* rs_dump: read an iptables-save / ip6tables-save file with
 * sfb_rs_parse_ipt and print the ruleset model canonically, for the tests
 * of tests/audit/ (ipt_real.sh compares it with an expected text).
 *
 *   rs_dump [-l] [-t] FILE
 *
 * One line per chain, sorted by family, table and name (iptables-save's
 * order of tables and chains differs between versions):
 *   chain TABLE/FAMILY NAME base HOOK prio N policy accept|drop | user
 * and one line per rule of it:
 *   TABLE/FAMILY NAME #K: VERDICT[ TARGET] BOX[ | BOX...][ FLAGS]
 * a box as "PROTOS SRC -> DST sport SET dport SET" (sets as
 * sfb_addrset_print / sfb_portset_print write them, "none" when empty),
 * flags never_new, iif=[!]NAME[+], oif=..., unknown="...".  -l adds the
 * line of each rule, -t its text.  Exit status: 0, 2 when the parser
 * refuses the file (its message on standard error), 1 otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/sfb_rs.h"
#include "sfb_buf.h"
#include "sfb_ctx.h"

static const char *
verdict_name(int v)
{
	switch (v) {
	case RS_CONTINUE: return "continue";
	case RS_ACCEPT: return "accept";
	case RS_DROP: return "drop";
	case RS_JUMP: return "jump";
	case RS_GOTO: return "goto";
	case RS_RETURN: return "return";
	case RS_DNAT: return "dnat";
	default: return "?";
	}
}

static const char *
hook_name(int h)
{
	static const char *const n[] = { "none", "prerouting", "input", "forward", "output",
		"postrouting", "other" };

	return h >= 0 && h <= RS_HOOK_OTHER ? n[h] : "?";
}

static void
put_protos(sfb_buf *b, unsigned p)
{
	if (p == 0)
		sfb_buf_puts(b, "none");
	else if (p == RS_ALLPROTO)
		sfb_buf_puts(b, "all");
	else
		sfb_buf_printf(b, "%s%s%s%s%s", p & RS_TCP ? "tcp" : "",
		    (p & RS_TCP) && (p & (RS_UDP | RS_OTHER)) ? "," : "", p & RS_UDP ? "udp" : "",
		    (p & RS_UDP) && (p & RS_OTHER) ? "," : "", p & RS_OTHER ? "other" : "");
}

static void
put_addrs(sfb_buf *b, const sfb_addrset *a)
{
	if (sfb_addrset_empty(a))
		sfb_buf_puts(b, "none");
	else
		sfb_addrset_print(b, a);
}

static void
put_ports(sfb_buf *b, const sfb_portset *p)
{
	if (sfb_iset_empty(&p->s))
		sfb_buf_puts(b, "none");
	else
		sfb_portset_print(b, p);
}

static void
put_iface(sfb_buf *b, const char *what, const struct rs_iface *i)
{
	if (i->name == NULL)
		return;
	sfb_buf_printf(b, " %s=%s%s%s", what, i->neg ? "!" : "", i->name, i->prefix ? "+" : "");
}

static int
cmp_chain(const void *a, const void *b)
{
	const struct rs_chain *x = *(const struct rs_chain *const *)a;
	const struct rs_chain *y = *(const struct rs_chain *const *)b;
	int c;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if ((c = strcmp(x->table, y->table)) != 0)
		return c;
	return strcmp(x->name, y->name);
}

int
main(int argc, char **argv)
{
	struct rs_ruleset rs;
	const struct rs_chain **order = NULL;
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_buf in, out;
	size_t i, k, j;
	int opt, ret = 1;
	int lines = 0, texts = 0;
	sfb_status st;

	memset(&rs, 0, sizeof(rs));
	sfb_buf_init(&in);
	sfb_buf_init(&out);
	while ((opt = getopt(argc, argv, "lt")) != -1) {
		if (opt == 'l')
			lines = 1;
		else if (opt == 't')
			texts = 1;
		else
			goto usage;
	}
	if (optind + 1 != argc || ctx == NULL)
		goto usage;
	if (sfb_read_file(ctx, argv[optind], &in) != SFB_OK) {
		fprintf(stderr, "rs_dump: %s\n", sfb_ctx_error(ctx));
		goto out;
	}
	st = sfb_rs_parse_ipt(ctx, argv[optind], sfb_buf_str(&in), in.len, &rs);
	if (st != SFB_OK) {
		fprintf(stderr, "%s\n", sfb_ctx_error(ctx));
		ret = st == SFB_EINVAL ? 2 : 1;
		goto out;
	}
	if (rs.kind != RS_KIND_IPTABLES || rs.file != argv[optind]) {
		fprintf(stderr, "rs_dump: kind or file not set\n");
		goto out;
	}
	if (rs.n > 0 && (order = calloc(rs.n, sizeof(*order))) == NULL)
		goto out;
	for (i = 0; i < rs.n; i++)
		order[i] = &rs.chains[i];
	if (rs.n > 0)
		qsort(order, rs.n, sizeof(*order), cmp_chain);
	for (i = 0; i < rs.n; i++) {
		const struct rs_chain *c = order[i];

		sfb_buf_printf(&out, "chain %s/%d %s ", c->table, c->family, c->name);
		if (c->base)
			sfb_buf_printf(&out, "base %s prio %d policy %s", hook_name(c->hook), c->prio,
			    c->policy == RS_DROP ? "drop" : "accept");
		else
			sfb_buf_puts(&out, "user");
		sfb_buf_printf(&out, "%s%s\n", c->filter ? " filter" : "", c->nat ? " nat" : "");
		for (k = 0; k < c->n; k++) {
			const struct rs_rule *r = &c->rules[k];

			sfb_buf_printf(&out, "  %s/%d %s #%zu", c->table, c->family, c->name, k + 1);
			if (lines)
				sfb_buf_printf(&out, " line %d", r->line);
			sfb_buf_printf(&out, ": %s", verdict_name(r->verdict));
			if (r->verdict == RS_JUMP || r->verdict == RS_GOTO)
				sfb_buf_printf(&out, " %s", r->target < rs.n ? rs.chains[r->target].name :
				    "<out of range>");
			if (r->verdict == RS_DNAT)
			{
				sfb_buf_printf(&out, " %s", r->nat_addr != NULL ? r->nat_addr : "?");
				if (r->nat_port != 0)
					sfb_buf_printf(&out, " port %u", r->nat_port);
			}
			for (j = 0; j < r->nboxes; j++) {
				const struct rs_box *b = &r->boxes[j];

				sfb_buf_puts(&out, j == 0 ? " [" : " | [");
				put_protos(&out, b->protos);
				sfb_buf_putc(&out, ' ');
				put_addrs(&out, &b->src);
				sfb_buf_puts(&out, " -> ");
				put_addrs(&out, &b->dst);
				sfb_buf_puts(&out, " sport ");
				put_ports(&out, &b->sport);
				sfb_buf_puts(&out, " dport ");
				put_ports(&out, &b->dport);
				sfb_buf_putc(&out, ']');
			}
			if (r->never_new)
				sfb_buf_puts(&out, " never_new");
			put_iface(&out, "iif", &r->iif);
			put_iface(&out, "oif", &r->oif);
			if (r->unknown != NULL)
				sfb_buf_printf(&out, " unknown=\"%s\"", r->unknown);
			if (texts)
				sfb_buf_printf(&out, " text=\"%s\"", r->text != NULL ? r->text : "");
			sfb_buf_putc(&out, '\n');
		}
	}
	if (sfb_buf_status(&out) != SFB_OK)
		goto out;
	fputs(sfb_buf_str(&out), stdout);
	ret = fflush(stdout) == 0 ? 0 : 1;
	goto out;
usage:
	fprintf(stderr, "usage: rs_dump [-l] [-t] FILE\n");
	ret = 1;
out:
	free(order);
	rs_ruleset_free(&rs);
	sfb_buf_free(&in);
	sfb_buf_free(&out);
	sfb_ctx_free(ctx);
	return ret;
}
