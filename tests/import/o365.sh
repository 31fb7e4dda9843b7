#!/bin/bash
# sfbnet import o365: the Office 365 endpoints JSON → the office365 role's
# networks (a fragment to paste, or a copy of a topology with --into).
#
#   bash tests/import/o365.sh build/sfbnet        (from the source directory)
#
# The project's own fixtures (tests/import/o365/) always; the real 2020 and
# 2024 documents of ../shared/real/o365-endpoints/ when they are there (the
# part that needs them is skipped with a message otherwise).
set -u
SFB=${1:?usage: o365.sh SFBNET}
case $SFB in /*) ;; *) SFB=$PWD/$SFB ;; esac
D=tests/import/o365
REAL=${SFB_REAL_DIR:-../shared/real}/o365-endpoints
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
checks=0

ok() { checks=$((checks + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); checks=$((checks + 1)); }
# has FILE TEXT / hasnt FILE TEXT: a fixed string is (not) in the file.
has() { if grep -qF -- "$2" "$1"; then ok; else bad "$1 lacks: $2"; fi; }
hasnt() { if grep -qF -- "$2" "$1"; then bad "$1 has: $2"; else ok; fi; }
# run NAME WANT-STATUS ARGS...: sfbnet ARGS with stdout to $T/NAME.out and
# stderr to $T/NAME.err, the exit status checked.
run() {
	local name=$1 want=$2 rc
	shift 2
	"$SFB" "$@" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else
		bad "$name: exit status $rc, not $want: sfbnet $*"
		sed 's/^/    /' "$T/$name.err"
	fi
}
# networks FILE: the networks of the fragment (one prefix a line, no comments).
networks() { sed -n 's/^          - \([^ ]*\).*/\1/p' "$1" | tr -d '"'; }

# --- the fragment ------------------------------------------------------------
run frag 0 import o365 "$D/endpoints.json"
networks "$T/frag.out" >"$T/frag.nets"
printf '%s\n' 198.51.100.0/24 203.0.113.128/25 2001:db8:100::/48 >"$T/want.nets"
if diff -u "$T/want.nets" "$T/frag.nets"; then ok; else bad "fragment networks"; fi
has "$T/frag.out" "          - 198.51.100.0/24    # ids 11, 12"
has "$T/frag.out" "          - 203.0.113.128/25   # id 12"
has "$T/frag.out" "          - 2001:db8:100::/48  # id 11"
has "$T/frag.out" "        roles: [office365]"
# the Exchange row (192.0.2.64/26) and the optional row 14 (192.0.2.0/28) are not taken
hasnt "$T/frag.out" "192.0.2."
# URL-only row 13 listed for a proxy, optional row 14 listed as left out
has "$T/frag.out" "#   id 13  Default  required  tcp 80,443"
has "$T/frag.out" "#       quicktips.example"
has "$T/frag.out" "#   id 14  Allow  optional  tcp 443  (Teams: Messaging interop with Skype for Business)"
# the unknown port: UDP 443 of row 12, at its place in the file
has "$T/frag.err" "warning: $D/endpoints.json:30:17: id 12: UDP port 443 is in no catalog flow to or from the office365 role"
# ports the catalog has (TCP 80,443, UDP 3478-3481) are not reported
hasnt "$T/frag.err" "TCP port"
hasnt "$T/frag.err" "3478"
has "$T/frag.err" "1 optional Skype row left out (id 14): --optional takes them"
has "$T/frag.err" "1 Skype row with URLs only, no addresses (id 13)"

# --optional takes row 14
run opt 0 import o365 "$D/endpoints.json" --optional
has "$T/opt.out" "          - 192.0.2.0/28       # id 14"
hasnt "$T/opt.err" "left out"

# The fragment pasted into a topology (its hosts: items, after base.yaml's
# own hosts) loads, and the rules carry its networks.
{ cat "$D/base.yaml"; sed -n '/^hosts:$/,$p' "$T/frag.out" | sed 1d; } >"$T/pasted.yaml"
run pasted-validate 0 validate "$T/pasted.yaml"
run pasted-fw 0 firewall "$T/pasted.yaml" -t nftables
has "$T/pasted-fw.out" "198.51.100.0/24"
# (IPv6 reaches no rule: the clients have IPv4 only; the plan has it)
run pasted-plan 0 plan "$T/pasted.yaml" --format json
if jq -e '.endpoints[] | select(.roles | index("office365")) | select(.addresses ==
    "198.51.100.0/24, 203.0.113.128/25, 2001:db8:100::/48")' "$T/pasted-plan.out" >/dev/null
