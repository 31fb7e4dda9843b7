#!/usr/bin/env bash
# The responder is no amplifier and no open echo service, cleans up after
# itself and runs without root.  A responder in the server namespace (bind
# mode, then tproxy mode; TCP 50000-50003, UDP 40000-40003) is sent, from
# the client namespace by the ptsend helper, messages without the token,
# with a wrong token, forged, truncated, oversized, replayed to another
# port, naming the other protocol, of the echo kind, random garbage, valid
# probes, and replays of valid probes.  nftables counters in the server namespace count every
# packet it sends back (UDP from the probed ports, TCP segments carrying
# data, anything else that is not TCP) and the UDP bytes it received.
#
# Checks, per mode:
#   - no reply at all (UDP datagram, TCP data, ICMP) to anything without a
#     valid tag; every such TCP connection is closed by the responder;
#   - exactly one correct echo per valid probe (UDP and TCP), never more
#     reply bytes than request bytes;
#   - no second echo for a probe answered once: the same bytes sent COUNT
#     times get one echo in all; a probe answered, sent again by a later
#     ptsend, gets no reply at all (UDP datagram or TCP data), and a fresh
#     valid probe after it gets its one echo; once the responder remembers
#     as many probes as it can, new ones get no reply and the old ones are
#     still not answered again;
#   - the process runs as a user other than root with no capability (bind)
#     or only CAP_NET_ADMIN and CAP_NET_BIND_SERVICE (tproxy);
#   - SIGTERM ends it with status 0 and (tproxy) removes its nft table, ip
#     rules and route table.
# Then: it exits by itself after --duration 2 (bind and tproxy), leaving
# nothing behind; SIGINT does the same; and a tproxy responder started after
# one was killed with SIGKILL works and still leaves nothing behind.
#
# usage: no_amplification.sh SFBNET PTSEND   (from the source directory)
set -u
bin=$(realpath "$1")
send=$(realpath "$2")
name=pathtest/no-amplification
here=$(dirname "$0")
# shellcheck source=tests/lib/netns.sh
. "$here/../lib/netns.sh"
pt_need realpath
if [ ! -x "$bin" ] || [ ! -x "$send" ]; then echo "$name: usage: $0 SFBNET PTSEND"; exit 2; fi
pt_setup
tmp=$pt_tmp
tok=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
TCP=50000-50003 UDP=40000-40003 tport=50001 uport=40001

# ---- counters in the server namespace --------------------------------------
{
	printf 'table inet ptcount {\n'
	printf '\tcounter udp_req { }\n\tcounter udp_rep { }\n\tcounter tcp_data { }\n\tcounter other { }\n'
	printf '\tchain in {\n\t\ttype filter hook input priority filter; policy accept;\n'
	printf '\t\tip saddr %s udp dport %s counter name udp_req\n\t}\n' "$PT_C" "$UDP"
	printf '\tchain out {\n\t\ttype filter hook output priority filter; policy accept;\n'
	printf '\t\tip daddr %s udp sport %s counter name udp_rep accept\n' "$PT_C" "$UDP"
	# a TCP segment with payload: IP length above 20 + 4 * data offset
	for d in $(seq 5 15); do
		printf '\t\tip daddr %s ip hdrlength 5 tcp doff %d ip length > %d counter name tcp_data accept\n' \
			"$PT_C" "$d" $((20 + 4 * d))
	done
	printf '\t\tip daddr %s meta l4proto != tcp counter name other\n\t}\n}\n' "$PT_C"
} >"$tmp/count.nft"
counter() {  # name: "packets bytes"
	ip netns exec "$SRV" nft -j list counter inet ptcount "$1" |
		jq -r '.nftables[] | select(.counter) | .counter | "\(.packets) \(.bytes)"'
}
field() {  # key line: the value of key=N in a ptsend line
	sed -n "s/.*\b$1=\([0-9]*\).*/\1/p" <<<"$2"
}

# ---- the remains of tproxy mode ---------------------------------------------
remains() {  # what a tproxy responder leaves in $SRV (empty: nothing)
	ip netns exec "$SRV" nft list tables 2>/dev/null | grep -w sfbnet_responder
	ip -n "$SRV" -4 rule 2>/dev/null | grep -i 'fwmark 0x5fb'
	ip -n "$SRV" -6 rule 2>/dev/null | grep -i 'fwmark 0x5fb'
	ip -n "$SRV" -4 route show table 5353 2>/dev/null
	ip -n "$SRV" -6 route show table 5353 2>/dev/null
}
check_clean() {  # what
	local r
	r=$(remains)
	if [ -z "$r" ]; then ok "$1: no nft table, ip rule or route of the responder left"
	else bad "$1: left behind: $(tr '\n' ';' <<<"$r")"; fi
}

