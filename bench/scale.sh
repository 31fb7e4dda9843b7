#!/usr/bin/env bash
# bench/scale.sh — how sfbnet's time and memory grow with the size of the
# topology (issue 16; see docs/benchmarks.md, "Scaling").
#
#  1. builds sfbnet in SCALE_BUILD (default bench/build-scale: configured as
#     Release when it has no CMakeCache.txt yet, else built as configured;
#     SCALE_NO_BUILD=1 takes the sfbnet already there, e.g. an old build);
#  2. series "hosts": bench/gen_hosts.sh N for N in SCALE_SIZES (default
#     1000 10000 100000): six zones, three firewalls, Front End pools with
#     up to 6,000 members, SCALE_SIP_DOMAINS SIP domains (default 20);
#     series "zones": bench/gen_chain.sh Z for Z in SCALE_ZONES (default 10
#     100 1000): Z zones in a chain joined by Z - 1 firewalls, the servers in
#     the first, the Edge in the last before the internet, branch sites
#     (clients, video, gateways) in SCALE_BRANCHES of them (default 10) —
#     the issue's shape, where the goal applies; series "dense": the same
#     chain with a branch site in every zone (SCALE_DENSE, default 10 100
#     1000), where the plan itself grows with zones squared (each firewall
#     carries the clients of every zone behind it), measured without a goal;
#  3. times, on every topology, SCALE_REPS runs each (default 3; median wall
#     time, highest peak RSS): `sfbnet validate` (its first run also checks
#     that the generated file is valid: exit status 0), `plan --format json`,
#     `firewall -t nftables -F FW` and `-t iptables -F FW` (FW: fw-core for
#     the hosts, fw-0000 for the chain — the firewall next to the servers,
#     which carries the most flows), `dns` (zone-file lines), `dns --format
#     json`, and `certs`.  Every run has a time limit, SCALE_TIMEOUT seconds
#     (default 120): a run that hits it is reported as a timeout, and the
#     command is not run again at that size;
#  4. prints a Markdown table per series with, per step, the growth factor
#     of the time and of the peak RSS (per tenfold: a step that is not
#     tenfold is normalised, factor^(1/log10(step))), and the goals of the
#     issue with PASS/FAIL: at most 12x time and memory per tenfold hosts;
#     1,000 zones in a chain under 5 s and 500 MB for each command;
#  5. as the peer column, the time of `nft -c -f` on the nftables output at
#     each size, inside a throwaway network namespace (benchscale<pid>,
#     deleted on exit; skipped, with a note, without root, `ip` or `nft`).
#     Nothing is loaded into the host's firewall and no packet is sent.
#
# The exit status is 0 whatever the goals say (a benchmark is not a test),
# 1 when an sfbnet command failed or crashed (a timeout is not a failure: it
# is in the table), 3 when the script itself could not run.
#
# Wall time is measured around GNU time with bash's $EPOCHREALTIME (GNU
# time's %e has 10 ms resolution), peak RSS is GNU time's %M (through
# `timeout`, which passes on its child's peak).  Standard output goes to a
# file in a temporary directory, removed when the run is over.
#
# Environment: SCALE_SIZES, SCALE_ZONES, SCALE_DENSE (space-separated; empty
# skips the series), SCALE_BRANCHES, SCALE_REPS, SCALE_TIMEOUT, SCALE_SIP_DOMAINS, SCALE_BUILD,
# SCALE_NO_BUILD, SCALE_JOBS (build jobs, default 1), SCALE_KEEP=DIR (keep
# the topologies, the validate output and the nftables and iptables rules
# there).  Needs: bash 5, cmake and the build dependencies, GNU time
# (/usr/bin/time), coreutils' timeout, awk; for the peer column ip, nft and
# root.
set -u
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 3
sizes=${SCALE_SIZES-1000 10000 100000}
zones=${SCALE_ZONES-10 100 1000}
dense=${SCALE_DENSE-10 100 1000}
branches=${SCALE_BRANCHES:-10}
reps=${SCALE_REPS:-3}
tmo=${SCALE_TIMEOUT:-120}
domains=${SCALE_SIP_DOMAINS:-20}
bdir=${SCALE_BUILD:-bench/build-scale}
jobs=${SCALE_JOBS:-1}
host_goal=12          # at most 12x time and memory per tenfold hosts
zone_goal_n=1000      # 1,000 zones in a chain:
zone_goal_ms=5000     #   under 5 s
zone_goal_kb=$((500 * 1024))   # and 500 MB (GNU time reports KiB)

