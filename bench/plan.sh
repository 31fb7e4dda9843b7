#!/usr/bin/env bash
# bench/plan.sh — how long sfbnet takes on a large topology, and how much
# memory it needs (see docs/benchmarks.md).
#
#  1. builds a Release sfbnet in bench/build (incremental: only if needed);
#  2. generates a topology of BENCH_HOSTS hosts (default 1000) with
#     bench/gen_topology.sh, in topology format version 2 (sites, pools
#     with load balancers; BENCH_TOPO_VERSION=1 for the old file), and the
#     same hosts as version 1, and checks both with `sfbnet validate`;
#  3. times `sfbnet plan TOPO --format json` and, for every firewall of the
#     topology, `sfbnet firewall TOPO -t nftables -F FW` and `-t iptables`,
#     BENCH_REPS times each (default 11) after one warm-up run, and prints the
#     median wall time and the peak resident set size (GNU time, %M);
#     then the same plan + firewall runs on the version 1 file, so the two
#     formats are compared on one machine in one run;
#  4. checks the budget: plan + firewall for all firewalls under 0.2 s in
#     total, and each command under 100 MB peak RSS (PASS/FAIL printed; the
#     exit status is 0 unless a command fails: a benchmark is not a test);
#  5. counts the rules generated at BENCH_SMALL hosts (default 100) and at
#     BENCH_HOSTS: nftables accept rules follow the services, not the hosts;
#  6. as the peer comparison, times the real tools checking what sfbnet
#     wrote: `nft -c -f` and `iptables-restore --test`, inside a throwaway
#     network namespace (skipped, with a note, when namespaces are not
#     available).  Nothing is loaded into the host's firewall and no packet
#     is sent.
#
# Wall time is measured around /usr/bin/time with bash's $EPOCHREALTIME
# (microseconds; it includes /usr/bin/time's own fork and exec, under a
# millisecond), because GNU time's %e has only 10 ms resolution.
#
# Environment: BENCH_HOSTS, BENCH_SMALL, BENCH_REPS, BENCH_BUILD (build
# directory, default bench/build), BENCH_KEEP=DIR (keep the generated files
# there), BENCH_TOPO_VERSION (2, or 1), BENCH_BASELINE=BIN (also time another
# sfbnet binary on the version 1 file, e.g. a build of the previous commit).  Needs: cmake, a C compiler, libfyaml and jansson headers, GNU time
# (/usr/bin/time), jq, awk; for the peer column nft, iptables-restore, ip and
# root.
set -u
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 3
hosts=${BENCH_HOSTS:-1000}
small=${BENCH_SMALL:-100}
reps=${BENCH_REPS:-11}
bdir=${BENCH_BUILD:-bench/build}
budget_ms=200
budget_kb=$((100 * 1024))   # 100 MiB, as GNU time reports KiB

die() { echo "bench: $*" >&2; exit 3; }
for tool in /usr/bin/time jq cmake awk; do
	command -v "$tool" >/dev/null || die "needs $tool (Debian: time, jq, cmake, mawk)"
done
/usr/bin/time -f '%M' -o /dev/null true 2>/dev/null || die "/usr/bin/time is not GNU time"

