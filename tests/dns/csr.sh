#!/usr/bin/env bash
# dns/openssl-csr: the certificate requests `sfbnet certs` prepares are what
# its JSON output says, as OpenSSL itself reads them back.
#
# For every example topology, with `sfbnet certs EX --format json`:
#   - the JSON is well formed: subject, san[] (no duplicate, and holding the
#     subject when not empty), eku[];
#   - `--openssl-dir DIR` writes one .cnf per certificate and nothing else;
#     `openssl req -new -config F.cnf -out F.csr`, run in DIR on the file as it
#     is, succeeds, leaves F.cnf unchanged and writes F.key; the CSR verifies;
#   - `--openssl-dir DIR --keys` writes the same .cnf files plus one .key and
#     one .csr per certificate: the CSR verifies (`openssl req -verify`), the
#     key is mode 0600, passes `openssl pkey -check`, has at least 2048 bits
#     and is the CSR's key;
#   - read back with openssl, each CSR (of both kinds) has the subject
#     CN=<JSON subject> and nothing else, a subjectAltName extension whose DNS
#     names equal the JSON san[] exactly (same names, same count), or none
#     when san[] is empty, and the JSON's extended key usages; the CSRs as a
#     whole match the JSON certificates one to one (the file name starting
#     with the certificate's entry id).
# And two topologies missing a name (made from examples/onprem-edge.yaml):
#   - no web_services.external: `sfbnet certs` exits 2 naming
#     'web_services.external', and writes no file (--openssl-dir, --keys, -o);
#   - no simple_urls.meet: `sfbnet dns` exits 2 naming 'simple_urls.meet', and
#     writes no file (-o, also in json and --standalone; an existing output
#     file is left as it was).
set -u
bin=${1:?usage: csr.sh SFBNET}
name="dns/openssl-csr"
pass=0 fail=0

missing=""
for tool in openssl jq timeout; do
	command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	echo "SKIP: $name needs$missing"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sfb-csr.XXXXXX") || exit 3
immutable=""  # a file made immutable (chattr +i) for a moment: rm -rf cannot remove it
trap '[ -z "$immutable" ] || chattr -i "$immutable"; rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }

ssl() { timeout 60 openssl "$@" </dev/null; }

# The lines that follow an extension's title in `openssl req -text`, one
# value a line ("DNS:name", "TLS Web Server Authentication").
ext_values() {
	awk -v t="$2" 'index($0, t ":") { getline; gsub(/^ +| +$/, "")
		n = split($0, a, /, /); for (i = 1; i <= n; i++) print a[i] }' <<<"$1"
}

