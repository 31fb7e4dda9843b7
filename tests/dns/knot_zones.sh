#!/usr/bin/env bash
# dns/knot-server: the zones `sfbnet dns` writes load in a real DNS server
# and answer exactly what the JSON output says.
#
# For every example topology, every view (internal, external) and every zone
# of that view in `sfbnet dns --format json`:
#   - `sfbnet dns EX --view V --zone Z --standalone -o FILE` succeeds and
#     `kzonecheck -o Z FILE` accepts the file;
#   - `--format json --view V --zone Z` lists the same records as the
#     unfiltered JSON does for (V, Z);
# then one Knot DNS server (knotd) per view serves all zones of the view from
# those files on 127.0.0.1 (a free high port), and:
#   - every zone answers SOA (NOERROR, aa) within 5 s of the start;
#   - for every (name, type) of the view's records, a kdig query gets NOERROR
#     with aa, and the answer RRset equals exactly the JSON values (A/AAAA
#     addresses, CNAME targets with the trailing dot, SRV "prio weight port
#     target.");
#   - an AXFR of every zone equals the JSON records of (V, Z), TTLs included,
#     plus only the apex SOA and NS (nothing missing, nothing extra);
#   - a name in no record returns NXDOMAIN (aa) in every zone;
#   - every SRV or CNAME target that lies inside a zone of the view has an
#     A or AAAA record in that view (split-brain DNS: the view is
#     authoritative for the name, so a target missing from it is NXDOMAIN).
# Queries go over UDP, and over TCP when UDP gets no answer at all; AXFR is
# TCP.  Where it can (root), the test runs in a network namespace of its own
# (SFB_KNOT_NETNS=0: in the host's).
# Needs knotd (Debian package knot), kdig (knot-dnsutils) and kzonecheck
# (knot-dnssecutils); exits 77 when one is missing.  Installs nothing.
set -u
bin=${1:?usage: knot_zones.sh SFBNET}
name="dns/knot-server"
pass=0 fail=0

missing=""
for tool in knotd:knot kdig:knot-dnsutils kzonecheck:knot-dnssecutils jq:jq timeout:coreutils; do
	command -v "${tool%%:*}" >/dev/null 2>&1 || missing="$missing ${tool%%:*} (Debian package ${tool#*:})"
done
if [ -n "$missing" ]; then
	echo "SKIP: $name needs$missing"
	exit 77
fi

# Where it may (root, unshare), the test runs in a network namespace of its
# own, with only the loopback up: no other program's port or packet rule can
# meddle with the server's.  Elsewhere it runs in the host's, as it is.
if [ -z "${SFB_KNOT_NETNS:-}" ] && command -v unshare >/dev/null 2>&1 &&
	command -v ip >/dev/null 2>&1 && unshare -n ip link set lo up 2>/dev/null; then
	# shellcheck disable=SC2016  # the inner shell's $0 and $@
	exec unshare -n env SFB_KNOT_NETNS=1 bash -c 'ip link set lo up && exec bash "$0" "$@"' "$0" "$@"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sfb-knot.XXXXXX") || exit 3
# shellcheck source=tests/lib/proc.sh
. "$(dirname "$0")/../lib/proc.sh"
kpid="" port=""
stop_knot() { stop_pid "$kpid"; kpid=""; }
cleanup() { stop_knot; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# True when something listens on or is bound to the port (IPv4 or IPv6).
port_busy() {
	local hex
	hex=$(printf ':%04X' "$1")
	awk -v h="$hex" 'NR > 1 && substr($2, length($2) - 4) == h { f = 1 } END { exit !f }' \
		/proc/net/udp /proc/net/tcp /proc/net/udp6 /proc/net/tcp6 2>/dev/null
}
# A free port from 15353 up, starting at a random offset so that two runs at
# once are unlikely to race for the same one.
next_port=$((15353 + (RANDOM + $$) % 4000))
# Sets port (not to be called in $(...), which would lose next_port).
pick_port() {
	local i
	for ((i = 0; i < 200; i++)); do
		next_port=$((next_port + 1))
		[ "$next_port" -gt 40000 ] && next_port=15353
		port_busy "$next_port" || { port=$next_port; return 0; }
	done
	return 1
}

# kdig against the server under test, bounded.  A UDP query that gets no
# answer at all is asked again over TCP: lost datagrams are not what this
# test is about (another test on the machine may be playing with packet
# rules), and the fallbacks are counted in the closing note.  AXFR is TCP.
q() {
	local out=""
	# After 3 fallbacks UDP is not worth waiting for any more.
	[ -s "$tmp/tcp_fallbacks" ] && [ "$(wc -l <"$tmp/tcp_fallbacks")" -ge 3 ] ||
		out=$(timeout 10 kdig @127.0.0.1 -p "$port" +timeout=1 +retry=1 "$@" 2>&1)
	if [ -z "$(dig_status "$out")" ] && ! grep -q '^;; AXFR' <<<"$out"; then
		echo "$*" >>"$tmp/tcp_fallbacks"   # (q runs in $(...): count in a file)
		out=$(timeout 10 kdig @127.0.0.1 -p "$port" +tcp +timeout=2 +retry=0 "$@" 2>&1)
	fi
	printf '%s\n' "$out"
}
# From kdig's default output: the status, whether aa is set, the answers.
dig_status() { sed -n 's/^;; ->>HEADER<<-.*status: \([A-Z]*\).*/\1/p' <<<"$1"; }
dig_aa() { grep -Eq '^;; Flags:.* aa[ ;]' <<<"$1"; }
# "owner<TAB>ttl<TAB>type<TAB>rdata" of the answer section, lower case.
dig_answers() {
	awk '/^;; ANSWER SECTION:/ { a = 1; next } /^$/ { a = 0 } a && !/^;/ {
		r = $5; for (i = 6; i <= NF; i++) r = r " " $i
		print tolower($1) "\t" $2 "\t" $4 "\t" tolower(r) }' <<<"$1"
}
# The same for the records of an AXFR (kdig prints them without sections).
axfr_records() {
	awk '!/^;/ && NF >= 5 {
		r = $5; for (i = 6; i <= NF; i++) r = r " " $i
		print tolower($1) "\t" $2 "\t" $4 "\t" tolower(r) }' <<<"$1"
}

