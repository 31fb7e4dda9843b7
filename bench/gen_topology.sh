#!/usr/bin/env bash
# bench/gen_topology.sh [N] — write a synthetic but realistic topology of N
# hosts (default 1000) to standard output, for the benchmark.
#
#  - every profile of the catalog is on;
#  - six zones: servers, clients, voice (branch gateways and video rooms),
#    perimeter (Edge pools, reverse proxies, AD FS proxies), dmz (Pexip
#    nodes, TURN) and internet (the default zone: everything else);
#  - three firewalls: fw-core (clients|servers|voice), fw-internal
#    (servers|perimeter) and fw-external (perimeter|dmz|internet);
#  - one host of every role that a catalog flow names, then the rest spread
#    over the roles by fixed weights (smooth weighted round robin, so any N
#    gets a mix, and the same N always gives the same file); Front End pools
#    of 12, one Edge pool (at most 12 servers) and one Director pool (at
#    most 10), as sfbnet's certificate plan expects one of each; single
#    addresses for servers and room units, /24 client networks (every fourth
#    one dual-stack with a /64), public NAT addresses on Edge external
#    interfaces, reverse proxies, AD FS proxies, Pexip nodes and TURN.
#
# With SFB_TOPO_VERSION=2 the file is topology format version 2: the same
# hosts, plus product, three sites (site-a and site-b central, branch-1 a
# branch of site-a), every pool declared with its site (Front End pools
# alternate between the central sites and sit behind a load balancer vip
# with their own web services names), servers in the central sites by turns,
# and the voice zone's gateways and appliances in the branch.
#
# Addresses come from RFC 1918, the documentation ranges (192.0.2.0/24,
# 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) and the benchmarking range
# 198.18.0.0/15, plus the real Office 365 ranges; nothing is ever contacted.
# The output must pass `sfbnet validate` without warnings for any N >= 32 (a
# smaller N still gets one host of every role, so it has 32 hosts); client
# subnets run out past about 11,000 hosts.
set -eu
n=${1:-1000}
case $n in
	'' | *[!0-9]*) echo "usage: $0 [N]" >&2; exit 2 ;;
esac
version=${SFB_TOPO_VERSION:-1}
case $version in 1 | 2) ;; *) echo "SFB_TOPO_VERSION must be 1 or 2" >&2; exit 2 ;; esac
profiles=${SFB_PROFILES:-"sfb-server, sfb-edge, sfb-voice, sfb-hybrid, sfb-online, pexip, pexip-strict, starleaf, kickle-onprem, kickle-online, kickle-cloud, mirrorop"}

