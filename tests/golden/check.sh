#!/usr/bin/env bash
# Golden-file test: every example's plan (text, json, csv, md), DNS records
# (zone, json), certificates (text, json), every firewall's rules of every
# firewall target (nftables, iptables, asa, srx, pf, the csv and md ticket
# tables; the loadable ones also with --mode include and with --nat) and
# every Windows host's script must equal the files under
# tests/golden/<example>/.  The set of files compared must equal the set
# of golden files: a golden file that no command produced any more (say, a
# reworded message that loses the list of Windows hosts) fails, and so
# does an output without a golden file.  Run with SFB_UPDATE_GOLDEN=1 to
# rewrite them (stale golden files are removed; review the diff before
# committing).
set -u
bin=$1
golden=tests/golden
fail=0 pass=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

outputs() {  # example -> list of "name|command args"
	local ex=$1
	for fmt in text json csv md; do
		echo "plan.$fmt|plan $ex --format $fmt"
	done
	echo "dns.zone|dns $ex"
	echo "dns.json|dns $ex --format json"
	echo "dns.windows.ps1|dns $ex --format windows"
	echo "certs.text|certs $ex"
	echo "certs.json|certs $ex --format json"
	"$bin" plan "$ex" --format json 2>/dev/null |
		jq -r '.firewalls[].name' | while read -r fw; do
			echo "$fw.nft|firewall $ex --target nftables --firewall $fw"
			echo "$fw.ipt|firewall $ex --target iptables --firewall $fw"
			echo "$fw.asa|firewall $ex --target asa --firewall $fw"
			echo "$fw.srx|firewall $ex --target srx --firewall $fw"
			echo "$fw.pf|firewall $ex --target pf --firewall $fw"
			echo "$fw.ticket.csv|firewall $ex --target csv --firewall $fw"
			echo "$fw.ticket.md|firewall $ex --target md --firewall $fw"
			for t in nft:nftables ipt:iptables asa:asa srx:srx pf:pf; do
				acl=""; [ "${t#*:}" = asa ] && acl=" --acl OUTSIDE_IN"
				echo "$fw.include.${t%%:*}|firewall $ex --target ${t#*:} --firewall $fw --mode include$acl"
				echo "$fw.nat.${t%%:*}|firewall $ex --target ${t#*:} --firewall $fw --nat"
			done
		done
	# windows: one script per Windows host (the error without --host
	# names them; with a single one, its script says its name).
	local hosts
	hosts=$("$bin" firewall "$ex" --target windows 2>&1 >/dev/null |
		sed -n 's/.* Windows hosts (\(.*\)): choose .*/\1/p' | tr -d ,)
	[ -n "$hosts" ] || hosts=$("$bin" firewall "$ex" --target windows 2>/dev/null |
		sed -n "s/^# Windows Firewall inbound rules for host '\([^']*\)'.*/\1/p")
	for h in $hosts; do
		echo "win-$h.ps1|firewall $ex --target windows --host $h"
	done
}

for ex in examples/*.yaml; do
	name=$(basename "$ex" .yaml)
	mkdir -p "$tmp/$name"
	while IFS='|' read -r out cmd; do
		# shellcheck disable=SC2086
		if ! "$bin" $cmd >"$tmp/$name/$out" 2>"$tmp/$name/$out.err"; then
			echo "FAIL: sfbnet $cmd exited non-zero:"; cat "$tmp/$name/$out.err"
			fail=$((fail + 1)); continue
		fi
		if [ "${SFB_UPDATE_GOLDEN:-0}" = 1 ]; then
			mkdir -p "$golden/$name"; cp "$tmp/$name/$out" "$golden/$name/$out"
		fi
		if diff -u "$golden/$name/$out" "$tmp/$name/$out" >"$tmp/diff" 2>&1; then
			pass=$((pass + 1))
		else
			echo "FAIL: $name/$out differs from the golden file:"; head -40 "$tmp/diff"
			fail=$((fail + 1))
		fi
	done < <(outputs "$ex")
	# Every golden file was compared, and nothing else.
	for g in "$golden/$name"/*; do
		[ -e "$g" ] || continue
		if [ ! -e "$tmp/$name/$(basename "$g")" ]; then
			if [ "${SFB_UPDATE_GOLDEN:-0}" = 1 ]; then rm -f "$g"; continue; fi
			echo "FAIL: $name/$(basename "$g"): a golden file that no output was compared with"
			fail=$((fail + 1))
		fi
	done
done
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
