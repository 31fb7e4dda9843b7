#!/usr/bin/env bash
# bench/prober_scale.sh — the prober's ports per second on the largest flow
# set a topology gives: a Pexip Conferencing Node's media to Skype for
# Business, TCP and UDP on every port (px-media-node-to-sfb, "any"), to
# five endpoints (results: docs/benchmarks.md, "Path test: the largest flow
# set").
#
#  1. builds a Release sfbnet in bench/build (incremental);
#  2. the setup (tests/lib/netns.sh): client 10.99.1.10 (the Pexip node) —
#     firewall (ruleset: policy accept, nothing else) — server 10.99.2.10
#     plus .11 .. .14 on one card; the topology has the Pexip profile only
#     and one host "sfb" with five endpoints (client, front-end,
#     edge-internal, edge-av, and a second client), so the node's flows
#     reach 5 x 2 x 65,535 = 655,350 ports, plus the other Pexip flows;
#     `sfbnet responder --host sfb --mode tproxy` answers for all of them;
#  3. times `sfbnet probe TOPO --host node --token T --rate R` for each R in
#     BENCH_RATES (default "50000 100000 200000") and reports wall time, ports,
#     ports per second and whether every port was open.
# Every packet stays in the namespaces made here; the EXIT trap deletes them
# and ends the responder.  Exit 77 without root, namespaces or TPROXY.
set -u
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 3
bdir=${BENCH_BUILD:-bench/build}
rates=${BENCH_RATES:-50000 100000 200000}
# Engines to compare, each with every rate: connect (a socket per port) and
# raw (SYNs through a raw socket, UDP in batches).
engines=${BENCH_ENGINES:-connect raw}
# Extra probe options for every run, e.g. the fast setting's
# BENCH_ARGS="--timeout 50 --single-pass".
read -r -a extra <<<"${BENCH_ARGS:-}"
name=bench/prober-scale
# shellcheck source=tests/lib/netns.sh
. tests/lib/netns.sh
tmp=$pt_tmp
trap 'pt_cleanup' EXIT
die() { echo "bench: $*" >&2; exit 3; }
pt_need cmake awk jq
pt_setup
pt_have_tproxy || pt_skip "the responder needs TPROXY (nft_tproxy) for 655,350 ports"

echo "== building Release in $bdir"
cmake -S . -B "$bdir" -DCMAKE_BUILD_TYPE=Release -DSFB_TESTS=OFF >"$tmp/build.log" 2>&1 &&
	cmake --build "$bdir" -j2 >>"$tmp/build.log" 2>&1 || { tail -20 "$tmp/build.log"; die "build failed"; }
case $bdir in /*) bin=$bdir/sfbnet ;; *) bin=$root/$bdir/sfbnet ;; esac

for a in 11 12 13 14; do ip -n "$SRV" addr add "10.99.2.$a/24" dev eth0 || die "address 10.99.2.$a"; done
cat >"$tmp/topo.yaml" <<EOT
version: 1
name: the prober on the largest flow set
sip_domains: [pathtest.example]
profiles: [pexip]
zones:
  - { name: inside,  networks: [10.99.1.0/24] }
  - { name: outside, networks: [10.99.2.0/24] }
firewalls:
  - { name: fw, between: [inside, outside] }
hosts:
  - name: node
    endpoints:
      - { zone: inside, address: $PT_C, roles: [pexip-node] }
  - name: sfb
    endpoints:
      - { zone: outside, address: 10.99.2.10, roles: [client] }
      - { zone: outside, address: 10.99.2.11, roles: [front-end] }
      - { zone: outside, address: 10.99.2.12, roles: [edge-internal] }
      - { zone: outside, address: 10.99.2.13, roles: [edge-av] }
      - { zone: outside, address: 10.99.2.14, roles: [client] }
EOT
ip netns exec "$FW" nft flush ruleset
tok=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')

echo "== sfbnet $("$bin" --version 2>/dev/null | head -1), $(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "== receive packet steering over every CPU on the veths (PT_RPS): ${PT_RPS:-0}; extra options: ${BENCH_ARGS:-none}"
printf '%-8s %-10s %9s %10s %12s %10s  %s\n' engine rate "wall s" ports "ports/s" "2nd pass" "all open"
for eng in $engines; do
for r in $rates; do
	# A fresh responder for each run: a session remembers at most
	# 1,048,576 answered probes (sfb_wire.h) and refuses new ones after,
	# so the second run on one responder would read UDP as filtered.
	[ -n "${rpid:-}" ] && { kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null; }
	pt_responder "$tmp/resp.log" "$tmp/topo.yaml" --host sfb --token "$tok" --duration 600 --mode tproxy ||
		die "the responder did not start: $(cat "$tmp/resp.log")"
	t0=$EPOCHREALTIME
	ip netns exec "$CLI" timeout 300 "$bin" probe "$tmp/topo.yaml" --host node --token "$tok" \
		--rate "$r" --engine "$eng" "${extra[@]}" --format json -o "$tmp/r-$r.json" 2>"$tmp/r-$r.err"
	rc=$? t1=$EPOCHREALTIME
	w=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	n=$(jq .ports "$tmp/r-$r.json" 2>/dev/null || echo 0)
	sp=$(jq .second_pass "$tmp/r-$r.json" 2>/dev/null || echo "?")
	allopen=$(jq -r 'if all(.flows[]; .verdict == "pass") then "yes" else "no: \([.flows[] | select(.verdict != "pass") | .flow] | unique | join(","))" end' "$tmp/r-$r.json" 2>/dev/null)
	printf '%-8s %-10s %9s %10s %12s %10s  %s\n' "$eng" "$r" "$w" "$n" "$(awk -v n="$n" -v w="$w" 'BEGIN { printf "%.0f", n / w }')" "$sp" "${allopen:-no report (exit $rc)}"
done
done