awk -v N="$n" -v PROFILES="$profiles" -v V="$version" '
function ip4(base, k,    a, b) {      # base "10.10" + k-th address from .0.10
	a = int(k / 240); b = k % 240 + 10
	return base "." a "." b
}
function nat(    k) {                  # next public NAT address
	k = natn++
	if (k < 240) return "203.0.113." (k + 10)
	if (k < 480) return "198.51.100." (k - 240 + 10)
	k -= 480
	return "198.18." int(k / 250) "." (k % 250 + 1)
}
function host(name, pool, site) {
	printf "  - name: %s\n", name
	if (pool != "") printf "    pool: %s\n", pool
	if (V == 2 && pool == "" && site != "") printf "    site: %s\n", site
	printf "    endpoints:\n"
	hosts++
}
function ep(zone, addrkey, addr, roles, fqdn, pub) {
	printf "      - { zone: %s", zone
	if (addrkey != "") printf ", %s: %s", addrkey, addr
	if (pub != "") printf ", public: %s", pub
	if (fqdn != "") printf ", fqdn: %s", fqdn
	printf ", roles: [%s] }\n", roles
}
# A server with one address in zone "servers" (10.10.0.0/16).
function server(prefix, roles,    i, name) {
	i = ++cnt[prefix]; name = sprintf("%s-%04d", prefix, i)
	host(name, "", i % 2 ? "site-a" : "site-b")
	ep("servers", "address", ip4("10.10", srv++), roles, name ".corp.contoso.com", "")
}
function frontend(    i, name, pool) {
	i = ++cnt["fe"]; name = sprintf("fe-%04d", i)
	pool = sprintf("pool-%03d.corp.contoso.com", int((i - 1) / 12) + 1)
	npools = int((i - 1) / 12) + 1
	host(name, pool)
	ep("servers", "address", ip4("10.10", srv++), "front-end", name ".corp.contoso.com", "")
}
function director(    i, name) {
	i = ++cnt["dir"]; name = sprintf("dir-%04d", i)
	host(name, "dirpool.corp.contoso.com")    # one Director pool
	ep("servers", "address", ip4("10.10", srv++), "director", name ".corp.contoso.com", "")
}
function voice(prefix, roles,    i, name) {   # zone voice: 10.32.0.0/16
	i = ++cnt[prefix]; name = sprintf("%s-%04d", prefix, i)
	host(name, "", "branch-1")
	ep("voice", "address", ip4("10.32", vce++), roles, name ".branch.contoso.com", "")
}
function clients(    i, name, k, nets) {      # zone clients: 10.64.0.0/12
	i = ++cnt["cl"]; name = sprintf("clients-%04d", i)
	k = i - 1
	host(name, "")
	if (i % 4 == 0)
		ep("clients", "networks", sprintf("[10.%d.%d.0/24, 2001:db8:100:%x::/64]",
		    64 + int(k / 256), k % 256, k), "client", "", "")
	else
		ep("clients", "network", sprintf("10.%d.%d.0/24", 64 + int(k / 256), k % 256),
		    "client", "", "")
}
function senders(    i, name, k) {            # wireless senders: 10.78.0.0/16
	i = ++cnt["ms"]; name = sprintf("senders-%04d", i); k = i - 1
	host(name, "")
	ep("clients", "network", sprintf("10.78.%d.0/24", k % 256), "mirrorop-sender", "", "")
}
function kickle(    i, name) {                # room units: 10.79.0.0/16
	i = ++cnt["ki"]; name = sprintf("kickle-%04d", i)
	host(name, "")
	ep("clients", "address", ip4("10.79", kic++), "kickle", name ".rooms.contoso.com", "")
}
function edge(    i, name) {                   # perimeter: 172.16.0.0/20
	# One Edge pool (at most 12 members, the limit of the product): its members
	# share the external names of the pool (DNS load balancing).
	i = ++cnt["edge"]; name = sprintf("edge-%04d", i)
	host(name, "edgepool.corp.contoso.com")
	# Version 2 puts the Edge internal interfaces on a subnet of their own
	# (172.16.8.0/21), as Microsoft wants; version 1 keeps the old file.
	if (V == 2)
		ep("perimeter", "address", ip4("172.16", 1920 + edgein++), "edge-internal",
		    name ".corp.contoso.com", "")
	else
		ep("perimeter", "address", ip4("172.16", per++), "edge-internal", name ".corp.contoso.com", "")
	ep("perimeter", "address", ip4("172.16", per++), "edge-access", "access.contoso.com", nat())
	ep("perimeter", "address", ip4("172.16", per++), "edge-webconf", "webcon.contoso.com", nat())
	ep("perimeter", "address", ip4("172.16", per++), "edge-av", "av.contoso.com", nat())
}
function perim(prefix, roles,    i, name) {
	i = ++cnt[prefix]; name = sprintf("%s-%04d", prefix, i)
	host(name, "")
	ep("perimeter", "address", ip4("172.16", per++), roles, name ".contoso.com", nat())
}
function dmz(prefix, roles,    i, name) {      # dmz: 172.20.0.0/22
	i = ++cnt[prefix]; name = sprintf("%s-%04d", prefix, i)
	host(name, "")
	ep("dmz", "address", ip4("172.20", dmzn++), roles, name ".contoso.com", nat())
}
function partner(prefix, roles,    i, name, k) {  # internet: 198.19.0.0/16
	i = ++cnt[prefix]; name = sprintf("%s-%04d", prefix, i); k = inet++
	host(name, "")
	ep("internet", "address", sprintf("198.19.%d.%d", int(k / 250), k % 250 + 1), roles,
	    sprintf("sip.%s%d.example", prefix, i), "")
}
function inet_any(name, roles) {             # stands for the whole internet zone
	host(name, "")
	ep("internet", "", "", roles, "", "")
}
function make(kind) {
	if (kind == "fe") frontend()
	else if (kind == "dir") director()
	else if (kind == "sql") server("sql", "backend-sql")
	else if (kind == "fs") server("fs", "file-share")
	else if (kind == "dc") server("dc", "ad-ds")
	else if (kind == "adfs") server("adfs", "adfs")
	else if (kind == "med") server("med", "mediation")
	else if (kind == "exch") server("exch", "exchange, exchange-um")
	else if (kind == "owa") server("owa", "office-web-apps")
	else if (kind == "pchat") server("pchat", "persistent-chat")
	else if (kind == "vis") server("vis", "vis")
	else if (kind == "sync") server("sync", "dirsync")
	else if (kind == "gw") voice("gw", "pstn-gateway")
	else if (kind == "sba") voice("sba", "sba")
	else if (kind == "vtc") voice("vtc", "vtc")
	else if (kind == "pbx") voice("pbx", "ip-pbx")
	else if (kind == "cl") clients()
	else if (kind == "ms") senders()
	else if (kind == "ki") kickle()
	else if (kind == "edge") edge()
	else if (kind == "rp") perim("rp", "reverse-proxy")
	else if (kind == "adfsp") perim("adfsp", "adfs-proxy")
	else if (kind == "px") dmz("px", "pexip-node")
	else if (kind == "turn") dmz("turn", "turn-server")
	else if (kind == "fed") partner("fed", "federated-partner")
	else if (kind == "xmpp") partner("xmpp", "xmpp-partner")
	else { print "gen_topology: unknown kind " kind > "/dev/stderr"; exit 3 }
}
BEGIN {
	print "# Generated by bench/gen_topology.sh " N ": a synthetic deployment for the"
	print "# benchmark (every profile on, every role of the catalog present)."
	print "version: " V
	print "name: Contoso benchmark " N
	if (V == 2) {
		print "product: sfb2015"
		print "sites:"
		print "  - { name: site-a, kind: central }"
		print "  - { name: site-b, kind: central }"
		print "  - { name: branch-1, kind: branch, central: site-a }"
	}
	print "sip_domains: [contoso.com]"
	print "ad_domain: corp.contoso.com"
	print "profiles: [" PROFILES "]"
	print "simple_urls: { meet: meet.contoso.com, dialin: dialin.contoso.com, admin: admin.contoso.com }"
	print "web_services: { internal: webint.corp.contoso.com, external: webext.contoso.com }"
	print "office_web_apps: { internal: owa.corp.contoso.com, external: owa.contoso.com }"
	print "zones:"
	print "  - { name: servers,   networks: [10.10.0.0/16] }"
	print "  - { name: clients,   networks: [10.64.0.0/12, 2001:db8:100::/48] }"
	print "  - { name: voice,     networks: [10.32.0.0/16] }"
	if (V == 2)
		print "  - { name: perimeter, networks: [172.16.0.0/21, 172.16.8.0/21] }   # external side, Edge internal side"
	else
		print "  - { name: perimeter, networks: [172.16.0.0/20] }"
	print "  - { name: dmz,       networks: [172.20.0.0/22] }"
	print "  - { name: internet }"
	print "firewalls:"
	print "  - { name: fw-core,     between: [clients, servers, voice] }"
	print "  - { name: fw-internal, between: [servers, perimeter] }"
	print "  - { name: fw-external, between: [perimeter, dmz, internet] }"
	print "hosts:"

	# Kinds and their weights (per about 1,000 hosts).
	nk = split("fe dir sql fs dc adfs med exch owa pchat vis sync gw sba vtc pbx " \
	    "cl ms ki edge rp adfsp px turn fed xmpp", kinds, " ")
	split("120 20 20 10 20 6 20 20 10 10 6 2 30 40 60 4 " \
	    "300 40 100 16 8 4 20 4 60 10", w, " ")
	for (i = 1; i <= nk; i++) cur[i] = 0
	cap["edge"] = 12     # one Edge pool: at most 12 servers
	cap["dir"] = 10      # one Director pool: at most 10 servers

	# One of each kind first, and the hosts that stand for the outside.
	for (i = 1; i <= nk; i++) make(kinds[i])
	host("office365", "")
	ep("internet", "networks", "[13.107.64.0/18, 52.112.0.0/14, 52.120.0.0/14]",
	    "office365", "", "")
	host("skype-directory", "")
	ep("internet", "networks", "[13.64.0.0/16]", "skype-directory", "", "")
	host("starleaf-cloud", "")
	ep("internet", "networks", "[192.0.2.0/24]", "starleaf-cloud", "", "")
	inet_any("remote-users", "remote-client")
	inet_any("kickle-cloud", "kickle-cloud")
	inet_any("anywhere", "internet")

	# The rest by smooth weighted round robin; a kind that reached its cap
	# drops out.
	while (hosts < N) {
		best = 0; total = 0
		for (i = 1; i <= nk; i++) {
			if (kinds[i] in cap && cnt[kinds[i]] >= cap[kinds[i]]) continue
			total += w[i]
			cur[i] += w[i]
			if (best == 0 || cur[i] > cur[best]) best = i
		}
		cur[best] -= total
		make(kinds[best])
	}
	if (V == 2) {
		# The pools: Front End pools by turns in the central sites, each
		# behind its load balancer (vips from 10.10.250.0/24, which no
		# server address reaches below 14,000 servers).
		print "pools:"
		for (p = 1; p <= npools; p++)
			printf "  - { fqdn: pool-%03d.corp.contoso.com, site: %s, vip: 10.10.250.%d, " \
			    "web_services: { internal: web-%03d.corp.contoso.com, external: web-%03d.contoso.com } }\n",
			    p, p % 2 ? "site-a" : "site-b", p, p, p
		print "  - { fqdn: dirpool.corp.contoso.com, site: site-a, vip: 10.10.251.10 }"
		print "  - { fqdn: edgepool.corp.contoso.com, site: site-a }"
	}
}'
