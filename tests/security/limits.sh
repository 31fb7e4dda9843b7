#!/usr/bin/env bash
# Input limits and bounded diagnostics (issue 16): a file past a limit is
# refused with exit status 2, its position and the limit, before the work
# it would cause; a file that warns about the same thing thousands of times
# prints a few lines and a count.  (How fast and how small: bench/scale.sh.)
set -u
bin=$(realpath "$1")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sfb-lim.XXXXXX") || exit 3
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }

header() {
	printf 'version: 1\nname: limits\nsip_domains: [contoso.com]\nprofiles: [sfb-server]\n'
	printf 'simple_urls: { meet: meet.contoso.com, dialin: dialin.contoso.com }\n'
	printf 'web_services: { internal: webint.contoso.com, external: webext.contoso.com }\n'
}
# expect FILE EXIT MESSAGE-GLOB: validate and firewall -o both refuse it,
# with the message, and write nothing.
expect() {
	local out rc
	out=$("$bin" validate "$1" 2>&1 >/dev/null); rc=$?
	# shellcheck disable=SC2053  # $3 is a glob
	if [ "$rc" = "$2" ] && [[ $out == $3 ]]; then ok; else bad "$1: exit $rc: $out"; fi
	"$bin" firewall "$1" -t nftables -o "$tmp/out.nft" >/dev/null 2>&1
	[ ! -e "$tmp/out.nft" ] && ok || bad "$1: firewall -o wrote a file"
}

# 2,049 zones: one more than the limit.
{ header; echo "zones:"; for i in $(seq 0 2048); do echo "  - { name: z$i, networks: [10.$((i / 256)).$((i % 256)).0/24] }"; done
  echo "hosts:"; echo "  - { name: fe1, endpoints: [ { zone: z0, address: 10.0.0.1, roles: [front-end] } ] }"; } >"$tmp/zones.yaml"
expect "$tmp/zones.yaml" 2 "$tmp/zones.yaml:8:3: 2049 zones: more than this sfbnet's limit of 2048"

# 4,097 firewalls between two zones.
{ header; echo "zones: [ { name: a, networks: [10.1.0.0/16] }, { name: b } ]"; echo "firewalls:"
  for i in $(seq 0 4096); do echo "  - { name: fw$i, between: [a, b] }"; done
  echo "hosts:"; echo "  - { name: fe1, endpoints: [ { zone: a, address: 10.1.0.1, roles: [front-end] } ] }"; } >"$tmp/fws.yaml"
expect "$tmp/fws.yaml" 2 "$tmp/fws.yaml:9:3: 4097 firewalls: more than this sfbnet's limit of 4096"

# A run of 4 MB of '[': refused at the 65th, before the YAML parser sees it.
{ header; printf 'zones: '; head -c 4000000 /dev/zero | tr '\0' '['; echo; } >"$tmp/brackets.yaml"
expect "$tmp/brackets.yaml" 2 "$tmp/brackets.yaml:7:72: brackets nested more than 64 deep"
# Brackets inside quoted scalars and comments do not count.
{ header; printf 'ad_domain: corp.contoso.com # %s\n' "$(head -c 200 /dev/zero | tr '\0' '[')"
  echo "zones: [ { name: a, networks: [10.1.0.0/16] } ]"
  echo "hosts: [ { name: fe1, pool: pool.contoso.com, endpoints: [ { zone: a, address: 10.1.0.1, fqdn: fe1.contoso.com, roles: [front-end] } ] } ]"; } >"$tmp/quoted.yaml"
sed -i "s/^name: limits/name: \"$(head -c 100 /dev/zero | tr '\0' '[')\"/" "$tmp/quoted.yaml"
"$bin" validate "$tmp/quoted.yaml" >/dev/null 2>&1 && ok || bad "brackets in a comment and a quoted name were counted"

# A topology name past 256 bytes.
sed "s/^name: limits/name: $(head -c 300 /dev/zero | tr '\0' 'n')/" <(header; echo "zones: [ { name: a } ]"
  echo "hosts: [ { name: c, endpoints: [ { zone: a, roles: [client] } ] } ]") >"$tmp/longname.yaml"
expect "$tmp/longname.yaml" 2 "$tmp/longname.yaml:2:7: name: longer than 256 bytes"

