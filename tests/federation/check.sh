#!/usr/bin/env bash
# sfbnet federation, through the real binary, on exports in every shape
# PowerShell writes them (fixtures of tests/federation/fixtures, and
# variants made here with jq):
#   - a consistent pair passes every hybrid rule (exit 0); each kind of
#     inconsistency alone fails its rule, with the difference named and its
#     side (exit 1);
#   - the three external-access modes with --can-reach, and the StarLeaf
#     rule spelled out;
#   - every serialisation of the tenant's AllowedDomains, an object or a
#     list of one, UTF-8 with a byte-order mark and UTF-16LE, booleans as
#     strings, enums as numbers, unknown keys;
#   - with a topology: its SIP domains blocked, its partners unreachable;
#   - the two real tenant exports of ../shared (when present): one with
#     federation off, one on for one allowed domain;
#   - malformed input: exit 2, the file, line and column, no report.
# usage: check.sh SFBNET   (from the source directory)
set -u
bin=$1
fx=tests/federation/fixtures
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# run TITLE WANT_RC ARGS...: the JSON report in $tmp/r.json
run() {
	local title=$1 want=$2 rc; shift 2
	"$bin" federation --format json "$@" >"$tmp/r.json" 2>"$tmp/err"; rc=$?
	if [ "$rc" = "$want" ]; then ok; else bad "$title: exit status $rc, want $want: $(head -2 "$tmp/err")"; fi
}
# verdict RULE WANT [DETAIL-SUBSTRING]
verdict() {
	local got
	got=$(jq -r --arg r "$1" '.rules[] | select(.rule == $r) | .verdict' "$tmp/r.json")
	if [ "$got" = "$2" ]; then ok; else bad "$title_now: rule $1 is '$got', want $2"; fi
	if [ $# -ge 3 ]; then
		if jq -e --arg r "$1" --arg d "$3" '.rules[] | select(.rule == $r) | .detail | contains($d)' \
			"$tmp/r.json" >/dev/null; then ok
		else bad "$title_now: rule $1 detail '$(jq -r --arg r "$1" '.rules[] | select(.rule == $r) | .detail' "$tmp/r.json")' lacks '$3'"; fi
	fi
}
# reach DOMAIN SIDE WANT(true|false) [WHY-SUBSTRING]
reach() {
	local got
	got=$(jq -r --arg d "$1" --arg s "$2" '.can_reach[] | select(.domain == $d and .side == $s) | .reachable' "$tmp/r.json")
	if [ "$got" = "$3" ]; then ok; else bad "$title_now: can reach $1 $2 is '$got', want $3"; fi
	if [ $# -ge 4 ]; then
		if jq -e --arg d "$1" --arg s "$2" --arg w "$4" '.can_reach[] | select(.domain == $d and .side == $s) | .why | contains($w)' "$tmp/r.json" >/dev/null; then ok
		else bad "$title_now: can reach $1 $2: why lacks '$4'"; fi
	fi
}

on=$fx/onprem-open.json
ol=$fx/online-open.json
onc=$fx/onprem-closed.json
olc=$fx/online-closed.json

# ---- consistent pairs ------------------------------------------------------------
title_now="open pair"
run "$title_now" 0 --onprem "$on" --online "$ol"
for r in partner-discovery-matches-open-federation blocked-lists-equal allowed-lists-equal \
	tenant-federation-enabled online-shared-sip-address-space onprem-hosting-provider; do
	verdict "$r" pass
done
title_now="closed pair"
run "$title_now" 0 --onprem "$onc" --online "$olc"
verdict partner-discovery-matches-open-federation pass "partner discovery on premises is off"
verdict allowed-lists-equal pass "the same 2 domain(s)"

# ---- each inconsistency alone --------------------------------------------------
title_now="discovery on, tenant closed"
run "$title_now" 1 --onprem "$on" --online "$olc"
verdict partner-discovery-matches-open-federation fail "online federation is closed"
title_now="blocked lists differ"
jq '.BlockedDomains = ["Domain=spam.example", "Domain=extra.example"]' "$ol" >"$tmp/ol-blocked.json"
jq '.BlockedDomain += [{"Identity": "onlyhere.example", "Domain": "OnlyHere.example"}]' "$on" >"$tmp/on-blocked.json"
run "$title_now" 1 --onprem "$tmp/on-blocked.json" --online "$tmp/ol-blocked.json"
verdict blocked-lists-equal fail "blocked on premises only: onlyhere.example; blocked online only: extra.example"
verdict allowed-lists-equal pass
title_now="allowed lists differ"
jq '.AllowedDomain = [{"Identity": "partner-a.example", "Domain": "partner-a.example", "ProxyFqdn": "sip.partner-a.example"}]' "$onc" >"$tmp/onc-allowed.json"
run "$title_now" 1 --onprem "$tmp/onc-allowed.json" --online "$olc"
verdict allowed-lists-equal fail "allowed online only: partner-b.example"
verdict blocked-lists-equal pass
title_now="tenant federation off"
jq '.AllowFederatedUsers = false' "$ol" >"$tmp/ol-off.json"
run "$title_now" 1 --onprem "$on" --online "$tmp/ol-off.json"
verdict tenant-federation-enabled fail "AllowFederatedUsers is false"
title_now="no shared SIP address space online"
jq '.SharedSipAddressSpace = false' "$ol" >"$tmp/ol-noshare.json"
run "$title_now" 1 --onprem "$on" --online "$tmp/ol-noshare.json"
verdict online-shared-sip-address-space fail "SharedSipAddressSpace is false"
verdict onprem-hosting-provider pass
title_now="no hosting provider"
jq '.HostingProvider = []' "$on" >"$tmp/on-nohp.json"
run "$title_now" 1 --onprem "$tmp/on-nohp.json" --online "$ol"
verdict onprem-hosting-provider fail "no hosting provider with ProxyFqdn sipfed.online.lync.com"
title_now="hosting provider wrongly set"
jq '.HostingProvider[0].IsLocal = true | .HostingProvider[0].EnabledSharedAddressSpace = false | .HostingProvider[0].VerificationLevel = "AlwaysUnverifiable"' "$on" >"$tmp/on-hpbad.json"
run "$title_now" 1 --onprem "$tmp/on-hpbad.json" --online "$ol"
verdict onprem-hosting-provider fail "EnabledSharedAddressSpace is not true; VerificationLevel is not UseSourceVerification; IsLocal is true"

# ---- --can-reach, the three modes ---------------------------------------------------
title_now="can-reach, open"
run "$title_now" 1 --onprem "$on" --online "$ol" --can-reach partner.example --can-reach SPAM.example
reach partner.example onprem true "not in the blocked list"
reach partner.example online true
reach spam.example online false "in the blocked list (it must not be)"
jq -e '[.can_reach[] | select(.side == "online") | .mode] | unique == ["open"]' "$tmp/r.json" >/dev/null && ok || bad "$title_now: mode is not open"
title_now="can-reach, allowed only"
run "$title_now" 1 --onprem "$onc" --online "$olc" --can-reach partner-a.example --can-reach starleaf.example
reach partner-a.example online true "in the allowed list"
reach starleaf.example online false "not in the allowed list (it must be)"
reach starleaf.example onprem false
title_now="can-reach, off"
run "$title_now" 1 --online "$tmp/ol-off.json" --can-reach partner.example
reach partner.example online false "external access is off"
jq -e '.rules[] | select(.rule == "hybrid-rules") | .verdict == "skip"' "$tmp/r.json" >/dev/null && ok || bad "$title_now: the hybrid rules are not skipped with one side"
"$bin" federation --online "$olc" --can-reach starleaf.example >"$tmp/t.txt" 2>&1
grep -q "NO    can reach starleaf.example online (on only for allowed domains): it is not in the allowed list (it must be); a change of the tenant's external access takes up to 24 hours \[starleaf-sfbo" "$tmp/t.txt" && ok || bad "text: the StarLeaf rule and the 24 hours: $(cat "$tmp/t.txt")"

# ---- every shape of the tenant's AllowedDomains ----------------------------------------
shape() {  # TITLE JQ-VALUE WANT-MODE WANT-ALLOWED
	jq --argjson v "$2" '.AllowedDomains = $v' "$olc" >"$tmp/shape.json"
	"$bin" federation --format json --online "$tmp/shape.json" >"$tmp/r.json" 2>"$tmp/err"
	if jq -e --arg m "$3" --arg a "$4" '.online.mode == $m and (.online.allowed | join(" ")) == $a' "$tmp/r.json" >/dev/null; then ok
	else bad "shape $1: $(jq -c '.online | {mode, allowed}' "$tmp/r.json" 2>/dev/null) $(head -1 "$tmp/err"), want $3 '$4'"; fi
}
shape "empty object (open)" '{}' open ""
shape "AllowAllKnownDomains string" '"AllowAllKnownDomains"' open ""
shape "Element XML" '{"Element": "<AllowAllKnownDomains xmlns=\"urn:schema:Microsoft.Rtc.Management.Settings.Edge.2008\" />"}' open ""
shape "one Domain= string" '"Domain=a.example"' allowed-only "a.example"
shape "two Domain= string" '"Domain=a.example Domain=B.example"' allowed-only "a.example b.example"
shape "AllowedDomain string" '{"AllowedDomain": "Domain=a.example"}' allowed-only "a.example"
shape "AllowedDomain list" '{"AllowedDomain": ["Domain=a.example", "Domain=b.example"]}' allowed-only "a.example b.example"
shape "AllowedDomain objects" '{"AllowedDomain": [{"Domain": "a.example"}]}' allowed-only "a.example"
shape "empty list" '[]' allowed-only ""
# a list of one object, booleans as strings, unknown keys, UTF-8 BOM, UTF-16LE
jq '[. + {"AllowFederatedUsers": "True", "SomethingNew": {"x": 1}}]' "$olc" >"$tmp/wrapped.json"
run "list of one, string booleans" 0 --online "$tmp/wrapped.json"
jq -e '.online.federation == true and .online.mode == "allowed-only"' "$tmp/r.json" >/dev/null && ok || bad "list of one: $(jq -c .online "$tmp/r.json")"
{ printf '\xef\xbb\xbf'; cat "$olc"; } >"$tmp/bom8.json"
run "UTF-8 with BOM" 0 --online "$tmp/bom8.json"
{ printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$on"; } >"$tmp/on16.json"
{ printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$ol"; } >"$tmp/ol16.json"
title_now="UTF-16LE pair"
run "$title_now" 0 --onprem "$tmp/on16.json" --online "$tmp/ol16.json"
verdict blocked-lists-equal pass
jq '.HostingProvider[0].VerificationLevel = 2' "$on" >"$tmp/on-enum.json"
title_now="VerificationLevel as a number"
run "$title_now" 0 --onprem "$tmp/on-enum.json" --online "$ol"
verdict onprem-hosting-provider pass
jq '.AccessEdgeConfiguration = [.AccessEdgeConfiguration]' "$on" >"$tmp/on-edge-list.json"
run "AccessEdgeConfiguration as a list of one" 0 --onprem "$tmp/on-edge-list.json" --online "$ol"

# ---- with a topology ---------------------------------------------------------------
title_now="topology, partners allowed"
jq '.AllowedDomain = [{"Domain": "partner-a.example"}, {"Domain": "partner-b.example"}]' "$onc" >"$tmp/onc-ab.json"
run "$title_now" 0 --onprem "$tmp/onc-ab.json" --online "$olc" "$fx/partners.yaml"
verdict partners-reachable pass "all 2 partner domain(s) reachable"
verdict own-sip-domains-not-blocked pass
title_now="topology, a partner missing and a SIP domain blocked"
jq '.BlockedDomains = ["Domain=fabrikam.example"]' "$olc" >"$tmp/olc-ownblocked.json"
run "$title_now" 1 --onprem "$tmp/onc-allowed.json" --online "$tmp/olc-ownblocked.json" "$fx/partners.yaml"
verdict own-sip-domains-not-blocked fail "fabrikam.example is blocked online"
verdict partners-reachable fail "partner-b.example on premises: it is not in the allowed list (it must be)"

# ---- the real tenant exports ------------------------------------------------------
real=../shared/real/federation
if [ -d "$real" ]; then
	title_now="real export, federation off"
	run "$title_now" 1 --online "$real/scubagear-sample-report_federation_configuration_6f43f73a.json" --can-reach domains.r.us
	jq -e '.online.federation == false and .online.mode == "off" and .online.allowed == ["domains.r.us"]' "$tmp/r.json" >/dev/null && ok || bad "$title_now: $(jq -c .online "$tmp/r.json")"
	reach domains.r.us online false "external access is off"
	title_now="real export, one allowed domain"
	run "$title_now" 0 --online "$real/scubagear-runrego-stub_federation_configuration_13b974ea.json" --can-reach emoenay.onmicrosoft.com
	jq -e '.online.federation == true and .online.mode == "allowed-only" and .online.allowed == ["emoenay.onmicrosoft.com"] and .online.blocked == []' "$tmp/r.json" >/dev/null && ok || bad "$title_now: $(jq -c .online "$tmp/r.json")"
	reach emoenay.onmicrosoft.com online true "in the allowed list"
else
	echo "SKIP: the real tenant exports: no $real"
fi

# ---- malformed input ------------------------------------------------------------------
refuse() {  # TITLE MESSAGE-REGEX ARGS...
	local title=$1 re=$2 rc; shift 2
	"$bin" federation "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
	[ "$rc" = 2 ] && ok || bad "$title: exit status $rc, want 2"
	grep -Eq -- "$re" "$tmp/err" && ok || bad "$title: message '$(head -1 "$tmp/err")' does not match '$re'"
	[ ! -s "$tmp/out" ] && ok || bad "$title: a report was printed"
}
head -c 120 "$ol" >"$tmp/trunc.json"
refuse "truncated" 'trunc.json:[0-9]+:[0-9]+: not JSON' --online "$tmp/trunc.json"
jq '.AllowFederatedUsers = "maybe"' "$ol" >"$tmp/type.json"
refuse "a boolean that is not" 'type.json:[0-9]+:[0-9]+: AllowFederatedUsers: want true or false' --online "$tmp/type.json"
jq 'del(.AllowedDomains)' "$ol" >"$tmp/noad.json"
refuse "no AllowedDomains" 'noad.json:1:1: no AllowedDomains' --online "$tmp/noad.json"
jq '.BlockedDomains = ["Domain=not a domain!"]' "$ol" >"$tmp/baddom.json"
refuse "a bad domain" 'baddom.json:[0-9]+:[0-9]+: a domain that is not a DNS name' --online "$tmp/baddom.json"
iconv -f UTF-8 -t UTF-16LE "$ol" >"$tmp/nobom16.json"
refuse "UTF-16 without BOM" 'nobom16.json:1:1: UTF-16 without a byte-order mark' --online "$tmp/nobom16.json"
echo '[1, 2]' >"$tmp/notobj.json"
refuse "not an object" 'notobj.json:1:1: want the object' --online "$tmp/notobj.json"
jq 'del(.AccessEdgeConfiguration)' "$on" >"$tmp/noedge.json"
refuse "on premises without AccessEdgeConfiguration" 'noedge.json:1:1: no AccessEdgeConfiguration' --onprem "$tmp/noedge.json"
refuse "no side" 'give --onprem FILE, --online FILE or both'
refuse "bad --can-reach" "--can-reach 'x y': not a domain name" --online "$ol" --can-reach 'x y'

echo "federation: $pass passed, $fail failed"
[ "$fail" = 0 ]
