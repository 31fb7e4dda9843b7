#!/usr/bin/env bash
# report/render: `sfbnet report` on every example, opened in headless
# Chromium (the DOM after its script ran):
#   - every firewall, host and arrow of the drawing is in the page, and
#     every planned flow through a firewall is in its firewall's table and
#     on an arrow of the drawing;
#   - as laid out (tests/report/geometry.js, run in the page): every arrow
#     goes from its source through a row of each firewall on its path to
#     its destination, an Edge's internal side is left of its external
#     side, and clicks show an arrow's flows and a side's addresses;
#   - with the JSON of a real `sfbnet twin` run whose ruleset lacks one
#     rule (--results), the arrows of that flow are drawn red and the rest
#     of the twin's arrows green;
#   - the page loads nothing: no src/href/url() leaves the file, the
#     Content-Security-Policy allows no network source, and Chromium renders
#     it with every host name unresolvable;
#   - a screenshot of each is taken (PNG, non-empty).
# A results file that is not JSON or not an sfbnet result is exit 2.
# usage: render.sh SFBNET   (from the source directory)
set -u
bin=$(realpath "$1")
name=report/render
pass=0 fail=0
ok() { echo "PASS: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chrome=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chrome" ] || { echo "SKIP: needs chromium (Debian: apt-get install chromium)"; echo "$name: 0 passed, 0 failed, 1 skipped"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: needs jq"; exit 77; }
# Chromium as root needs --no-sandbox; nothing it opens is untrusted here.
chrome_args=(--headless --disable-gpu --no-sandbox --no-first-run --disable-extensions
	--disable-background-networking --disable-sync --disable-component-update
	--host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$tmp/profile")
dom() { timeout 120 "$chrome" "${chrome_args[@]}" --dump-dom "file://$1" 2>/dev/null; }
shot() { timeout 120 "$chrome" "${chrome_args[@]}" --window-size=1400,1100 --screenshot="$2" "file://$1" >/dev/null 2>&1; }
# A copy of page $1 with tests/report/geometry.js at its end (clicking the
# ids $2) into $3; geom prints what the script found in Chromium.
here=$(cd "$(dirname "$0")" && pwd)
inject() {
	{ sed 's#</body>##; s#</html>##' "$1"
	  printf '<meta name="t-click" content="%s">\n' "$2"
	  [ -n "${4:-}" ] && printf '<meta name="t-filter" content="%s">\n' "$4"
	  printf '<script>\n'
	  cat "$here/geometry.js"
	  printf '</script>\n</body></html>\n'; } >"$3"
}
geom() {
	dom "$1" | sed -n '/<pre id="t-out">/,/<\/pre>/p' | sed 's/.*<pre id="t-out">//; s#</pre>.*##; s/&gt;/>/g; s/&lt;/</g; s/&amp;/\&/g'
}
# The data the page's script reads (JSON, possibly over several lines).
data_of() {
	awk '/<script type="application\/json" id="sfb-data">/ { on = 1; sub(/.*id="sfb-data">/, "") }
		on && /<\/script>/ { sub(/<\/script>.*/, ""); print; exit }
		on { print }' "$1" | sed 's/<\\\//<\//g'
}

for ex in examples/*.yaml; do
	b=$(basename "$ex" .yaml)
	if ! "$bin" report "$ex" -o "$tmp/$b.html" 2>"$tmp/$b.err"; then
		bad "$b: sfbnet report failed: $(head -c 300 "$tmp/$b.err")"
		continue
	fi
	dom "$tmp/$b.html" >"$tmp/$b.dom"
	[ -s "$tmp/$b.dom" ] || { bad "$b: chromium gave no DOM"; continue; }
	"$bin" plan "$ex" --format json >"$tmp/$b.plan.json" 2>/dev/null
	nfw=$(jq '.firewalls | length' "$tmp/$b.plan.json")
	nh=$(grep -c '^  - name:' "$ex")
	got_fw=$(grep -o 'id="fw-[0-9]*"' "$tmp/$b.dom" | sort -u | wc -l)
	got_h=$(grep -o 'id="host-[0-9]*"' "$tmp/$b.dom" | sort -u | wc -l)
	data_of "$tmp/$b.dom" >"$tmp/$b.data.json"
	narrows=$(jq '.arrows | length' "$tmp/$b.data.json" 2>/dev/null || echo -1)
	got_a=$(grep -o 'id="arrow-[0-9]*"' "$tmp/$b.dom" | sort -u | wc -l)
	[ "$got_fw" = "$nfw" ] && [ "$got_h" -ge "$nh" ] && [ "$got_a" = "$narrows" ] && [ "$narrows" -gt 0 ] &&
		ok "$b: $got_fw firewall(s), $got_h host(s), $got_a arrow(s) drawn" ||
		bad "$b: drawn $got_fw/$nfw firewalls, $got_h/$nh hosts, $got_a/$narrows arrows"
	# Every flow of every firewall: in that firewall's table and on an arrow.
	want=$(jq -r '[.flows[] | select(.firewall != null) | .flow] | unique | .[]' "$tmp/$b.plan.json" 2>/dev/null | sort -u)
	table=$(grep -o 'data-flow="[^"]*"' "$tmp/$b.dom" | sed 's/data-flow="//; s/"$//' | sort -u)
	drawn=$(jq -r '[.arrows[].flows[].id] | unique | .[]' "$tmp/$b.data.json" | sort -u)
	missing_t=$(comm -23 <(echo "$want") <(echo "$table") | head -5 | tr '\n' ' ')
	missing_d=$(comm -23 <(echo "$want") <(echo "$drawn") | head -5 | tr '\n' ' ')
	[ -n "$want" ] && [ -z "$missing_t" ] && [ -z "$missing_d" ] &&
		ok "$b: all $(echo "$want" | wc -l) planned flows in the tables and on the drawing" ||
		bad "$b: flows missing from the tables: '$missing_t', from the drawing: '$missing_d' (want $(echo "$want" | wc -w))"
	# As laid out: each arrow from its source through a row of each
	# firewall on its path (in the arrow's colour) to its destination; an
	# Edge's internal side left of its external side.
	inject "$tmp/$b.html" "" "$tmp/$b.t.html"
	geom "$tmp/$b.t.html" >"$tmp/$b.geom"
	nok=$(grep -c '^ok arrow ' "$tmp/$b.geom")
	nbad=$(grep -c '^bad arrow ' "$tmp/$b.geom")
	[ "$nok" = "$narrows" ] && [ "$nbad" = 0 ] &&
		ok "$b: all $nok arrows drawn through a row of each firewall they cross" ||
		bad "$b: $nok of $narrows arrows through their firewalls; $(grep -m3 '^bad' "$tmp/$b.geom" | tr '\n' ' ')"
	if grep -q 'edge-access' "$ex"; then
		sides=$(grep -c '^side ' "$tmp/$b.geom")
		wrong=$(awk '/^side / && $4 + 0 >= $6 + 0' "$tmp/$b.geom")
		[ "$sides" -gt 0 ] && [ -z "$wrong" ] &&
			ok "$b: $sides Edge box(es) drawn with the internal side left of the external side" ||
			bad "$b: Edge sides: $sides drawn, wrong way round: '$wrong'"
	fi
	# Nothing to load from anywhere.
	ext=$(grep -oiE '(src|href)="[a-z][a-z0-9+.-]*:[^"]*"|url\([^)#]*\)|@import' "$tmp/$b.html" | grep -v '^href="#' | head -3)
	csp=$(grep -c "Content-Security-Policy\" content=\"default-src 'none'" "$tmp/$b.html")
	[ -z "$ext" ] && [ "$csp" = 1 ] && ok "$b: nothing to load (no external src, href or url; CSP default-src 'none')" ||
		bad "$b: external references '$ext', CSP $csp"
	shot "$tmp/$b.html" "$tmp/$b.png"
	[ -s "$tmp/$b.png" ] && [ "$(head -c 8 "$tmp/$b.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
		ok "$b: screenshot ($(wc -c <"$tmp/$b.png") bytes)" || bad "$b: no screenshot"
	[ -n "${SFB_REPORT_SHOTS:-}" ] && cp "$tmp/$b.png" "$SFB_REPORT_SHOTS/report-$b.png"
done

# The Edge's sides in onprem-edge: what its external services send leaves
# the external side through fw-external, what the pool sends it reaches
# the internal side through fw-internal; a click shows an arrow's flows
# with their firewall and citations, and a side's own addresses only.
d=$tmp/onprem-edge.data.json
ext=$(jq -r '[.arrows[] | select(any(.flows[]; .id == "po-im-fed-sip-out"))] |
	map("\(.from) \(.source_side) \(.via | join(","))") | unique | join(";")' "$d")
int=$(jq -r '[.arrows[] | select(any(.flows[]; .id == "po-im-sip-to-edge"))] |
	map("\(.to) \(.destination_side) \(.via | join(","))") | unique | join(";")' "$d")
case "$ext|$int" in
side-*-out\ external\ fw-external\|side-*-in\ internal\ fw-internal)
	ok "onprem-edge: federation leaves the Edge's external side ($ext), the pool reaches its internal side ($int)" ;;
*)	bad "onprem-edge: Edge sides of flows: po-im-fed-sip-out '$ext', po-im-sip-to-edge '$int'" ;;
esac
fed=$(jq -r '[.arrows | to_entries[] | select(any(.value.flows[]; .id == "po-im-fed-sip-out")) | .key][0]' "$d")
side=$(jq -r '[.arrows[].from | select(test("^side-[0-9]+-in$"))][0] // "none"' "$d")
inject "$tmp/onprem-edge.html" "arrow-$fed-0 $side" "$tmp/click.html" "rules-table-1 po-im-fed-sip-out"
geom "$tmp/click.html" >"$tmp/click.txt"
c1=$(grep "^click arrow-$fed-0: " "$tmp/click.txt")
c2=$(grep "^click $side: " "$tmp/click.txt")
case "$c1" in
*"(external side) → partners"*"through fw-external"*po-im-fed-sip-out*"tcp 5061"*ms-edge-env*)
	ok "a click on arrow $fed's part before fw-external: its flows, firewall and citations" ;;
*)	bad "a click on arrow-$fed-0 shows '$(echo "$c1" | head -c 300)'" ;;
esac
case "$c2" in
*"internal side"*172.16.10.11*172.16.10.12*) case "$c2" in *203.0.113*) bad "$side shows external addresses: '$c2'" ;;
	*) ok "a click on $side: the Edges' internal addresses only" ;; esac ;;
*)	bad "a click on $side shows '$c2'" ;;
esac
# An Edge between two perimeter networks (a zone each, a firewall between
# them): each side stands in its own zone, and the arrows still go through
# the right rows.
sed -e 's#  - { name: perimeter, networks: \[172.16.10.0/24, 172.16.20.0/24\] }#  - { name: perimeter, networks: [172.16.10.0/24] }\n  - { name: perimeter-ext, networks: [172.16.20.0/24] }#' \
	-e 's#  - { name: fw-external, between: \[perimeter, internet\] }#  - { name: fw-external, between: [perimeter-ext, internet] }\n  - { name: fw-edge, between: [perimeter, perimeter-ext] }#' \
	-e 's#{ zone: perimeter, address: 172.16.20#{ zone: perimeter-ext, address: 172.16.20#' examples/onprem-edge.yaml >"$tmp/split.yaml"
if "$bin" report "$tmp/split.yaml" -o "$tmp/split.html" 2>"$tmp/split.err"; then
	inject "$tmp/split.html" "" "$tmp/split.t.html"
	geom "$tmp/split.t.html" >"$tmp/split.geom"
	sl=$(grep '^side ' "$tmp/split.geom")
	nbad=$(grep -c '^bad' "$tmp/split.geom")
	# zones: internal 0, perimeter 1, perimeter-ext 2, internet 3
	echo "$sl" | awk '$4 + 0 < $6 + 0 && $8 == "zone-1" && $9 == "zone-2" { ok = 1 } END { exit !ok }' && [ "$nbad" = 0 ] &&
		ok "an Edge split over two perimeter zones: each side in its zone ($sl), every arrow through its rows" ||
		bad "an Edge split over two zones: '$sl', $nbad bad arrow(s) $(grep -m2 '^bad' "$tmp/split.geom")"
else
	bad "report of the split Edge: $(head -c 300 "$tmp/split.err")"
fi

# A version 2 endpoint's ports: replace the catalog's on the drawing too:
# two-sites' Edge takes Web Conferencing on 444, and the row of fw-external
# that the remote users' arrow to it crosses says so.
p2=$(jq -r '[.arrows[] | select(.destination_side == "external" and any(.flows[]; .id == "po-av-remote-webconf"))][0].ports' \
	"$tmp/two-sites.data.json")
case "$p2" in
*444*) grep -qF ">$p2</text>" "$tmp/two-sites.dom" &&
	ok "two-sites: the arrow to the Edge's external side carries the topology's port 444 ($p2), in its fw-external row" ||
	bad "two-sites: no firewall row reads '$p2'" ;;
*)	bad "two-sites: the arrow to the Edge's external side has ports '$p2', not the topology's 444" ;;
esac
nrules=$(jq '[.flows[] | select(.firewall == "fw-external")] | length' "$tmp/onprem-edge.plan.json")
f1=$(grep '^filter ' "$tmp/click.txt")
[ "$f1" = "filter rules-table-1 po-im-fed-sip-out: 1 of $nrules" ] &&
	ok "the fw-external table filtered on po-im-fed-sip-out: 1 row of $nrules shown" ||
	bad "filter: '$f1' (want 1 of $nrules)"

# A failing result, drawn red: a twin run without the federation rule
# (needs root and namespaces; a canned run is no proof, so skip without).
if [ "$(id -u)" = 0 ] && command -v nft >/dev/null && command -v conntrack >/dev/null && ip netns add "sfbtcheck$$" 2>/dev/null; then
	ip netns del "sfbtcheck$$"
	ex=examples/onprem-edge.yaml
	"$bin" firewall "$ex" --target nftables --firewall fw-external -o "$tmp/ext.nft" 2>/dev/null
	grep -v 'comment "po-im-fed-sip-out:' "$tmp/ext.nft" >"$tmp/missing.nft"
	"$bin" twin "$ex" --sample 4 --ruleset "fw-external=$tmp/missing.nft" --format json -o "$tmp/twin.json" 2>/dev/null
	"$bin" report "$ex" --results "$tmp/twin.json" -o "$tmp/red.html" 2>"$tmp/red.err" ||
		bad "report with results: $(head -c 300 "$tmp/red.err")"
	dom "$tmp/red.html" >"$tmp/red.dom"
	data_of "$tmp/red.dom" >"$tmp/red.data.json"
	# The arrows that carry po-im-fed-sip-out from an Edge: red, with the
	# twin's failing result in their data; the others the twin passed: green.
	red=$(jq -r '[.arrows | to_entries[] | select(any(.value.results[]; .flow == "po-im-fed-sip-out" and .level == "fail")) | .key] | map("arrow-\(.)") | .[]' "$tmp/red.data.json")
	nred=0 okred=0
	for id in $red; do
		nred=$((nred + 1))
		grep -A3 "<g id=\"$id\" class=\"edge arrow fail\"" "$tmp/red.dom" | grep -q 'stroke="#cf222e"' && okred=$((okred + 1))
	done
	ngreen=$(grep -c 'id="arrow-[0-9]*" class="edge arrow pass"' "$tmp/red.dom")
	nfailcls=$(grep -c 'id="arrow-[0-9]*" class="edge arrow fail"' "$tmp/red.dom")
	[ "$nred" -gt 0 ] && [ "$okred" = "$nred" ] && [ "$nfailcls" = "$nred" ] && [ "$ngreen" -gt 0 ] &&
		ok "a failing twin result: its $nred arrow(s) red, $ngreen others green" ||
		bad "a failing twin result: $okred of $nred arrow(s) red, $nfailcls drawn as fail, $ngreen green"
	# ... and red all the way through its row of fw-external.
	inject "$tmp/red.html" "" "$tmp/red.t.html"
	geom "$tmp/red.t.html" >"$tmp/red.geom"
	nthrough=0
	for id in $red; do
		grep -q "^ok arrow ${id#arrow-} #cf222e: .*fw-1" "$tmp/red.geom" && nthrough=$((nthrough + 1))
	done
	[ "$nred" -gt 0 ] && [ "$nthrough" = "$nred" ] && ! grep -q '^bad' "$tmp/red.geom" &&
		ok "its arrow(s) pass through a red row of fw-external" ||
		bad "$nthrough of $nred red arrow(s) through a red row of fw-external; $(grep -m2 '^bad' "$tmp/red.geom")"
	grep -q 'class="flow-row fail" data-flow="po-im-fed-sip-out"' "$tmp/red.dom" &&
		ok "the flow's row in the fw-external table reads fail" || bad "no failing row for po-im-fed-sip-out"
	shot "$tmp/red.html" "$tmp/red.png"
	[ -n "${SFB_REPORT_SHOTS:-}" ] && cp "$tmp/red.png" "$SFB_REPORT_SHOTS/report-onprem-edge-results.png"
else
	echo "SKIP (part): the failing-result case needs root and network namespaces for its twin run"
fi

# Bad results files: exit 2, the file named, nothing written.
printf '{"format": "sfbnet-twin", "flows": [' >"$tmp/trunc.json"
printf '{"format": "something-else"}' >"$tmp/other.json"
printf '[1, 2]' >"$tmp/array.json"
printf '{"format": "sfbnet-probe", "flows": [{"flow": 1}]}' >"$tmp/noverdict.json"
for f in trunc other array noverdict none; do
	"$bin" report examples/onprem-edge.yaml --results "$tmp/$f.json" -o "$tmp/bad.html" 2>"$tmp/bad.err"
	rc=$?
	[ "$rc" = 2 ] && grep -q "$tmp/$f.json" "$tmp/bad.err" && [ ! -e "$tmp/bad.html" ] &&
		ok "results $f.json: exit 2, $(head -c 120 "$tmp/bad.err")" ||
		bad "results $f.json: exit $rc, $(head -c 200 "$tmp/bad.err")"
done
echo "$name: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
