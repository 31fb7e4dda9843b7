#!/usr/bin/env bash
# `sfbnet audit` on hand-written nftables rulesets for firewall fw of
# tests/audit/kernel-topology.yaml (clients 203.0.113.0/28 on the internet
# side; Pexip nodes 10.99.2.10 and .11 behind NAT as 198.51.100.10 and .11;
# a StarLeaf node 10.99.2.20), each a small change from a clean ruleset:
#
#   clean     every flow allowed, nothing surplus (exit 0)
#   missing   (a) no rule for px-avatar-http: blocked
#   narrowed  (b) sl-media-tcp dport 50000-54999 instead of 50000-59999: partial
#   broad     (c) tcp dport 1024-65535 to the StarLeaf node from anywhere: surplus
#   shadowed  (d) a later rule inside an earlier one: a "shadowed" note, still clean
#   jump      (e) sl-media-tcp decided in a user chain that returns 55000-59999,
#                 of which a later rule of forward takes 58000-59999 back
#   negated   (f) ip saddr != @blocked: 203.0.113.5 is missing from sl-media-udp
#   sport     (g) udp sport 50000-50029 of the flow's 50000-50059: partial
#   dnat      (h) no dnat for 198.51.100.11: what goes to it is missing
#   flags     (i) tcp flags: px-avatar-http is unknown, a not-modelled finding
#   xt        (i) a real xt match (iptables -m string, made by iptables-nft in
#                 the namespace): the flows it could see are unknown
#
# Every ruleset is loaded with `nft -f` in a namespace of this test and
# dumped with `nft -j list ruleset`, so the audit reads the real tool's
# output.
#
# Two modes:
#   audit   (CTest audit/hand-written): the audit's JSON is compared exactly
#           where it matters: exit status, "clean", every flow that is not
#           allowed with its missing/unknown packets and deciding rule, every
#           finding with its kind, rule and packets.
#   kernel  (CTest audit/kernel-agrees): zones as namespaces (client,
#           firewall, perimeter; veths, routes), the ruleset loaded in the
#           firewall namespace, and real packets (tests/integration/pktprobe)
#           for a sample of each flow: ports inside and outside a narrowed
#           range, source ports inside and outside a source-port constraint,
#           a source in and out of a negated set, ports decided in a jump
#           chain and after its return, connections to public addresses
#           through DNAT.  For each packet the audit's claim (inside a
#           "missing" box of its flow: dropped; "unknown": no claim; else
#           allowed) must be what the kernel does, and the kernel must do
#           what the ruleset says (the ground truth written here).
#
# Packets only inside the namespaces this test creates; each probe waits at
# most 1.5 s; the EXIT trap kills the echo servers and deletes the
# namespaces.  Exit 77 (skip) without root or namespaces.
#
# usage: hand_written.sh SFBNET PKTPROBE audit|kernel   (from the source directory)
set -u
bin=$1
probe=$2
mode=${3:-audit}
topo=tests/audit/kernel-topology.yaml
case $mode in
audit) name=audit/hand-written ;;
kernel) name=audit/kernel-agrees ;;
*) echo "usage: hand_written.sh SFBNET PKTPROBE audit|kernel" >&2; exit 2 ;;
esac
# ok, bad, finish, pt_skip, the EXIT trap and the pt_zone* helpers
# (tests/lib/netns.sh).
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
tmp=$pt_tmp

command -v jq >/dev/null || pt_skip "needs jq"
if [ "$mode" = kernel ]; then pt_zones_need "$probe"
else
	[ "$(id -u)" = 0 ] || pt_skip "needs root (network namespaces, nftables)"
	command -v nft >/dev/null || pt_skip "needs nft"
fi

