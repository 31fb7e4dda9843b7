#!/usr/bin/env bash
# Real packets through generated nftables rules.  Three network namespaces
# made here and nowhere else: a client (zone inside, 10.99.1.0/24), a
# firewall that routes between two veths and loads the rules sfbnet
# generates for tests/integration/netns-topology.yaml, and a server (zone
# outside, 10.99.2.0/24).  pktprobe sends TCP and UDP probes with chosen
# source ports and waits (at most 1 s) for the echo of an echo server.
#
# Every probe states what it expects (pass, drop, or pass only as the reply
# of a connection the other side opened) and the plan is asked first: a
# probe expected to pass must be covered by a planned flow of the firewall,
# a probe expected to drop by none; ports are read from the plan JSON.
# Before the rules are loaded, a packet of every kind that is to be dropped
# (same protocol, addresses and destination port; another source port) is
# sent and must pass: a drop is then the rules' doing, not routing's or a
# missing listener's.
#
# usage: netns_firewall.sh SFBNET [PKTPROBE]   (from the source directory)
set -u
bin=$1
probe=${2:-$(dirname "$bin")/tests/pktprobe}   # where the build puts it
topo=tests/integration/netns-topology.yaml
fw="fw-test"
name=netns-packets
if [ "$(id -u)" != 0 ] || ! command -v nft >/dev/null || ! command -v ip >/dev/null || ! command -v jq >/dev/null; then
	echo "SKIP: needs root, nft, ip and jq"; exit 77
fi
if [ ! -x "$probe" ]; then echo "$name: no pktprobe helper at $probe"; exit 2; fi

# ---- namespaces (tests/lib/netns.sh: client 10.99.1.10, firewall, server
# 10.99.2.10, all made here; its EXIT trap removes them) ------------------
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
pt_setup
cli=$CLI fwn=$FW srv=$SRV tmp=$pt_tmp
# A second address on each host, not in the topology: traffic from or to it
# must be dropped.
{
	ip -n "$cli" addr add 10.99.1.20/24 dev eth0 &&
	ip -n "$srv" addr add 10.99.2.20/24 dev eth0
} 2>"$tmp/setup.err" || { cat "$tmp/setup.err"; pt_skip "cannot add the second addresses"; }

# ---- the plan: which flows, which ports ---------------------------------
"$bin" plan "$topo" -F "$fw" --format json -o "$tmp/plan.json" || { bad "sfbnet plan $topo"; finish; }
"$bin" firewall "$topo" -t nftables -F "$fw" -o "$tmp/rules.nft" || { bad "sfbnet firewall $topo"; finish; }

# The flow ids (comma-separated) of the plan that allow one packet; empty
# when none does.  Addresses: "A, B/len, ..." (IPv4 entries; IPv6 skipped).
cat >"$tmp/oracle.jq" <<'EOF'
def ip2n: split(".") | map(tonumber) | .[0] * 16777216 + .[1] * 65536 + .[2] * 256 + .[3];
def has_addr($a): any(split(", ")[] | select(length > 0 and (test(":") | not));
	if test("/") then split("/") as [$net, $len] | pow(2; 32 - ($len | tonumber)) as $m
		| (($net | ip2n) / $m | floor) == (($a | ip2n) / $m | floor)
	else . == $a end);