then ok; else bad "the plan's office365 endpoint"; fi

# --- --into ----------------------------------------------------------------
run into 0 import o365 "$D/endpoints.json" --into "$D/topology.yaml" -o "$T/into.yaml"
if [ -s "$T/into.yaml" ] && [ ! -s "$T/into.out" ]; then ok; else bad "--into -o: file and stdout"; fi
run into-validate 0 validate "$T/into.yaml"
# every office365 endpoint carries the imported networks: the block one
# (its networks replaced), the one without address (networks added), the
# one with an address (replaced, with a warning)
n=$(grep -cF "networks: [198.51.100.0/24, 203.0.113.128/25, 2001:db8:100::/48]" "$T/into.yaml")
if [ "$n" -eq 3 ]; then ok; else bad "--into: $n endpoints with the networks, not 3"; fi
n=$(grep -cF "# sfbnet import o365: the Skype rows (ids 11, 12) of $D/endpoints.json" "$T/into.yaml")
if [ "$n" -eq 3 ]; then ok; else bad "--into: $n comment lines, not 3"; fi
has "$T/into.err" "$D/topology.yaml:29:27: the address of this office365 endpoint is replaced"
# the rest of the file is the file: comments kept, the stale ranges gone
has "$T/into.yaml" "# A small online deployment whose office365 ranges were typed by hand."
has "$T/into.yaml" "      # typed by hand from the endpoints page in 2020"
has "$T/into.yaml" "      - { zone: inside, network: 10.40.1.0/24, roles: [client] }"
hasnt "$T/into.yaml" "13.107.64.0/18"
hasnt "$T/into.yaml" "52.238.119.141"
# only the office365 lines changed: every other line of the original is there, in order
grep -vE 'office365|13\.107|52\.120|networks:|zone: internet' "$D/topology.yaml" >"$T/orig.rest"
grep -vE 'office365|sfbnet import o365|networks:|zone: internet' "$T/into.yaml" >"$T/into.rest"
if diff -u "$T/orig.rest" "$T/into.rest"; then ok; else bad "--into changed other lines"; fi
# importing again into the copy changes nothing (the comment is replaced, not stacked)
run again 0 import o365 "$D/endpoints.json" --into "$T/into.yaml"
if cmp -s "$T/into.yaml" "$T/again.out"; then ok; else bad "second --into differs"; diff "$T/into.yaml" "$T/again.out"; fi
# the rules of the copy: the document's ranges, not the hand-typed ones
run into-fw 0 firewall "$T/into.yaml" -t nftables
run orig-fw 0 firewall "$D/topology.yaml" -t nftables
has "$T/into-fw.out" "203.0.113.128/25"
hasnt "$T/into-fw.out" "13.107.64.0/18"
has "$T/orig-fw.out" "13.107.64.0/18"
# a topology without an office365 endpoint: refused, nothing written
run into-none 2 import o365 "$D/endpoints.json" --into "$D/base.yaml" -o "$T/none.yaml"
has "$T/into-none.err" "$D/base.yaml: no endpoint has the office365 role"
if [ -e "$T/none.yaml" ]; then bad "--into without office365 wrote a file"; else ok; fi
# CRLF topology: the lines added end the same way
sed 's/$/\r/' "$D/topology.yaml" >"$T/crlf.yaml"
run crlf 0 import o365 "$D/endpoints.json" --into "$T/crlf.yaml" -o "$T/crlf-into.yaml"
n=$(grep -c $'[^\r]$' "$T/crlf-into.yaml")
if [ "$n" -eq 0 ]; then ok; else bad "--into of a CRLF file: $n lines without CR"; fi
run crlf-validate 0 validate "$T/crlf-into.yaml"