# 400 Front Ends x 1,000 SIP domains: every member's certificate carries
# every domain's names, 1.2 million in all from a 100 kB file.  certs (and
# validate, whose checks build the certificates) stop at the limit.
{ printf 'version: 1\nname: limits\nsip_domains: [contoso.com'
  for i in $(seq 1 999); do printf ', d%d.example.com' "$i"; done
  printf ']\nprofiles: [sfb-server]\n'
  printf 'simple_urls: { meet: meet.contoso.com, dialin: dialin.contoso.com }\n'
  printf 'web_services: { internal: webint.contoso.com, external: webext.contoso.com }\n'
  echo "zones: [ { name: a, networks: [10.0.0.0/8] } ]"; echo "hosts:"
  for i in $(seq 0 399); do
	echo "  - { name: fe$i, pool: pool.contoso.com, endpoints: [ { zone: a, address: 10.0.$((i / 256)).$((i % 256)), fqdn: fe$i.contoso.com, roles: [front-end] } ] }"
  done; } >"$tmp/names.yaml"
out=$("$bin" certs "$tmp/names.yaml" -o "$tmp/names.out" 2>&1); rc=$?
if [ "$rc" = 2 ] && [[ $out == "$tmp/names.yaml: the certificates of this topology carry more than 1000000 names"* ]] &&
    [ ! -e "$tmp/names.out" ]; then ok; else bad "names: certs exit $rc: $out"; fi
"$bin" validate "$tmp/names.yaml" >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] && ok || bad "names: validate exit $rc"

# One firewall joining 256 zones by their interfaces, a client network and
# a Front End in each: a rule per pair of zones and flow would be millions
# of rules from 76 kB.  The Linux targets and the SRX stop at the limit; the
# ASA (an access list per interface) stays small and is written.
{ header; echo "zones:"; for i in $(seq 0 255); do echo "  - { name: z$i, networks: [10.0.$i.0/24] }"; done
  printf 'firewalls:\n  - { name: fw, interfaces: {'
  for i in $(seq 0 255); do printf '%s z%d: e%d' "$([ "$i" = 0 ] || echo ,)" "$i" "$i"; done
  printf ' }, between: ['
  for i in $(seq 0 255); do printf '%sz%d' "$([ "$i" = 0 ] || echo ', ')" "$i"; done
  printf '] }\nhosts:\n'
  for i in $(seq 0 255); do
	echo "  - { name: c$i, endpoints: [ { zone: z$i, network: 10.0.$i.0/25, roles: [client] } ] }"
	echo "  - { name: fe$i, pool: pool$i.contoso.com, endpoints: [ { zone: z$i, address: 10.0.$i.200, fqdn: fe$i.contoso.com, roles: [front-end] } ] }"
  done; } >"$tmp/star.yaml"
for t in nftables iptables ip6tables srx; do
	out=$("$bin" firewall "$tmp/star.yaml" -t "$t" -o "$tmp/star.out" 2>&1); rc=$?
	if [ "$rc" = 2 ] && [[ $out == "$tmp/star.yaml: the "*" rules of firewall 'fw' would be more than 100000 (this sfbnet's limit)"* ]] &&
	    [ ! -e "$tmp/star.out" ]; then ok; else bad "star $t: exit $rc: $out"; fi
done
"$bin" firewall "$tmp/star.yaml" -t asa -o "$tmp/star.asa" && [ -s "$tmp/star.asa" ] && ok ||
	bad "star asa: not written"

# 300 zones no firewall joins, each with clients and a Front End: 300^2
# "no firewall path" warnings become 20 lines and one count.
{ header; echo "zones:"; for i in $(seq 0 299); do echo "  - { name: z$i, networks: [10.$((i / 256)).$((i % 256)).0/24] }"; done
  echo "hosts:"; for i in $(seq 0 299); do
	echo "  - { name: h$i, pool: pool$i.contoso.com, endpoints: [ { zone: z$i, address: 10.$((i / 256)).$((i % 256)).1, fqdn: fe$i.contoso.com, roles: [front-end] }, { zone: z$i, network: 10.$((i / 256)).$((i % 256)).128/25, roles: [client] } ] }"
  done; } >"$tmp/islands.yaml"
out=$("$bin" validate "$tmp/islands.yaml" 2>"$tmp/err"); rc=$?
lines=$(wc -l <"$tmp/err")
total=$(sed -n 's/.* \([0-9]*\) warning(s)$/\1/p' <<<"$out")
[ "$rc" = 0 ] && ok || bad "islands: validate exit $rc"
[ "$lines" -le 45 ] && ok || bad "islands: $lines warning lines (want at most 20 per kind)"
grep -q '^warning: \.\.\. and [0-9]* more warning(s) of the same kind' "$tmp/err" && ok ||
	bad "islands: no line counts the warnings left out"
[ "${total:-0}" -gt 10000 ] && ok || bad "islands: validate counts ${total:-none} warnings, want all of them"

echo "limits: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