# ---- the rulesets ---------------------------------------------------------------
# rules CASE: the nftables ruleset of that case on standard output.  Every
# case is the clean ruleset with the lines its branch sets.
rules() {
	local sets="" chains="" extra=""
	local px_udp='ip saddr 203.0.113.0/28 ip daddr 10.99.2.10/31 udp dport 40000-49999 accept comment "px-udp"'
	local px_http='ip saddr 203.0.113.0/28 ip daddr 10.99.2.10/31 tcp dport 80 counter accept comment "px-http"'
	local px_back='ip saddr 10.99.2.10/31 ip daddr 203.0.113.0/28 tcp sport 40000-49999 accept comment "px-back-tcp"
		ip saddr 10.99.2.10/31 ip daddr 203.0.113.0/28 udp sport 40000-49999 accept comment "px-back-udp"'
	local sl_tcp='ip saddr 203.0.113.0/28 ip daddr 10.99.2.20 tcp sport 50000-50059 tcp dport 50000-59999 accept comment "sl-tcp"'
	local sl_udp='ip saddr 203.0.113.0/28 ip daddr 10.99.2.20 udp sport 50000-50059 udp dport 50000-59999 accept comment "sl-udp"'
	local dnat='ip daddr 198.51.100.10 dnat ip to 10.99.2.10 comment "dnat-px1"
		ip daddr 198.51.100.11 dnat ip to 10.99.2.11 comment "dnat-px2"'
	case $1 in
	clean|xt) ;;
	missing) px_http='' ;;
	narrowed)
		sl_tcp='ip saddr 203.0.113.0/28 ip daddr 10.99.2.20 tcp sport 50000-50059 tcp dport 50000-54999 accept comment "sl-tcp-narrow"' ;;
	broad) sl_tcp='ip daddr 10.99.2.20 tcp dport 1024-65535 accept comment "over-broad"' ;;
	shadowed)
		extra='ip saddr 203.0.113.10 ip daddr 10.99.2.20 tcp sport 50000-50059 tcp dport 50000-50100 accept comment "inside-sl-tcp"' ;;
	jump)
		sl_tcp='ip daddr 10.99.2.20 jump starleaf comment "to-starleaf"
		ip saddr 203.0.113.0/28 ip daddr 10.99.2.20 tcp sport 50000-50059 tcp dport 58000-59999 accept comment "after-return"'
		chains='chain starleaf {
		tcp dport 55000-59999 return comment "sl-return"
		ip saddr 203.0.113.0/28 tcp sport 50000-50059 accept comment "sl-in-chain"
	}' ;;
	negated)
		sets='set blocked {
		type ipv4_addr
		elements = { 203.0.113.5 }
	}'
		sl_udp='ip saddr 203.0.113.0/28 ip saddr != @blocked ip daddr 10.99.2.20 udp sport 50000-50059 udp dport 50000-59999 accept comment "sl-udp-not-blocked"' ;;
	sport)
		sl_udp='ip saddr 203.0.113.0/28 ip daddr 10.99.2.20 udp sport 50000-50029 udp dport 50000-59999 accept comment "sl-udp-sport"' ;;
	dnat) dnat='ip daddr 198.51.100.10 dnat ip to 10.99.2.10 comment "dnat-px1"' ;;
	flags)
		px_http='ip saddr 203.0.113.0/28 ip daddr 10.99.2.10/31 tcp flags & (syn | ack) == syn tcp dport 80 counter accept comment "px-http-syn"' ;;
	*) echo "rules: no case $1" >&2; return 1 ;;
	esac
	cat <<NFT
table inet filter {
	$sets
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		ct state invalid drop
		$px_udp
		$px_http
		$px_back
		$sl_tcp
		$sl_udp
		$extra
	}
	$chains
}
table ip nat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		$dnat
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr 10.99.2.10 snat to 198.51.100.10
		ip saddr 10.99.2.11 snat to 198.51.100.11
	}
}
NFT
}
cases="clean missing narrowed broad shadowed jump negated sport dnat flags xt"

have_ipt=0
command -v iptables >/dev/null && have_ipt=1

