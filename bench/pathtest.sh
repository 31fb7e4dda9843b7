#!/usr/bin/env bash
# bench/pathtest.sh — how long the two-sided path test takes for 10,000 TCP
# and 10,000 UDP destination ports across an nftables firewall, against
# nmap on the same setup (results: docs/benchmarks.md, "Path test").
#
#  1. builds a Release sfbnet in bench/build (incremental: only if needed);
#  2. the setup (tests/lib/netns.sh): three network namespaces made here,
#     client 10.99.1.10 — firewall — server 10.99.2.10; the topology has the
#     StarLeaf profile only: sl-media-tcp and sl-media-udp, TCP and UDP
#     50000-59999 from source ports 50000-50059, client -> server; the
#     firewall runs a hand-written ruleset (forward, policy drop,
#     established/related accept) that accepts TCP and UDP 50000-54999 from
#     any source port and drops 55000-59999: half of each range filtered;
#     `sfbnet responder --mode tproxy` answers on the server;
#  3. times `sfbnet probe TOPO --host client --token T --format json` in the
#     client namespace, BENCH_REPS times (default 5), at --rate 50000 with
#     the connect engine (also with --concurrency 10000) and the raw engine,
#     and at the raw engine's fast setting (--rate 200000 --timeout 50),
#     each run in fresh namespaces
#     (an empty conntrack table), and checks every report: TCP and UDP
#     open exactly 50000-54999, filtered exactly 55000-59999;
#  4. times `nmap -sT -T4 -n -Pn -p 50000-59999 10.99.2.10` and the same
#     with -sS (nmap's SYN scan, the peer of the raw engine) in the client
#     namespace against the same setup (the responder accepts the open
#     ports), BENCH_NMAP_REPS times (default 3), and counts its open and
#     filtered ports; the speed-up is nmap -sT's median over sfbnet's;
#  5. `nmap -sU -T4 -n -Pn --max-retries 1` on 25 UDP ports (5 the firewall
#     accepts, 20 it drops): nmap cannot tell them apart, what it says of
#     each is shown;
#  6. bench/twin.sh with the same build: `sfbnet twin` on every bundled
#     example, every port and --sample 64, wall time and ports per second
#     (BENCH_TWIN=0 skips it).
# Without nmap (Debian: apt-get install nmap) steps 4 and 5 are skipped
# with a note; nothing is installed here.  Every packet stays inside the
# namespaces made here; the EXIT trap deletes them.  Exit 77 without root
# or namespaces; 1 if an sfbnet run fails or reports a false verdict; 0
# otherwise (a benchmark is not a test: a missed target is printed, not
# failed).
#
# Environment: BENCH_REPS, BENCH_NMAP_REPS, BENCH_BUILD (build directory,
# default bench/build), BENCH_KEEP=DIR (keep the reports and logs there).
set -u
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 3
reps=${BENCH_REPS:-5}
nmap_reps=${BENCH_NMAP_REPS:-3}
bdir=${BENCH_BUILD:-bench/build}
name=bench/pathtest
# shellcheck source=tests/lib/netns.sh
. tests/lib/netns.sh
tmp=$pt_tmp
trap 'if [ -n "${BENCH_KEEP:-}" ]; then mkdir -p "$BENCH_KEEP" && cp -r "$tmp"/. "$BENCH_KEEP"/; fi; pt_cleanup' EXIT
die() { echo "bench: $*" >&2; exit 3; }
pt_need cmake awk
pt_setup   # exits 77 now if namespaces cannot be made
# 20,000 ports do not fit a descriptor limit of 20,000: tproxy mode it is.
pt_have_tproxy || pt_skip "the responder needs TPROXY (nft_tproxy) for 20,000 ports"

