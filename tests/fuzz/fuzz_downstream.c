/* Fuzz target: everything downstream of a topology.
 *
 * The input is the text of a topology (sfb_topology_parse, with the built-in
 * catalog, as in fuzz_topology.c).  When it loads, every output the library
 * makes from a topology is made from it:
 *   - the plan, in every format, whole and for each firewall;
 *   - the rules of every firewall for every firewall target (nftables,
 *     iptables, ip6tables, asa, srx, pf, csv, md), and of the one firewall
 *     without a name;
 *   - the windows rules of every host, and of the one Windows host without
 *     a name;
 *   - the DNS records (internal, external, both; zone lines, standalone zone
 *     lines, JSON) and the certificates (text, JSON; not the OpenSSL files);
 *   - the checks of `sfbnet validate` (sfb_dns_lint).
 *
 * What must hold (abort() otherwise):
 *   - a call fails only with out of memory, or where the library documents
 *     the refusal: a windows script for a host without a Windows role or
 *     without a name when there is not exactly one Windows host; firewall
 *     rules without a name when there is not exactly one firewall; the wrong
 *     kind of target for the call; DNS records or certificates (and the
 *     checks, which build the certificates) when the topology lacks what
 *     one of them needs ("... needs ...", SFB_ENOTFOUND,
 *     docs/catalog-format.md);
 *   - and the same calls succeed where those reasons do not apply;
 *   - no output holds a line whose first word is INJECTED ("inject"): the
 *     seeds put "\nINJECTED" (and \r, U+2028, ... before it) into every
 *     free-text field of a topology.  Lines end at what Python's
 *     str.splitlines() ends them at (LF, CR, VT, FF, FS, GS, RS, NEL, U+2028,
 *     U+2029); in a JSON output at LF and CR only, where the others are
 *     string content;
 *   - no text output (all but JSON) holds an unsafe code point raw
 *     ("unsafe"): C0 controls other than tab, line feed and the CR of a CRLF,
 *     DEL, C1 controls, U+2028, U+2029, bidirectional controls (U+200E,
 *     U+200F, U+202A-U+202E, U+2066-U+2069), U+FEFF, or bytes that are not
 *     UTF-8 (the rule of src/lib/core/sfb_esc.h); every JSON output parses
 *     as a JSON object;
 *   - no warning holds a line that starts with INJECTED ("warn"): the
 *     command prints them.
 *
 * The file name is a free-text field too (it is in the header of most
 * outputs): when the input's first line is "#file: NAME", NAME with C-like
 * escapes (\n \r \t \\ \xHH) is the file name the topology is parsed under;
 * otherwise "fuzz.yaml".  The line is a YAML comment, so the topology loads
 * the same either way.
 *
 * SFB_FUZZ_VERBOSE=1 prints whether each input loaded (or the loader's
 * error), to see which seeds reach the outputs.
 *
 * SFB_FUZZ_IGNORE=inject,unsafe,warn,refuse (any of them) turns those checks
 * into a note on standard error, once per kind of message (quoted text and
 * numbers left out), so that a fuzzing run can go past a problem already
 * reported and still list the different ones; the replay test never sets
 * it. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sfbnet/sfbnet.h"
#include "catalog/sfb_catalog.h"
#include "sfb_buf.h"
#include "sfb_esc.h"
#include "topo/sfb_topology.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* fuzz_common.c: inputs of libfyaml bugs known and not yet guarded against. */
bool sfb_fuzz_skip(const uint8_t *p, size_t n);

#define NAME "fuzz_downstream"
#define FILE_MAX 256

/* The catalog is loaded once and kept (it stays reachable, so LeakSanitizer
 * does not count it); the checks turned off by SFB_FUZZ_IGNORE, read once. */
static sfb_catalog *catalog;
static int ignore_read;
static bool ignore_inject, ignore_unsafe, ignore_warn, ignore_refuse, verbose;
/* The file name of the input being run, as errors name it (escaped). */
static char cur_file[4 * FILE_MAX];

static bool
env_has(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return true;
		p += n;
	}
	return false;
}

