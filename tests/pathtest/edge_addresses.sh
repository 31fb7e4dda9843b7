#!/usr/bin/env bash
# pathtest/edge-addresses: the path test through an Edge Server as it is
# built: an internal and three external addresses on one interface, behind
# an external firewall loaded with the rules sfbnet generates.
#
# Namespaces (tests/lib/netns.sh): the outside (10.99.1.10: remote users,
# federation and XMPP partners, the internet), the firewall, and the Edge
# (10.99.2.10 internal, .21 Access, .22 Web Conferencing, .23 A/V, all on
# eth0; the internal one first, so it is what the kernel would pick).  The
# Skype directory is a network (no address): `--target skype-directory=
# 10.99.1.10` stands a responder in for it.
#   - inbound: the responder on the Edge (bind mode, then tproxy mode), the
#     prober outside: every flow to the Access, Web Conferencing and A/V
#     addresses passes;
#   - outbound: the responder outside, the prober on the Edge with default
#     options but the rate (each flow leaves from the address of the Edge
#     endpoint it starts at): every Edge-outbound flow passes (federation
#     5061, XMPP 5269, the Skype directory 443, CRL 80, DNS 53, the relay
#     range 50000-59999, STUN 3478 and 443);
#   - from the internal address instead (--source 10.99.2.10, what the
#     kernel picked before the prober bound each flow's source): every
#     flow is dropped by those same rules;
#   - the same outbound run through the rules without the one for
#     po-im-fed-sip-out: that flow fails (5061 filtered), every other passes.
# usage: edge_addresses.sh SFBNET   (from the source directory; root)
set -u
bin=$(realpath "$1")
name=pathtest/edge-addresses
here=$(dirname "$0")
# shellcheck source=tests/lib/netns.sh
. "$here/../lib/netns.sh"
pt_need realpath jq nft
pt_setup
tmp=$pt_tmp
tok=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
for a in 21 22 23; do
	ip -n "$SRV" addr add "10.99.2.$a/24" dev eth0 || pt_skip "cannot add 10.99.2.$a"
done
cat >"$tmp/topo.yaml" <<EOT
version: 1
name: an Edge on one interface
sip_domains: [pathtest.example]
profiles: [sfb-edge]
zones:
  - { name: perimeter, networks: [10.99.2.0/24] }
  - { name: internet }
firewalls:
  - { name: fw-external, between: [perimeter, internet] }
hosts:
  - name: edge1
    endpoints:
      - { zone: perimeter, address: $PT_S, fqdn: edge1.pathtest.example, roles: [edge-internal] }
      - { zone: perimeter, address: 10.99.2.21, fqdn: access.pathtest.example, roles: [edge-access] }
      - { zone: perimeter, address: 10.99.2.22, fqdn: webcon.pathtest.example, roles: [edge-webconf] }
      - { zone: perimeter, address: 10.99.2.23, fqdn: av.pathtest.example, roles: [edge-av] }
  - name: outside
    endpoints:
      - { zone: internet, address: $PT_C, roles: [remote-client, federated-partner, xmpp-partner, internet] }
  - name: skype
    endpoints:
      - { zone: internet, roles: [skype-directory] }
EOT
"$bin" firewall "$tmp/topo.yaml" --target nftables --firewall fw-external -o "$tmp/fw.nft" 2>"$tmp/fw.err" ||
	{ bad "sfbnet firewall: $(cat "$tmp/fw.err")"; finish; }
grep -v 'comment "po-im-fed-sip-out:' "$tmp/fw.nft" >"$tmp/fw-missing.nft"
[ "$(($(wc -l <"$tmp/fw.nft") - $(wc -l <"$tmp/fw-missing.nft")))" = 1 ] &&
	ok "the broken copy lacks exactly the po-im-fed-sip-out rule" ||
	bad "the broken copy: $(diff "$tmp/fw.nft" "$tmp/fw-missing.nft" | head -5)"
pt_fw_load "$tmp/fw.nft" || { bad "loading the generated rules"; finish; }