# --- 1. Release build ----------------------------------------------------
echo "== building Release in $bdir"
cmake -S . -B "$bdir" -DCMAKE_BUILD_TYPE=Release -DSFB_TESTS=OFF >"$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log"; die "cmake configure failed"; }
cmake --build "$bdir" -j2 >>"$tmp/build.log" 2>&1 || { tail -30 "$tmp/build.log"; die "build failed"; }
case $bdir in /*) bin=$bdir/sfbnet ;; *) bin=$root/$bdir/sfbnet ;; esac
[ -x "$bin" ] || die "no $bin after the build"

# --- 2. setup ------------------------------------------------------------------
topo=$tmp/topology.yaml
pt_topology "$topo" starleaf starleaf-cloud
cat >"$tmp/rules.nft" <<EOF
table inet bench {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		ct state invalid drop
		ip saddr $PT_C ip daddr $PT_S tcp dport 50000-54999 accept
		ip saddr $PT_C ip daddr $PT_S udp dport 50000-54999 accept
	}
}
EOF
want='{
 "sl-media-tcp/tcp": {"open": "50000-54999", "filtered": "55000-59999", "verdict": "partial"},
 "sl-media-udp/udp": {"open": "50000-54999", "filtered": "55000-59999", "verdict": "partial"}}'
tok=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
failed=0

# Fresh namespaces, the ruleset, a tproxy responder.
fresh() {
	pt_teardown
	pt_setup
	pt_fw_load "$tmp/rules.nft" || die "nft could not load the ruleset"
	pt_responder "$tmp/resp.log" "$topo" --host server --token "$tok" --duration 300 --mode tproxy ||
		die "the responder did not start: $(head -3 "$tmp/resp.log")"
}
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minmax() { sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s %s", lo, hi }'; }

# --- 3. sfbnet -----------------------------------------------------------------
# sfbnet_runs LABEL [PROBE OPTIONS...]: sets MED, MIN, MAX, CORRECT
sfbnet_runs() {
	local label=$1 i t0 t1 rc times=() bad_runs=0 k=0; shift
	for ((i = 1; i <= reps; i++)); do
		fresh
		t0=$EPOCHREALTIME
		ip netns exec "$CLI" "$bin" probe "$topo" --host client --token "$tok" --format json \
			-o "$tmp/report-$label-$i.json" "$@" 2>"$tmp/probe.err"
		rc=$? t1=$EPOCHREALTIME
		times+=("$(secs "$t0" "$t1")")
		# exit status 1: required flows partial, as they must be here
		jq -r --argjson want "$want" -f tests/pathtest/verdicts.jq "$tmp/report-$label-$i.json" \
			>"$tmp/check" 2>&1 || echo "bad no report" >>"$tmp/check"
		if [ "$rc" != 1 ] || grep -q '^bad' "$tmp/check"; then
			bad_runs=$((bad_runs + 1))
			echo "run $i of '$label': exit $rc; $(grep '^bad' "$tmp/check" | head -3)" >&2
		fi
		k=$((k + 1))
	done
	MED=$(printf '%s\n' "${times[@]}" | median)
	read -r MIN MAX <<<"$(printf '%s\n' "${times[@]}" | minmax)"
	CORRECT="$((k - bad_runs))/$k correct"
	[ "$bad_runs" = 0 ] || failed=1
	echo "   $label: ${times[*]} s"
}

echo "== sfbnet $("$bin" --version | awk '{ print $2 }') (Release), $(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
echo "== receive packet steering over every CPU on the veths (PT_RPS): ${PT_RPS:-0}"
echo "== 10,000 TCP + 10,000 UDP ports, 5,000 of each dropped; $reps runs per row, fresh namespaces each"
sfbnet_runs default --rate 50000
s_med=$MED s_min=$MIN s_max=$MAX s_ok=$CORRECT
sfbnet_runs concurrency-10000 --rate 50000 --concurrency 10000
c_med=$MED c_min=$MIN c_max=$MAX c_ok=$CORRECT
sfbnet_runs raw --engine raw --rate 50000
r_med=$MED r_min=$MIN r_max=$MAX r_ok=$CORRECT
# The fast setting: the raw engine, a rate above what this machine carries
# (it sends as fast as it can), and a 50 ms timeout (round trips here are
# a fraction of a millisecond).
sfbnet_runs raw-fast --engine raw --rate 200000 --timeout 50
f_med=$MED f_min=$MIN f_max=$MAX f_ok=$CORRECT
# ... and without the second pass (a lost probe still has its resend).
sfbnet_runs raw-fast-single --engine raw --rate 200000 --timeout 50 --single-pass
g_med=$MED g_min=$MIN g_max=$MAX g_ok=$CORRECT

# --- 4./5. nmap ------------------------------------------------------------------
n_med=skipped n_min="" n_max="" n_ok="" u_time=skipped u_res=""
if ! command -v nmap >/dev/null; then
	nmap_note="nmap not installed: apt-get install nmap (Debian), then run again for the nmap rows"
else
	nmap_note=""
	# nmap_tcp SCAN: nmap_reps runs of nmap -sT or -sS over the 10,000 TCP
	# ports; sets NMED NMIN NMAX NOK.
	nmap_tcp() {
		local scan=$1 i t0 t1 o f times=()
		for ((i = 1; i <= nmap_reps; i++)); do
			fresh
			t0=$EPOCHREALTIME
			timeout 300 ip netns exec "$CLI" nmap "$scan" -T4 -n -Pn -p 50000-59999 "$PT_S" \
				-oG "$tmp/nmap-$i.gnmap" >"$tmp/nmap-$i.txt" 2>&1
			t1=$EPOCHREALTIME
			times+=("$(secs "$t0" "$t1")")
			o=$(grep -o '[0-9]*/open/tcp' "$tmp/nmap-$i.gnmap" | wc -l)
			f=$(sed -n 's/.*Ignored State: filtered (\([0-9]*\)).*/\1/p' "$tmp/nmap-$i.gnmap")
			f=$((${f:-0} + $(grep -o '[0-9]*/filtered/tcp' "$tmp/nmap-$i.gnmap" | wc -l)))
			NOK="$o open, $f filtered"
		done
		echo "   nmap $scan: ${times[*]} s"
		NMED=$(printf '%s\n' "${times[@]}" | median)
		read -r NMIN NMAX <<<"$(printf '%s\n' "${times[@]}" | minmax)"
	}
	nmap_tcp -sT
	n_med=$NMED n_min=$NMIN n_max=$NMAX n_ok=$NOK
	nmap_tcp -sS
	ns_med=$NMED ns_min=$NMIN ns_max=$NMAX ns_ok=$NOK
	# UDP: 5 ports the firewall accepts (the responder listens), 20 it drops.
	fresh
	t0=$EPOCHREALTIME
	timeout 300 ip netns exec "$CLI" nmap -sU -T4 -n -Pn --max-retries 1 -p 50000-50004,55000-55019 "$PT_S" \
		-oG "$tmp/nmap-udp.gnmap" >"$tmp/nmap-udp.txt" 2>&1
	t1=$EPOCHREALTIME
	u_time=$(secs "$t0" "$t1")
	u_res=$(grep -o '[0-9]*/[a-z|]*/udp' "$tmp/nmap-udp.gnmap" | awk -F/ '
		{ s = ($1 < 55000 ? "accepted" : "dropped"); n[s " " $2]++ }
		END { for (k in n) { split(k, a, " "); printf "%s%d %s: %s", sep, n[k], a[1], a[2]; sep = "; " } }')
	ign=$(sed -n 's/.*Ignored State: \([^ ]*\) (\([0-9]*\)).*/\2 \1/p' "$tmp/nmap-udp.gnmap")
	[ -n "$ign" ] && u_res="$u_res${u_res:+; }$ign (not listed)"
fi

# --- table -------------------------------------------------------------------------
echo
printf '%-44s %-19s %5s %8s %15s  %s\n' "command (client namespace)" ports runs "median s" "min-max s" verdicts
printf '%-44s %-19s %5s %8s %15s  %s\n' -------------------------------------------- ------------------- ----- -------- --------------- ---------------------------
printf '%-44s %-19s %5s %8s %15s  %s\n' "sfbnet probe --rate 50000 (lab)" "10000 TCP+10000 UDP" "$reps" "$s_med" "$s_min-$s_max" "$s_ok"
printf '%-44s %-19s %5s %8s %15s  %s\n' "sfbnet probe --rate 50000 --concurrency 10000" "10000 TCP+10000 UDP" "$reps" "$c_med" "$c_min-$c_max" "$c_ok"
printf '%-44s %-19s %5s %8s %15s  %s\n' "sfbnet probe --engine raw --rate 50000" "10000 TCP+10000 UDP" "$reps" "$r_med" "$r_min-$r_max" "$r_ok"
printf '%-44s %-19s %5s %8s %15s  %s\n' "sfbnet probe --engine raw (fast setting)" "10000 TCP+10000 UDP" "$reps" "$f_med" "$f_min-$f_max" "$f_ok"
printf '%-44s %-19s %5s %8s %15s  %s\n' "  the same, --single-pass" "10000 TCP+10000 UDP" "$reps" "$g_med" "$g_min-$g_max" "$g_ok"
if [ -z "$nmap_note" ]; then
	printf '%-44s %-19s %5s %8s %15s  %s\n' "nmap -sT -T4 -n -Pn" "10000 TCP" "$nmap_reps" "$n_med" "$n_min-$n_max" "$n_ok"
	printf '%-44s %-19s %5s %8s %15s  %s\n' "nmap -sS -T4 -n -Pn" "10000 TCP" "$nmap_reps" "$ns_med" "$ns_min-$ns_max" "$ns_ok"
	printf '%-44s %-19s %5s %8s %15s  %s\n' "nmap -sU -T4 -n -Pn --max-retries 1" "25 UDP" 1 "$u_time" "" "$u_res"
	echo
	for v in "--rate 50000:$s_med" "--rate 50000 --concurrency 10000:$c_med" \
		"--engine raw --rate 50000:$r_med" "--engine raw, fast setting:$f_med" \
		"--engine raw, fast setting, --single-pass:$g_med"; do
		t=${v##*:}
		sp=$(awk -v n="$n_med" -v s="$t" 'BEGIN { printf "%.1f", n / s }')
		tgt=$(awk -v x="$sp" 'BEGIN { print (x >= 10 ? "PASS" : "MISS") }')
		echo "speed-up, nmap -sT (TCP only) / sfbnet (${v%%:*}, TCP and UDP): ${sp}x  (target >= 10x: $tgt)"
	done
else
	echo "(nmap rows skipped: $nmap_note)"
fi
for v in "--rate 50000:$s_med" "--rate 50000 --concurrency 10000:$c_med"; do
	tgt=$(awk -v x="${v##*:}" 'BEGIN { print (x < 2 ? "PASS" : "MISS") }')
	echo "target: sfbnet (${v%%:*}) median < 2 s: $tgt (${v##*:} s)"
done
for v in "--engine raw --rate 200000 --timeout 50:$f_med" "the same with --single-pass:$g_med"; do
	tgt=$(awk -v x="${v##*:}" 'BEGIN { print (x < 0.5 ? "PASS" : "MISS") }')
	echo "issue 12 goal, 20,000 ports (half filtered) < 0.5 s: ${v%%:*}: $tgt (median ${v##*:} s)"
done

# --- 6. the twin: every example, in the same run (BENCH_TWIN=0 skips it) ------------
if [ "${BENCH_TWIN:-1}" != 0 ]; then
	bash bench/twin.sh "$bin" || failed=1
fi
exit "$failed"
