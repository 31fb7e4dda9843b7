#!/usr/bin/env bash
# Real packets through `sfbnet firewall --mode include` and `--nat` for
# nftables and iptables, on fw-external of examples/two-sites.yaml (the
# perimeter with the single-IP Edge 172.30.3.20, public 198.51.100.20, and
# the internet):
#
#   z-inet (203.0.113.50) --[fw]-- z-per (172.30.1.10, 172.30.2.10, 172.30.3.20)
#
# (a) include: the firewall already has a policy of its own (forward drop,
#     established accepted, one rule of the admin's: TCP 2222 to the Edge).
#     The generated file is loaded twice and hooked in once: sfbnet's flow
#     (internet -> Edge 5061) passes, the admin's rule still passes, other
#     traffic (8057) follows the admin's policy (dropped, then passed when
#     the admin's policy is accept), and the chain holds one copy of the
#     rules.
# (b) --nat (standalone): the internet host reaches the Edge's public
#     address on 5061 and the connection arrives at 172.30.3.20 from the
#     internet host's own address; the A/V Edge's UDP 3478 and TCP 55000
#     (in 50000-59999) arrive at the internet host from 198.51.100.20.
# Each for nftables and for iptables (iptables-restore --noflush).
#
# usage: netns_include_nat.sh SFBNET PKTPROBE   (from the source directory)
set -u
bin=$1
probe=$2
topo=examples/two-sites.yaml
name=netns-include-nat
# ok, bad, finish, pt_skip, the EXIT trap and the pt_zone* helpers
# (tests/lib/netns.sh).
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
tmp=$pt_tmp

pt_zones_need "$probe"
command -v iptables-restore >/dev/null || pt_skip "needs iptables-restore"
pt_zones_make "in$$" per inet fw
ip netns exec "${NS[fw]}" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward' ||
	pt_skip "cannot enable forwarding in ${NS[fw]}"
{
	ip -n "${NS[fw]}" link add toper type veth peer name tofw netns "${NS[per]}" &&
	ip -n "${NS[fw]}" link add toinet type veth peer name tofw netns "${NS[inet]}" &&
	ip -n "${NS[fw]}" addr add 100.64.1.1/30 dev toper && ip -n "${NS[fw]}" link set toper up &&
	ip -n "${NS[fw]}" addr add 100.64.2.1/30 dev toinet && ip -n "${NS[fw]}" link set toinet up &&
	ip -n "${NS[per]}" addr add 100.64.1.2/30 dev tofw && ip -n "${NS[per]}" link set tofw up &&
	ip -n "${NS[inet]}" addr add 100.64.2.2/30 dev tofw && ip -n "${NS[inet]}" link set tofw up &&
	ip -n "${NS[per]}" route add default via 100.64.1.1 &&
	ip -n "${NS[inet]}" route add default via 100.64.2.1 &&
	ip -n "${NS[fw]}" route add 172.30.0.0/16 via 100.64.1.2 &&
	ip -n "${NS[fw]}" route add default via 100.64.2.2
} 2>"$tmp/setup.err" || { cat "$tmp/setup.err"; pt_skip "cannot wire the namespaces"; }
EDGE=172.30.3.20 PUB=198.51.100.20 HOST=203.0.113.50
for a in 172.30.1.10 172.30.2.10 $EDGE; do
	ip -n "${NS[per]}" addr add "$a/32" dev lo || pt_skip "cannot add $a"
done
ip -n "${NS[inet]}" addr add "$HOST/32" dev lo || pt_skip "cannot add $HOST"
pt_zone_server "$probe" per "$EDGE" tcp/5061 tcp/2222 tcp/8057
pt_zone_server "$probe" inet "$HOST" udp/3478 tcp/55000

sport=41000
# check EXPECT WHAT ZONE PROTO SADDR DADDR DPORT   (EXPECT: pass, drop)
check() {
	local expect=$1 what=$2 z=$3 pr=$4 sa=$5 da=$6 dp=$7 got want=echo
	sport=$((sport + 1))
	[ "$expect" = drop ] && want=timeout
	got=$(ip netns exec "${NS[$z]}" "$probe" send "$pr" "$sa" "$sport" "$da" "$dp" \
		"$([ "$expect" = drop ] && echo 700 || echo 1500)" 2>&1 | tail -n 1)
	if [ "$got" = "$want" ]; then ok "$what: $pr $sa:$sport -> $da:$dp $( [ "$expect" = drop ] && echo dropped || echo passed)"
	else bad "$what: $pr $sa:$sport -> $da:$dp got '$got', want $want"; fi
}
# seen ZONE PATTERN WHAT: the zone's echo server logged a line matching it
# for the last probe (source port $sport).
seen() {
	if grep -Eq -- "$2:$sport\$" "$tmp/srv-$1.log"; then ok "$3"
	else bad "$3: no '$2:$sport' in: $(tail -2 "$tmp/srv-$1.log" | tr '\n' ' ')"; fi
}
fwx() { ip netns exec "${NS[fw]}" "$@"; }
reset_fw() {
	fwx nft flush ruleset
	fwx iptables -P FORWARD ACCEPT
	fwx iptables -F; fwx iptables -X; fwx iptables -t nat -F; fwx iptables -t nat -X
}

check pass "no rules yet: 8057 reaches the Edge (a drop later is the rules' doing)" \
	inet tcp "$HOST" "$EDGE" 8057

# ---- (a) include, nftables -------------------------------------------------------
"$bin" firewall "$topo" -t nftables -F fw-external --mode include -o "$tmp/inc.nft" ||
	{ bad "sfbnet firewall --mode include (nftables)"; finish; }