# What a CSR says, on one line: "entry<TAB>subject<TAB>sans<TAB>ekus", SANs
# and EKUs sorted, comma-separated; the entry is the longest known entry id
# the file name starts with.  Sets csr_err when the CSR cannot be read.
csr_facts() {
	local csr=$1 base e entry="" text subj sans ekus nsan
	csr_err=""
	base=$(basename "$csr" .csr)
	while read -r e; do
		[[ $base == "$e"-* ]] && [ ${#e} -gt ${#entry} ] && entry=$e
	done <"$tmp/entries"
	if ! text=$(ssl req -in "$csr" -noout -text 2>&1); then
		csr_err="openssl cannot read it: $text"
		return 1
	fi
	subj=$(ssl req -in "$csr" -noout -subject -nameopt RFC2253 2>&1)
	subj=${subj#subject=}
	nsan=$(grep -c 'X509v3 Subject Alternative Name:' <<<"$text")
	if [ "$nsan" -gt 1 ]; then
		csr_err="$nsan subjectAltName extensions"
		return 1
	fi
	sans=$(ext_values "$text" 'X509v3 Subject Alternative Name' | sort | paste -sd,)
	ekus=$(ext_values "$text" 'X509v3 Extended Key Usage' | sort | paste -sd,)
	printf '%s\t%s\t%s\t%s\n' "${entry:-?}" "$subj" "$sans" "$ekus"
}

# The same line for every certificate of a JSON document.
jq_expected='.certificates[] |
	[.entry, "CN=" + .subject, (.san | map("DNS:" + .) | sort | join(",")),
	 (.eku | map(if . == "server" then "TLS Web Server Authentication"
		elif . == "client" then "TLS Web Client Authentication"
		else "unknown EKU " + . end) | sort | join(","))] | @tsv'
# Certificates whose fields are missing or wrong, one line each.
# shellcheck disable=SC2016  # jq's variables, not the shell's
jq_malformed='.certificates[] | select(
	(.entry | type) != "string" or (.subject | type) != "string" or .subject == "" or
	(.san | type) != "array" or (.san | map(type == "string" and . != "") | all | not) or
	(.san | length) != (.san | unique | length) or
	((.san | length) > 0 and (.subject as $s | .san | index([$s])) == null) or
	(.eku | type) != "array" or (.eku | length) == 0) | "\(.entry) \(.subject): \(.san)"'

# Match the CSRs of $dir against the JSON certificates (expected.tsv) one to
# one; $what names the kind of CSR in messages.
match_csrs() {
	local dir=$1 what=$2 csr facts line
	cp "$tmp/expected.tsv" "$tmp/left.tsv"
	for csr in "$dir"/*.csr; do
		if ! facts=$(csr_facts "$csr"); then
			bad "$ex: $what $(basename "$csr"): $csr_err"
			continue
		fi
		# Take one matching certificate off the list.
		line=$(grep -nxF -- "$facts" "$tmp/left.tsv" | head -1 | cut -d: -f1)
		if [ -n "$line" ]; then
			sed -i "${line}d" "$tmp/left.tsv"
			ok
		else
			bad "$ex: $what $(basename "$csr") matches no certificate of the JSON:" \
				$'\n'"    csr:  $facts"$'\n'"$(awk -F'\t' -v e="${facts%%$'\t'*}" \
				'$1 == e { print "    json: " $0 }' "$tmp/expected.tsv")"
		fi
	done
	while IFS= read -r line; do
		bad "$ex: no $what for the certificate: $line"
	done <"$tmp/left.tsv"
}

shopt -s nullglob
examples=(examples/*.yaml)
[ "${#examples[@]}" -gt 0 ] || { echo "$name: no examples/*.yaml (run from the source dir)"; exit 3; }

for ex in "${examples[@]}"; do
	exn=$(basename "$ex" .yaml)
	json="$tmp/$exn.json"
	if ! timeout 60 "$bin" certs "$ex" --format json >"$json" 2>"$tmp/err"; then
		bad "$ex: sfbnet certs --format json failed: $(cat "$tmp/err")"
		continue
	fi
	if ! n=$(jq -e '.certificates | length' "$json" 2>/dev/null); then
		bad "$ex: the JSON has no certificates array"
		continue
	fi
	if ! malformed=$(jq -r "$jq_malformed" "$json"); then
		bad "$ex: jq could not check the certificates"
	elif [ -z "$malformed" ]; then ok; else
		bad "$ex: malformed certificates in the JSON:"$'\n'"$malformed"
	fi
	jq -r '.certificates[].entry' "$json" | sort -u >"$tmp/entries"
	jq -r "$jq_expected" "$json" >"$tmp/expected.tsv"
	if [ "$(wc -l <"$tmp/expected.tsv")" != "$n" ] || grep -q 'unknown EKU' "$tmp/expected.tsv"; then
		bad "$ex: cannot read the certificates of the JSON: $(grep 'unknown EKU' "$tmp/expected.tsv")"
		continue
	fi

	# --openssl-dir: the configurations, used by openssl as they are.
	cdir="$tmp/$exn-cnf"
	mkdir "$cdir"
	if ! timeout 60 "$bin" certs "$ex" --openssl-dir "$cdir" >/dev/null 2>"$tmp/err"; then
		bad "$ex: sfbnet certs --openssl-dir failed: $(cat "$tmp/err")"
		continue
	fi
	cnfs=("$cdir"/*.cnf)
	all=("$cdir"/*)
	if [ "${#cnfs[@]}" = "$n" ] && [ "${#all[@]}" = "$n" ]; then ok; else
		bad "$ex: --openssl-dir wrote ${#all[@]} files, ${#cnfs[@]} .cnf, for $n certificates"
	fi
	# file_base, when the JSON has it, names the files.
	if jq -e '[.certificates[] | has("file_base")] | any' "$json" >/dev/null; then
		if cmp -s <(jq -r '.certificates[].file_base + ".cnf"' "$json" | sort) \
			<(for f in "${cnfs[@]}"; do basename "$f"; done | sort); then ok; else
			bad "$ex: the .cnf files are not the JSON's file_base names"
		fi
	fi
	for cnf in "${cnfs[@]}"; do
		base=$(basename "$cnf" .cnf)
		cp "$cnf" "$tmp/orig.cnf"
		if out=$(cd "$cdir" && ssl req -new -config "$base.cnf" -out "$base.csr" 2>&1) &&
			[ -s "$cdir/$base.csr" ] && [ -s "$cdir/$base.key" ] && cmp -s "$cnf" "$tmp/orig.cnf" &&
			out=$(ssl req -in "$cdir/$base.csr" -verify -noout 2>&1); then ok; else
			bad "$ex: openssl req -new -config $base.cnf: no verified CSR and key," \
				"or the file changed: $out"
		fi
	done
	match_csrs "$cdir" "CSR from the .cnf"

	# --keys: keys and CSRs made through the OpenSSL API.
	kdir="$tmp/$exn-keys"
	mkdir "$kdir"
	if ! timeout 60 "$bin" certs "$ex" --openssl-dir "$kdir" --keys >/dev/null 2>"$tmp/err"; then
		bad "$ex: sfbnet certs --openssl-dir --keys failed: $(cat "$tmp/err")"
		continue
	fi
	all=("$kdir"/*)
	keys=("$kdir"/*.key)
	csrs=("$kdir"/*.csr)
	cnfs=("$kdir"/*.cnf)
	if [ "${#keys[@]}" = "$n" ] && [ "${#csrs[@]}" = "$n" ] && [ "${#cnfs[@]}" = "$n" ] &&
		[ "${#all[@]}" = $((3 * n)) ]; then ok; else
		bad "$ex: --keys wrote ${#all[@]} files (${#cnfs[@]} .cnf, ${#keys[@]} .key," \
			"${#csrs[@]} .csr) for $n certificates"
	fi
	# The configurations are the same with --keys as without.
	same=1
	for cnf in "${cnfs[@]}"; do
		[ -e "$cdir/$(basename "$cnf")" ] || { same=0; continue; }
		cmp -s "$cnf" "$cdir/$(basename "$cnf")" || same=0
	done
	if [ "$same" = 1 ]; then ok; else bad "$ex: the .cnf files differ with and without --keys"; fi
	for csr in "${csrs[@]}"; do
		base=$(basename "$csr" .csr)
		key="$kdir/$base.key"
		if out=$(ssl req -in "$csr" -verify -noout 2>&1); then ok; else
			bad "$ex: $base.csr does not verify: $out"
		fi
		if [ ! -e "$key" ]; then
			bad "$ex: no $base.key beside $base.csr"
			continue
		fi
		mode=$(stat -c %a "$key")
		if [ "$mode" = 600 ]; then ok; else bad "$ex: $base.key has mode $mode, want 600"; fi
		if out=$(ssl pkey -in "$key" -check -noout 2>&1); then ok; else
			bad "$ex: openssl pkey -check $base.key: $out"
		fi
		bits=$(ssl pkey -in "$key" -noout -text 2>/dev/null | sed -n '1s/.*(\([0-9]*\) bit.*/\1/p')
		if [ -n "$bits" ] && [ "$bits" -ge 2048 ]; then ok; else
			bad "$ex: $base.key has ${bits:-unknown} bits, want 2048 or more"
		fi
		pub=$(ssl pkey -in "$key" -pubout 2>/dev/null)
		if [ -n "$pub" ] && [ "$pub" = "$(ssl req -in "$csr" -noout -pubkey 2>/dev/null)" ]; then ok; else
			bad "$ex: $base.key is not the key of $base.csr"
		fi
	done
	match_csrs "$kdir" "CSR from --keys"
done

# Negative: a topology without a name a record or a certificate needs.
src=examples/onprem-edge.yaml
# $1 the name the message must hold, $2 what is tried; the rest are sfbnet's
# arguments.  Exit 2 and the name in the message pass.
expect_refusal() {
	local want=$1 what=$2 out rc
	shift 2
	out=$(timeout 60 "$bin" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = 2 ] && grep -qF -- "$want" <<<"$out"; then ok; else
		bad "$what: exit $rc (want 2), message '$out' (want one naming '$want')"
	fi
}

noext="$tmp/no-web-external.yaml"
sed -E '/^web_services:/ s/,? *external: *[^,}]+//' "$src" >"$noext"
if cmp -s "$src" "$noext" || grep -Eq '^web_services:.*external' "$noext"; then
	bad "could not remove web_services.external from $src (has the example changed?)"
else
	d="$tmp/noext-cnf"
	mkdir "$d"
	expect_refusal web_services.external "certs --openssl-dir without web_services.external" \
		certs "$noext" --openssl-dir "$d"
	expect_refusal web_services.external "certs --openssl-dir --keys without web_services.external" \
		certs "$noext" --openssl-dir "$d" --keys
	expect_refusal web_services.external "certs --format json -o without web_services.external" \
		certs "$noext" --format json -o "$d/certs.json"
	left=("$d"/* "$d"/.[!.]*)
	if [ "${#left[@]}" = 0 ]; then ok; else
		bad "certs without web_services.external wrote: ${left[*]}"
	fi
fi

nomeet="$tmp/no-meet.yaml"
sed -E '/^simple_urls:/ s/meet: *[^,}]+,? *//' "$src" >"$nomeet"
if cmp -s "$src" "$nomeet" || grep -Eq '^simple_urls:.*meet' "$nomeet"; then
	bad "could not remove simple_urls.meet from $src (has the example changed?)"
else
	d="$tmp/nomeet-dns"
	mkdir "$d"
	expect_refusal simple_urls.meet "dns without simple_urls.meet" dns "$nomeet" -o "$d/all.zone"
	expect_refusal simple_urls.meet "dns --format json without simple_urls.meet" \
		dns "$nomeet" --format json -o "$d/all.json"
	expect_refusal simple_urls.meet "dns --standalone without simple_urls.meet" \
		dns "$nomeet" --view internal --zone fabrikam.com --standalone -o "$d/fabrikam.com.zone"
	left=("$d"/* "$d"/.[!.]*)
	if [ "${#left[@]}" = 0 ]; then ok; else
		bad "dns without simple_urls.meet wrote: ${left[*]}"
	fi
	# An output file already there stays as it was.
	echo "old content" >"$tmp/old.zone"
	expect_refusal simple_urls.meet "dns -o over an existing file without simple_urls.meet" \
		dns "$nomeet" -o "$tmp/old.zone"
	if [ "$(cat "$tmp/old.zone")" = "old content" ]; then ok; else
		bad "dns without simple_urls.meet changed the existing output file"
	fi
fi

# All or nothing: --openssl-dir DIR writes every file or none of them.
#   - a DIR that does not exist is created with all its files, and nothing
#     is left next to it;
#   - in an existing DIR, a file of the same name is replaced and the
#     others are left alone;
#   - a name in the way (a directory where a key goes): exit 2 naming it,
#     DIR exactly as it was, nothing of the run left;
#   - a move into DIR that fails midway (the last file to be moved made
#     immutable with chattr +i): exit 3 naming it, and every file moved
#     before it taken back, the old files restored (the same inodes);
#   - a filesystem that fills up midway (a 24 KiB tmpfs in a private mount
#     namespace: nine .cnf files need 36 KiB): exit 3, no DIR when there
#     was none, DIR as it was when there was one, no temporary directory.
ref="$tmp/aon-ref"
if ! timeout 60 "$bin" certs "$src" --openssl-dir "$ref" --keys >/dev/null 2>"$tmp/err"; then
	bad "certs --openssl-dir into a new directory failed: $(cat "$tmp/err")"
else
	nref=$(find "$ref" -type f | wc -l)
	if [ -d "$ref" ] && [ "$nref" -gt 3 ] && [ "$(stat -c %a "$ref")" = 755 ]; then ok; else
		bad "certs --openssl-dir into a new directory: $nref file(s), mode $(stat -c %a "$ref" 2>&1)"
	fi
	leftover=$(find "$tmp" -maxdepth 1 -name 'aon-ref.tmp.*')
	if [ -z "$leftover" ]; then ok; else
		bad "certs --openssl-dir left a temporary directory next to DIR: $leftover"
	fi
	keys=("$ref"/*.key)
	key=$(basename "${keys[0]}")
	base=${key%.key}
	cnfs=("$ref"/*.cnf)

	d="$tmp/aon-existing"
	mkdir "$d"
	echo "mine" >"$d/unrelated.txt"
	echo "old" >"$d/$base.cnf"
	if timeout 60 "$bin" certs "$src" --openssl-dir "$d" >/dev/null 2>"$tmp/err" &&
		cmp -s "$d/$base.cnf" "$ref/$base.cnf" && [ "$(cat "$d/unrelated.txt")" = mine ] &&
		all=("$d"/* "$d"/.[!.]*) && [ "${#all[@]}" = $((${#cnfs[@]} + 1)) ]; then ok; else
		bad "certs --openssl-dir into an existing directory: not every .cnf replaced or written," \
			"or another file touched: $(cat "$tmp/err")"
	fi

	d="$tmp/aon-in-the-way"
	mkdir -p "$d/$key"
	echo "mine" >"$d/unrelated.txt"
	echo "old" >"$d/$base.cnf"
	before=$(cd "$d" && find . -printf '%p %y %s %T@\n' | sort; cat ./*.cnf ./*.txt)
	expect_rc=$(timeout 60 "$bin" certs "$src" --openssl-dir "$d" --keys 2>&1 >/dev/null)
	rc=$?
	after=$(cd "$d" && find . -printf '%p %y %s %T@\n' | sort; cat ./*.cnf ./*.txt)
	if [ "$rc" = 2 ] && grep -qF -- "$d/$key" <<<"$expect_rc" && [ "$before" = "$after" ]; then ok; else
		bad "certs --keys with a directory where $key goes: exit $rc (want 2), message" \
			"'$expect_rc', directory changed: $([ "$before" = "$after" ] && echo no || echo yes)"
	fi

	d="$tmp/aon-undo"
	cp -a "$ref" "$d"
	for f in "$d"/*.cnf; do echo "old $(basename "$f")" >"$f"; done
	last=$(jq -r '.certificates[-1].file' "$tmp/$(basename "$src" .yaml).json").cnf
	state() { (cd "$d" && find . -printf '%p %y %i %s %m\n' | sort && cat ./*.cnf); }
	before=$(state)
	if [ -f "$d/$last" ] && chattr +i "$d/$last" 2>/dev/null; then
		immutable="$d/$last"
		out=$(timeout 60 "$bin" certs "$src" --openssl-dir "$d" 2>&1 >/dev/null)
		rc=$?
		chattr -i "$immutable" && immutable=""
		if [ "$rc" = 3 ] && grep -qF -- "$d/$last" <<<"$out"; then ok; else
			bad "certs --openssl-dir, the last move failing: exit $rc (want 3), message '$out'"
		fi
		if [ "$(state)" = "$before" ]; then ok; else
			bad "certs --openssl-dir, the last move failing: the directory changed:" \
				"$(diff <(echo "$before") <(state) | head -5)"
		fi
	else
		echo "SKIP: $name: a failing move: cannot make $d/$last immutable (chattr +i)"
	fi
fi

cat >"$tmp/aon-full.sh" <<'INNER'
bin=$1 src=$2 m=$3 outside=$4
say() { echo "$1 $2"; }
mount -t tmpfs -o size=24k sfbnet-csr-test "$m" 2>/dev/null || { say skip "cannot mount a tmpfs"; exit 0; }
try() {  # what, DIR, extra option
	timeout 60 "$bin" certs "$src" --openssl-dir "$2" $3 >/dev/null 2>"$outside/aon.err"
	rc=$?
	if [ "$rc" = 3 ] && grep -q . "$outside/aon.err"; then say ok "$1: exit 3: $(head -1 "$outside/aon.err")"
	else say bad "$1: exit $rc (want 3): $(head -1 "$outside/aon.err")"; fi
}
try "full filesystem, new DIR" "$m/new"
if [ -z "$(ls -A "$m")" ]; then say ok "full filesystem, new DIR: nothing left"
else say bad "full filesystem, new DIR: left $(ls -A "$m" | tr '\n' ' ')"; fi
try "full filesystem, new DIR, --keys" "$m/new" --keys
if [ -z "$(ls -A "$m")" ]; then say ok "full filesystem, new DIR, --keys: nothing left"
else say bad "full filesystem, new DIR, --keys: left $(ls -A "$m" | tr '\n' ' ')"; fi
mkdir "$m/old"
echo "mine" >"$m/old/unrelated.txt"
state() { (cd "$m" && find . -printf '%p %y %s %m\n' | sort && cat old/*); }
before=$(state)
try "full filesystem, existing DIR, --keys" "$m/old" --keys
if [ "$(state)" = "$before" ]; then say ok "full filesystem, existing DIR: as it was"
else say bad "full filesystem, existing DIR: changed: $(state | tr '\n' ' ')"; fi
INNER
mkdir "$tmp/aon-mnt"
if command -v unshare >/dev/null && unshare -m --propagation private true 2>/dev/null; then
	while read -r verdict what; do
		case $verdict in
		ok) ok ;;
		skip) echo "SKIP: $name: full filesystem cases: $what" ;;
		*) bad "$what" ;;
		esac
	done < <(unshare -m --propagation private bash "$tmp/aon-full.sh" "$bin" "$src" "$tmp/aon-mnt" "$tmp")
else
	echo "SKIP: $name: full filesystem cases: no private mount namespace (unshare -m)"
fi

echo "$name: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
