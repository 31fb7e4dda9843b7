/* The importer's model written as a version 2 topology (docs/topology.md).
 *
 * What a Skype for Business topology says maps onto sfbnet's roles like
 * this: a cluster that runs a Registrar is a Front End pool (a Director pool
 * when the Registrar is a Director; a Survivable Branch Appliance in a
 * branch site), an EdgeServer cluster an Edge pool, and the services on a
 * cluster or on a SQL instance of it give the cluster's other roles
 * (mediation, pstn-gateway, office-web-apps, file-share, backend-sql,
 * persistent-chat, vis).  A service's dependencies are Topology Builder's
 * associations: they become the pool's `uses`.  The Edge's External
 * interfaces become one endpoint per interface, with the services whose
 * ports are on it, their ConfiguredFqdn, the NAT address and their ports.
 *
 * Nothing from the XML reaches the YAML unchecked: DNS names and addresses
 * are written only when valid, numbers as numbers, and anything else as a
 * "<...>" placeholder of safe characters (which `sfbnet validate` then
 * names with its line) or inside a comment, escaped. */
#include <string.h>
#include <strings.h>

#include "catalog/sfb_catalog.h"
#include "sfb_esc.h"
#include "sfb_iset.h"
#include "sfb_import_int.h"
#include "sfb_text.h"

enum {
	R_FE = 1 << 0, R_DIR = 1 << 1, R_EDGE = 1 << 2, R_MED = 1 << 3, R_GW = 1 << 4,
	R_WAC = 1 << 5, R_FS = 1 << 6, R_SQL = 1 << 7, R_PCHAT = 1 << 8, R_VIS = 1 << 9,
	R_SBA = 1 << 10
};

/* sfbnet's role for each bit, in the order endpoints list them. */
static const struct { unsigned bit; const char *role; } role_names[] = {
	{ R_FE, "front-end" }, { R_DIR, "director" }, { R_SBA, "sba" }, { R_MED, "mediation" },
	{ R_PCHAT, "persistent-chat" }, { R_VIS, "vis" }, { R_WAC, "office-web-apps" },
	{ R_FS, "file-share" }, { R_SQL, "backend-sql" }, { R_GW, "pstn-gateway" },
};

/* Services that are part of a pool's roles and need nothing of their own. */
static const char *const quiet_roles[] = {
	"UserServices", "WebServices", "ConfServices", "ApplicationServer", "CentralMgmt",
	"ManagementServices", "PersistentChatComplianceStore", NULL
};

struct wcl {                  /* what the writer knows of a cluster */
	unsigned roles;
	unsigned version;         /* ServiceVersion of its Registrar/Edge/Mediation */
	bool pool;
	bool sql_local;           /* its stores are on its own SQL (Standard Edition) */
	size_t site;              /* index into I->sites, or IMP_NONE */
	struct use { const char *role, *target; } *uses;  /* uses: role -> target name */
	size_t nuses, capuses;
	const char *web_int, *web_ext;
	unsigned med_port;        /* a gateway's MediationServerPort (on the mediation side) */
};

struct w {
	struct imp *I;
	sfb_buf *b;
	struct wcl *c;            /* per cluster */
	const char **site_name;   /* per site: its YAML name */
	const char ***host_name;  /* per cluster, per machine */
	size_t svc_unknown;
	bool edge;                /* any Edge pool */
	unsigned product;
};

/* --- small things ------------------------------------------------------- */

static const char *
version_name(unsigned v)
{
	switch (v) {
	case 5: return "lync2010";
	case 6: return "lync2013";
	case 7: return "sfb2015";
	case 8: return "sfb2019";
	default: return NULL;
	}
}

/* A "<...>" placeholder: letters, digits and a few marks kept, every other
 * byte '?', so that no byte of the input can break out of the string. */
static void
placeholder(sfb_buf *b, const char *what, const char *name)
{
	const char *p;

	sfb_buf_puts(b, "\"<");
	for (p = what; *p != '\0'; p++)
		sfb_buf_putc(b, *p);
	if (name != NULL) {
		sfb_buf_putc(b, ' ');
		for (p = name; *p != '\0' && p - name < 200; p++)
			sfb_buf_putc(b, (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || strchr(" .-_:/$@=,()", *p) != NULL ? *p : '?');
	}
	sfb_buf_puts(b, ">\"");
}

/* A DNS name from the XML, or a placeholder saying what it was. */
static void
dns_name(sfb_buf *b, const char *what, const char *s)
{
	if (s != NULL && sfb_dns_name_valid(s)) {
		sfb_buf_puts(b, s);
		return;
	}
	placeholder(b, what, s != NULL ? s : "(none)");
}

static bool
ip_ok(const char *s)
{
	sfb_addrset a;
	bool ok;

	if (s == NULL || !sfb_addr_is_single(s) || strcmp(s, "0.0.0.0") == 0 ||
	    strcmp(s, "::") == 0)
		return false;
	sfb_addrset_init(&a);
	ok = sfb_addrset_parse(&a, s) == SFB_OK;
	sfb_addrset_free(&a);
	return ok;
}

/* A site or host name of the topology from free text: lower case letters,
 * digits and '-', at most 40; fallback when nothing is left. */
static void
name_from(sfb_buf *b, const char *s, const char *fallback)
{
	size_t start = b->len, n = 0;
	bool dash = false;

	for (; s != NULL && *s != '\0' && *s != '.' && n < 40; s++) {
		char c = *s;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && n > 0) {
				sfb_buf_putc(b, '-');
				n++;
			}
			sfb_buf_putc(b, c);
			n++;
			dash = false;
		} else {
			dash = true;
		}
	}
	if (b->len == start)
		sfb_buf_puts(b, fallback);
}

