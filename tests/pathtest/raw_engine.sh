#!/usr/bin/env bash
# pathtest/raw-engine: `sfbnet probe --engine raw` (SYNs through a raw
# socket, UDP in batches, ICMP read from a raw socket) against the ground
# truth, where the connect engine's tests do not reach:
#
#   1 IPv6 (raw IPv6 sockets carry no IP header; ICMPv6 errors; the
#     responder's tproxy echoes through its raw IPv6 socket): a hand-written
#     ruleset of drops, TCP resets, ICMPv6 port unreachable and
#     administratively prohibited; every one of the 30,001 ports must have
#     the verdict the ruleset implies, with --engine raw and, the same, with
#     --engine connect;
#   2 a SYN-ACK is not the responder: a responder with another token
#     answers every SYN (its kernel does) but echoes no probe; the raw
#     engine's token check must call TCP 80 "unverified", not open, and say
#     that no responder answered;
#   3 without CAP_NET_RAW (the prober run as nobody), --engine raw exits 3
#     saying what it needs, and writes no report;
#   4 --engine with an unknown value: exit 2.
# (IPv4 with drops, rejects, bind mode and a burst of loss: ground_truth.sh
# run again with PT_ENGINE=raw, test pathtest/ground-truth-raw.)
#
# usage: raw_engine.sh SFBNET   (from the source directory)
set -u
bin=$(realpath "$1")
name=pathtest/raw-engine
here=$(dirname "$0")
# shellcheck source=tests/lib/netns.sh
. "$here/../lib/netns.sh"
pt_need realpath setpriv
[ -x "$bin" ] || { echo "$name: no sfbnet at $1"; exit 2; }
pt_setup
pt_have_tproxy || pt_skip "the responder needs TPROXY (nft_tproxy) for 30,001 ports"
tmp=$pt_tmp
tok=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')

# ---- 1: IPv6 -----------------------------------------------------------------
C6=fd00:99:1::10 S6=fd00:99:2::10
v6_setup() {
	{
		ip -n "$FW" addr add fd00:99:1::1/64 dev in0 nodad &&
		ip -n "$FW" addr add fd00:99:2::1/64 dev out0 nodad &&
		ip netns exec "$FW" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/forwarding' &&
		ip -n "$CLI" addr add "$C6/64" dev eth0 nodad &&
		ip -n "$CLI" -6 route add default via fd00:99:1::1 &&
		ip -n "$SRV" addr add "$S6/64" dev eth0 nodad &&
		ip -n "$SRV" -6 route add default via fd00:99:2::1 &&
		# One ICMPv6 error per rejected port: destination unreachable
		# (type 1) out of the rate-limited types, which also exempts it
		# from the global limit (as pt_setup does for IPv4).
		ip netns exec "$FW" sh -c 'echo 127 >/proc/sys/net/ipv6/icmp/ratemask' &&
		ip netns exec "$SRV" sh -c 'echo 127 >/proc/sys/net/ipv6/icmp/ratemask'
	} 2>"$tmp/v6.err" || { cat "$tmp/v6.err"; pt_skip "cannot set up IPv6 in the test namespaces"; }
}
cat >"$tmp/v6.yaml" <<EOF
version: 1
name: sfbnet path test, IPv6
sip_domains: [pathtest.example]
profiles: [starleaf, pexip]
zones:
  - { name: inside,  networks: ["fd00:99:1::/64"] }
  - { name: outside, networks: ["fd00:99:2::/64"] }
firewalls:
  - { name: fw, between: [inside, outside] }
hosts:
  - name: client
    endpoints:
      - { zone: inside, address: "$C6", roles: [client] }
  - name: server
    endpoints:
      - { zone: outside, address: "$S6", roles: [starleaf-cloud, pexip-node] }
EOF
c="ip6 saddr $C6 ip6 daddr $S6"
cat >"$tmp/v6.nft" <<EOF
table inet truth {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		ct state invalid drop
		$c tcp dport 80 accept
		$c tcp sport 50000-50059 tcp dport { 50000-54999, 57777 } accept
		$c udp dport { 40000-42999, 45555 } accept
		$c udp sport 50000-50059 udp dport 50000-59999 accept
		$c tcp dport 55000-57499 reject with tcp reset
		$c udp dport 43000-46999 reject with icmpv6 type port-unreachable
		$c udp dport 47000-49999 reject with icmpv6 type admin-prohibited
	}
}
EOF
want_v6='{
 "px-avatar-http/tcp":       {"open": "80", "verdict": "pass"},
 "sl-media-tcp/tcp":         {"open": "50000-54999,57777", "closed": "55000-57499",
                              "filtered": "57500-57776,57778-59999", "verdict": "partial"},
 "px-media-sfb-to-node/udp": {"open": "40000-42999,45555", "closed": "43000-45554,45556-49999", "verdict": "partial"},
 "sl-media-udp/udp":         {"open": "50000-59999", "verdict": "pass"}}'

