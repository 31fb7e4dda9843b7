/* Reading a Skype for Business topology: a published topology (what
 * Get-CsTopology -AsXml and DefaultTopology.xml hold) or a Topology Builder
 * file (.tbxml), with libxml2, into the importer's model.
 *
 * The two dialects say the same things in two shapes.  A published topology
 * names a cluster by its site and number (<ClusterId SiteId Number>) and a
 * service by its site, role and instance (<ServiceId>); Topology Builder
 * gives each a UniqueId and nests the clusters inside their sites.  The walk
 * below looks at elements by their local name at any depth and takes either
 * form, so both become the same arrays. */
#include <limits.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "sfb_esc.h"
#include "sfb_import_int.h"

#define NS_PUBLISHED "urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008"
#define NS_BUILDER "urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008"

const char *
sfb_imp_keep(struct imp *I, const char *s, size_t n)
{
	char *c;

	if (sfb_grow(&I->strs, &I->capstrs, I->nstrs + 1, sizeof(*I->strs)) != SFB_OK ||
	    (c = sfb_strndup(s, n)) == NULL) {
		I->oom = true;
		return NULL;
	}
	I->strs[I->nstrs++] = c;
	return c;
}

void
sfb_imp_free(struct imp *I)
{
	size_t i;

	for (i = 0; i < I->ncl; i++) {
		for (size_t k = 0; k < I->cl[i].nm; k++)
			free(I->cl[i].m[k].nets);
		free(I->cl[i].m);
	}
	for (i = 0; i < I->nsv; i++) {
		free(I->sv[i].deps);
		free(I->sv[i].ports);
	}
	for (i = 0; i < I->nstrs; i++)
		free(I->strs[i]);
	free(I->strs);
	free(I->domains);
	free(I->sites);
	free(I->cl);
	free(I->sql);
	free(I->sv);
	free(I->addr);
}

static bool
is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* A string libxml2 allocated, kept (and freed); NULL for NULL (or out of
 * memory: I->oom). */
static const char *
keep_xml(struct imp *I, xmlChar *v)
{
	const char *k;

	if (v == NULL)
		return NULL;
	k = sfb_imp_keep(I, (const char *)v, strlen((const char *)v));
	xmlFree(v);
	return k;
}

/* An attribute's value, kept; NULL when absent. */
static const char *
attr(struct imp *I, xmlNode *n, const char *name)
{
	return keep_xml(I, xmlGetNoNsProp(n, (const xmlChar *)name));
}

static unsigned
attr_uint(struct imp *I, xmlNode *n, const char *name, unsigned max)
{
	const char *v = attr(I, n, name);
	uint64_t x;

	if (v == NULL)
		return 0;
	if (!sfb_parse_uint(v, max, &x)) {
		sfb_warn(I->ctx, I->file, (int)xmlGetLineNo(n), 0,
		    "not mapped: %s=\"%s\" of <%s> is not a number from 0 to %u", name, v,
		    (const char *)n->name, max);
		I->unmapped++;
		return 0;
	}
	return (unsigned)x;
}

static bool
attr_true(struct imp *I, xmlNode *n, const char *name)
{
	const char *v = attr(I, n, name);

	return v != NULL && strcasecmp(v, "true") == 0;
}

static xmlNode *
child(xmlNode *n, const char *name)
{
	xmlNode *c;

	for (c = n->children; c != NULL; c = c->next)
		if (is(c, name))
			return c;
	return NULL;
}

/* Keep "a:b" (or "a:b:c", "a@b") built from parts: NULL when one is
 * missing (or out of memory: I->oom). */
static const char *
keep_joined(struct imp *I, const char *a, char sep1, const char *b, char sep2, const char *c)
{
	sfb_buf t;
	const char *k = NULL;

	if (a == NULL || b == NULL)
		return NULL;
	sfb_buf_init(&t);
	sfb_buf_printf(&t, "%s%c%s", a, sep1, b);
	if (c != NULL)
		sfb_buf_printf(&t, "%c%s", sep2, c);
	if (sfb_buf_status(&t) == SFB_OK)
		k = sfb_imp_keep(I, t.data, t.len);
	else
		I->oom = true;
	sfb_buf_free(&t);
	return k;
}