# The JSON records of one view as "zone<TAB>name.<TAB>type<TAB>ttl<TAB>value",
# value as a DNS server presents it.
# shellcheck disable=SC2016  # jq's variables, not the shell's
jq_records='.records[] | select(.view == $v) |
	[.zone, (.name | ascii_downcase | rtrimstr(".") + "."), .type, (.ttl | tostring),
	 (if .type == "SRV" then ([.priority, .weight, .port] | map(tostring) | join(" ")) + " " +
	    (.value | ascii_downcase | rtrimstr(".") + ".")
	  elif .type == "CNAME" or .type == "NS" or .type == "PTR" then (.value | ascii_downcase | rtrimstr(".") + ".")
	  else (.value | ascii_downcase) end)] | @tsv'
# Records whose fields are missing or wrong, one line each.
# shellcheck disable=SC2016  # jq's variables, not the shell's
jq_malformed='.records[] | select(
	((.view == "internal" or .view == "external") | not) or
	(.zone | type) != "string" or (.name | type) != "string" or (.type | type) != "string" or
	(.ttl | type) != "number" or .ttl <= 0 or (.value | type) != "string" or .value == "" or
	((.name | ascii_downcase) as $n | (.zone | ascii_downcase) as $z |
	 ($n == $z or ($n | endswith("." + $z))) | not) or
	(.type == "SRV" and ((.priority | type) != "number" or (.weight | type) != "number" or
	 (.port | type) != "number")) or
	(.type != "SRV" and (has("priority") or has("weight") or has("port")))) | tojson'

