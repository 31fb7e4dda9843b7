#!/usr/bin/env bash
# bench/gen_ruleset.sh INCLUDE.nft N — write to standard output an nftables
# ruleset of about N rules for bench/audit.sh: an administrator's own table
# `inet filter` (forward chain, policy drop, established accepted, a
# blocklist set) holding N minus the rules of INCLUDE.nft rules of its own,
# with sfbnet's rules for the firewall (INCLUDE.nft, the output of `sfbnet
# firewall --mode include`) hooked in by a jump half-way down the forward
# chain.
#
# The administrator's rules are synthetic but shaped like a real firewall's
# (deterministic: the same N gives the same file): single hosts, /24s and
# anonymous sets of addresses from 10.0.0.0/8 and 172.16.0.0/12 (which
# overlap the benchmark topology's zones), TCP about 70 %, UDP 25 %, both
# (meta l4proto) 5 %; destination ports single, ranges or sets, now and then
# a source-port range; about 8 % drops; a tenth of the forward chain's rules
# jump into one of 100 user chains (`ip daddr 10.K.0.0/16 jump app_K`) that
# hold the rest, each rule of app_K to destinations inside 10.K.0.0/16.
set -eu
inc=${1:?usage: gen_ruleset.sh INCLUDE.nft N}
n=${2:?usage: gen_ruleset.sh INCLUDE.nft N}
case $n in '' | *[!0-9]*) echo "N must be a number" >&2; exit 2 ;; esac
own=$(grep -c ' accept comment ' "$inc" || true)

awk -v N="$((n - own - 4))" '
function rnd(m) { seed = (seed * 16807) % 2147483647; return int(seed / 64) % m }   # Park-Miller: exact in doubles
function addr(   k) {
	k = rnd(10)
	if (k < 5) return "10." rnd(100) "." rnd(250) "." (rnd(250) + 1)
	if (k < 7) return "172.16." rnd(250) "." (rnd(250) + 1)
	return "10." rnd(100) "." rnd(250) ".0/24"
}
function addrs(   k) {
	k = rnd(10)
	if (k < 8) return addr()
	return "{ " addr() ", " addr() ", " addr() " }"
}
function daddrs(   k) {         # in a user chain: inside its 10.K.0.0/16
	if (K < 0) return addrs()
	k = rnd(10)
	if (k < 7) return "10." K "." rnd(250) "." (rnd(250) + 1)
	if (k < 9) return "10." K "." rnd(250) ".0/24"
	return "{ 10." K "." rnd(250) "." (rnd(250) + 1) ", 10." K "." rnd(250) "." (rnd(250) + 1) " }"
}
function ports(   k, a) {
	k = rnd(10)
	split("22 25 53 80 88 110 123 135 143 389 443 445 636 993 1433 1521 3268 3306 3389 5060 5061 5432 8080 8443 9090", P, " ")
	if (k < 6) return P[rnd(25) + 1]
	if (k < 8) { a = 1024 + rnd(60000); return a "-" (a + rnd(2000)) }
	return "{ " P[rnd(25) + 1] ", " P[rnd(25) + 1] ", " (2000 + rnd(60000)) " }"
}
function rule(   k, p, s, v) {
	k = rnd(100)
	p = k < 70 ? "tcp" : k < 95 ? "udp" : "meta l4proto { tcp, udp } th"
	s = rnd(20) == 0 ? " " (p ~ /th$/ ? "th" : p) " sport " (1024 + rnd(30000)) "-" (31024 + rnd(30000)) : ""
	v = rnd(100) < 8 ? "drop" : "accept"
	if (p ~ /th$/)
		return "ip saddr " addrs() " ip daddr " daddrs() " meta l4proto { tcp, udp } th dport " ports() s " " v
	return "ip saddr " addrs() " ip daddr " daddrs() s " " p " dport " ports() " " v
}
BEGIN {
	seed = 42; K = -1
	top = int(N / 3); inchain = N - top
	print "table inet filter {"
	print "\tset admin_blocked {\n\t\ttype ipv4_addr\n\t\tflags interval"
	printf "\t\telements = { "
	for (i = 0; i < 20; i++) printf "%s192.0.2.%d", (i ? ", " : ""), i * 10 + 1
	print " }\n\t}"
	print "\tchain forward {"
	print "\t\ttype filter hook forward priority filter; policy drop;"
	print "\t\tct state established,related accept"
	print "\t\tct state invalid drop"
	print "\t\tip saddr @admin_blocked drop"
	for (i = 0; i < top; i++) {
		if (i == int(top / 2)) print "\t\tjump sfbnet"
		if (i % 10 == 0) { print "\t\tip daddr 10." (i / 10) % 100 ".0.0/16 jump app_" (i / 10) % 100; continue }
		print "\t\t" rule()
	}
	print "\t}"
	for (c = 0; c < 100; c++) {
		print "\tchain app_" c " {"
		K = c
		for (i = 0; i < inchain / 100; i++) print "\t\t" rule()
		print "\t}"
	}
	K = -1
	print "\tchain sfbnet {\n\t}"
	print "}"
}'
cat "$inc"
