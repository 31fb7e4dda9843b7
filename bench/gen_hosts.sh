#!/usr/bin/env bash
# bench/gen_hosts.sh [N] — write a synthetic topology of N hosts (default
# 1000) to standard output, for bench/scale.sh.  Works up to about 150,000
# hosts (bench/gen_topology.sh, the input of bench/plan.sh, runs out of
# client subnets past about 11,000).
#
#  - every profile of the catalog on; six zones and three firewalls as in
#    bench/gen_topology.sh: servers, clients, voice, perimeter, dmz and
#    internet (the default zone); fw-core (clients|servers|voice),
#    fw-internal (servers|perimeter), fw-external (perimeter|dmz|internet);
#  - wider address plans, so that 100,000 hosts fit: servers 10.0.0.0/12,
#    voice 10.16.0.0/12, clients 10.32.0.0/11 + 10.128.0.0/9 +
#    100.64.0.0/10 + 2001:db8:100::/40 (a /24 per client network, every
#    fourth dual-stack with a /64), perimeter 172.16.0.0/13, dmz
#    172.24.0.0/13;
#  - one host of every role a catalog flow names, then the rest spread over
#    the roles by the weights of bench/gen_topology.sh (smooth weighted
#    round robin: the same N always gives the same file);
#  - Front End pools: every second Front End joins one large pool
#    (bigpool.corp.contoso.com: 60 members at 1,000 hosts, 600 at 10,000,
#    6,000 at 100,000), the others pools of 12; every Enterprise pool (and
#    the Director pool) gets a load balancer address under `pools:`, which
#    `sfbnet dns` needs; one Edge pool (at most 12) and one Director pool
#    (at most 10);
#  - SIP domains: contoso.com and GEN_SIP_DOMAINS - 1 more (default 20 in
#    all; the same at every N, so that the output of `sfbnet certs`, which
#    lists every SIP domain on every Front End certificate, grows with the
#    hosts only).
#
# `sfbnet validate` accepts the output for any N (exit status 0); it warns
# once per SIP domain after the first (GEN_SIP_DOMAINS - 1 warnings), since
# the one Access Edge name, access.contoso.com, is outside those domains
# (the federation SRV record check) — a true finding, not a defect of the
# file.  Addresses come from RFC 1918, 100.64.0.0/10, the documentation
# ranges and 198.18.0.0/15, plus the real Office 365 ranges; nothing is
# ever contacted.
set -eu
n=${1:-1000}
case $n in
	'' | *[!0-9]*) echo "usage: $0 [N]" >&2; exit 2 ;;
esac
domains=${GEN_SIP_DOMAINS:-20}
case $domains in
	'' | *[!0-9]* | 0) echo "gen_hosts: GEN_SIP_DOMAINS must be a number >= 1" >&2; exit 2 ;;
esac
profiles=${SFB_PROFILES:-"sfb-server, sfb-edge, sfb-voice, sfb-hybrid, sfb-online, pexip, pexip-strict, starleaf, kickle-onprem, kickle-online, kickle-cloud, mirrorop"}

