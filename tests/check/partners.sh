#!/usr/bin/env bash
# check/partners: `sfbnet check --partners FILE` against a real DNS server.
#
# One knotd, in a network namespace of the test's own (only lo up), serves a
# zone `example.` holding federation partners written to be right or wrong
# in one way each:
#   good1, good2     _sipfederationtls._tcp.D SRV 0 0 5061 sip.D., sip.D A
#   lowprio          two SRV records: the one of lowest priority (and the
#                    highest weight among those) is the one judged
#   nosrv            no SRV at all                    -> fail "missing"
#   outside          SRV target sip.contoso.net.      -> fail "strict name matching"
#   noaddr           SRV target sip.D. without an A   -> fail "has no address"
#   otherport        SRV on port 5062 (a partner may use any port) -> pass
#   nxdomain         a domain the zone does not have  -> fail "missing"
# and asserts each verdict and reason, the exit status (1: something fails;
# 0 for a file of good partners only), the JSON counts, and the text form.
# Then the input errors, each exit 2 with FILE:LINE:COLUMN and no report:
# a name with a space, a name without a dot; a missing file; --partners with
# --ca-file (partners are DNS only); a DNS server that is not an address.
# Finally a DNS server that does not answer: every partner fails with "no
# answer" or "missing (...)", never pass.
# Needs root (a network namespace), knotd (Debian knot), kdig (knot-dnsutils)
# and jq; exits 77 without them.
set -u
bin=${1:?usage: partners.sh SFBNET}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
name=check/partners
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }

for tool in knotd kdig jq timeout; do
	command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $name needs $tool"; exit 77; }
done
if [ -z "${SFB_PARTNERS_NETNS:-}" ]; then
	if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
		echo "SKIP: $name needs root and network namespaces (unshare -n)"
		exit 77
	fi
	# shellcheck disable=SC2016  # the inner shell's $0 and $@
	exec unshare -n env SFB_PARTNERS_NETNS=1 bash -c 'ip link set lo up && exec bash "$0" "$@"' "$0" "$@"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sfb-partners.XXXXXX") || exit 3
kpid=""
# shellcheck source=tests/lib/proc.sh
. "$(dirname "$0")/../lib/proc.sh"
cleanup() { stop_pid "$kpid"; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port=$((20000 + $$ % 20000))
cat >"$tmp/example.zone" <<'EOF'
$ORIGIN example.
$TTL 300
@ SOA ns.example. hostmaster.example. 1 3600 600 86400 300
@ NS ns.example.
ns A 127.0.0.1
_sipfederationtls._tcp.good1 SRV 0 0 5061 sip.good1.example.
sip.good1 A 198.51.100.1
_sipfederationtls._tcp.good2 SRV 0 0 5061 edge.good2.example.
edge.good2 A 198.51.100.2
_sipfederationtls._tcp.lowprio SRV 10 100 5061 backup.lowprio.example.
_sipfederationtls._tcp.lowprio SRV 0 10 5061 a.lowprio.example.
_sipfederationtls._tcp.lowprio SRV 0 90 5061 b.lowprio.example.
b.lowprio A 198.51.100.3
sip.nosrv A 198.51.100.4
_sipfederationtls._tcp.outside SRV 0 0 5061 sip.contoso.net.
_sipfederationtls._tcp.noaddr SRV 0 0 5061 sip.noaddr.example.
_sipfederationtls._tcp.otherport SRV 0 0 5062 sip.otherport.example.
sip.otherport A 198.51.100.5
EOF
mkdir -p "$tmp/run" "$tmp/db"
cat >"$tmp/knot.conf" <<EOF
server:
    rundir: "$tmp/run"
    listen: 127.0.0.1@$port
log:
  - target: stderr
    any: warning
database:
    storage: "$tmp/db"
template:
  - id: default
    storage: "$tmp"
    zonefile-sync: -1
    journal-content: none
zone:
  - domain: example.
    file: example.zone
EOF
knotd -c "$tmp/knot.conf" >"$tmp/knotd.log" 2>&1 &
kpid=$!
up=0
for _ in $(seq 100); do
	kill -0 "$kpid" 2>/dev/null || break
	if timeout 3 kdig @127.0.0.1 -p "$port" +timeout=1 +retry=0 example. SOA 2>/dev/null |
		grep -q 'status: NOERROR'; then up=1; break; fi
	sleep 0.1
done
if [ "$up" != 1 ]; then
	bad "knotd did not serve the zone: $(tail -5 "$tmp/knotd.log")"
	echo "$name: $pass passed, $fail failed"
	exit 1
fi

printf '%s\n' '# partners of the test' good1.example good2.example '' lowprio.example \
	nosrv.example outside.example noaddr.example '  otherport.example  ' nxdomain.example \
	>"$tmp/partners.txt"
"$bin" check --partners "$tmp/partners.txt" --dns-server "127.0.0.1:$port" --timeout 1000 \
	--format json -o "$tmp/out.json" 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] && ok || bad "exit $rc with failing partners (want 1): $(cat "$tmp/err")"