static const char *
keep_buf(struct imp *I, sfb_buf *t)
{
	if (sfb_buf_status(t) != SFB_OK) {
		I->oom = true;
		return NULL;
	}
	return sfb_imp_keep(I, sfb_buf_str(t), t->len);
}

static bool
ends_with(const char *s, const char *tail)
{
	size_t n = s != NULL ? strlen(s) : 0, t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

static size_t
site_index(struct imp *I, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < I->nsites; i++)
		if (strcmp(I->sites[i].id, id) == 0)
			return i;
	return IMP_NONE;
}

/* The cluster a service runs on (directly, or through a SQL instance). */
static size_t
cluster_of(struct imp *I, const struct imp_service *s, bool *on_sql)
{
	size_t i, k;

	*on_sql = false;
	for (i = 0; i < I->ncl; i++)
		if (strcmp(I->cl[i].key, s->on) == 0)
			return i;
	for (k = 0; k < I->nsql; k++)
		if (strcmp(I->sql[k].key, s->on) == 0)
			for (i = 0; i < I->ncl; i++)
				if (strcmp(I->cl[i].key, I->sql[k].cluster) == 0) {
					*on_sql = true;
					return i;
				}
	return IMP_NONE;
}

static const struct imp_service *
service_by_key(struct imp *I, const char *key)
{
	size_t i;

	for (i = 0; i < I->nsv; i++)
		if (strcmp(I->sv[i].key, key) == 0)
			return &I->sv[i];
	return NULL;
}

/* A warning about something of the XML that the topology cannot carry. */
#define NOT_MAPPED(W, line, ...) \
	((void)sfb_warn((W)->I->ctx, (W)->I->file, (int)(line), 0, __VA_ARGS__), \
	    (W)->I->unmapped++)

/* --- what each cluster is ----------------------------------------------- */

static unsigned
role_bits(struct w *W, const struct imp_service *s, size_t ci, bool on_sql)
{
	const char *r = s->role;
	const struct imp_cluster *c = &W->I->cl[ci];
	size_t site = site_index(W->I, c->site != NULL ? c->site : s->site);

	if (on_sql && ends_with(r, "Store"))
		return R_SQL;
	if (strcmp(r, "Registrar") == 0)
		return s->director ? R_DIR :
		    site != IMP_NONE && W->I->sites[site].branch ? R_SBA : R_FE;
	if (strcmp(r, "EdgeServer") == 0)
		return R_EDGE;
	if (strcmp(r, "MediationServer") == 0)
		return R_MED;
	if (strcmp(r, "PstnGateway") == 0)
		return R_GW;
	if (strcmp(r, "WacService") == 0)
		return R_WAC;
	if (strcmp(r, "FileStore") == 0)
		return R_FS;
	if (strcmp(r, "PersistentChatServer") == 0)
		return R_PCHAT;
	if (strcmp(r, "VideoInteropServer") == 0)
		return R_VIS;
	return 0;
}

static bool
quiet(const char *role)
{
	size_t i;

	for (i = 0; quiet_roles[i] != NULL; i++)
		if (strcmp(quiet_roles[i], role) == 0)
			return true;
	return false;
}

static void
add_use(struct w *W, struct wcl *c, const char *role, const char *target)
{
	size_t i;

	for (i = 0; i < c->nuses; i++)
		if (strcmp(c->uses[i].role, role) == 0 && strcmp(c->uses[i].target, target) == 0)
			return;
	if (sfb_grow(&c->uses, &c->capuses, c->nuses + 1, sizeof(*c->uses)) != SFB_OK) {
		W->I->oom = true;
		return;
	}
	c->uses[c->nuses++] = (struct use){ role, target };
}

/* The name `uses` gives a cluster: its pool FQDN, or its (one) host. */
static const char *
unit_name(struct w *W, size_t ci)
{
	return W->c[ci].pool ? W->I->cl[ci].fqdn : W->host_name[ci][0];
}

static void
classify(struct w *W)
{
	struct imp *I = W->I;
	const struct imp_service *s;
	size_t i, ci;
	bool on_sql;
	unsigned bits, votes[16] = { 0 };

	for (i = 0; i < I->nsv; i++) {
		s = &I->sv[i];
		if ((ci = cluster_of(I, s, &on_sql)) == IMP_NONE) {
			NOT_MAPPED(W, s->line, "not mapped: service %s: the cluster it is installed "
			    "on is not in the file", s->role);
			continue;
		}
		bits = role_bits(W, s, ci, on_sql);
		if (bits == 0 && !quiet(s->role) && !ends_with(s->role, "Store")) {
			NOT_MAPPED(W, s->line, "not mapped: service %s on %s: sfbnet has no role for it",
			    s->role, I->cl[ci].fqdn);
			W->svc_unknown++;
		}
		W->c[ci].roles |= bits;
		if ((bits & (R_FE | R_DIR | R_SBA | R_EDGE | R_MED)) != 0 && s->version > 0) {
			if (s->version > W->c[ci].version)
				W->c[ci].version = s->version;
			if (s->version < 16)
				votes[s->version]++;
		}
		if (strcmp(s->role, "WebServices") == 0) {
			W->c[ci].web_ext = s->ext_host;
			W->c[ci].web_int = s->int_host;
		}
	}
	for (i = 0; i < 16; i++)
		if (votes[i] > 0 && (W->product == 0 || votes[i] >= votes[W->product]))
			W->product = (unsigned)i;
	for (ci = 0; ci < I->ncl; ci++) {
		struct wcl *c = &W->c[ci];

		/* A Standard Edition server keeps its stores in its own SQL
		 * Express: no network flow, no backend-sql role. */
		if ((c->roles & R_SQL) && (c->roles & (R_FE | R_DIR | R_SBA))) {
			c->roles &= ~(unsigned)R_SQL;
			c->sql_local = true;
		}
		c->pool = (c->roles & (R_FE | R_DIR | R_SBA | R_EDGE | R_PCHAT | R_VIS)) != 0 ||
		    (c->roles & R_MED) != 0;
		c->site = site_index(I, I->cl[ci].site);
		if (c->roles & R_EDGE)
			W->edge = true;
	}
}