reset_fw
fwx nft -f - <<'NFT' || { bad "cannot load the admin's own nftables policy"; finish; }
table inet filter {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		tcp dport 2222 accept comment "the admin's own rule"
	}
}
NFT
if fwx nft -f "$tmp/inc.nft" && fwx nft -f "$tmp/inc.nft"; then ok "nftables include file loaded twice"
else bad "nft -f could not load the include file (twice)"; finish; fi
fwx nft add rule inet filter forward jump sfbnet
want=$(grep -c 'accept comment' "$tmp/inc.nft")
got=$(fwx nft list chain inet filter sfbnet | grep -c 'accept comment')
if [ "$got" = "$want" ] && [ "$want" -gt 0 ]; then ok "nftables: chain sfbnet holds one copy ($got rules)"
else bad "nftables: chain sfbnet holds $got rules, the file $want"; fi
if fwx nft list chain inet filter forward | grep -q "the admin's own rule"; then
	ok "nftables: the admin's forward chain is untouched"
else bad "nftables: the admin's rule is gone"; fi
check pass "nftables include: sfbnet's flow (internet -> Access Edge 5061)" inet tcp "$HOST" "$EDGE" 5061
check pass "nftables include: the admin's own rule" inet tcp "$HOST" "$EDGE" 2222
check drop "nftables include: other traffic follows the admin's policy (drop)" inet tcp "$HOST" "$EDGE" 8057
fwx nft chain inet filter forward '{ policy accept; }'
check pass "nftables include: other traffic follows the admin's policy (accept)" inet tcp "$HOST" "$EDGE" 8057

# ---- (a) include, iptables -------------------------------------------------------
"$bin" firewall "$topo" -t iptables -F fw-external --mode include -o "$tmp/inc.ipt" ||
	{ bad "sfbnet firewall --mode include (iptables)"; finish; }
reset_fw
fwx iptables -P FORWARD DROP
fwx iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
fwx iptables -A FORWARD -p tcp --dport 2222 -m comment --comment "admin-own-rule" -j ACCEPT
if fwx iptables-restore --noflush <"$tmp/inc.ipt" && fwx iptables-restore --noflush <"$tmp/inc.ipt"; then
	ok "iptables include file loaded twice"
else bad "iptables-restore --noflush could not load the include file (twice)"; finish; fi
fwx iptables -A FORWARD -j SFBNET
want=$(grep -c '^-A SFBNET ' "$tmp/inc.ipt")
got=$(fwx iptables -S SFBNET | grep -c '^-A SFBNET ')
if [ "$got" = "$want" ] && [ "$want" -gt 0 ]; then ok "iptables: chain SFBNET holds one copy ($got rules)"
else bad "iptables: chain SFBNET holds $got rules, the file $want"; fi
if [ "$(fwx iptables -S FORWARD | grep -c "admin-own-rule")" = 1 ] &&
   fwx iptables -S FORWARD | grep -q '^-P FORWARD DROP'; then
	ok "iptables: FORWARD and its policy are untouched"
else bad "iptables: FORWARD changed: $(fwx iptables -S FORWARD | tr '\n' ' ')"; fi
check pass "iptables include: sfbnet's flow (internet -> Access Edge 5061)" inet tcp "$HOST" "$EDGE" 5061
check pass "iptables include: the admin's own rule" inet tcp "$HOST" "$EDGE" 2222
check drop "iptables include: other traffic follows the admin's policy (drop)" inet tcp "$HOST" "$EDGE" 8057
fwx iptables -P FORWARD ACCEPT
check pass "iptables include: other traffic follows the admin's policy (accept)" inet tcp "$HOST" "$EDGE" 8057

# ---- (b) --nat ------------------------------------------------------------------------
nat_checks() {  # label
	check pass "$1: internet -> the Edge's public address 5061" inet tcp "$HOST" "$PUB" 5061
	seen per "recv tcp $EDGE:5061 <- $HOST" "$1: it arrives at the Edge's inside address from the internet host's own address"
	check pass "$1: A/V Edge -> internet UDP 3478" per udp "$EDGE" "$HOST" 3478
	seen inet "recv udp $HOST:3478 <- $PUB" "$1: UDP 3478 arrives from the A/V Edge's public address"
	check pass "$1: A/V Edge -> internet TCP 55000" per tcp "$EDGE" "$HOST" 55000
	seen inet "recv tcp $HOST:55000 <- $PUB" "$1: TCP 55000 arrives from the A/V Edge's public address"
	check drop "$1: internet -> the public address on a port no flow opens (8057)" inet tcp "$HOST" "$PUB" 8057
}
"$bin" firewall "$topo" -t nftables -F fw-external --nat -o "$tmp/nat.nft" ||
	{ bad "sfbnet firewall --nat (nftables)"; finish; }
reset_fw
if fwx nft -f "$tmp/nat.nft"; then ok "nftables --nat ruleset loaded"
else bad "nft -f could not load the --nat ruleset"; finish; fi
nat_checks "nftables --nat"

"$bin" firewall "$topo" -t iptables -F fw-external --nat -o "$tmp/nat.ipt" ||
	{ bad "sfbnet firewall --nat (iptables)"; finish; }
reset_fw
if fwx iptables-restore --noflush <"$tmp/nat.ipt"; then ok "iptables --nat ruleset loaded"
else bad "iptables-restore could not load the --nat ruleset"; finish; fi
# The one-time hooks the file's header names.
fwx iptables -t nat -I PREROUTING -j SFBNET-DNAT
fwx iptables -t nat -I POSTROUTING -j SFBNET-SNAT
nat_checks "iptables --nat"
finish