verdict() { jq -r --arg s "_sipfederationtls._tcp.$1" \
	'[.findings[] | select(.check == "federation-dns" and .subject == $s)] |
	 if length == 1 then .[0].verdict + "\t" + .[0].reason + "\t" + (.[0].evidence // "") else "count \(length)" end' \
	"$tmp/out.json"; }
expect() {   # DOMAIN VERDICT REASON-SUBSTRING [EVIDENCE-SUBSTRING]
	local got
	got=$(verdict "$1")
	if [ "${got%%$'\t'*}" != "$2" ]; then bad "$1: want $2, got: $got"; return; fi
	case $got in *"$3"*) ;; *) bad "$1: reason lacks '$3': $got"; return ;; esac
	if [ -n "${4:-}" ]; then case ${got##*$'\t'} in *"$4"*) ;; *) bad "$1: evidence lacks '$4': $got"; return ;; esac; fi
	ok
}
expect good1.example pass "sip.good1.example port 5061" "198.51.100.1"
expect good2.example pass "edge.good2.example port 5061" "198.51.100.2"
expect lowprio.example pass "b.lowprio.example port 5061" "0 90 5061 b.lowprio.example"
expect nosrv.example fail "missing"
expect outside.example fail "strict name matching" "sip.contoso.net"
expect noaddr.example fail "has no address"
expect otherport.example pass "port 5062"
expect nxdomain.example fail "missing"
c=$(jq -r '"\(.format) \(.counts.pass) \(.counts.fail) \(.findings | length)"' "$tmp/out.json")
[ "$c" = "sfbnet-findings 4 4 8" ] && ok || bad "counts: $c (want sfbnet-findings 4 4 8)"
jq -e '[.findings[] | .citation.document] | all(. == "ms-sfb-hybrid")' "$tmp/out.json" >/dev/null &&
	ok || bad "every finding cites ms-sfb-hybrid"

# Good partners only: exit 0; the text form.
printf 'good1.example\ngood2.example.\n' >"$tmp/good.txt"
out=$("$bin" check --partners "$tmp/good.txt" --dns-server "127.0.0.1:$port" --timeout 1000 2>&1)
rc=$?
[ "$rc" = 0 ] && ok || bad "good partners: exit $rc (want 0): $out"
grep -q '^pass    federation-dns _sipfederationtls._tcp.good2.example: ' <<<"$out" && ok ||
	bad "text form: $out"
grep -q '^summary: 2 pass, 0 fail, 0 warn, 0 skip, 0 unknown$' <<<"$out" && ok || bad "summary: $out"

# Input errors: exit 2, the place named, nothing written.
bad_input() {   # WANT-MESSAGE-SUBSTRING ARGS...
	local want=$1 err rc
	shift
	rm -f "$tmp/none.json"
	err=$("$bin" check "$@" -o "$tmp/none.json" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" != 2 ]; then bad "check $*: exit $rc (want 2): $err"; return; fi
	case $err in *"$want"*) ;; *) bad "check $*: message lacks '$want': $err"; return ;; esac
	[ -e "$tmp/none.json" ] && { bad "check $*: wrote a report"; return; }
	ok
}
printf 'good1.example\n  not a domain\n' >"$tmp/space.txt"
bad_input "$tmp/space.txt:2:3: 'not a domain' is not a domain name" --partners "$tmp/space.txt"
printf '# x\nlocalhost\n' >"$tmp/nodot.txt"
bad_input "$tmp/nodot.txt:2:1:" --partners "$tmp/nodot.txt"
bad_input "$tmp/missing.txt" --partners "$tmp/missing.txt"
bad_input "--ca-file" --partners "$tmp/good.txt" --ca-file /etc/ssl/certs/ca-certificates.crt
bad_input "--dns-server not-an-address" --partners "$tmp/good.txt" --dns-server not-an-address
bad_input "give a TOPOLOGY" --format json
bad_input "--from needs a TOPOLOGY" --partners "$tmp/good.txt" --from internet

# A DNS server that does not answer (nothing listens): never a pass.
"$bin" check --partners "$tmp/good.txt" --dns-server "127.0.0.1:$((port + 1))" --timeout 300 \
	--format json -o "$tmp/dead.json" 2>/dev/null
rc=$?
v=$(jq -r '[.findings[].verdict] | unique | join(",")' "$tmp/dead.json" 2>/dev/null)
[ "$rc" = 1 ] && [ "$v" = fail ] && ok || bad "dead DNS server: exit $rc, verdicts '$v' (want 1, fail)"

echo "$name: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
