#!/usr/bin/env bash
# The catalog loader is as strict as the topology loader: each mutation of a
# copy of data/catalog must make `sfbnet catalog --catalog DIR` exit 2 with
# a FILE:LINE:COLUMN message naming the problem.
set -u
bin=$1
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# file | sed expression (first match only) | expected message (grep -E)
cases=(
"starleaf.yaml|0,/profile: starleaf/s//profile: starleef/|starleaf.yaml:[0-9]+:[0-9]+: unknown profile 'starleef'"
"starleaf.yaml|0,/to: starleaf-cloud/s//to: starleaf-clod/|starleaf.yaml:[0-9]+:[0-9]+: unknown role 'starleaf-clod'"
"starleaf.yaml|0,/protocol: udp/s//protocol: sctp/|starleaf.yaml:[0-9]+:[0-9]+: protocol must be tcp, udp or both"
"starleaf.yaml|0,/50000-50059/s//50000-70000/|starleaf.yaml:[0-9]+:[0-9]+: src_ports: '50000-70000' is not a port"
"starleaf.yaml|0,/id: sl-media-tcp/s//id: sl-media-udp/|starleaf.yaml:[0-9]+:[0-9]+: duplicate flow id 'sl-media-udp'"
"starleaf.yaml|0,/required: true/s//required: yes/|starleaf.yaml:[0-9]+:[0-9]+: required must be true or false"
"starleaf.yaml|0,/doc: starleaf-sfbo/s//doc: nowhere/|starleaf.yaml:[0-9]+:[0-9]+: citation of unknown document 'nowhere'"
"pexip.yaml|0,/doc: pexip-sfb/s//doc: starleaf-sfbo/|pexip.yaml:[0-9]+:[0-9]+: the first citation must be this file's document 'pexip-sfb'"
"starleaf.yaml|0,/purpose:/s//porpose:/|starleaf.yaml:[0-9]+:[0-9]+: unknown key 'porpose' in a flow"
"vocabulary.yaml|0,/name: kickle-cloud,/s//name: kickle,/|vocabulary.yaml:[0-9]+:[0-9]+: duplicate name 'kickle'"
"vocabulary.yaml|0,/name: reverse-proxy,/s//name: reverse-proxi,/|vocabulary.yaml:[0-9]+:[0-9]+: the vocabulary lacks the role 'reverse-proxy', which sfbnet"
"vocabulary.yaml|s/, windows\]/]/;s/traits: \[windows\], //|vocabulary.yaml:[0-9]+:[0-9]+: no role has the trait windows, which sfbnet needs"
"vocabulary.yaml|0,/traits: \[sfb-server, windows\]/s//traits: [sfb-server, linux]/|vocabulary.yaml:[0-9]+:[0-9]+: unknown trait 'linux'"
"vocabulary.yaml|0,/name: xmpp, default: false/s//name: no-xmpp, default: false/|vocabulary.yaml:[0-9]+:[0-9]+: 'no-xmpp' is not a valid feature name"
"sfb-poster.yaml|0,/features: \[xmpp\]/s//features: [xmmp]/|sfb-poster.yaml:[0-9]+:[0-9]+: unknown feature 'xmmp'"
"sfb-poster.yaml|0,/versions: \[lync2010\]/s//versions: [lync2011]/|sfb-poster.yaml:[0-9]+:[0-9]+: unknown version 'lync2011'"
"sfb-poster.yaml|0,/scope: pool/s//scope: site/|sfb-poster.yaml:[0-9]+:[0-9]+: scope must be global, pool or uses"
"sfb-poster.yaml|0,/port_of: backend-sql/s//port_of: front-end/|sfb-poster.yaml:[0-9]+:[0-9]+: port_of must be one of the flow's 'to' roles"
"ms-sfb-dns.yaml|0,/value: server-address/s//value: pool-addresses/|ms-sfb-dns.yaml:[0-9]+:[0-9]+: a record named by \{server\} has role"
"vocabulary.yaml|0,/networks: \[52.112.0.0\/14,/s//networks: [52.112.0.1\/14,/|vocabulary.yaml:[0-9]+:[0-9]+: networks: '52.112.0.1/14' is not a valid IPv4/IPv6 prefix"
"vocabulary.yaml|0,/networks: \[52.112.0.0\/14, 52.122.0.0\/15\]/s//networks: []/|vocabulary.yaml:[0-9]+:[0-9]+: networks must not be an empty list"
"ms-teams-interop.yaml|0,/no-teams-qos-ports/s//no-teams-qos-portz/|ms-teams-interop.yaml:[0-9]+:[0-9]+: unknown feature 'no-teams-qos-portz'"
"sfb-hybrid.yaml|0,/edge-environmental-requirements.md\"/s//edge-environmental-requirements.txt\"/|sfb-(hybrid|poster).yaml:[0-9]+:[0-9]+: document 'ms-edge-env' is declared twice with different contents"
)
for c in "${cases[@]}"; do
	IFS='|' read -r file expr want <<<"$c"
	rm -rf "$tmp/cat"; mkdir "$tmp/cat"; cp data/catalog/*.yaml "$tmp/cat/"
	sed -i "$expr" "$tmp/cat/$file"
	if cmp -s "$tmp/cat/$file" "data/catalog/$file"; then
		echo "FAIL: mutation '$expr' did not change $file"; fail=$((fail + 1)); continue
	fi
	got=$("$bin" catalog --catalog "$tmp/cat" 2>&1 >/dev/null); rc=$?
	if [ "$rc" -eq 2 ] && grep -Eq -- "$want" <<<"$got"; then pass=$((pass + 1)); else
		printf 'FAIL: %s %s\n  exit %s; got: %s\n  want /%s/\n' "$file" "$expr" "$rc" "$got" "$want"
		fail=$((fail + 1))
	fi
done
echo "bad catalog: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
