#!/usr/bin/env bash
# sfbnet audit --host: a host's own firewall (its input chains) against
# every flow that ends at the host.  The same hand-written rules for fe1 of
# examples/onprem-edge.yaml (loopback and established accepted, TCP 443,
# 444, 5061 and 8057 from anywhere, and SSH), as nftables and as iptables,
# loaded in a namespace of the test's own and dumped by the real tools:
# the flows on those ports are allowed, the others (4443 from the reverse
# proxy, the conferencing ports inside the pool ...) blocked by the
# policy, the loopback rule is no "unknown", and the SSH rule is surplus.
# Exit 77 when no namespace can be made.
set -u
bin=$1
here=tests/audit/host
topo=examples/onprem-edge.yaml
pass=0 fail=0
ns=sfbhost$$
tmp=$(mktemp -d)
cleanup() { ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
if ! ip netns add "$ns" 2>/dev/null; then
	echo "SKIP: audit/host: cannot create a network namespace"
	exit 77
fi

check() {  # KIND FILE
	local kind=$1 f=$2 rc
	"$bin" audit "$topo" --host fe1 -r "$f" -f json >"$tmp/a.json" 2>"$tmp/err"; rc=$?
	[ "$rc" = 1 ] && ok || bad "$kind: exit status $rc, want 1: $(head -2 "$tmp/err")"
	for flow in po-im-sip-from-edge po-im-client-https po-im-client-sip po-av-client-psom; do
		jq -e --arg f "$flow" '.flows[] | select(.flow == $f) | .verdict == "allowed"' "$tmp/a.json" >/dev/null &&
			ok || bad "$kind: $flow is not allowed"
	done
	jq -e '.flows[] | select(.flow == "po-im-rp-to-pool-4443") | .verdict == "blocked" and
		(.missing[0].packets == "tcp 172.16.20.40 -> 10.10.1.11 dport 4443") and
		(.missing[0].decided_by | test("policy of chain .*input .*\\(drop\\)"; "i"))' "$tmp/a.json" >/dev/null &&
		ok || bad "$kind: po-im-rp-to-pool-4443: $(jq -c '.flows[] | select(.flow == "po-im-rp-to-pool-4443")' "$tmp/a.json")"
	jq -e '.flows[] | select(.flow == "pp-director-web") | .verdict == "partial" and
		(.missing | map(.packets) == ["tcp 10.10.1.21 -> 10.10.1.11 dport 80"])' "$tmp/a.json" >/dev/null &&
		ok || bad "$kind: pp-director-web: $(jq -c '.flows[] | select(.flow == "pp-director-web")' "$tmp/a.json")"
	jq -e '[.flows[] | select(.verdict == "unknown")] | length == 0' "$tmp/a.json" >/dev/null &&
		ok || bad "$kind: unknown flows (the loopback rule?)"
	# SSH: no flow needs it; the surplus is the host's own address only.
	jq -e '[.findings[] | select(.kind == "surplus") | .packets[].packets] |
		index("tcp 0.0.0.0/0 -> 10.10.1.11 dport 22") != null' "$tmp/a.json" >/dev/null &&
		ok || bad "$kind: the SSH surplus: $(jq -c '[.findings[] | {kind, rule}]' "$tmp/a.json")"
	# The loopback rule never decides a packet from the network: a note.
	jq -e '[.findings[] | select(.kind == "shadowed") | .rule] | any(test("handle 2 |-i lo "))' "$tmp/a.json" >/dev/null &&
		ok || bad "$kind: the loopback rule is not a shadowed note: $(jq -c '[.findings[] | {kind, rule}]' "$tmp/a.json")"
	jq -e '.host == "fe1" and .firewall == null' "$tmp/a.json" >/dev/null && ok || bad "$kind: host/firewall keys"
}

ip netns exec "$ns" nft -f "$here/fe1.nft" && ip netns exec "$ns" nft -j list ruleset >"$tmp/fe1.json" ||
	bad "nft could not load $here/fe1.nft"
check nftables "$tmp/fe1.json"
ip netns exec "$ns" nft flush ruleset
if command -v iptables-restore >/dev/null && ip netns exec "$ns" iptables-restore "$here/fe1.rules" &&
	ip netns exec "$ns" iptables-save >"$tmp/fe1.save"; then
	check iptables "$tmp/fe1.save"
else
	echo "SKIP: the iptables part: iptables-restore failed"
fi
# --host and --firewall together, a host that is not there: usage / bad input
"$bin" audit "$topo" --host fe1 -F fw-external -r "$tmp/fe1.json" >/dev/null 2>&1
[ $? = 2 ] && ok || bad "--host with --firewall: not exit 2"
"$bin" audit "$topo" --host nosuch -r "$tmp/fe1.json" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "no host named 'nosuch'" "$tmp/err" && ok || bad "--host nosuch: $(cat "$tmp/err")"

echo "audit/host: $pass passed, $fail failed"
[ "$fail" = 0 ]
