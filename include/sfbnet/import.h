/* sfbnet — importers: what admins already have, turned into a topology.
 *
 * Both importers write text (a version 2 topology in YAML, or the address
 * sets of the office365 role) and never a partial result: on malformed
 * input they fail with the file, line and column in the context's error and
 * *out stays NULL.  What they read but could not map is reported as a
 * warning of the context (the element or JSON id, with the reason). */
#ifndef SFBNET_IMPORT_H
#define SFBNET_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "sfbnet/catalog.h"
#include "sfbnet/context.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- Topology Builder / Get-CsTopology -AsXml -------------------------- */

typedef struct sfb_import_topology_opts {
	/* "FQDN=IP" pairs: the address of a machine (its FQDN: the internal
	 * side) or of a service (an Edge service FQDN: the external side). */
	const char *const *addresses;
	size_t naddresses;
	/* A CSV file of FQDN,IP lines (a header line and # comments allowed),
	 * read after addresses (NULL: none). */
	const char *addresses_file;
} sfb_import_topology_opts;

/* Read a published topology (urn:schema:Microsoft.Rtc.Management.Deploy.
 * Topology.2008) or a Topology Builder file (....TopologyBuilder.2008), in
 * UTF-8 or UTF-16 with a byte-order mark, from path; write a version 2
 * topology to *yaml (NUL-terminated, the caller frees it). */
sfb_status sfb_import_topology(sfb_ctx *ctx, const sfb_catalog *cat, const char *path,
    const sfb_import_topology_opts *opts, char **yaml);
/* The same from memory; name is what messages call the input. */
sfb_status sfb_import_topology_mem(sfb_ctx *ctx, const sfb_catalog *cat, const char *name,
    const void *data, size_t len, const sfb_import_topology_opts *opts, char **yaml);

/* --- Office 365 IP address and URL web service ------------------------- */

typedef struct sfb_import_o365_opts {
	/* A topology to copy with its office365 endpoints carrying the
	 * imported ranges (NULL: write the address sets alone). */
	const char *into;
	bool optional;           /* rows with required: false too */
} sfb_import_o365_opts;

/* Read the endpoints JSON at path; write to *out what opts ask for. */
sfb_status sfb_import_o365(sfb_ctx *ctx, const sfb_catalog *cat, const char *path,
    const sfb_import_o365_opts *opts, char **out);
sfb_status sfb_import_o365_mem(sfb_ctx *ctx, const sfb_catalog *cat, const char *name,
    const void *data, size_t len, const sfb_import_o365_opts *opts, char **out);

#ifdef __cplusplus
}
#endif

#endif
