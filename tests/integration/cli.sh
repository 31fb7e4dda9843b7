#!/usr/bin/env bash
# Command-line behaviour: help, exit statuses, formats, output files.
set -u
bin=$1
pass=0 fail=0
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT

check() {  # description, expected exit status, command...
	local what=$1 want=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
	if [ "$rc" -eq "$want" ]; then pass=$((pass + 1)); else
		echo "FAIL: $what: exit $rc, want $want"; sed 's/^/  /' "$tmp/err" | head -5
		fail=$((fail + 1))
	fi
}
expect_out() {  # description, pattern (grep -E) in the last stdout+stderr
	if grep -Eq -- "$2" "$tmp/out" "$tmp/err"; then pass=$((pass + 1)); else
		echo "FAIL: $1: output lacks /$2/"; fail=$((fail + 1)); fi
}

ex=examples/onprem-edge.yaml
check "no arguments" 2 "$bin"
check "--help" 0 "$bin" --help; expect_out "--help lists commands" "firewall +generate"
check "--version" 0 "$bin" --version; expect_out "--version" "^sfbnet [0-9]+\.[0-9]+\.[0-9]+$"
for c in catalog validate plan firewall; do
	check "$c --help" 0 "$bin" "$c" --help; expect_out "$c --help usage" "^usage: sfbnet $c"
done
check "unknown command" 2 "$bin" frobnicate; expect_out "unknown command named" "unknown command 'frobnicate'"
check "unknown option" 2 "$bin" plan "$ex" --frob; expect_out "unknown option named" "--frob"
check "missing topology" 2 "$bin" plan; expect_out "missing argument" "missing TOPOLOGY"
check "nonexistent topology" 2 "$bin" validate "$tmp/nope.yaml"; expect_out "names the file" "nope.yaml"
check "bad format" 2 "$bin" plan "$ex" --format xml; expect_out "bad format" "unknown format 'xml'"
check "unknown firewall" 2 "$bin" plan "$ex" --firewall fw-nope; expect_out "unknown firewall" "fw-nope"
check "firewall needs --target" 2 "$bin" firewall "$ex" -F fw-internal
check "unknown target" 2 "$bin" firewall "$ex" -t cisco -F fw-internal
check "several firewalls need --firewall" 2 "$bin" firewall "$ex" -t nftables
expect_out "names the firewalls" "fw-internal, fw-external"
check "one firewall needs no --firewall" 0 "$bin" firewall examples/online-partners.yaml -t nftables
check "catalog json" 0 "$bin" catalog --format json
if jq -e '.format == "sfbnet-catalog" and (.flows | length) > 50' "$tmp/out" >/dev/null; then
	pass=$((pass + 1)); else echo "FAIL: catalog json"; fail=$((fail + 1)); fi
check "catalog --profile" 0 "$bin" catalog --format json --profile starleaf
if jq -e '[.flows[].profile] | unique == ["starleaf"]' "$tmp/out" >/dev/null; then
	pass=$((pass + 1)); else echo "FAIL: catalog --profile filter"; fail=$((fail + 1)); fi
check "catalog unknown profile" 2 "$bin" catalog --profile nope
check "catalog dir missing" 2 "$bin" catalog --catalog "$tmp/none"
mkdir -p "$tmp/cat"; cp data/catalog/*.yaml "$tmp/cat/"
check "catalog --catalog DIR" 0 "$bin" catalog --catalog "$tmp/cat" --format csv
printf 'flows: []\n' >>"$tmp/cat/starleaf.yaml"
check "catalog file with a duplicate key" 2 "$bin" catalog --catalog "$tmp/cat"
expect_out "catalog error has a place" "starleaf.yaml:[0-9]+:[0-9]+: duplicate key 'flows'"
check "plan json" 0 "$bin" plan "$ex" --format json
if jq -e '.format == "sfbnet-plan" and ([.flows[].firewall] | index("fw-external")) != null' \
	"$tmp/out" >/dev/null; then pass=$((pass + 1)); else echo "FAIL: plan json"; fail=$((fail + 1)); fi
check "plan csv" 0 "$bin" plan "$ex" --format csv --firewall fw-external
if [ "$(cut -d, -f1 "$tmp/out" | tail -n +2 | sort -u)" = "fw-external" ]; then
	pass=$((pass + 1)); else echo "FAIL: plan --firewall filter in csv"; fail=$((fail + 1)); fi
check "-o writes the file" 0 "$bin" plan "$ex" -o "$tmp/plan.txt"
if [ -s "$tmp/plan.txt" ] && [ ! -s "$tmp/out" ]; then pass=$((pass + 1)); else
	echo "FAIL: -o"; fail=$((fail + 1)); fi
mkdir "$tmp/ro"; chmod 555 "$tmp/ro"
if [ "$(id -u)" != 0 ]; then
	check "unwritable output dir" 3 "$bin" plan "$ex" -o "$tmp/ro/plan.txt"
	[ -z "$(ls -A "$tmp/ro")" ] && pass=$((pass + 1)) || { echo "FAIL: partial file"; fail=$((fail + 1)); }
fi
check "output into a missing directory" 3 "$bin" plan "$ex" -o "$tmp/missing/plan.txt"
echo "old" >"$tmp/keep.txt"
check "bad input keeps the old output file" 2 "$bin" plan tests/bad/bad-version.yaml -o "$tmp/keep.txt"
[ "$(cat "$tmp/keep.txt")" = old ] && pass=$((pass + 1)) || { echo "FAIL: output clobbered"; fail=$((fail + 1)); }
mkfifo "$tmp/fifo"
cat "$tmp/fifo" >"$tmp/fromfifo" &
check "-o a FIFO writes through it" 0 "$bin" plan "$ex" -o "$tmp/fifo"
wait
if [ -p "$tmp/fifo" ] && [ -s "$tmp/fromfifo" ]; then pass=$((pass + 1)); else
	echo "FAIL: -o FIFO: the FIFO was replaced or got nothing"; fail=$((fail + 1)); fi
head -c 100000 /dev/zero >"$tmp/plan.txt"
ln -s "$tmp/plan.txt" "$tmp/link"
check "-o a symbolic link writes through it" 0 "$bin" plan "$ex" --format csv -o "$tmp/link"
if [ -L "$tmp/link" ] && head -1 "$tmp/plan.txt" | grep -q '^firewall,' &&
	[ "$(stat -c %s "$tmp/plan.txt")" -lt 100000 ]; then pass=$((pass + 1)); else
	echo "FAIL: -o symlink: the link was replaced"; fail=$((fail + 1)); fi
check "-o a directory" 2 "$bin" plan "$ex" -o "$tmp"
ln -s "$tmp" "$tmp/dirlink"
check "-o a link to a directory" 2 "$bin" plan "$ex" -o "$tmp/dirlink"
check "validate warning" 0 "$bin" validate examples/design-brief.yaml
expect_out "warning printed with place" "design-brief.yaml:[0-9]+:[0-9]+: address '10.20.0.0/16' is outside"
check "validate --strict with warnings" 1 "$bin" validate examples/design-brief.yaml --strict
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