/* "SiteId:Number" of a <ClusterId>. */
static const char *
cluster_id(struct imp *I, xmlNode *cid)
{
	return keep_joined(I, attr(I, cid, "SiteId"), ':', attr(I, cid, "Number"), 0, NULL);
}

/* "Name@SiteId:Number" of a <SqlInstanceId Name><ClusterId/></SqlInstanceId>. */
static const char *
sql_id(struct imp *I, xmlNode *sid)
{
	const char *name = attr(I, sid, "Name");
	xmlNode *cid = child(sid, "ClusterId");

	return cid == NULL ? NULL :
	    keep_joined(I, name != NULL ? name : "", '@', cluster_id(I, cid), 0, NULL);
}

/* "SiteId:RoleName:Instance" of a <ServiceId>. */
static const char *
service_id(struct imp *I, xmlNode *sid)
{
	const char *inst = attr(I, sid, "Instance");

	return keep_joined(I, attr(I, sid, "SiteId"), ':', attr(I, sid, "RoleName"), ':',
	    inst != NULL ? inst : "1");
}

static void
add_domain(struct imp *I, const char *d, bool first)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < I->ndomains; i++)
		if (strcasecmp(I->domains[i], d) == 0)
			return;
	if (sfb_grow(&I->domains, &I->capdomains, I->ndomains + 1, sizeof(*I->domains)) != SFB_OK) {
		I->oom = true;
		return;
	}
	if (first) {
		memmove(I->domains + 1, I->domains, I->ndomains * sizeof(*I->domains));
		I->domains[0] = d;
	} else {
		I->domains[I->ndomains] = d;
	}
	I->ndomains++;
}

static void
read_domains(struct imp *I, xmlNode *n)
{
	xmlNode *c;

	for (c = n->children; c != NULL; c = c->next)
		if (is(c, "InternalDomain"))
			add_domain(I, attr(I, c, "Name"), false);
	add_domain(I, attr(I, n, "DefaultDomain"), true);
}

static void
read_simple_url(struct imp *I, xmlNode *n)
{
	const char *comp = attr(I, n, "Component"), *url = attr(I, n, "ActiveUrl");

	if (comp == NULL || url == NULL)
		return;
	if (strcasecmp(comp, "Meet") == 0 && I->meet == NULL)
		I->meet = url;
	else if (strcasecmp(comp, "Dialin") == 0 && I->dialin == NULL)
		I->dialin = url;
	else if (strcasecmp(comp, "Cscp") == 0 || strcasecmp(comp, "Admin") == 0)
		I->admin = I->admin != NULL ? I->admin : url;
}

static void
read_machine(struct imp *I, struct imp_cluster *c, xmlNode *n)
{
	struct imp_machine *m;
	struct imp_net *ni;
	xmlNode *k;

	if (sfb_grow(&c->m, &c->capm, c->nm + 1, sizeof(*c->m)) != SFB_OK) {
		I->oom = true;
		return;
	}
	m = &c->m[c->nm++];
	memset(m, 0, sizeof(*m));
	m->fqdn = attr(I, n, "Fqdn");
	m->line = xmlGetLineNo(n);
	for (k = n->children; k != NULL; k = k->next) {
		if (!is(k, "NetInterface"))
			continue;
		if (sfb_grow(&m->nets, &m->capnets, m->nnets + 1, sizeof(*m->nets)) != SFB_OK) {
			I->oom = true;
			return;
		}
		ni = &m->nets[m->nnets++];
		ni->side = attr(I, k, "InterfaceSide");
		ni->number = attr_uint(I, k, "InterfaceNumber", 64);
		ni->ip = attr(I, k, "IPAddress");
		ni->configured = attr(I, k, "ConfiguredIPAddress");
	}
}