# load CASE: the ruleset in the firewall namespace (nothing else there),
# dumped to $tmp/CASE.json.  The xt case adds a real xt match through
# iptables-nft: table ip filter, chain FORWARD (policy accept), a drop of
# TCP to port 80 whose payload holds "GET".
load() {
	local c=$1
	rules "$c" >"$tmp/$c.nft" || return 1
	fwx nft flush ruleset
	fwx nft -f "$tmp/$c.nft" 2>"$tmp/load.err" ||
		{ bad "$c: nft -f refused the ruleset: $(head -c 300 "$tmp/load.err")"; return 1; }
	if [ "$c" = xt ]; then
		fwx iptables -A FORWARD -p tcp --dport 80 -m string --algo bm --string GET -j DROP \
			2>"$tmp/load.err" ||
			{ bad "$c: iptables could not add the xt match: $(head -c 300 "$tmp/load.err")"; return 1; }
	fi
	fwx nft -j list ruleset >"$tmp/$c.json" 2>"$tmp/load.err" && [ -s "$tmp/$c.json" ] ||
		{ bad "$c: nft -j list ruleset failed: $(head -c 300 "$tmp/load.err")"; return 1; }
}

# audit CASE: sfbnet audit --format json of the dump; its exit status in $arc.
audit() {
	"$bin" audit "$topo" -F fw -r "$tmp/$1.json" -f json >"$tmp/$1.audit" 2>"$tmp/$1.audit.err"
	arc=$?
}

fwx() { ip netns exec "${NS[fw]}" "$@"; }

# ---- mode audit: the JSON compared exactly ------------------------------------
# What is compared: the exit status, "clean", the flows that are not allowed
# (verdict, missing and unknown as "PACKETS BY DECIDED_BY"), all findings
# (kind, rule, packets); the number of flows; and that every other flow is
# "allowed".
project='{clean,
	flows: (.flows | length),
	allowed: [.flows[] | select(.verdict == "allowed") | .flow],
	other: [.flows[] | select(.verdict != "allowed") | {flow, verdict,
		missing: [.missing[] | "\(.packets) BY \(.decided_by)"],
		unknown: [.unknown[] | "\(.packets) BY \(.decided_by)"]}],
	findings: [.findings[] | {kind, rule, packets: [.packets[].packets]}]}'

all_flows='"px-media-sfb-to-node", "px-avatar-http", "px-media-node-to-sfb", "sl-media-udp", "sl-media-tcp"'
policy='the policy of chain filter forward (drop)'

# expect CASE EXIT_STATUS ALLOWED_FLOWS(JSON list) OTHER(JSON list) FINDINGS(JSON list)
expect() {
	local c=$1 rc=$2 allowed=$3 other=$4 findings=$5 want got clean=false
	[ "$rc" = 0 ] && clean=true
	want=$(jq -cnS --argjson a "[$allowed]" --argjson o "[$other]" --argjson f "[$findings]" \
		--argjson clean "$clean" \
		'{clean: $clean, flows: 5, allowed: $a, other: $o, findings: $f}') ||
		{ bad "$c: the expectation written in this test is not JSON"; return; }
	audit "$c"
	got=$(jq -cS "$project" "$tmp/$c.audit" 2>/dev/null)
	if [ "$arc" != "$rc" ]; then
		bad "$c: sfbnet audit exited $arc, want $rc ($(head -c 300 "$tmp/$c.audit.err"))"
	elif [ "$got" = "$want" ]; then
		ok "$c: exit $rc, verdicts, missing parts and findings as expected"
	else
		bad "$c: the audit's report differs"
		echo "  want: $want"
		echo "  got:  $got"
	fi
}

