/* sfbnet import topology: the entry points (the reading is in
 * sfb_import_xml.c, the writing in sfb_import_write.c). */
#include <stdlib.h>
#include <string.h>

#include "sfb_import_int.h"

sfb_status
sfb_import_topology_mem(sfb_ctx *ctx, const sfb_catalog *cat, const char *name,
    const void *data, size_t len, const sfb_import_topology_opts *opts, char **yaml)
{
	struct imp I;
	sfb_buf b;
	sfb_status st;

	*yaml = NULL;
	memset(&I, 0, sizeof(I));
	I.ctx = ctx;
	I.cat = cat;
	I.file = name;
	sfb_buf_init(&b);
	if ((st = sfb_imp_read_addresses(&I, opts)) != SFB_OK ||
	    (st = sfb_imp_read_xml(&I, data, len)) != SFB_OK)
		goto out;
	if ((st = sfb_imp_write(&I, &b)) == SFB_ENOMEM)
		st = sfb_oom(ctx);
out:
	st = sfb_buf_finish(ctx, &b, st, yaml);
	sfb_imp_free(&I);
	return st;
}

sfb_status
sfb_import_topology(sfb_ctx *ctx, const sfb_catalog *cat, const char *path,
    const sfb_import_topology_opts *opts, char **yaml)
{
	sfb_buf b;
	sfb_status st;

	*yaml = NULL;
	sfb_buf_init(&b);
	if ((st = sfb_read_file(ctx, path, &b)) == SFB_OK)
		st = sfb_import_topology_mem(ctx, cat, path, b.data != NULL ? b.data : "", b.len,
		    opts, yaml);
	sfb_buf_free(&b);
	return st;
}
