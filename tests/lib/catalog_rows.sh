# shellcheck shell=bash
# Shared by tests/check_seed_rows.sh and tests/check_official_rows.sh
# (sourced, not run): both check a TSV of transcribed port-table rows
# against `sfbnet catalog --format json`.
#
# rows_begin "$@": takes SFBNET_BINARY TSV_FILE, sets $bin, $tsv and $tmp
#   (removed at exit) and writes the catalog to $tmp/catalog.json; bad
#   usage, no jq, an unreadable TSV or a failing binary exit 2.
# rows_end LABEL: reads $tmp/result (one "ok" or "MISSING: ..." line per
#   row), prints the MISSING lines and "LABEL: N passed, M failed", and
#   exits 0 when M == 0 and N > 0, else 1.

rows_begin() {
	if [[ $# -ne 2 ]]; then
		echo "usage: $0 SFBNET_BINARY TSV_FILE" >&2
		exit 2
	fi
	bin=$1
	tsv=$2
	command -v jq >/dev/null 2>&1 || { echo "$0: jq is required" >&2; exit 2; }
	[[ -r $tsv ]] || { echo "$0: cannot read $tsv" >&2; exit 2; }
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	if ! "$bin" catalog --format json >"$tmp/catalog.json" 2>"$tmp/stderr"; then
		echo "$0: '$bin catalog --format json' failed:" >&2
		cat "$tmp/stderr" >&2
		exit 2
	fi
}

rows_end() {
	local passed failed
	passed=$(grep -c '^ok$' "$tmp/result" || true)
	failed=$(grep -c '^MISSING: ' "$tmp/result" || true)
	grep '^MISSING: ' "$tmp/result" || true
	echo "$1: $passed passed, $failed failed"
	if [[ $failed -eq 0 && $passed -gt 0 ]]; then
		exit 0
	fi
	exit 1
}