privileges() {  # mode
	local st uid gid cap
	st=$(cat "/proc/$rpid/status" 2>/dev/null)
	if [ "$(cat "/proc/$rpid/comm" 2>/dev/null)" != sfbnet ]; then
		bad "$1: pid $rpid is not the sfbnet process"; return
	fi
	uid=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' <<<"$st")
	gid=$(awk '/^Gid:/ { print $2, $3, $4, $5 }' <<<"$st")
	cap=$(awk '/^CapEff:/ { print $2 }' <<<"$st")
	if [ -n "$uid" ] && ! grep -qw 0 <<<"$uid $gid"; then
		ok "$1: runs as uid $uid, gid $gid (no 0 among real, effective, saved, fs)"
	else bad "$1: uid '$uid' gid '$gid' after startup"; fi
	# bind: nothing; tproxy: CAP_NET_ADMIN (12) and CAP_NET_BIND_SERVICE (10)
	if { [ "$1" = bind ] && [ "$cap" = 0000000000000000 ]; } ||
	   { [ "$1" = tproxy ] && [ "$cap" = 0000000000001400 ]; }; then
		ok "$1: effective capabilities $cap"
	else bad "$1: effective capabilities $cap"; fi
}

# ---- the amplification matrix, per mode ---------------------------------------
unauth="notag wrongtoken otherport otherproto echokind badversion reserved short33 header18 empty forged garbage"
udp_total_valid=0 tcp_total_echo=0

udp_case() {  # mode case count want_echoes [port]
	local line r e sb rb
	line=$(ip netns exec "$CLI" "$send" udp "$PT_S" "${5:-$uport}" "$2" "$3" 300 "$tok")
	r=$(field replies "$line") e=$(field echoes "$line") sb=$(field sent_bytes "$line") rb=$(field reply_bytes "$line")
	if [ -z "$r" ]; then bad "$1 udp ${2%%:*}: ptsend failed"; return; fi
	set -- "$1" "${2%%:*}${5:+ to port $5}" "$3" "$4"
	if [ "$4" = 0 ]; then
		if [ "$r" = 0 ]; then ok "$1 udp $2: $3 datagram(s) ($sb bytes), no reply"
		else bad "$1 udp $2: $3 datagram(s), $r repl(ies), $rb bytes"; fi
	elif [ "$r" = "$4" ] && [ "$e" = "$4" ] && [ "$rb" -le "$sb" ]; then
		ok "$1 udp $2: $3 probe(s) ($sb bytes), $e correct echo(es) ($rb bytes)"
		udp_total_valid=$((udp_total_valid + e))
	else bad "$1 udp $2: $3 probe(s) ($sb bytes): $r repl(ies), $e correct, $rb bytes, want $4"; fi
}

tcp_case() {  # mode case count max_echoes
	local line r e sb rb open t0 t1
	t0=$EPOCHREALTIME
	line=$(ip netns exec "$CLI" "$send" tcp "$PT_S" "$tport" "$2" "$3" 6000 "$tok")
	t1=$EPOCHREALTIME
	r=$(field replies "$line") e=$(field echoes "$line") sb=$(field sent_bytes "$line")
	rb=$(field reply_bytes "$line") open=$(field open "$line")
	set -- "$1" "${2%%:*}" "$3" "$4"
	if [ -z "$r" ]; then bad "$1 tcp $2: ptsend failed"; return; fi
	local took
	took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	if [ "$4" = 0 ]; then
		if [ "$r" = 0 ] && [ "$rb" = 0 ] && [ "$open" = 0 ]; then
			ok "$1 tcp $2: $3 connection(s), closed by the responder with no data ($took s)"
		else bad "$1 tcp $2: $3 connection(s): $rb bytes back, $open still open after 6 s"; fi
	elif [ "$e" = "$4" ] && [ "$r" = "$4" ] && [ "$rb" -le "$sb" ] && [ "$open" = 0 ]; then
		ok "$1 tcp $2: $3 connection(s) ($sb bytes), $e correct echo(es) ($rb bytes), closed"
		tcp_total_echo=$((tcp_total_echo + e))
	else bad "$1 tcp $2: $3 connection(s) ($sb bytes): $r repl(ies), $e correct, $rb bytes, $open open; want $4 echo(es)"; fi
}

