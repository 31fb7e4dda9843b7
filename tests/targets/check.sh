#!/usr/bin/env bash
# targets/semantic: every generated ruleset, read back by the semantic
# checker, passes exactly the plan's flows: for every example, every
# firewall and every firewall target (nftables, iptables, ip6tables, asa,
# srx, pf, csv, md), and for every Windows host of every example (windows,
# against the flows whose destinations are that host).  tests/targets/*.yaml
# add what the examples lack: IPv6, a firewall of three zones reached
# through another firewall.
#
# Mutations: the checker must also FAIL when a rule line is deleted (the
# first, a middle and the last one of the file), and when one address line
# of a set, table, group or chain is deleted, so a dropped flow or a
# dropped address cannot go unnoticed.
#
# Run from the source directory: check.sh SFBNET SEMANTIC SFBNET_BATCH
# (sfbnet itself for each example's whole plan, the lists of Windows
# hosts and the command-line cases; SFBNET_BATCH, the same code, for the
# rulesets and the plans of one firewall).
set -u
bin=$1
sem=$2
batch=$3
pass=0 fail=0
declare -A mutated   # target -> mutations that failed as they must
declare -A variants  # target--include / target--nat -> the same
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# The lines of a file that are one rule each, and the lines that add one
# address to a named set, per target (extended regular expressions), in re.
rule_re() {
	case $1 in
	nftables) re='accept comment' ;;
	iptables|ip6tables) re='^-A SFBNET ' ;;
	asa) re='^access-list [^ ]+ extended permit ' ;;
	srx) re=' then permit$' ;;
	pf) re='^pass ' ;;
	csv) re='^[^,]*,"?[0-9a-f:]' ;;          # rows (the header's 2nd column is "source")
	md) re='^\| [^|]* \| [0-9a-f:]' ;;
	windows) re='^New-NetFirewallRule ' ;;
	*) re='' ;;
	esac
}
addr_re() {
	case $1 in
	nftables) re='^			[0-9a-f:.]+/?[0-9]*,?$' ;;
	iptables|ip6tables) re='^-A SFBNET-[SD][0-9]+ -[sd] ' ;;
	asa) re='^ network-object ' ;;
	srx) re=' address-set SFB-SET-[0-9]+ address ' ;;
	pf) re='^	[0-9a-f:.]+/?[0-9]* \\$' ;;
	*) re='' ;;
	esac
}

# One NAT statement line per target (--nat), in re.
nat_re() {
	case $1 in
	nftables) re=' dnat ip6? to ' ;;
	iptables|ip6tables) re=' -j DNAT ' ;;
	asa) re='^ nat \(' ;;
	srx) re=' then static-nat prefix ' ;;
	pf) re='^match in .* rdr-to ' ;;
	*) re='' ;;
	esac
}