static const sfb_catalog *
get_catalog(void)
{
	sfb_ctx *ctx;
	const char *ig;

	if (!ignore_read) {
		ignore_read = 1;
		if ((ig = getenv("SFB_FUZZ_IGNORE")) != NULL) {
			ignore_inject = env_has(ig, "inject");
			ignore_unsafe = env_has(ig, "unsafe");
			ignore_warn = env_has(ig, "warn");
			ignore_refuse = env_has(ig, "refuse");
		}
		verbose = getenv("SFB_FUZZ_VERBOSE") != NULL;
	}
	if (catalog != NULL)
		return catalog;
	ctx = sfb_ctx_new();
	if (ctx == NULL || sfb_catalog_load_builtin(ctx, &catalog) != SFB_OK) {
		fprintf(stderr, NAME ": cannot load the built-in catalog: %s\n",
		    ctx != NULL ? sfb_ctx_error(ctx) : "out of memory");
		abort();
	}
	sfb_ctx_free(ctx);
	return catalog;
}

/* A message without what varies between inputs: the file name, text in
 * quotes, numbers, and everything after the first line. */
static void
normalize(const char *msg, const char *file, char *key, size_t size)
{
	size_t n = 0, flen = strlen(file);
	bool quoted = false;

	for (; *msg != '\0' && *msg != '\n' && n + 1 < size; msg++) {
		if (flen > 0 && strncmp(msg, file, flen) == 0) {
			msg += flen - 1;
			key[n++] = '@';
		} else if (*msg == '\'') {
			quoted = !quoted;
			if (quoted)
				key[n++] = '*';
		} else if (!quoted && !(*msg >= '0' && *msg <= '9')) {
			key[n++] = *msg;
		}
	}
	key[n] = '\0';
}

/* A failed check: abort, or when its kind is ignored, print it if no
 * finding of the same kind and message (normalized) was printed before. */
static void finding(bool ignored, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
finding(bool ignored, const char *kind, const char *fmt, ...)
{
	/* The keys seen so far: a fuzzer's one place for such state. */
	static char *seen[256];
	static size_t nseen;
	char msg[2048], key[256];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!ignored) {
		fprintf(stderr, NAME ": %s\n", msg);
		abort();
	}
	snprintf(key, sizeof(key), "%s: ", kind);
	normalize(msg, cur_file, key + strlen(key), sizeof(key) - strlen(key));
	for (i = 0; i < nseen; i++)
		if (strcmp(seen[i], key) == 0)
			return;
	if (nseen < sizeof(seen) / sizeof(seen[0]) && (seen[nseen] = strdup(key)) != NULL)
		nseen++;
	fprintf(stderr, NAME ": ignored (SFB_FUZZ_IGNORE=%s): %.600s\n", kind, msg);
}

/* ---- output checks ---- */

/* Decode one UTF-8 code point at s[i..n) with the library's strict decoder:
 * its value and length, or false for a byte that does not start one. */
static bool
utf8_at(const unsigned char *s, size_t n, size_t i, unsigned long *cp, size_t *len)
{
	sfb_cur c;

	sfb_cur_init(&c, s + i, n - i);
	if (!sfb_cur_utf8(&c, cp))
		return false;
	*len = c.pos;
	return true;
}

static bool
is_line_break(unsigned long cp, bool json)
{
	if (cp == '\n' || cp == '\r')
		return true;
	if (json)
		return false;
	return cp == 0x0b || cp == 0x0c || (cp >= 0x1c && cp <= 0x1e) || cp == 0x85 ||
	    cp == 0x2028 || cp == 0x2029;
}

static bool
is_unsafe(unsigned long cp)
{
	return (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7f && cp <= 0x9f) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/* Does a line of s start with INJECTED (after blanks)?  *at: where. */
static bool
has_injected_line(const char *text, bool json, size_t *at)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), i = 0, j, len;
	unsigned long cp;
	bool start = true;

	while (i < n) {
		if (start) {
			for (j = i; j < n && (s[j] == ' ' || s[j] == '\t'); j++)
				;
			if (n - j >= 8 && memcmp(s + j, "INJECTED", 8) == 0) {
				*at = j;
				return true;
			}
		}
		if (!utf8_at(s, n, i, &cp, &len)) {
			cp = 0xfffd;
			len = 1;
		}
		start = is_line_break(cp, json);
		i += len;
	}
	return false;
}