modes="bind tproxy"
if ! pt_have_tproxy; then
	modes=bind
	echo "SKIP: tproxy mode: no TPROXY in this kernel or nft (nft_tproxy)"
fi
for mode in $modes; do
	echo "--- $mode mode"
	if ! pt_responder "$tmp/resp.log" --listen-tcp "$TCP" --listen-udp "$UDP" --token "$tok" \
		--duration 120 --mode "$mode"; then
		bad "$mode: the responder did not start: $(head -3 "$tmp/resp.log")"; continue
	fi
	privileges "$mode"
	ip netns exec "$SRV" nft delete table inet ptcount 2>/dev/null
	ip netns exec "$SRV" nft -f "$tmp/count.nft" || { bad "$mode: cannot load the counters"; continue; }
	udp_total_valid=0 tcp_total_echo=0
	for c in $unauth pad35 pad1400; do
		case $c in forged|garbage) n=200 ;; *) n=20 ;; esac
		udp_case "$mode" "$c" "$n" 0
	done
	read -r p_rep _ <<<"$(counter udp_rep)"
	if [ "$p_rep" = 0 ]; then ok "$mode: the server sent no UDP from the probed ports to any of the unauthenticated datagrams"
	else bad "$mode: the server sent $p_rep UDP packet(s) to unauthenticated datagrams"; fi
	udp_case "$mode" valid 20 20
	# Replays: the responder answers a probe once.  The same bytes 20
	# times get one echo; a probe answered, sent again, gets nothing; and
	# a fresh probe after that is answered.
	udp_case "$mode" replay 20 1
	udp_case "$mode" "keep:$tmp/probe-$mode-udp" 1 1
	udp_case "$mode" "resend:$tmp/probe-$mode-udp" 5 0
	udp_case "$mode" valid 1 1
	for p in 40000 40001 40002 40003; do
		udp_case "$mode" valid 1 1 "$p"
	done
	for c in $unauth; do
		case $c in forged|garbage) n=40 ;; *) n=5 ;; esac
		tcp_case "$mode" "$c" "$n" 0
	done
	read -r p_data _ <<<"$(counter tcp_data)"
	if [ "$p_data" = 0 ]; then ok "$mode: the server sent no TCP segment with data to the unauthenticated connections"
	else bad "$mode: the server sent $p_data TCP segment(s) with data to unauthenticated connections"; fi
	tcp_case "$mode" valid 5 5
	tcp_case "$mode" replay 5 1
	tcp_case "$mode" "keep:$tmp/probe-$mode-tcp" 1 1
	tcp_case "$mode" "resend:$tmp/probe-$mode-tcp" 3 0
	tcp_case "$mode" valid 1 1
	# A probe followed by more bytes on a stream: the responder reads the
	# 34 bytes of the message, echoes them and closes; never more.
	tcp_case "$mode" pad35 5 5
	tcp_case "$mode" pad1400 5 5
	read -r p_req b_req <<<"$(counter udp_req)"
	read -r p_rep b_rep <<<"$(counter udp_rep)"
	read -r p_data _ <<<"$(counter tcp_data)"
	read -r p_other _ <<<"$(counter other)"
	if [ "$p_rep" = "$udp_total_valid" ] && [ "$b_rep" -le "$b_req" ]; then
		ok "$mode: server counters: $p_req UDP datagram(s) in ($b_req bytes), $p_rep out ($b_rep bytes) = one per valid probe"
	else bad "$mode: server counters: $p_req UDP in ($b_req bytes), $p_rep out ($b_rep bytes); valid probes $udp_total_valid"; fi
	if [ "$p_data" = "$tcp_total_echo" ]; then ok "$mode: server counters: $p_data TCP segment(s) with data = one per echo"
	else bad "$mode: server counters: $p_data TCP segment(s) with data for $tcp_total_echo echo(es)"; fi
	if [ "$p_other" = 0 ]; then ok "$mode: server counters: nothing else sent to the client (no ICMP)"
	else bad "$mode: server counters: $p_other other packet(s) sent to the client"; fi
	# The memory of answered probes holds 1024 here (8 ports x 8, raised to
	# the least it keeps), and every probe answered so far is in it.  When
	# it is full, new probes are refused, and the old ones are not
	# forgotten to make room: a replay still gets nothing.
	# (Counted by the server's counter: ptsend's socket cannot queue 512
	# echoes that it reads only after sending.)
	room=$((1024 - p_rep - p_data)) got=0
	for _ in 1 2 3 4; do
		ip netns exec "$CLI" "$send" udp "$PT_S" "$uport" valid 512 300 "$tok" >/dev/null
		read -r p_now _ <<<"$(counter udp_rep)"
		got=$((p_now - p_rep))
		[ "$got" -ge "$room" ] && break
	done
	if [ "$got" = "$room" ]; then ok "$mode: $got more probes answered, as many as the memory had room for"
	else bad "$mode: $got more probes answered, the memory had room for $room"; fi
	udp_case "$mode (memory full)" valid 5 0
	udp_case "$mode (memory full)" "resend:$tmp/probe-$mode-udp" 5 0
	if grep -q 'as many as it remembers' "$tmp/resp.log"; then ok "$mode: the responder says its memory is full"
	else bad "$mode: the responder did not say that its memory is full"; fi
	if grep -q ' mode' "$tmp/resp.log" && kill -0 "$rpid" 2>/dev/null; then ok "$mode: the responder is still running"
	else bad "$mode: the responder died: $(tail -3 "$tmp/resp.log")"; fi
	kill -TERM "$rpid"
	pt_wait "$rpid" 5
	if [ "$wrc" = 0 ]; then ok "$mode: SIGTERM: exit status 0"; else bad "$mode: SIGTERM: exit status $wrc"; fi
	if [ "$mode" = tproxy ]; then check_clean "$mode: after SIGTERM"; fi
	if grep -Eq 'Sanitizer|runtime error' "$tmp/resp.log"; then
		bad "$mode: sanitizer report from the responder: $(grep -Em1 'Sanitizer|runtime error' "$tmp/resp.log")"
	fi
	ip netns exec "$SRV" nft delete table inet ptcount