static void
read_sql_here(struct imp *I, xmlNode *n, const char *cluster)
{
	struct imp_sql *q;

	if (sfb_grow(&I->sql, &I->capsql, I->nsql + 1, sizeof(*I->sql)) != SFB_OK) {
		I->oom = true;
		return;
	}
	q = &I->sql[I->nsql++];
	memset(q, 0, sizeof(*q));
	q->name = attr(I, n, "Name");
	if (cluster != NULL) {          /* Topology Builder: inside its cluster */
		q->key = attr(I, n, "UniqueId");
		q->cluster = cluster;
	} else {                        /* published: <SqlInstanceId><ClusterId/> */
		xmlNode *sid = child(n, "SqlInstanceId"), *cid;

		if (sid != NULL) {
			q->name = attr(I, sid, "Name");
			q->key = sql_id(I, sid);
			if ((cid = child(sid, "ClusterId")) != NULL)
				q->cluster = cluster_id(I, cid);
		}
	}
	if (q->key == NULL || q->cluster == NULL) {
		sfb_warn(I->ctx, I->file, (int)xmlGetLineNo(n), 0,
		    "not mapped: a <SqlInstance> without its id or cluster");
		I->unmapped++;
		I->nsql--;
	}
}

static void walk(struct imp *I, xmlNode *n, const char *site, size_t cluster, int depth);

static void
read_cluster(struct imp *I, xmlNode *n, const char *site, int depth)
{
	struct imp_cluster *c;
	xmlNode *cid = child(n, "ClusterId"), *k;
	size_t ci;

	if (sfb_grow(&I->cl, &I->capcl, I->ncl + 1, sizeof(*I->cl)) != SFB_OK) {
		I->oom = true;
		return;
	}
	ci = I->ncl++;
	c = &I->cl[ci];
	memset(c, 0, sizeof(*c));
	c->fqdn = attr(I, n, "Fqdn");
	c->line = xmlGetLineNo(n);
	c->site = site;
	if ((c->key = attr(I, n, "UniqueId")) == NULL && cid != NULL) {
		c->key = cluster_id(I, cid);
		c->site = attr(I, cid, "SiteId");
	}
	if (c->key == NULL || c->fqdn == NULL) {
		sfb_warn(I->ctx, I->file, (int)c->line, 0,
		    "not mapped: a <Cluster> without %s", c->fqdn == NULL ? "Fqdn" : "an id");
		I->unmapped++;
		I->ncl--;
		return;
	}
	for (k = n->children; k != NULL; k = k->next) {
		if (is(k, "Machine")) {
			read_machine(I, &I->cl[ci], k);
		} else if (is(k, "Machines")) {  /* Topology Builder's container */
			xmlNode *m;

			for (m = k->children; m != NULL; m = m->next)
				if (is(m, "Machine"))
					read_machine(I, &I->cl[ci], m);
		} else if (k->type == XML_ELEMENT_NODE && !is(k, "ClusterId")) {
			walk(I, k, site, ci, depth + 1);
		}
	}
}

static void
read_port(struct imp *I, struct imp_service *s, xmlNode *n)
{
	struct imp_port *p;

	if (sfb_grow(&s->ports, &s->capports, s->nports + 1, sizeof(*s->ports)) != SFB_OK) {
		I->oom = true;
		return;
	}
	p = &s->ports[s->nports++];
	memset(p, 0, sizeof(*p));
	p->owner = attr(I, n, "Owner");
	p->usage = attr(I, n, "Usage");
	p->side = attr(I, n, "InterfaceSide");
	p->proto = attr(I, n, "Protocol");
	p->cfqdn = attr(I, n, "ConfiguredFqdn");
	p->number = attr_uint(I, n, "InterfaceNumber", 64);
	p->port = attr_uint(I, n, "Port", 65535);
	p->range = attr_uint(I, n, "Range", 65535);
	p->cport = attr_uint(I, n, "ConfiguredPort", 65535);
	p->line = xmlGetLineNo(n);
}

