#!/usr/bin/env bash
# pathtest/source-address: the path test on hosts with more than one address,
# as an Edge has (an internal and three external addresses on one NIC) and a
# Pexip node whose address is not its NIC's first.
#
# The client and the server namespaces each get a second address next to
# their first (10.99.1.20 beside 10.99.1.10; 10.99.2.20 beside 10.99.2.10).
# The topology puts the client host and the StarLeaf server on the second
# addresses, and the firewall namespace loads `sfbnet firewall --target
# nftables` for it: only 10.99.1.20 may reach 10.99.2.20.  Then, for the
# responder in bind mode and in tproxy mode (when the kernel has TPROXY):
#   - `sfbnet probe` with default options passes every flow (exit 0): each
#     flow leaves from its source endpoint's address (the JSON says which,
#     "source"), not the kernel's choice (the first address, which the rules
#     drop), and the responder answers UDP from the address the probe reached
#     (the prober's connected socket takes nothing from another address);
#   - `--source 10.99.1.10` sends from the first address: the firewall drops
#     it, every port is filtered, exit 1;
# and, with a topology that puts the client on 10.99.1.30, which the client
# namespace does not hold: every flow is skipped with "does not hold" and
# nothing is sent (exit 1).
# usage: source_address.sh SFBNET   (from the source directory; root)
set -u
bin=$(realpath "$1")
name=pathtest/source-address
here=$(dirname "$0")
# shellcheck source=tests/lib/netns.sh
. "$here/../lib/netns.sh"
pt_need realpath jq nft
pt_setup
tmp=$pt_tmp
tok=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
C2=10.99.1.20 S2=10.99.2.20

ip -n "$CLI" addr add "$C2/24" dev eth0 && ip -n "$SRV" addr add "$S2/24" dev eth0 ||
	pt_skip "cannot add the second addresses"
topo() { pt_topology "$1" starleaf starleaf-cloud "$2" "address: $S2"; }   # FILE CLIENT-ADDRESS
topo "$tmp/topo.yaml" "$C2"
"$bin" firewall "$tmp/topo.yaml" --target nftables --firewall fw -o "$tmp/fw.nft" ||
	{ bad "sfbnet firewall"; finish; }
pt_fw_load "$tmp/fw.nft" || { bad "loading the generated rules"; finish; }
grep -q "$C2" "$tmp/fw.nft" && ! grep -q "10\.99\.1\.10" "$tmp/fw.nft" &&
	ok "the rules name the client's second address, not its first" ||
	bad "the rules do not name $C2 alone: $(grep -m3 "10\.99\.1\." "$tmp/fw.nft")"

probe() {   # OUT ARGS...
	local out=$1
	shift
	ip netns exec "$CLI" "$bin" probe "$tmp/topo.yaml" --host client --token "$tok" \
		--format json --rate 20000 "$@" >"$out" 2>"$out.err"
}

# Bind mode opens a socket per port: the StarLeaf flows have 20,000, more
# than a test may count on; it listens on 50000-50099 of each protocol only,
# and those ports must be open (the others are closed: no listener).
modes=(bind)
if pt_have_tproxy; then modes+=(tproxy); else echo "note: no TPROXY in this kernel: bind mode only"; fi
for mode in "${modes[@]}"; do
	listen=(--host server)
	[ "$mode" = bind ] && listen=(--listen-tcp 50000-50099 --listen-udp 50000-50099)
	pt_responder "$tmp/resp-$mode.log" "$tmp/topo.yaml" --token "$tok" \
		--duration 120 --mode "$mode" "${listen[@]}" ||
		{ bad "$mode: the responder did not start: $(cat "$tmp/resp-$mode.log")"; continue; }
	probe "$tmp/p-$mode.json"
	rc=$?
	nflows=$(jq '.flows | length' "$tmp/p-$mode.json" 2>/dev/null || echo 0)
	if [ "$mode" = bind ]; then
		# The listened ports open, the rest closed: nothing filtered.
		if [ "$nflows" -gt 0 ] && jq -e 'all(.flows[]; .open == "50000-50099" and .filtered == "" and
			.closed != "")' "$tmp/p-$mode.json" >/dev/null; then
			ok "$mode: from the second address, 50000-50099 open on every flow ($nflows flows)"
		else
			bad "$mode: exit $rc; $(jq -c '[.flows[] | {flow, protocol, open, filtered}]' "$tmp/p-$mode.json" 2>/dev/null | head -c 600) $(head -3 "$tmp/p-$mode.json.err")"
		fi
	elif [ "$rc" = 0 ] && [ "$nflows" -gt 0 ] &&
		jq -e 'all(.flows[]; .verdict == "pass")' "$tmp/p-$mode.json" >/dev/null; then
		ok "$mode: every flow passes from the second address ($nflows flows, $(jq .ports "$tmp/p-$mode.json") ports)"
	else
		bad "$mode: exit $rc; $(jq -c '[.flows[] | {flow, protocol, verdict, filtered}]' "$tmp/p-$mode.json" 2>/dev/null | head -c 600) $(head -3 "$tmp/p-$mode.json.err")"
	fi
	src=$(jq -r '[.flows[].source] | unique | join(",")' "$tmp/p-$mode.json" 2>/dev/null)
	[ "$src" = "$C2" ] && ok "$mode: every flow sent from $C2" || bad "$mode: sources '$src', want $C2"
	udp=$(jq '[.flows[] | select(.protocol == "udp")] | length' "$tmp/p-$mode.json" 2>/dev/null)
	[ "${udp:-0}" -gt 0 ] && ok "$mode: $udp UDP flows among them (answered from $S2)" ||
		bad "$mode: no UDP flow was probed"

	probe "$tmp/q-$mode.json" --source 10.99.1.10 --timeout 200 --single-pass
	rc=$?
	if [ "$rc" = 1 ] && jq -e 'all(.flows[]; .open == "" and .filtered != "")' "$tmp/q-$mode.json" >/dev/null; then
		ok "$mode: --source 10.99.1.10: the firewall drops every port (exit 1)"
	else
		bad "$mode: --source 10.99.1.10: exit $rc; $(jq -c '[.flows[] | {flow, verdict, open}]' "$tmp/q-$mode.json" 2>/dev/null | head -c 400)"
	fi
	kill "$rpid" 2>/dev/null
	pt_wait "$rpid" 10
done

topo "$tmp/topo30.yaml" 10.99.1.30
ip netns exec "$CLI" "$bin" probe "$tmp/topo30.yaml" --host client --token "$tok" --format json \
	>"$tmp/r.json" 2>"$tmp/r.err"
rc=$?
if [ "$rc" = 1 ] && jq -e '(.flows | length) == 0 and (.skipped | length) > 0 and
	all(.skipped[]; .reason | test("does not hold the flow.s source address"))' "$tmp/r.json" >/dev/null; then
	ok "a source address the machine does not hold: every flow says so ($(jq '.skipped | length' "$tmp/r.json")), nothing sent, exit 1"
else
	bad "a source address not held: exit $rc; $(head -c 400 "$tmp/r.json")"
fi
finish
