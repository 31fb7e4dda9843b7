/* The certificate a TLS service presents, judged against the plan: the
 * chain to a trusted CA (the CA file, or the system store), every name the
 * plan's certificate request carries, server authentication in the EKU,
 * and the dates (expired: fail; under 30 days left: warn). */
#include "check/sfb_check_int.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define WARN_DAYS 30

static bool
san_has(STACK_OF(GENERAL_NAME) *sans, const char *want)
{
	int i;

	for (i = 0; sans != NULL && i < sk_GENERAL_NAME_num(sans); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);
		const unsigned char *d;
		int n;

		if (g->type != GEN_DNS)
			continue;
		d = ASN1_STRING_get0_data(g->d.dNSName);
		n = ASN1_STRING_length(g->d.dNSName);
		if ((size_t)n == strlen(want) && strncasecmp((const char *)d, want, (size_t)n) == 0)
			return true;
		/* A wildcard covers one label: *.fabrikam.com names sip.fabrikam.com. */
		if (n > 2 && d[0] == '*' && d[1] == '.') {
			const char *dot = strchr(want, '.');

			if (dot != NULL && strlen(dot) == (size_t)n - 1 &&
			    strncasecmp(dot, (const char *)d + 1, (size_t)n - 1) == 0)
				return true;
		}
	}
	return false;
}

static bool
has_dns_san(STACK_OF(GENERAL_NAME) *sans)
{
	int i;

	for (i = 0; sans != NULL && i < sk_GENERAL_NAME_num(sans); i++)
		if (sk_GENERAL_NAME_value(sans, i)->type == GEN_DNS)
			return true;
	return false;
}

static void
print_sans(STACK_OF(GENERAL_NAME) *sans, sfb_buf *b)
{
	int i, k = 0;

	for (i = 0; sans != NULL && i < sk_GENERAL_NAME_num(sans); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);

		if (g->type != GEN_DNS)
			continue;
		sfb_buf_printf(b, "%s%.*s", k++ ? ", " : "SAN: ",
		    ASN1_STRING_length(g->d.dNSName),
		    (const char *)ASN1_STRING_get0_data(g->d.dNSName));
	}
	if (k == 0)
		sfb_buf_puts(b, "SAN: none");
}

void
sfb_check_cert(struct sfb_check *c, const struct sfb_ctarget *t, SSL *ssl)
{
	X509 *x = SSL_get1_peer_certificate(ssl);
	STACK_OF(GENERAL_NAME) *sans = NULL;
	const char *subject = t->subject;
	char cn[256] = "", ev[1024];
	sfb_buf b, miss;
	long vr;
	int days = 0, secs = 0;
	size_t i;

	sfb_buf_init(&b);
	sfb_buf_init(&miss);
	if (x == NULL) {
		sfb_check_report(c, "tls", subject, SFB_VERDICT_FAIL, &t->cite, 0, 0, NULL,
		    "no certificate presented");
		goto out;
	}
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
	sans = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	vr = SSL_get_verify_result(ssl);
	snprintf(ev, sizeof(ev), "CN=%s; %s", cn, SSL_get_version(ssl));
	if (vr == X509_V_OK)
		sfb_check_report(c, "tls", subject, SFB_VERDICT_PASS, &t->cite, 0, 0, ev,
		    "handshake done, the chain verifies");
	else
		sfb_check_report(c, "tls", subject, SFB_VERDICT_FAIL, &t->cite, 0, 0, ev,
		    "the chain does not verify: %s", X509_verify_cert_error_string(vr));

	/* Names: every one the plan's certificate carries.  A certificate
	 * without DNS names in a SAN is read by its subject's CN (RFC 6125
	 * 6.4.4), as the subject-only ones of the plan are. */
	print_sans(sans, &b);
	if (!has_dns_san(sans))
		sfb_buf_printf(&b, "; CN=%s", cn);
	for (i = 0; i < t->names.n; i++)
		if (!san_has(sans, t->names.v[i]) && (has_dns_san(sans) ||
		    strcasecmp(cn, t->names.v[i]) != 0))
			sfb_buf_printf(&miss, "%s%s", miss.len ? ", " : "", t->names.v[i]);
	if (sfb_buf_status(&b) != SFB_OK || sfb_buf_status(&miss) != SFB_OK) {
		sfb_check_oom(c);
		goto out;
	}
	if (miss.len == 0)
		sfb_check_report(c, "tls-names", subject, SFB_VERDICT_PASS, &sfb_cite_edge_cert, 0,
		    0, sfb_buf_str(&b), "all %zu names the plan's certificate carries", t->names.n);
	else
		sfb_check_report(c, "tls-names", subject, SFB_VERDICT_FAIL, &sfb_cite_edge_cert, 0,
		    0, sfb_buf_str(&b), "missing from the SAN: %s", sfb_buf_str(&miss));

	/* EKU: absent means any use (RFC 5280); present must name serverAuth. */
	if ((X509_get_extension_flags(x) & EXFLAG_XKUSAGE) && !(X509_get_extended_key_usage(x) &
	    XKU_SSL_SERVER))
		sfb_check_report(c, "tls-eku", subject, SFB_VERDICT_FAIL, &sfb_cite_pki_eku, 0, 0,
		    NULL, "the Enhanced Key Usage lacks server authentication");
	else
		sfb_check_report(c, "tls-eku", subject, SFB_VERDICT_PASS, &sfb_cite_pki_eku, 0, 0,
		    NULL, "server authentication allowed");

	/* Dates. */
	if (ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(x)) != 1) {
		sfb_check_report(c, "tls-expiry", subject, SFB_VERDICT_FAIL, &t->cite, 0, 0, NULL,
		    "notAfter does not parse");
	} else {
		BIO *mem = BIO_new(BIO_s_mem());
		char when[64] = "";
		int n;

		if (mem != NULL) {
			ASN1_TIME_print(mem, X509_get0_notAfter(x));
			n = BIO_read(mem, when, sizeof(when) - 1);
			when[n > 0 ? n : 0] = '\0';
			BIO_free(mem);
		}
		snprintf(ev, sizeof(ev), "notAfter %s", when);
		if (days < 0 || (days == 0 && secs < 0))
			sfb_check_report(c, "tls-expiry", subject, SFB_VERDICT_FAIL, &t->cite, 0, 0, ev,
			    "expired %d days ago", -days);
		else if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0)
			sfb_check_report(c, "tls-expiry", subject, SFB_VERDICT_FAIL, &t->cite, 0, 0, ev,
			    "not valid yet");
		else if (days < WARN_DAYS)
			sfb_check_report(c, "tls-expiry", subject, SFB_VERDICT_WARN, &t->cite, 0, 0, ev,
			    "expires in %d days", days);
		else
			sfb_check_report(c, "tls-expiry", subject, SFB_VERDICT_PASS, &t->cite, 0, 0, ev,
			    "valid for %d more days", days);
	}
out:
	if (sans != NULL)
		GENERAL_NAMES_free(sans);
	X509_free(x);
	sfb_buf_free(&b);
	sfb_buf_free(&miss);
}
