/* Change-ticket targets: the rules of one firewall as a CSV or Markdown
 * table, for the firewall team to review or to paste into a ticket.
 *
 * One row per plan entry and protocol, like one rule of the other targets:
 * firewall, source, destination, protocol, source ports, destination
 * ports, purpose, citation.  Sources and destinations are the fewest CIDR
 * blocks that cover them, destinations by their inside address (the plan's
 * CSV has the NAT public address beside it). */
#include "sfb_emit.h"

#include "sfb_text.h"

static const char *const cols[] = {
	"firewall", "source", "destination", "protocol", "source ports", "destination ports",
	"purpose", "citation",
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static sfb_status sfb_ticket_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, bool md,
    sfb_buf *b);

static sfb_status
sfb_ticket_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, bool md, sfb_buf *b)
{
	const struct sfb_entry *e;
	const struct sfb_cflow *f;
	sfb_table t;
	int protos[2], np, k;
	size_t first, count, i;
	sfb_status st;

	sfb_plan_fw_range(plan, fw, &first, &count);
	sfb_table_init(&t, b, md, cols, NCOLS);
	for (i = first; i < first + count; i++) {
		e = &plan->entries[i];
		f = &plan->cat->flows[e->flow];
		if (!sfb_emit_meet(&e->src, &e->dst))
			continue;
		np = sfb_emit_protos(f->proto, protos);
		for (k = 0; k < np; k++) {
			sfb_table_put(&t, plan->topo->fws[fw].name);
			sfb_addrset_print(sfb_table_scratch(&t), &e->src);
			sfb_table_put_scratch(&t);
			sfb_addrset_print(sfb_table_scratch(&t), &e->dst);
			sfb_table_put_scratch(&t);
			sfb_table_put(&t, protos[k] == SFB_PROTO_TCP ? "tcp" : "udp");
			sfb_portset_print(sfb_table_scratch(&t), &f->sport);
			sfb_table_put_scratch(&t);
			sfb_portset_print(sfb_table_scratch(&t), sfb_entry_dport(plan->cat, e));
			sfb_table_put_scratch(&t);
			sfb_buf_printf(sfb_table_scratch(&t), "%s (%s)", f->purpose, f->id);
			sfb_table_put_scratch(&t);
			sfb_cites_text(sfb_table_scratch(&t), plan->cat, f->cite, f->ncite);
			sfb_table_put_scratch(&t);
			sfb_table_row(&t);
		}
	}
	sfb_table_free(&t);
	st = sfb_buf_status(b);
	if (st == SFB_ENOMEM)
		st = sfb_oom(ctx);
	return st;
}

static sfb_status
write_csv(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, const sfb_fw_opts *o, sfb_buf *b)
{
	(void)o;
	return sfb_ticket_write(ctx, plan, fw, false, b);
}

static sfb_status
write_md(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, const sfb_fw_opts *o, sfb_buf *b)
{
	(void)o;
	return sfb_ticket_write(ctx, plan, fw, true, b);
}

const struct sfb_emit_target sfb_target_csv = { "csv", SFB_TARGET_CSV, write_csv, NULL, NULL };
const struct sfb_emit_target sfb_target_md = { "md", SFB_TARGET_MD, write_md, NULL, NULL };
