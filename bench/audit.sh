#!/usr/bin/env bash
# bench/audit.sh — how long `sfbnet audit` takes on a 10,000-rule ruleset
# against the plan of a 1,000-host topology, and how much memory it needs
# (see docs/benchmarks.md, "Audit").
#
#  1. builds a Release sfbnet in bench/build (incremental);
#  2. generates the topology (bench/gen_topology.sh, format version 2,
#     BENCH_HOSTS hosts, default 1000) and picks the firewall whose plan is
#     largest (most entries);
#  3. writes the ruleset: sfbnet's own rules for that firewall (`sfbnet
#     firewall -t nftables --mode include`) inside an administrator's table
#     of BENCH_RULES rules in all (default 10000; bench/gen_ruleset.sh);
#  4. loads it with `nft -f` in a throwaway network namespace
#     (benchAud<pid>, deleted on exit) and dumps it with `nft -j list
#     ruleset`: the audit reads the real tool's JSON;
#  5. times `sfbnet audit TOPO -F FW -r RULES.json -f json -o FILE`
#     BENCH_REPS times (default 3) after one warm-up: median and each wall
#     time (bash $EPOCHREALTIME around /usr/bin/time), peak RSS (GNU time
#     %M, the highest); and, to split the time, the same audit of sfbnet's
#     rules alone (the plan and the flows, a ruleset of ~100 rules) and
#     `sfbnet validate TOPO` (load and plan only);
#  6. checks the goal of issue 14: under 1 s and 200 MB (PASS/FAIL printed;
#     exit 0 either way unless a command fails);
#  7. for scale, since no other tool reads nft JSON against a plan: the real
#     tools on the same ruleset in the namespace — `nft -c -f` (parse and
#     check, nothing committed), `nft -f` (load into the kernel) and `nft -j
#     list ruleset` (the dump the audit reads).
#
# Needs root and network namespaces (the ruleset must come from nft), nft,
# jq, GNU time, cmake and a C compiler.  Nothing is loaded into the host's
# firewall; no packet is sent.  Environment: BENCH_HOSTS, BENCH_RULES,
# BENCH_REPS, BENCH_BUILD (default bench/build), BENCH_KEEP=DIR (keep the
# generated files).
set -u
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 3
hosts=${BENCH_HOSTS:-1000}
nrules=${BENCH_RULES:-10000}
reps=${BENCH_REPS:-3}
bdir=${BENCH_BUILD:-bench/build}
goal_ms=1000
goal_kb=$((200 * 1024))

die() { echo "bench: $*" >&2; exit 3; }
for tool in /usr/bin/time jq cmake awk nft ip; do
	command -v "$tool" >/dev/null || die "needs $tool"
done
[ "$(id -u)" = 0 ] || { echo "bench: needs root (a network namespace for nft)"; exit 77; }

tmp=$(mktemp -d)
ns=""
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	if [ -n "${BENCH_KEEP:-}" ]; then mkdir -p "$BENCH_KEEP" && cp -r "$tmp"/. "$BENCH_KEEP"/; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

echo "== building Release in $bdir"
cmake -S . -B "$bdir" -DCMAKE_BUILD_TYPE=Release -DSFB_TESTS=OFF >"$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log"; die "cmake configure failed"; }
nice cmake --build "$bdir" -j2 --target sfbnet >>"$tmp/build.log" 2>&1 ||
	{ tail -30 "$tmp/build.log"; die "build failed"; }
bin=$bdir/sfbnet

SFB_TOPO_VERSION=2 bash bench/gen_topology.sh "$hosts" >"$tmp/topo.yaml" || die "gen_topology failed"
topo=$tmp/topo.yaml
"$bin" plan "$topo" --format json >"$tmp/plan.json" 2>/dev/null || die "sfbnet plan failed"
fw=$(jq -r '[.flows[].firewall | select(. != null)] | group_by(.) | max_by(length) | .[0]' "$tmp/plan.json")
entries=$(jq --arg fw "$fw" '[.flows[] | select(.firewall == $fw)] | length' "$tmp/plan.json")
"$bin" firewall "$topo" -t nftables -F "$fw" --mode include -o "$tmp/include.nft" ||
	die "sfbnet firewall failed"
bash bench/gen_ruleset.sh "$tmp/include.nft" "$nrules" >"$tmp/rules.nft" || die "gen_ruleset failed"

