#!/usr/bin/env bash
# sfbnet diff, golden: examples/onprem-edge.yaml against its variants in
# tests/diff/ (a Front End added, the client network narrowed, the internal
# firewall removed), in text and JSON, compared with the expected files
# (SFB_UPDATE_GOLDEN=1 writes them); exit status 1 when something changes
# and 0 when nothing does; --firewall narrows to one firewall; Markdown
# has its table; bad input exits 2.
# usage: check.sh SFBNET   (from the source directory)
set -u
bin=$1
here=tests/diff
old=examples/onprem-edge.yaml
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

for v in host-added narrowed fw-removed; do
	new=$here/onprem-edge-$v.yaml
	for f in text json; do
		"$bin" diff "$old" "$new" -f "$f" >"$tmp/out" 2>/dev/null; rc=$?
		[ "$rc" = 1 ] && ok || bad "$v $f: exit status $rc, want 1"
		want=$here/$v.expected.$f
		if [ "${SFB_UPDATE_GOLDEN:-0}" = 1 ]; then cp "$tmp/out" "$want"; fi
		if diff -u "$want" "$tmp/out" >"$tmp/d"; then ok
		else bad "$v $f differs from $want:"; head -20 "$tmp/d"; fi
	done
done
# what each variant must show, whatever the golden file says
"$bin" diff "$old" "$here/onprem-edge-host-added.yaml" -f json >"$tmp/j" 2>/dev/null
jq -e '(.dns.added | index("internal corp.fabrikam.com: fe4.corp.fabrikam.com A 10.10.1.14") != null)
	and (.certificates.added | index("po-cert-front-end pool.corp.fabrikam.com: SAN fe4.corp.fabrikam.com") != null)
	and ([.flows[] | .change] | unique == ["widened"])' "$tmp/j" >/dev/null && ok || bad "host added: $(jq -c '[.flows[].change] | unique' "$tmp/j")"
"$bin" diff "$old" "$here/onprem-edge-narrowed.yaml" -f json >"$tmp/j" 2>/dev/null
jq -e '([.flows[] | select(.change == "narrowed") | .removed[]] | all(startswith("tcp 10.20.128.0/17") or startswith("udp 10.20.128.0/17")))
	and ([.flows[].change] | unique == ["narrowed"])' "$tmp/j" >/dev/null && ok || bad "narrowed: $(jq -c '.flows' "$tmp/j")"
"$bin" diff "$old" "$here/onprem-edge-fw-removed.yaml" -f json >"$tmp/j" 2>/dev/null
jq -e '.firewalls_removed == ["fw-internal"] and ([.flows[] | select(.firewall == "fw-internal") | .change] | unique == ["removed"])
	and ([.flows[] | select(.firewall == "fw-external") | .change] | unique == ["added"])' "$tmp/j" >/dev/null && ok || bad "fw removed: $(jq -c '[.flows[] | {firewall, change}] | unique' "$tmp/j")"
# no change, one firewall, Markdown
"$bin" diff "$old" "$old" >"$tmp/out" 2>/dev/null; rc=$?
[ "$rc" = 0 ] && grep -q "; no change$" "$tmp/out" && ok || bad "the same topology: exit $rc: $(tail -1 "$tmp/out")"
"$bin" diff "$old" "$here/onprem-edge-fw-removed.yaml" -F fw-external -f json >"$tmp/j" 2>/dev/null
jq -e '[.flows[].firewall] | unique == ["fw-external"]' "$tmp/j" >/dev/null && ok || bad "--firewall fw-external"
"$bin" diff "$old" "$here/onprem-edge-narrowed.yaml" -f md >"$tmp/md" 2>/dev/null
grep -q '^| fw-internal | po-av-int-edge-stun-udp | udp | narrowed |  | udp 10.20.128.0/17 -\&gt; 172.16.10.11, 172.16.10.12 dport 3478 |$' "$tmp/md" && ok || bad "md: $(grep narrowed "$tmp/md" | head -2)"
# bad input
"$bin" diff "$old" "$tmp/none.yaml" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && grep -q "none.yaml" "$tmp/err" && ok || bad "a missing file: exit $rc"
printf 'version: 1\nname: x\nzones: [\n' >"$tmp/broken.yaml"
"$bin" diff "$old" "$tmp/broken.yaml" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && grep -Eq "broken.yaml:[0-9]+:[0-9]+:" "$tmp/err" && ok || bad "a broken topology: exit $rc: $(head -1 "$tmp/err")"
"$bin" diff "$old" "$old" -F nosuch >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && grep -q "no firewall named 'nosuch'" "$tmp/err" && ok || bad "--firewall nosuch: exit $rc: $(cat "$tmp/err")"

echo "diff: $pass passed, $fail failed"
[ "$fail" = 0 ]
