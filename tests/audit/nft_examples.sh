#!/usr/bin/env bash
# sfbnet's own rules audit clean: for every examples/*.yaml and every
# firewall of it, the rules of `sfbnet firewall` (standalone, and with --nat
# where the firewall has NAT) are loaded into a network namespace of this
# test with the real tools and dumped by them again, and `sfbnet audit`
# reads the dump:
#
#   nftables:  nft -f FILE            -> nft -j list ruleset
#   iptables:  iptables-restore FILE and ip6tables-restore FILE (the nat
#              hooks the file's header names added) -> iptables-save and
#              ip6tables-save, concatenated into one file
#
# Each must exit 0, say "clean": true, list one result per plan entry of the
# firewall, every required flow "allowed", and no finding but "shadowed"
# (a note: sfbnet writes a rule per flow, and where two flows need the same
# packets the later rule decides none).
#
# Nothing is loaded into the host's firewall and no packet is sent.  Exit 77
# (skip) without root or network namespaces.
#
# usage: nft_examples.sh SFBNET   (from the source directory)
set -u
bin=$1
name=audit/generated-clean
pass=0 fail=0 skipped=0
ok() { echo "PASS: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
skip() { echo "SKIP: $*"; skipped=$((skipped + 1)); }
finish() {
	echo "$name: $pass passed, $fail failed, $skipped skipped"
	[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
	exit
}
give_up() { echo "SKIP: $*"; echo "$name: 0 passed, 0 failed, 1 skipped"; exit 77; }

[ "$(id -u)" = 0 ] || give_up "needs root (network namespaces, nftables)"
for t in ip nft jq; do command -v "$t" >/dev/null || give_up "needs $t"; done
have_ipt=1
for t in iptables-restore ip6tables-restore iptables-save ip6tables-save; do
	command -v "$t" >/dev/null || have_ipt=0
done

tmp=$(mktemp -d)
ns=audgen$$
made=0
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	[ "$made" = 1 ] && ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
ip netns add "$ns" 2>/dev/null || give_up "cannot create network namespace $ns (ip netns add)"
made=1
nsx() { ip netns exec "$ns" "$@"; }

reset_fw() {
	nsx nft flush ruleset
}

# check_audit LABEL TOPO FW FILE: sfbnet audit on the dump FILE.
check_audit() {
	local label=$1 topo=$2 fw=$3 file=$4 out rc want got bad_flows kinds notes
	out=$tmp/audit.json
	"$bin" audit "$topo" -F "$fw" -r "$file" -f json >"$out" 2>"$tmp/audit.err"
	rc=$?
	if [ "$rc" != 0 ]; then
		bad "$label: sfbnet audit exited $rc: $(head -c 600 "$tmp/audit.err")"
		jq -r '.flows[] | select(.verdict != "allowed") | "    \(.verdict) \(.flow): \(.missing + .unknown | map(.packets + " BY " + .decided_by) | join("; "))"' \
			"$out" 2>/dev/null | head -20
		jq -r '.findings[] | "    finding \(.kind): \(.rule): \(.packets | map(.packets) | join("; "))"' \
			"$out" 2>/dev/null | head -20
		return 1
	fi
	want=$(jq --arg fw "$fw" '[.flows[] | select(.firewall == $fw)] | length' "$tmp/plan-$tag.json")
	got=$(jq '.flows | length' "$out")
	bad_flows=$(jq -r '[.flows[] | select(.required and .verdict != "allowed") | .flow] | join(" ")' "$out")
	# "shadowed" is a note, not a finding that makes the audit unclean:
	# sfbnet writes one rule per flow, and two flows may need the same
	# packets (a later rule then decides none).
	kinds=$(jq -r '[.findings[].kind | select(. != "shadowed")] | unique | join(" ")' "$out")
	notes=$(jq '[.findings[] | select(.kind == "shadowed")] | length' "$out")
	if [ "$(jq -r '.format + " " + (.clean | tostring)' "$out")" != "sfbnet-audit true" ]; then
		bad "$label: not \"clean\": true"
	elif [ "$got" != "$want" ] || [ "$got" = 0 ]; then
		bad "$label: $got flow result(s), the plan has $want entries through $fw"
	elif [ -n "$bad_flows" ]; then
		bad "$label: required flows not allowed: $bad_flows"
	elif [ -n "$kinds" ]; then
		bad "$label: findings on sfbnet's own rules: $kinds"
	else
		ok "$label: clean, $got flow(s), every required one allowed, nothing surplus ($notes shadowed note(s))"
	fi
}

nft_case() {  # LABEL TOPO FW [--nat]
	local label=$1 topo=$2 fw=$3
	shift 3
	if ! "$bin" firewall "$topo" -t nftables -F "$fw" "$@" -o "$tmp/rules.nft" 2>"$tmp/gen.err"; then
		bad "$label: sfbnet firewall failed: $(head -c 300 "$tmp/gen.err")"
		return
	fi
	reset_fw
	if ! nsx nft -f "$tmp/rules.nft" 2>"$tmp/load.err"; then
		bad "$label: nft -f refused the rules: $(head -c 300 "$tmp/load.err")"
		return
	fi
	if ! nsx nft -j list ruleset >"$tmp/dump.json" || [ ! -s "$tmp/dump.json" ]; then
		bad "$label: nft -j list ruleset failed"
		return
	fi
	check_audit "$label" "$topo" "$fw" "$tmp/dump.json"
}

ipt_case() {  # LABEL TOPO FW [--nat]
	local label=$1 topo=$2 fw=$3 t
	shift 3
	for t in iptables ip6tables; do
		if ! "$bin" firewall "$topo" -t "$t" -F "$fw" "$@" -o "$tmp/rules.$t" 2>"$tmp/gen.err"; then
			bad "$label: sfbnet firewall -t $t failed: $(head -c 300 "$tmp/gen.err")"
			return
		fi
	done
	reset_fw
	for t in iptables ip6tables; do
		if ! nsx "$t-restore" --noflush <"$tmp/rules.$t" 2>"$tmp/load.err"; then
			bad "$label: $t-restore refused the rules: $(head -c 300 "$tmp/load.err")"
			return
		fi
		# The one-time nat hooks the header names ("hook the chains in, once").
		if grep -q '^:SFBNET-DNAT' "$tmp/rules.$t"; then
			nsx "$t" -t nat -I PREROUTING -j SFBNET-DNAT &&
				nsx "$t" -t nat -I POSTROUTING -j SFBNET-SNAT ||
				{ bad "$label: cannot hook the $t nat chains in"; return; }
		fi
	done
	{ nsx iptables-save && nsx ip6tables-save; } >"$tmp/dump.ipt" ||
		{ bad "$label: iptables-save / ip6tables-save failed"; return; }
	check_audit "$label" "$topo" "$fw" "$tmp/dump.ipt"
}

nexamples=0
for topo in examples/*.yaml; do
	nexamples=$((nexamples + 1))
	tag=$(basename "$topo" .yaml)
	if ! "$bin" plan "$topo" --format json >"$tmp/plan-$tag.json" 2>/dev/null; then
		bad "$topo: sfbnet plan failed"
		continue
	fi
	fws=$(jq -r '.firewalls[].name' "$tmp/plan-$tag.json")
	[ -n "$fws" ] || { bad "$topo: the plan names no firewall"; continue; }
	for fw in $fws; do
		# Does this firewall have NAT?  (--nat always adds the nat table;
		# it holds dnat rules only when a public address is behind it.)
		"$bin" firewall "$topo" -t nftables -F "$fw" --nat -o "$tmp/nat.nft" 2>/dev/null
		nat=0
		grep -Eq '[[:space:]]dnat (ip |ip6 )?to ' "$tmp/nat.nft" && nat=1
		nft_case "$topo $fw nftables" "$topo" "$fw"
		[ "$nat" = 1 ] && nft_case "$topo $fw nftables --nat" "$topo" "$fw" --nat
		if [ "$have_ipt" = 1 ]; then
			ipt_case "$topo $fw iptables+ip6tables" "$topo" "$fw"
			[ "$nat" = 1 ] && ipt_case "$topo $fw iptables+ip6tables --nat" "$topo" "$fw" --nat
		else
			skip "$topo $fw iptables: needs iptables-restore, ip6tables-restore, iptables-save, ip6tables-save"
		fi
	done
done
# The set of examples is what this test covers: fewer means less checked.
[ "$nexamples" -ge 6 ] || bad "only $nexamples example(s) found in examples/ (expected at least 6)"
finish