/* The first unsafe code point of a text output, as "U+XXXX at byte N". */
static bool
find_unsafe(const char *text, char *where, size_t wsize)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), i = 0, len;
	unsigned long cp;

	while (i < n) {
		if (!utf8_at(s, n, i, &cp, &len)) {
			snprintf(where, wsize, "byte 0x%02x (not UTF-8) at offset %zu", s[i], i);
			return true;
		}
		/* The CR of a CRLF (CSV rows end in CRLF) is the line's end. */
		if (is_unsafe(cp) && !(cp == '\r' && i + 1 < n && s[i + 1] == '\n')) {
			snprintf(where, wsize, "U+%04lX at offset %zu", cp, i);
			return true;
		}
		i += len;
	}
	return false;
}

/* Every check an output must pass.  what names it in the report. */
static void
check_output(const char *what, const char *out, bool json)
{
	char where[96];
	json_error_t err;
	json_t *j;
	size_t at, from;

	if (out == NULL)
		return;
	if (has_injected_line(out, json, &at)) {
		from = at > 120 ? at - 120 : 0;
		finding(ignore_inject, "inject", "%s: the line at offset %zu starts with "
		    "INJECTED\n(output from offset %zu) %.200s", what, at, from, out + from);
	}
	if (json) {
		j = json_loads(out, 0, &err);
		if (j == NULL || !json_is_object(j))
			finding(ignore_unsafe, "unsafe",
			    "%s: the output is not a JSON object: %s", what,
			    j == NULL ? err.text : "not an object");
		json_decref(j);
	} else if (find_unsafe(out, where, sizeof(where))) {
		finding(ignore_unsafe, "unsafe", "%s: the output holds %s raw",
		    what, where);
	}
}

/* ---- statuses ---- */

/* The size limits of docs/topology.md ("Limits"): what a topology asks
 * for past them is refused with SFB_ERANGE and a message naming the limit. */
static bool
documented_limit(sfb_ctx *ctx, sfb_status st)
{
	return st == SFB_ERANGE && strstr(sfb_ctx_error(ctx), "this sfbnet's limit") != NULL;
}

static void
must(sfb_ctx *ctx, sfb_status st, const char *what)
{
	if (st == SFB_OK || st == SFB_ENOMEM || documented_limit(ctx, st))
		return;
	fprintf(stderr, NAME ": %s failed on a valid topology: %s: %s\n", what,
	    sfb_status_str(st), sfb_ctx_error(ctx));
	abort();
}

/* A call that the library documents as refused here (expect == false) must
 * fail with status want (not with SFB_EINTERNAL, not succeed); one it does
 * not must succeed. */
static void
must_refuse(sfb_ctx *ctx, sfb_status st, bool refuse, sfb_status want, const char *what)
{
	if (!refuse) {
		must(ctx, st, what);
		return;
	}
	if (st == want || st == SFB_ENOMEM)
		return;
	fprintf(stderr, NAME ": %s: expected %s, got %s: %s\n", what, sfb_status_str(want),
	    sfb_status_str(st), sfb_ctx_error(ctx));
	abort();
}

/* DNS records and certificates may be refused when the topology lacks what
 * one of them needs (docs/catalog-format.md: "an error naming the missing
 * topology key"); the messages all say "needs". */
static bool
documented_needs(sfb_ctx *ctx, sfb_status st)
{
	return (st == SFB_ENOTFOUND && strstr(sfb_ctx_error(ctx), " needs ") != NULL) ||
	    /* sfbnet(1), certs: a subject name past a common name's 64 characters */
	    (st == SFB_EINVAL && strstr(sfb_ctx_error(ctx),
	    " characters a common name may have (RFC 5280)") != NULL);
}

static void
must_dnscert(sfb_ctx *ctx, sfb_status st, const char *what)
{
	char msg[512];

	if (st == SFB_OK || st == SFB_ENOMEM || documented_needs(ctx, st) ||
	    documented_limit(ctx, st))
		return;
	if (st == SFB_EINTERNAL)
		must(ctx, st, what);
	snprintf(msg, sizeof(msg), "%s", sfb_ctx_error(ctx));
	finding(ignore_refuse, "refuse",
	    "%s refused a valid topology, not as documented: %s", what, msg);
}

