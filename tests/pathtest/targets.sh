#!/usr/bin/env bash
# pathtest/targets: destinations that are networks, one firewall's flows,
# and a destination with no responder.
#
# The StarLeaf cloud (host "server") is written as a network (10.99.2.0/24), as the
# internet, partners and Office 365 are: the path test has no address to
# probe and skips its flows.  `--target starleaf-cloud=10.99.2.10` (a role)
# or `--target server=10.99.2.10` (the host) names a responder that stands in
# for it: every flow is probed there and passes through the generated rules
# (which allow the network).  `--firewall fw` keeps the same flows (they all
# cross it); an unknown firewall and malformed --target values are exit 2
# with the reason.  With the responder stopped, the server's kernel answers
# every port itself (TCP resets, ICMP port unreachable): the report says "no
# responder answered at 10.99.2.10" (JSON: responder_answered false) instead
# of a column of "closed" that would read like reject rules.
# usage: targets.sh SFBNET   (from the source directory; root)
set -u
bin=$(realpath "$1")
name=pathtest/targets
here=$(dirname "$0")
# shellcheck source=tests/lib/netns.sh
. "$here/../lib/netns.sh"
pt_need realpath jq nft
pt_setup
tmp=$pt_tmp
tok=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
# The StarLeaf cloud as a network (host "server").
pt_topology "$tmp/topo.yaml" starleaf starleaf-cloud "$PT_C" "network: 10.99.2.0/24"
"$bin" firewall "$tmp/topo.yaml" --target nftables --firewall fw -o "$tmp/fw.nft" &&
	pt_fw_load "$tmp/fw.nft" || { bad "generating or loading the rules"; finish; }

probe() {   # OUT ARGS...
	local out=$1
	shift
	ip netns exec "$CLI" "$bin" probe "$tmp/topo.yaml" --host client --token "$tok" \
		--rate 20000 "$@" >"$out" 2>"$out.err"
}

probe "$tmp/none.json" --format json
rc=$?
if [ "$rc" = 1 ] && jq -e '(.flows | length) == 0 and (.skipped | length) == 2 and
	all(.skipped[]; .reason | test("network, not a host.*--target"))' "$tmp/none.json" >/dev/null; then
	ok "a network destination without --target: its 2 flows skipped, with the hint"
else
	bad "without --target: exit $rc: $(head -c 300 "$tmp/none.json") $(head -2 "$tmp/none.json.err")"
fi

# A responder in the server namespace on the StarLeaf ports.
pt_responder "$tmp/resp.log" "$tmp/topo.yaml" --token "$tok" --duration 120 --mode auto \
	--listen-tcp 50000-59999 --listen-udp 50000-59999 ||
	{ bad "the responder did not start: $(cat "$tmp/resp.log")"; finish; }
for t in starleaf-cloud=$PT_S server=$PT_S; do
	probe "$tmp/t.json" --format json --target "$t"
	rc=$?
	if [ "$rc" = 0 ] && jq -e --arg a "$PT_S" '(.flows | length) == 2 and
		all(.flows[]; .verdict == "pass" and .address == $a and .responder_answered)' "$tmp/t.json" >/dev/null; then
		ok "--target $t: both flows probed at $PT_S and pass ($(jq .ports "$tmp/t.json") ports)"
	else
		bad "--target $t: exit $rc: $(jq -c '[.flows[] | {flow, verdict, address, filtered}]' "$tmp/t.json" 2>/dev/null | head -c 300) $(head -2 "$tmp/t.json.err")"
	fi
done
probe "$tmp/f.json" --format json --target "starleaf-cloud=$PT_S" --firewall fw
rc=$?
[ "$rc" = 0 ] && [ "$(jq '.flows | length' "$tmp/f.json")" = 2 ] &&
	ok "--firewall fw: the same 2 flows (both cross it)" || bad "--firewall fw: exit $rc"

bad_usage() {   # WANT-MESSAGE ARGS...
	local want=$1 err rc
	shift
	err=$(ip netns exec "$CLI" "$bin" probe "$tmp/topo.yaml" --host client --token "$tok" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = 2 ] && grep -q -- "$want" <<<"$err"; then ok "probe $*: exit 2, '$want'"
	else bad "probe $*: exit $rc: $err"; fi
}
bad_usage "no-such-fw" --firewall no-such-fw
bad_usage "write ROLE=ADDRESS" --target starleaf-cloud
bad_usage "not an IPv4 or IPv6 address" --target starleaf-cloud=10.99.2.300
bad_usage "neither a host of the topology nor a role" --target nobody=10.99.2.10

# No responder at all: the server's kernel refuses every port.
kill "$rpid" 2>/dev/null
pt_wait "$rpid" 10
probe "$tmp/silent.txt" --target "starleaf-cloud=$PT_S" --single-pass --timeout 200
rc=$?
n=$(grep -c "no responder answered at $PT_S" "$tmp/silent.txt")
if [ "$rc" = 1 ] && [ "$n" = 2 ] && ! grep -q "; closed " "$tmp/silent.txt"; then
	ok "no responder: both flows say 'no responder answered at $PT_S', no column of closed"
else
	bad "no responder: exit $rc, $n notes: $(head -5 "$tmp/silent.txt")"
fi
probe "$tmp/silent.json" --format json --target "starleaf-cloud=$PT_S" --single-pass --timeout 200
jq -e 'all(.flows[]; .responder_answered == false and .verdict == "fail")' "$tmp/silent.json" >/dev/null &&
	ok "no responder: JSON responder_answered false on every flow" ||
	bad "no responder: JSON $(jq -c '[.flows[] | {flow, responder_answered, verdict}]' "$tmp/silent.json" 2>/dev/null)"
finish
