#!/usr/bin/env bash
# Real packets through the nftables rules sfbnet generates for
# examples/teams-interop.yaml (profile teams-interop, topology version 2):
#
#   z-in (clients 10.40.64.0/18) --+
#                                  [fw-edge]-- z-inet (Teams 52.112.0.0/14,
#   z-dmz (SBC 172.21.0.10) -------+            52.122.0.0/15, and others)
#
# Every zone and the firewall is a network namespace made here (names carry
# $$); the Teams addresses exist only on lo inside z-inet.  pktprobe sends
# TCP and UDP probes from chosen addresses and source ports; an echo server
# answers at the destination (replies ride on connection tracking).
#
# What must pass: Teams SIP proxy -> SBC SIP (TCP, the SBC's own port 5067
# from ports:), media processor -> SBC media range and SBC -> media
# processor range (UDP ranges), client -> SBC direct media from 50000-50019
# and client -> transport relay from the QoS audio ports (source-port
# constrained).  What must drop: the same client media from other source
# ports, the SBC's SIP on the catalog's default 5061 (replaced by 5067),
# media outside the SBC's range, SIP from a non-Teams internet address.
# Every probe that must drop is first sent with no rules loaded and must
# pass: the drop is the rules' doing, not routing's.
#
# usage: netns_teams_interop.sh SFBNET PKTPROBE   (from the source directory)
set -u
bin=$1
probe=$2
topo=examples/teams-interop.yaml
name=netns-teams-interop
# ok, bad, finish, pt_skip, the EXIT trap and the pt_zone* helpers
# (tests/lib/netns.sh).
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
tmp=$pt_tmp

pt_zones_need "$probe"
pt_zones_make "ti$$" in dmz inet fw
ip netns exec "${NS[fw]}" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward' ||
	pt_skip "cannot enable forwarding in ${NS[fw]}"

# link ZONE NET: a veth pair, firewall side .1, zone side .2 of 100.64.NET.0/30
link() {
	local fw=${NS[fw]} zone=${NS[$1]} net=$2
	ip -n "$fw" link add "to$1" type veth peer name tofw netns "$zone" &&
	ip -n "$fw" addr add "100.64.$net.1/30" dev "to$1" && ip -n "$fw" link set "to$1" up &&
	ip -n "$zone" addr add "100.64.$net.2/30" dev tofw && ip -n "$zone" link set tofw up &&
	ip -n "$zone" route add default via "100.64.$net.1"
}
{
	link in 1 && link dmz 2 && link inet 3 &&
	ip -n "${NS[fw]}" route add 10.40.0.0/16 via 100.64.1.2 &&
	ip -n "${NS[fw]}" route add 172.21.0.0/24 via 100.64.2.2 &&
	ip -n "${NS[fw]}" route add default via 100.64.3.2
} 2>"$tmp/setup.err" || { cat "$tmp/setup.err"; pt_skip "cannot wire the namespaces"; }

CLIENT=10.40.64.10 SBC=172.21.0.10 PROXY=52.112.1.10 MP=52.122.7.20 OTHER=198.51.100.77
declare -A ADDRS=([in]="$CLIENT" [dmz]="$SBC" [inet]="$PROXY $MP $OTHER")
for z in "${!ADDRS[@]}"; do
	for a in ${ADDRS[$z]}; do
		ip -n "${NS[$z]}" addr add "$a/32" dev lo || pt_skip "cannot add $a in ${NS[$z]}"
	done
done

pt_zone_server "$probe" dmz "$SBC" tcp/5067 tcp/5061 udp/41000 udp/45000 udp/39999
pt_zone_server "$probe" inet "$PROXY,$MP" udp/3478 udp/50500

# check EXPECT WHAT ZONE PROTO SADDR SPORT DADDR DPORT   (EXPECT: pass, drop, base)
check() {
	local expect=$1 what=$2 z=$3 pr=$4 sa=$5 sp=$6 da=$7 dp=$8 got want=echo
	[ "$expect" = drop ] && want=timeout
	got=$(ip netns exec "${NS[$z]}" "$probe" send "$pr" "$sa" "$sp" "$da" "$dp" \
		"$([ "$expect" = drop ] && echo 700 || echo 1500)" 2>&1 | tail -n 1)
	if [ "$got" = "$want" ]; then ok "$what: $pr $sa:$sp -> $da:$dp ${expect/base/passed}"
	else bad "$what: $pr $sa:$sp -> $da:$dp got '$got', want $want"; fi
}

# What must drop, as "WHAT|ZONE|PROTO|SADDR|SPORT|DADDR|DPORT".  Each list
# uses its own source ports: no probe finds a connection-tracking entry
# of an earlier one.
drops=(
	"client media to the SBC from outside 50000-50019|in|udp|$CLIENT|50100|$SBC|41000"
	"client media to a relay from outside the QoS audio ports|in|udp|$CLIENT|40000|$MP|3478"
	"Teams SIP to the catalog's default 5061 (the SBC listens on 5067)|inet|tcp|$PROXY|40001|$SBC|5061"
	"media processor to a port outside the SBC's media range|inet|udp|$MP|49300|$SBC|39999"
	"SIP from an internet address outside the Teams ranges|inet|tcp|$OTHER|40002|$SBC|5067"
)
# Base: with no rules, each of them reaches its echo server (other source
# ports than the real run below, for the same reason).
for d in "${drops[@]}"; do
	IFS='|' read -r what z pr sa sp da dp <<<"$d"
	check base "$what (no rules loaded)" "$z" "$pr" "$sa" "$((sp + 7))" "$da" "$dp"
done

if ! "$bin" firewall "$topo" -t nftables -o "$tmp/fw-edge.nft"; then
	bad "sfbnet firewall $topo -t nftables"; finish
fi
if ip netns exec "${NS[fw]}" nft -f "$tmp/fw-edge.nft"; then ok "rules of fw-edge loaded"
else bad "nft -f could not load the rules of fw-edge"; finish; fi

check pass "Teams SIP proxy to the SBC's SIP port (TCP)" inet tcp "$PROXY" 40010 "$SBC" 5067
check pass "media processor to the SBC's media range (UDP range)" inet udp "$MP" 49200 "$SBC" 45000
check pass "SBC to a media processor port (UDP range)" dmz udp "$SBC" 41000 "$MP" 50500
check pass "client direct media to the SBC from 50000-50019 (source-port constrained)" \
	in udp "$CLIENT" 50005 "$SBC" 41000
check pass "client media to a relay from the QoS audio ports (source-port constrained)" \
	in udp "$CLIENT" 50010 "$MP" 3478
for d in "${drops[@]}"; do
	IFS='|' read -r what z pr sa sp da dp <<<"$d"
	check drop "$what" "$z" "$pr" "$sa" "$sp" "$da" "$dp"
done
finish