/* Topology Builder's associations: what the services of a pool depend on. */
static void
associate(struct w *W)
{
	struct imp *I = W->I;
	const struct imp_service *s, *d;
	size_t i, k, ci, di;
	bool on_sql, d_sql;
	const char *role;

	for (i = 0; i < I->nsv; i++) {
		s = &I->sv[i];
		if ((ci = cluster_of(I, s, &on_sql)) == IMP_NONE)
			continue;
		for (k = 0; k < s->ndeps; k++) {
			if ((d = service_by_key(I, s->deps[k])) == NULL ||
			    (di = cluster_of(I, d, &d_sql)) == IMP_NONE || di == ci)
				continue;
			role = NULL;
			if (strcmp(d->role, "EdgeServer") == 0)
				role = "edge-internal";
			else if (d_sql && ends_with(d->role, "Store") && (W->c[di].roles & R_SQL))
				role = "backend-sql";
			else if (strcmp(d->role, "FileStore") == 0)
				role = "file-share";
			else if (strcmp(d->role, "WacService") == 0)
				role = "office-web-apps";
			else if (strcmp(d->role, "MediationServer") == 0)
				role = "mediation";
			else if (strcmp(d->role, "PersistentChatServer") == 0)
				role = "persistent-chat";
			if (role != NULL && W->c[ci].pool) {
				add_use(W, &W->c[ci], role, unit_name(W, di));
			} else if (strcmp(s->role, "PstnGateway") == 0 &&
			    strcmp(d->role, "MediationServer") == 0 && W->c[di].pool) {
				/* The gateway's Mediation pool uses it, on the port the
				 * gateway names. */
				add_use(W, &W->c[di], "pstn-gateway", unit_name(W, ci));
				if (s->med_port != 0)
					W->c[di].med_port = s->med_port;
			}
		}
	}
}

/* --- names --------------------------------------------------------------- */

static bool
taken(const char **names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] != NULL && strcmp(names[i], s) == 0)
			return true;
	return false;
}

/* Unique names: sites from their Name, hosts from the first label of the
 * machine's FQDN (or the cluster's). */
static sfb_status
make_names(struct w *W)
{
	struct imp *I = W->I;
	const char **all = NULL;
	size_t n = 0, cap = 0, i, k, try;
	sfb_buf t;
	sfb_status st = SFB_OK;

	sfb_buf_init(&t);
	W->site_name = calloc(I->nsites + 1, sizeof(*W->site_name));
	W->host_name = calloc(I->ncl + 1, sizeof(*W->host_name));
	if (W->site_name == NULL || W->host_name == NULL) {
		st = SFB_ENOMEM;
		goto out;
	}
	for (i = 0; i < I->nsites; i++) {
		for (try = 1;; try++) {
			sfb_buf_reset(&t);
			name_from(&t, I->sites[i].name, "site");
			if (try > 1 || t.len == 4)
				sfb_buf_printf(&t, "-%s", try > 1 ? "" : I->sites[i].id);
			if (try > 1)
				sfb_buf_printf(&t, "%zu", try);
			if (sfb_buf_status(&t) != SFB_OK || !taken(W->site_name, i, t.data))
				break;
		}
		if ((W->site_name[i] = keep_buf(I, &t)) == NULL) {
			st = SFB_ENOMEM;
			goto out;
		}
	}
	for (i = 0; i < I->ncl; i++) {
		size_t nm = I->cl[i].nm > 0 ? I->cl[i].nm : 1;

		if ((W->host_name[i] = calloc(nm, sizeof(**W->host_name))) == NULL) {
			st = SFB_ENOMEM;
			goto out;
		}
		for (k = 0; k < nm; k++) {
			const char *fq = k < I->cl[i].nm && I->cl[i].m[k].fqdn != NULL ?
			    I->cl[i].m[k].fqdn : I->cl[i].fqdn;

			for (try = 1;; try++) {
				sfb_buf_reset(&t);
				name_from(&t, fq, "server");
				if (try > 1)
					sfb_buf_printf(&t, "-%zu", try);
				if (sfb_buf_status(&t) != SFB_OK || !taken(all, n, t.data))
					break;
			}
			if ((W->host_name[i][k] = keep_buf(I, &t)) == NULL ||
			    sfb_grow(&all, &cap, n + 1, sizeof(*all)) != SFB_OK) {
				st = SFB_ENOMEM;
				goto out;
			}
			all[n++] = W->host_name[i][k];
		}
	}
out:
	free(all);
	sfb_buf_free(&t);
	return st;
}

/* --- ports against the catalog ------------------------------------------ */

static int
proto_of(const char *p)
{
	if (p == NULL)
		return 0;
	if (strcasecmp(p, "Udp") == 0)
		return SFB_PROTO_UDP;
	if (strcasecmp(p, "TcpOrUdp") == 0)
		return SFB_PROTO_BOTH;
	return SFB_PROTO_TCP;  /* Tcp, Tls, Mtls, Http, Https */
}