audit_mode() {
	pt_zones_make "ah$$" fw
	local c
	for c in $cases; do
		if [ "$c" = xt ] && [ "$have_ipt" = 0 ]; then
			echo "SKIP: xt: needs iptables (iptables-nft)"
			continue
		fi
		load "$c" || continue
		case $c in
		clean) expect clean 0 "$all_flows" "" "" ;;
		missing)
			# (a) the flow goes through DNAT: the missing part is named
			# by the inside addresses the dnat rules translate to.
			expect missing 1 '"px-media-sfb-to-node", "px-media-node-to-sfb", "sl-media-udp", "sl-media-tcp"' \
				"{\"flow\": \"px-avatar-http\", \"verdict\": \"blocked\", \"unknown\": [], \"missing\": [
				  \"tcp 203.0.113.0/28 -> 10.99.2.10 dport 80 BY $policy\",
				  \"tcp 203.0.113.0/28 -> 10.99.2.11 dport 80 BY $policy\"]}" "" ;;
		narrowed)
			expect narrowed 1 '"px-media-sfb-to-node", "px-avatar-http", "px-media-node-to-sfb", "sl-media-udp"' \
				"{\"flow\": \"sl-media-tcp\", \"verdict\": \"partial\", \"unknown\": [], \"missing\": [
				  \"tcp 203.0.113.0/28 -> 10.99.2.20 sport 50000-50059 dport 55000-59999 BY $policy\"]}" "" ;;
		broad)
			# (c) everything the rule passes beyond sl-media-tcp: other
			# sources (every IPv4 address but 203.0.113.0/28), other
			# source ports, other destination ports.
			expect broad 1 "$all_flows" "" \
				'{"kind": "surplus", "rule": "rule chain forward, handle 8: over-broad (table inet filter)", "packets": [
				  "tcp 0.0.0.0/1, 128.0.0.0/2, 192.0.0.0/5, 200.0.0.0/7, 202.0.0.0/8, 203.0.0.0/18, 203.0.64.0/19, 203.0.96.0/20, 203.0.112.0/24, 203.0.113.16/28, 203.0.113.32/27, 203.0.113.64/26, 203.0.113.128/25, 203.0.114.0/23, 203.0.116.0/22, 203.0.120.0/21, 203.0.128.0/17, 203.1.0.0/16, 203.2.0.0/15, 203.4.0.0/14, 203.8.0.0/13, 203.16.0.0/12, 203.32.0.0/11, 203.64.0.0/10, 203.128.0.0/9, 204.0.0.0/6, 208.0.0.0/4, 224.0.0.0/3 -> 10.99.2.20 dport 1024-65535",
				  "tcp 203.0.113.0/28 -> 10.99.2.20 sport 0-49999,50060-65535 dport 1024-65535",
				  "tcp 203.0.113.0/28 -> 10.99.2.20 sport 50000-50059 dport 1024-49999,60000-65535"]}' ;;
		shadowed)
			# (d) a note: the audit stays clean.
			expect shadowed 0 "$all_flows" "" \
				'{"kind": "shadowed", "rule": "rule chain forward, handle 10: inside-sl-tcp (table inet filter)", "packets": [
				  "tcp 203.0.113.10 -> 10.99.2.20 sport 50000-50059 dport 50000-50100"]}' ;;
		jump)
			# (e) 50000-54999 accepted in chain starleaf, 55000-59999
			# returned, 58000-59999 of it accepted after the return,
			# 55000-57999 left to the policy.  The rule in the user
			# chain matches no destination port of its own: beyond the
			# flow's 50000-54999 it passes 0-49999 and 60000-65535.
			expect jump 1 '"px-media-sfb-to-node", "px-avatar-http", "px-media-node-to-sfb", "sl-media-udp"' \
				"{\"flow\": \"sl-media-tcp\", \"verdict\": \"partial\", \"unknown\": [], \"missing\": [
				  \"tcp 203.0.113.0/28 -> 10.99.2.20 sport 50000-50059 dport 55000-57999 BY $policy\"]}" \
				'{"kind": "surplus", "rule": "rule chain starleaf, handle 13: sl-in-chain (table inet filter)", "packets": [
				  "tcp 203.0.113.0/28 -> 10.99.2.20 sport 50000-50059 dport 0-49999,60000-65535"]}' ;;
		negated)
			expect negated 1 '"px-media-sfb-to-node", "px-avatar-http", "px-media-node-to-sfb", "sl-media-tcp"' \
				"{\"flow\": \"sl-media-udp\", \"verdict\": \"partial\", \"unknown\": [], \"missing\": [
				  \"udp 203.0.113.5 -> 10.99.2.20 sport 50000-50059 dport 50000-59999 BY $policy\"]}" "" ;;
		sport)
			expect sport 1 '"px-media-sfb-to-node", "px-avatar-http", "px-media-node-to-sfb", "sl-media-tcp"' \
				"{\"flow\": \"sl-media-udp\", \"verdict\": \"partial\", \"unknown\": [], \"missing\": [
				  \"udp 203.0.113.0/28 -> 10.99.2.20 sport 50030-50059 dport 50000-59999 BY $policy\"]}" "" ;;
		dnat)
			# (h) untranslated, the packets meet the forward rules with
			# the public address, which no rule accepts.
			expect dnat 1 '"px-media-node-to-sfb", "sl-media-udp", "sl-media-tcp"' \
				"{\"flow\": \"px-media-sfb-to-node\", \"verdict\": \"partial\", \"unknown\": [], \"missing\": [
				  \"udp 203.0.113.0/28 -> 198.51.100.11 dport 40000-49999 BY $policy\"]},
				 {\"flow\": \"px-avatar-http\", \"verdict\": \"partial\", \"unknown\": [], \"missing\": [
				  \"tcp 203.0.113.0/28 -> 198.51.100.11 dport 80 BY $policy\"]}" "" ;;
		flags)
			expect flags 1 '"px-media-sfb-to-node", "px-media-node-to-sfb", "sl-media-udp", "sl-media-tcp"' \
				'{"flow": "px-avatar-http", "verdict": "unknown", "missing": [], "unknown": [
				  "tcp 203.0.113.0/28 -> 10.99.2.10 dport 80 BY rule chain forward, handle 5: px-http-syn (table inet filter)",
				  "tcp 203.0.113.0/28 -> 10.99.2.11 dport 80 BY rule chain forward, handle 5: px-http-syn (table inet filter)"]}' \
				'{"kind": "not-modelled", "rule": "rule chain forward, handle 5: px-http-syn (table inet filter)", "packets": []}'
			[ "$(jq -r '.findings[0].what' "$tmp/flags.audit")" = "a match the audit does not model" ] &&
				ok "flags: the not-modelled finding says what" ||
				bad "flags: the not-modelled finding says '$(jq -r '.findings[0].what' "$tmp/flags.audit")'" ;;
		xt)
			# (i) the xt rule can see TCP to port 80: px-avatar-http, and
			# the part of px-media-node-to-sfb (any destination port)
			# that goes to 80.  The rule px-http after it still decides
			# packets (the xt rule drops only payloads holding "GET"; the
			# kernel test counts one), so it is not "shadowed".
			expect xt 1 '"px-media-sfb-to-node", "sl-media-udp", "sl-media-tcp"' \
				'{"flow": "px-avatar-http", "verdict": "unknown", "missing": [], "unknown": [
				  "tcp 203.0.113.0/28 -> 10.99.2.10 dport 80 BY rule chain FORWARD, handle 2 (table ip filter)",
				  "tcp 203.0.113.0/28 -> 10.99.2.11 dport 80 BY rule chain FORWARD, handle 2 (table ip filter)"]},
				 {"flow": "px-media-node-to-sfb", "verdict": "unknown", "missing": [], "unknown": [
				  "tcp 10.99.2.10/31 -> 203.0.113.0/28 sport 40000-49999 dport 80 BY rule chain FORWARD, handle 2 (table ip filter)"]}' \
				'{"kind": "not-modelled", "rule": "rule chain FORWARD, handle 2 (table ip filter)", "packets": []}' ;;
		esac
	done
	finish
}

