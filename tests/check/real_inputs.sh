#!/bin/bash
# The check parsers (src/lib/check) on real captures and test vectors.
#
# usage: real_inputs.sh PCAP_PAYLOADS WIRE_DUMP   (from the source directory)
#
# Reads ../shared/real/stun-turn/ and ../shared/real/sip/ when present (see
# ../shared/real/README.md for what each file holds); the files are read in
# place, never copied into the project.  Without them the test is skipped
# (exit 77).  Every assertion compares a parsed field with the value the
# README documents, and each has a counterpart that must fail (a wrong
# password, a wrong key), so a parser that reads less cannot pass.
set -u
PP=$1
WD=$2
REAL=${SFB_REAL_DIR:-../shared/real}
STUN=$REAL/stun-turn
SIP=$REAL/sip
fails=0
checks=0

if [ ! -d "$STUN" ] && [ ! -d "$SIP" ]; then
	echo "check/real-inputs: $REAL/stun-turn and $REAL/sip not present, skipped"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { checks=$((checks + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); checks=$((checks + 1)); }

# expect FILE REGEX WHAT: some line of FILE matches REGEX (grep -E)
expect() {
	if grep -Eq -- "$2" "$1"; then ok; else bad "$3"; echo "  no line of $1 matches: $2"; fi
}
# expect_none FILE REGEX WHAT
expect_none() {
	if grep -Eq -- "$2" "$1"; then bad "$3"; grep -E -- "$2" "$1" | head -3; else ok; fi
}

dump_pcap() { # KIND FILE OUT
	if ! "$PP" "$2" > "$tmp/payloads" 2> "$tmp/pp.err"; then
		bad "pcap_payloads $2: $(cat "$tmp/pp.err")"
		: > "$3"
		return
	fi
	"$WD" "$1" < "$tmp/payloads" > "$3" || bad "wire_dump $1 on $2 failed"
}

if [ -d "$STUN" ]; then
	# --- RFC 5769 test vectors ---------------------------------------------
	v=$STUN/rfc5769_2
	short=VOkJxbRl1RmTxUk/WvJxBt
	"$WD" stun-file --short "$short" "${v}.1_sample_request.bin" \
	    "${v}.2_sample_ipv4_response.bin" "${v}.3_sample_ipv6_response.bin" > "$tmp/v123"
	"$WD" stun-file --long "マトリックス" example.org TheMatrIX \
	    "${v}.4_request_long_term_auth.bin" > "$tmp/v4"
	"$WD" stun-file --short "${short}x" "${v}.1_sample_request.bin" \
	    "${v}.2_sample_ipv4_response.bin" "${v}.3_sample_ipv6_response.bin" > "$tmp/v123bad"
	"$WD" stun-file --long "マトリックス" example.org TheMatrIx \
	    "${v}.4_request_long_term_auth.bin" > "$tmp/v4bad"
	for n in 2.1_sample_request 2.2_sample_ipv4_response 2.3_sample_ipv6_response; do
		expect "$tmp/v123" "^stun file=rfc5769_$n\.bin .* integrity=ok fingerprint=ok$" \
		    "RFC 5769 $n: MESSAGE-INTEGRITY and FINGERPRINT valid"
		expect "$tmp/v123bad" "^stun file=rfc5769_$n\.bin .* integrity=bad fingerprint=ok$" \
		    "RFC 5769 $n: a wrong password must not verify"
	done
	expect "$tmp/v123" '^stun file=rfc5769_2\.1_sample_request\.bin class=request method=Binding\(0x001\) rfc5389 .* software="STUN test client" username="evtj:h6vY"' \
	    "RFC 5769 2.1: Binding request, SOFTWARE, USERNAME"
	expect "$tmp/v123" '^stun file=rfc5769_2\.2_sample_ipv4_response\.bin class=success .* xor-mapped=192\.0\.2\.1:32853 ' \
	    "RFC 5769 2.2: XOR-MAPPED-ADDRESS 192.0.2.1:32853"
	expect "$tmp/v123" '^stun file=rfc5769_2\.3_sample_ipv6_response\.bin class=success .* xor-mapped=\[2001:db8:1234:5678:11:2233:4455:6677\]:32853 ' \
	    "RFC 5769 2.3: XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853"
	expect "$tmp/v4" '^stun file=rfc5769_2\.4_request_long_term_auth\.bin class=request .* realm="example\.org" nonce-len=28 .* integrity=ok$' \
	    "RFC 5769 2.4: long-term MESSAGE-INTEGRITY valid, REALM example.org"
	expect "$tmp/v4bad" 'integrity=bad$' "RFC 5769 2.4: a wrong password must not verify"

	# --- Teams MS-TURN ------------------------------------------------------
	dump_pcap stun "$STUN/ndpi_teams.pcap" "$tmp/teams"
	expect "$tmp/teams" ' udp [^ ]+ 52\.114\.250\.[0-9]+:3478 class=request method=Allocate\(0x003\) rfc5389 .*attrs=000f,8037,8008,8006,0010,8055,8095,0014,0015.* ms-magic=0x72c64bc6 ms-version=6 bandwidth=12000 ' \
	    "Teams: the retried Allocate with MS-MULTIPLEXED-TURN-SESSION-ID, REALM, NONCE (frame 1250's list)"
	# [MS-TURN] 2.2.2: 0x0014 is the Nonce, 0x0015 the Realm (swapped from RFC 5389)
	expect "$tmp/teams" ' udp [^ ]+ 52\.114\.250\.[0-9]+:3478 class=request method=Allocate\(0x003\) .* realm="\\x22rtcmedia\\x22" nonce-len=20 ' \
	    "Teams: MS-TURN's Realm (0x0015) is \"rtcmedia\" (quotes included), its Nonce (0x0014) 20 bytes"
	expect "$tmp/teams" ' udp 52\.114\.250\.[0-9]+:3478 [^ ]+ class=error method=Allocate\(0x003\) .* error=401 reason="The request did not contain a Message-Integrity attribute" ' \
	    "Teams: Allocate error 401 with its reason"
	expect "$tmp/teams" ' udp 52\.114\.250\.[0-9]+:3478 [^ ]+ class=success method=Allocate\(0x003\) .* mapped=52\.114\.250\.141:3480 ms-xor-mapped=80\.181\.206\.72:57543 lifetime=60 software="2\.0\.1\.211" .*ms-version=6 ' \
	    "Teams: Allocate success, MAPPED-ADDRESS 52.114.250.141:3480, XOR-MAPPED 0x8020 80.181.206.72:57543, LIFETIME 60, SOFTWARE 2.0.1.211"
	expect_none "$tmp/teams" '^stun-error frame=[0-9]+ udp ' "Teams: every STUN-looking UDP payload parses"

	dump_pcap stun "$STUN/ndpi_stun_msteams_unidir.pcapng" "$tmp/unidir"
	expect "$tmp/unidir" '^stun frame=[0-9]+ udp 52\.115\.136\.55:3479 [^ ]+ class=success method=Binding\(0x001\) .*xor-mapped=.* ms-impl-version=7 integrity=present fingerprint=ok$' \
	    "pcapng: Teams Binding success with MS-IMPLEMENTATION-VERSION 7, FINGERPRINT valid"

	# --- classic STUN (RFC 3489) --------------------------------------------
	dump_pcap stun "$STUN/ndpi_stun_classic.pcap" "$tmp/classic"
	expect "$tmp/classic" ' class=request method=Binding\(0x001\) rfc3489 size=28 tid=[0-9a-f]{32} attrs=0003$' \
	    "classic: the Binding request recognised as RFC 3489 (16-byte transaction id)"
	expect "$tmp/classic" ' class=success method=Binding\(0x001\) rfc3489 .* mapped=172\.16\.63\.224:55050$' \
	    "classic: the Binding response's MAPPED-ADDRESS"
	expect_none "$tmp/classic" 'rfc5389' "classic: no message taken for RFC 5389"

	# --- several messages in one TCP segment ----------------------------------
	dump_pcap stun "$STUN/ndpi_stun_tcp_multiple_msgs_same_pkt.pcap" "$tmp/tcp"
	expect "$tmp/tcp" '^tcp-segment frame=5 tcp [^ ]+ [^ ]+ pieces=3 rest=0$' \
	    "TCP: frame 5 splits into three messages, nothing left over"
	n=$(grep -Ec '^stun frame=5 tcp .* piece=[123] class=request method=Allocate\(0x003\) rfc5389 size=28 .* attrs=0019$' "$tmp/tcp")
	[ "$n" = 3 ] && ok || bad "TCP: the three pieces of frame 5 are Allocate requests ($n found)"
	expect_none "$tmp/tcp" '^stun-error' "TCP: every piece parses"
else
	echo "check/real-inputs: $STUN not present, STUN part skipped"
fi

if [ -d "$SIP" ]; then
	dump_pcap sip "$SIP/ndpi_FAX-Call-t38-CA-TDM-SIP-FB-1.pcap" "$tmp/fax"
	expect "$tmp/fax" '^sip frame=1319 udp [^ ]+ [^ ]+ request method="OPTIONS" uri="sip:[^"]+" cseq=2 cseq-method="OPTIONS" call-id="[^"]+" via="UDP" sent-by="10\.35\.60\.72:5060" branch="z9hG4bK[^"]+"' \
	    "FAX: frame 1319 is an OPTIONS request, CSeq 2 OPTIONS, Via branch"
	# every OPTIONS request has a 200 OK with the same Call-ID, CSeq and branch
	awk '
	function field(re) { if (match($0, re)) return substr($0, RSTART, RLENGTH); return "" }
	function key() { return field(" call-id=\"[^\"]*\"") field(" branch=\"[^\"]*\"") field(" cseq=[0-9]+ ") }
	/^sip .* request method="OPTIONS"/ { req[key()] = 1 }
	/^sip .* response code=200 reason="OK" .* cseq-method="OPTIONS"/ { ok[key()] = 1 }
	END {
		n = 0; m = 0
		for (k in req) { n++; if (k in ok) m++ }
		for (k in ok) if (!(k in req)) { print "200 OK without its OPTIONS: " k; exit 1 }
		print n, m
		exit !(n > 0 && n == m)
	}' "$tmp/fax" > "$tmp/pairs" && ok || bad "FAX: each OPTIONS paired with a 200 OK (same Call-ID, branch, CSeq): $(cat "$tmp/pairs")"
	expect "$tmp/fax" '^sip frame=1324 udp [^ ]+ [^ ]+ response code=200 reason="OK" cseq=2 cseq-method="OPTIONS" call-id="SD4909701-9ff11bf72eb4a347c92974d8fbbc2668-ao8o3i1" .* server="Arcor/Arcor-1\.02\.005t2" allow="INVITE,ACK,OPTIONS,BYE,CANCEL,INFO,REFER,NOTIFY,UPDATE" supported="replaces,timer" ' \
	    "FAX: frame 1324's 200 OK: Call-ID, Server, Allow, Supported"
	expect "$tmp/fax" '^sip frame=1322 .* request method="OPTIONS" .* call-id="SD4909701-9ff11bf72eb4a347c92974d8fbbc2668-ao8o3i1" ' \
	    "FAX: frame 1322's OPTIONS has the Call-ID its 200 OK (frame 1324) answers"
	expect_none "$tmp/fax" '^sip-error' "FAX: every SIP payload parses"
	dump_pcap sip "$SIP/ndpi_sip.pcap" "$tmp/sip"
	expect "$tmp/sip" '^sip .* response code=401 reason="Unauthorized" ' "sip.pcap: a 401 Unauthorized"
	expect "$tmp/sip" '^sip .* request method="REGISTER" ' "sip.pcap: a REGISTER"
	expect_none "$tmp/sip" '^sip-error' "sip.pcap: every SIP payload parses"
else
	echo "check/real-inputs: $SIP not present, SIP part skipped"
fi

echo "check/real-inputs: $checks checks, $fails failed"
[ "$fails" = 0 ]
