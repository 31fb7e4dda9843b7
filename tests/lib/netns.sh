# shellcheck shell=bash
# Shared by tests/pathtest/*.sh, tests/integration/netns_firewall.sh and
# bench/pathtest.sh (sourced, not run).
#
# Three network namespaces made here with a unique $$ suffix and nothing
# else: a client (10.99.1.10/24), a firewall routing between two veths
# (10.99.1.1 and 10.99.2.1, ip_forward on) and a server (10.99.2.10/24).
# Every packet the callers send stays inside them; the host's own namespace
# is never touched.  The EXIT trap kills what the caller started (pt_pids)
# and deletes the namespaces.
#
# The caller sets $name first (the test name of the closing line) and, for
# pt_responder, $bin (the sfbnet binary).  pt_wait sets $wrc.
# shellcheck disable=SC2034,SC2154

pt_made=() pt_pids=()
pt_tmp=$(mktemp -d)
PT_C=10.99.1.10 PT_S=10.99.2.10

# shellcheck disable=SC2317  # called by the EXIT trap
pt_cleanup() {
	local p n
	for p in "${pt_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pt_pids[@]}"; do wait "$p" 2>/dev/null; done
	for n in "${pt_made[@]}"; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$pt_tmp"
}
trap pt_cleanup EXIT
trap 'exit 130' INT TERM HUP

pt_skip() { echo "SKIP: $*"; echo "${name:-pathtest}: 0 passed, 0 failed, 1 skipped"; exit 77; }