# ---- mode kernel: real packets -------------------------------------------------
PX1=10.99.2.10 PX2=10.99.2.11 SL=10.99.2.20 PUB1=198.51.100.10 PUB2=198.51.100.11
C=203.0.113.10 CB=203.0.113.5   # a client, and the one in the negated set

# in_box: jq program, true when the packet $p lies in the box string `.`.
# Boxes print as "PROTO SRC[, SRC...] -> DST[, DST...][ sport P][ dport P]",
# port sets as "A-B,C".  IPv6 prefixes never hold the IPv4 probes.
# shellcheck disable=SC2016  # a jq program: its $ are jq's
in_box='
def n4: split(".") | map(tonumber) | .[0] * 16777216 + .[1] * 65536 + .[2] * 256 + .[3];
def in_addrs($ip): any(.[]; (test(":") | not) and
	((split("/")) as $x | (($x[1] // "32") | tonumber) as $l | ($x[0] | n4) as $b |
	 ($ip | n4) as $n | $n >= $b and $n < $b + pow(2; 32 - $l)));
def in_ports($p): . == null or any(split(",")[]; (split("-") | map(tonumber)) as $r |
	$p >= $r[0] and $p <= ($r[1] // $r[0]));
def after($k): (index($k)) as $i | if $i == null then null else .[$i + 1] end;
def in_box($p):
	sub("^any protocol "; "any ") | split(" -> ") as $lr |
	($lr[0] | split(" ")) as $l | ($lr[1] | split(" ")) as $r |
	([$r | index("sport"), index("dport"), length] | map(select(. != null)) | min) as $stop |
	($r[:$stop] | map(rtrimstr(","))) as $dst |
	($l[0] == "any" or ($l[0] | split("+") | index($p.proto)) != null) and
	($l[1:] | map(rtrimstr(",")) | in_addrs($p.src)) and
	($dst | in_addrs($p.dst) or in_addrs($p.dst2)) and
	($r | after("sport") | in_ports($p.sport)) and
	($r | after("dport") | in_ports($p.dport));
'
# claim CASE FLOW PROTO SRC SPORT DST DST2 DPORT: what the audit says of
# that packet of that flow: missing, unknown, allowed or "absent".
claim() {
	jq -r --arg flow "$2" --argjson p \
		"{\"proto\":\"$3\",\"src\":\"$4\",\"sport\":$5,\"dst\":\"$6\",\"dst2\":\"$7\",\"dport\":$8}" \
		"$in_box"'
		[.flows[] | select(.flow == $flow)] as $f |
		if ($f | length) == 0 then "absent"
		elif any($f[].missing[]; .packets | in_box($p)) then "missing"
		elif any($f[].unknown[]; .packets | in_box($p)) then "unknown"
		else "allowed" end' "$tmp/$1.audit"
}

# send CASE TRUTH FLOW ZONE PROTO SRC SPORT DST DPORT [DST_AS_FORWARD_SEES]:
# one probe, compared with the ground truth (pass/drop) and the audit.
send() {
	local c=$1 truth=$2 flow=$3 z=$4 pr=$5 sa=$6 sp=$7 da=$8 dp=$9 seen=${10:-$8} got kernel said what
	what="$c: $flow $pr $sa:$sp -> $da:$dp"
	got=$(ip netns exec "${NS[$z]}" "$probe" send "$pr" "$sa" "$sp" "$da" "$dp" \
		"$([ "$truth" = drop ] && echo 700 || echo 1500)" 2>&1 | tail -n 1)
	case $got in
	echo) kernel=pass ;;
	timeout) kernel=drop ;;
	*) bad "$what: pktprobe said '$got'"; return ;;
	esac
	said=$(claim "$c" "$flow" "$pr" "$sa" "$sp" "$da" "$seen" "$dp")
	case $said in
	allowed|missing|unknown) ;;
	*) bad "$what: cannot read the audit's claim ('$said')"; return ;;
	esac
	if [ "$kernel" != "$truth" ]; then
		bad "$what: the kernel did $kernel, the ruleset says $truth (test setup?)"
	elif [ "$said" = unknown ]; then
		ok "$what: kernel $kernel, audit unknown (no claim)"
	elif { [ "$kernel" = pass ] && [ "$said" = allowed ]; } ||
	     { [ "$kernel" = drop ] && [ "$said" = missing ]; }; then
		ok "$what: kernel $kernel, audit $said"
	else
		bad "$what: kernel $kernel, but the audit says $said"
	fi
}

