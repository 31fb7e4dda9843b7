#!/usr/bin/env bash
# pathtest/edge-two-nics: the path test on an Edge built as Microsoft
# prescribes with two network cards: the default gateway on the external
# card only, the internal networks reached through a persistent static
# route on the internal card (docs/pathtest.md, "Standing in for a Windows
# server").
#
# Namespaces: the outside (10.99.1.10), the external firewall (rules from
# `sfbnet firewall --firewall fw-external`), the Edge, and an internal
# router holding the Front End's address (10.99.4.10).  The Edge has eth0
# (external: 10.99.2.21 Access, .22 Web Conferencing, .23 A/V; default
# route via the firewall) and eth1 (internal: 10.99.3.2, no gateway; a
# static route to 10.99.4.0/24 via 10.99.3.1).
#   - internal -> Edge: the responder on the Edge (bind mode), the prober on
#     the Front End: every flow to the internal address passes (the answers
#     leave through eth1 by the static route, not the default gateway);
#   - Edge -> internal: the responder on the Front End, the prober on the
#     Edge: po-im-sip-from-edge leaves from 10.99.3.2 and passes;
#   - Edge -> outside: every Edge-outbound flow passes through the external
#     firewall, each from its own external address;
#   - without the static route, Edge -> internal fails: the packets take the
#     default gateway, where the external firewall drops them.
# usage: edge_two_nics.sh SFBNET   (from the source directory; root)
set -u
bin=$(realpath "$1")
name=pathtest/edge-two-nics
here=$(dirname "$0")
# shellcheck source=tests/lib/netns.sh
. "$here/../lib/netns.sh"
pt_need realpath jq nft
pt_setup
tmp=$pt_tmp
tok=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
INT=pti$$g$pt_gen
ip netns add "$INT" 2>/dev/null || pt_skip "cannot create network namespace $INT"
pt_made+=("$INT")
{
	for a in 21 22 23; do ip -n "$SRV" addr add "10.99.2.$a/24" dev eth0; done &&
	ip -n "$SRV" link add eth1 type veth peer name eth0 netns "$INT" &&
	ip -n "$SRV" addr add 10.99.3.2/24 dev eth1 && ip -n "$SRV" link set eth1 up &&
	ip -n "$SRV" route add 10.99.4.0/24 via 10.99.3.1 dev eth1 &&
	ip -n "$INT" link set lo up && ip -n "$INT" addr add 10.99.3.1/24 dev eth0 &&
	ip -n "$INT" addr add 10.99.4.10/24 dev lo && ip -n "$INT" link set eth0 up &&
	ip netns exec "$INT" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'
} 2>"$tmp/setup.err" || { cat "$tmp/setup.err"; pt_skip "cannot set up the Edge's second card"; }
# The Edge's internal address is eth1's only; eth0's first address stays
# 10.99.2.10, which no endpoint of the topology uses.

cat >"$tmp/topo.yaml" <<EOT
version: 1
name: an Edge with two network cards
sip_domains: [pathtest.example]
profiles: [sfb-server, sfb-edge]
simple_urls: { meet: meet.pathtest.example, dialin: dialin.pathtest.example, admin: admin.pathtest.example }
pools:
  - { fqdn: pool.pathtest.example }
zones:
  - { name: internal, networks: [10.99.4.0/24] }
  - { name: perimeter, networks: [10.99.2.0/24, 10.99.3.0/24] }
  - { name: internet }
firewalls:
  - { name: fw-internal, between: [internal, perimeter] }
  - { name: fw-external, between: [perimeter, internet] }
hosts:
  - name: fe1
    pool: pool.pathtest.example
    endpoints:
      - { zone: internal, address: 10.99.4.10, fqdn: fe1.pathtest.example, roles: [front-end] }
  - name: edge1
    endpoints:
      - { zone: perimeter, address: 10.99.3.2, fqdn: edge1.pathtest.example, roles: [edge-internal] }
      - { zone: perimeter, address: 10.99.2.21, fqdn: access.pathtest.example, roles: [edge-access] }
      - { zone: perimeter, address: 10.99.2.22, fqdn: webcon.pathtest.example, roles: [edge-webconf] }
      - { zone: perimeter, address: 10.99.2.23, fqdn: av.pathtest.example, roles: [edge-av] }
  - name: outside
    endpoints:
      - { zone: internet, address: $PT_C, roles: [remote-client, federated-partner, xmpp-partner, internet] }
