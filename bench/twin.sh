#!/usr/bin/env bash
# bench/twin.sh — the wall time of `sfbnet twin` on every bundled example
# (results: docs/benchmarks.md, "Twin").  Run by bench/pathtest.sh after its
# nmap comparison, so that one run gives both; alone: bench/twin.sh [SFBNET]
# (default: the Release build bench/pathtest.sh makes in bench/build).
#
# Per example, BENCH_TWIN_REPS times (default 1): `sfbnet twin EXAMPLE
# --format json` on every port, then with --sample 64; the wall time (the
# namespaces built, the rules loaded, every probe, the namespaces removed),
# the time the report gives to building and to probing, the ports, the
# ports per second of probing, and the verdict (every run must be "ok": a
# false verdict fails the benchmark, exit 1).  No peer tool builds a
# deployment from its topology; the prober inside is the one
# bench/pathtest.sh compares with nmap.  Every packet stays inside the
# namespaces each run makes and removes.  Exit 77 without root or
# namespaces.
set -u
export LC_ALL=C
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 3
bin=${1:-$root/bench/build/sfbnet}
reps=${BENCH_TWIN_REPS:-1}
[ "$(id -u)" = 0 ] || { echo "SKIP: bench/twin needs root"; exit 77; }
[ -x "$bin" ] || { echo "bench/twin: no sfbnet at $bin (run bench/pathtest.sh, or give one)"; exit 3; }
for t in ip nft conntrack jq; do command -v "$t" >/dev/null || { echo "SKIP: bench/twin needs $t"; exit 77; }; done
ip netns add "sfbtbench$$" 2>/dev/null || { echo "SKIP: cannot create a network namespace"; exit 77; }
ip netns del "sfbtbench$$"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
printf '\n== sfbnet twin, every example (%s run(s) each)\n' "$reps"
printf '%-16s %-10s %8s %8s %8s %9s %10s  %s\n' example ports "wall s" "build s" "probe s" "ports" "ports/s" verdict
printf '%-16s %-10s %8s %8s %8s %9s %10s  %s\n' ---------------- ---------- -------- -------- -------- --------- ---------- -------
for ex in examples/*.yaml; do
	b=$(basename "$ex" .yaml)
	for mode in every sample; do
		args=()
		[ "$mode" = sample ] && args=(--sample 64)
		for r in $(seq "$reps"); do
			t0=$EPOCHREALTIME
			"$bin" twin "$ex" "${args[@]}" --format json -o "$tmp/r.json" 2>"$tmp/r.err"
			rc=$?
			t1=$EPOCHREALTIME
			wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
			if [ -s "$tmp/r.json" ]; then
				read -r bms pms ports okv <<<"$(jq -r '"\(.build_ms) \(.probe_ms) \(.ports) \(.ok)"' "$tmp/r.json")"
			else
				bms=0 pms=0 ports=0 okv="exit $rc: $(head -c 200 "$tmp/r.err")"
			fi
			[ "$rc" = 0 ] && [ "$okv" = true ] && v=ok || { v="NOT OK ($okv)"; failed=1; }
			printf '%-16s %-10s %8s %8.2f %8.2f %9s %10s  %s\n' "$b" "$([ "$mode" = every ] && echo every || echo "sample 64")" "$wall" \
				"$(awk -v x="$bms" 'BEGIN { print x / 1000 }')" "$(awk -v x="$pms" 'BEGIN { print x / 1000 }')" \
				"$ports" "$(awk -v p="$ports" -v m="$pms" 'BEGIN { printf "%.0f", (m > 0 ? p * 1000 / m : 0) }')" "$v"
			rm -f "$tmp/r.json"
			: "$r"
		done
	done
done
exit "$failed"