/* Does a catalog flow to role carry every port lo..hi of proto? */
static bool
catalog_has(const sfb_catalog *cat, const char *role, int proto, unsigned lo, unsigned hi)
{
	long r = sfb_catalog_role(cat, role);
	unsigned p;
	size_t i, k;
	bool found;

	if (r < 0)
		return false;
	for (p = lo; p <= hi; p++) {
		found = false;
		for (i = 0; i < cat->nflows && !found; i++) {
			const struct sfb_cflow *f = &cat->flows[i];

			/* A wide range (the dynamic ports, "any") says nothing about
			 * one service's port: only a range stands for a range. */
			if ((f->proto & proto) != proto || !sfb_portset_has(&f->dport, p) ||
			    (lo == hi && sfb_portset_count(&f->dport) > 1024))
				continue;
			for (k = 0; k < f->nto && !found; k++)
				found = f->to[k] == (size_t)r;
		}
		if (!found)
			return false;
	}
	return true;
}

/* An Edge port on the External side and the role it belongs to. */
static const char *
edge_role(const struct imp_port *p)
{
	if (ends_with(p->owner, ":AccessEdge"))
		return "edge-access";
	if (ends_with(p->owner, ":DataEdge"))
		return "edge-webconf";
	if (ends_with(p->owner, ":MediaRelayEdge"))
		return "edge-av";
	return NULL;
}

/* The port sfbnet's `ports:` takes for an Edge role: the client-facing
 * listener (Access Edge SipClient, Web Conferencing PsomClient, A/V TCP
 * TURN). */
static bool
edge_main_port(const struct imp_port *p, const char *role)
{
	if (strcmp(role, "edge-access") == 0)
		return p->usage != NULL && strcmp(p->usage, "SipClient") == 0;
	if (strcmp(role, "edge-webconf") == 0)
		return p->usage != NULL && strcmp(p->usage, "PsomClient") == 0;
	return p->usage != NULL && strcmp(p->usage, "TURNServer") == 0 &&
	    proto_of(p->proto) == SFB_PROTO_TCP;
}

/* The role a port of service s on cluster c listens for, or NULL. */
static const char *
port_role(const struct wcl *c, const struct imp_service *s, const struct imp_port *p)
{
	if (strcmp(s->role, "EdgeServer") == 0 || strcmp(s->role, "ManagementServices") == 0) {
		if (!(c->roles & R_EDGE))
			return NULL;
		if (p->side != NULL && strcmp(p->side, "External") == 0)
			return edge_role(p);
		return "edge-internal";
	}
	if (strcmp(s->role, "MediationServer") == 0)
		return "mediation";
	if (strcmp(s->role, "PstnGateway") == 0)
		return "pstn-gateway";
	if (c->roles & R_FE)
		return "front-end";
	if (c->roles & R_DIR)
		return "director";
	if (c->roles & R_SBA)
		return "sba";
	return NULL;
}

/* Report the listening ports the XML names that no catalog flow to their
 * role carries, one warning per cluster and role (the Edge's main ports
 * are written as `ports:`, a gateway's and Mediation Server's trunk ports
 * too).  On a Front End these are services the official port tables do not
 * list: local ones and the ones inside the pool. */
static void
check_ports(struct w *W)
{
	struct imp *I = W->I;
	const struct imp_service *s;
	const struct imp_port *p;
	const char *role, *own;
	size_t i, k, ci, r;
	bool on_sql;
	unsigned hi;
	long first;
	sfb_buf list;
	static const char *const roles[] = { "front-end", "director", "sba", "mediation",
	    "edge-internal", "edge-access", "edge-webconf", "edge-av" };

	sfb_buf_init(&list);
	for (ci = 0; ci < I->ncl; ci++) {
		for (r = 0; r < sizeof(roles) / sizeof(roles[0]); r++) {
			sfb_buf_reset(&list);
			first = 0;
			for (i = 0; i < I->nsv; i++) {
				s = &I->sv[i];
				if (cluster_of(I, s, &on_sql) != ci)
					continue;
				for (k = 0; k < s->nports; k++) {
					p = &s->ports[k];
					if (p->port == 0 || (role = port_role(&W->c[ci], s, p)) == NULL ||
					    strcmp(role, roles[r]) != 0)
						continue;
					if (strncmp(role, "edge-", 5) == 0 &&
					    strcmp(role, "edge-internal") != 0 && edge_main_port(p, role))
						continue;
					if (strcmp(role, "mediation") == 0 && p->side != NULL &&
					    strcmp(p->side, "Pstn") == 0)
						continue;
					hi = p->range > 0 ? p->port + p->range - 1 : p->port;
					if (hi > 65535)
						hi = 65535;
					if (catalog_has(I->cat, role, proto_of(p->proto), p->port, hi))
						continue;
					if (first == 0)
						first = p->line;
					own = p->owner != NULL && strrchr(p->owner, ':') != NULL ?
					    strrchr(p->owner, ':') + 1 : p->owner != NULL ? p->owner : "?";
					sfb_buf_printf(&list, "%s%s %u", list.len > 0 ? ", " : "",
					    p->proto != NULL ? p->proto : "?", p->port);
					if (hi != p->port)
						sfb_buf_printf(&list, "-%u", hi);
					sfb_buf_puts(&list, " (");
					sfb_esc_put(&list, SFB_ESC_LINE, own);
					sfb_buf_putc(&list, ')');
				}
			}
			if (list.len == 0)
				continue;
			if (sfb_buf_status(&list) != SFB_OK) {
				I->oom = true;
				break;
			}
			NOT_MAPPED(W, first, "not mapped: the ports of %s (%s) that no catalog flow "
			    "to %s carries, and a version 2 topology has no key for: %s",
			    I->cl[ci].fqdn, roles[r], roles[r], list.data);
		}
	}
	sfb_buf_free(&list);
}

