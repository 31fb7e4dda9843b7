#!/usr/bin/env bash
# docs/man-pages: the man pages render without a single groff warning, and
# they cannot drift from the code:
#  - every command of `sfbnet --help` has its own section (.SS) in
#    docs/sfbnet.1 and a synopsis line, and every option of
#    `sfbnet COMMAND --help` (long name, short name, value placeholder) is
#    in that command's section and synopsis; every option the section
#    documents (.TP tags) exists; every default the help states
#    ("(default 50000)", "auto (default)") is in that option's paragraph;
#  - every exit status of src/cli/cli.h is listed under EXIT STATUS, and
#    nothing else is;
#  - every key the topology loader accepts (the keys[] tables of
#    src/lib/topo/sfb_topology_load.c) is documented, required or optional
#    as the loader has it, in docs/sfbnet-topology.5 and docs/topology.md;
#  - every file of include/sfbnet, src/ and tools/ has its line in the
#    layout of docs/architecture.md.
# Run from the source directory: check.sh SFBNET_BINARY.  Exits 77 (skip)
# when groff is not installed (Debian: groff-base).
set -u
bin=$1
man1=docs/sfbnet.1
man5=docs/sfbnet-topology.5
topomd=docs/topology.md
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

if ! command -v groff >/dev/null 2>&1; then
	echo "SKIP: groff is not installed (Debian package groff-base)"
	exit 77
fi
for f in "$man1" "$man5" "$topomd"; do
	[ -r "$f" ] || { bad "$f is missing"; }
done
[ "$fail" -eq 0 ] || { echo "docs: $pass passed, $fail failed"; exit 1; }

# --- 1. rendering: no warnings at all (-ww), and a real page comes out ---
for page in "$man1" "$man5"; do
	err=$(mktemp)
	# (grotty marks bold and italics by overstriking: drop the backspaces)
	out=$(set -o pipefail; groff -man -Tutf8 -ww "$page" 2>"$err" | sed 's/.\x08//g'); rc=$?
	if [ "$rc" -ne 0 ] || [ -s "$err" ]; then
		bad "groff -man -Tutf8 -ww $page (exit $rc):"; sed 's/^/  /' "$err"
	elif ! grep -q 'SYNOPSIS' <<<"$out" || ! grep -q 'SEE ALSO' <<<"$out"; then
		bad "$page renders without SYNOPSIS or SEE ALSO"
	else
		ok
	fi
	rm -f "$err"
done

# Does roff text $1 name option $2 (--name or -x), written \-\-name or \-x,
# as a whole word (\-o is not the head of \-\-output, \-\-cat not of
# \-\-catalog)?
has_opt() {
	local dashes=${2%%[!-]*} word re
	word=${2#"$dashes"}
	word=${word//-/\\\\-}    # openssl-dir -> openssl\\-dir (a regex for openssl\-dir)
	if [ "$dashes" = "--" ]; then re="\\\\-\\\\-$word"; else re="(^|[^-])\\\\-$word"; fi
	grep -qE -- "$re([^A-Za-z0-9-]|\$)" <<<"$1"
}

# Lines of the .SS section of a command in sfbnet.1, up to the next .SS/.SH.
section() {
	awk -v cmd="$1" '
		/^\.S[SH] / { if (on) exit; if ($0 == ".SS " cmd || $0 == ".SS \"" cmd "\"") on = 1; next }
		on' "$man1"
}
# The synopsis block (.SY sfbnet / .B cmd ... .YS) of a command.
synopsis() {
	awk -v cmd="$1" '
		/^\.SY / { sy = 1; on = 0; next }
		sy && $0 == ".B " cmd { on = 1; sy = 0; next }
		/^\.YS/ { if (on) exit; sy = 0 }
		on' "$man1"
}

# The paragraph (.TP tag and text, up to the next .TP/.PP/.SS/.SH) of option
# $2 (--name) in section text $1, without font escapes and with \- as -.
opt_para() {
	awk -v opt="$2" '
		function flush() { if (hit) printf "%s", buf; buf = ""; hit = 0 }
		/^\.(TP|PP|SS|SH)( |$)/ { flush(); tag = ($0 ~ /^\.TP/); next }
		/^\.TQ/ { tag = 1; next }
		{ line = $0; gsub(/\\f[BIRP]/, "", line); gsub(/\\-/, "-", line)
		  if (tag && line ~ ("(^|[^a-z0-9-])" opt "([^a-z0-9-]|$)")) hit = 1
		  tag = 0
		  buf = buf line "\n" }
		END { flush() }' <<<"$1"
}

# --- 2. commands and options against the command table ---
cmds=$("$bin" --help | awk '/^Commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }')
if [ -z "$cmds" ]; then
	bad "no commands found in '$bin --help'"
fi
for cmd in $cmds; do
	sec=$(section "$cmd")
	syn=$(synopsis "$cmd")
	if [ -z "$sec" ]; then bad "$man1: no section '.SS $cmd'"; continue; fi
	if [ -z "$syn" ]; then bad "$man1: no synopsis '.SY sfbnet' / '.B $cmd'"; continue; fi
	ok
	help=$("$bin" "$cmd" --help) || { bad "'sfbnet $cmd --help' failed"; continue; }
	longs=""
	# Option lines: "  -p, --profile PROFILE   text" or "      --strict   text".
	while IFS='|' read -r short long arg; do
		[ -n "$short" ] && short=-$short
		[ "$long" = "--help" ] && continue
		longs="$longs $long"
		if has_opt "$sec" "$long"; then ok
		else bad "$man1: '$long' of '$cmd' is not in its section"; fi
		if [ -n "$short" ]; then
			if has_opt "$sec" "$short"; then ok
			else bad "$man1: '$short' of '$cmd' is not in its section"; fi
		fi
		if [ -n "$arg" ]; then
			# without font escapes (\fIFILE\fR), where the placeholder is a word
			if sed -E 's/\\f[BIRP]//g' <<<"$sec" | grep -qw -- "$arg"; then ok
			else bad "$man1: value '$arg' of '$cmd $long' is not in its section"; fi
		fi
		if has_opt "$syn" "${short:-$long}"; then ok
		else bad "$man1: '${short:-$long}' is not in the synopsis of '$cmd'"; fi
	done < <(sed -n '/^Options:/,$p' <<<"$help" |
		sed -nE 's/^  (-([A-Za-z]), )?[ ]*(--[a-z0-9-]+)( ([A-Z][A-Za-z_=.]*))?  .*/\2|\3|\5/p')
	# A default the help states ("(default 50000)", "(default nobody)",
	# "auto (default)") is in the option's paragraph of the section, so a
	# changed default cannot leave the old one in the man page.
	while IFS='|' read -r long def; do
		para=$(opt_para "$sec" "$long")
		if [ -z "$para" ]; then bad "$man1: no paragraph for '$long' of '$cmd'"; continue; fi
		if grep -qiw -- default <<<"$para" && grep -qw -- "$def" <<<"$para"; then ok
		else bad "$man1: the paragraph of '$cmd $long' does not give its default '$def' (sfbnet $cmd --help)"; fi
	done < <(sed -n '/^Options:/,$p' <<<"$help" | sed -nE \
		-e 's/^  (-[A-Za-z], )?[ ]*(--[a-z0-9-]+)( [A-Z][A-Z_]*)?  .*\(default ([0-9a-z]+)[;)].*/\2|\4/p' \
		-e 's/^  (-[A-Za-z], )?[ ]*(--[a-z0-9-]+)( [A-Z][A-Z_]*)?  .*[ (]([a-z]+) \(default[:)].*/\2|\4/p')
	# The other way: every option named in a .TP tag of the section exists.
	# shellcheck disable=SC2013  # option names are words
	for doc in $(awk '/^\.TP/ { getline; print }' <<<"$sec" | grep -oE '\\-\\-[a-z0-9]+(\\?-[a-z0-9]+)*' | sed 's/\\//g' | sort -u); do
		case " $longs " in
		*" $doc "*) ok ;;
		*) bad "$man1: section '$cmd' documents '$doc', which 'sfbnet $cmd --help' does not have" ;;
		esac
	done