static void
add_dep(struct imp *I, struct imp_service *s, const char *key)
{
	if (key == NULL)
		return;
	if (sfb_grow(&s->deps, &s->capdeps, s->ndeps + 1, sizeof(*s->deps)) != SFB_OK) {
		I->oom = true;
		return;
	}
	s->deps[s->ndeps++] = key;
}

static void
read_service(struct imp *I, xmlNode *n)
{
	struct imp_service *s;
	xmlNode *k, *d, *x, *sid = child(n, "ServiceId");

	if (sfb_grow(&I->sv, &I->capsv, I->nsv + 1, sizeof(*I->sv)) != SFB_OK) {
		I->oom = true;
		return;
	}
	s = &I->sv[I->nsv++];
	memset(s, 0, sizeof(*s));
	s->line = xmlGetLineNo(n);
	s->key = attr(I, n, "UniqueId");
	s->role = attr(I, n, "RoleName");
	s->on = attr(I, n, "InstalledOn");
	s->version = attr_uint(I, n, "ServiceVersion", 1000);
	if (sid != NULL) {
		if (s->key == NULL)
			s->key = service_id(I, sid);
		if (s->role == NULL)
			s->role = attr(I, sid, "RoleName");
		s->site = attr(I, sid, "SiteId");
	}
	for (k = n->children; k != NULL; k = k->next) {
		if (is(k, "DependsOn")) {
			for (d = k->children; d != NULL; d = d->next) {
				if (!is(d, "Dependency"))
					continue;
				if ((x = child(d, "ServiceId")) != NULL)
					add_dep(I, s, service_id(I, x));
				else
					add_dep(I, s, attr(I, d, "ServiceUniqueId"));
			}
		} else if (is(k, "InstalledOn")) {
			if ((x = child(k, "ClusterId")) != NULL)
				s->on = cluster_id(I, x);
			else if ((x = child(k, "SqlInstanceId")) != NULL)
				s->on = sql_id(I, x);
		} else if (is(k, "Ports")) {
			for (d = k->children; d != NULL; d = d->next)
				if (is(d, "Port"))
					read_port(I, s, d);
		} else if (is(k, "RegistrarService")) {
			s->director = attr_true(I, k, "IsDirector");
		} else if (is(k, "WebService")) {
			if ((x = child(k, "ExternalSettings")) != NULL)
				s->ext_host = attr(I, x, "Host");
			if ((x = child(k, "InternalSettings")) != NULL)
				s->int_host = attr(I, x, "Host");
		} else if (is(k, "WacService")) {
			s->wac_url = attr(I, k, "DiscoveryUrl");
			s->wac_external = attr_true(I, k, "IsExternal");
		} else if (is(k, "PstnGatewayService")) {
			s->med_port = attr_uint(I, k, "MediationServerPort", 65535);
		}
	}
	if (s->key == NULL || s->role == NULL || s->on == NULL) {
		sfb_warn(I->ctx, I->file, (int)s->line, 0, "not mapped: a <Service> without %s",
		    s->role == NULL ? "a role name" : s->key == NULL ? "an id" :
		    "the cluster it is installed on");
		I->unmapped++;
		free(s->deps);
		free(s->ports);
		I->nsv--;
	}
}

/* The name of a site: the text of its <Name>. */
static const char *
text_of(struct imp *I, xmlNode *n)
{
	return n != NULL ? keep_xml(I, xmlNodeGetContent(n)) : NULL;
}