tmp=$(mktemp -d)
ns=""
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	if [ -n "${BENCH_KEEP:-}" ]; then mkdir -p "$BENCH_KEEP" && cp -r "$tmp"/. "$BENCH_KEEP"/; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. Release build ----------------------------------------------------
echo "== building Release in $bdir"
cmake -S . -B "$bdir" -DCMAKE_BUILD_TYPE=Release -DSFB_TESTS=OFF >"$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log"; die "cmake configure failed"; }
cmake --build "$bdir" -j2 >>"$tmp/build.log" 2>&1 || { tail -30 "$tmp/build.log"; die "build failed"; }
case $bdir in /*) bin=$bdir/sfbnet ;; *) bin=$root/$bdir/sfbnet ;; esac
[ -x "$bin" ] || die "no $bin after the build"

failed=0

# --- 2. topologies ---------------------------------------------------------
tver=${BENCH_TOPO_VERSION:-2}
for n in "$small" "$hosts" "v1-$hosts"; do
	SFB_TOPO_VERSION=$tver
	[ "${n#v1-}" != "$n" ] && SFB_TOPO_VERSION=1
	SFB_TOPO_VERSION=$SFB_TOPO_VERSION bench/gen_topology.sh "${n#v1-}" >"$tmp/topo-$n.yaml" ||
		die "gen_topology.sh $n failed"
	"$bin" validate "$tmp/topo-$n.yaml" >"$tmp/validate-$n.txt" 2>&1 ||
		{ cat "$tmp/validate-$n.txt"; die "the generated topology of $n hosts does not validate"; }
done
topo=$tmp/topo-$hosts.yaml
fws=$("$bin" plan "$topo" --format json | jq -r '.firewalls[].name') || die "plan failed"
[ -n "$fws" ] || die "the topology has no firewall"

# --- 3. timing ---------------------------------------------------------------
# One run: $1 = result file ("start end status maxrss_kb"), $2 = where
# standard output goes, $3 = stderr file, the rest is the command.  Run by a
# fresh bash so that the same code can be put inside the network namespace.
# shellcheck disable=SC2016  # expanded by that bash, not this one
runner='t0=$EPOCHREALTIME
/usr/bin/time -f "%M" -o "$1.t" "${@:4}" >"$2" 2>"$3"
rc=$?
t1=$EPOCHREALTIME
echo "$t0 $t1 $rc $(tail -n 1 "$1.t")" >"$1"'

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# measure LABEL STDOUT [ip netns exec NS] -- COMMAND...: sets MED_MS, PEAK_KB, OK.
# A failed sfbnet command makes the script exit 1 at the end; a peer tool
# that rejects the rules is reported (REJECTED) but is not a failure of the
# benchmark (FATAL=0).
FATAL=1
measure() {
	local label=$1 out=$2 i ms=() kb=() pre=()
	shift 2
	while [ "$1" != "--" ]; do pre+=("$1"); shift; done
	shift
	OK=1
	for ((i = 0; i <= reps; i++)); do   # run 0 is the warm-up
		"${pre[@]}" bash -c "$runner" runner "$tmp/run" "$out" "$tmp/run.err" "$@"
		read -r t0 t1 rc peak <"$tmp/run" || rc=255
		if [ "$rc" != 0 ]; then
			if [ "$FATAL" = 1 ]; then echo "FAILED (exit $rc): $label" >&2; failed=1
			else echo "REJECTED (exit $rc): $label" >&2; fi
			head -5 "$tmp/run.err" >&2
			OK=0
			MED_MS=nan PEAK_KB=0
			return
		fi
		[ "$i" -eq 0 ] && continue
		ms+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) * 1000 }')")
		kb+=("$peak")
	done
	MED_MS=$(printf '%s\n' "${ms[@]}" | median)
	PEAK_KB=$(printf '%s\n' "${kb[@]}" | sort -n | tail -n 1)
}

row() { printf '%-44s %10s %12s %12s\n' "$@"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
size() { awk -v b="$(wc -c <"$1")" 'BEGIN { if (b >= 1048576) printf "%.1f MB", b / 1048576; else printf "%.1f kB", b / 1024 }'; }

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo "== machine: $(nproc) CPU(s), ${cpu:-unknown CPU}, $(uname -sr)"
echo "== sfbnet $("$bin" --version | awk '{ print $2 }') (Release), topology format version $tver, $(sed -n 's/.*: valid: //p' "$tmp/validate-$hosts.txt")"
echo "== $reps runs per command after one warm-up; median wall time, highest peak RSS"
echo
row "command (TOPO = $hosts hosts)" "wall ms" "peak RSS MB" "output"
row "--------------------------------------------" "----------" "------------" "------------"
total=0 maxkb=0
account() {
	total=$(awk -v a="$total" -v b="$MED_MS" 'BEGIN { printf "%.3f", a + b }')
	[ "$PEAK_KB" -gt "$maxkb" ] && maxkb=$PEAK_KB
	return 0
}
measure "plan" "$tmp/plan.json" -- "$bin" plan "$topo" --format json
row "plan TOPO --format json" "$MED_MS" "$(mb "$PEAK_KB")" "$(size "$tmp/plan.json")"
account
for fw in $fws; do
	for target in nftables iptables; do
		ext=${target:0:3}
		out=$tmp/$fw-$hosts.$ext
		measure "$fw $target" "$out" -- "$bin" firewall "$topo" -t "$target" -F "$fw"
		row "firewall TOPO -t $target -F $fw" "$MED_MS" "$(mb "$PEAK_KB")" "$(size "$out")"
		account
	done
done
nfw=$(echo "$fws" | wc -w)
row "total: plan + $((nfw * 2)) firewall runs" "$total" "max $(mb "$maxkb")" ""
# plan + every firewall of a topology with a binary, summed into $total and
# $maxkb (from zero): time_all LABEL BIN TOPO.
time_all() {
	local label=$1 b=$2 tp=$3 fw target
	total=0 maxkb=0
	measure "$label plan" "$tmp/all.json" -- "$b" plan "$tp" --format json
	account
	for fw in $fws; do
		for target in nftables iptables; do
			measure "$label $fw $target" "$tmp/all.out" -- "$b" firewall "$tp" -t "$target" -F "$fw"
			account
		done
	done
}
# The same hosts written as version 1 (no sites, no load balancers), timed
# the same way in this run: what version 2's groups cost.
v2total=$total v2maxkb=$maxkb
topo1=$tmp/topo-v1-$hosts.yaml
time_all v1 "$bin" "$topo1"
row "same hosts as version 1: plan + $((nfw * 2)) runs" "$total" "max $(mb "$maxkb")" "$(sed -n 's/.*firewall(s), //p' "$tmp/validate-v1-$hosts.txt" | cut -d, -f1)"
# BENCH_BASELINE=BIN: the same version 1 runs with another build (the code
# before a change), on this machine in this run.
if [ -n "${BENCH_BASELINE:-}" ]; then
	time_all baseline "$BENCH_BASELINE" "$topo1"
	row "baseline build, version 1: plan + $((nfw * 2))" "$total" "max $(mb "$maxkb")" ""
fi
total=$v2total maxkb=$v2maxkb
echo
# Not in the budget: where the time of `plan` goes.  validate = load the
# catalog and the topology and build the plan, with no output; text = the
# same plan through the plain-text writer instead of the JSON one.
row "(for comparison, not in the budget)" "" "" ""
measure "validate" "$tmp/validate.out" -- "$bin" validate "$topo"
row "validate TOPO (load + plan, no output)" "$MED_MS" "$(mb "$PEAK_KB")" ""
measure "plan text" "$tmp/plan.text" -- "$bin" plan "$topo" --format text
row "plan TOPO --format text" "$MED_MS" "$(mb "$PEAK_KB")" "$(size "$tmp/plan.text")"
measure "plan json -o" "/dev/null" -- "$bin" plan "$topo" --format json -o "$tmp/plan-o.json"
row "plan TOPO --format json -o FILE (fsync)" "$MED_MS" "$(mb "$PEAK_KB")" "$(size "$tmp/plan-o.json")"
echo
t_ok=$(awk -v t="$total" -v b="$budget_ms" 'BEGIN { print (t < b) ? "PASS" : "FAIL" }')
m_ok=$([ "$maxkb" -lt "$budget_kb" ] && echo PASS || echo FAIL)
[ "$failed" -ne 0 ] && t_ok=FAIL m_ok=FAIL
echo "budget: plan + firewall for all $nfw firewalls < $budget_ms ms: $t_ok ($total ms)"
echo "budget: every command < 100 MB peak RSS: $m_ok (highest $(mb "$maxkb") MB)"

# --- 5. output size: rules follow services, not hosts ------------------------
echo
echo "== rules generated: $small hosts vs $hosts hosts"
printf '%-14s %-10s %-28s %12s %12s\n' firewall target "count" "N=$small" "N=$hosts"
printf '%-14s %-10s %-28s %12s %12s\n' -------------- ---------- ---------------------------- ------------ ------------
for fw in $fws; do
	for n in "$small" "$hosts"; do
		"$bin" firewall "$tmp/topo-$n.yaml" -t nftables -F "$fw" -o "$tmp/$fw-$n.nft" || failed=1
		"$bin" firewall "$tmp/topo-$n.yaml" -t iptables -F "$fw" -o "$tmp/$fw-$n.ipt" || failed=1
	done
	c() { grep -c -- "$1" "$2" 2>/dev/null || true; }
	els() { awk '/elements = \{/ { on = 1; next } on && /\}/ { on = 0 } on { n++ } END { print n + 0 }' "$1"; }
	printf '%-14s %-10s %-28s %12s %12s\n' "$fw" nftables "accept rules" \
		"$(c ' accept comment' "$tmp/$fw-$small.nft")" "$(c ' accept comment' "$tmp/$fw-$hosts.nft")"
	printf '%-14s %-10s %-28s %12s %12s\n' "" "" "address sets" \
		"$(c '^	set ' "$tmp/$fw-$small.nft")" "$(c '^	set ' "$tmp/$fw-$hosts.nft")"
	printf '%-14s %-10s %-28s %12s %12s\n' "" "" "set elements (CIDR blocks)" \
		"$(els "$tmp/$fw-$small.nft")" "$(els "$tmp/$fw-$hosts.nft")"
	printf '%-14s %-10s %-28s %12s %12s\n' "" iptables "flow jumps (-A SFBNET)" \
		"$(c '^-A SFBNET ' "$tmp/$fw-$small.ipt")" "$(c '^-A SFBNET ' "$tmp/$fw-$hosts.ipt")"
	printf '%-14s %-10s %-28s %12s %12s\n' "" "" "all -A rules" \
		"$(c '^-A ' "$tmp/$fw-$small.ipt")" "$(c '^-A ' "$tmp/$fw-$hosts.ipt")"
done

# --- 6. peer comparison: the real tools check the generated rules ------------
echo
echo "== peer: the real firewall tools checking sfbnet's output ($hosts hosts)"
peer_skip=""
if [ "$(id -u)" != 0 ]; then
	peer_skip="not root"
elif ! command -v ip >/dev/null || ! command -v nft >/dev/null || ! command -v iptables-restore >/dev/null; then
	peer_skip="needs ip, nft and iptables-restore (Debian: iproute2, nftables, iptables)"
elif ip netns add "benchNS$$" 2>/dev/null; then
	ns=benchNS$$
else
	peer_skip="cannot create a network namespace"
fi
if [ -n "$peer_skip" ]; then
	echo "peer column skipped: $peer_skip"
else
	FATAL=0
	row "command (in netns $ns)" "wall ms" "peak RSS MB" "input"
	row "--------------------------------------------" "----------" "------------" "------------"
	ptotal=0
	for fw in $fws; do
		measure "nft -c $fw" /dev/null ip netns exec "$ns" -- nft -c -f "$tmp/$fw-$hosts.nft"
		row "nft -c -f $fw.nft" "$MED_MS" "$(mb "$PEAK_KB")" "$(size "$tmp/$fw-$hosts.nft")"
		[ "$OK" = 1 ] && ptotal=$(awk -v a="$ptotal" -v b="$MED_MS" 'BEGIN { printf "%.3f", a + b }')
		measure "iptables-restore --test $fw" /dev/null ip netns exec "$ns" -- iptables-restore --test "$tmp/$fw-$hosts.ipt"
		row "iptables-restore --test $fw.ipt" "$MED_MS" "$(mb "$PEAK_KB")" "$(size "$tmp/$fw-$hosts.ipt")"
		[ "$OK" = 1 ] && ptotal=$(awk -v a="$ptotal" -v b="$MED_MS" 'BEGIN { printf "%.3f", a + b }')
	done
	row "total: the real tools' checks" "$ptotal" "" ""
fi

echo
if [ "$failed" -ne 0 ]; then
	echo "bench: some commands FAILED (see above)"
	exit 1
fi
exit 0