done

# ---- lifetime and cleanup ---------------------------------------------------------
lifetime() {  # mode
	local t0 t1 took during
	t0=$EPOCHREALTIME
	if ! pt_responder "$tmp/resp.log" --listen-tcp "$TCP" --listen-udp "$UDP" --token "$tok" \
		--duration 2 --mode "$1"; then
		bad "$1 --duration 2: did not start: $(head -3 "$tmp/resp.log")"; return
	fi
	during=$(remains)
	pt_wait "$rpid" 6
	t1=$EPOCHREALTIME
	took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	if [ "$wrc" = 0 ] && awk -v t="$took" 'BEGIN { exit !(t >= 1.8 && t <= 4) }'; then
		ok "$1 --duration 2: exited by itself with status 0 after $took s"
	else bad "$1 --duration 2: status $wrc after $took s"; fi
	if [ "$1" = tproxy ]; then
		if [ "$(grep -c . <<<"$during")" -ge 3 ]; then ok "tproxy: while running, its table, rule and route were there"
		else bad "tproxy: while running, found only: $during"; fi
		check_clean "tproxy --duration 2: after it exited"
	fi
}
echo "--- lifetime"
lifetime bind
[ "$modes" = bind ] && finish
lifetime tproxy

pt_responder "$tmp/resp.log" --listen-tcp "$TCP" --listen-udp "$UDP" --token "$tok" --duration 60 --mode tproxy ||
	bad "tproxy (SIGINT): did not start"
kill -INT "$rpid"
pt_wait "$rpid" 5
if [ "$wrc" = 0 ]; then ok "tproxy: SIGINT: exit status 0"; else bad "tproxy: SIGINT: exit status $wrc"; fi
check_clean "tproxy: after SIGINT"

# Killed with SIGKILL, a responder cannot clean up; the next one must cope
# with what it left (table, rule, route) and leave nothing itself.
pt_responder "$tmp/resp.log" --listen-tcp "$TCP" --listen-udp "$UDP" --token "$tok" --duration 60 --mode tproxy ||
	bad "tproxy (SIGKILL): did not start"
kill -KILL "$rpid"
wait "$rpid" 2>/dev/null
if pt_responder "$tmp/resp.log" --listen-tcp "$TCP" --listen-udp "$UDP" --token "$tok" --duration 60 --mode tproxy; then
	udp_case "tproxy after a SIGKILLed responder" valid 5 5
	kill -TERM "$rpid"
	pt_wait "$rpid" 5
	check_clean "tproxy: a responder started after one was SIGKILLed, then SIGTERM"
else bad "tproxy: no responder could start after one was SIGKILLed: $(head -3 "$tmp/resp.log")"; fi
finish
