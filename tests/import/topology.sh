#!/usr/bin/env bash
# sfbnet import topology, through the real binary:
#   - the project's own fixture (a published topology with a three-address
#     Edge pool behind NAT, a Director, a Mediation pool and gateway, a
#     branch, a service without an sfbnet role) imports to exactly the
#     expected YAML and warnings, validates with no warning, and its plan and
#     nftables rules carry the Edge's ports and NAT addresses;
#   - without addresses every "<...>" placeholder is named by validate with
#     its line;
#   - the same file in UTF-16LE with a byte-order mark imports the same;
#   - malformed input (UTF-16 without a mark, truncated XML, a wrong root
#     namespace, a DOCTYPE, bad --address values and CSV lines) exits 2 with
#     its message and writes no -o file;
#   - the real files of ../shared (when present): every one imports; with
#     the addresses the XML lacks they validate without warnings and plan;
#     the single-IP Edge gives rules for its three ports as the XML states
#     them, the UTF-16 file its NAT address, the Topology Builder file its
#     three Edge servers and simple URLs.
# usage: topology.sh SFBNET   (from the source directory)
set -u
bin=$1
here=tests/import/topology
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
check() { if eval "$2"; then ok; else bad "$1"; fi; }
# The nftables set of a generated ruleset that holds exactly one address.
set_of() {  # ADDRESS FILE
	awk -v a="$1" '/^\tset / { s = $2 } { x = $1; sub(/,$/, "", x) } x == a && s != "" { print "@" s; exit }' "$2"
}

own=$here/three-ip-edge.xml
own_addr=(--address fe2.corp.fabrikam.com=10.10.1.12 --address sql1.corp.fabrikam.com=10.10.1.30
	--address fs1.corp.fabrikam.com=10.10.1.31 --address owa.corp.fabrikam.com=10.10.1.40
	--address internal=10.10.0.0/16 --address perimeter=172.16.10.0/24,172.16.20.0/24)

# ---- the own fixture: golden output and warnings ---------------------------
"$bin" import topology "$own" "${own_addr[@]}" -o "$tmp/own.yaml" 2>"$tmp/own.err"; rc=$?
check "own fixture: exit status $rc" '[ $rc = 0 ]'
if diff -u "$here/three-ip-edge.expected.yaml" "$tmp/own.yaml" >"$tmp/d"; then ok
else bad "own fixture: the YAML differs from three-ip-edge.expected.yaml:"; head -40 "$tmp/d"; fi
if diff -u "$here/three-ip-edge.expected.err" "$tmp/own.err" >"$tmp/d"; then ok
else bad "own fixture: the warnings differ:"; cat "$tmp/d"; fi
out=$("$bin" validate "$tmp/own.yaml" 2>&1); rc=$?
check "own fixture: validate: $rc $out" '[ $rc = 0 ] && [[ $out == *", 0 warning(s)" ]]'
"$bin" plan "$tmp/own.yaml" --format json >"$tmp/own.plan.json" || bad "own fixture: plan"
# Each Edge service on its own external address with its own port, the
# public address beside it.
for s in "edge-access 172.16.20.21 203.0.113.21" "edge-webconf 172.16.20.22 203.0.113.22" \
	"edge-av 172.16.20.23 203.0.113.23"; do
	set -- $s
	n=$(jq --arg r "$1" --arg a "$2" --arg p "$3" '[.flows[] | select(.firewall == "fw-external"
		and (.to_roles | index($r)) and (.dst_addresses | split(", ") | index($a))
		and .dst_public != null and (.dst_public | contains($p)) and .dst_ports == "443")] | length' \
		"$tmp/own.plan.json")
	check "own fixture: no flow to $1 on $2 (public $3) port 443 through fw-external" '[ "$n" -ge 1 ]'
done
"$bin" firewall "$tmp/own.yaml" -t nftables -F fw-external -o "$tmp/own.nft" || bad "own: firewall"
av=$(set_of 172.16.20.23 "$tmp/own.nft")
check "own fixture: no nftables rule for the A/V Edge's media range from 172.16.20.23 ($av)" \
	'[ -n "$av" ] && grep -q "ip saddr $av ip daddr @v4_[0-9]* udp dport 50000-59999 ct state new accept" "$tmp/own.nft"'

