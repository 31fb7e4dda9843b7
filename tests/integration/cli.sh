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
# getopt_long reports an unknown option inside a cluster by its character:
# the message names it, not the argument before it.
check "unknown option in a cluster" 2 "$bin" plan "$ex" -xf text
expect_out "unknown option in a cluster named" "plan: unknown option '-x'"
check "unknown option ending a cluster" 2 "$bin" responder "$ex" -vx
expect_out "unknown option ending a cluster named" "responder: unknown option '-x'"
check "missing value" 2 "$bin" plan "$ex" -o
expect_out "missing value named" "missing value for option '-o'"
check "value for a flag" 2 "$bin" validate "$ex" --strict=yes
expect_out "value for a flag named" "no value allowed for option '--strict'"
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

# -o through links: the links stay links; the file they end at is replaced
# whole (a new file renamed over it, in its own directory); a dangling
# link gets its target created.
"$bin" plan "$ex" --format csv >"$tmp/want.csv"
same_file() {  # description, file: a complete copy of want.csv, no temporary file beside it
	local left
	left=$(find "$(dirname "$2")" -maxdepth 1 -name '*.tmp.*')
	if cmp -s "$2" "$tmp/want.csv" && [ -z "$left" ]; then pass=$((pass + 1)); else
		echo "FAIL: $1: $2 is not the whole output, or a temporary file was left: $left"
		fail=$((fail + 1)); fi
}
mkdir "$tmp/target"
printf 'old rules\n' >"$tmp/target/rules.csv"
ino=$(stat -c %i "$tmp/target/rules.csv")
ln -s target/rules.csv "$tmp/rel"
ln -s "$tmp/rel" "$tmp/chain"
check "-o a chain of links" 0 "$bin" plan "$ex" --format csv -o "$tmp/chain"
if [ -L "$tmp/chain" ] && [ -L "$tmp/rel" ] && [ "$(readlink "$tmp/rel")" = target/rules.csv ] &&
	[ "$(stat -c %i "$tmp/target/rules.csv")" != "$ino" ]; then pass=$((pass + 1)); else
	echo "FAIL: -o a chain of links: a link was replaced, or the target written in place"
	fail=$((fail + 1)); fi
same_file "-o a chain of links" "$tmp/target/rules.csv"
ln -s target/created.csv "$tmp/dangling"
check "-o a dangling link" 0 "$bin" plan "$ex" --format csv -o "$tmp/dangling"
if [ -L "$tmp/dangling" ] && [ "$(stat -c %a "$tmp/target/created.csv")" = 644 ]; then
	pass=$((pass + 1)); else echo "FAIL: -o a dangling link: no link, or its target not 0644"
	fail=$((fail + 1)); fi
same_file "-o a dangling link" "$tmp/target/created.csv"

# Permissions: a file replaced keeps its own; a new one is 0644 whatever the umask.
printf 'private\n' >"$tmp/private.csv"
chmod 600 "$tmp/private.csv"
check "-o an existing 0600 file" 0 "$bin" plan "$ex" --format csv -o "$tmp/private.csv"
m=$(stat -c %a "$tmp/private.csv")
if [ "$m" = 600 ]; then pass=$((pass + 1)); else echo "FAIL: -o made a 0600 file $m"; fail=$((fail + 1)); fi
same_file "-o an existing 0600 file" "$tmp/private.csv"
check "-o a new file under umask 077" 0 sh -c 'umask 077; exec "$@"' sh "$bin" plan "$ex" \
	--format csv -o "$tmp/fresh.csv"
m=$(stat -c %a "$tmp/fresh.csv")
if [ "$m" = 644 ]; then pass=$((pass + 1)); else echo "FAIL: -o made a new file $m, want 644"; fail=$((fail + 1)); fi

# A device is written through, and its failure reported: /dev/full, also
# behind a link (which stays).
check "-o /dev/full" 3 "$bin" plan "$ex" -o /dev/full; expect_out "-o /dev/full names it" "/dev/full: write failed"
ln -s /dev/full "$tmp/full-link"
check "-o a link to /dev/full" 3 "$bin" plan "$ex" -o "$tmp/full-link"
if [ -L "$tmp/full-link" ] && [ -c /dev/full ]; then pass=$((pass + 1)); else
	echo "FAIL: -o a link to /dev/full: the link or the device was replaced"; fail=$((fail + 1)); fi

# A write that fails on a full filesystem (a 16 KiB tmpfs; the plan is larger)
# leaves the old file byte for byte and no temporary file: the file itself,
# through a link from outside, and a new file.  Root writes into read-only
# directories, so a full filesystem is the failure to provoke.  The tmpfs
# lives in a private mount namespace, where the checks run too.
cat >"$tmp/full.sh" <<'INNER'
bin=$1 ex=$2 d=$3 outside=$4
say() { echo "$1 $2"; }
mount -t tmpfs -o size=16k sfbnet-cli-test "$d" 2>/dev/null || { say skip "cannot mount a tmpfs"; exit 0; }
printf 'old rules, kept\n' >"$d/rules.txt"
cp "$d/rules.txt" "$outside/rules.orig"
ln -sf "$d/rules.txt" "$outside/into-full"
run() {  # what, -o path
	"$bin" plan "$ex" -o "$2" >/dev/null 2>"$outside/full.err"
	rc=$?
	if [ "$rc" = 3 ] && grep -qF -- "$2" "$outside/full.err"; then say ok "$1: exit 3, message names $2"
	else say bad "$1: exit $rc, message: $(head -1 "$outside/full.err")"; fi
	if cmp -s "$d/rules.txt" "$outside/rules.orig"; then say ok "$1: the old file is byte-identical"
	else say bad "$1: the old file changed"; fi
	if [ "$(ls -A "$d")" = rules.txt ]; then say ok "$1: nothing else in the directory"
	else say bad "$1: left in the directory: $(ls -A "$d" | tr '\n' ' ')"; fi
}
run "-o a file on a full filesystem" "$d/rules.txt"
run "-o a link to a file on a full filesystem" "$outside/into-full"
[ -L "$outside/into-full" ] && say ok "full filesystem: the link stays" || say bad "full filesystem: the link was replaced"
run "-o a new file on a full filesystem" "$d/new.txt"
INNER
mkdir "$tmp/small"
if command -v unshare >/dev/null && unshare -m --propagation private true 2>/dev/null; then
	while read -r verdict what; do
		case $verdict in
		ok) pass=$((pass + 1)) ;;
		skip) echo "SKIP: full filesystem cases: $what" ;;
		*) echo "FAIL: $what"; fail=$((fail + 1)) ;;
		esac
	done < <(unshare -m --propagation private bash "$tmp/full.sh" "$bin" "$ex" "$tmp/small" "$tmp")
else
	echo "SKIP: full filesystem cases: no private mount namespace (unshare -m)"
fi
check "validate warning" 0 "$bin" validate examples/design-brief.yaml
expect_out "warning printed with place" "design-brief.yaml:[0-9]+:[0-9]+: address '10.20.0.0/16' is outside"
check "validate --strict with warnings" 1 "$bin" validate examples/design-brief.yaml --strict
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