/* ---- the downstream calls ---- */

/* The roles docs/firewall-targets.md lists as Windows Server products. */
static const char *const win_roles[] = { "front-end", "director", "edge-internal",
	"edge-access", "edge-webconf", "edge-av", "mediation", "backend-sql",
	"persistent-chat", "office-web-apps", "exchange", "exchange-um", "file-share",
	"ad-ds", "adfs", "adfs-proxy", "sba", "vis" };

static bool
host_runs_windows(const sfb_catalog *cat, const sfb_topology *t, size_t h)
{
	const struct sfb_host *host = &t->hosts[h];
	size_t i, r, k;

	/* A load balancer's vip or snat (version 2) is not a server, whatever
	 * roles of its pool it stands for. */
	if (host->virt)
		return false;
	for (i = host->first_ep; i < host->first_ep + host->nep; i++)
		for (r = 0; r < t->eps[i].nroles; r++)
			for (k = 0; k < sizeof(win_roles) / sizeof(win_roles[0]); k++)
				if (strcmp(cat->roles[t->eps[i].roles[r]].name, win_roles[k]) == 0)
					return true;
	return false;
}

static void
plan_outputs(sfb_ctx *ctx, const sfb_plan *plan, const char *fw)
{
	static const sfb_format formats[] = { SFB_FORMAT_TEXT, SFB_FORMAT_JSON,
		SFB_FORMAT_CSV, SFB_FORMAT_MD };
	static const char *const names[] = { "plan text", "plan json", "plan csv", "plan md" };
	char *out;
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		out = NULL;
		must(ctx, sfb_plan_write(ctx, plan, fw, formats[i], &out), names[i]);
		check_output(names[i], out, formats[i] == SFB_FORMAT_JSON);
		free(out);
	}
}

static void
firewall_outputs(sfb_ctx *ctx, const sfb_plan *plan, const sfb_topology *topo)
{
	static const sfb_target targets[] = { SFB_TARGET_NFTABLES, SFB_TARGET_IPTABLES,
		SFB_TARGET_IP6TABLES, SFB_TARGET_ASA, SFB_TARGET_SRX, SFB_TARGET_PF,
		SFB_TARGET_CSV, SFB_TARGET_MD };
	char what[64], *out;
	size_t i, f, nfws = sfb_topology_firewall_count(topo);

	for (f = 0; f < nfws; f++) {
		const char *fw = sfb_topology_firewall_name(topo, f);

		plan_outputs(ctx, plan, fw);
		for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
			snprintf(what, sizeof(what), "firewall %s", sfb_target_name(targets[i]));
			out = NULL;
			must(ctx, sfb_firewall_write(ctx, plan, targets[i], fw, &out), what);
			check_output(what, out, false);
			free(out);
		}
		/* --mode include and --nat of every loadable target: the same
		 * checks of what is written.  --nat is refused only for a public
		 * address that two inside addresses share (docs/firewall-targets.md,
		 * "Writing the NAT"). */
		for (i = 0; i < 6; i++) {
			sfb_fw_opts o;
			sfb_status st;

			memset(&o, 0, sizeof(o));
			o.mode = SFB_MODE_INCLUDE;
			o.acl = targets[i] == SFB_TARGET_ASA ? "OUTSIDE_IN" : NULL;
			snprintf(what, sizeof(what), "firewall %s --mode include",
			    sfb_target_name(targets[i]));
			out = NULL;
			must(ctx, sfb_firewall_write_opts(ctx, plan, targets[i], fw, &o, &out), what);
			check_output(what, out, false);
			free(out);
			memset(&o, 0, sizeof(o));
			o.nat = true;
			snprintf(what, sizeof(what), "firewall %s --nat", sfb_target_name(targets[i]));
			out = NULL;
			st = sfb_firewall_write_opts(ctx, plan, targets[i], fw, &o, &out);
			if (!(st == SFB_EINVAL &&
			    strstr(sfb_ctx_error(ctx), "is also the NAT address of") != NULL))
				must(ctx, st, what);
			check_output(what, out, false);
			free(out);
		}
		/* A per-host target is refused for a firewall (plan.h). */
		out = NULL;
		must_refuse(ctx, sfb_firewall_write(ctx, plan, SFB_TARGET_WINDOWS, fw, &out), true,
		    SFB_EINVAL, "firewall windows");
		free(out);
	}
	/* Without a name: the one firewall, refused when there are none or
	 * several (sfbnet(1), --firewall). */
	out = NULL;
	must_refuse(ctx, sfb_firewall_write(ctx, plan, SFB_TARGET_NFTABLES, NULL, &out),
	    nfws != 1, SFB_EINVAL, "firewall nftables, no firewall named");
	check_output("firewall nftables, no firewall named", out, false);
	free(out);
}

