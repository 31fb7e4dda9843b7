#!/usr/bin/env bash
# Bad input: every tests/bad/*.yaml must make `sfbnet validate` exit 2 with
# exactly the line of tests/bad/expected.txt that names the file, and
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
	"$bin" plan "$f" -o "$tmp/out" 2>/dev/null; rc=$?
	if [ "$rc" -ne 2 ] || [ -e "$tmp/out" ] || [ -n "$(ls -A "$tmp")" ]; then
		echo "FAIL: plan $f: exit $rc or a file was written"; fail=$((fail + 1)); continue
	fi
	pass=$((pass + 1))
done
echo "bad input: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -ge 15 ]
