/* sfbnet — certificates and certificate requests from the topology. */
#ifndef SFBNET_PKI_H
#define SFBNET_PKI_H

#include <stdbool.h>
#include <stddef.h>

#include "sfbnet/catalog.h"
#include "sfbnet/context.h"
#include "sfbnet/topology.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sfb_certs_format {
	SFB_CERTS_TEXT,
	SFB_CERTS_JSON
} sfb_certs_format;

/* Every certificate the topology needs: subject, SANs, EKU, CA. */
sfb_status sfb_certs_write(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo,
    sfb_certs_format fmt, char **out);
/* One OpenSSL request configuration per certificate into dir (created when
 * it does not exist); with keys, also a private key and a CSR made through
 * OpenSSL.  All or nothing: every name is checked first, every file is
 * written into a temporary directory, then that becomes dir or its files
 * are moved in; on a failure nothing of the run is left.  *count receives
 * the number of certificates. */
sfb_status sfb_certs_write_openssl(sfb_ctx *ctx, const sfb_catalog *cat,
    const sfb_topology *topo, const char *dir, bool keys, size_t *count);

#ifdef __cplusplus
}
#endif
#endif
