#!/usr/bin/env bash
# bench/report.sh [HOSTS...] — how long `sfbnet report` takes and how large
# its page is for synthetic topologies of HOSTS hosts (default 100 1000;
# bench/gen_hosts.sh), BENCH_REPS runs each (default 5): median wall time,
# peak memory (GNU time), page size.  The issue's goal: 1,000 hosts in
# under 2 s and under 5 MB.  Uses the Release build of bench/build (built
# here if needed).  Nothing is sent anywhere.
set -u
export LC_ALL=C
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 3
reps=${BENCH_REPS:-5}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake -S . -B bench/build -DCMAKE_BUILD_TYPE=Release -DSFB_TESTS=OFF >"$tmp/build.log" 2>&1 &&
	cmake --build bench/build -j2 >>"$tmp/build.log" 2>&1 || { tail -20 "$tmp/build.log"; exit 3; }
bin=$root/bench/build/sfbnet
printf '%-8s %5s %10s %10s %12s %10s  %s\n' hosts runs "median s" "max s" "peak RSS MB" "page MB" goal
for n in "${sizes[@]}"; do
	bash bench/gen_hosts.sh "$n" >"$tmp/t$n.yaml" 2>/dev/null
	times=() rss=0
	for _ in $(seq "$reps"); do
		/usr/bin/time -f '%e %M' -o "$tmp/time" "$bin" report "$tmp/t$n.yaml" -o "$tmp/p.html" 2>/dev/null ||
			{ echo "bench/report: sfbnet report failed on $n hosts"; exit 1; }
		read -r t m <"$tmp/time"
		times+=("$t")
		[ "$m" -gt "$rss" ] && rss=$m
	done
	med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	max=$(printf '%s\n' "${times[@]}" | sort -n | tail -1)
	size=$(wc -c <"$tmp/p.html")
	goal=$(awk -v t="$med" -v s="$size" -v n="$n" 'BEGIN { if (n != 1000) print "-"; else print ((t < 2 && s < 5 * 1048576) ? "PASS (< 2 s, < 5 MB)" : "MISS") }')
	printf '%-8s %5s %10s %10s %12.1f %10.2f  %s\n' "$n" "$reps" "$med" "$max" "$(awk -v m="$rss" 'BEGIN { print m / 1024 }')" \
		"$(awk -v s="$size" 'BEGIN { print s / 1048576 }')" "$goal"
done