# ---- without addresses: placeholders, each named by validate --------------
"$bin" import topology "$own" -o "$tmp/bare.yaml" 2>/dev/null; rc=$?
check "bare import: exit status $rc" '[ $rc = 0 ]'
want=$(grep -n '^[^#]*"<' "$tmp/bare.yaml" | cut -d: -f1 | sort -n | tr '\n' ' ')
"$bin" validate "$tmp/bare.yaml" 2>"$tmp/bare.err"; rc=$?
got=$(grep 'placeholder of sfbnet import' "$tmp/bare.err" | cut -d: -f2 | sort -nu | tr '\n' ' ')
check "bare import: validate exit $rc, want 2" '[ $rc = 2 ]'
check "bare import: placeholders on lines '$want', validate named '$got'" \
	'[ -n "$want" ] && [ "$want" = "$got" ]'

# ---- UTF-16LE with a byte-order mark ----------------------------------------
{ printf '\xff\xfe'; sed 's/encoding="utf-8"/encoding="utf-16"/' "$own" | iconv -f UTF-8 -t UTF-16LE; } \
	>"$tmp/own16.xml"
"$bin" import topology "$tmp/own16.xml" "${own_addr[@]}" -o "$tmp/own16.yaml" 2>/dev/null; rc=$?
check "UTF-16LE: exit status $rc" '[ $rc = 0 ]'
check "UTF-16LE: not the same topology as UTF-8" \
	'diff <(sed 1d "$tmp/own.yaml") <(sed 1d "$tmp/own16.yaml") >/dev/null'

# ---- malformed input: exit 2, the message, no -o file -----------------------
refuse() {  # title input message-regex [options...]
	local title=$1 in=$2 re=$3 rc; shift 3
	rm -f "$tmp/out.yaml"
	"$bin" import topology "$in" -o "$tmp/out.yaml" "$@" >/dev/null 2>"$tmp/err"; rc=$?
	check "$title: exit status $rc, want 2" '[ $rc = 2 ]'
	check "$title: message '$(head -1 "$tmp/err")' does not match '$re'" 'grep -Eq -- "$re" "$tmp/err"'
	check "$title: an output file was written" '[ ! -e "$tmp/out.yaml" ]'
}
sed 's/encoding="utf-8"/encoding="utf-16"/' "$own" | iconv -f UTF-8 -t UTF-16LE >"$tmp/nobom.xml"
refuse "UTF-16 without BOM" "$tmp/nobom.xml" 'nobom.xml:1:1: the file is UTF-16 without a byte-order mark'
head -c 3000 "$own" >"$tmp/trunc.xml"
refuse "truncated XML" "$tmp/trunc.xml" 'trunc.xml:[0-9]+:[0-9]+: not well-formed XML: '
sed 's/Deploy.Topology.2008"/Deploy.Topology.2013"/' "$own" >"$tmp/ns.xml"
refuse "wrong namespace" "$tmp/ns.xml" \
	"ns.xml:7:1: the root element is 'Topology' in namespace 'urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2013'"
{ echo '<?xml version="1.0"?><!DOCTYPE Topology [<!ENTITY a "aaaa">]>'; sed 1d "$own"; } >"$tmp/dtd.xml"
refuse "DOCTYPE" "$tmp/dtd.xml" 'dtd.xml:1:1: a <!DOCTYPE> is not allowed'
printf '<a/>' >"$tmp/other.xml"
refuse "another XML" "$tmp/other.xml" "the root element is 'a'"
refuse "--address without =" "$own" "--address fe1: want FQDN=IP" --address fe1
refuse "--address with a prefix" "$own" "fe1.corp.fabrikam.com: '10.0.0.0/8' is not one IPv4 or IPv6 address" \
	--address fe1.corp.fabrikam.com=10.0.0.0/8
refuse "--address zone with a bad prefix" "$own" "internal: '10.1.0.0/8' is not a list" \
	--address internal=10.1.0.0/8
refuse "--address twice" "$own" "FE2.corp.fabrikam.com is given twice" \
	--address fe2.corp.fabrikam.com=10.1.1.1 --address FE2.corp.fabrikam.com=10.1.1.2
