#!/usr/bin/env bash
# The autodiscover parser on Microsoft's own example documents, read from
# ../shared/real/autodiscover/ when it is there (never copied into the
# project; skipped with a message when absent).  What ../shared/real/README.md
# says they hold:
#   *.json  the lyncdiscover root response: AccessLocation External, Root with
#           the Domain, User and OAuth links, slashes escaped as \/ ; also as a
#           live server sends it (one line) and with CRLF line ends;
#   *.xml   the user response: the four SIP access entries (the spaces around
#           " pool01.contoso.com" and "sip.contoso.com " trimmed) and 15 Link
#           tokens, the first written token ="..." (a space before '=').
# Each must parse with no warning.
#
# usage: autodiscover_real.sh AUTODISCOVER_DUMP   (from the source directory)
set -u
dump=$1
real=../shared/real/autodiscover
json=$(ls "$real"/*.json 2>/dev/null | head -1)
xml=$(ls "$real"/*.xml 2>/dev/null | head -1)
if [ -z "$json" ] && [ -z "$xml" ]; then
	echo "SKIP: no autodiscover documents in $real"; exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass+1)); }
ko() { echo "FAIL: $*"; fail=$((fail+1)); }

# The dump of FILE without the href column (the hosts and ports stay), which
# is what is compared.
brief() { "$dump" "$1" | awk '$1 == "link" { print $1, $2, $4, $5; next } { print }'; }

if [ -n "$json" ]; then
	cat >"$tmp/json.want" <<'WANT'
form json
access_location External
resource Root
link Domain extweb.contoso.com 443
link User extweb.contoso.com 443
link OAuth lyncweb.contoso.com 443
WANT
	tr -d '\n' <"$json" >"$tmp/oneline.json"
	sed 's/$/\r/' "$json" >"$tmp/crlf.json"
	for f in "$json" "$tmp/oneline.json" "$tmp/crlf.json"; do
		if brief "$f" >"$tmp/json.got" && diff -u "$tmp/json.want" "$tmp/json.got"; then
			ok; else ko "$f: not the documented root response"; fi
	done
	# The escaped slashes are decoded: every href is https://HOST/Autodiscover/...
	n=$("$dump" "$json" | awk '$1 == "link" && $3 ~ "^https://" $4 "/Autodiscover/AutodiscoverService\\.svc/root/" && $3 !~ /\\/' | wc -l)
	if [ "$n" = 3 ]; then ok; else ko "$json: $n of 3 hrefs decoded to https://HOST/Autodiscover/..."; fi
else
	echo "note: no *.json in $real"
fi

if [ -n "$xml" ]; then
	cat >"$tmp/xml.want" <<'WANT'
form xml
access_location External
resource User
sip SipServerInternalAccess pool01.contoso.com 5061
sip SipClientInternalAccess pool01.contoso.com 443
sip SipServerExternalAccess sip.contoso.com 5061
sip SipClientExternalAccess sip.contoso.com 443
link External/Autodiscover webexternal.contoso.com 443
link Internal/Autodiscover webinternal.contoso.net 443
link External/AuthBroker webexternal.contoso.com 443
link Internal/AuthBroker webinternal.contoso.net 443
link External/WebScheduler webexternal.contoso.com 443
link Internal/WebScheduler webinternal.contoso.net 443
link External/Mcx webexternal.contoso.com 443
link Internal/Mcx webexternal.contoso.net 443
link External/Ucwa webexternal.contoso.com 443
link Internal/Ucwa webinternal.contoso.net 443
link Ucwa webexternal.contoso.com 443
link External/XFrame webexternal.contoso.com 443
link Internal/XFrame webinternal.contoso.net 443
link XFrame webexternal.contoso.com 443
link Self webexternal.contoso.net 443
WANT
	if brief "$xml" >"$tmp/xml.got" && diff -u "$tmp/xml.want" "$tmp/xml.got"; then
		ok; else ko "$xml: not the documented user response"; fi
	# The quirks are really in the file (else the trimming above proves nothing).
	if grep -q 'fqdn=" pool01' "$xml" && grep -q 'fqdn="sip.contoso.com "' "$xml" &&
	    grep -q 'token ="' "$xml"; then ok; else ko "$xml: the quirks the test relies on are gone"; fi
	n=$(grep -c '<Link ' "$xml")
	if [ "$n" = 15 ]; then ok; else ko "$xml: $n <Link> elements, not 15"; fi
else
	echo "note: no *.xml in $real"
fi

echo "autodiscover_real: $pass passed, $fail failed"
[ "$fail" = 0 ]
