#!/usr/bin/env bash
# Every generated ruleset must be accepted by the real tools: nft -c -f for
# nftables, iptables-restore --test for iptables.  Both check against the
# kernel through netlink, so this runs in a private network namespace of
# its own (nothing is loaded into the host's firewall).
set -u
bin=$1
if [ "$(id -u)" != 0 ] || ! command -v nft >/dev/null || ! command -v iptables-restore >/dev/null; then
	echo "SKIP: needs root, nft and iptables-restore"; exit 77
fi
ns=sfbval$$
if ! ip netns add "$ns" 2>/dev/null; then
	echo "SKIP: cannot create a network namespace"; exit 77
fi
tmp=$(mktemp -d)
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0
for ex in examples/*.yaml; do
	for fw in $("$bin" plan "$ex" --format json | jq -r '.firewalls[].name'); do
		f="$tmp/$(basename "$ex" .yaml)-$fw"
		"$bin" firewall "$ex" -t nftables -F "$fw" -o "$f.nft" || { fail=$((fail+1)); continue; }
		"$bin" firewall "$ex" -t iptables -F "$fw" -o "$f.ipt" || { fail=$((fail+1)); continue; }
		if ip netns exec "$ns" nft -c -f "$f.nft"; then pass=$((pass+1)); else
			echo "FAIL: nft -c rejects the rules of $ex $fw"; fail=$((fail+1)); fi
		# Load for real, twice: the second load must replace, not add.
		if ip netns exec "$ns" nft -f "$f.nft" && ip netns exec "$ns" nft -f "$f.nft"; then
			n1=$(ip netns exec "$ns" nft list table inet sfbnet | grep -c 'accept comment')
			n2=$(grep -c 'accept comment' "$f.nft")
			if [ "$n1" = "$n2" ]; then pass=$((pass+1)); else
				echo "FAIL: $ex $fw: $n1 rules loaded after two loads, file has $n2"; fail=$((fail+1)); fi
		else
			echo "FAIL: nft -f could not load $ex $fw"; fail=$((fail+1))
		fi
		if ip netns exec "$ns" iptables-restore --test --noflush "$f.ipt"; then pass=$((pass+1)); else
			echo "FAIL: iptables-restore --test rejects the rules of $ex $fw"; fail=$((fail+1)); fi
		# Load for real, twice, over an INPUT rule of the box's own: the
		# ruleset must replace itself and leave that rule alone.
		ip netns del "$ns"; ip netns add "$ns"
		ip netns exec "$ns" iptables -A INPUT -p tcp --dport 22 -m comment --comment keep-me -j ACCEPT
		if ip netns exec "$ns" iptables-restore --noflush "$f.ipt" &&
		    ip netns exec "$ns" iptables-restore --noflush "$f.ipt"; then
			n1=$(ip netns exec "$ns" iptables-save -t filter | grep -c '^-A FORWARD\|^-A SFBNET')
			n2=$(grep -c '^-A' "$f.ipt")
			if [ "$n1" = "$n2" ]; then pass=$((pass+1)); else
				echo "FAIL: $ex $fw: $n1 iptables rules after two loads, file has $n2"; fail=$((fail+1)); fi
			if ip netns exec "$ns" iptables-save -t filter | grep -q 'keep-me'; then pass=$((pass+1)); else
				echo "FAIL: $ex $fw: loading removed the box's own INPUT rule"; fail=$((fail+1)); fi
		else
			echo "FAIL: iptables-restore could not load $ex $fw"; fail=$((fail+1))
		fi
		ip netns del "$ns"; ip netns add "$ns"
		# --mode include and --nat: accepted by the real tools, and
		# loading twice leaves one copy.
		"$bin" firewall "$ex" -t nftables -F "$fw" --mode include --nat -o "$f.inc.nft" &&
		"$bin" firewall "$ex" -t iptables -F "$fw" --mode include --nat -o "$f.inc.ipt" ||
			{ fail=$((fail+1)); continue; }
		if ip netns exec "$ns" nft -f "$f.inc.nft" && ip netns exec "$ns" nft -f "$f.inc.nft"; then
			n1=$(ip netns exec "$ns" nft list ruleset | grep -c 'accept comment\|nat in: \|nat out: ')
			n2=$(grep -c 'accept comment\|nat in: \|nat out: ' "$f.inc.nft")
			if [ "$n1" = "$n2" ]; then pass=$((pass+1)); else
				echo "FAIL: $ex $fw include --nat: $n1 nft rules after two loads, file has $n2"
				fail=$((fail+1)); fi
		else
			echo "FAIL: nft -f could not load $ex $fw --mode include --nat"; fail=$((fail+1))
		fi
		if ip netns exec "$ns" iptables-restore --noflush "$f.inc.ipt" &&
		    ip netns exec "$ns" iptables-restore --noflush "$f.inc.ipt"; then
			n1=$( (ip netns exec "$ns" iptables-save -t filter; ip netns exec "$ns" iptables-save -t nat) |
				grep -c '^-A SFBNET')
			n2=$(grep -c '^-A SFBNET' "$f.inc.ipt")
			if [ "$n1" = "$n2" ]; then pass=$((pass+1)); else
				echo "FAIL: $ex $fw include --nat: $n1 iptables rules after two loads, file has $n2"
				fail=$((fail+1)); fi
		else
			echo "FAIL: iptables-restore could not load $ex $fw --mode include --nat"; fail=$((fail+1))
		fi
		ip netns del "$ns"; ip netns add "$ns"
	done
done
echo "validators: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
