/* sfbnet certs: the certificates a topology needs, and their requests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct cli_opt opts[] = {
	{ "format", 'f', "FORMAT", "text (default) or json", false },
	{ "openssl-dir", 'd', "DIR", "write one OpenSSL request config per certificate into DIR", false },
	{ "keys", 0, NULL, "with --openssl-dir: also a private key and a CSR for each", false },
	{ "catalog", 0, "DIR", "read the catalog from DIR instead of the built-in one", false },
	{ "output", 'o', "FILE", "write to FILE (whole or not at all) instead of stdout", false },
	{ NULL, 0, NULL, NULL, false }
};

static int
run(const struct cli_cmd *cmd, struct cli_args *a, struct cli_session *s)
{
	static const char *const formats[] = { "text", "json", NULL };
	const char *dir = cli_opt(cmd, a, "openssl-dir"), *fmt;
	size_t n;
	int rc;
	sfb_status st;

	if ((rc = cli_format(cmd, a, formats, "text", &fmt)) != EXIT_GOOD)
		return rc;
	if (cli_flag(cmd, a, "keys") && dir == NULL)
		return cli_error(EXIT_USAGE, "certs: --keys needs --openssl-dir DIR");
	if ((rc = cli_load_topology(s, cmd, a)) != EXIT_GOOD)
		return rc;
	st = sfb_certs_write(s->ctx, s->cat, s->topo, strcmp(fmt, "json") == 0 ? SFB_CERTS_JSON :
	    SFB_CERTS_TEXT, &s->out);
	if (st != SFB_OK)
		return cli_fail(s->ctx, st);
	if (dir != NULL) {
		st = sfb_certs_write_openssl(s->ctx, s->cat, s->topo, dir, cli_flag(cmd, a, "keys"), &n);
		if (st != SFB_OK)
			return cli_fail(s->ctx, st);
		fprintf(stderr, "wrote %zu OpenSSL request configuration(s)%s to %s\n", n,
		    cli_flag(cmd, a, "keys") ? ", keys and CSRs" : "", dir);
	}
	return EXIT_GOOD;
}

const struct cli_cmd cmd_certs = {
	"certs", "the certificates a topology needs, and their requests", "TOPOLOGY", 1, 1, opts,
	"List every certificate the topology needs: subject, the full SAN list (SIP\n"
	"domains, simple URLs, web services, pool and member FQDNs as the role requires),\n"
	"EKU, and public or private CA.  With --openssl-dir, write one request\n"
	"configuration per certificate, so `openssl req -new -config FILE` works as is;\n"
	"with --keys, also a key (mode 0600) and a CSR generated through OpenSSL.\n"
	"DIR is created when missing; all its files are written, or none (a failure\n"
	"removes what the run wrote).",
	run
};
