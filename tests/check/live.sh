#!/usr/bin/env bash
# check/live: `sfbnet check` against real servers standing in for the
# deployment of examples/onprem-edge.yaml, and what it proves:
#
#   - from the internet zone (--from internet, the external DNS view served
#     by knotd from `sfbnet dns --standalone`, certificates issued by a
#     private CA from `sfbnet certs --keys`): with every server as planned,
#     every planned DNS record, the discovery and federation lookups, TCP,
#     TLS (chain, names, expiry, EKU, versions), SIP OPTIONS over TLS
#     (kamailio), on the A/V Edge (coturn) the STUN Binding and the
#     Allocate without credentials (answered 401 with realm and nonce), and
#     autodiscover (nginx) pass, no finding fails and the exit status is 0;
#   - one fault at a time, each seen by the check that owns it, with the
#     reason the contract gives, on the address that has it (the other
#     server of the pair still passes), exit status 1:
#       nosrv       _sip._tls SRV missing             dns "missing"
#       badsrv      federation SRV -> access.contoso.net  federation-dns
#                                                     "strict name matching",
#                                                     dns "wrong target"
#       wrongsan    webcon's certificate lacks webcon.fabrikam.com  tls-names
#       expired     webcon's certificate expired      tls-expiry
#       closed      nothing listens on webcon .22:443 tcp "closed"
#       dropped     a packet filter drops it          tcp "dropped"
#       wrongpublic coturn on av .23 sends Allocates to 198.51.100.99
#                   (300 ALTERNATE-SERVER)            turn-address fail
#       sip403      OPTIONS answered 403              sip-options "403"
#       ad404       lyncdiscover answers 404          autodiscover "404"
#       adloop      lyncdiscover redirects to itself  autodiscover "redirect loop"
#   - from the internal zone (--from internal, the internal view), where
#     every planned TCP port answers with the protocol its flow names (SIP
#     over TLS or TCP, TLS with the server's planned certificate, plain):
#     every internal DNS record, TCP to every planned port, TLS and SIP
#     OPTIONS on the members and the Director, autodiscover at
#     lyncdiscoverinternal pass, and no finding fails.
#   - --domain fabrikam.com without the topology: the discovery order, the
#     federation record, and TCP, TLS (the target's name) and SIP OPTIONS at
#     every address of the SRV targets DNS gives, and autodiscover, all pass;
#   - every report is a well-formed "sfbnet-findings" document whose counts
#     add up, and the exit status agrees with it.
# Findings the assertions do not name are printed, not judged.
#
# The servers, the namespace they run in and what each variant changes are
# described in live_rig.sh; no packet leaves the test's own network
# namespace.  Needs root and the Debian packages knot, knot-dnsutils,
# kamailio, kamailio-tls-modules, coturn, nginx-light, nftables, openssl,
# jq (the self-test also curl); exits 77 without them (or when `sfbnet
# check` does not exist).
# About 20 s (the dropped variant waits out the check's 3 s connect timeout).
#
#   bash tests/check/live.sh SFBNET                  the test (CTest)
#   bash tests/check/live.sh --rig-selftest SFBNET   prove the rig itself with
#        standard clients (kdig, openssl s_client, curl, a SIP OPTIONS over
#        openssl s_client, turnutils_stunclient/uclient, raw STUN from bash),
#        for every variant; SFBNET is only used to write zones and requests
# LIVE_VERBOSE=1 prints every finding of every run; RIG_KEEP=1 keeps the
# temporary directory (logs, configurations, reports).
set -u
mode="test"
if [ "${1:-}" = --rig-selftest ]; then mode=selftest; shift; fi
bin=${1:?usage: live.sh [--rig-selftest] SFBNET}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
cd "$(dirname "$0")/../.." || exit 3
name=check/live
[ "$mode" = selftest ] && name=check/live-rig

RIG_BIN=$bin
# shellcheck source=tests/check/live_rig.sh
. tests/check/live_rig.sh
# (a second signal must not cut the cleanup short)
trap rig_down EXIT
trap 'trap "" INT TERM HUP; exit 130' INT
trap 'trap "" INT TERM HUP; exit 143' TERM
trap 'trap "" INT TERM HUP; exit 129' HUP

pass=0 fail=0
ok() { pass=$((pass + 1)); [ "${LIVE_QUIET:-0}" = 1 ] || echo "PASS: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
finish() {
	echo "$name: $pass passed, $fail failed"
	[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
	exit
}
skip() { echo "SKIP: $name: $*"; echo "$name: 0 passed, 0 failed, 1 skipped"; exit 77; }

# up SCENARIO VARIANT: the rig as asked, or skip / fail the whole test.
up() {
	rig_up "$1" "$2"
	case $? in
	0) return 0 ;;
	77) skip "$RIG_WHY" ;;
	*) bad "rig $1/$2: $RIG_WHY"; finish ;;
	esac
}

# ======================================================================
# Self-test: the rig with standard clients
# ======================================================================

# Run in the namespace, bounded.
ns() { ip netns exec "$RIG_NS" timeout 10 "$@"; }

# DNS: the RRset of NAME TYPE (kdig +short, sorted, one line, lower case).
dig_set() { ns kdig @"${RIG_DNS%:*}" -p "${RIG_DNS##*:}" +tcp +short +timeout=2 +retry=0 "$1" "$2" 2>&1 | tr '[:upper:]' '[:lower:]' | sort | paste -sd' '; }
expect_dns() {   # NAME TYPE WANT
	local got
	got=$(dig_set "$1" "$2")
	if [ "$got" = "$3" ]; then ok "dns $1 $2 = $3"; else bad "dns $1 $2: want '$3', got '$got'"; fi
}

