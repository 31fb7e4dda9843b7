/* sfbnet — the catalog: what the source documents require, in general terms. */
#ifndef SFBNET_CATALOG_H
#define SFBNET_CATALOG_H

#include <stddef.h>

#include "sfbnet/context.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sfb_catalog sfb_catalog;

/* Output formats shared by the writers. */
typedef enum sfb_format {
	SFB_FORMAT_TEXT,
	SFB_FORMAT_JSON,
	SFB_FORMAT_CSV,
	SFB_FORMAT_MD
} sfb_format;

/* Parse "text", "json", "csv", "md"; -1 if unknown. */
int sfb_format_parse(const char *name);

/* The catalog compiled into the library. */
sfb_status sfb_catalog_load_builtin(sfb_ctx *ctx, sfb_catalog **out);
/* Every *.yaml file of dir, in name order (replaces the built-in one). */
sfb_status sfb_catalog_load_dir(sfb_ctx *ctx, const char *dir, sfb_catalog **out);
void sfb_catalog_free(sfb_catalog *cat);

size_t sfb_catalog_flow_count(const sfb_catalog *cat);
/* True if name is a profile of the catalog's vocabulary. */
int sfb_catalog_has_profile(const sfb_catalog *cat, const char *name);

/* Render the catalog (only the flows of profile when it is not NULL) into a
 * newly allocated string (*out, free() it). */
sfb_status sfb_catalog_write(sfb_ctx *ctx, const sfb_catalog *cat,
    const char *profile, sfb_format fmt, char **out);

#ifdef __cplusplus
}
#endif
#endif
