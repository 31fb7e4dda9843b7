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
# port -> verdict, and the ports named twice
def portmap: . as $f | reduce verdicts[] as $v ({m: {}, dup: []};
	reduce ($f[$v] | expand)[] as $p (.;
		if .m[$p | tostring] then .dup += [$p] else .m[$p | tostring] = $v end));

. as $r
| ($r.flows | map({key: "\(.flow)/\(.protocol)", value: .}) | from_entries) as $got
| (
	($want | keys[] | select($got[.] == null) | "bad \(.): no such flow in the report"),
	($got | keys[] | select($want[.] == null) | "bad \(.): a flow the ground truth does not expect"),
	($want | to_entries[] | select($got[.key] != null) | .key as $k | .value as $w | $got[$k] as $a
	| ($w | portmap) as $wm | ($a | portmap) as $am
	| ($wm.m | keys | map(tonumber) | sort) as $ports
	| [$ports[] | tostring | select($am.m[.] != $wm.m[.])
		| "\(.): \($am.m[.] // "no verdict"), want \($wm.m[.])"] as $wrong
	| [$am.m | keys[] | select($wm.m[.] == null)] as $extra
	| (if $a.port_count == ($ports | length) then "ok \($k): \($a.port_count) ports probed"
	   else "bad \($k): port_count \($a.port_count), want \($ports | length)" end),
	  (verdicts[] as $v | ($w[$v] // "") as $e
	   | if ($a[$v] // "") == $e then "ok \($k): \($v) is exactly \"\($e)\""
	     else "bad \($k): \($v) is \"\($a[$v])\", want \"\($e)\"" end),
	  (if ($am.dup | length) == 0 then "ok \($k): no port has two verdicts"
	   else "bad \($k): ports with two verdicts: \($am.dup | compress)" end),
	  (if ($wrong | length) == 0 and ($extra | length) == 0
	   then "ok \($k): every one of the \($ports | length) ports has its ground-truth verdict"
	   else "bad \($k): \($wrong | length) port(s) with a false verdict (\($wrong[:5] | join("; "))), \($extra | length) unexpected port(s)" end),
	  (if $a.verdict == $w.verdict then "ok \($k): flow verdict \($a.verdict)"
	   else "bad \($k): flow verdict \($a.verdict), want \($w.verdict)" end))
)