static void
windows_outputs(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_plan *plan,
    const sfb_topology *topo)
{
	char *out;
	size_t h, nwin = 0;
	bool win;

	for (h = 0; h < topo->nhosts; h++) {
		win = host_runs_windows(cat, topo, h);
		nwin += win;
		out = NULL;
		/* A host without a Windows role is refused
		 * (docs/firewall-targets.md, "Which hosts"). */
		must_refuse(ctx, sfb_host_firewall_write(ctx, plan, SFB_TARGET_WINDOWS,
		    topo->hosts[h].name, &out), !win, SFB_EINVAL, "windows");
		check_output("windows", out, false);
		free(out);
	}
	/* Without a name: the one Windows host (sfbnet(1), --host). */
	out = NULL;
	must_refuse(ctx, sfb_host_firewall_write(ctx, plan, SFB_TARGET_WINDOWS, NULL, &out),
	    nwin != 1, SFB_EINVAL, "windows, no host named");
	check_output("windows, no host named", out, false);
	free(out);
	/* A firewall target is refused for a host (plan.h). */
	if (topo->nhosts > 0) {
		out = NULL;
		must_refuse(ctx, sfb_host_firewall_write(ctx, plan, SFB_TARGET_NFTABLES,
		    topo->hosts[0].name, &out), true, SFB_EINVAL, "host nftables");
		free(out);
	}
}

static void
dns_cert_outputs(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo)
{
	static const int views[] = { SFB_DNS_INTERNAL, SFB_DNS_EXTERNAL, SFB_DNS_ALL };
	char *out;
	size_t v;
	sfb_status st;

	for (v = 0; v < sizeof(views) / sizeof(views[0]); v++) {
		out = NULL;
		st = sfb_dns_write(ctx, cat, topo, views[v], NULL, false, SFB_DNS_ZONE, &out);
		must_dnscert(ctx, st, "dns zone");
		check_output("dns zone", out, false);
		free(out);
		out = NULL;
		st = sfb_dns_write(ctx, cat, topo, views[v], NULL, true, SFB_DNS_ZONE, &out);
		must_dnscert(ctx, st, "dns zone standalone");
		check_output("dns zone standalone", out, false);
		free(out);
		out = NULL;
		st = sfb_dns_write(ctx, cat, topo, views[v], NULL, false, SFB_DNS_JSON, &out);
		must_dnscert(ctx, st, "dns json");
		check_output("dns json", out, true);
		free(out);
		out = NULL;
		st = sfb_dns_write(ctx, cat, topo, views[v], NULL, false, SFB_DNS_WINDOWS, &out);
		must_dnscert(ctx, st, "dns windows");
		check_output("dns windows", out, false);
		free(out);
	}
	/* One zone: the default SIP domain's, which may have no records. */
	if (topo->nsip > 0) {
		out = NULL;
		st = sfb_dns_write(ctx, cat, topo, SFB_DNS_ALL, topo->sip_domains[0], true,
		    SFB_DNS_ZONE, &out);
		if (st != SFB_ENOTFOUND)
			must_dnscert(ctx, st, "dns zone of the SIP domain");
		check_output("dns zone of the SIP domain", out, false);
		free(out);
	}
	out = NULL;
	must_dnscert(ctx, sfb_certs_write(ctx, cat, topo, SFB_CERTS_TEXT, &out), "certs text");
	check_output("certs text", out, false);
	free(out);
	out = NULL;
	must_dnscert(ctx, sfb_certs_write(ctx, cat, topo, SFB_CERTS_JSON, &out), "certs json");
	check_output("certs json", out, true);
	free(out);
}