/* --- writing ------------------------------------------------------------- */

static void
comment(sfb_buf *b, const char *text)
{
	sfb_buf_puts(b, "  # ");
	sfb_esc_put(b, SFB_ESC_LINE, text);
}

static void
write_url(sfb_buf *b, const char *what, const char *url)
{
	const char *host, *end;
	char name[256];
	size_t n;

	if (url != NULL && strncasecmp(url, "https://", 8) == 0) {
		host = url + 8;
		end = host + strcspn(host, "/:");
		n = (size_t)(end - host);
		if (n > 0 && n < sizeof(name)) {
			memcpy(name, host, n);
			name[n] = '\0';
			if (sfb_dns_name_valid(name) && (*end == '\0' ||
			    (*end == '/' && strspn(end, "/abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._") == strlen(end)))) {
				sfb_buf_puts(b, url);
				return;
			}
		}
	}
	placeholder(b, what, url);
}

static void
write_header(struct w *W)
{
	struct imp *I = W->I;
	sfb_buf *b = W->b;
	size_t i;

	sfb_buf_puts(b, "# Imported by sfbnet import topology from ");
	sfb_esc_put(b, SFB_ESC_LINE, I->file);
	sfb_buf_printf(b, "\n# (%s): %zu site(s), %zu cluster(s), %zu service(s).\n",
	    I->builder ? "a Topology Builder file" : "a published topology", I->nsites, I->ncl,
	    I->nsv);
	sfb_buf_puts(b,
	    "# Values the XML does not hold are marked \"default:\" (what Skype for Business\n"
	    "# itself uses) or written as \"<...>\" placeholders, which `sfbnet validate`\n"
	    "# names with their line: fill them in, or give them with --address NAME=VALUE or\n"
	    "# --addresses FILE.csv and import again.  The zones and firewalls follow\n"
	    "# Microsoft's reference layout (internal, perimeter, internet).\n");
	sfb_buf_puts(b, "version: 2\nname: \"");
	for (i = 0; i < I->nsites && I->sites[i].branch; i++)
		;
	if (i < I->nsites && I->sites[i].name != NULL) {
		const char *p;

		for (p = I->sites[i].name; *p != '\0' && p - I->sites[i].name < 100; p++)
			sfb_buf_putc(b, (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || strchr(" .-_()", *p) != NULL ? *p : '?');
		sfb_buf_puts(b, " (imported)\"\n");
	} else {
		sfb_buf_puts(b, "Imported topology\"\n");
	}
	if (version_name(W->product) != NULL)
		sfb_buf_printf(b, "product: %s\n", version_name(W->product));
	sfb_buf_puts(b, "sip_domains: [");
	for (i = 0; i < I->ndomains; i++) {
		if (i > 0)
			sfb_buf_puts(b, ", ");
		dns_name(b, "SIP domain", I->domains[i]);
	}
	sfb_buf_puts(b, "]\nprofiles: [sfb-server");
	if (W->edge)
		sfb_buf_puts(b, ", sfb-edge");
	for (i = 0; i < I->ncl; i++)
		if (W->c[i].roles & (R_MED | R_GW))
			break;
	if (i < I->ncl)
		sfb_buf_puts(b, ", sfb-voice");
	sfb_buf_puts(b, "]\n");
}

/* simple_urls: the file's, or Skype for Business's defaults for the default
 * SIP domain (meet.DOMAIN, dialin.DOMAIN), marked as such. */
static void
write_urls(struct w *W)
{
	struct imp *I = W->I;
	sfb_buf *b = W->b;
	bool valid = sfb_dns_name_valid(I->domains[0]);

	sfb_buf_puts(b, "simple_urls: { meet: ");
	if (I->meet != NULL)
		write_url(b, "meet URL", I->meet);
	else if (valid)
		sfb_buf_printf(b, "meet.%s", I->domains[0]);
	else
		placeholder(b, "meet URL", NULL);
	sfb_buf_puts(b, ", dialin: ");
	if (I->dialin != NULL)
		write_url(b, "dial-in URL", I->dialin);
	else if (valid)
		sfb_buf_printf(b, "dialin.%s", I->domains[0]);
	else
		placeholder(b, "dial-in URL", NULL);
	if (I->admin != NULL) {
		sfb_buf_puts(b, ", admin: ");
		write_url(b, "admin URL", I->admin);
	}
	sfb_buf_puts(b, " }");
	if (I->meet == NULL || I->dialin == NULL)
		comment(b, "default: meet.DOMAIN and dialin.DOMAIN of the default SIP domain "
		    "(a published topology does not hold the simple URLs)");
	sfb_buf_putc(b, '\n');
}

static void
write_owa(struct w *W)
{
	struct imp *I = W->I;
	sfb_buf *b = W->b;
	const struct imp_service *s;
	size_t i;

	for (i = 0; i < I->nsv; i++) {
		s = &I->sv[i];
		if (strcmp(s->role, "WacService") != 0 || s->wac_url == NULL)
			continue;
		sfb_buf_puts(b, "office_web_apps: { internal: ");
		write_url(b, "Office Web Apps URL", s->wac_url);
		if (s->wac_external) {
			sfb_buf_puts(b, ", external: ");
			write_url(b, "Office Web Apps URL", s->wac_url);
		}
		sfb_buf_puts(b, " }");
		if (!s->wac_external)
			comment(b, "IsExternal=\"false\": an internal-only farm");
		sfb_buf_putc(b, '\n');
		return;  /* one farm: the topology format has one office_web_apps */
	}
}

static void
write_sites(struct w *W)
{
	struct imp *I = W->I;
	sfb_buf *b = W->b;
	size_t i, c;

	if (I->nsites == 0)
		return;
	sfb_buf_puts(b, "sites:\n");
	for (i = 0; i < I->nsites; i++) {
		sfb_buf_printf(b, "  - { name: %s, kind: %s", W->site_name[i],
		    I->sites[i].branch ? "branch" : "central");
		if (I->sites[i].branch) {
			c = site_index(I, I->sites[i].central);
			sfb_buf_puts(b, ", central: ");
			if (c != IMP_NONE)
				sfb_buf_puts(b, W->site_name[c]);
			else
				placeholder(b, "central site of branch", W->site_name[i]);
		}
		sfb_buf_puts(b, " }");
		sfb_buf_printf(b, "  # SiteId %s", I->sites[i].id);
		if (I->sites[i].name != NULL) {
			sfb_buf_puts(b, ": ");
			sfb_esc_put(b, SFB_ESC_LINE, I->sites[i].name);
		}
		sfb_buf_putc(b, '\n');
	}
}

static void
write_zone(struct w *W, const char *zone)
{
	const char *v = sfb_imp_address(W->I, zone);
	sfb_buf *b = W->b;
	const char *p;

	sfb_buf_printf(b, "  - { name: %s, networks: [", zone);
	if (v != NULL) {
		for (p = v; *p != '\0'; p++)
			if (*p == ',')
				sfb_buf_puts(b, ", ");
			else
				sfb_buf_putc(b, *p);
	} else {
		placeholder(b, "networks of the zone", zone);
	}
	sfb_buf_puts(b, "] }");
	if (v == NULL)
		sfb_buf_printf(b, "  # --address %s=PREFIX,...", zone);
	sfb_buf_putc(b, '\n');
}

static void
write_zones(struct w *W)
{
	sfb_buf *b = W->b;

	sfb_buf_puts(b, "zones:\n");
	write_zone(W, "internal");
	if (W->edge)
		write_zone(W, "perimeter");
	sfb_buf_puts(b, "  - { name: internet }\nfirewalls:\n");
	if (W->edge)
		sfb_buf_puts(b, "  - { name: fw-internal, between: [internal, perimeter] }\n"
		    "  - { name: fw-external, between: [perimeter, internet] }\n");
	else
		sfb_buf_puts(b, "  - { name: fw-internet, between: [internal, internet] }\n");
}

static void
write_pools(struct w *W)
{
	struct imp *I = W->I;
	sfb_buf *b = W->b;
	struct wcl *c;
	size_t i, k, j;
	bool any = false;

	for (i = 0; i < I->ncl; i++) {
		c = &W->c[i];
		if (!c->pool)
			continue;
		if (!any)
			sfb_buf_puts(b, "pools:\n");
		any = true;
		sfb_buf_puts(b, "  - fqdn: ");
		dns_name(b, "pool FQDN", I->cl[i].fqdn);
		sfb_buf_putc(b, '\n');
		if (c->site != IMP_NONE)
			sfb_buf_printf(b, "    site: %s\n", W->site_name[c->site]);
		if (c->version != W->product && version_name(c->version) != NULL)
			sfb_buf_printf(b, "    version: %s\n", version_name(c->version));
		if (c->roles & (R_FE | R_DIR)) {
			sfb_buf_puts(b, "    web_services: { internal: ");
			dns_name(b, "internal web services FQDN",
			    c->web_int != NULL ? c->web_int : I->cl[i].fqdn);
			if (c->web_ext != NULL) {
				sfb_buf_puts(b, ", external: ");
				dns_name(b, "external web services FQDN", c->web_ext);
			}
			sfb_buf_puts(b, " }");
			if (c->web_int == NULL)
				comment(b, "default: internal is the pool FQDN");
			sfb_buf_putc(b, '\n');
		}
		for (k = 0; k < c->nuses; k++) {
			for (j = 0; j < k; j++)
				if (strcmp(c->uses[j].role, c->uses[k].role) == 0)
					break;
			if (j < k)
				continue;  /* written with the first of its role */
			if (k == 0)
				sfb_buf_puts(b, "    uses:\n");
			sfb_buf_printf(b, "      %s: [", c->uses[k].role);
			for (j = k; j < c->nuses; j++) {
				if (strcmp(c->uses[j].role, c->uses[k].role) != 0)
					continue;
				if (j > k)
					sfb_buf_puts(b, ", ");
				dns_name(b, "pool", c->uses[j].target);
			}
			sfb_buf_puts(b, "]\n");
		}
	}
}

/* An endpoint's address: the XML's, else the one given for any of the
 * names, else a placeholder naming the first. */
static const char *
address_for(struct w *W, const char *ip, const char *n1, const char *n2)
{
	const char *a;

	if (ip_ok(ip))
		return ip;
	if ((a = sfb_imp_address(W->I, n1)) != NULL || (a = sfb_imp_address(W->I, n2)) != NULL)
		return a;
	return NULL;
}

static void
write_address(struct w *W, const char *addr, const char *what, const char *name)
{
	if (addr != NULL)
		sfb_buf_puts(W->b, addr);
	else
		placeholder(W->b, what, name);
}

static const struct imp_net *
net_of(const struct imp_machine *m, const char *side, unsigned number)
{
	size_t i;

	for (i = 0; m != NULL && i < m->nnets; i++)
		if (m->nets[i].side != NULL && strcmp(m->nets[i].side, side) == 0 &&
		    (number == 0 || m->nets[i].number == number))
			return &m->nets[i];
	return NULL;
}

/* The Edge's external side: one endpoint per External interface number,
 * with the services whose ports are on it. */
static void
write_edge_external(struct w *W, size_t ci, const struct imp_machine *m, const char *mfqdn)
{
	struct imp *I = W->I;
	sfb_buf *b = W->b;
	const struct imp_service *s;
	const struct imp_port *p;
	const struct imp_net *ni;
	const char *roles[3] = { "edge-access", "edge-webconf", "edge-av" };
	unsigned port[3], numbers[8], nnum = 0, n;
	const char *fq[3], *r, *addr, *fqdn;
	size_t i, k, j;
	bool single = I->cl[ci].nm <= 1, any;

	for (i = 0; i < I->nsv; i++) {
		bool on_sql;

		s = &I->sv[i];
		if (strcmp(s->role, "EdgeServer") != 0 || cluster_of(I, s, &on_sql) != ci)
			continue;
		for (k = 0; k < s->nports; k++) {
			p = &s->ports[k];
			if (p->side == NULL || strcmp(p->side, "External") != 0)
				continue;
			for (j = 0; j < nnum && numbers[j] != p->number; j++)
				;
			if (j == nnum && nnum < 8)
				numbers[nnum++] = p->number;
		}
		for (n = 0; n < nnum; n++) {
			memset(port, 0, sizeof(port));
			memset(fq, 0, sizeof(fq));
			any = false;
			for (k = 0; k < s->nports; k++) {
				p = &s->ports[k];
				if (p->side == NULL || strcmp(p->side, "External") != 0 ||
				    p->number != numbers[n] || (r = edge_role(p)) == NULL)
					continue;
				for (j = 0; j < 3 && strcmp(roles[j], r) != 0; j++)
					;
				if (fq[j] == NULL)
					fq[j] = p->cfqdn;
				if (edge_main_port(p, r) && port[j] == 0) {
					port[j] = p->port;
					any = true;
				}
			}
			if (!any)
				continue;
			fqdn = fq[0] != NULL ? fq[0] : fq[1] != NULL ? fq[1] : fq[2];
			ni = net_of(m, "External", numbers[n]);
			addr = address_for(W, ni != NULL ? ni->ip : NULL, single ? fqdn : NULL,
			    single && fq[1] != NULL ? fq[1] : NULL);
			sfb_buf_puts(b, "      - { zone: perimeter, address: ");
			write_address(W, addr, "external address of", mfqdn);
			if (ni != NULL && ip_ok(ni->configured))
				sfb_buf_printf(b, ", public: %s", ni->configured);
			sfb_buf_puts(b, ", fqdn: ");
			dns_name(b, "Edge service FQDN", fqdn);
			sfb_buf_puts(b, ", roles: [");
			for (j = 0, any = false; j < 3; j++)
				if (port[j] != 0) {
					sfb_buf_printf(b, "%s%s", any ? ", " : "", roles[j]);
					any = true;
				}
			sfb_buf_puts(b, "],\n          ports: {");
			for (j = 0, any = false; j < 3; j++)
				if (port[j] != 0) {
					sfb_buf_printf(b, "%s %s: %u", any ? "," : "", roles[j], port[j]);
					any = true;
				}
			sfb_buf_puts(b, " } }");
			if (ni == NULL || !ip_ok(ni->configured))
				comment(b, "no ConfiguredIPAddress: reached on its own address (no NAT)");
			sfb_buf_putc(b, '\n');
			if (fq[1] != NULL && fq[0] != NULL && strcasecmp(fq[0], fq[1]) != 0) {
				sfb_buf_puts(b, "        # Web Conferencing Edge FQDN: ");
				sfb_esc_put(b, SFB_ESC_LINE, fq[1]);
				sfb_buf_putc(b, '\n');
			}
			if (fq[2] != NULL && fq[0] != NULL && strcasecmp(fq[0], fq[2]) != 0) {
				sfb_buf_puts(b, "        # A/V Edge FQDN: ");
				sfb_esc_put(b, SFB_ESC_LINE, fq[2]);
				sfb_buf_putc(b, '\n');
			}
		}
		return;
	}
}

static void
write_roles(sfb_buf *b, unsigned roles)
{
	size_t i;
	bool any = false;

	sfb_buf_puts(b, "roles: [");
	for (i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (roles & role_names[i].bit) {
			sfb_buf_printf(b, "%s%s", any ? ", " : "", role_names[i].role);
			any = true;
		}
	sfb_buf_putc(b, ']');
}

/* The trunk ports the XML gives a gateway and a Mediation Server, where
 * they differ from the catalog's. */
static void
write_trunk_ports(struct w *W, size_t ci)
{
	struct imp *I = W->I;
	sfb_buf *b = W->b;
	const struct imp_service *s;
	size_t i, k;
	bool on_sql, any = false;
	unsigned gw = 0;

	for (i = 0; i < I->nsv && (W->c[ci].roles & R_GW); i++) {
		s = &I->sv[i];
		if (strcmp(s->role, "PstnGateway") != 0 || cluster_of(I, s, &on_sql) != ci)
			continue;
		for (k = 0; k < s->nports && gw == 0; k++)
			if (s->ports[k].port != 0)
				gw = s->ports[k].port;
	}
	if (gw != 0 && !catalog_has(I->cat, "pstn-gateway", SFB_PROTO_TCP, gw, gw)) {
		sfb_buf_printf(b, ",\n          ports: { pstn-gateway: %u", gw);
		any = true;
	}
	if (W->c[ci].med_port != 0 && (W->c[ci].roles & R_MED) &&
	    !catalog_has(I->cat, "mediation", SFB_PROTO_TCP, W->c[ci].med_port, W->c[ci].med_port)) {
		sfb_buf_printf(b, "%s mediation: %u", any ? "," : ",\n          ports: {",
		    W->c[ci].med_port);
		any = true;
	}
	if (any)
		sfb_buf_puts(b, " }");
}

static void
write_hosts(struct w *W)
{
	struct imp *I = W->I;
	sfb_buf *b = W->b;
	const struct imp_machine *m;
	const struct imp_net *ni;
	const struct wcl *c;
	const char *mfqdn, *addr;
	size_t i, k, nm;

	sfb_buf_puts(b, "hosts:\n");
	for (i = 0; i < I->ncl; i++) {
		c = &W->c[i];
		if (c->roles == 0) {
			NOT_MAPPED(W, I->cl[i].line, "not mapped: cluster %s: none of its services "
			    "has an sfbnet role", I->cl[i].fqdn);
			continue;
		}
		nm = I->cl[i].nm > 0 ? I->cl[i].nm : 1;
		for (k = 0; k < nm; k++) {
			m = k < I->cl[i].nm ? &I->cl[i].m[k] : NULL;
			mfqdn = m != NULL && m->fqdn != NULL ? m->fqdn : I->cl[i].fqdn;
			sfb_buf_printf(b, "  - name: %s\n", W->host_name[i][k]);
			if (c->pool) {
				sfb_buf_puts(b, "    pool: ");
				dns_name(b, "pool FQDN", I->cl[i].fqdn);
				sfb_buf_putc(b, '\n');
			} else if (c->site != IMP_NONE) {
				sfb_buf_printf(b, "    site: %s\n", W->site_name[c->site]);
			}
			sfb_buf_puts(b, "    endpoints:\n");
			if (c->roles & R_EDGE) {
				ni = net_of(m, "Internal", 0);
				addr = address_for(W, ni != NULL ? ni->ip : NULL, mfqdn,
				    nm == 1 ? I->cl[i].fqdn : NULL);
				sfb_buf_puts(b, "      - { zone: perimeter, address: ");
				write_address(W, addr, "internal address of", mfqdn);
				sfb_buf_puts(b, ", fqdn: ");
				dns_name(b, "machine FQDN", mfqdn);
				sfb_buf_puts(b, ", roles: [edge-internal] }\n");
				write_edge_external(W, i, m, mfqdn);
				continue;
			}
			ni = net_of(m, "Primary", 0);
			if (ni == NULL || !ip_ok(ni->ip))
				ni = net_of(m, "Pstn", 0);
			addr = address_for(W, ni != NULL ? ni->ip : NULL, mfqdn,
			    nm == 1 ? I->cl[i].fqdn : NULL);
			sfb_buf_puts(b, "      - { zone: internal, address: ");
			write_address(W, addr, "address of", mfqdn);
			sfb_buf_puts(b, ", fqdn: ");
			dns_name(b, "machine FQDN", mfqdn);
			sfb_buf_puts(b, ", ");
			write_roles(b, c->roles);
			write_trunk_ports(W, i);
			sfb_buf_puts(b, " }");
			if (c->sql_local)
				comment(b, "its stores are on its own SQL Server Express");
			else if (c->roles & R_GW)
				comment(b, "a gateway: placed in the internal zone");
			sfb_buf_putc(b, '\n');
		}
	}
	sfb_buf_puts(b, "  - name: clients\n    endpoints: [ { zone: internal, roles: [client] } ]"
	    "  # the whole internal zone\n");
	if (W->edge)
		sfb_buf_puts(b, "  - name: remote\n    endpoints: [ { zone: internet, roles: "
		    "[remote-client, federated-partner] } ]  # users and partners on the internet\n");
}

/* Addresses given that no machine or service of the file has: a typo more
 * often than not. */
static void
unused_addresses(struct w *W)
{
	size_t i;

	for (i = 0; i < W->I->naddr; i++)
		if (!W->I->addr[i].used)
			sfb_warn(W->I->ctx, NULL, 0, 0, "--address %s: no machine, service or zone of "
			    "%s has this name", W->I->addr[i].name, W->I->file);
}

sfb_status
sfb_imp_write(struct imp *I, sfb_buf *b)
{
	struct w W;
	sfb_status st;
	size_t i;

	memset(&W, 0, sizeof(W));
	W.I = I;
	W.b = b;
	if ((W.c = calloc(I->ncl + 1, sizeof(*W.c))) == NULL) {
		st = SFB_ENOMEM;
		goto out;
	}
	if ((st = make_names(&W)) != SFB_OK)
		goto out;
	classify(&W);
	associate(&W);
	check_ports(&W);
	write_header(&W);
	write_urls(&W);
	write_owa(&W);
	write_sites(&W);
	write_zones(&W);
	write_pools(&W);
	write_hosts(&W);
	unused_addresses(&W);
	if (I->oom || sfb_buf_status(b) != SFB_OK)
		st = SFB_ENOMEM;
out:
	for (i = 0; W.c != NULL && i < I->ncl; i++)
		free(W.c[i].uses);
	for (i = 0; W.host_name != NULL && i < I->ncl; i++)
		free(W.host_name[i]);
	free(W.host_name);
	free(W.site_name);
	free(W.c);
	return st;
}
