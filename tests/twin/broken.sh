#!/usr/bin/env bash
# twin/broken-rulesets: `sfbnet twin --ruleset FIREWALL=FILE` loads the
# user's own rules into that firewall, and the report names exactly what
# is wrong with them.  On the on-premises Edge example (fw-external is
# between the perimeter and the internet):
#   - the generated rules of fw-external as a file: everything passes
#     (the --ruleset path itself adds nothing);
#   - without the rule of po-im-fed-sip-out: that flow fails, to every
#     destination, and nothing else;
#   - the UDP relay range narrowed to 50000-58999: po-av-edge-relay-out
#     over UDP is partial with exactly 59000-59999 filtered; over TCP it
#     still passes;
#   - one rule too many (tcp dport 3389 from anywhere): every pair of
#     endpoints across fw-external reports 3389 as unexpected, exit 1;
#   - fw-internal from iptables-save text (the iptables target): loaded
#     with iptables-restore, everything passes.
# usage: broken.sh SFBNET   (from the source directory; root)
set -u
bin=$(realpath "$1")
name=twin/broken-rulesets
here=$(dirname "$0")
# shellcheck source=tests/lib/netns.sh
. "$here/../lib/netns.sh"
pt_need conntrack iptables-restore
pt_need_netns
tmp=$pt_tmp
topo=examples/onprem-edge.yaml
"$bin" firewall "$topo" --target nftables --firewall fw-external -o "$tmp/ext.nft" 2>/dev/null ||
	{ bad "sfbnet firewall fw-external"; finish; }
"$bin" firewall "$topo" --target iptables --firewall fw-internal -o "$tmp/int.ipt" 2>/dev/null ||
	{ bad "sfbnet firewall fw-internal --target iptables"; finish; }

twin() {   # OUT ARGS... (64 ports of each flow destination unless ARGS say)
	local out=$1 s=(--sample 64)
	shift
	case " $* " in *" --sample "*) s=() ;; esac
	"$bin" twin "$topo" "${s[@]}" --format json -o "$out" "$@" 2>"$out.err"
	rc=$?
}
failing() {  # JSON: the flow ids that do not pass, "id/protocol" sorted
	jq -r '[.flows[] | select(.verdict != "pass") | "\(.flow)/\(.protocol)"] | unique | join(" ")' "$1"
}

twin "$tmp/same.json" --ruleset "fw-external=$tmp/ext.nft"
[ "$rc" = 0 ] && jq -e '.ok and (.firewalls[] | select(.firewall == "fw-external") | .ruleset | endswith("ext.nft"))' "$tmp/same.json" >/dev/null &&
	ok "the generated rules given as a file: all $(jq .summary.pass "$tmp/same.json") pass" ||
	bad "the generated rules as a file: exit $rc, failing '$(failing "$tmp/same.json")' $(head -c 300 "$tmp/same.json.err")"
want=$(jq '[.flows[] | select(.flow == "po-im-fed-sip-out")] | length' "$tmp/same.json")

grep -v 'comment "po-im-fed-sip-out:' "$tmp/ext.nft" >"$tmp/missing.nft"
twin "$tmp/missing.json" --ruleset "fw-external=$tmp/missing.nft"
got=$(failing "$tmp/missing.json")
n=$(jq '[.flows[] | select(.flow == "po-im-fed-sip-out" and .verdict == "fail" and .filtered == "5061")] | length' "$tmp/missing.json")
[ "$rc" = 1 ] && [ "$got" = "po-im-fed-sip-out/tcp" ] && [ "$n" = "$want" ] && [ "$want" -gt 0 ] &&
	ok "a missing rule: exactly po-im-fed-sip-out fails (5061 filtered, $n destinations), exit 1" ||
	bad "a missing rule: exit $rc, failing '$got', $n of $want destinations"

sed '/comment "po-av-edge-relay-out:/ s/udp dport 50000-59999/udp dport 50000-58999/' "$tmp/ext.nft" >"$tmp/narrow.nft"
cmp -s "$tmp/ext.nft" "$tmp/narrow.nft" && bad "the narrowed copy is unchanged"
twin "$tmp/narrow.json" --ruleset "fw-external=$tmp/narrow.nft" --sample 0
got=$(failing "$tmp/narrow.json")
ranges=$(jq -r '[.flows[] | select(.flow == "po-av-edge-relay-out" and .protocol == "udp") | "\(.verdict):\(.filtered)"] | unique | join(" ")' "$tmp/narrow.json")
[ "$rc" = 1 ] && [ "$got" = "po-av-edge-relay-out/udp" ] && [ "$ranges" = "partial:59000-59999" ] &&
	ok "a narrowed range: po-av-edge-relay-out/udp partial, filtered 59000-59999; TCP still passes" ||
	bad "a narrowed range: exit $rc, failing '$got', verdicts '$ranges'"

sed 's/^\t\tct state invalid drop$/&\n\t\ttcp dport 3389 accept comment "too wide"/' "$tmp/ext.nft" >"$tmp/wide.nft"
twin "$tmp/wide.json" --ruleset "fw-external=$tmp/wide.nft"
leaks=$(jq -r '[.unplanned[] | select(.verdict == "unexpected") | .open] | unique | join(" ")' "$tmp/wide.json")
nleak=$(jq '[.unplanned[] | select(.verdict == "unexpected")] | length' "$tmp/wide.json")
across=$(jq '[.unplanned[] | select(.protocol == "tcp" and (.firewalls | index("fw-external")) and (.ports | split(",") | index("3389")))] | length' "$tmp/wide.json")
[ "$rc" = 1 ] && [ "$leaks" = "3389" ] && [ "$nleak" = "$across" ] && [ "$nleak" -gt 0 ] &&
	[ -z "$(failing "$tmp/wide.json")" ] &&
	ok "a rule too many: 3389 unexpected on all $nleak endpoint pairs across fw-external that tried it, exit 1" ||
	bad "a rule too many: exit $rc, unexpected '$leaks' on $nleak of $across pairs, failing '$(failing "$tmp/wide.json")'"

twin "$tmp/ipt.json" --ruleset "fw-internal=$tmp/int.ipt"
[ "$rc" = 0 ] && jq -e '.ok' "$tmp/ipt.json" >/dev/null &&
	ok "fw-internal from iptables-save text: all $(jq .summary.pass "$tmp/ipt.json") pass" ||
	bad "iptables-save ruleset: exit $rc, failing '$(failing "$tmp/ipt.json")' $(head -c 300 "$tmp/ipt.json.err")"
finish
