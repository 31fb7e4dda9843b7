#!/usr/bin/env bash
# check_official_rows.sh SFBNET_BINARY TSV_FILE
#
# Checks that every row transcribed from Microsoft's official port tables
# (tests/official_rows.tsv) is carried by the catalog compiled into
# SFBNET_BINARY.  A TSV row has nine tab-separated fields:
#   source  row  doc  from  to  protocol  src_ports  dst_ports  flags
# source is the document's path in MicrosoftDocs/OfficeDocs-SkypeForBusiness
# (or another repository, "owner/name, path"): the catalog document `doc`
# must name it in its `source`, so a row can only be credited to the
# document it was read from.  A row passes when some flow cites doc, has
# `from` among its from roles (or from is "*": the table names no source),
# `to` among its to roles, the same protocol, and the same canonical
# src_ports and dst_ports strings.  flags is "-" or a comma list of:
#   in  the row's ports are inside the flow's (the flow carries more ports
#       of the same service than this one row), and a tcp or udp row may be
#       carried by a flow of protocol "both"
#   lb  the flow is load-balanced (a hardware load balancer's row): lb or lb_sip
# Rows left out of the catalog are not in this file: docs/catalog-coverage.md
# lists them with the reason.  Lines starting with '#' and blank lines are
# skipped.
#
# Prints "MISSING: <row>" for each row without a flow, then
# "official rows: N passed, M failed".  Exit status: 0 when M == 0 and N > 0,
# 1 when a row is missing (or there are no rows), 2 on bad usage or when the
# binary or the TSV cannot be read.
set -euo pipefail

# shellcheck source=tests/lib/catalog_rows.sh
. "$(dirname "$0")/lib/catalog_rows.sh"
rows_begin "$@"
if ! jq -e '(.flows | type == "array") and (.documents | type == "array")' \
	"$tmp/catalog.json" >/dev/null 2>&1; then
	echo "$0: the catalog JSON has no flows or documents array" >&2
	exit 2
fi

jq -r --rawfile rows "$tsv" '
	# "any" | "80,443,5000-5010" -> [[lo,hi], ...]
	def ranges: if . == "any" then [[0, 65535]]
		else split(",") | map(split("-") | map(tonumber)
			| if length == 1 then [.[0], .[0]] else . end) end;
	# every interval of $a lies inside one interval of $b (both canonical)
	def inside($a; $b): ($a | ranges) as $ra | ($b | ranges) as $rb
		| all($ra[]; . as $r | any($rb[]; .[0] <= $r[0] and $r[1] <= .[1]));
	def ports_ok($row; $flow; $in): if $in then inside($row; $flow) else $row == $flow end;
	.flows as $flows
	| (.documents | map({key: .id, value: (.source // "")}) | from_entries) as $src
	| $rows | split("\n")[]
	| sub("\r$"; "")
	| select(length > 0 and (startswith("#") | not))
	| . as $line
	| split("\t") as $f
	| if ($f | length) != 9 then
		"MISSING: \($line) (malformed: \($f | length) fields, 9 expected)"
	  elif ($src[$f[2]] // null) == null then
		"MISSING: \($line) (no catalog document \($f[2]))"
	  elif ($src[$f[2]] | contains($f[0]) | not) then
		"MISSING: \($line) (document \($f[2]) has source \"\($src[$f[2]])\", not \($f[0]))"
	  else
		($f[8] | split(",")) as $flags
		| ($flags | index("in") != null) as $in
		| ($flags | index("lb") != null) as $lb
		| if any($flows[];
			any(.cite[]?; .doc == $f[2])
			and ($f[3] == "*" or any(.from[]; . == $f[3]))
			and any(.to[]; . == $f[4])
			and (.protocol == $f[5] or ($in and .protocol == "both"))
			and ports_ok($f[6]; .src_ports; $in)
			and ports_ok($f[7]; .dst_ports; $in)
			and (($lb | not) or .load_balanced or .load_balanced_sip)) then
			"ok"
		  else
			"MISSING: \($line)"
		  end
	  end
' "$tmp/catalog.json" >"$tmp/result"

rows_end "official rows"