die() { echo "scale: $*" >&2; exit 3; }
num() { case $1 in '' | *[!0-9]*) return 1 ;; esac; [ "$1" -ge "${2:-1}" ]; }
for v in $sizes; do num "$v" 1 || die "SCALE_SIZES: '$v' is not a number >= 1"; done
for v in $zones $dense; do num "$v" 3 || die "SCALE_ZONES/SCALE_DENSE: '$v' is not a number >= 3"; done
num "$branches" 1 || die "SCALE_BRANCHES must be a number >= 1"
num "$reps" 1 || die "SCALE_REPS must be a number >= 1"
num "$tmo" 1 || die "SCALE_TIMEOUT must be a number of seconds >= 1"
num "$domains" 1 || die "SCALE_SIP_DOMAINS must be a number >= 1"
num "$jobs" 1 || die "SCALE_JOBS must be a number >= 1"
[ "${BASH_VERSINFO[0]}" -ge 5 ] || die "needs bash 5 (\$EPOCHREALTIME)"
for tool in /usr/bin/time timeout awk sort; do
	command -v "$tool" >/dev/null || die "needs $tool (Debian: time, coreutils, mawk)"
done
/usr/bin/time -f '%M' -o /dev/null true 2>/dev/null || die "/usr/bin/time is not GNU time"

tmp=$(mktemp -d) || die "mktemp failed"
ns=""
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "$*" >&2; }