# TLS: openssl s_client's verdict for ADDR:PORT with SNI and host name NAME.
s_client() {   # ADDR:PORT NAME [extra s_client options]
	local a=$1 n=$2
	shift 2
	ns openssl s_client -connect "$a" -servername "$n" -verify_hostname "$n" -CAfile "$RIG_CA" \
		-brief "$@" </dev/null 2>&1
}
expect_tls() {   # ADDR:PORT NAME WANT-REGEX LABEL
	local out
	out=$(s_client "$1" "$2")
	if grep -Eq "$3" <<<"$out"; then ok "tls $1 ($2): $4"; else
		bad "tls $1 ($2): want /$3/ ($4), got: $(grep -E 'Verif|error|Protocol' <<<"$out" | head -3 | paste -sd'|')"
	fi
}
# The server's certificate, as text.
cert_text() { ns openssl s_client -connect "$1" -servername "$2" -showcerts </dev/null 2>/dev/null | openssl x509 -noout -text 2>&1; }

# SIP OPTIONS over TLS through openssl s_client; prints the answer.
sip_options() {   # ADDR:PORT NAME
	local req
	req="OPTIONS sip:$2 SIP/2.0\r\nVia: SIP/2.0/TLS 198.51.100.10:5061;branch=z9hG4bK-rig$RANDOM\r\n"
	req+="Max-Forwards: 70\r\nFrom: <sip:rig@fabrikam.com>;tag=rig$RANDOM\r\nTo: <sip:$2>\r\n"
	req+="Call-ID: rig-$RANDOM-$$\r\nCSeq: 1 OPTIONS\r\nContact: <sip:rig@198.51.100.10:5061;transport=tls>\r\n"
	req+="Accept: application/sdp\r\nContent-Length: 0\r\n\r\n"
	# shellcheck disable=SC2059  # the request's \r\n
	{ printf "$req"; sleep 1; } | ns openssl s_client -quiet -no_ign_eof -connect "$1" -servername "$2" \
		-CAfile "$RIG_CA" 2>/dev/null | tr -d '\r'
}
expect_sip() {   # ADDR:PORT NAME STATUS
	local out
	out=$(sip_options "$1" "$2")
	if head -1 <<<"$out" | grep -q "^SIP/2.0 $3 " && grep -qi '^Server: .' <<<"$out"; then
		ok "sip OPTIONS $1: $(head -1 <<<"$out"), $(grep -i '^Server:' <<<"$out")"
	else
		bad "sip OPTIONS $1: want $3 with a Server header, got: $(head -3 <<<"$out" | paste -sd'|')"
	fi
}