# --- malformed input: exit 2, FILE:LINE:COLUMN, nothing written ----------------
malformed() {
	local name=$1 want=$2
	rm -f "$T/out.yaml"
	run "bad-$name" 2 import o365 "$D/bad-$name.json" -o "$T/out.yaml"
	has "$T/bad-$name.err" "$D/bad-$name.json:$want"
	if [ -e "$T/out.yaml" ]; then bad "bad-$name: -o file written"; else ok; fi
}
malformed truncated "15:10: JSON syntax error: premature end of input"
malformed tcpports-number "29:17: id 12: tcpPorts must be a string, not a number"
malformed ips-string "50:12: id 14: ips must be an array of strings, not a string"
malformed prefix "28:32: id 12: ips[1] '203.0.113.129/25' is not an IPv4 or IPv6 prefix"
malformed port "18:17: id 11: udpPorts '3478-3481, 70000' is not a list of ports"
malformed not-array "1:1: the document must be an array of endpoint sets"
malformed no-required "35:3: id 13: the key 'required' is missing"
# --into a topology stays untouched on bad input too
rm -f "$T/out.yaml"
run bad-into 2 import o365 "$D/bad-prefix.json" --into "$D/topology.yaml" -o "$T/out.yaml"
if [ -e "$T/out.yaml" ]; then bad "bad input with --into wrote a file"; else ok; fi
# a file that is not there: exit 2 too
run missing 2 import o365 "$T/no-such.json"
# options of the other importer are refused
run wrong-opt 2 import o365 "$D/endpoints.json" --address a.example=192.0.2.1
has "$T/wrong-opt.err" "import: --address is for 'import topology' only"

# --- the real documents: 2020 and 2024 ------------------------------------------
Y2020=$REAL/worldwide-2020-12_shellntel-acct-whodat_ed87722.json
Y2024=$REAL/m365-worldwide_jonhadfield-cloud-ips_f6739cb.json
if [ -r "$Y2020" ] && [ -r "$Y2024" ]; then
	run r2020 0 import o365 "$Y2020"
	run r2024 0 import o365 "$Y2024"
	networks "$T/r2020.out" >"$T/r2020.nets"
	networks "$T/r2024.out" >"$T/r2024.nets"
	printf '%s\n' 13.107.64.0/18 52.112.0.0/14 52.120.0.0/14 52.238.119.141 \
	    52.244.160.207 2603:1027::/48 2603:1037::/48 2603:1047::/48 2603:1057::/48 \
	    2620:1ec:6::/48 2620:1ec:40::/42 >"$T/want2020"
	printf '%s\n' 52.112.0.0/14 52.122.0.0/15 >"$T/want2024"
	if diff -u "$T/want2020" "$T/r2020.nets"; then ok; else bad "2020 networks"; fi
	if diff -u "$T/want2024" "$T/r2024.nets"; then ok; else bad "2024 networks"; fi
	# the 2024 document's new UDP 443 of row 12 is no catalog flow's; 2020 has no such port
	has "$T/r2024.err" "id 12: UDP port 443 is in no catalog flow"
	hasnt "$T/r2020.err" "is in no catalog flow"
	has "$T/r2020.out" "service area Skype, \"Skype for Business Online and Microsoft Teams\""
	has "$T/r2024.out" "service area Skype, \"Microsoft Teams\""
	has "$T/r2020.out" "#       statics.teams.microsoft.com"
	# one topology, two documents, two rule sets
	EX=examples/online-partners.yaml
	for y in 2020 2024; do
		eval "doc=\$Y$y"
		run "into$y" 0 import o365 "$doc" --into "$EX" -o "$T/op$y.yaml"
		run "validate$y" 0 validate "$T/op$y.yaml"
		run "nft$y" 0 firewall "$T/op$y.yaml" -t nftables
	done
	has "$T/nft2020.out" "13.107.64.0/18"
	hasnt "$T/nft2024.out" "13.107.64.0/18"
	has "$T/nft2024.out" "52.122.0.0/15"
	hasnt "$T/nft2020.out" "52.122.0.0/15"
	if cmp -s "$T/nft2020.out" "$T/nft2024.out"; then bad "2020 and 2024 rules are the same"; else ok; fi
	# with nft at hand, both rule sets are checked by it
	if command -v nft >/dev/null && nft -c -f "$T/nft2020.out" 2>/dev/null; then
		for y in 2020 2024; do
			if nft -c -f "$T/nft$y.out"; then ok; else bad "nft -c refuses the $y rules"; fi
		done
	fi
else
	echo "o365.sh: $REAL not found: the real 2020/2024 documents are not tested"
fi

echo "import/o365: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