# Start knotd on a free port serving the zones listed in $dir/zones
# ("zone<TAB>file" lines); sets kpid and port, or returns 1.
start_knot() {
	local dir=$1 attempt z f t0 up loaded_all st out
	for ((attempt = 1; attempt <= 3; attempt++)); do
		pick_port || { echo "no free port"; return 1; }
		mkdir -p "$dir/run" "$dir/db"
		{
			printf 'server:\n    rundir: "%s"\n    pidfile: "%s"\n' "$dir/run" "$dir/run/knot.pid"
			printf '    user: %s:%s\n' "$(id -un)" "$(id -gn)"
			printf '    listen: 127.0.0.1@%s\n' "$port"
			printf 'log:\n  - target: stderr\n    any: info\n'
			printf 'database:\n    storage: "%s"\n' "$dir/db"
			printf 'control:\n    listen: "%s"\n' "$dir/run/knot.sock"
			printf 'acl:\n  - id: local-xfr\n    address: 127.0.0.1\n    action: transfer\n'
			printf 'template:\n  - id: default\n    storage: "%s"\n' "$dir"
			printf '    zonefile-sync: -1\n    zonefile-load: whole\n    journal-content: none\n'
			printf '    semantic-checks: on\n    acl: local-xfr\n'
			printf 'zone:\n'
			while IFS=$'\t' read -r z f; do
				printf '  - domain: "%s"\n    file: "%s"\n' "$z" "$f"
			done <"$dir/zones"
		} >"$dir/knot.conf"
		rm -f "$dir"/*.up
		knotd -c "$dir/knot.conf" >"$dir/knotd.log" 2>&1 &
		kpid=$!
		t0=$(now_ms)
		up=0
		while [ $(($(now_ms) - t0)) -lt 5000 ]; do
			if ! kill -0 "$kpid" 2>/dev/null; then
				wait "$kpid" 2>/dev/null
				kpid=""
				break
			fi
			# Each zone once: SOA over TCP (not at the mercy of lost datagrams).
			loaded_all=1
			while IFS=$'\t' read -r z f; do
				[ -e "$dir/$z.up" ] && continue
				out=$(timeout 3 kdig @127.0.0.1 -p "$port" +tcp +timeout=1 +retry=0 "$z" SOA 2>&1)
				st=$(dig_status "$out")
				[ -n "$st" ] && up=1
				if [ "$st" = NOERROR ] && dig_aa "$out"; then : >"$dir/$z.up"; else loaded_all=0; fi
			done <"$dir/zones"
			[ "$loaded_all" = 1 ] && return 0
			# A zone knotd refused will not load later: no need to wait.
			grep -q "failed to load zone\|zone event 'load' failed" "$dir/knotd.log" && break
			sleep 0.1
		done
		if [ -n "$kpid" ]; then
			# Running, but not every zone answered within 5 s.
			if grep -q "failed to load zone\|zone event 'load' failed" "$dir/knotd.log"; then
				echo "knotd could not load a zone"
			elif [ "$up" = 1 ]; then
				echo "knotd answers on port $port but did not load every zone within 5 s"
			else
				echo "knotd did not answer on port $port within 5 s"
			fi
			sed 's/^/    knotd: /' "$dir/knotd.log" | tail -20
			stop_knot
			return 1
		fi
		# knotd exited: retry on another port if it lost a race for this one.
		if ! grep -qiE 'address (already )?in use|cannot bind|failed to bind' "$dir/knotd.log"; then
			echo "knotd exited at start"
			sed 's/^/    knotd: /' "$dir/knotd.log" | tail -20
			return 1
		fi
	done
	echo "knotd could not bind a port in 3 tries"
	return 1
}

absent="sfbnet-absent-name"

shopt -s nullglob
examples=(examples/*.yaml)
[ "${#examples[@]}" -gt 0 ] || { echo "$name: no examples/*.yaml (run from the source dir)"; exit 3; }

for ex in "${examples[@]}"; do
	exn=$(basename "$ex" .yaml)
	json="$tmp/$exn.json"
	if ! timeout 20 "$bin" dns "$ex" --format json >"$json" 2>"$tmp/$exn.err"; then
		bad "$ex: sfbnet dns --format json failed: $(cat "$tmp/$exn.err")"
		continue
	fi
	if ! jq -e '.records | type == "array"' "$json" >/dev/null 2>&1; then
		bad "$ex: the JSON has no records array"
		continue
	fi
	if ! malformed=$(jq -r "$jq_malformed" "$json"); then
		bad "$ex: jq could not check the records"
	elif [ -z "$malformed" ]; then ok; else
		bad "$ex: malformed DNS records in the JSON:"$'\n'"$malformed"
	fi

	for view in internal external; do
		vdir="$tmp/$exn-$view"
		mkdir -p "$vdir"
		if ! jq -r --arg v "$view" "$jq_records" "$json" >"$vdir/expected.tsv"; then
			bad "$ex $view: jq could not read the records"
			continue
		fi
		cut -f1 "$vdir/expected.tsv" | sort -u >"$vdir/zonelist"
		[ -s "$vdir/zonelist" ] || continue   # nothing in this view
		: >"$vdir/zones"
		while read -r zone; do
			zfile="$zone.zone"
			if ! timeout 20 "$bin" dns "$ex" --view "$view" --zone "$zone" --standalone \
				-o "$vdir/$zfile" 2>"$vdir/gen.err"; then
				bad "$ex $view $zone: sfbnet dns --standalone failed: $(cat "$vdir/gen.err")"
				continue
			fi
			if out=$(timeout 20 kzonecheck -o "$zone" "$vdir/$zfile" 2>&1); then ok; else
				bad "$ex $view $zone: kzonecheck rejects the standalone zone:"$'\n'"$out"
			fi
			printf '%s\t%s\n' "$zone" "$zfile" >>"$vdir/zones"
			# The filtered JSON is the unfiltered JSON's slice.
			if timeout 20 "$bin" dns "$ex" --view "$view" --zone "$zone" --format json \
				>"$vdir/$zone.json" 2>/dev/null &&
				cmp -s <(jq -S -c '.records | sort_by(tojson)[]' "$vdir/$zone.json") \
					<(jq -S -c --arg v "$view" --arg z "$zone" \
						'[.records[] | select(.view == $v and .zone == $z)] | sort_by(tojson)[]' "$json")
			then ok; else
				bad "$ex $view $zone: --format json --view $view --zone $zone differs from the unfiltered JSON's records"
			fi
		done <"$vdir/zonelist"
		[ -s "$vdir/zones" ] || continue

		# (not in $(...): start_knot sets kpid and port)
		if ! start_knot "$vdir" >"$vdir/why"; then
			bad "$ex $view: knotd not serving: $(cat "$vdir/why")"
			continue
		fi
		ok   # every zone of the view loaded and answers SOA

		# Every (name, type): the answer RRset is exactly the JSON's values.
		while IFS=$'\t' read -r qname qtype; do
			want=$(awk -F'\t' -v n="$qname" -v t="$qtype" '$2 == n && $3 == t { print $5 }' \
				"$vdir/expected.tsv" | sort)
			out=$(q "$qname" "$qtype")
			st=$(dig_status "$out")
			got=$(dig_answers "$out" | awk -F'\t' -v n="$qname" -v t="$qtype" \
				'$1 == n && $3 == t { print $4 }' | sort)
			if [ "$st" = NOERROR ] && dig_aa "$out" && [ "$got" = "$want" ]; then ok; else
				bad "$ex $view: $qname $qtype: status ${st:-none}, want {$(paste -sd, <<<"$want")}" \
					"got {$(paste -sd, <<<"$got")}"
			fi
		done < <(cut -f2,3 "$vdir/expected.tsv" | sort -u)

		# An SRV or CNAME target inside a zone of the view resolves in that
		# view (A or AAAA): the view is authoritative for it, so a name missing
		# from it is NXDOMAIN there, whatever the other view holds.
		while IFS=$'\t' read -r target owners; do
			inview=""
			while IFS=$'\t' read -r zone zfile; do
				[[ $target == "$zone." || $target == *".$zone." ]] && inview=$zone
			done <"$vdir/zones"
			[ -n "$inview" ] || continue   # outside the view's zones: not ours to check
			got=""
			for qtype in A AAAA; do
				out=$(q "$target" "$qtype")
				got="$got$(dig_answers "$out" | awk -F'\t' '$3 == "A" || $3 == "AAAA" { print $4 }')"
			done
			if [ -n "$got" ]; then ok; else
				bad "$ex $view: $target, the target of $owners, has no A or AAAA in the $view view" \
					"(zone $inview)"
			fi
		done < <(awk -F'\t' '$3 == "SRV" { n = split($5, a, " "); print a[n] "\t" $2 " SRV" }
			$3 == "CNAME" { print $5 "\t" $2 " CNAME" }' "$vdir/expected.tsv" | sort -u |
			awk -F'\t' '$1 == t { o = o ", " $2; next } { if (t != "") print t "\t" o; t = $1; o = $2 }
				END { if (t != "") print t "\t" o }')

		while IFS=$'\t' read -r zone zfile; do
			# AXFR: the zone holds the JSON records and only them, TTLs included.
			out=$(q "$zone" AXFR)
			want=$(awk -F'\t' -v z="$zone" '$1 == z { print $2 "\t" $4 "\t" $3 "\t" $5 }' \
				"$vdir/expected.tsv" | sort)
			got=$(axfr_records "$out" | awk -F'\t' -v apex="$zone." \
				'!($3 == "SOA" || ($3 == "NS" && $1 == apex))' | sort)
			# A complete transfer opens and closes with the apex SOA.
			soa=$(axfr_records "$out" | awk -F'\t' -v apex="$zone." '$3 == "SOA" && $1 == apex' | wc -l)
			if [ "$soa" = 2 ] && [ "$got" = "$want" ]; then ok; else
				bad "$ex $view $zone: AXFR differs from the JSON (apex SOA records: $soa, want 2):"$'\n'"$(
					diff <(echo "$want") <(echo "$got") | sed -n 's/^\([<>]\)/    \1/p' |
					sed 's/^    </    json only:/; s/^    >/    server only:/')"
			fi
			# A name in no record: NXDOMAIN, authoritative.
			qname="$absent.$zone"
			if grep -qiF "$qname." "$vdir/expected.tsv"; then
				bad "$ex $view $zone: the probe name $qname is in the records"
				continue
			fi
			out=$(q "$qname" A)
			st=$(dig_status "$out")
			if [ "$st" = NXDOMAIN ] && dig_aa "$out"; then ok; else
				bad "$ex $view $zone: $qname A: status ${st:-none}, want NXDOMAIN with aa"
			fi
		done <"$vdir/zones"
		stop_knot
	done
done

[ -s "$tmp/tcp_fallbacks" ] &&
	echo "note: UDP got no answer: $(wc -l <"$tmp/tcp_fallbacks") queries went over TCP instead"
echo "$name: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