# HTTPS: curl with the name resolved by the rig's DNS.
https() {   # URL [curl options]: prints the body, then "HTTP <code> <redirects> <content type>"
	local url=$1 host addr
	shift
	host=${url#*://}
	host=${host%%/*}
	addr=$(dig_set "$host" A | awk '{ print $1 }')
	ns curl -sS --max-time 5 --cacert "$RIG_CA" --resolve "$host:443:$addr" --resolve "$host:80:$addr" \
		-w '\nHTTP %{http_code} %{num_redirects} %{content_type}\n' "$@" "$url" 2>&1
}

# STUN from bash (rig/stun.sh) and its answers.
txid() { printf '%024x' "$RANDOM$RANDOM$RANDOM"; }
stun_binding_hex() { echo "000100002112a442$(txid)"; }
stun_allocate_hex() { echo "000300082112a442$(txid)0019000411000000"; }   # REQUESTED-TRANSPORT UDP
# [MS-TURN] Allocate: no magic cookie in the header (a 128-bit transaction
# id), MAGIC-COOKIE 0x000F and MS-VERSION 0x8008 attributes.
msturn_allocate_hex() { echo "00030010$(printf '%08x' "$RANDOM")$(txid)000f000472c64bc68008000400000006"; }
# udp|tcp ADDR PORT HEX; over UDP up to 3 tries (a client retransmits: a
# lost datagram is not what this proves).
stun() {
	local h i
	for ((i = 0; i < 3; i++)); do
		h=$(ns bash "$RIG_SRC/stun.sh" "$@")
		[ -n "$h" ] || [ "$1" != udp ] && break
	done
	echo "$h"
}
stun_type() { echo "${1:0:4}"; }
stun_attr() {   # HEX TYPE: the value of the first attribute TYPE (RFC 5389 padding)
	local h=$1 i=40 t l
	while [ $((i + 8)) -le ${#h} ]; do
		t=${h:i:4} l=$((16#${h:i+4:4}))
		[ "$t" = "$2" ] && { echo "${h:i+8:l*2}"; return 0; }
		i=$((i + 8 + ((l + 3) / 4) * 8))
	done
	return 1
}
stun_addr() {   # VALUE [xor]: "ADDR:PORT" of a (XOR-)MAPPED-ADDRESS-like value (IPv4)
	local v=$1 p a
	p=$((16#${v:4:4})) a=$((16#${v:8:8}))
	[ "${2:-}" = xor ] && p=$((p ^ 0x2112)) a=$((a ^ 0x2112A442))
	echo "$((a >> 24)).$(((a >> 16) & 255)).$(((a >> 8) & 255)).$((a & 255)):$p"
}
# shellcheck disable=SC2001  # sed's & (bash 5.1's ${v//} has none)
stun_text() { local v=$1; printf '%b' "$(sed 's/../\\x&/g' <<<"$v")" | tr -d '\0'; }

selftest_external_ok() {
	local out a h v
	echo "--- external/ok: DNS (knotd at $RIG_DNS)"
	expect_dns _sip._tls.fabrikam.com SRV "0 0 443 access.fabrikam.com."
	expect_dns _sipfederationtls._tcp.fabrikam.com SRV "0 0 5061 access.fabrikam.com."
	expect_dns _xmpp-server._tcp.fabrikam.com SRV "0 0 5269 access.fabrikam.com."
	expect_dns access.fabrikam.com A "203.0.113.21 203.0.113.31"
	expect_dns sip.fabrikam.com A "203.0.113.21 203.0.113.31"
	expect_dns webcon.fabrikam.com A "203.0.113.22 203.0.113.32"
	expect_dns av.fabrikam.com A "203.0.113.23 203.0.113.33"
	expect_dns lyncdiscover.fabrikam.com A "203.0.113.40"
	expect_dns webext.fabrikam.com A "203.0.113.40"

	echo "--- external/ok: TLS (openssl s_client, the rig's CA, the host name verified)"
	for a in 203.0.113.21 203.0.113.31; do
		expect_tls "$a:5061" access.fabrikam.com 'Verification: OK' "chain and name"
		expect_tls "$a:443" access.fabrikam.com 'Verification: OK' "chain and name"
		expect_tls "$a:443" sip.fabrikam.com 'Verification: OK' "sip.fabrikam.com in the SAN"
	done
	for a in 203.0.113.22 203.0.113.32; do
		expect_tls "$a:443" webcon.fabrikam.com 'Verification: OK' "chain and name"
	done
	for h in webext lyncdiscover meet dialin owaext; do
		expect_tls 203.0.113.40:443 "$h.fabrikam.com" 'Verification: OK' "chain and name"
	done
	expect_tls 203.0.113.21:5061 access.fabrikam.com 'Protocol version: TLSv1\.[23]' "TLS 1.2 or 1.3"
	out=$(s_client 203.0.113.22:443 webcon.fabrikam.com -tls1_1)
	if grep -q 'Verification: OK' <<<"$out"; then bad "webcon accepts TLS 1.1"; else ok "webcon refuses TLS 1.1"; fi
	out=$(cert_text 203.0.113.21:5061 access.fabrikam.com)
	if grep -q 'TLS Web Server Authentication' <<<"$out" &&
		grep -q 'DNS:access.fabrikam.com, DNS:webcon.fabrikam.com, DNS:sip.fabrikam.com' <<<"$out"; then
		ok "Edge certificate: serverAuth EKU, SAN access, webcon, sip (the request's)"
	else
		bad "Edge certificate: EKU or SAN not the request's: $(grep -A1 'Alternative\|Extended Key' <<<"$out" | paste -sd' ')"
	fi

	echo "--- external/ok: SIP OPTIONS over TLS (kamailio)"
	for a in 203.0.113.21:5061 203.0.113.31:5061 203.0.113.21:443; do
		expect_sip "$a" access.fabrikam.com 200
	done
	if ns bash -c 'exec 3<>/dev/tcp/203.0.113.21/5269' 2>/dev/null; then ok "tcp 203.0.113.21:5269 open"; else bad "tcp 203.0.113.21:5269 not open"; fi

	echo "--- external/ok: autodiscover (nginx, curl)"
	out=$(https https://lyncdiscover.fabrikam.com/)
	v=$(sed '$d' <<<"$out" | jq -r '._links.user.href' 2>/dev/null)
	if tail -1 <<<"$out" | grep -q '^HTTP 200 0 application/vnd.microsoft.rtc.autodiscover+json' &&
		[ "$v" = "https://webext.fabrikam.com/Autodiscover/AutodiscoverService.svc/root/oauth/user?originalDomain=fabrikam.com" ]; then
		ok "GET https://lyncdiscover.fabrikam.com/: 200, _links.user -> webext"
	else
		bad "GET https://lyncdiscover.fabrikam.com/: $(tail -1 <<<"$out"), user link '$v'"
	fi
	out=$(https "$v")
	if tail -1 <<<"$out" | grep -q '^HTTP 200 ' &&
		[ "$(sed '$d' <<<"$out" | jq -r '.AccessLocation + " " + .User.SipClientExternalAccess.fqdn')" = "External sip.fabrikam.com" ]; then
		ok "GET the user link: 200, AccessLocation External, SipClientExternalAccess sip.fabrikam.com"
	else
		bad "GET the user link: $(tail -1 <<<"$out"): $(head -c 200 <<<"$out")"
	fi
	out=$(https http://lyncdiscover.fabrikam.com/)
	if tail -1 <<<"$out" | grep -q '^HTTP 200 '; then ok "GET http://lyncdiscover.fabrikam.com/: 200"; else bad "GET http://lyncdiscover.fabrikam.com/: $(tail -1 <<<"$out")"; fi

	echo "--- external/ok: STUN/TURN (coturn)"
	for a in 203.0.113.23 203.0.113.33; do
		out=$(ns turnutils_stunclient -p 3478 "$a" 2>&1)
		if grep -q 'UDP reflexive addr: 198\.51\.100\.10:' <<<"$out"; then
			ok "turnutils_stunclient $a:3478: reflexive address 198.51.100.10 (the client's)"
		else
			bad "turnutils_stunclient $a:3478: $(tail -2 <<<"$out" | paste -sd'|')"
		fi
		out=$(ns turnutils_uclient -v -u sfbcheck -w sfbcheck -r fabrikam.com -n 0 -m 1 -l 100 -e "$a" -p 3478 "$a" 2>&1)
		if grep -q "Received relay addr: $a:" <<<"$out"; then ok "authenticated Allocate $a:3478/udp: relayed $a"; else
			bad "authenticated Allocate $a:3478/udp: $(grep -i 'relay\|error' <<<"$out" | head -2 | paste -sd'|')"
		fi
		out=$(ns turnutils_uclient -t -v -u sfbcheck -w sfbcheck -r fabrikam.com -n 0 -m 1 -l 100 -e "$a" -p 443 "$a" 2>&1)
		if grep -q "Received relay addr: $a:" <<<"$out"; then ok "authenticated Allocate $a:443/tcp: relayed $a"; else
			bad "authenticated Allocate $a:443/tcp: $(grep -i 'relay\|error' <<<"$out" | head -2 | paste -sd'|')"
		fi
	done
	a=203.0.113.23
	for tr in "udp 3478" "tcp 443"; do
		h=$(stun "${tr% *}" $a "${tr#* }" "$(stun_binding_hex)")
		if [ "$(stun_type "$h")" = 0101 ] && v=$(stun_attr "$h" 0020) &&
			[[ $(stun_addr "$v" xor) == 198.51.100.10:* ]]; then
			ok "RFC 5389 Binding $a ${tr/ /:}: success, XOR-MAPPED-ADDRESS $(stun_addr "$v" xor)"
		else
			bad "RFC 5389 Binding $a ${tr/ /:}: answer '${h:0:120}'"
		fi
		h=$(stun "${tr% *}" $a "${tr#* }" "$(stun_allocate_hex)")
		if [ "$(stun_type "$h")" = 0113 ] && v=$(stun_attr "$h" 0009) && [ "${v:4:4}" = 0401 ] &&
			[ "$(stun_text "$(stun_attr "$h" 0014)")" = fabrikam.com ] && stun_attr "$h" 0015 >/dev/null; then
			ok "RFC 5766 Allocate without credentials $a ${tr/ /:}: 401, REALM fabrikam.com, NONCE"
		else
			bad "RFC 5766 Allocate without credentials $a ${tr/ /:}: answer '${h:0:120}'"
		fi
	done
	# What coturn does with an [MS-TURN] Allocate (no magic cookie): nothing.
	h=$(ns bash "$RIG_SRC/stun.sh" udp $a 3478 "$(msturn_allocate_hex)")
	if [ -z "$h" ]; then
		ok "[MS-TURN] Allocate $a:3478/udp: coturn does not answer (it is not an MS-TURN server)"
	else
		ok "[MS-TURN] Allocate $a:3478/udp: coturn answers type $(stun_type "$h") (note: it did not in coturn 4.6.1)"
	fi
}

selftest_external_variant() {
	local v=$1 out h a
	echo "--- external/$v"
	case $v in
	nosrv)
		expect_dns _sip._tls.fabrikam.com SRV ""
		expect_dns _sipfederationtls._tcp.fabrikam.com SRV "0 0 5061 access.fabrikam.com." ;;
	badsrv)
		expect_dns _sipfederationtls._tcp.fabrikam.com SRV "0 0 5061 access.contoso.net."
		expect_dns _sip._tls.fabrikam.com SRV "0 0 443 access.fabrikam.com." ;;
	wrongsan)
		expect_tls 203.0.113.22:443 webcon.fabrikam.com 'hostname mismatch' "webcon.fabrikam.com not in the SAN"
		out=$(cert_text 203.0.113.22:443 webcon.fabrikam.com)
		if grep -q 'DNS:access.fabrikam.com, DNS:sip.fabrikam.com' <<<"$out" && ! grep -q 'DNS:webcon' <<<"$out"; then
			ok "webcon's certificate: SAN access, sip (no webcon)"
		else bad "webcon's certificate SAN: $(grep -A1 Alternative <<<"$out" | tail -1)"; fi
		expect_tls 203.0.113.32:443 webcon.fabrikam.com 'hostname mismatch' "the same certificate on .32"
		expect_tls 203.0.113.21:5061 access.fabrikam.com 'Verification: OK' "the Access Edge keeps the good one" ;;
	expired)
		expect_tls 203.0.113.22:443 webcon.fabrikam.com 'certificate has expired' "expired"
		out=$(cert_text 203.0.113.22:443 webcon.fabrikam.com)
		if grep -q 'Not After : Jan  1 00:00:00 2021 GMT' <<<"$out"; then ok "webcon's certificate: notAfter 2021-01-01"; else
			bad "webcon's certificate dates: $(grep 'Not ' <<<"$out" | paste -sd' ')"; fi ;;
	closed)
		out=$(ns bash -c 'exec 3<>/dev/tcp/203.0.113.22/443' 2>&1)
		if grep -q 'Connection refused' <<<"$out"; then ok "tcp 203.0.113.22:443 refused"; else bad "tcp 203.0.113.22:443: '$out'"; fi
		expect_tls 203.0.113.32:443 webcon.fabrikam.com 'Verification: OK' ".32 still serves" ;;
	dropped)
		ip netns exec "$RIG_NS" timeout 2 bash -c 'exec 3<>/dev/tcp/203.0.113.22/443' >/dev/null 2>&1
		if [ $? = 124 ]; then ok "tcp 203.0.113.22:443: no answer within 2 s"; else bad "tcp 203.0.113.22:443 answered"; fi
		expect_tls 203.0.113.32:443 webcon.fabrikam.com 'Verification: OK' ".32 still serves" ;;
	wrongpublic)
		for tr in "udp 3478" "tcp 443"; do
			h=$(stun "${tr% *}" 203.0.113.23 "${tr#* }" "$(stun_allocate_hex)")
			if [ "$(stun_type "$h")" = 0113 ] && v=$(stun_attr "$h" 0009) && [ "${v:4:4}" = 0300 ] &&
				[ "$(stun_addr "$(stun_attr "$h" 8023)")" = 198.51.100.99:3478 ]; then
				ok "RFC 5766 Allocate 203.0.113.23 ${tr/ /:}: 300 Try Alternate, ALTERNATE-SERVER 198.51.100.99:3478"
			else
				bad "RFC 5766 Allocate 203.0.113.23 ${tr/ /:}: answer '${h:0:160}'"
			fi
		done
		h=$(stun udp 203.0.113.23 3478 "$(stun_binding_hex)")
		if v=$(stun_attr "$h" 802b) && [ "$(stun_addr "$v")" = 198.51.100.99:3478 ]; then
			ok "RFC 5389 Binding 203.0.113.23:3478: RESPONSE-ORIGIN 198.51.100.99:3478 (coturn's -X)"
		else
			bad "RFC 5389 Binding 203.0.113.23:3478: RESPONSE-ORIGIN '$(stun_attr "$h" 802b)'"
		fi
		h=$(stun udp 203.0.113.33 3478 "$(stun_allocate_hex)")
		v=$(stun_attr "$h" 0009)
		if [ "${v:4:4}" = 0401 ]; then ok "203.0.113.33 unchanged (401)"; else bad "203.0.113.33: '${h:0:80}'"; fi ;;
	sip403)
		expect_sip 203.0.113.21:5061 access.fabrikam.com 403
		expect_sip 203.0.113.31:443 access.fabrikam.com 403 ;;
	ad404)
		out=$(https https://lyncdiscover.fabrikam.com/)
		if tail -1 <<<"$out" | grep -q '^HTTP 404 '; then ok "GET https://lyncdiscover.fabrikam.com/: 404"; else
			bad "GET https://lyncdiscover.fabrikam.com/: $(tail -1 <<<"$out")"; fi ;;
	adloop)
		out=$(https https://lyncdiscover.fabrikam.com/ -L --max-redirs 5)
		if grep -q 'Maximum (5) redirects followed' <<<"$out"; then ok "GET https://lyncdiscover.fabrikam.com/ -L: redirect loop (curl gives up after 5)"; else
			bad "GET https://lyncdiscover.fabrikam.com/ -L: $(tail -2 <<<"$out" | paste -sd'|')"; fi
		out=$(https https://lyncdiscover.fabrikam.com/)
		if grep -q '^HTTP 302 ' <<<"$out"; then ok "GET https://lyncdiscover.fabrikam.com/: 302 to itself"; else bad "adloop: $(tail -1 <<<"$out")"; fi ;;
	esac
}

selftest_internal() {
	local out a m
	echo "--- internal/ok: DNS (the internal view)"
	expect_dns _sipinternaltls._tcp.fabrikam.com SRV "0 0 5061 pool.corp.fabrikam.com."
	expect_dns pool.corp.fabrikam.com A "10.10.1.11 10.10.1.12 10.10.1.13"
	expect_dns lyncdiscoverinternal.fabrikam.com A "10.10.1.10"
	expect_dns webext.fabrikam.com A "203.0.113.40"
	echo "--- internal/ok: TLS and SIP on the pool and the Director"
	for m in 1 2 3; do
		expect_tls "10.10.1.1$m:5061" pool.corp.fabrikam.com 'Verification: OK' "pool name"
		expect_tls "10.10.1.1$m:5061" "fe$m.corp.fabrikam.com" 'Verification: OK' "member name"
		expect_tls "10.10.1.1$m:443" "fe$m.corp.fabrikam.com" 'Verification: OK' "web services"
		expect_tls "10.10.1.1$m:4443" webext.fabrikam.com 'Verification: OK' "external web services"
		expect_sip "10.10.1.1$m:5061" pool.corp.fabrikam.com 200
	done
	expect_tls 10.10.1.21:5061 dir1.corp.fabrikam.com 'Verification: OK' "Director"
	expect_sip 10.10.1.21:5061 dirpool.corp.fabrikam.com 200
	expect_tls 172.16.10.11:5061 edgepool.corp.fabrikam.com 'Verification: OK' "Edge internal (subject name only)"
	expect_tls 10.10.1.10:443 lyncdiscoverinternal.fabrikam.com 'Verification: OK' "web VIP"
	expect_tls 10.10.1.40:443 owa.corp.fabrikam.com 'Verification: OK' "Office Web Apps"
	out=$(https https://lyncdiscoverinternal.fabrikam.com/)
	if tail -1 <<<"$out" | grep -q '^HTTP 200 ' &&
		[ "$(sed '$d' <<<"$out" | jq -r '._links.user.href')" = "https://webint.corp.fabrikam.com/Autodiscover/AutodiscoverService.svc/root/oauth/user?originalDomain=fabrikam.com" ]; then
		ok "GET https://lyncdiscoverinternal.fabrikam.com/: 200, user -> webint"
	else
		bad "GET https://lyncdiscoverinternal.fabrikam.com/: $(tail -1 <<<"$out")"
	fi
	echo "--- internal/ok: every other TCP port answers (nft redirect to the catch-all)"
	for a in 10.10.1.11/135 10.10.1.11/445 10.10.1.12/5062 10.10.1.13/8057 10.10.1.21/80 10.10.1.50/5068 \
		10.10.1.30/1433 10.10.1.2/389 10.10.1.60/5067 172.16.10.11/8057 10.10.1.11/50000; do
		if ns bash -c "exec 3<>/dev/tcp/$a" 2>/dev/null; then ok "tcp ${a/\//:} open"; else bad "tcp ${a/\//:} not open"; fi
	done
	expect_tls 10.10.1.11:5062 fe1.corp.fabrikam.com 'Verification: OK' "catch-all with the member's certificate"
	expect_tls 172.16.10.11:23456 edgepool.corp.fabrikam.com 'Verification: OK' "catch-all with the Edge internal certificate"
	expect_tls 10.10.1.70:5061 exch1.corp.fabrikam.com 'Verification: OK' "catch-all with the Exchange certificate"
	out=$(ns turnutils_stunclient -p 3478 172.16.10.11 2>&1)
	if grep -q 'UDP reflexive addr: 10\.20\.0\.10:' <<<"$out"; then ok "STUN 172.16.10.11:3478: reflexive 10.20.0.10"; else bad "STUN 172.16.10.11:3478: $(tail -1 <<<"$out")"; fi
}

if [ "$mode" = selftest ]; then
	for t in curl turnutils_stunclient turnutils_uclient; do
		command -v "$t" >/dev/null 2>&1 || skip "the self-test needs $t"
	done
	up external ok
	selftest_external_ok
	for v in nosrv badsrv wrongsan expired closed dropped wrongpublic sip403 ad404 adloop; do
		up external "$v"
		selftest_external_variant "$v"
	done
	up external ok
	echo "--- external/ok again: every variant undone"
	expect_dns _sip._tls.fabrikam.com SRV "0 0 443 access.fabrikam.com."
	expect_tls 203.0.113.22:443 webcon.fabrikam.com 'Verification: OK' "webcon restored"
	expect_sip 203.0.113.21:5061 access.fabrikam.com 200
	up internal ok
	selftest_internal
	finish
fi

# ======================================================================
# The test: sfbnet check against the rig
# ======================================================================

"$bin" check --help >/dev/null 2>&1 || skip "$bin has no check command"

# run SCENARIO VARIANT: the check's report in $out (a file), exit status in $rc.
out="" rc=0
run() {
	local from=internet t0
	[ "$1" = internal ] && from=internal
	out=$RIG_TMP/report-$1-$2.json
	t0=$(rig_now_ms)
	# In the background, so that a signal's trap (rig_down) need not wait
	# for it; the namespace's processes are killed there by pid.
	ip netns exec "$RIG_NS" timeout 60 "$bin" check "$RIG_EXAMPLE" --from "$from" \
		--dns-server "$RIG_DNS" --ca-file "$RIG_CA" --format json >"$out" 2>"$out.err" &
	wait $!
	rc=$?
	echo "--- $1/$2: sfbnet check --from $from: exit $rc in $(($(rig_now_ms) - t0)) ms," \
		"$(jq -r '.counts | to_entries | map("\(.key) \(.value)") | join(", ")' "$out" 2>/dev/null)"
	[ -s "$out.err" ] && sed 's/^/    stderr: /' "$out.err" | head -20
	if [ "$rc" = 124 ]; then
		bad "$1/$2: sfbnet check did not finish within 60 s"
		return 1
	fi
	if [ ! -s "$out" ]; then
		bad "$1/$2: sfbnet check wrote no report (exit $rc)"
		return 1
	fi
	wellformed "$1/$2"
}

# The report is a findings document whose counts add up, and the exit
# status says whether a finding fails.
wellformed() {
	local label=$1 why nfail
	if ! why=$(jq -r '
		def want(c; m): if c then empty else m end;
		want(.format == "sfbnet-findings"; "format is \(.format)"),
		want(.version == 1; "version is \(.version)"),
		want((.findings | type) == "array" and (.findings | length) > 0; "no findings"),
		(.findings[] | select(
			((.check | type) != "string") or ((.subject | type) != "string") or ((.reason | type) != "string") or
			((.verdict | IN("pass", "fail", "warn", "skip", "unknown")) | not) or
			(has("evidence") | not) or (has("citation") | not) or
			(((.citation | type) == "object" or .citation == null) | not) or
			(((.errno | type) == "number" or .errno == null) | not) or
			(((.rtt_us | type) == "number" or .rtt_us == null) | not))
		| "malformed finding: \(tojson)"),
		(. as $r | ["pass", "fail", "warn", "skip", "unknown"][] as $v |
			want(($r.counts[$v] // -1) == ([$r.findings[] | select(.verdict == $v)] | length);
				"counts.\($v) is \($r.counts[$v]), the findings say \([$r.findings[] | select(.verdict == $v)] | length)"))
		' "$out" 2>&1); then
		bad "$label: the report is not JSON: $(head -c 300 "$out")"
		return 1
	fi
	if [ -n "$why" ]; then bad "$label: $(head -5 <<<"$why" | paste -sd';')"; else ok "$label: well-formed report, counts add up"; fi
	nfail=$(jq '[.findings[] | select(.verdict == "fail")] | length' "$out")
	if { [ "$nfail" -gt 0 ] && [ "$rc" = 1 ]; } || { [ "$nfail" = 0 ] && [ "$rc" = 0 ]; }; then
		ok "$label: exit $rc with $nfail failing findings"
	else
		bad "$label: exit $rc with $nfail failing findings (want $([ "$nfail" -gt 0 ] && echo 1 || echo 0))"
	fi
	if [ "${LIVE_VERBOSE:-0}" = 1 ]; then
		jq -r '.findings[] | "    \(.verdict)\t\(.check)\t\(.subject)\t\(.reason)"' "$out"
	fi
}

# expect CHECK SUBJECT VERDICTS [REASON-REGEX]: at least one finding of
# CHECK whose subject is SUBJECT (or matches the regex after a leading "~"),
# and every one of them has a verdict in VERDICTS ("pass" or "pass|warn")
# and a reason matching REASON-REGEX (case-insensitive).
expect() {
	local c=$1 s=$2 v=$3 r=${4:-} got
	got=$(jq -r --arg c "$c" --arg s "$s" '
		.findings[] | select(.check == $c and
			(if ($s | startswith("~")) then (.subject | test($s[1:])) else .subject == $s end))
		| "\(.verdict)\t\(.subject)\t\(.reason)"' "$out")
	local what="$c ${s#\~}: $v${r:+ /$r/}"
	if [ -z "$got" ]; then
		bad "$label: $what: no such finding ($(jq -r --arg c "$c" '[.findings[] | select(.check == $c) | .subject] | unique | join("; ")' "$out" | head -c 400))"
		return
	fi
	local wrong
	wrong=$(awk -F'\t' -v v="^($v)\$" -v r="$r" '!($1 ~ v) || (r != "" && tolower($3) !~ tolower(r))' <<<"$got")
	if [ -z "$wrong" ]; then ok "$label: $what ($(wc -l <<<"$got") finding(s))"; else
		bad "$label: $what; got: $(head -3 <<<"$wrong" | paste -sd';')"
	fi
}
# expect_no_fail EXCEPT-CHECK-REGEX: no finding fails, except those of checks matching the regex.
expect_no_fail() {
	local got
	got=$(jq -r --arg x "$1" '.findings[] | select(.verdict == "fail" and (($x != "" and (.check | test($x))) | not))
		| "\(.check) \(.subject): \(.reason)"' "$out")
	if [ -z "$got" ]; then ok "$label: no finding fails${1:+ (but $1)}"; else
		bad "$label: $(wc -l <<<"$got") failing findings: $(head -8 <<<"$got" | paste -sd';')"
	fi
}
# Print the findings not named by an assertion of this run that are not pass.
show_others() {
	jq -r '.findings[] | select(.verdict != "pass") | "    note: \(.verdict)\t\(.check)\t\(.subject)\t\(.reason)"' "$out" | head -40
}

# Every record of a view has a dns finding with verdict pass.
expect_dns_records() {   # VIEW
	local n t missing=0 line
	while IFS=$'\t' read -r n t; do
		line=$(jq -r --arg s "$n $t" '[.findings[] | select(.check == "dns" and
			((.subject | ascii_downcase | sub("\\.? "; " ")) == ($s | ascii_downcase)))] |
			map(.verdict) | unique | join(",")' "$out")
		if [ "$line" != pass ]; then
			missing=$((missing + 1))
			[ "$missing" -le 5 ] && bad "$label: dns $n $t: want pass, got '${line:-no finding}'"
		fi
	done < <("$bin" dns "$RIG_EXAMPLE" --format json 2>/dev/null |
		jq -r --arg v "$1" '[.records[] | select(.view == $v) | [(.name | rtrimstr(".")), .type]] | unique[] | @tsv')
	[ "$missing" = 0 ] && ok "$label: a passing dns finding for every record of the $1 view"
	[ "$missing" -gt 5 ] && bad "$label: ... $((missing - 5)) more records without a passing dns finding"
}

label=""
E21='access.fabrikam.com:5061 (203.0.113.21)' E31='access.fabrikam.com:5061 (203.0.113.31)'
W22='webcon.fabrikam.com:443 (203.0.113.22)' W32='webcon.fabrikam.com:443 (203.0.113.32)'
AD='https://lyncdiscover.fabrikam.com/'

assert_external_ok() {
	local s c a
	expect_dns_records external
	expect discovery fabrikam.com pass
	expect federation-dns _sipfederationtls._tcp.fabrikam.com pass
	for s in "$E21" "$E31" 'access.fabrikam.com:443 (203.0.113.21)' 'access.fabrikam.com:443 (203.0.113.31)' \
		"$W22" "$W32" 'av.fabrikam.com:443 (203.0.113.23)' 'av.fabrikam.com:443 (203.0.113.33)'; do
		expect tcp "$s" pass
	done
	expect tcp '~:443 \(203\.0\.113\.40\)$' pass
	for s in "$E21" "$E31" "$W22" "$W32"; do
		for c in tls tls-names tls-expiry tls-eku tls-versions; do expect "$c" "$s" pass; done
	done
	for c in tls tls-names tls-expiry tls-eku; do expect "$c" '~:443 \(203\.0\.113\.40\)$' pass; done
	expect sip-options "$E21" pass
	expect sip-options "$E31" pass
	for a in 23 33; do
		expect stun-binding "av.fabrikam.com:3478/udp (203.0.113.$a)" pass
		expect stun-binding "av.fabrikam.com:443/tcp (203.0.113.$a)" pass
		# An Allocate without credentials: coturn asks for them (401 with
		# realm and nonce), as an Edge does.
		expect turn-allocate "av.fabrikam.com:3478/udp (203.0.113.$a)" pass
		expect turn-allocate "av.fabrikam.com:443/tcp (203.0.113.$a)" pass
		# No address in the answer, or the right one.
		expect turn-address "~^av\\.fabrikam\\.com:(3478/udp|443/tcp) \\(203\\.0\\.113\\.$a\\)$" 'pass|skip|unknown'
	done
	expect autodiscover "$AD" pass
	expect_no_fail ''
}

assert_external_variant() {
	if [ "$rc" = 1 ]; then ok "$label: exit 1"; else bad "$label: exit $rc, want 1"; fi
	case $1 in
	nosrv)
		expect dns '~^_sip\._tls\.fabrikam\.com\.? SRV$' fail '^missing'
		expect dns '~^_sipfederationtls\._tcp\.fabrikam\.com\.? SRV$' pass ;;
	badsrv)
		expect federation-dns _sipfederationtls._tcp.fabrikam.com fail 'strict name matching'
		expect dns '~^_sipfederationtls\._tcp\.fabrikam\.com\.? SRV$' fail '^wrong target'
		expect dns '~^_sip\._tls\.fabrikam\.com\.? SRV$' pass ;;
	wrongsan)
		expect tls-names "$W22" fail 'webcon\.fabrikam\.com'
		expect tls-names "$W32" fail 'webcon\.fabrikam\.com'
		expect tls-names "$E21" pass ;;
	expired)
		expect tls-expiry "$W22" fail
		expect tls-expiry "$E21" pass ;;
	closed)
		expect tcp "$W22" fail '^closed'
		expect tcp "$W32" pass ;;
	dropped)
		expect tcp "$W22" fail '^dropped'
		expect tcp "$W32" pass ;;
	wrongpublic)
		expect turn-address '~^av\.fabrikam\.com:(3478/udp|443/tcp) \(203\.0\.113\.23\)$' fail
		expect turn-address '~^av\.fabrikam\.com:(3478/udp|443/tcp) \(203\.0\.113\.33\)$' 'pass|skip|unknown'
		expect stun-binding 'av.fabrikam.com:3478/udp (203.0.113.33)' pass ;;
	sip403)
		expect sip-options "$E21" fail '403'
		expect sip-options "$E31" fail '403'
		expect tls "$E21" pass ;;
	ad404)
		expect autodiscover "$AD" fail '404' ;;
	adloop)
		expect autodiscover "$AD" fail 'redirect loop' ;;
	esac
}

assert_internal_ok() {
	local c got
	expect_dns_records internal
	expect tcp '~:5061 \(10\.10\.1\.1[123]\)$' pass
	expect tcp '~:443 \(10\.10\.1\.1[123]\)$' pass
	for c in tls tls-names tls-expiry tls-eku; do expect "$c" '~:5061 \(10\.10\.1\.1[123]\)$' pass; done
	expect sip-options '~:5061 \(10\.10\.1\.1[123]\)$' pass
	expect sip-options '~:5061 \(10\.10\.1\.21\)$' pass
	expect autodiscover 'https://lyncdiscoverinternal.fabrikam.com/' pass
	# Every planned TCP port answers (the catch-all): no tcp finding fails.
	got=$(jq -r '.findings[] | select(.check == "tcp" and .verdict == "fail") | "\(.subject): \(.reason)"' "$out")
	if [ -z "$got" ]; then
		ok "$label: no tcp finding fails ($(jq '[.findings[] | select(.check == "tcp")] | length' "$out") tcp findings)"
	else
		bad "$label: tcp findings fail: $(head -5 <<<"$got" | paste -sd';')"
	fi
	# The rig is the plan, port by port: nothing should fail.
	expect_no_fail ''
}

up external ok
label=external/ok
run external ok && { assert_external_ok; show_others; }
# --domain: no topology, what DNS names is checked (the same servers).
label=external/domain
out=$RIG_TMP/report-domain.json
ip netns exec "$RIG_NS" timeout 60 "$bin" check --domain fabrikam.com --dns-server "$RIG_DNS" \
	--ca-file "$RIG_CA" --format json >"$out" 2>"$out.err" &
wait $!
rc=$?
echo "--- external/domain: sfbnet check --domain fabrikam.com: exit $rc"
if [ -s "$out" ] && wellformed external/domain; then
	expect discovery fabrikam.com pass 'use lyncdiscover\.fabrikam\.com'
	expect discovery 'lyncdiscover.fabrikam.com A' pass
	expect discovery '_sip._tls.fabrikam.com SRV' pass
	expect federation-dns _sipfederationtls._tcp.fabrikam.com pass
	# The services DNS names, on every address of their targets.
	for s in 'access.fabrikam.com:443 (203.0.113.21)' 'access.fabrikam.com:443 (203.0.113.31)' "$E21" "$E31"; do
		for c in tcp tls tls-names sip-options; do expect "$c" "$s" pass; done
	done
	expect autodiscover "$AD" pass
	expect_no_fail ''
	show_others
else
	bad "external/domain: no report (exit $rc): $(head -3 "$out.err")"
fi
for v in nosrv badsrv wrongsan expired closed dropped wrongpublic sip403 ad404 adloop; do
	up external "$v"
	label=external/$v
	run external "$v" && { assert_external_variant "$v"; show_others; }
done
up internal ok
label=internal/ok
run internal ok && { assert_internal_ok; show_others; }
finish
