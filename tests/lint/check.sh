#!/usr/bin/env bash
# Topology checks of `sfbnet validate` against the DNS and certificate rules:
# each case must warn (with its citation), and --strict must then exit 1;
# the clean topology must give no warning at all.
set -u
bin=$1
pass=0 fail=0
expect_warning() {  # file, pattern
	local out rc
	out=$("$bin" validate "$1" 2>&1 >/dev/null); rc=$?
	if [ "$rc" -eq 0 ] && grep -Eq -- "$2" <<<"$out"; then pass=$((pass + 1)); else
		printf 'FAIL: %s: exit %s, no warning /%s/ in:\n%s\n' "$1" "$rc" "$2" "$out"
		fail=$((fail + 1))
	fi
	"$bin" validate --strict "$1" >/dev/null 2>&1; rc=$?
	if [ "$rc" -eq 1 ]; then pass=$((pass + 1)); else
		echo "FAIL: $1: validate --strict exit $rc, want 1"; fail=$((fail + 1)); fi
}
# A refusal of certs (and of validate, which checks the certificates):
# exit 2, the message at the topology's line.
expect_refusal() {  # file, command, pattern
	local out rc
	out=$("$bin" "$2" "$1" 2>&1 >/dev/null); rc=$?
	if [ "$rc" -eq 2 ] && grep -Eq -- "$3" <<<"$out"; then pass=$((pass + 1)); else
		printf 'FAIL: %s %s: exit %s, want 2 and /%s/ in:\n%s\n' "$2" "$1" "$rc" "$3" "$out"
		fail=$((fail + 1))
	fi
}
for c in validate certs; do
	expect_refusal tests/lint/cert-edge-no-name.yaml $c \
		"^tests/lint/cert-edge-no-name.yaml:20:9: host 'edge1' needs a pool: \\(or an fqdn: on this endpoint\\) for po-cert-edge-internal"
done
expect_warning examples/onprem-edge.yaml \
	"onprem-edge.yaml:14:42: pool 'pool.corp.fabrikam.com': topology version 1 puts the vip in DNS only.*write version: 2.*\\[ms-load-balancing"
expect_warning examples/hybrid-o365.yaml \
	"SIP domain 'contoso.net': its federation SRV record .* 'sip.contoso.com'.*strict DNS name matching.*\[ms-sfb-hybrid"
expect_warning tests/lint/edge-no-public.yaml \
	"edge-no-public.yaml:[0-9]+:[0-9]+: the edge-webconf endpoint of host 'edge1' has a private address and no public address.*\[ms-edge-env"
expect_warning tests/lint/meet-outside.yaml \
	"simple_urls.meet 'meet.fabrikam.org' is not in any SIP domain.*\[ms-sfb-poster"
expect_warning tests/lint/long-cn.yaml \
	"certificate po-cert-front-end: the subject name '.*' has 88 characters, more than the 64.*RFC 5280"
expect_warning tests/lint/edge-no-outside.yaml \
	"edge-no-outside.yaml:[0-9]+:[0-9]+: the edge-access endpoint of host 'edge1' receives no flow from the outside zone: .*remote-client.*federated-partner.*\[catalog: the flows to edge-access\]"
expect_warning tests/lint/v2-edge-one-network.yaml \
	"v2-edge-one-network.yaml:23:37: Edge host 'edge1': its internal interface \\(172.16.10.11\\) and its external interface \\(172.16.10.21\\) are in one network of zone 'perimeter'.*\\[ms-load-balancing"
expect_warning tests/lint/edge-no-outside.yaml \
	"the edge-av endpoint of host 'edge1' receives no flow from the outside zone"
# Two Edge pools: no warning, and one external certificate per pool with
# that pool's names only.
out=$("$bin" validate --strict tests/lint/two-edge-pools.yaml 2>&1 >/dev/null); rc=$?
if [ "$rc" -eq 0 ] && ! grep -q warning <<<"$out"; then pass=$((pass + 1)); else
	printf 'FAIL: two Edge pools: exit %s\n%s\n' "$rc" "$out"; fail=$((fail + 1)); fi
got=$("$bin" certs tests/lint/two-edge-pools.yaml --format json | jq -c '[.certificates[] |
	select(.entry == "po-cert-edge-external") | [.subject, (.san | sort)]]')
want='[["sip.contoso.com",["sip.contoso.com","sip.fabrikam.com","webcon-a.contoso.com"]],["access-b.contoso.com",["access-b.contoso.com","sip.contoso.com","sip.fabrikam.com","webcon-b.contoso.com"]]]'
if [ "$got" = "$want" ]; then pass=$((pass + 1)); else
	printf 'FAIL: two Edge pools: certificates\n got  %s\n want %s\n' "$got" "$want"; fail=$((fail + 1)); fi
out=$("$bin" validate --strict tests/lint/clean.yaml 2>&1 >/dev/null); rc=$?
if [ "$rc" -eq 0 ] && ! grep -q warning <<<"$out"; then pass=$((pass + 1)); else
	printf 'FAIL: clean topology: exit %s\n%s\n' "$rc" "$out"; fail=$((fail + 1)); fi
# certs refuses the long name outright (OpenSSL would reject it too)
"$bin" certs tests/lint/long-cn.yaml >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && pass=$((pass + 1)) || { echo "FAIL: certs with a long CN: exit $rc"; fail=$((fail + 1)); }
echo "lint: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