# probe_check TITLE WANT_RC WANT_JSON TOPOLOGY TOKEN ARGS...: one run of the
# prober in $CLI, its exit status and every port's verdict checked.
probe_check() {
	local title=$1 want_rc=$2 want=$3 topo=$4 token=$5 rc line; shift 5
	rm -f "$tmp/report.json"
	# --rate 10000 (the raw engine: 20000): both sides may run under ASan
	# on 2 CPUs (as in ground_truth.sh); the verdicts are the same at any
	# rate.
	ip netns exec "$CLI" "$bin" probe "$topo" --host client --token "$token" --format json \
		--rate "${rate:-10000}" "$@" -o "$tmp/report.json" 2>"$tmp/probe.err"
	rc=$?
	if [ "$rc" = "$want_rc" ]; then ok "$title: exit status $rc"
	else bad "$title: exit status $rc, want $want_rc: $(head -3 "$tmp/probe.err")"; fi
	if grep -Eq 'Sanitizer|runtime error' "$tmp/probe.err"; then
		bad "$title: sanitizer report: $(grep -Em1 'Sanitizer|runtime error' "$tmp/probe.err")"
	fi
	[ -s "$tmp/report.json" ] || { bad "$title: no report"; return; }
	while read -r line; do
		case $line in
		ok\ *) ok "$title: ${line#ok }" ;;
		*) bad "$title: ${line#bad }" ;;
		esac
	done < <(jq -r --argjson want "$want" -f "$here/verdicts.jq" "$tmp/report.json" || echo "bad jq failed")
}

v6_setup
if ! pt_fw_load "$tmp/v6.nft"; then bad "1: nft could not load the IPv6 ruleset"; finish; fi
if ! pt_responder "$tmp/resp.log" "$tmp/v6.yaml" --host server --token "$tok" --duration 120 \
	--mode tproxy; then bad "1: the responder did not start: $(head -3 "$tmp/resp.log")"; finish; fi
for engine in raw connect; do
	rate=$([ "$engine" = raw ] && echo 20000)
	probe_check "1 IPv6, --engine $engine" 1 "$want_v6" "$tmp/v6.yaml" "$tok" --engine "$engine"
	if jq -e '[.flows[].responder_answered] | all' "$tmp/report.json" >/dev/null 2>&1; then
		ok "1 IPv6, --engine $engine: the responder answered at $S6"
	else bad "1 IPv6, --engine $engine: responder_answered is not true for every flow"; fi
done
kill -TERM "$rpid" 2>/dev/null
pt_wait "$rpid" 5
if grep -q 'could not be sent' "$tmp/resp.log"; then
	bad "1: the responder: $(grep -m1 'could not be sent' "$tmp/resp.log")"
else ok "1: the responder sent every echo (its raw IPv6 socket or a transparent one)"; fi

# ---- 2: a SYN-ACK without the token ------------------------------------------
pt_teardown
pt_setup
pt_topology "$tmp/pexip.yaml" pexip pexip-node
ip netns exec "$FW" nft flush ruleset
other=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
if ! pt_responder "$tmp/resp2.log" "$tmp/pexip.yaml" --host server --token "$other" --duration 60 \
	--mode tproxy; then bad "2: the responder did not start: $(head -3 "$tmp/resp2.log")"; finish; fi
rate=20000 probe_check "2 another token, --engine raw" 1 '{
 "px-avatar-http/tcp":       {"unverified": "80", "verdict": "fail"},
 "px-media-sfb-to-node/udp": {"filtered": "40000-49999", "verdict": "fail"}}' \
	"$tmp/pexip.yaml" "$tok" --engine raw --single-pass
if jq -e '[.flows[].responder_answered] | all(. == false)' "$tmp/report.json" >/dev/null 2>&1; then
	ok "2: the report says no responder answered"
else bad "2: responder_answered: $(jq -c '[.flows[].responder_answered]' "$tmp/report.json" 2>&1)"; fi

# ---- 3: no CAP_NET_RAW --------------------------------------------------------
rm -f "$tmp/noroot.json"
chmod 755 "$tmp"
ip netns exec "$CLI" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$bin" probe "$tmp/pexip.yaml" --host client --token "$tok" --engine raw \
	-o "$tmp/noroot.json" 2>"$tmp/noroot.err"
rc=$?
if [ "$rc" = 3 ] && grep -q 'CAP_NET_RAW' "$tmp/noroot.err" && [ ! -e "$tmp/noroot.json" ]; then
	ok "3: without CAP_NET_RAW: exit 3, '$(head -1 "$tmp/noroot.err")', no report"
else bad "3: without CAP_NET_RAW: exit $rc, report $([ -e "$tmp/noroot.json" ] && echo written || echo absent): $(head -2 "$tmp/noroot.err")"; fi

# ---- 4: a bad --engine ----------------------------------------------------------
"$bin" probe "$tmp/pexip.yaml" --host client --token "$tok" --engine fast >/dev/null 2>"$tmp/bad.err"
rc=$?
if [ "$rc" = 2 ] && grep -q "unknown --engine 'fast' (connect, raw)" "$tmp/bad.err"; then
	ok "4: --engine fast: exit 2, $(head -1 "$tmp/bad.err")"
else bad "4: --engine fast: exit $rc: $(head -2 "$tmp/bad.err")"; fi

finish