ns=benchAud$$
ip netns add "$ns" 2>/dev/null || { ns=""; echo "bench: cannot create a network namespace"; exit 77; }
nsx() { ip netns exec "$ns" "$@"; }
nsx nft -f "$tmp/rules.nft" || die "nft -f refused the generated ruleset"
nsx nft -j list ruleset >"$tmp/rules.json" || die "nft -j list ruleset failed"
rules=$(jq '[.nftables[] | select(has("rule"))] | length' "$tmp/rules.json")
chains=$(jq '[.nftables[] | select(has("chain"))] | length' "$tmp/rules.json")
# sfbnet's rules alone, in an admin table of nothing but a forward chain.
nsx nft flush ruleset
{
	printf 'table inet filter {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n'
	printf '\t\tct state established,related accept\n\t\tjump sfbnet\n\t}\n\tchain sfbnet {\n\t}\n}\n'
	cat "$tmp/include.nft"
} >"$tmp/own.nft"
nsx nft -f "$tmp/own.nft" || die "nft -f refused sfbnet's own rules"
nsx nft -j list ruleset >"$tmp/own.json" || die "nft -j list ruleset failed"
own=$(jq '[.nftables[] | select(has("rule"))] | length' "$tmp/own.json")
nsx nft flush ruleset

# measure LABEL CMD...: warm-up, then $reps runs; sets $med (ms), $all, $kb.
measure() {
	local label=$1 i t0 t1 kb times=() sorted
	shift
	"$@" >/dev/null 2>&1
	kb=0
	for i in $(seq "$reps"); do
		t0=$EPOCHREALTIME
		/usr/bin/time -f '%M' -o "$tmp/time.out" "$@" >/dev/null 2>"$tmp/cmd.err"
		local rc=$?
		t1=$EPOCHREALTIME
		# audit exits 1 when the ruleset is not clean: that is its answer
		if [ "$rc" -gt 1 ]; then cat "$tmp/cmd.err"; die "$label failed ($rc)"; fi
		times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')")
		i=$(tail -n 1 "$tmp/time.out")
		[ "$i" -gt "$kb" ] && kb=$i
		: "$i"
	done
	sorted=$(printf '%s\n' "${times[@]}" | sort -n)
	med=$(echo "$sorted" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
	all=${times[*]}
	printf '%-46s %10s %12.1f   %s\n' "$label" "$med" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')" "$all"
	KB=$kb
}

echo "== $("$bin" --version 2>/dev/null | head -1) (Release), $(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "== topology: $hosts hosts (version 2); firewall $fw: $entries plan entries"
echo "== ruleset: $rules rules in $chains chains ($own of them sfbnet's), nft -j dump $(( $(stat -c %s "$tmp/rules.json") / 1024 )) KiB"
echo "== $reps runs per command after one warm-up; median wall time, highest peak RSS"
echo
printf '%-46s %10s %12s   %s\n' "command" "wall ms" "peak RSS MB" "each run (ms)"
printf '%-46s %10s %12s   %s\n' "----------------------------------------------" "----------" "------------" "-------------"
measure "sfbnet audit TOPO -F $fw -r rules.json" "$bin" audit "$topo" -F "$fw" -r "$tmp/rules.json" -f json -o "$tmp/audit.json"
audit_ms=$med audit_kb=$KB
measure "  same, sfbnet's rules only ($own rules)" "$bin" audit "$topo" -F "$fw" -r "$tmp/own.json" -f json -o "$tmp/own-audit.json"
measure "  sfbnet validate TOPO (load + plan)" "$bin" validate "$topo"
"$bin" audit "$topo" -F "$fw" -r "$tmp/rules.json" -f json -o "$tmp/audit.json"
echo
echo "audit result: $(jq -r '"\(.flows | length) flows: " + ([.flows[].verdict] | group_by(.) | map("\(length) \(.[0])") | join(", ")) + "; findings: " + ([.findings[].kind] | group_by(.) | map("\(length) \(.[0])") | join(", "))' "$tmp/audit.json")"
ok_t=$(awk -v m="$audit_ms" -v g="$goal_ms" 'BEGIN { print (m < g) ? "PASS" : "FAIL" }')
ok_m=$([ "$audit_kb" -lt "$goal_kb" ] && echo PASS || echo FAIL)
echo "goal: audit < 1 s: $ok_t ($audit_ms ms)"
echo "goal: audit < 200 MB peak RSS: $ok_m ($(awk -v k="$audit_kb" 'BEGIN { printf "%.1f", k / 1024 }') MB)"

echo
echo "== for scale (no peer tool reads nft JSON against a plan): the real nft on the same ruleset, in netns $ns"
printf '%-46s %10s %12s   %s\n' "command" "wall ms" "peak RSS MB" "each run (ms)"
printf '%-46s %10s %12s   %s\n' "----------------------------------------------" "----------" "------------" "-------------"
measure "nft -c -f rules.nft (check only)" ip netns exec "$ns" nft -c -f "$tmp/rules.nft"
nsx nft flush ruleset
# nft -f: each run into an empty ruleset (the flush, a few ms, is inside).
measure "nft flush ruleset + nft -f rules.nft (load)" bash -c "ip netns exec $ns nft flush ruleset && ip netns exec $ns nft -f $tmp/rules.nft"
measure "nft -j list ruleset (the dump audited)" ip netns exec "$ns" nft -j list ruleset
exit 0