done

# ... and every command section of COMMANDS is a command (or the help).
while read -r ss; do
	case " ${cmds//$'\n'/ } " in
	*" $ss "*) ok ;;
	*) bad "$man1: section '.SS $ss' of COMMANDS is not a command of 'sfbnet --help'" ;;
	esac
done < <(awk '/^\.SH COMMANDS/ { on = 1; next } /^\.SH / { on = 0 } on && /^\.SS / { sub(/^\.SS "?/, ""); sub(/"$/, ""); print }' "$man1" |
	grep -v '^Help and version$')

# --- 3. exit statuses against src/cli/cli.h ---
codes=$(grep -oE 'EXIT_[A-Z]+ *= *[0-9]+' src/cli/cli.h | grep -oE '[0-9]+$' | sort -n)
documented=$(awk '/^\.SH EXIT STATUS/ { on = 1; next } /^\.SH / { on = 0 } on && /^\.TP/ { getline; print }' "$man1" |
	sed -nE 's/^\.B ([0-9]+)$/\1/p' | sort -n)
if [ -n "$codes" ] && [ "$codes" = "$documented" ]; then ok
else bad "$man1: EXIT STATUS lists '${documented//$'\n'/ }', src/cli/cli.h has '${codes//$'\n'/ }'"; fi

# --- 4. topology keys against the loader ---
loader=src/lib/topo/sfb_topology_load.c
keys=$(tr '\n' ' ' <"$loader" | grep -oE 'const keys\[\] = \{[^}]*\}' | grep -oE '"!?[a-z_]+"' | tr -d '"' | sort -u)
[ -n "$keys" ] || bad "no keys[] tables found in $loader"
for k in $keys; do
	name=${k#!}
	[ "$k" != "$name" ] && want=required || want=optional
	# man page: a tag ".BR key " (type, required)"".
	if grep -qE "^\.BR $name \" \([^)]*$want\)\"" "$man5"; then ok
	else bad "$man5: key '$name' is not documented as a $want key (.BR $name \" (TYPE, $want)\")"; fi
	# Markdown: a table row "| `key` | type | required |".
	if grep -qE "^\| \`$name\` \| [^|]+ \| $want \|" "$topomd"; then ok
	else bad "$topomd: key '$name' is not in a table as $want"; fi
done

# The keys of the small fixed mappings (url_keys[], ws_keys[]: simple_urls,
# web_services, office_web_apps) are named in the text, in bold.
for k in $(tr '\n' ' ' <"$loader" | grep -oE '_keys\[\] = \{[^}]*\}' | grep -oE '"[a-z_]+"' | tr -d '"' | sort -u); do
	if grep -qE "^\.BR? $k( |\$)" "$man5" && grep -qF "\`$k\`" "$topomd"; then ok
	else bad "$man5 or $topomd: key '$k' is not named"; fi
done

# --- 5. docs/architecture.md names every source file ---
arch=docs/architecture.md
if [ -r "$arch" ]; then
	for f in include/sfbnet/* src/cli/* src/lib/*/* tools/*; do
		[ -f "$f" ] || continue
		if grep -qF -- "${f##*/}" "$arch"; then ok
		else bad "$arch: no line for $f (add it to the layout)"; fi
	done
else
	bad "$arch is missing"
fi

echo "docs: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