# Source ports: each probe its own, so that no conntrack entry of an earlier
# case lets a packet through as "established" (the namespaces live through
# all cases).  The StarLeaf flows' source ports must lie in 50000-50059:
# their probes count up through it, leaving out the three the case "sport"
# sends from explicitly (50029, 50030, 50059), and never wrap.
any_sp=30000 sl_sp=49999
asp() { any_sp=$((any_sp + 1)); sp=$any_sp; }
ssp() {
	sl_sp=$((sl_sp + 1))
	case $sl_sp in 50029|50030) sl_sp=50031 ;; esac
	[ "$sl_sp" -lt 50059 ] || { bad "more StarLeaf probes than source ports: add fewer"; finish; }
	sp=$sl_sp
}

kernel_mode() {
	local c sp before after
	pt_zones_make "ak$$" cli fw per
	fwx sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward' || pt_skip "cannot enable forwarding in ${NS[fw]}"
	{
		ip -n "${NS[fw]}" link add toper type veth peer name tofw netns "${NS[per]}" &&
		ip -n "${NS[fw]}" link add tocli type veth peer name tofw netns "${NS[cli]}" &&
		ip -n "${NS[fw]}" addr add 100.64.1.1/30 dev toper && ip -n "${NS[fw]}" link set toper up &&
		ip -n "${NS[fw]}" addr add 100.64.2.1/30 dev tocli && ip -n "${NS[fw]}" link set tocli up &&
		ip -n "${NS[per]}" addr add 100.64.1.2/30 dev tofw && ip -n "${NS[per]}" link set tofw up &&
		ip -n "${NS[cli]}" addr add 100.64.2.2/30 dev tofw && ip -n "${NS[cli]}" link set tofw up &&
		ip -n "${NS[per]}" route add default via 100.64.1.1 &&
		ip -n "${NS[cli]}" route add default via 100.64.2.1 &&
		ip -n "${NS[fw]}" route add 10.99.2.0/24 via 100.64.1.2 &&
		ip -n "${NS[fw]}" route add default via 100.64.2.2
	} 2>"$tmp/setup.err" || { cat "$tmp/setup.err"; pt_skip "cannot wire the namespaces"; }
	for a in $PX1 $PX2 $SL; do ip -n "${NS[per]}" addr add "$a/32" dev lo || pt_skip "cannot add $a"; done
	for a in $C $CB; do ip -n "${NS[cli]}" addr add "$a/32" dev lo || pt_skip "cannot add $a"; done
	# Every port a probe below goes to, on every address of its zone.
	pt_zone_server "$probe" per "$PX1,$PX2,$SL" tcp/80 udp/41000 udp/46000 \
		tcp/52000 tcp/57000 tcp/56000 tcp/59000 udp/51000 udp/51500
	pt_zone_server "$probe" cli "$C" udp/3000 tcp/3001

	for c in $cases; do
		if [ "$c" = xt ] && [ "$have_ipt" = 0 ]; then
			echo "SKIP: xt: needs iptables (iptables-nft)"
			continue
		fi
		load "$c" || continue
		audit "$c"
		case $arc in 0|1) ;; *) bad "$c: sfbnet audit exited $arc: $(head -c 300 "$tmp/$c.audit.err")"; continue ;; esac
		# What every case shares, unless it changes it.
		asp; send "$c" "$([ "$c" = missing ] && echo drop || echo pass)" px-avatar-http cli tcp $C "$sp" $PUB1 80 $PX1
		asp; send "$c" "$(case $c in missing|dnat) echo drop ;; *) echo pass ;; esac)" px-avatar-http cli tcp $C "$sp" $PUB2 80 $PX2
		asp; send "$c" pass px-media-sfb-to-node cli udp $C "$sp" $PUB1 41000 $PX1
		asp; send "$c" "$([ "$c" = dnat ] && echo drop || echo pass)" px-media-sfb-to-node cli udp $C "$sp" $PUB2 46000 $PX2
		ssp; send "$c" pass sl-media-tcp cli tcp $C "$sp" $SL 52000
		ssp; send "$c" "$(case $c in narrowed|jump) echo drop ;; *) echo pass ;; esac)" sl-media-tcp cli tcp $C "$sp" $SL 57000
		# (in the case "sport" only source ports 50000-50029 pass)
		ssp; send "$c" "$([ "$c" = sport ] && [ "$sp" -ge 50030 ] && echo drop || echo pass)" \
			sl-media-udp cli udp $C "$sp" $SL 51000
		case $c in
		clean)
			# the way back: the Pexip node's media source ports, SNAT.
			send clean pass px-media-node-to-sfb per udp $PX1 40001 $C 3000
			send clean pass px-media-node-to-sfb per tcp $PX2 40002 $C 3001 ;;
		jump)
			# returned from chain starleaf: 56000 to the policy, 59000
			# to the rule after the return.
			ssp; send jump drop sl-media-tcp cli tcp $C "$sp" $SL 56000
			ssp; send jump pass sl-media-tcp cli tcp $C "$sp" $SL 59000 ;;
		negated)
			ssp; send negated drop sl-media-udp cli udp $CB "$sp" $SL 51500
			ssp; send negated pass sl-media-tcp cli tcp $CB "$sp" $SL 52000 ;;
		sport)
			send sport pass sl-media-udp cli udp $C 50029 $SL 51500
			send sport drop sl-media-udp cli udp $C 50030 $SL 51500
			send sport drop sl-media-udp cli udp $C 50059 $SL 51000 ;;
		broad)
			# the surplus is real: a source port no flow uses passes.
			asp; send broad pass sl-media-tcp cli tcp $C "$sp" $SL 52000 ;;
		xt)
			# The rule px-http after the xt rule decides this packet
			# (the probe's payload has no "GET"): its counter moves.
			before=$(fwx nft -j list chain inet filter forward |
				jq '[.nftables[].rule? | select(.comment == "px-http") | .expr[] | .counter?.packets // empty] | add')
			asp; send xt pass px-avatar-http cli tcp $C "$sp" $PUB1 80 $PX1
			after=$(fwx nft -j list chain inet filter forward |
				jq '[.nftables[].rule? | select(.comment == "px-http") | .expr[] | .counter?.packets // empty] | add')
			if [ "${after:-0}" -gt "${before:-0}" ]; then
				ok "xt: the rule px-http decided a packet in the kernel (counter $before -> $after)"
				if jq -e '[.findings[] | select(.kind == "shadowed" and (.rule | test("px-http")))] | length == 0' \
					"$tmp/xt.audit" >/dev/null; then
					ok "xt: the audit does not call px-http shadowed"
				else
					bad "xt: the audit calls rule px-http shadowed (never decides a packet), the kernel counted one: $(jq -c '[.findings[] | select(.kind == "shadowed")]' "$tmp/xt.audit")"
				fi
			else
				bad "xt: the counter of px-http did not move ($before -> $after)"
			fi ;;
		esac
	done
	finish
}

if [ "$mode" = audit ]; then audit_mode; else kernel_mode; fi
