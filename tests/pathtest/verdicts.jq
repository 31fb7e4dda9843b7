# Compares an `sfbnet probe --format json` report (the input) with the
# ground truth $want, port by port and range string by range string.
#
#   $want: { "FLOW/PROTO": { "open": "RANGES", "closed": "...", "filtered":
#            "...", "verdict": "pass|partial|fail" }, ... }
#   (a verdict left out is expected empty; "unverified" always is)
#
# Prints one line per check: "ok MESSAGE" or "bad MESSAGE".  Written for
# jq 1.6.

def expand: if . == "" or . == null then [] else
	split(",") | map(split("-") | map(tonumber)
		| if length == 1 then [.[0]] else [range(.[0]; .[1] + 1)] end) | add end;
def compress: sort | reduce .[] as $p ([];
	if length > 0 and .[-1][1] + 1 == $p then .[-1][1] = $p else . + [[$p, $p]] end)
	| map(if .[0] == .[1] then "\(.[0])" else "\(.[0])-\(.[1])" end) | join(",");
def verdicts: ["open", "unverified", "closed", "filtered"];
# [[port, verdict, who]...] of one flow, who = "got" or "want"
def pairs($who): . as $f | [verdicts[] as $v | ($f[$v] | expand)[] | [., $v, $who]];

. as $r
| ($r.flows | map({key: "\(.flow)/\(.protocol)", value: .}) | from_entries) as $got
| (
	($want | keys[] | select($got[.] == null) | "bad \(.): no such flow in the report"),
	($got | keys[] | select($want[.] == null) | "bad \(.): a flow the ground truth does not expect"),
	($want | to_entries[] | select($got[.key] != null) | .key as $k | .value as $w | $got[$k] as $a
	| (($a | pairs("got")) + ($w | pairs("want")) | group_by(.[0])) as $by_port
	| [$by_port[] | select(map(select(.[2] == "want")) | length > 0)] as $mine
	| [$by_port[] | map(select(.[2] == "got")) | select(length > 1) | .[0][0]] as $dup
	| [$mine[] | (map(select(.[2] == "got") | .[1]) | join("+")) as $g
		| (map(select(.[2] == "want") | .[1]) | .[0]) as $e
		| select($g != $e) | "\(.[0][0]): \(if $g == "" then "no verdict" else $g end), want \($e)"] as $wrong
	| [$by_port[] | select(all(.[2] == "got")) | .[0][0]] as $extra
	| ($mine | length) as $n
	| (if $a.port_count == $n then "ok \($k): \($a.port_count) ports probed"
	   else "bad \($k): port_count \($a.port_count), want \($n)" end),
	  (verdicts[] as $v | ($w[$v] // "") as $e
	   | if ($a[$v] // "") == $e then "ok \($k): \($v) is exactly \"\($e)\""
	     else "bad \($k): \($v) is \"\($a[$v])\", want \"\($e)\"" end),
	  (if ($dup | length) == 0 then "ok \($k): no port has two verdicts"
	   else "bad \($k): ports with two verdicts: \($dup | compress)" end),
	  (if ($wrong | length) == 0 and ($extra | length) == 0
	   then "ok \($k): every one of the \($n) ports has its ground-truth verdict"
	   else "bad \($k): \($wrong | length) port(s) with a false verdict (\($wrong[:5] | join("; "))), \($extra | length) port(s) not in the flow (\($extra | compress))" end),
	  (if $a.verdict == $w.verdict then "ok \($k): flow verdict \($a.verdict)"
	   else "bad \($k): flow verdict \($a.verdict), want \($w.verdict)" end))
)