static void
read_site(struct imp *I, xmlNode *n, bool branch, int depth)
{
	struct imp_site *st;
	const char *id = attr(I, n, "SiteId");
	xmlNode *k, *ref;

	if (id == NULL)
		return;
	if (sfb_grow(&I->sites, &I->capsites, I->nsites + 1, sizeof(*I->sites)) != SFB_OK) {
		I->oom = true;
		return;
	}
	st = &I->sites[I->nsites++];
	memset(st, 0, sizeof(*st));
	st->id = id;
	st->branch = branch;
	st->line = xmlGetLineNo(n);
	st->name = text_of(I, child(n, "Name"));
	if (branch) {
		st->central = attr(I, n, "CentralSiteId");
		if (st->central == NULL && (ref = child(n, "CentralSite")) != NULL)
			st->central = attr(I, ref, "SiteId");
		if (st->central == NULL && (ref = child(n, "CentralSiteId")) != NULL)
			st->central = attr(I, ref, "SiteId");
	}
	for (k = n->children; k != NULL; k = k->next)
		if (k->type == XML_ELEMENT_NODE && !is(k, "Name") && !is(k, "Location") &&
		    !is(k, "CentralSite") && !is(k, "CentralSiteId"))
			walk(I, k, id, IMP_NONE, depth + 1);
}

/* Every element, at any depth: sites, clusters, SQL instances, services,
 * the SIP domains and simple URLs; site and cluster are the enclosing ones
 * (Topology Builder nests clusters in sites, SQL instances in clusters). */
static void
walk(struct imp *I, xmlNode *n, const char *site, size_t cluster, int depth)
{
	xmlNode *c;

	if (depth > 64 || I->oom)
		return;
	if (is(n, "InternalDomains")) {
		read_domains(I, n);
	} else if (is(n, "SimpleUrl")) {
		read_simple_url(I, n);
	} else if (is(n, "CentralSite")) {
		read_site(I, n, false, depth);
	} else if (is(n, "BranchSite") || is(n, "RemoteSite")) {
		read_site(I, n, true, depth);
	} else if (is(n, "Cluster")) {
		read_cluster(I, n, site, depth);
	} else if (is(n, "SqlInstance")) {
		read_sql_here(I, n, cluster != IMP_NONE ? I->cl[cluster].key : NULL);
	} else if (is(n, "Service")) {
		read_service(I, n);
	} else {
		for (c = n->children; c != NULL; c = c->next)
			if (c->type == XML_ELEMENT_NODE)
				walk(I, c, site, cluster, depth + 1);
	}
}

/* The column of "<name" on line `line` of a UTF-8 input, for the messages
 * about elements (libxml2 keeps only their line); 0 when not found. */
static int
column_of(const unsigned char *p, size_t len, long line, const char *name)
{
	size_t i = 0, start, nl = strlen(name);
	long l = 1;

	while (i < len && l < line)
		if (p[i++] == '\n')
			l++;
	for (start = i; i < len && p[i] != '\n'; i++)
		if (p[i] == '<' && i + 1 + nl <= len && memcmp(p + i + 1, name, nl) == 0)
			return (int)(i - start + 1);
	return 0;
}

/* A UTF-16 file without a byte-order mark: the second (or first) byte of
 * "<?xml" or "<Topology" is zero. */
static bool
utf16_without_bom(const unsigned char *p, size_t len)
{
	if (len >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff)))
		return false;
	return len >= 2 && ((p[0] == '<' && p[1] == 0) || (p[0] == 0 && p[1] == '<'));
}

static sfb_status
parse_failed(struct imp *I, xmlParserCtxtPtr pc)
{
	const xmlError *e = xmlCtxtGetLastError(pc);
	sfb_buf msg;
	sfb_status st;
	size_t n;

	if (e == NULL || e->message == NULL)
		return sfb_failf(I->ctx, SFB_EINVAL, "%s: not a readable XML document", I->file);
	sfb_buf_init(&msg);
	n = strlen(e->message);
	while (n > 0 && (e->message[n - 1] == '\n' || e->message[n - 1] == ' '))
		n--;
	/* libxml2 quotes names from the input in its messages. */
	sfb_esc_putn(&msg, SFB_ESC_LINE, e->message, n);
	if (sfb_buf_status(&msg) != SFB_OK)
		st = sfb_oom(I->ctx);
	else
		st = sfb_fail(I->ctx, SFB_EINVAL, I->file, e->line > 0 ? e->line : 1, e->int2,
		    "not well-formed XML: %s", msg.data);
	sfb_buf_free(&msg);
	return st;
}

