#!/usr/bin/env bash
# twin/lifecycle: the twin's namespaces never outlive it, and bad input
# builds nothing.
#   - bad input (an unknown firewall, a ruleset file that does not exist,
#     FIREWALL=FILE written wrong, a ruleset nft refuses): exit 2, a message
#     that names the problem, no output file, no namespace left;
#   - SIGTERM and SIGINT in the middle of a run: exit 3 within seconds, its
#     namespaces and responders gone;
#   - SIGKILL: its namespaces stay, and the next run removes them.
# usage: lifecycle.sh SFBNET   (from the source directory; root)
set -u
bin=$(realpath "$1")
name=twin/lifecycle
here=$(dirname "$0")
# shellcheck source=tests/lib/netns.sh
. "$here/../lib/netns.sh"
pt_need conntrack
pt_need_netns
tmp=$pt_tmp
topo=examples/onprem-edge.yaml
ours() { ip netns list | grep -c "^sfbt$1-"; }

printf 'table inet sfbnet {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n\t\tthis is not nft\n\t}\n}\n' >"$tmp/bad.nft"
while IFS='|' read -r what args want; do
	# shellcheck disable=SC2086
	"$bin" twin "$topo" $args -o "$tmp/out.txt" 2>"$tmp/err" &
	pid=$!
	pt_pids+=("$pid")
	wait "$pid"
	rc=$?
	if [ "$rc" = 2 ] && grep -q -- "$want" "$tmp/err" && [ ! -e "$tmp/out.txt" ] && [ "$(ours "$pid")" = 0 ]; then
		ok "$what: exit 2, '$(head -c 120 "$tmp/err")', nothing written or left"
	else
		bad "$what: exit $rc, '$(head -c 300 "$tmp/err")', output $([ -e "$tmp/out.txt" ] && echo written), $(ours "$pid") namespace(s) left"
	fi
	rm -f "$tmp/out.txt"
done <<EOT
an unknown firewall|--ruleset fw-nowhere=$tmp/bad.nft|no firewall named 'fw-nowhere'
a missing ruleset file|--ruleset fw-external=$tmp/none.nft|$tmp/none.nft: cannot open
FIREWALL=FILE written wrong|--ruleset fw-external|write FIREWALL=FILE
a ruleset nft refuses|--ruleset fw-external=$tmp/bad.nft|bad.nft does not load
EOT
grep -q 'bad.nft:4:' "$tmp/err" && ok "nft's complaint names the line of the bad rule" ||
	bad "nft's complaint: $(head -c 300 "$tmp/err")"

# Stopped by a signal once the probes are under way (every port: long
# enough to be in the middle).
for sig in TERM INT; do
	"$bin" twin "$topo" --rate 2000 --progress -o "$tmp/sig.txt" 2>"$tmp/sig.err" &
	pid=$!
	pt_pids+=("$pid")
	for _ in $(seq 200); do grep -q 'probing from' "$tmp/sig.err" && break; sleep 0.05; done
	[ "$(ours "$pid")" -gt 0 ] && ok "SIG$sig: the run has its namespaces" || bad "SIG$sig: no namespace of the run seen"
	kids=$(pgrep -P "$pid" | wc -l)
	kill -"$sig" "$pid"
	pt_wait "$pid" 20
	left=$(ours "$pid")
	[ "$wrc" = 3 ] && [ "$left" = 0 ] && [ "$(pgrep -P "$pid" | wc -l)" = 0 ] && [ ! -e "$tmp/sig.txt" ] &&
		ok "SIG$sig: exit 3, its $kids responder(s) and every namespace gone, no report" ||
		bad "SIG$sig: exit $wrc, $left namespace(s) left, report $([ -e "$tmp/sig.txt" ] && echo written) $(tail -2 "$tmp/sig.err")"
done

# SIGKILL leaves them; the next run sweeps them up.
"$bin" twin "$topo" --rate 2000 --progress >/dev/null 2>"$tmp/kill.err" &
pid=$!
for _ in $(seq 200); do grep -q 'probing from' "$tmp/kill.err" && break; sleep 0.05; done
kids=$(pgrep -P "$pid")
kill -KILL "$pid"
wait "$pid" 2>/dev/null
sleep 0.5
alive=0
for k in $kids; do  # a zombie (nobody reaped it yet) is dead
	case $(ps -o stat= -p "$k" 2>/dev/null) in "" | Z*) ;; *) alive=$((alive + 1)) ;; esac
done
[ "$alive" = 0 ] && ok "SIGKILL: its responders died with it" || bad "SIGKILL: $alive responder(s) outlived it"
n=$(ours "$pid")
"$bin" twin "$topo" --sample 1 --progress >/dev/null 2>"$tmp/next.err"
[ "$n" -gt 0 ] && [ "$(ours "$pid")" = 0 ] && grep -q "removed $n namespace(s) a killed run left" "$tmp/next.err" &&
	ok "SIGKILL left $n namespace(s); the next run removed them" ||
	bad "after SIGKILL: $n then $(ours "$pid") namespace(s); next run said: $(head -3 "$tmp/next.err")"
for ns in $(ip netns list | grep -o "^sfbt$pid-[a-z0-9]*"); do ip netns del "$ns"; done
finish