def has_port($p): . == "any" or any(split(",")[]; split("-") | map(tonumber) as $r
	| $p >= $r[0] and $p <= ($r[1] // $r[0]));
[.flows[] | select(.firewall == $fw and (.protocol == $proto or .protocol == "both")
	and (.src_addresses | has_addr($sa)) and (.dst_addresses | has_addr($da))
	and (.src_ports | has_port($sp)) and (.dst_ports | has_port($dp))) | .flow] | unique | join(",")
EOF
allowed_by() {  # proto saddr sport daddr dport
	jq -r --arg fw "$fw" --arg proto "$1" --arg sa "$2" --argjson sp "$3" --arg da "$4" --argjson dp "$5" \
		-f "$tmp/oracle.jq" "$tmp/plan.json" || echo "(jq failed)"
}
range() {  # flow id, src_ports|dst_ports: "first last middle" port of the field
	jq -r --arg id "$1" --arg f "$2" '.flows[] | select(.flow == $id) | .[$f]' "$tmp/plan.json" |
		awk -F'[-,]' 'NR == 1 && $1 ~ /^[0-9]+$/ { print $1, $NF, int(($1 + $NF) / 2) }'
}
read -r http_lo _ _ <<<"$(range px-avatar-http dst_ports)"                    # client -> node, tcp
read -r pxm_lo pxm_hi pxm_mid <<<"$(range px-media-sfb-to-node dst_ports)"    # client -> node, udp
read -r pxr_lo pxr_hi _ <<<"$(range px-media-node-to-sfb src_ports)"          # node -> client
read -r slus_lo slus_hi slus_mid <<<"$(range sl-media-udp src_ports)"
read -r slud_lo slud_hi slud_mid <<<"$(range sl-media-udp dst_ports)"
read -r slts_lo slts_hi _ <<<"$(range sl-media-tcp src_ports)"
read -r sltd_lo sltd_hi sltd_mid <<<"$(range sl-media-tcp dst_ports)"
for v in http_lo pxm_lo pxr_lo slus_lo slud_lo slts_lo sltd_lo; do
	[ -n "${!v}" ] || { bad "the plan of $topo lacks the flow or numeric ports behind \$$v (catalog changed?)"; finish; }
done
for id in $(jq -r '.flows[].flow' "$tmp/plan.json"); do
	grep -q "comment \"$id: " "$tmp/rules.nft" || bad "no rule in the generated nftables for planned flow $id"
done

C=10.99.1.10 C2=10.99.1.20 S=10.99.2.10 S2=10.99.2.20
free=33000    # source ports that no flow of this plan constrains
nextport() { free=$((free + 1)); }

# ---- echo servers --------------------------------------------------------
# On the server: every port a probe sends to.  On the client: the ports the
# server-initiated probes go to.
srv_ports=$(printf '%s\n' "tcp/$http_lo" "tcp/$((http_lo + 1))" tcp/22 "tcp/$sltd_lo" "tcp/$sltd_mid" "tcp/$sltd_hi" \
	"udp/$pxm_lo" "udp/$pxm_mid" "udp/$pxm_hi" "udp/$((pxm_lo - 1))" "udp/$((pxm_hi + 1))" \
	"udp/$slud_lo" "udp/$slud_mid" "udp/$slud_hi" | sort -u)
cli_ports="tcp/$http_lo udp/$slus_lo udp/$((slus_lo + 1))"
start_server() {  # ns, log, addrs, ports...
	local ns=$1 log=$2 addrs=$3; shift 3
	: >"$log"
	ip netns exec "$ns" "$probe" serve 100 "$addrs" "$@" >"$log" 2>&1 &
	pt_pids+=($!)
	for _ in $(seq 50); do grep -q '^ready' "$log" && return 0; sleep 0.1; done
	bad "echo server in $ns did not start: $(head -3 "$log")"; finish
}
# shellcheck disable=SC2086
start_server "$srv" "$tmp/srv.log" "$S,$S2" $srv_ports
# shellcheck disable=SC2086
start_server "$cli" "$tmp/cli.log" "$C,$C2" $cli_ports

# ---- probes --------------------------------------------------------------
drops=()   # "LOGFILE|recv PROTO DADDR:DPORT <- SADDR:SPORT" per dropped probe
send() {  # ns proto saddr sport daddr dport timeout_ms: prints the result word
	ip netns exec "$1" "$probe" send "$2" "$3" "$4" "$5" "$6" "$7" 2>&1 | tail -n 1
}
# probe EXPECT WHAT NS PROTO SADDR SPORT DADDR DPORT
#   EXPECT: pass (a planned flow allows it: echo), drop (none does: no
#   answer, nothing received), reply (none does, passes as the reply of a
#   connection the other side opened: echo), base (no rules loaded: echo).
probe() {
	local expect=$1 what=$2 ns=$3 proto=$4 sa=$5 sp=$6 da=$7 dp=$8
	local pkt="$proto $sa:$sp -> $da:$dp" flows got log
	flows=$(allowed_by "$proto" "$sa" "$sp" "$da" "$dp")
	case $expect in
	pass) [ -n "$flows" ] || { bad "$what: $pkt: the plan allows no such packet"; return; } ;;
	drop|reply) [ -z "$flows" ] || { bad "$what: $pkt: the plan allows it ($flows)"; return; } ;;
	esac
	if [ "$expect" = drop ]; then got=$(send "$ns" "$proto" "$sa" "$sp" "$da" "$dp" 600)
	else got=$(send "$ns" "$proto" "$sa" "$sp" "$da" "$dp" 1000); fi
	if [ "$ns" = "$cli" ]; then log=$tmp/srv.log; else log=$tmp/cli.log; fi
	case $expect in
	pass) if [ "$got" = echo ]; then ok "$what: sent $pkt, echoed (plan: $flows)"
		else bad "$what: sent $pkt, allowed by $flows, got '$got'"; fi ;;
	reply) if [ "$got" = echo ]; then ok "$what: sent $pkt, echoed; no flow allows it, conntrack did"
		else bad "$what: sent $pkt as a reply, got '$got'"; fi ;;
	base) if [ "$got" = echo ]; then ok "$what: sent $pkt, echoed with no rules loaded"
		else bad "$what: sent $pkt with no rules loaded, got '$got' (routing or echo server broken)"; fi ;;
	drop)
		if [ "$got" != timeout ]; then bad "$what: sent $pkt, not in the plan, got '$got' (want timeout)"
		elif grep -qF "recv $proto $da:$dp <- $sa:$sp" "$log"; then
			bad "$what: sent $pkt, not in the plan, yet it reached the echo server"
		else ok "$what: sent $pkt, dropped (no answer in 600 ms, nothing received)"
			drops+=("$log|recv $proto $da:$dp <- $sa:$sp")
		fi ;;
	esac
}

