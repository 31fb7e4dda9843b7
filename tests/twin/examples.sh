#!/usr/bin/env bash
# twin/examples: `sfbnet twin` on every bundled example builds the
# topology in namespaces with the generated rules, and every required flow
# passes while nothing unplanned gets through.  Ports are sampled (--sample
# 64: both ends of each range and 62 between) to keep the suite short; the
# on-premises Edge example runs on every port, without and with the NAT.
# Afterwards no namespace of the run is left.
# usage: examples.sh SFBNET   (from the source directory; root)
set -u
bin=$(realpath "$1")
name=twin/examples
here=$(dirname "$0")
# shellcheck source=tests/lib/netns.sh
. "$here/../lib/netns.sh"
pt_need conntrack
pt_need_netns
tmp=$pt_tmp

# twin OUT ARGS...: run it in the background (its pid names its namespaces),
# then check that none is left.
twin() {
	local out=$1 pid
	shift
	"$bin" twin "$@" --format json -o "$out" 2>"$out.err" &
	pid=$!
	pt_pids+=("$pid")
	wait "$pid"
	rc=$?
	left=$(ip netns list | grep -c "^sfbt$pid-")
}

for ex in examples/*.yaml; do
	b=$(basename "$ex" .yaml)
	twin "$tmp/$b.json" "$ex" --sample 64
	if [ "$rc" = 0 ] && jq -e '.ok and .summary.fail == 0 and .summary.partial == 0 and
	    .summary.unexpected == 0 and .summary.pass > 0 and .summary.unplanned > 0' \
	    "$tmp/$b.json" >/dev/null; then
		ok "$b: $(jq -r '"\(.summary.pass) flow destinations pass, \(.summary.unplanned) unplanned probe sets blocked, \(.ports) ports"' "$tmp/$b.json")"
	else
		bad "$b: exit $rc: $(head -c 300 "$tmp/$b.json.err") $(jq -c '[.flows[] | select(.verdict != "pass") | {flow, protocol, source, destination, filtered, closed}] + [.unplanned[] | select(.verdict != "blocked")]' "$tmp/$b.json" 2>/dev/null | head -c 600)"
	fi
	[ "$left" = 0 ] && ok "$b: no namespace left" || bad "$b: $left namespace(s) left"
done

# Every port of every flow, with and without the NAT.
for nat in "" --nat; do
	twin "$tmp/full$nat.json" examples/onprem-edge.yaml $nat
	if [ "$rc" = 0 ] && jq -e '.ok and .summary.fail == 0 and .summary.partial == 0 and .summary.unexpected == 0' "$tmp/full$nat.json" >/dev/null; then
		ok "onprem-edge${nat:+ $nat}, every port: $(jq -r '"\(.summary.pass) pass, \(.ports) ports"' "$tmp/full$nat.json")"
	else
		bad "onprem-edge${nat:+ $nat}, every port: exit $rc: $(head -c 300 "$tmp/full$nat.json.err") $(jq -c '[.flows[] | select(.verdict != "pass") | {flow, protocol, source, destination, filtered}]' "$tmp/full$nat.json" 2>/dev/null | head -c 600)"
	fi
done
# The relay range is probed whole, and the NAT run reaches the Edge on its
# public addresses from the internet.
jq -e '[.flows[] | select(.flow == "po-av-edge-relay-out")] | length > 0 and all(.port_count == 10000)' \
	"$tmp/full.json" >/dev/null && ok "the relay range 50000-59999 is probed on all 10000 ports" ||
	bad "relay range: $(jq -c '[.flows[] | select(.flow == "po-av-edge-relay-out") | .port_count]' "$tmp/full.json")"
pub=$(jq -r '[.flows[] | select(.destination == "edge1" and (.address | startswith("203.0.113."))) | .address] | unique | join(",")' "$tmp/full--nat.json")
inside=$(jq -r '[.flows[] | select(.destination == "edge1" and (.address | startswith("203.0.113."))) | .address] | length' "$tmp/full.json")
[ "$pub" = "203.0.113.21,203.0.113.22,203.0.113.23" ] && [ "$inside" = 0 ] &&
	ok "with --nat the internet reaches edge1 on $pub (without: on its inside addresses)" ||
	bad "public addresses with --nat: '$pub'; without: $inside"
finish
