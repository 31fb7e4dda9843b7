#!/usr/bin/env bash
# Bad input: every tests/bad/*.yaml must make `sfbnet validate` exit 2 with
# exactly the line of tests/bad/expected.txt that names the file (and
# `validate --format json` the same errors, field by field), and
# `sfbnet plan -o FILE` must leave no file behind.
set -u
bin=$1
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in tests/bad/*.yaml; do
	want=$(grep -F "$f:" tests/bad/expected.txt)
	if [ -z "$want" ]; then
		echo "FAIL: no expected message for $f"; fail=$((fail + 1)); continue
	fi
	got=$("$bin" validate "$f" 2>&1 >/dev/null); rc=$?
	if [ "$rc" -ne 2 ] || [ "$got" != "$want" ]; then
		printf 'FAIL: %s\n  exit %s, want 2\n  got:  %s\n  want: %s\n' "$f" "$rc" "$got" "$want"
		fail=$((fail + 1)); continue
	fi
	# The same errors as JSON: exit 2, verdict error, and each error
	# diagnostic put back together is the text line.
	"$bin" validate "$f" --format json >"$tmp/v.json" 2>"$tmp/v.err"; rc=$?
	back=$(jq -r 'select(.verdict == "error") | .diagnostics[] | select(.severity == "error") |
		(if .line != null then "\(.file):\(.line):\(.column): " elif .file != null then "\(.file): "
		 else "" end) + .message + (if .citation != null then " [\(.citation)]" else "" end)' \
		"$tmp/v.json" 2>/dev/null)
	if [ "$rc" -ne 2 ] || [ "$back" != "$want" ]; then
		printf 'FAIL: %s --format json\n  exit %s, want 2\n  got:  %s\n  want: %s\n' "$f" "$rc" \
			"$back" "$want"
		fail=$((fail + 1)); continue
	fi
	rm -f "$tmp/v.json" "$tmp/v.err"
	"$bin" plan "$f" -o "$tmp/out" 2>/dev/null; rc=$?
	if [ "$rc" -ne 2 ] || [ -e "$tmp/out" ] || [ -n "$(ls -A "$tmp")" ]; then
		echo "FAIL: plan $f: exit $rc or a file was written"; fail=$((fail + 1)); continue
	fi
	pass=$((pass + 1))
done
echo "bad input: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -ge 15 ]