# No dropped probe reached an echo server late either (after its timeout).
sweep() {
	local d late=0
	sleep 0.3
	for d in "${drops[@]}"; do
		grep -qF "${d#*|}" "${d%%|*}" && { bad "a dropped probe arrived late: ${d#*|}"; late=1; }
	done
	[ "$late" = 0 ] && ok "no dropped probe reached an echo server late (${#drops[@]} checked)"
	drops=()
}

# Baseline: with no rules, every packet that is to be dropped later gets
# through (same protocol, addresses and destination port).
base() { probe base "baseline $1" "$2" "$3" "$4" "$free" "$6" "$7"; nextport; }
base tcp-22 "$cli" tcp $C x $S 22
base tcp-http+1 "$cli" tcp $C x $S $((http_lo + 1))
base unplanned-client "$cli" tcp $C2 x $S "$http_lo"
base unplanned-server "$cli" udp $C x $S2 "$pxm_lo"
base udp-below-range "$cli" udp $C x $S $((pxm_lo - 1))
base udp-above-range "$cli" udp $C x $S $((pxm_hi + 1))
base sl-udp-sport "$cli" udp $C x $S "$slud_lo"
base sl-tcp-sport "$cli" tcp $C x $S "$sltd_lo"
base server-initiated-tcp "$srv" tcp $S x $C "$http_lo"
base server-initiated-udp "$srv" udp $S x $C "$((slus_lo + 1))"

if ip netns exec "$fwn" nft -f "$tmp/rules.nft"; then ok "rules of $fw loaded in namespace $fwn"
else bad "nft -f could not load the rules of $fw"; finish; fi

# (5a) first of all, before the client sent anything: the very packet that
# will be the reply of (5b) is dropped when the server sends it first.
probe drop "5a conntrack: server first, reply-to-be of sl-media-udp" "$srv" udp $S "$slud_lo" $C "$slus_lo"
# (1) required TCP flow: connection established, data echoed.
t1_sport=$free
probe pass "1 px-avatar-http" "$cli" tcp $C "$free" $S "$http_lo"; nextport
# (2) required UDP range, any source port: first, middle, last port.
for dp in "$pxm_lo" "$pxm_mid" "$pxm_hi"; do
	probe pass "2 px-media-sfb-to-node" "$cli" udp $C "$free" $S "$dp"; nextport