printf 'fqdn,ip\nfe2.corp.fabrikam.com,10.10.1.12\nbad_name,10.1.1.1\n' >"$tmp/a.csv"
refuse "CSV with a bad name" "$own" "a.csv:3:1: 'bad_name' is neither a DNS name nor a zone" --addresses "$tmp/a.csv"
printf 'fe2.corp.fabrikam.com 10.10.1.12\n' >"$tmp/b.csv"
refuse "CSV without a comma" "$own" "b.csv:1:1: want NAME,ADDRESS" --addresses "$tmp/b.csv"
refuse "import o365 option" "$own" "--into is for 'import o365' only" --into x.yaml
refuse "no such file" "$tmp/none.xml" "none.xml"
"$bin" import topology "$own" --address typo.fabrikam.com=10.9.9.9 >/dev/null 2>"$tmp/err"
check "an unused --address is not reported" \
	'grep -q "warning: --address typo.fabrikam.com: no machine, service or zone" "$tmp/err"'

# ---- the real files of ../shared ---------------------------------------------
shared=../shared
if [ ! -d "$shared/real/topology" ] || [ ! -d "$shared/samples" ]; then
	echo "SKIP: the real topologies: no $shared/real/topology and $shared/samples"
else
	for f in "$shared"/real/topology/* "$shared"/samples/*; do
		"$bin" import topology "$f" -o "$tmp/x.yaml" 2>"$tmp/x.err"; rc=$?
		check "$(basename "$f"): import exit status $rc" '[ $rc = 0 ]'
		check "$(basename "$f"): not a version 2 topology" 'grep -q "^version: 2$" "$tmp/x.yaml"'
	done
	ib=$shared/real/topology/ibenbouzid-SkypeforBusiness_lab_V3_DefaultTopology_Skype.xml
	"$bin" import topology "$ib" --addresses "$here/ibenbouzid.csv" -o "$tmp/ib.yaml" 2>/dev/null
	out=$("$bin" validate "$tmp/ib.yaml" 2>&1)
	check "single-IP Edge: validate: $out" '[[ $out == *", 0 warning(s)" ]]'
	check "single-IP Edge: ports line" \
		'grep -q "ports: { edge-access: 5061, edge-webconf: 444, edge-av: 442 }" "$tmp/ib.yaml"'
	check "single-IP Edge: the NAT address" 'grep -q "public: 1.1.1.1, fqdn: sip.contoso.com" "$tmp/ib.yaml"'
	check "single-IP Edge: the gateway's port" 'grep -q "ports: { pstn-gateway: 5066 }" "$tmp/ib.yaml"'
	"$bin" plan "$tmp/ib.yaml" --format json >"$tmp/ib.json"
	n=$(jq '[.flows[] | select(.firewall == "fw-external" and .src_addresses == "172.16.2.10"
		and .protocol == "both" and .dst_ports == "50000-59999")] | length' "$tmp/ib.json")
	check "single-IP Edge: no media range 50000-59999 from the A/V Edge (172.16.2.10)" '[ "$n" -ge 1 ]'
	for want in "edge-access tcp 5061" "edge-webconf tcp 444" "edge-av tcp 442" "edge-av udp 3478"; do
		set -- $want
		n=$(jq --arg r "$1" --arg p "$2" --arg d "$3" '[.flows[] | select(.firewall == "fw-external"
			and (.to_roles | index($r)) and .protocol == $p and .dst_ports == $d
			and (.dst_addresses | contains("172.16.2.10")))] | length' "$tmp/ib.json")
		check "single-IP Edge: no $2 $3 to $1 (172.16.2.10) through fw-external" '[ "$n" -ge 1 ]'
	done
	# The remote clients' ports to the Edge's one external address: the three
	# services' own, not 443 for each.
	ports=$(jq -r '[.flows[] | select(.firewall == "fw-external" and .protocol == "tcp"
		and (.from_roles | index("remote-client")) and (.dst_addresses | contains("172.16.2.10")))
		| .dst_ports] | unique | join(" ")' "$tmp/ib.json")
	check "single-IP Edge: remote client TCP ports '$ports', want '442 444 5061'" '[ "$ports" = "442 444 5061" ]'
	"$bin" firewall "$tmp/ib.yaml" -t nftables -F fw-external -o "$tmp/ib.nft" || bad "ib: firewall"
	edge=$(set_of 172.16.2.10 "$tmp/ib.nft")
	for p in 5061 444 442; do
		check "single-IP Edge: no nftables rule for tcp $p to 172.16.2.10 ($edge)" \
			'[ -n "$edge" ] && grep -q "ip daddr $edge tcp dport $p ct state new accept" "$tmp/ib.nft"'
	done
	check "single-IP Edge: a rule for tcp 443 to 172.16.2.10" \
		'! grep -q "ip daddr $edge tcp dport 443 " "$tmp/ib.nft"'

	jv=$shared/real/topology/JohanVeldhuis-SfBLab_DefaultTopology.utf16le.xml
	"$bin" import topology "$jv" --addresses "$here/johanveldhuis.csv" -o "$tmp/jv.yaml" 2>/dev/null
	out=$("$bin" validate "$tmp/jv.yaml" 2>&1)
	check "UTF-16 file: validate: $out" '[[ $out == *", 0 warning(s)" ]]'
	check "UTF-16 file: the Edge internal address" \
		'grep -q "address: 192.168.92.12, fqdn: S4BLab92-ES1.contoso.com, roles: \[edge-internal\]" "$tmp/jv.yaml"'
	check "UTF-16 file: the Edge external address and NAT" \
		'grep -q "address: 192.168.92.13, public: 1.0.0.1, fqdn: sip.contoso.com" "$tmp/jv.yaml"'
	check "UTF-16 file: the Edge ports" \
		'grep -q "ports: { edge-access: 5061, edge-webconf: 444, edge-av: 443 }" "$tmp/jv.yaml"'

	tb=$shared/samples/contoso-topology-builder.tbxml
	"$bin" import topology "$tb" --addresses "$here/contoso-tb.csv" -o "$tmp/tb.yaml" 2>/dev/null
	out=$("$bin" validate "$tmp/tb.yaml" 2>&1)
	check "Topology Builder file: validate: $out" '[[ $out == *", 0 warning(s)" ]]'
	check "Topology Builder file: three Edge servers with NAT" \
		'[ "$(grep -c "public: 10.0.0.[246], fqdn: ExternalEdge.contoso.com" "$tmp/tb.yaml")" = 3 ]'
	check "Topology Builder file: simple URLs" \
		'grep -q "simple_urls: { meet: https://meet.contoso.com, dialin: https://dialin.contoso.com }" "$tmp/tb.yaml"'
	check "Topology Builder file: an internal-only Office Web Apps farm" \
		'grep -q "office_web_apps: { internal: https://xOffice1.contoso.com/hosting/discovery/ }  # IsExternal" "$tmp/tb.yaml"'
	check "Topology Builder file: four Front End servers" \
		'[ "$(grep -c "roles: \[front-end, mediation\]" "$tmp/tb.yaml")" = 4 ]'

	rl=$shared/real/topology/rlevchenko-powershell-skype_DefaultTopology.xml
	"$bin" import topology "$rl" --addresses "$here/rlevchenko.csv" -o "$tmp/rl.yaml" 2>/dev/null
	out=$("$bin" validate "$tmp/rl.yaml" 2>&1)
	check "no Edge: validate: $out" '[[ $out == *", 0 warning(s)" ]]'
	check "no Edge: no perimeter zone" '! grep -q "name: perimeter" "$tmp/rl.yaml"'

	tp=$shared/samples/published-topology-template.xml
	"$bin" import topology "$tp" -o "$tmp/tp.yaml" 2>/dev/null
	"$bin" validate "$tmp/tp.yaml" >/dev/null 2>"$tmp/tp.err"
	check "template: \$DomainDnsName is not named as a bad SIP domain" \
		'grep -q "tp.yaml:11:16: a SIP domain: .<SIP domain \$DomainDnsName>. is not a valid DNS name" "$tmp/tp.err"'
fi

echo "import/topology: $pass passed, $fail failed"
[ "$fail" = 0 ]
