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

sfb_status sfb_ticket_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, bool md,
    sfb_buf *b);

sfb_status
sfb_ticket_write(sfb_ctx *ctx, const sfb_plan *plan, size_t fw, bool md, sfb_buf *b)
{
	void (*cell)(sfb_buf *, const char *) = md ? sfb_md_cell : sfb_csv_field;
	const char *sep = md ? " | " : ",", *eol = md ? " |\n" : "\r\n";
	const struct sfb_entry *e;
	const struct sfb_cflow *f;
	const char *p;
	sfb_buf tmp;
	int protos[2], np, k;
	size_t first, count, i, c;
	sfb_status st;

	sfb_buf_init(&tmp);
	sfb_plan_fw_range(plan, fw, &first, &count);
	sfb_buf_puts(b, md ? "| " : "");
	for (c = 0; c < NCOLS; c++) {
		sfb_buf_puts(b, c ? sep : "");
		/* CSV headers use underscores, the usual form for column names. */
		for (p = cols[c]; *p != '\0'; p++)
			sfb_buf_putc(b, !md && *p == ' ' ? '_' : *p);
	}
	sfb_buf_puts(b, eol);
	for (c = 0; md && c < NCOLS; c++)
		sfb_buf_puts(b, c ? "---|" : "|---|");
	sfb_buf_puts(b, md ? "\n" : "");
	for (i = first; i < first + count; i++) {
		e = &plan->entries[i];
		f = &plan->cat->flows[e->flow];
		if (!sfb_emit_meet(&e->src, &e->dst))
			continue;
		np = sfb_emit_protos(f->proto, protos);
		for (k = 0; k < np; k++) {
			sfb_buf_puts(b, md ? "| " : "");
			cell(b, plan->topo->fws[fw].name);
			sfb_buf_puts(b, sep);
			sfb_buf_reset(&tmp);
			sfb_addrset_print(&tmp, &e->src);
			cell(b, sfb_buf_str(&tmp));
			sfb_buf_puts(b, sep);
			sfb_buf_reset(&tmp);
			sfb_addrset_print(&tmp, &e->dst);
			cell(b, sfb_buf_str(&tmp));
			sfb_buf_printf(b, "%s%s%s", sep, protos[k] == SFB_PROTO_TCP ? "tcp" : "udp",
			    sep);
			sfb_buf_reset(&tmp);
			sfb_portset_print(&tmp, &f->sport);
			cell(b, sfb_buf_str(&tmp));
			sfb_buf_puts(b, sep);
			sfb_buf_reset(&tmp);
			sfb_portset_print(&tmp, &f->dport);
			cell(b, sfb_buf_str(&tmp));
			sfb_buf_puts(b, sep);
			sfb_buf_reset(&tmp);
			sfb_buf_printf(&tmp, "%s (%s)", f->purpose, f->id);
			cell(b, sfb_buf_str(&tmp));
			sfb_buf_puts(b, sep);
			sfb_buf_reset(&tmp);
			sfb_cites_text(&tmp, plan->cat, f->cite, f->ncite);
			cell(b, sfb_buf_str(&tmp));
			sfb_buf_puts(b, eol);
		}
	}
	st = sfb_buf_status(b);
	if (st == SFB_OK && tmp.oom)
		st = SFB_ENOMEM;
	if (st == SFB_ENOMEM)
		st = sfb_oom(ctx);
	sfb_buf_free(&tmp);
	return st;
}
