#!/usr/bin/env bash
# dns --format windows: the PowerShell script for Windows DNS Server adds
# exactly the records of `dns --format json`, each in the block of its view
# and zone, with the idempotency check (Add-SfbRecord looks the record up
# first) and the zone check; quoting survives names with a quote.  No
# PowerShell runs on Debian, so the script is read back here: one
# "Add-SfbRecord -Zone Z -Name N -Type T -Data D [-Priority P -Weight W
# -Port O]" line per record, under "if ($View -eq 'V' -and (Test-SfbZone
# 'Z'))".  Deleting one record line must be noticed.
set -u
bin=$1
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# The records of the script, one canonical line each: view zone fqdn type
# value prio weight port.
from_script() {
	awk '
	/^if \(\$View -eq / {
		match($0, /-eq \047[a-z]+\047/); view = substr($0, RSTART + 5, RLENGTH - 6)
		next
	}
	/^\tAdd-SfbRecord / {
		line = $0
		zone = val(line, "-Zone"); name = val(line, "-Name"); type = word(line, "-Type")
		data = val(line, "-Data")
		p = word(line, "-Priority"); w = word(line, "-Weight"); o = word(line, "-Port")
		fq = name == "@" ? zone : name "." zone
		print view, zone, fq, type, data, (p == "" ? "-" : p), (w == "" ? "-" : w), (o == "" ? "-" : o)
	}
	function val(s, key,   i, r) {
		i = index(s, key " \047"); if (i == 0) return ""
		r = substr(s, i + length(key) + 2); i = index(r, "\047"); return substr(r, 1, i - 1)
	}
	function word(s, key,   i, r) {
		i = index(s, key " "); if (i == 0) return ""
		r = substr(s, i + length(key) + 1); sub(/ .*/, "", r); return r
	}' "$1" | sort
}
from_json() {
	jq -r '.records[] | [.view, .zone, .name, .type, .value,
		(.priority // "-"), (.weight // "-"), (.port // "-")] | map(tostring) | join(" ")' "$1" | sort
}

for ex in examples/*.yaml; do
	name=$(basename "$ex" .yaml)
	"$bin" dns "$ex" --format windows -o "$tmp/$name.ps1" 2>/dev/null || { bad "dns --format windows $ex"; continue; }
	"$bin" dns "$ex" --format json -o "$tmp/$name.json" 2>/dev/null || { bad "dns --format json $ex"; continue; }
	from_script "$tmp/$name.ps1" >"$tmp/$name.script"
	from_json "$tmp/$name.json" >"$tmp/$name.want"
	if cmp -s "$tmp/$name.script" "$tmp/$name.want"; then ok
	else bad "$ex: the script's records differ from the JSON's:"; diff "$tmp/$name.want" "$tmp/$name.script" | head -5; fi
	grep -q '^function Add-SfbRecord' "$tmp/$name.ps1" &&
	grep -q 'Get-DnsServerResourceRecord' "$tmp/$name.ps1" &&
	grep -q '^#Requires -Modules DnsServer' "$tmp/$name.ps1" && ok ||
		bad "$ex: the script lacks the idempotent record function or its #Requires"
	# A deleted record line is noticed.
	line=$(grep -n '^	Add-SfbRecord ' "$tmp/$name.ps1" | sed -n 2p | cut -d: -f1)
	[ -n "$line" ] || continue   # an example without DNS records (Online only)
	sed "${line}d" "$tmp/$name.ps1" >"$tmp/mutant.ps1"
	if cmp -s <(from_script "$tmp/mutant.ps1") "$tmp/$name.want"; then
		bad "$ex: deleting line $line went unnoticed"
	else ok; fi
done

# One view only: the script defaults to it; both: -View is mandatory.
"$bin" dns examples/onprem-edge.yaml --format windows --view external -o "$tmp/ext.ps1" 2>/dev/null
if grep -q "\[string\]\$View = 'external'" "$tmp/ext.ps1" && ! grep -q "eq 'internal'" "$tmp/ext.ps1"; then ok
else bad "--view external: the script should default to it and hold no internal block"; fi
grep -q 'Mandatory = \$true' "$tmp/onprem-edge.ps1" && ok || bad "two views: -View should be mandatory"
# A name with a single quote stays inside its PowerShell string.
sed "s/^name: .*/name: \"O'Brien \\\\u2019 lab\"/" examples/onprem-edge.yaml >"$tmp/quote.yaml"
"$bin" dns "$tmp/quote.yaml" --format windows -o "$tmp/quote.ps1" 2>/dev/null
if head -1 "$tmp/quote.ps1" | grep -q "^# DNS records for topology 'O'Brien"; then ok
else bad "the topology name in the header: $(head -1 "$tmp/quote.ps1")"; fi
"$bin" dns examples/onprem-edge.yaml --format windows --standalone >/dev/null 2>&1
[ $? = 2 ] && ok || bad "--standalone with --format windows should be refused (exit 2)"

echo "dns windows: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
