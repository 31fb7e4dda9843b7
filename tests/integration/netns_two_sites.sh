#!/usr/bin/env bash
# Real packets through the rules sfbnet generates for examples/two-sites.yaml
# (topology version 2): every zone and every firewall of the example is a
# network namespace made here (names carry $$), wired as the topology says:
#
#   z-inet --[fw-external]-- z-per --[fw-internal]-- z-fra --[fw-wan]-- z-ham
#                                                               \-- z-muc
#
# A zone namespace holds the addresses of the example's hosts in that zone
# (on lo) and routes through its firewalls; a firewall namespace routes
# between its zones and loads that firewall's generated nftables rules (and
# fw-external the DNAT of the Edge's and reverse proxy's public addresses, as
# the real one would).  pktprobe sends TCP probes from chosen hosts and an
# echo server answers at the destination.
#
# What must pass: the reverse proxy to both pools' load balancer VIPs on
# 4443, a branch client to both VIPs on 443, the single-IP Edge's 444, 5061
# and 443 from the internet (through NAT), SIP between the sites' pools, the
# branch appliance to its central pool.  What must drop: the pool-local
# ports between the two sites' pools, cross-site SQL (default and named
# instance port) and file shares, web traffic that bypasses the VIP.  Every
# probe that must drop is first sent with no rules loaded and must pass:
# the drop is the rules' doing, not routing's.
#
# usage: netns_two_sites.sh SFBNET PKTPROBE   (from the source directory)
set -u
bin=$1
probe=$2
topo=examples/two-sites.yaml
name=netns-two-sites
# ok, bad, finish, pt_skip, and the EXIT trap that kills $pt_pids and
# deletes the namespaces in $pt_made (tests/lib/netns.sh; its three-namespace
# pt_setup is not used here).
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
tmp=$pt_tmp

pt_zones_need "$probe"

# ---- namespaces ------------------------------------------------------------
pt_zones_make "s2$$" inet per fra ham muc ext int wan
# Every namespace routes: a zone between two firewalls (fra) is transit too.
for n in "${!NS[@]}"; do
	ip netns exec "${NS[$n]}" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward' ||
		pt_skip "cannot enable forwarding in ${NS[$n]}"
done

# link FW ZONE NET: a veth pair, FW side .1, zone side .2 of 100.64.NET.0/30
link() {
	local fw=${NS[$1]} zone=${NS[$2]} net=$3
	ip -n "$fw" link add "to$2" type veth peer name "to$1" netns "$zone" &&
	ip -n "$fw" addr add "100.64.$net.1/30" dev "to$2" && ip -n "$fw" link set "to$2" up &&
	ip -n "$zone" addr add "100.64.$net.2/30" dev "to$1" && ip -n "$zone" link set "to$1" up
}
route() {  # ns prefix via
	ip -n "${NS[$1]}" route add "$2" via "$3"
}
{
	link ext inet 1 && link ext per 2 && link int per 3 && link int fra 4 &&
	link wan fra 5 && link wan ham 6 && link wan muc 7 &&
	# zones
	route inet default 100.64.1.1 &&
	route per default 100.64.2.1 && route per 10.0.0.0/8 100.64.3.1 &&
	route fra default 100.64.4.1 && route fra 10.2.0.0/16 100.64.5.1 && route fra 10.3.0.0/16 100.64.5.1 &&
	route ham default 100.64.6.1 && route muc default 100.64.7.1 &&
	# firewalls
	route ext default 100.64.1.2 && route ext 172.30.0.0/16 100.64.2.2 && route ext 10.0.0.0/8 100.64.2.2 &&
	route int 172.30.0.0/16 100.64.3.2 && route int default 100.64.3.2 && route int 10.0.0.0/8 100.64.4.2 &&
	route wan 10.1.0.0/16 100.64.5.2 && route wan 10.2.0.0/16 100.64.6.2 &&
	route wan 10.3.0.0/16 100.64.7.2 && route wan default 100.64.5.2
} 2>"$tmp/setup.err" || { cat "$tmp/setup.err"; pt_skip "cannot wire the namespaces"; }

# The example's hosts, by zone (addresses on lo of the zone's namespace).
declare -A ADDRS=(
	[fra]="10.1.10.10 10.1.10.11 10.1.10.12 10.1.20.10 10.1.20.20 10.1.100.10"
	[ham]="10.2.10.10 10.2.10.11 10.2.20.10 10.2.20.20"
	[muc]="10.3.1.20 10.3.100.10"
	[per]="172.30.1.10 172.30.2.10 172.30.3.20"
	[inet]="203.0.113.50"
)
for z in "${!ADDRS[@]}"; do
	for a in ${ADDRS[$z]}; do
		ip -n "${NS[$z]}" addr add "$a/32" dev lo || pt_skip "cannot add $a in ${NS[$z]}"
	done
done

# ---- echo servers ----------------------------------------------------------
start_server() { pt_zone_server "$probe" "$@"; }  # zone addrs ports...
pool_local="5062 5063 5064 5065 5071 5072 5073 5074 5075 5086 5087 444"
ports() { local x; for x in "$@"; do echo "tcp/$x"; done; }
# shellcheck disable=SC2046,SC2086
start_server fra "10.1.10.10,10.1.10.11,10.1.20.10,10.1.20.20" \
	$(ports 443 4443 5061 1433 445)
