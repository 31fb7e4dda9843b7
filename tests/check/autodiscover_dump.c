/* autodiscover_dump FILE: parse an autodiscover response (either form) and
 * print the result canonically, one item a line, for
 * tests/check/autodiscover_real.sh:
 *   form json|xml
 *   access_location External|Internal|-
 *   resource Root|User|Domain|_links
 *   sip KIND FQDN PORT            (document order)
 *   link TOKEN HREF HOST PORT     (document order)
 *   warning MESSAGE               (each warning of the context)
 * Text from the document is escaped (sfb_esc.h SFB_ESC_LINE).  A refused
 * document: "error: MESSAGE" on standard error, exit status 2. */
#include <stdio.h>
#include <stdlib.h>

#include "check/sfb_autodiscover.h"
#include "sfb_ctx.h"
#include "sfb_esc.h"

int
main(int argc, char **argv)
{
	sfb_autodiscover *ad = NULL;
	sfb_ctx *ctx = sfb_ctx_new();
	sfb_buf in, o;
	size_t i;
	int rc = 2;

	sfb_buf_init(&in);
	sfb_buf_init(&o);
	if (argc != 2 || ctx == NULL) {
		fprintf(stderr, "usage: autodiscover_dump FILE\n");
		goto out;
	}
	if (sfb_read_file(ctx, argv[1], &in) != SFB_OK ||
	    sfb_autodiscover_parse(ctx, argv[1], in.data != NULL ? in.data : "", in.len, &ad) != SFB_OK) {
		fprintf(stderr, "error: %s\n", sfb_ctx_error(ctx));
		goto out;
	}
	sfb_buf_printf(&o, "form %s\n", ad->form == SFB_AD_JSON ? "json" : "xml");
	sfb_buf_printf(&o, "access_location %s\n", ad->access_location != NULL ?
	    ad->access_location : "-");
	sfb_buf_printf(&o, "resource %s\n", ad->resource);
	for (i = 0; i < ad->nsip; i++) {
		sfb_buf_printf(&o, "sip %s ", sfb_ad_access_name(ad->sip[i].kind));
		sfb_esc_put(&o, SFB_ESC_LINE, ad->sip[i].fqdn);
		sfb_buf_printf(&o, " %u\n", ad->sip[i].port);
	}
	for (i = 0; i < ad->nlinks; i++) {
		sfb_buf_puts(&o, "link ");
		sfb_esc_put(&o, SFB_ESC_LINE, ad->links[i].token);
		sfb_buf_putc(&o, ' ');
		sfb_esc_put(&o, SFB_ESC_LINE, ad->links[i].href);
		sfb_buf_putc(&o, ' ');
		sfb_esc_put(&o, SFB_ESC_LINE, ad->links[i].host);
		sfb_buf_printf(&o, " %u\n", ad->links[i].port);
	}
	for (i = 0; i < sfb_ctx_warning_count(ctx); i++) {
		sfb_buf_puts(&o, "warning ");
		sfb_esc_put(&o, SFB_ESC_LINE, sfb_ctx_warning(ctx, i));
		sfb_buf_putc(&o, '\n');
	}
	if (sfb_buf_status(&o) != SFB_OK) {
		fprintf(stderr, "error: out of memory\n");
		goto out;
	}
	fputs(sfb_buf_str(&o), stdout);
	rc = 0;
out:
	sfb_autodiscover_free(ad);
	sfb_buf_free(&in);
	sfb_buf_free(&o);
	sfb_ctx_free(ctx);
	return rc;
}