# lines_of RE FILE: the numbers of FILE's lines that match RE, in hits
# (bash's =~ is POSIX extended regular expressions, as grep -E; no process
# per file).
lines_of() {
	local -a body
	local i
	hits=()
	mapfile -t body <"$2"
	for ((i = 0; i < ${#body[@]}; i++)); do
		[[ ${body[i]} =~ $1 ]] && hits+=($((i + 1)))
	done
}

# mutate FILE LINE MUTANT: FILE without its line LINE, as sed "LINEd"
# writes it (without starting a process: there are hundreds).
mutate() {
	local -a body
	mapfile -t body <"$1"
	body=("${body[@]:0:$2-1}" "${body[@]:$2}")
	if [ "${#body[@]}" -gt 0 ]; then printf '%s\n' "${body[@]}" >"$3"; else : >"$3"; fi
}

# The checker's runs are queued while the rulesets are generated and then
# run by one `$sem --batch` process, each run a child of it (starting a
# sanitized process costs more than a run): queue WANT PARENT KEY WHAT
# ARGS... adds the run of ARGS; WANT is pass or fail (a mutant: exit 1, a
# difference, or 2, a parse error); it counts only when run PARENT (0:
# none) passed, as a mutation counts only on a file that passed; a failing
# mutant adds one to the counter KEY (mutated[T] or variants[T--FLAG]);
# WHAT is the text of the FAIL line.
declare -a jwant jparent jkey jwhat jpassed
njobs=0
: >"$tmp/jobs"
queue() {
	local want=$1 parent=$2 key=$3 what=$4 IFS=$'\t'
	shift 4
	njobs=$((njobs + 1))
	jwant[njobs]=$want jparent[njobs]=$parent jkey[njobs]=$key jwhat[njobs]=$what
	echo "$tmp/out.$njobs	$*" >>"$tmp/jobs"
}

# check_variant FLAG TARGET FILE PLAN: a --mode include (FLAG --include) or
# --nat (FLAG --nat) ruleset passes; deleting its first rule line, and for
# --nat its first NAT line, fails.  (Lighter than check: the standalone
# file of the same flows had every mutation.)
check_variant() {
	local flag=$1 target=$2 file=$3 plan=$4 line re base mutant
	local -a res hits
	queue pass 0 "" "$target $flag ${file##*/} does not match the plan:" \
		"$flag" "$target" "$file" "$plan"
	base=$njobs
	rule_re "$target"; res=("$re")
	if [ "$flag" = --nat ]; then nat_re "$target"; res+=("$re"); fi
	for re in "${res[@]}"; do
		[ -n "$re" ] || continue
		lines_of "$re" "$file"
		line=${hits[0]:-}
		[ -n "$line" ] || continue
		mutant=$tmp/mutant.$((njobs + 1))
		mutate "$file" "$line" "$mutant"
		queue fail "$base" "v:$target$flag" "$target $flag: deleting line $line ($re) went unnoticed" \
			"$flag" "$target" "$mutant" "$plan"
	done
}

# check TARGET FILE PLAN [HOST]: the file passes, and each mutation fails.
check() {
	local target=$1 file=$2 plan=$3 host=${4:-} what n re k line base mutant
	local -a hits
	what="$target ${file##*/}"
	# shellcheck disable=SC2086
	queue pass 0 "" "$what does not match the plan:" "$target" "$file" "$plan" $host
	base=$njobs
	rule_re "$target"
	lines_of "$re" "$file"
	n=${#hits[@]}
	if [ "$n" -eq 0 ]; then
		# Nothing planned here (e.g. ip6tables of an IPv4-only topology):
		# the plan must agree, which the run above proves.
		return
	fi
	for k in 1 $(((n + 1) / 2)) "$n"; do
		line=${hits[k - 1]}
		mutant=$tmp/mutant.$((njobs + 1))
		mutate "$file" "$line" "$mutant"
		# shellcheck disable=SC2086
		queue fail "$base" "m:$target" "$what: deleting rule line $line went unnoticed" \
			"$target" "$mutant" "$plan" $host
	done
	addr_re "$target"
	[ -n "$re" ] || return
	lines_of "$re" "$file"
	line=${hits[0]:-}
	[ -n "$line" ] || return
	mutant=$tmp/mutant.$((njobs + 1))
	mutate "$file" "$line" "$mutant"
	# shellcheck disable=SC2086
	queue fail "$base" "" "$what: deleting address line $line went unnoticed" \
		"$target" "$mutant" "$plan" $host
}

# run_queue: run the queued checks, then judge each as check and
# check_variant say.
run_queue() {
	local j st key
	local -a status
	if ! "$sem" --batch "$tmp/jobs" >"$tmp/status" 2>"$tmp/batch.err"; then
		bad "semantic --batch failed:"; cat "$tmp/batch.err"
	fi
	mapfile -t status <"$tmp/status"
	if [ "${#status[@]}" -ne "$njobs" ]; then
		bad "semantic --batch: ${#status[@]} status line(s) for $njobs run(s)"
	fi
	for ((j = 1; j <= njobs; j++)); do
		if [ "${jparent[j]}" -gt 0 ] && [ "${jpassed[jparent[j]]:-0}" != 1 ]; then
			continue
		fi
		st=${status[j - 1]:-none}
		if [ "${jwant[j]}" = pass ]; then
			if [ "$st" = 0 ]; then ok; jpassed[j]=1; else
				bad "${jwhat[j]}"; head -20 "$tmp/out.$j"; fi
		elif [ "$st" = 1 ] || [ "$st" = 2 ]; then
			ok
			key=${jkey[j]}
			case $key in
			m:*) mutated[${key#m:}]=$((${mutated[${key#m:}]:-0} + 1)) ;;
			v:*) variants[${key#v:}]=$((${variants[${key#v:}]:-0} + 1)) ;;
			esac
		elif [ "$st" = 0 ]; then
			bad "${jwhat[j]}"
		else
			bad "${jwhat[j]} (the checker ended with status $st):"; head -20 "$tmp/out.$j"
		fi
	done
}

# The rulesets are made by one sfbnet_batch process (sfbnet's own code,
# the commands in turns in a child, see tests/lib/sfbnet_batch.c): gen
# KIND PARENT TARGET OUT PLAN HOST WHAT -- ARGS... queues `sfbnet ARGS`
# (stdout to OUT when KIND is plan), to be judged after the batch as
# KIND says: fw (check), include or nat (check_variant), windows (check
# with HOST); a job whose PARENT (the standalone ruleset) failed is not
# judged, as it was not made before.
declare -a gkind gparent gtarget gout gplan ghost gwhat
ngen=0
: >"$tmp/gen"
gen() {
	local IFS=$'\t' stdout
	ngen=$((ngen + 1))
	gkind[ngen]=$1 gparent[ngen]=$2 gtarget[ngen]=$3 gout[ngen]=$4 gplan[ngen]=$5
	ghost[ngen]=$6 gwhat[ngen]=$7
	stdout=$tmp/gen.$ngen.out
	[ "$1" = plan ] && stdout=$4
	shift 8
	echo "$stdout	$tmp/gen.$ngen.err	$*" >>"$tmp/gen"
}
for ex in examples/*.yaml tests/targets/*.yaml; do
	name=$(basename "$ex" .yaml)
	"$bin" plan "$ex" --format json >"$tmp/$name.json" 2>/dev/null || { bad "plan $ex"; continue; }
	for fw in $(jq -r '.firewalls[].name' "$tmp/$name.json"); do
		plan=$tmp/$name-$fw.json
		gen plan 0 "" "$plan" "" "" "" -- plan "$ex" --format json --firewall "$fw"
		for target in nftables iptables ip6tables asa srx pf csv md; do
			out=$tmp/$name-$fw.$target
			gen fw 0 "$target" "$out" "$plan" "" "sfbnet firewall $ex -t $target -F $fw:" -- \
				firewall "$ex" -t "$target" -F "$fw" -o "$out"
			std=$ngen
			case $target in csv|md) continue ;; esac
			acl=(); [ "$target" = asa ] && acl=(--acl OUTSIDE_IN)
			gen include "$std" "$target" "$out.inc" "$plan" "" \
				"sfbnet firewall $ex -t $target -F $fw --mode include:" -- \
				firewall "$ex" -t "$target" -F "$fw" --mode include "${acl[@]}" -o "$out.inc"
			gen nat "$std" "$target" "$out.nat" "$plan" "" \
				"sfbnet firewall $ex -t $target -F $fw --nat:" -- \
				firewall "$ex" -t "$target" -F "$fw" --nat -o "$out.nat"
		done
	done
	# Windows: one script per Windows host; the error without --host
	# lists them (or there is exactly one, or none).
	hosts=$("$bin" firewall "$ex" -t windows 2>&1 >/dev/null |
		sed -n 's/.* Windows hosts (\(.*\)): choose .*/\1/p' | tr -d ,)
	if [ -z "$hosts" ] && "$bin" firewall "$ex" -t windows -o "$tmp/one.ps1" 2>/dev/null; then
		hosts=$(sed -n "s/^# Windows Firewall inbound rules for host '\([^']*\)'.*/\1/p" "$tmp/one.ps1")
	fi
	for h in $hosts; do
		out=$tmp/$name-$h.ps1
		gen windows 0 windows "$out" "$tmp/$name.json" "$h" \
			"sfbnet firewall $ex -t windows --host $h:" -- \
			firewall "$ex" -t windows --host "$h" -o "$out"
	done
done
if ! "$batch" "$tmp/gen" >"$tmp/gen.status" 2>"$tmp/gen.errs"; then
	bad "sfbnet_batch failed:"; cat "$tmp/gen.errs"
fi
mapfile -t gstatus <"$tmp/gen.status"
if [ "${#gstatus[@]}" -ne "$ngen" ]; then
	bad "sfbnet_batch: ${#gstatus[@]} status line(s) for $ngen command(s)"
fi
declare -a gdone
for ((g = 1; g <= ngen; g++)); do
	[ "${gparent[g]}" -eq 0 ] || [ "${gdone[gparent[g]]:-0}" = 1 ] || continue
	[ "${gkind[g]}" != plan ] || continue   # as before: a plan is read by the checker
	if [ "${gstatus[g - 1]:-none}" != 0 ]; then
		bad "${gwhat[g]}"; cat "$tmp/gen.$g.err"; continue
	fi
	gdone[g]=1
	case ${gkind[g]} in
	fw) check "${gtarget[g]}" "${gout[g]}" "${gplan[g]}" ;;
	include|nat) check_variant "--${gkind[g]}" "${gtarget[g]}" "${gout[g]}" "${gplan[g]}" ;;
	windows) check windows "${gout[g]}" "${gplan[g]}" "${ghost[g]}" ;;
	esac
done
run_queue

# A flow that the plan has and the rules lack must be named: drop one
# rule of a real file and look for "missing" in the checker's report.
ex=examples/onprem-edge.yaml
"$bin" plan "$ex" --format json --firewall fw-external >"$tmp/p.json" 2>/dev/null
"$bin" firewall "$ex" -t asa -F fw-external -o "$tmp/r.asa" 2>/dev/null
grep -v ' extended permit udp ' "$tmp/r.asa" >"$tmp/m.asa"
if "$sem" asa "$tmp/m.asa" "$tmp/p.json" >"$tmp/out" 2>&1; then
	bad "asa without its udp rules passes"
elif grep -q '^  missing: udp' "$tmp/out" && ! grep -q '^  extra:' "$tmp/out"; then ok; else
	bad "asa without its udp rules: the report does not name the missing flows:"; head "$tmp/out"
fi

# Choosing the firewall or the host: exit 2 and nothing written when the
# choice is missing, unknown, or of the wrong kind for the target.
cli() {  # cli WHAT EXPECTED-STATUS EXPECTED-TEXT ARGS...
	local what=$1 want=$2 text=$3 rc
	shift 3
	rm -f "$tmp/cli.out"
	"$bin" firewall "$@" -o "$tmp/cli.out" >/dev/null 2>"$tmp/cli.err"; rc=$?
	if [ "$rc" != "$want" ]; then bad "$what: exit $rc, not $want"; cat "$tmp/cli.err"
	elif [ "$want" != 0 ] && [ -e "$tmp/cli.out" ]; then bad "$what: wrote a file"
	elif ! grep -q -- "$text" "$tmp/cli.err" "$tmp/cli.out" 2>/dev/null; then
		bad "$what: no '$text' in:"; cat "$tmp/cli.err"
	else ok; fi
}
ex=examples/onprem-edge.yaml
cli "windows needs --host among several" 2 "12 Windows hosts (fe1, fe2" "$ex" -t windows
cli "windows refuses --firewall" 2 "use --host" "$ex" -t windows -F fw-internal
cli "--host is for windows only" 2 "windows only" "$ex" -t asa -F fw-internal -H fe1
cli "unknown host" 2 "no host named 'nope'" "$ex" -t windows -H nope
cli "host without a Windows role" 2 "'gw1'" "$ex" -t windows -H gw1
cli "firewall targets keep --firewall" 2 "choose one with --firewall" "$ex" -t srx
cli "no Windows host at all" 2 "no host with a role" examples/online-partners.yaml -t windows
cli "one firewall needs no --firewall" 0 "pass in quick" examples/online-partners.yaml -t pf
cli "unknown target lists them all" 2 "asa, srx, pf, windows, csv, md" "$ex" -t cisco
# --mode, --table, --acl and --nat: refused where they cannot apply.
ex2=examples/two-sites.yaml
cli "unknown --mode" 2 "unknown --mode 'strict'" "$ex2" -t nftables -F fw-wan --mode strict
cli "asa include needs --acl" 2 "needs --acl NAME" "$ex2" -t asa -F fw-wan --mode include
cli "--acl is for asa include" 2 "--acl applies to --target asa --mode include" "$ex2" -t srx -F fw-wan --mode include --acl X
cli "--acl takes a plain name" 2 "is not an access-list name" "$ex2" -t asa -F fw-wan --mode include --acl 'a b'
cli "--table is for nftables include" 2 "--table applies to --target nftables --mode include" "$ex2" -t iptables -F fw-wan --mode include --table 'inet filter'
cli "--table family with a forward hook" 2 "has no forward hook" "$ex2" -t nftables -F fw-wan --mode include --table 'bridge filter'
cli "--table takes a plain name" 2 "is not a table name" "$ex2" -t nftables -F fw-wan --mode include --table 'inet fil;ter'
cli "--nat is not for windows" 2 "apply to a firewall's ruleset" "$ex" -t windows -H fe1 --nat
cli "--mode is not for a ticket" 2 "change-ticket table" "$ex2" -t csv -F fw-wan --mode include
cli "include into a named table" 0 "table ip fw4" "$ex2" -t nftables -F fw-wan --mode include --table 'ip fw4'
cat >"$tmp/shared-public.yaml" <<'YAML'
version: 1
name: shared public
sip_domains: [contoso.com]
profiles: [sfb-edge]
zones:
  - { name: per, networks: [172.16.0.0/24] }
  - { name: internet }
firewalls:
  - { name: fw, between: [per, internet] }
hosts:
  - { name: e1, endpoints: [ { zone: per, address: 172.16.0.10, public: 198.51.100.5, roles: [edge-access] } ] }
  - { name: e2, endpoints: [ { zone: per, address: 172.16.0.11, public: 198.51.100.5, roles: [edge-av] } ] }
  - { name: users, endpoints: [ { zone: internet, roles: [remote-client] } ] }
YAML
cli "--nat: one public address, two inside ones" 2 "also the NAT address of '172.16.0.10'" "$tmp/shared-public.yaml" -t nftables --nat

# Every target had rule lines to delete somewhere (a pattern above that
# matched nothing would skip its mutations silently).
for target in nftables iptables ip6tables asa srx pf csv md windows; do
	if [ "${mutated[$target]:-0}" -gt 0 ]; then ok; else
		bad "$target: no rule line was ever deleted (see rule_re)"; fi
done
for target in nftables iptables asa srx pf; do
	for flag in --include --nat; do
		if [ "${variants[$target$flag]:-0}" -gt 0 ]; then ok; else
			bad "$target $flag: no line was ever deleted (see rule_re, nat_re)"; fi
	done
done

echo "targets: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