sfb_status
sfb_imp_read_xml(struct imp *I, const void *data, size_t len)
{
	const unsigned char *p = data;
	xmlParserCtxtPtr pc = NULL;
	xmlDocPtr doc = NULL;
	xmlNode *root, *c;
	const char *ns;
	sfb_status st = SFB_OK;
	long line;

	if (utf16_without_bom(p, len)) {
		st = sfb_fail(I->ctx, SFB_EINVAL, I->file, 1, 1, "the file is UTF-16 without a "
		    "byte-order mark: save it as UTF-8, or as UTF-16 with its mark (PowerShell's "
		    "Out-File -Encoding utf8 or unicode)");
		goto out;
	}
	if (len > INT_MAX) {
		st = sfb_failf(I->ctx, SFB_EINVAL, "%s: too large for an XML topology", I->file);
		goto out;
	}
	if ((pc = xmlNewParserCtxt()) == NULL) {
		st = sfb_oom(I->ctx);
		goto out;
	}
	/* No network, no entity substitution, no messages of libxml2's own. */
	doc = xmlCtxtReadMemory(pc, data, (int)len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		st = parse_failed(I, pc);
		goto out;
	}
	/* A topology has no DTD; one could only declare entities to expand. */
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		st = sfb_fail(I->ctx, SFB_EINVAL, I->file, 1, 1,
		    "a <!DOCTYPE> is not allowed in a topology");
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	ns = root != NULL && root->ns != NULL ? (const char *)root->ns->href : "";
	line = root != NULL ? xmlGetLineNo(root) : 1;
	if (root != NULL && is(root, "Topology") && strcmp(ns, NS_PUBLISHED) == 0) {
		I->builder = false;
		walk(I, root, NULL, IMP_NONE, 0);
	} else if (root != NULL && is(root, "TopologyBuilder") && strcmp(ns, NS_BUILDER) == 0) {
		I->builder = true;
		/* The topology being edited; an <OldTopology> is what was
		 * published before. */
		if ((c = child(root, "NewTopology")) == NULL) {
			st = sfb_fail(I->ctx, SFB_EINVAL, I->file, (int)line,
			    column_of(p, len, line, "TopologyBuilder"),
			    "a Topology Builder file without <NewTopology>");
			goto out;
		}
		walk(I, c, NULL, IMP_NONE, 0);
	} else {
		sfb_buf what;

		sfb_buf_init(&what);
		sfb_esc_put(&what, SFB_ESC_LINE, root != NULL ? (const char *)root->name : "");
		sfb_buf_puts(&what, "' in namespace '");
		sfb_esc_put(&what, SFB_ESC_LINE, ns);
		st = sfb_buf_status(&what) != SFB_OK ? sfb_oom(I->ctx) :
		    sfb_fail(I->ctx, SFB_EINVAL, I->file, (int)line,
		    root != NULL ? column_of(p, len, line, (const char *)root->name) : 1,
		    "the root element is '%s': not a Skype for Business topology (a <Topology> "
		    "in %s, or a <TopologyBuilder> in %s)", what.data, NS_PUBLISHED, NS_BUILDER);
		sfb_buf_free(&what);
		goto out;
	}
	if (I->oom) {
		st = sfb_oom(I->ctx);
		goto out;
	}
	if (I->ndomains == 0) {
		st = sfb_fail(I->ctx, SFB_EINVAL, I->file, (int)line, 0,
		    "no SIP domain: the topology has no <InternalDomains>");
		goto out;
	}
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(pc);
	return st;
}