# shellcheck disable=SC2046,SC2086
start_server ham "10.2.10.10,10.2.10.11,10.2.20.10,10.2.20.20" \
	$(ports 443 4443 5061 1433 50433 445 $pool_local)
# shellcheck disable=SC2046
start_server per "172.30.3.20" $(ports 444 5061 443 8057)

# ---- probes ----------------------------------------------------------------
send() {  # zone saddr sport daddr dport timeout_ms -> result word
	ip netns exec "${NS[$1]}" "$probe" send tcp "$2" "$3" "$4" "$5" "$6" 2>&1 | tail -n 1
}
sport=40000
# check EXPECT WHAT ZONE SADDR DADDR DPORT   (EXPECT: pass, drop, base)
check() {
	local expect=$1 what=$2 z=$3 sa=$4 da=$5 dp=$6 got
	sport=$((sport + 1))
	case $expect in
	drop) got=$(send "$z" "$sa" "$sport" "$da" "$dp" 700)
		if [ "$got" = timeout ]; then ok "$what: $sa -> $da:$dp dropped"
		else bad "$what: $sa -> $da:$dp got '$got', want timeout (dropped)"; fi ;;
	*) got=$(send "$z" "$sa" "$sport" "$da" "$dp" 1500)
		if [ "$got" = echo ]; then ok "$what: $sa -> $da:$dp passed"
		else bad "$what: $sa -> $da:$dp got '$got', want echo"; fi ;;
	esac
}

# What must drop, as "WHAT|ZONE|SADDR|DADDR|DPORT".
drops=()
for port in $pool_local; do
	drops+=("pool-local port between the sites' pools|fra|10.1.10.11|10.2.10.11|$port")
done
drops+=(
	"cross-site SQL (Hamburg's named instance)|fra|10.1.10.11|10.2.20.10|50433"
	"cross-site SQL (default port)|fra|10.1.10.11|10.2.20.10|1433"
	"cross-site SQL (Frankfurt's back end)|ham|10.2.10.11|10.1.20.10|1433"
	"cross-site file share|ham|10.2.10.11|10.1.20.20|445"
	"cross-site file share|fra|10.1.10.11|10.2.20.20|445"
	"branch client bypassing the load balancer|muc|10.3.100.10|10.1.10.11|443"
	"internet to the Edge's internal web conferencing port|inet|203.0.113.50|198.51.100.20|8057"
)

# The public addresses of the Edge and the reverse proxy, as fw-external
# would translate them (the generated rules match the inside address).
nat_rules() {
	ip netns exec "${NS[ext]}" nft -f - <<'EOF'
table ip twosites_nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr 198.51.100.20 dnat to 172.30.3.20
		ip daddr 198.51.100.10 dnat to 172.30.1.10
	}
}
EOF
}
nat_rules || { bad "cannot load the DNAT table in fw-external"; finish; }

# 1. No rules: every probe that is to drop reaches its echo server.
for d in "${drops[@]}"; do
	IFS='|' read -r what z sa da dp <<<"$d"
	check base "$what (no rules loaded)" "$z" "$sa" "$da" "$dp"
done

# 2. The generated rules of each firewall.  (Fresh connection tracking is
# not needed: every probe uses a new source port.)
for fw in fw-wan:wan fw-internal:int fw-external:ext; do
	f=${fw%%:*} n=${fw##*:}
	if ! "$bin" firewall "$topo" -t nftables -F "$f" -o "$tmp/$f.nft"; then
		bad "sfbnet firewall $topo -F $f"; finish
	fi
	if ip netns exec "${NS[$n]}" nft -f "$tmp/$f.nft"; then ok "rules of $f loaded"
	else bad "nft -f could not load the rules of $f"; finish; fi
done
if grep -q '10\.1\.10\.10' "$tmp/fw-internal.nft"; then ok "fw-internal's rules name the Frankfurt pool's VIP"
else bad "fw-internal's rules do not name the VIP 10.1.10.10"; fi

check pass "reverse proxy to the Frankfurt pool's VIP" per 172.30.1.10 10.1.10.10 4443
check pass "reverse proxy to the Hamburg pool's VIP" per 172.30.1.10 10.2.10.10 4443
check pass "branch client to the Frankfurt pool's VIP" muc 10.3.100.10 10.1.10.10 443
check pass "branch client to the Hamburg pool's VIP" muc 10.3.100.10 10.2.10.10 443
check pass "internet to the single-IP Edge's web conferencing port (NAT)" inet 203.0.113.50 198.51.100.20 444
check pass "internet to the single-IP Edge's access port (NAT)" inet 203.0.113.50 198.51.100.20 5061
check pass "internet to the single-IP Edge's A/V port (NAT)" inet 203.0.113.50 198.51.100.20 443
check pass "SIP between the sites' pools" fra 10.1.10.11 10.2.10.11 5061
check pass "Frankfurt clients' SIP to the Hamburg pool" fra 10.1.100.10 10.2.10.11 5061
check pass "branch appliance to its central pool" muc 10.3.1.20 10.1.10.11 5061
for d in "${drops[@]}"; do
	IFS='|' read -r what z sa da dp <<<"$d"
	check drop "$what" "$z" "$sa" "$da" "$dp"
done
finish