LC_ALL=C awk -v N="$n" -v D="$domains" -v PROFILES="$profiles" '
function full(what) {
	printf "gen_hosts: %s ran out of addresses at %d hosts\n", what, hosts > "/dev/stderr"
	err = 1; exit 3
}
# The k-th address of a /12 (a.b.0.0 with b = base): 240 per /24 from .10.
function ip4(a, base, k, what) {
	if (k >= 16 * 256 * 240) full(what)
	return a "." (base + int(k / 61440)) "." (int(k / 240) % 256) "." (k % 240 + 10)
}
function nat(    k) {                  # next public NAT address
	k = natn++
	if (k < 240) return "203.0.113." (k + 10)
	if (k < 480) return "198.51.100." (k - 240 + 10)
	k -= 480
	if (k >= 256 * 250) full("the NAT range 198.18.0.0/16")
	return "198.18." int(k / 250) "." (k % 250 + 1)
}
function host(name, pool) {
	printf "  - name: %s\n", name
	if (pool != "") printf "    pool: %s\n", pool
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
function srvaddr() { return ip4(10, 0, srv++, "zone servers (10.0.0.0/12)") }
function server(prefix, roles,    i, name) {
	i = ++cnt[prefix]; name = sprintf("%s-%05d", prefix, i)
	host(name, "")
	ep("servers", "address", srvaddr(), roles, name ".corp.contoso.com", "")
}
function vip(pool) {                   # load balancer addresses: 10.15.0.0/16
	if (nvip >= 256 * 240) full("the VIP range 10.15.0.0/16")
	pools[++npools] = pool
	vips[npools] = "10.15." int(nvip / 240) "." (nvip % 240 + 10)
	nvip++
}
function frontend(    i, name, pool) {
	i = ++cnt["fe"]; name = sprintf("fe-%05d", i)
	if (i % 2 == 1) {
		pool = "bigpool.corp.contoso.com"
	} else {
		pool = sprintf("pool-%04d.corp.contoso.com", int((i / 2 - 1) / 12) + 1)
		if ((i / 2 - 1) % 12 == 1) vip(pool)       # a second member: Enterprise
	}
	if (i == 3) vip(pool)
	host(name, pool)
	ep("servers", "address", srvaddr(), "front-end", name ".corp.contoso.com", "")
}
function director(    i, name) {
	i = ++cnt["dir"]; name = sprintf("dir-%05d", i)
	if (i == 2) vip("dirpool.corp.contoso.com")
	host(name, "dirpool.corp.contoso.com")    # one Director pool
	ep("servers", "address", srvaddr(), "director", name ".corp.contoso.com", "")
}
function voice(prefix, roles,    i, name) {
	i = ++cnt[prefix]; name = sprintf("%s-%05d", prefix, i)
	host(name, "")
	ep("voice", "address", ip4(10, 16, vce++, "zone voice (10.16.0.0/12)"), roles,
	    name ".branch.contoso.com", "")
}
function clients(    i, name, k, net) {
	i = ++cnt["cl"]; name = sprintf("clients-%05d", i)
	k = i - 1
	if (k < 32768)
		net = sprintf("10.%d.%d.0/24", 128 + int(k / 256), k % 256)
	else if (k < 32768 + 16384)
		net = sprintf("100.%d.%d.0/24", 64 + int((k - 32768) / 256), (k - 32768) % 256)
	else
		full("the client networks")
	host(name, "")
	if (i % 4 == 0)
		ep("clients", "networks", sprintf("[%s, 2001:db8:%x:%x::/64]", net,
		    256 + int(k / 65536), k % 65536), "client", "", "")
	else
		ep("clients", "network", net, "client", "", "")
}
function senders(    i, name, k) {            # wireless senders: 10.48.0.0/12, /26 each
	i = ++cnt["ms"]; name = sprintf("senders-%05d", i); k = i - 1
	if (k >= 65536) full("the sender networks")
	host(name, "")
	ep("clients", "network", sprintf("10.%d.%d.%d/26", 48 + int(k / 1024), int(k / 4) % 256,
	    (k % 4) * 64), "mirrorop-sender", "", "")
}
function kickle(    i, name) {                # room units: 10.32.0.0/12
	i = ++cnt["ki"]; name = sprintf("kickle-%05d", i)
	host(name, "")
	ep("clients", "address", ip4(10, 32, kic++, "the room units (10.32.0.0/12)"), "kickle",
	    name ".rooms.contoso.com", "")
}
function peraddr() { return ip4(172, 16, per++, "zone perimeter (172.16.0.0/13)") }
function edge(    i, name) {
	# One Edge pool (at most 12 members, the limit of the product): its members
	# share the external names of the pool (DNS load balancing).
	i = ++cnt["edge"]; name = sprintf("edge-%05d", i)
	host(name, "edgepool.corp.contoso.com")
	ep("perimeter", "address", peraddr(), "edge-internal", name ".corp.contoso.com", "")
	ep("perimeter", "address", peraddr(), "edge-access", "access.contoso.com", nat())
	ep("perimeter", "address", peraddr(), "edge-webconf", "webcon.contoso.com", nat())
	ep("perimeter", "address", peraddr(), "edge-av", "av.contoso.com", nat())
}
function perim(prefix, roles,    i, name) {
	i = ++cnt[prefix]; name = sprintf("%s-%05d", prefix, i)
	host(name, "")
	ep("perimeter", "address", peraddr(), roles, name ".contoso.com", nat())
}
function dmz(prefix, roles,    i, name) {
	i = ++cnt[prefix]; name = sprintf("%s-%05d", prefix, i)
	host(name, "")
	ep("dmz", "address", ip4(172, 24, dmzn++, "zone dmz (172.24.0.0/13)"), roles,
	    name ".contoso.com", nat())
}
function partner(prefix, roles,    i, name, k) {  # internet: 198.19.0.0/16
	i = ++cnt[prefix]; name = sprintf("%s-%05d", prefix, i); k = inet++
	if (k >= 256 * 250) full("the partner range 198.19.0.0/16")
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
	else { print "gen_hosts: unknown kind " kind > "/dev/stderr"; err = 1; exit 3 }
}
BEGIN {
	print "# Generated by bench/gen_hosts.sh " N " (GEN_SIP_DOMAINS=" D "): a synthetic"
	print "# deployment for bench/scale.sh (every profile on, every role of the catalog present)."
	print "version: 1"
	print "name: Contoso scale " N
	sd = "contoso.com"
	for (i = 2; i <= D; i++) sd = sd sprintf(", contoso%03d.com", i)
	print "sip_domains: [" sd "]"
	print "ad_domain: corp.contoso.com"
	print "profiles: [" PROFILES "]"
	print "simple_urls: { meet: meet.contoso.com, dialin: dialin.contoso.com, admin: admin.contoso.com }"
	print "web_services: { internal: webint.corp.contoso.com, external: webext.contoso.com }"
	print "office_web_apps: { internal: owa.corp.contoso.com, external: owa.contoso.com }"
	print "zones:"
	print "  - { name: servers,   networks: [10.0.0.0/12] }"
	print "  - { name: clients,   networks: [10.32.0.0/11, 10.128.0.0/9, 100.64.0.0/10, 2001:db8:100::/40] }"
	print "  - { name: voice,     networks: [10.16.0.0/12] }"
	print "  - { name: perimeter, networks: [172.16.0.0/13] }"
	print "  - { name: dmz,       networks: [172.24.0.0/13] }"
	print "  - { name: internet }"
	print "firewalls:"
	print "  - { name: fw-core,     between: [clients, servers, voice] }"
	print "  - { name: fw-internal, between: [servers, perimeter] }"
	print "  - { name: fw-external, between: [perimeter, dmz, internet] }"
	print "hosts:"

	# Kinds and their weights (per about 1,000 hosts), as in gen_topology.sh.
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

	# The load balancer addresses of the Enterprise pools.
	if (npools > 0) print "pools:"
	for (i = 1; i <= npools; i++)
		printf "  - { fqdn: %s, vip: %s }\n", pools[i], vips[i]
}
END { if (err) exit 3 }'