# ---- inbound: the prober outside, the responder on the Edge --------------
modes=(bind)
pt_have_tproxy && modes+=(tproxy)
for mode in "${modes[@]}"; do
	pt_responder "$tmp/edge-$mode.log" "$tmp/topo.yaml" --host edge1 --token "$tok" \
		--duration 120 --mode "$mode" || { bad "inbound/$mode: responder: $(cat "$tmp/edge-$mode.log")"; continue; }
	ip netns exec "$CLI" "$bin" probe "$tmp/topo.yaml" --host outside --token "$tok" --to edge1 \
		--rate 20000 --format json >"$tmp/in-$mode.json" 2>"$tmp/in-$mode.err"
	rc=$?
	n=$(jq '.flows | length' "$tmp/in-$mode.json" 2>/dev/null || echo 0)
	addrs=$(jq -r '[.flows[].address] | unique | join(",")' "$tmp/in-$mode.json" 2>/dev/null)
	if [ "$rc" = 0 ] && [ "$n" -ge 6 ] && jq -e 'all(.flows[]; .verdict == "pass")' "$tmp/in-$mode.json" >/dev/null; then
		ok "inbound/$mode: all $n flows pass, to $addrs"
	else
		bad "inbound/$mode: exit $rc: $(jq -c '[.flows[] | select(.verdict != "pass") | {flow, protocol, address, filtered}]' "$tmp/in-$mode.json" 2>/dev/null | head -c 500)"
	fi
	[ "$addrs" = "10.99.2.21,10.99.2.22,10.99.2.23" ] && ok "inbound/$mode: to the three external addresses" ||
		bad "inbound/$mode: addresses '$addrs'"
	kill "$rpid" 2>/dev/null
	pt_wait "$rpid" 10
done

# ---- outbound: the responder outside, the prober on the Edge -------------
pt_responder_in "$CLI" "$tmp/out.log" "$tmp/topo.yaml" --host outside --token "$tok" --duration 120 ||
	{ bad "outbound: responder: $(cat "$tmp/out.log")"; finish; }
outbound() {   # OUT
	ip netns exec "$SRV" "$bin" probe "$tmp/topo.yaml" --host edge1 --token "$tok" --rate 20000 \
		--target "skype-directory=$PT_C" --format json >"$1" 2>"$1.err"
}
outbound "$tmp/out.json"
rc=$?
n=$(jq '.flows | length' "$tmp/out.json" 2>/dev/null || echo 0)
if [ "$rc" = 0 ] && [ "$n" -ge 10 ] && jq -e 'all(.flows[]; .verdict == "pass")' "$tmp/out.json" >/dev/null; then
	ok "outbound: all $n Edge-outbound flows pass"
else
	bad "outbound: exit $rc ($n flows): $(jq -c '[.flows[] | select(.verdict != "pass") | {flow, protocol, source, filtered}]' "$tmp/out.json" 2>/dev/null | head -c 500) $(jq -c '.skipped' "$tmp/out.json" 2>/dev/null | head -c 300)"
fi
want='po-im-fed-sip-out 10.99.2.21
po-av-edge-relay-out 10.99.2.23
po-edge-dns 10.99.2.21
po-im-skype-search-out 10.99.2.21'
while read -r f a; do
	got=$(jq -r --arg f "$f" '[.flows[] | select(.flow == $f) | .source] | unique | join(",")' "$tmp/out.json" 2>/dev/null)
	[ "$got" = "$a" ] && ok "outbound: $f leaves from $a" || bad "outbound: $f leaves from '$got', want $a"
done <<<"$want"
jq -e '(.skipped | length) == 0' "$tmp/out.json" >/dev/null && ok "outbound: nothing skipped (the directory through --target)" ||
	bad "outbound: skipped $(jq -c .skipped "$tmp/out.json")"

# What the kernel's own choice gave before: everything from the internal
# address, which the rules rightly drop.
ip netns exec "$SRV" "$bin" probe "$tmp/topo.yaml" --host edge1 --token "$tok" --rate 20000 \
	--target "skype-directory=$PT_C" --source "$PT_S" --single-pass --timeout 200 --format json \
	>"$tmp/internal.json" 2>/dev/null
rc=$?
if [ "$rc" = 1 ] && jq -e 'all(.flows[]; .open == "" and .verdict == "fail")' "$tmp/internal.json" >/dev/null; then
	ok "outbound from the internal address (--source $PT_S): every flow dropped, as the rules say"
else
	bad "outbound from the internal address: exit $rc: $(jq -c '[.flows[] | {flow, open}]' "$tmp/internal.json" 2>/dev/null | head -c 300)"
fi

pt_fw_load "$tmp/fw-missing.nft" || { bad "loading the broken rules"; finish; }
outbound "$tmp/miss.json"
rc=$?
failing=$(jq -r '[.flows[] | select(.verdict != "pass") | "\(.flow)/\(.protocol)"] | join(",")' "$tmp/miss.json" 2>/dev/null)
if [ "$rc" = 1 ] && [ "$failing" = "po-im-fed-sip-out/tcp" ] &&
	jq -e '.flows[] | select(.flow == "po-im-fed-sip-out") | .filtered == "5061" and .verdict == "fail"' "$tmp/miss.json" >/dev/null; then
	ok "without its rule: exactly po-im-fed-sip-out fails (5061 filtered), every other flow passes"
else
	bad "without its rule: exit $rc, failing: '$failing'"
fi
finish