done
# (3) source-port constraint: StarLeaf media, inside and outside the range.
probe pass "3 sl-media-udp sport first" "$cli" udp $C "$slus_lo" $S "$slud_mid"
probe pass "3 sl-media-udp sport last" "$cli" udp $C "$slus_hi" $S "$slud_hi"
probe pass "3 sl-media-udp sport middle" "$cli" udp $C "$slus_mid" $S "$slud_lo"
probe pass "3 sl-media-tcp sport first" "$cli" tcp $C "$slts_lo" $S "$sltd_mid"
probe pass "3 sl-media-tcp sport last" "$cli" tcp $C "$slts_hi" $S "$sltd_hi"
probe drop "3 sl-media-udp sport above" "$cli" udp $C "$((slus_hi + 1))" $S "$slud_lo"
probe drop "3 sl-media-udp sport below" "$cli" udp $C "$((slus_lo - 1))" $S "$slud_lo"
probe drop "3 sl-media-tcp sport above" "$cli" tcp $C "$((slts_hi + 1))" $S "$sltd_lo"
probe drop "3 sl-media-tcp sport below" "$cli" tcp $C "$((slts_lo - 1))" $S "$sltd_lo"
#     and in the other direction, Pexip node media to the client (src range).
probe pass "3 px-media-node-to-sfb tcp sport first" "$srv" tcp $S "$pxr_lo" $C "$http_lo"
probe pass "3 px-media-node-to-sfb udp sport last" "$srv" udp $S "$pxr_hi" $C "$((slus_lo + 1))"
probe drop "3 px-media-node-to-sfb tcp sport below" "$srv" tcp $S "$((pxr_lo - 1))" $C "$http_lo"
# (4) what the plan does not require.
probe drop "4 tcp 22" "$cli" tcp $C "$free" $S 22; nextport
probe drop "4 tcp next to px-avatar-http" "$cli" tcp $C "$free" $S $((http_lo + 1)); nextport
probe drop "4 udp below px-media-sfb-to-node" "$cli" udp $C "$free" $S $((pxm_lo - 1)); nextport
probe drop "4 udp above px-media-sfb-to-node" "$cli" udp $C "$free" $S $((pxm_hi + 1)); nextport
probe drop "4 unplanned client address" "$cli" tcp $C2 "$free" $S "$http_lo"; nextport
probe drop "4 unplanned server address" "$cli" udp $C "$free" $S2 "$pxm_lo"; nextport
# (5) replies only through connection tracking.
probe pass "5b conntrack: client opens sl-media-udp; its echo is the packet of 5a" "$cli" udp $C "$slus_lo" $S "$slud_lo"
sweep   # before 5c sends the packet of 5a again
probe reply "5c conntrack: server resends 5a after 5b" "$srv" udp $S "$slud_lo" $C "$slus_lo"
probe drop "5d server-initiated tcp to the px-avatar-http port" "$srv" tcp $S "$free" $C "$http_lo"; nextport
probe drop "5e server-initiated udp to a client media port" "$srv" udp $S "$free" $C "$((slus_lo + 1))"; nextport
# (5) the replies of (1) and (3) came back although no flow allows them:
for r in "tcp $S $http_lo $C $t1_sport" "udp $S $slud_mid $C $slus_lo" "tcp $S $sltd_mid $C $slts_lo"; do
	# shellcheck disable=SC2086
	set -- $r
	f=$(allowed_by "$1" "$2" "$3" "$4" "$5")
	if [ -z "$f" ]; then ok "5 the reply direction $1 $2:$3 -> $4:$5 is in no flow: its echo came by conntrack"
	else bad "5 the reply direction $1 $2:$3 -> $4:$5 is allowed by $f: the test proves nothing"; fi
done

sweep
finish