EOT
"$bin" firewall "$tmp/topo.yaml" --target nftables --firewall fw-external -o "$tmp/fw.nft" 2>"$tmp/fw.err" &&
	pt_fw_load "$tmp/fw.nft" || { bad "the external rules: $(cat "$tmp/fw.err")"; finish; }

probe_in() {   # NS OUT ARGS...
	local ns=$1 out=$2
	shift 2
	ip netns exec "$ns" "$bin" probe "$tmp/topo.yaml" --token "$tok" --rate 20000 --format json \
		"$@" >"$out" 2>"$out.err"
}
all_pass() {   # LABEL FILE MIN-FLOWS
	local n rc=$4
	n=$(jq '.flows | length' "$2" 2>/dev/null || echo 0)
	if [ "$rc" = 0 ] && [ "$n" -ge "$3" ] && jq -e 'all(.flows[]; .verdict == "pass")' "$2" >/dev/null; then
		ok "$1: all $n flows pass"
	else
		bad "$1: exit $rc ($n flows): $(jq -c '[.flows[] | select(.verdict != "pass") | {flow, protocol, source, filtered, closed}]' "$2" 2>/dev/null | head -c 400) $(head -2 "$2.err")"
	fi
}

# internal -> Edge
pt_responder_in "$SRV" "$tmp/edge.log" "$tmp/topo.yaml" --host edge1 --token "$tok" --duration 120 \
	--mode bind || { bad "Edge responder: $(cat "$tmp/edge.log")"; finish; }
probe_in "$INT" "$tmp/in.json" --host fe1 --to edge1
all_pass "Front End -> Edge internal (answers through eth1)" "$tmp/in.json" 5 $?
kill "$rpid" 2>/dev/null
pt_wait "$rpid" 10

# Edge -> internal, and Edge -> outside
pt_responder_in "$INT" "$tmp/fe.log" "$tmp/topo.yaml" --host fe1 --token "$tok" --duration 120 \
	--mode bind || { bad "Front End responder: $(cat "$tmp/fe.log")"; finish; }
fe_rpid=$rpid
probe_in "$SRV" "$tmp/out-int.json" --host edge1 --to fe1
all_pass "Edge -> Front End (static route on eth1)" "$tmp/out-int.json" 1 $?
src=$(jq -r '[.flows[].source] | unique | join(",")' "$tmp/out-int.json" 2>/dev/null)
[ "$src" = 10.99.3.2 ] && ok "Edge -> Front End: from the internal address 10.99.3.2" ||
	bad "Edge -> Front End: from '$src'"

pt_responder_in "$CLI" "$tmp/out.log" "$tmp/topo.yaml" --host outside --token "$tok" --duration 120 ||
	{ bad "outside responder: $(cat "$tmp/out.log")"; finish; }
probe_in "$SRV" "$tmp/out-ext.json" --host edge1 --to outside --firewall fw-external
all_pass "Edge -> outside (the default gateway on eth0)" "$tmp/out-ext.json" 8 $?

# Without the persistent route the internal networks are behind the
# default gateway: the external firewall drops what the Edge sends there.
ip -n "$SRV" route del 10.99.4.0/24 via 10.99.3.1 dev eth1
probe_in "$SRV" "$tmp/noroute.json" --host edge1 --to fe1 --single-pass --timeout 200
rc=$?
if [ "$rc" = 1 ] && jq -e 'all(.flows[]; .open == "" and .verdict == "fail")' "$tmp/noroute.json" >/dev/null; then
	ok "without the static route: Edge -> Front End fails on every flow"
else
	bad "without the static route: exit $rc: $(jq -c '[.flows[] | {flow, open}]' "$tmp/noroute.json" 2>/dev/null | head -c 300)"
fi
: "$fe_rpid"
finish