static void
check_warnings(sfb_ctx *ctx)
{
	size_t i, at, n = sfb_ctx_warning_count(ctx);

	for (i = 0; i < n; i++)
		if (has_injected_line(sfb_ctx_warning(ctx, i), false, &at))
			finding(ignore_warn, "warn",
			    "a warning has a line that starts with INJECTED: %s",
			    sfb_ctx_warning(ctx, i));
}

static void
exercise(sfb_ctx *ctx, const sfb_catalog *cat, const sfb_topology *topo)
{
	sfb_plan *plan = NULL;
	sfb_status st;

	st = sfb_plan_build(ctx, cat, topo, &plan);
	must(ctx, st, "sfb_plan_build");
	if (st == SFB_OK) {
		plan_outputs(ctx, plan, NULL);
		firewall_outputs(ctx, plan, topo);
		windows_outputs(ctx, cat, plan, topo);
	}
	dns_cert_outputs(ctx, cat, topo);
	/* What `sfbnet validate` runs after the plan: it warns, and fails only
	 * where the certificates it checks fail (the same "needs" errors). */
	must_dnscert(ctx, sfb_dns_lint(ctx, cat, topo), "sfb_dns_lint");
	check_warnings(ctx);
	sfb_plan_free(plan);
}

static unsigned
hexdigit(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 0x100;
}

/* Two hex digits; above 0xff when they are not. */
static unsigned
hex2(const uint8_t *p)
{
	unsigned hi = hexdigit(p[0]), lo = hexdigit(p[1]);

	return hi > 0xf || lo > 0xf ? 0x100 : hi << 4 | lo;
}

/* "#file: NAME" on the first line: NAME with \n \r \t \\ \xHH unescaped into
 * file[FILE_MAX]; false when there is no such line or it is unusable. */
static bool
file_name(const uint8_t *data, size_t size, char *file)
{
	static const char tag[] = "#file: ";
	size_t i, n = 0;
	unsigned v;

	if (size < sizeof(tag) - 1 || memcmp(data, tag, sizeof(tag) - 1) != 0)
		return false;
	for (i = sizeof(tag) - 1; i < size && data[i] != '\n' && n + 1 < FILE_MAX; i++) {
		if (data[i] != '\\' || i + 1 >= size) {
			file[n++] = (char)data[i];
			continue;
		}
		switch (data[++i]) {
		case 'n': file[n++] = '\n'; break;
		case 'r': file[n++] = '\r'; break;
		case 't': file[n++] = '\t'; break;
		case 'x':
			if (i + 2 >= size || (v = hex2(data + i + 1)) == 0 || v > 0xff)
				return false;
			file[n++] = (char)v;
			i += 2;
			break;
		default: file[n++] = (char)data[i]; break;
		}
	}
	file[n] = '\0';
	return n > 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const sfb_catalog *cat = get_catalog();
	sfb_topology *topo = NULL;
	sfb_ctx *ctx;
	char file[FILE_MAX];
	sfb_buf esc;
	sfb_status st;

	if (sfb_fuzz_skip(data, size))
		return 0;
	if (!file_name(data, size, file))
		strcpy(file, "fuzz.yaml");
	/* As the context's messages write it (sfb_ctx.c escapes them whole). */
	sfb_buf_init(&esc);
	sfb_esc_put(&esc, SFB_ESC_LINE, file);
	snprintf(cur_file, sizeof(cur_file), "%s", sfb_buf_status(&esc) == SFB_OK ?
	    sfb_buf_str(&esc) : file);
	sfb_buf_free(&esc);
	if ((ctx = sfb_ctx_new()) == NULL)
		return 0;
	st = sfb_topology_parse(ctx, cat, file, (const char *)data, size, &topo);
	if (verbose)
		fprintf(stderr, NAME ": %s\n", st == SFB_OK ? "loaded" : sfb_ctx_error(ctx));
	if (st == SFB_OK) {
		if (topo == NULL)
			abort();
		exercise(ctx, cat, topo);
	} else if (topo != NULL || st == SFB_EINTERNAL) {
		fprintf(stderr, NAME ": status %s, topology %p: %s\n", sfb_status_str(st),
		    (void *)topo, sfb_ctx_error(ctx));
		abort();
	}
	sfb_topology_free(topo);
	sfb_ctx_free(ctx);
	return 0;
}
