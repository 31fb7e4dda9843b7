#!/usr/bin/env bash
# check_seed_rows.sh SFBNET_BINARY TSV_FILE
#
# Checks that every port row of the seed documents (tests/seed_rows.tsv) is
# carried by the catalog compiled into SFBNET_BINARY.  A TSV row
#   doc  row  from  to  protocol  src_ports  dst_ports
# passes when some flow of `SFBNET_BINARY catalog --format json` has a
# citation of doc (cite[].doc), from among its `from` roles, to among its `to`
# roles, the same protocol, and exactly the same canonical src_ports and
# dst_ports strings.  Lines starting with '#' and blank lines are skipped.
#
# Prints "MISSING: <row>" for each row without a flow, then
# "seed rows: N passed, M failed".  Exit status: 0 when M == 0 and N > 0,
# 1 when a row is missing (or there are no rows), 2 on bad usage or when the
# binary or the TSV cannot be read.
set -euo pipefail

# shellcheck source=tests/lib/catalog_rows.sh
. "$(dirname "$0")/lib/catalog_rows.sh"
rows_begin "$@"
if ! jq -e '.flows | type == "array"' "$tmp/catalog.json" >/dev/null 2>&1; then
	echo "$0: the catalog JSON has no flows array" >&2
	exit 2
fi

# One jq pass over all rows: each output line is "ok" or "MISSING: <row>".
jq -r --rawfile rows "$tsv" '
	.flows as $flows
	| $rows | split("\n")[]
	| sub("\r$"; "")
	| select(length > 0 and (startswith("#") | not))
	| . as $line
	| split("\t") as $f
	| if ($f | length) != 7 then
		"MISSING: \($line) (malformed: \($f | length) fields, 7 expected)"
	  elif any($flows[];
		any(.cite[]?; .doc == $f[0])
		and any(.from[]; . == $f[2])
		and any(.to[]; . == $f[3])
		and .protocol == $f[4]
		and .src_ports == $f[5]
		and .dst_ports == $f[6]) then
		"ok"
	  else
		"MISSING: \($line)"
	  end
' "$tmp/catalog.json" >"$tmp/result"

rows_end "seed rows"