# --- 1. the build ------------------------------------------------------------
# The source as the build sees it (others may commit while this runs).
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | wc -l)
case $bdir in /*) bin=$bdir/sfbnet ;; *) bin=$root/$bdir/sfbnet ;; esac
if [ "${SCALE_NO_BUILD:-0}" = 1 ]; then
	log "== SCALE_NO_BUILD=1: using $bin as it is"
else
	log "== building in $bdir"
	if [ ! -f "$bdir/CMakeCache.txt" ]; then
		cmake -S . -B "$bdir" -DCMAKE_BUILD_TYPE=Release -DSFB_TESTS=OFF >"$tmp/build.log" 2>&1 ||
			{ tail -30 "$tmp/build.log" >&2; die "cmake configure failed"; }
	fi
	nice cmake --build "$bdir" -j "$jobs" >>"$tmp/build.log" 2>&1 ||
		{ tail -30 "$tmp/build.log" >&2; die "build failed"; }
fi
[ -x "$bin" ] || die "no $bin"
btype=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$bdir/CMakeCache.txt" 2>/dev/null)

# --- the peer's namespace ------------------------------------------------------
peer_skip=""
if [ "$(id -u)" != 0 ]; then
	peer_skip="not root"
elif ! command -v ip >/dev/null || ! command -v nft >/dev/null; then
	peer_skip="needs ip and nft (Debian: iproute2, nftables)"
elif ip netns add "benchscale$$" 2>/dev/null; then
	ns=benchscale$$
else
	peer_skip="cannot create a network namespace"
fi

# --- 3. measuring --------------------------------------------------------------
# run_once OUT CMD...: one run under GNU time and timeout; sets RC, MS, KB.
run_once() {
	local out=$1 t0 t1
	shift
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%M' -o "$tmp/time" timeout -k 5 "$tmo" "$@" >"$out" 2>"$tmp/err"
	RC=$?
	t1=$EPOCHREALTIME
	MS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
	KB=$(tail -n 1 "$tmp/time" 2>/dev/null)
	num "$KB" 0 || KB=0
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# measure OUT CMD...: SCALE_REPS runs, stopping at the first that does not
# exit 0; sets ST (ok, timeout, exit N, signal N), MED (ms), PEAK (KiB).
measure() {
	local out=$1 i ms=() kb=()
	shift
	ST=ok
	for ((i = 0; i < reps; i++)); do
		run_once "$out" "$@"
		if [ "$RC" = 124 ] || { [ "$RC" = 137 ] && awk -v m="$MS" -v t="$tmo" 'BEGIN { exit !(m >= t * 1000) }'; }; then
			ST=timeout
		elif [ "$RC" -gt 128 ]; then
			ST="signal $((RC - 128))"
		elif [ "$RC" != 0 ]; then
			ST="exit $RC"
		fi
		if [ "$ST" != ok ]; then
			MED=$MS PEAK=$KB
			return
		fi
		ms+=("$MS")
		kb+=("$KB")
	done
	MED=$(printf '%s\n' "${ms[@]}" | median)
	PEAK=$(printf '%s\n' "${kb[@]}" | sort -n | tail -n 1)
}

bytes() { wc -c <"$1" 2>/dev/null || echo 0; }

# Results, keyed "SERIES SIZE CMD": R_ST, R_MS, R_KB, R_OUT (bytes), R_PEER.
declare -A R_ST R_MS R_KB R_OUT R_PEER
declare -A INFO
failed=0
cmds="validate plan fw-nft fw-ipt dns dns-json certs"
label() {
	case $1 in
	validate) echo "validate" ;;
	plan) echo "plan --format json" ;;
	fw-nft) echo "firewall -t nftables -F $2" ;;
	fw-ipt) echo "firewall -t iptables -F $2" ;;
	dns) echo "dns" ;;
	dns-json) echo "dns --format json" ;;
	certs) echo "certs" ;;
	esac
}
args() {   # args CMD FW TOPO: the sfbnet arguments
	case $1 in
	validate) echo "validate $3" ;;
	plan) echo "plan $3 --format json" ;;
	fw-nft) echo "firewall $3 -t nftables -F $2" ;;
	fw-ipt) echo "firewall $3 -t iptables -F $2" ;;
	dns) echo "dns $3" ;;
	dns-json) echo "dns $3 --format json" ;;
	certs) echo "certs $3" ;;
	esac
}

# bench SERIES SIZE FW TOPO: every command on one topology.
bench() {
	local series=$1 size=$2 fw=$3 topo=$4 c k out skip="" w we
	for c in $cmds; do
		k="$series $size $c"
		if [ -n "$skip" ]; then
			R_ST[$k]="skipped" R_MS[$k]="" R_KB[$k]="" R_OUT[$k]=""
			continue
		fi
		out=$tmp/out-$c
		log "   $(label "$c" "$fw") ($reps run(s), limit ${tmo} s)"
		# shellcheck disable=SC2046  # the arguments are words without spaces
		measure "$out" "$bin" $(args "$c" "$fw" "$topo")
		R_ST[$k]=$ST R_MS[$k]=$MED R_KB[$k]=$PEAK R_OUT[$k]=$(bytes "$out")
		case $ST in
		ok | timeout) ;;
		*)
			failed=1
			log "   FAILED ($ST): sfbnet $(args "$c" "$fw" "$topo")"
			head -5 "$tmp/err" >&2
			;;
		esac
		if [ "$c" = validate ]; then
			# The generated topology must be valid; its warnings are counted.
			cp "$tmp/err" "$tmp/validate-$series-$size.err"
			INFO["$series $size"]=$(sed -n '1s/^.*: valid: /valid: /p' "$out")
			case $ST in
			ok)
				# Expected: one federation SRV finding per SIP domain after
				# the first (hosts); none at all (zones).
				w=$(grep -c '^warning: ' "$tmp/err")
				we=0
				[ "$series" = hosts ] && we=$(grep '^warning: ' "$tmp/err" | grep -c 'its federation SRV record')
				if [ "$w" = 0 ]; then
					INFO["$series $size w"]=""
				elif [ "$w" = "$we" ]; then
					INFO["$series $size w"]="the $w warning(s) are the expected federation SRV findings, one per SIP domain after the first"
				else
					INFO["$series $size w"]="$((w - we)) UNEXPECTED warning(s) (of $w): $(grep '^warning: ' "$tmp/err" | grep -v 'its federation SRV record' | head -n 1 | cut -c1-200)"
				fi
				;;
			timeout) INFO["$series $size"]="(validate timed out: validity not checked)" ;;
			*)
				INFO["$series $size"]="DOES NOT VALIDATE ($ST): $(head -n 1 "$tmp/err")"
				skip=1
				;;
			esac
			if [ -n "${SCALE_KEEP:-}" ]; then cp "$tmp/err" "$SCALE_KEEP/validate-$series-$size.txt"; fi
		fi
		if [ "$c" = fw-nft ]; then
			R_PEER[$k]=""
			if [ "$ST" != ok ]; then
				R_PEER[$k]="no input"
			elif [ -n "$peer_skip" ]; then
				R_PEER[$k]="skipped"
			else
				cp "$out" "$tmp/peer.nft"
				log "   peer: nft -c -f ($reps run(s), in netns $ns)"
				measure /dev/null ip netns exec "$ns" nft -c -f "$tmp/peer.nft"
				case $ST in
				ok) R_PEER[$k]=$MED ;;
				timeout) R_PEER[$k]="timeout" ;;
				*) R_PEER[$k]="rejected ($ST)"; head -3 "$tmp/err" >&2 ;;
				esac
			fi
		fi
		if [ -n "${SCALE_KEEP:-}" ]; then
			case $c in
			fw-nft) cp "$out" "$SCALE_KEEP/$series-$size-$fw.nft" ;;
			fw-ipt) cp "$out" "$SCALE_KEEP/$series-$size-$fw.ipt" ;;
			esac
		fi
		rm -f "$out"
	done
}

[ -n "${SCALE_KEEP:-}" ] && { mkdir -p "$SCALE_KEEP" || die "cannot make $SCALE_KEEP"; }
gen() {   # gen SCRIPT ARG FILE
	timeout 300 env GEN_SIP_DOMAINS="$domains" "$1" "$2" >"$3" || die "$1 $2 failed"
	[ -n "${SCALE_KEEP:-}" ] && cp "$3" "$SCALE_KEEP/"
	return 0
}
for n in $sizes; do
	log "== hosts: $n (bench/gen_hosts.sh $n)"
	gen bench/gen_hosts.sh "$n" "$tmp/hosts-$n.yaml"
	INFO["hosts $n f"]=$(bytes "$tmp/hosts-$n.yaml")
	bench hosts "$n" fw-core "$tmp/hosts-$n.yaml"
	rm -f "$tmp/hosts-$n.yaml"
done
for z in $zones; do
	log "== zones: $z (GEN_CHAIN_BRANCHES=$branches bench/gen_chain.sh $z)"
	GEN_CHAIN_BRANCHES=$branches gen bench/gen_chain.sh "$z" "$tmp/zones-$z.yaml"
	INFO["zones $z f"]=$(bytes "$tmp/zones-$z.yaml")
	bench zones "$z" fw-0000 "$tmp/zones-$z.yaml"
	rm -f "$tmp/zones-$z.yaml"
done
for z in $dense; do
	log "== dense: $z (bench/gen_chain.sh $z)"
	gen bench/gen_chain.sh "$z" "$tmp/dense-$z.yaml"
	INFO["dense $z f"]=$(bytes "$tmp/dense-$z.yaml")
	bench dense "$z" fw-0000 "$tmp/dense-$z.yaml"
	rm -f "$tmp/dense-$z.yaml"
done

# --- 4. the tables -------------------------------------------------------------
fmt_ms() { awk -v m="$1" 'BEGIN { if (m >= 10000) printf "%.0f", m; else if (m >= 100) printf "%.0f", m; else printf "%.1f", m }'; }
fmt_mb() { awk -v k="$1" 'BEGIN { v = k / 1024; if (v >= 100) printf "%.0f", v; else printf "%.1f", v }'; }
fmt_size() { awk -v b="$1" 'BEGIN { if (b >= 1048576) printf "%.1f MB", b / 1048576; else if (b >= 1024) printf "%.1f kB", b / 1024; else printf "%d B", b }'; }
grp() { awk -v n="$1" 'BEGIN { s = sprintf("%d", n); o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } print s o }'; }
# growth NOW PREV STEP: the factor per tenfold (">" when NOW is a lower bound).
growth() { awk -v a="$1" -v b="$2" -v r="$3" 'BEGIN { if (b <= 0) { print "nan"; exit } g = a / b; if (r != 10) g = exp(log(g) * log(10) / log(r)); printf "%.1f", g }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }

host_fail="" zone_fail="" host_steps=0 zone_seen=0
table() {   # table SERIES FW SIZES
	local series=$1 fw=$2 list=$3 c s prev k pk st t m out gt gm goal peer unit
	[ -z "$list" ] && return
	unit=hosts; [ "$series" != hosts ] && unit=zones
	echo
	if [ "$series" = hosts ]; then
		echo "### $unit: bench/gen_hosts.sh N ($domains SIP domains), firewall $fw"
	elif [ "$series" = zones ]; then
		echo "### $unit: GEN_CHAIN_BRANCHES=$branches bench/gen_chain.sh Z (Z zones, Z - 1 firewalls in a chain, branch sites in $branches of them), firewall $fw"
	else
		echo "### dense $unit: bench/gen_chain.sh Z (Z zones, Z - 1 firewalls in a chain, a branch site in every zone: the plan grows with zones squared), firewall $fw"
	fi
	echo
	for s in $list; do
		echo "- $(grp "$s") $unit: $(fmt_size "${INFO["$series $s f"]}") of YAML; ${INFO["$series $s"]}"
		[ -n "${INFO["$series $s w"]:-}" ] && echo "  (${INFO["$series $s w"]})"
	done
	echo
	echo "| command | $unit | wall ms | peak RSS MB | output | time x per 10x | RSS x per 10x | goal | peer: nft -c ms |"
	echo "|---|---:|---:|---:|---:|---:|---:|---|---:|"
	for c in $cmds; do
		prev=""
		for s in $list; do
			k="$series $s $c"
			st=${R_ST[$k]}
			peer=""
			[ "$c" = fw-nft ] && peer=${R_PEER[$k]:-}
			case $st in
			ok)
				t=$(fmt_ms "${R_MS[$k]}") m=$(fmt_mb "${R_KB[$k]}") out=$(fmt_size "${R_OUT[$k]}") ;;
			timeout)
				t="timeout (> $tmo s)" m="$(fmt_mb "${R_KB[$k]}") at the kill" out="" ;;
			skipped)
				t="skipped" m="" out="" ;;
			*)
				t="FAILED ($st)" m="" out="" ;;
			esac
			gt="" gm="" goal=""
			if [ -n "$prev" ]; then
				pk="$series $prev $c"
				if [ "${R_ST[$pk]}" = ok ] && [ "$st" = ok ]; then
					gt=$(growth "${R_MS[$k]}" "${R_MS[$pk]}" "$(awk -v a="$s" -v b="$prev" 'BEGIN { print a / b }')")
					gm=$(growth "${R_KB[$k]}" "${R_KB[$pk]}" "$(awk -v a="$s" -v b="$prev" 'BEGIN { print a / b }')")
				elif [ "${R_ST[$pk]}" = ok ] && [ "$st" = timeout ]; then
					gt=">$(growth "$((tmo * 1000))" "${R_MS[$pk]}" "$(awk -v a="$s" -v b="$prev" 'BEGIN { print a / b }')")"
					gm="?"
				fi
				if [ "$series" = hosts ]; then
					host_steps=$((host_steps + 1))
					if [ "$st" = ok ] && [ -n "$gt" ] && le "$gt" "$host_goal" && le "$gm" "$host_goal"; then
						goal=PASS
					elif [ "$st" = ok ] && [ -z "$gt" ]; then
						goal="n/a"
					else
						goal=FAIL
						host_fail="$host_fail, $(label "$c" "$fw") $(grp "$prev")->$(grp "$s")"
					fi
				fi
			fi
			if [ "$series" = zones ] && [ "$s" = "$zone_goal_n" ]; then
				zone_seen=1
				if [ "$st" = ok ] && le "${R_MS[$k]}" "$zone_goal_ms" && [ "${R_KB[$k]}" -lt "$zone_goal_kb" ]; then
					goal=PASS
				else
					goal=FAIL
					zone_fail="$zone_fail, $(label "$c" "$fw")"
				fi
			fi
			[ -n "$gt" ] && gt="${gt}x"
			[ -n "$gm" ] && [ "$gm" != "?" ] && gm="${gm}x"
			echo "| $(label "$c" "$fw") | $(grp "$s") | $t | $m | $out | $gt | $gm | $goal | $peer |"
			prev=$s
		done
	done
}

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
built=$(date -u -r "$bin" '+%Y-%m-%d %H:%M:%S UTC' 2>/dev/null)
echo "## sfbnet scaling (bench/scale.sh)"
echo
echo "- machine: $(nproc) CPU(s), ${cpu:-unknown CPU}, $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
if [ "${SCALE_NO_BUILD:-0}" = 1 ]; then
	src="an earlier build (the work tree is now at $rev)"
else
	src="built from $rev$([ "$dirty" -gt 0 ] && echo " plus $dirty changed file(s) not committed")"
fi
echo "- sfbnet: $("$bin" --version 2>/dev/null | awk '{ print $2 }') (${btype:-unknown} build in $bdir, binary of ${built:-unknown date}), $src"
echo "- $reps run(s) per command and size: median wall time, highest peak RSS; limit $tmo s per run"
echo "- growth: the factor from the size before, per tenfold; goals: hosts <= ${host_goal}x time and memory per tenfold; $(grp $zone_goal_n) zones < $((zone_goal_ms / 1000)) s and < $((zone_goal_kb / 1024)) MB per command"
if [ -n "$peer_skip" ]; then
	echo "- peer column skipped: $peer_skip"
else
	echo "- peer: nft -c -f on the nftables output, in network namespace $ns (nothing loaded, no packet sent)"
fi
table hosts fw-core "$sizes"
table zones fw-0000 "$zones"
table dense fw-0000 "$dense"

echo
if [ -n "$sizes" ]; then
	if [ "$host_steps" = 0 ]; then
		echo "goal: <= ${host_goal}x time and memory per tenfold hosts: not measured (one size only)"
	elif [ -z "$host_fail" ]; then
		echo "goal: <= ${host_goal}x time and memory per tenfold hosts: PASS"
	else
		echo "goal: <= ${host_goal}x time and memory per tenfold hosts: FAIL (${host_fail#, })"
	fi
fi
if [ -n "$zones" ]; then
	if [ "$zone_seen" = 0 ]; then
		echo "goal: $(grp $zone_goal_n) zones in a chain < $((zone_goal_ms / 1000)) s and < $((zone_goal_kb / 1024)) MB per command: not measured ($(grp $zone_goal_n) not in SCALE_ZONES)"
	elif [ -z "$zone_fail" ]; then
		echo "goal: $(grp $zone_goal_n) zones in a chain < $((zone_goal_ms / 1000)) s and < $((zone_goal_kb / 1024)) MB per command: PASS"
	else
		echo "goal: $(grp $zone_goal_n) zones in a chain < $((zone_goal_ms / 1000)) s and < $((zone_goal_kb / 1024)) MB per command: FAIL (${zone_fail#, })"
	fi
fi
if [ "$failed" -ne 0 ]; then
	echo
	echo "scale: some sfbnet commands FAILED (see above)"
	exit 1
fi
exit 0