pass=0 fail=0
ok() { echo "PASS: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
finish() { echo "$name: $pass passed, $fail failed"; [ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]; exit; }

# Skip unless this machine lets us make a network namespace (the twin's
# tests: the twin makes its own).
pt_need_netns() {
	ip netns add "ptcheck$$" 2>/dev/null || pt_skip "cannot create a network namespace"
	ip netns del "ptcheck$$"
}

pt_need() {  # tools...
	local t
	[ "$(id -u)" = 0 ] || pt_skip "needs root (network namespaces, nftables)"
	for t in ip nft jq "$@"; do
		command -v "$t" >/dev/null || pt_skip "needs $t"
	done
}

# Creates $CLI, $FW and $SRV and wires them up.  Called again (after
# pt_teardown), it makes a fresh set: new namespaces are the only way here
# to start with an empty connection-tracking table (no conntrack tool
# needed), so that no entry of an earlier run lets a packet through as
# "established" (ephemeral source ports do repeat a (sport, dport) pair now
# and then; the fixed source ports of StarLeaf media always do).
pt_gen=0
pt_setup() {
	pt_gen=$((pt_gen + 1))
	CLI=ptc$$g$pt_gen FW=ptf$$g$pt_gen SRV=pts$$g$pt_gen
	local n
	for n in "$CLI" "$FW" "$SRV"; do
		ip netns add "$n" 2>/dev/null || pt_skip "cannot create network namespace $n"
		pt_made+=("$n")
	done
	{
		ip -n "$FW" link add in0 type veth peer name eth0 netns "$CLI" &&
		ip -n "$FW" link add out0 type veth peer name eth0 netns "$SRV" &&
		ip -n "$CLI" link set lo up && ip -n "$FW" link set lo up && ip -n "$SRV" link set lo up &&
		ip -n "$FW" addr add 10.99.1.1/24 dev in0 && ip -n "$FW" link set in0 up &&
		ip -n "$FW" addr add 10.99.2.1/24 dev out0 && ip -n "$FW" link set out0 up &&
		ip netns exec "$FW" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward' &&
		ip -n "$CLI" addr add "$PT_C/24" dev eth0 && ip -n "$CLI" link set eth0 up &&
		ip -n "$CLI" route add default via 10.99.1.1 &&
		ip -n "$SRV" addr add "$PT_S/24" dev eth0 && ip -n "$SRV" link set eth0 up &&
		ip -n "$SRV" route add default via 10.99.2.1
	} 2>"$pt_tmp/setup.err" || { cat "$pt_tmp/setup.err"; pt_skip "cannot set up veths and routes in the test namespaces"; }
	# A reject sends one ICMP error per port: thousands in a second.  The
	# kernel's ICMP rate limits (per namespace: 1 s per destination, 1000/s
	# in all, for the types in icmp_ratemask) would turn most of them into
	# silence, i.e. "filtered"; exempt every type in the two namespaces that
	# answer with ICMP (the firewall's reject, the server's closed UDP ports).
	# PT_ICMP_LIMITS=keep leaves the defaults (to show the effect).
	# PT_RPS=1 (benchmarks): receive packet steering over every CPU on the
	# veths, so that the firewall's and the server's share of each packet
	# need not run on the CPU that sent it (a veth hands a packet to the
	# sending CPU's backlog).
	if [ "${PT_RPS:-0}" = 1 ]; then
		local mask
		mask=$(printf '%x' $(((1 << $(nproc)) - 1)))
		for n in "$CLI" "$FW" "$SRV"; do
			ip netns exec "$n" sh -c "for q in /sys/class/net/*/queues/rx-*/rps_cpus; do
				case \$q in */lo/*) continue ;; esac; echo $mask >\$q; done" ||
				pt_skip "cannot set rps_cpus in namespace $n"
		done
	fi
	if [ "${PT_ICMP_LIMITS:-}" != keep ]; then
		for n in "$FW" "$SRV"; do
			ip netns exec "$n" sh -c 'echo 0 >/proc/sys/net/ipv4/icmp_ratemask' ||
				pt_skip "cannot set net.ipv4.icmp_ratemask in namespace $n"
		done
	fi
	return 0
}

# Deletes the namespaces of the last pt_setup (their processes first).
pt_teardown() {
	local p n keep=()
	for p in "${pt_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pt_pids[@]}"; do wait "$p" 2>/dev/null; done
	pt_pids=()
	for n in "${pt_made[@]}"; do
		case $n in
		"$CLI"|"$FW"|"$SRV") ip netns del "$n" 2>/dev/null ;;
		*) keep+=("$n") ;;
		esac
	done
	pt_made=("${keep[@]}")
}

# Can this kernel and nft do TPROXY (nft_tproxy)?  Tried in $SRV.
pt_have_tproxy() {
	local ok=1
	ip netns exec "$SRV" nft -f - 2>/dev/null <<'EOF' || ok=0
table inet pt_tproxy_check {
	chain c {
		type filter hook prerouting priority mangle; policy accept;
		meta l4proto udp udp dport 9 tproxy ip to :9 meta mark set 1 accept
	}
}
EOF
	ip netns exec "$SRV" nft delete table inet pt_tproxy_check 2>/dev/null
	[ "$ok" = 1 ]
}

# Loads an nftables ruleset (file) into the firewall namespace, replacing
# whatever was there.
pt_fw_load() {
	ip netns exec "$FW" nft flush ruleset && ip netns exec "$FW" nft -f "$1"
}

# Starts a responder in $SRV in the background: pt_responder LOG ARGS...
# (ARGS as for `sfbnet responder`); pt_responder_in NS LOG ARGS... in
# another namespace.  Sets $rpid; waits until its sockets are bound (the
# "responder: ... mode" line of --verbose) or it exited.
pt_responder() { pt_responder_in "$SRV" "$@"; }
pt_responder_in() {
	local ns=$1 log=$2 i
	shift 2
	: >"$log"
	ip netns exec "$ns" "$bin" responder --verbose "$@" 2>"$log" &
	rpid=$!
	pt_pids+=("$rpid")
	for i in $(seq 100); do
		grep -q '^responder: .* mode' "$log" && return 0
		kill -0 "$rpid" 2>/dev/null || return 1
		sleep 0.05
		: "$i"
	done
	return 1
}

# Waits (at most $2 seconds) for pid $1 to exit; its status in $wrc.
pt_wait() {
	local pid=$1 max=$2 i
	for i in $(seq $((max * 20))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
		: "$i"
	done
	if kill -0 "$pid" 2>/dev/null; then wrc=timeout; return 1; fi
	wait "$pid"; wrc=$?
	return 0
}

# The topology of the client -> server path (same as the integration test):
# pt_topology FILE [PROFILES] [SERVER-ROLES] [CLIENT-ADDRESS] [SERVER-PLACE]
# (SERVER-PLACE: "address: A" by default, or "network: N/L").
pt_topology() {
	cat >"$1" <<EOF
version: 1
name: sfbnet path test
sip_domains: [pathtest.example]
profiles: [${2:-starleaf, pexip}]
zones:
  - { name: inside,  networks: [10.99.1.0/24] }
  - { name: outside, networks: [10.99.2.0/24] }
firewalls:
  - { name: fw, between: [inside, outside] }
hosts:
  - name: client
    endpoints:
      - { zone: inside, address: ${4:-$PT_C}, roles: [client] }
  - name: server
    endpoints:
      - { zone: outside, ${5:-address: $PT_S}, roles: [${3:-starleaf-cloud, pexip-node}] }
EOF
}

# --- Whole topologies (tests/integration/netns_*.sh): one namespace a zone
# and a firewall, named $1 + zone, kept in the associative array NS. --------
declare -A NS=()

# pt_zones_need PKTPROBE: root, ip and nft, and the probe helper (exit 2
# without it: a build problem, not a missing capability).
pt_zones_need() {
	[ "$(id -u)" = 0 ] || pt_skip "needs root (network namespaces, nftables)"
	local t
	for t in ip nft; do command -v "$t" >/dev/null || pt_skip "needs $t"; done
	[ -x "$1" ] || { echo "$name: no pktprobe helper at $1"; exit 2; }
}

# pt_zones_make PREFIX NAME...: a namespace per name, lo up, no reverse
# path filter (the probes' sources live on lo).
pt_zones_make() {
	local p=$1 n; shift
	for n in "$@"; do
		NS[$n]=$p$n
		ip netns add "${NS[$n]}" 2>/dev/null || pt_skip "cannot create network namespace ${NS[$n]}"
		pt_made+=("${NS[$n]}")
		ip -n "${NS[$n]}" link set lo up
		ip netns exec "${NS[$n]}" sh -c 'echo 0 >/proc/sys/net/ipv4/conf/all/rp_filter;
			echo 0 >/proc/sys/net/ipv4/conf/default/rp_filter' 2>/dev/null
	done
}

# pt_zone_server PKTPROBE ZONE ADDR[,ADDR...] PROTO/PORT...: a pktprobe echo
# server in that zone's namespace, logged to $pt_tmp/srv-ZONE.log; returns
# once it is ready (a failure ends the test).
pt_zone_server() {
	local probe=$1 z=$2 addrs=$3 log=$pt_tmp/srv-$2.log; shift 3
	ip netns exec "${NS[$z]}" "$probe" serve 150 "$addrs" "$@" >"$log" 2>&1 &
	pt_pids+=($!)
	for _ in $(seq 50); do grep -q '^ready' "$log" && return 0; sleep 0.1; done
	bad "echo server in zone $z did not start: $(head -3 "$log")"; finish
}
