# shellcheck shell=bash
# The live-check rig: real servers standing in for the Skype for Business
# deployment of examples/onprem-edge.yaml, for tests/check/live.sh (sourced,
# not run).
#
#   rig_up SCENARIO VARIANT   SCENARIO external | internal
#                             VARIANT  ok nosrv badsrv wrongsan expired closed
#                                      dropped wrongpublic sip403 ad404 adloop
#   rig_down                  stops everything, deletes the namespace
#
# and, once rig_up has returned 0:
#   RIG_NS   the network namespace (run the client with ip netns exec)
#   RIG_DNS  ADDR:PORT of the DNS server (knotd) serving the scenario's view
#   RIG_CA   the PEM file of the private CA that issued every certificate
#   RIG_TMP  the rig's temporary directory (logs under run-SCENARIO/)
# rig_up returns 0 (up), 77 (cannot run here: RIG_WHY says why) or 1
# (RIG_WHY says what failed).
#
# The caller sets RIG_BIN (the sfbnet binary: `sfbnet dns` writes the zones,
# `sfbnet certs --keys` the certificate requests) and runs from the source
# directory (examples/onprem-edge.yaml).  RIG_KEEP=1 keeps RIG_TMP.
#
# Everything runs in one network namespace made here (sfbchk<pid>) that has
# nothing but its loopback interface: the topology's addresses are put on
# its lo, every server is started inside it with ip netns exec, and a
# packet sent there cannot leave it (no other interface, no route).  The
# host's namespace is never touched.  rig_down (call it from the caller's
# EXIT trap) kills every process started here, by pid, and any process
# still in the namespace, then deletes the namespace.
#
# What answers (scenario external, the internet zone's view):
#   knotd      127.0.0.1:5300, the external view (zone fabrikam.com)
#   kamailio   SIP over TLS on access 203.0.113.21/.31 : 5061 and 443
#              (OPTIONS -> 200 OK, Server header), plain TCP 5269 (XMPP's port)
#   nginx      webcon 203.0.113.22/.32 : 443 (TLS, the Edge certificate);
#              reverse proxy 203.0.113.40 : 443 and 80 (lyncdiscover,
#              webext, meet, dialin, owaext; the autodiscover documents)
#   coturn     av 203.0.113.23/.33 : 3478/udp and 443/tcp (TURN over TCP),
#              one process per address and transport, long-term user
#              sfbcheck/sfbcheck, realm fabrikam.com
# The client's address is 198.51.100.10 (the local routes to the servers
# carry it as the preferred source), so the mapped address STUN reports is
# the client's own, distinct from every server address.
# Scenario internal (the internal view; client address 10.20.0.10):
#   knotd      127.0.0.1:5300, zones corp.fabrikam.com and fabrikam.com
#   kamailio   TLS 5061 on the pool members 10.10.1.11-13 (each its own
#              certificate), the Director 10.10.1.21, the Edge internal
#              interfaces 172.16.10.11/.12
#   nginx      443 and 4443 on the members and the Director, 443 on the web
#              VIP 10.10.1.10 (lyncdiscoverinternal, webint), OWA 10.10.1.40,
#              the reverse proxy 203.0.113.40
#   coturn     Edge internal 172.16.10.11/.12 : 3478/udp and 443/tcp
#   catch-alls every other planned TCP port of an internal address (from
#              `sfbnet plan --format json`: the flows' destination addresses
#              and ports, ranges up to 256 ports) answers with the protocol
#              the flow's application names: SIP over TLS (kamailio, with
#              that server's certificate), SIP over TCP (kamailio), other
#              TLS (nginx, that server's certificate), plain TCP (nginx);
#              nft redirects each (address, port) in the namespace's output
#              hook to the listener on 127.0.0.1; any port outside the plan
#              goes to the plain one, so every TCP port of an internal
#              address is open.  Mediation and the PSTN gateway, which have
#              no request in `sfbnet certs`, get a rig certificate with
#              their FQDN.
#
# Variants (applied on the running servers: only what changes is reloaded):
#   nosrv       the zone loses _sip._tls.fabrikam.com SRV        (knotc reload)
#   badsrv      _sipfederationtls._tcp targets access.contoso.net (knotc reload)
#   wrongsan    webcon's certificate lacks webcon.fabrikam.com    (nginx HUP)
#   expired     webcon's certificate expired in 2021              (nginx HUP)
#   closed      nothing listens on webcon 203.0.113.22:443        (nginx HUP)
#   dropped     nft drops TCP to 203.0.113.22:443
#   wrongpublic av 203.0.113.23's coturn maps to 198.51.100.99 and redirects
#               Allocates there (300 ALTERNATE-SERVER)            (restart)
#   sip403      kamailio answers OPTIONS with 403 Forbidden       (restart)
#   ad404       lyncdiscover / answers 404                        (nginx HUP)
#   adloop      lyncdiscover / redirects (302) to itself          (nginx HUP)
# (.32 / .31 / .33 keep the good configuration where a variant names one
# address, so a check must tell the two apart.)
# shellcheck disable=SC2034  # RIG_* are read by the caller

RIG_NS="" RIG_DNS="" RIG_CA="" RIG_TMP="" RIG_WHY=""
RIG_SCENARIO="" RIG_VARIANT=""
RIG_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/rig
RIG_EXAMPLE=${RIG_EXAMPLE:-examples/onprem-edge.yaml}
RIG_DNS_PORT=5300
RIG_CTL=127.0.0.1:8099     # nginx: the generation of its configuration
RIG_CATCHALL=9             # internal: the plain catch-all (every unplanned port)
# shellcheck source=tests/lib/proc.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/proc.sh"
declare -A rig_pid=()      # server name -> pid
rig_nginx_gen=0

rig_log() { printf 'rig: %s\n' "$*" >&2; }
rig_now_ms() { echo $(($(date +%s%N) / 1000000)); }
rig_in() { ip netns exec "$RIG_NS" "$@"; }

# The scenario's addresses.
rig_addrs_external="203.0.113.21 203.0.113.22 203.0.113.23 203.0.113.31 203.0.113.32 203.0.113.33 203.0.113.40"
rig_client_external=198.51.100.10
rig_addrs_internal="10.10.1.2 10.10.1.10 10.10.1.11 10.10.1.12 10.10.1.13 10.10.1.21 10.10.1.30
	10.10.1.31 10.10.1.40 10.10.1.50 10.10.1.60 10.10.1.70 172.16.10.11 172.16.10.12 203.0.113.40"
rig_client_internal=10.20.0.10
# Internal servers with a certificate: address, number (the catch-all
# listeners are 127.0.0.1:9000+N for TLS, 9300+N for SIP over TLS), the
# certificate's file name in $RIG_TMP/certs.
rig_internal_hosts="10.10.1.10 10 po-cert-front-end-fe1.corp.fabrikam.com
10.10.1.11 11 po-cert-front-end-fe1.corp.fabrikam.com
10.10.1.12 12 po-cert-front-end-fe2.corp.fabrikam.com
10.10.1.13 13 po-cert-front-end-fe3.corp.fabrikam.com
10.10.1.21 21 po-cert-director-dir1.corp.fabrikam.com
10.10.1.40 40 po-cert-office-web-apps-owaext.fabrikam.com
10.10.1.50 50 rig-med1.corp.fabrikam.com
10.10.1.60 60 rig-gw1.corp.fabrikam.com
10.10.1.70 70 po-cert-exchange-um-exch1.corp.fabrikam.com
172.16.10.11 111 po-cert-edge-internal-edgepool.corp.fabrikam.com
172.16.10.12 112 po-cert-edge-internal-edgepool.corp.fabrikam.com
203.0.113.40 140 po-cert-reverse-proxy-webext.fabrikam.com"
# (address, port) pairs a real server of the internal scenario answers on.
rig_served_internal="10.10.1.11 443 10.10.1.11 4443 10.10.1.11 5061 10.10.1.12 443 10.10.1.12 4443 10.10.1.12 5061
10.10.1.13 443 10.10.1.13 4443 10.10.1.13 5061 10.10.1.21 443 10.10.1.21 4443 10.10.1.21 5061
10.10.1.10 443 10.10.1.40 443 172.16.10.11 443 172.16.10.11 5061 172.16.10.12 443 172.16.10.12 5061
203.0.113.40 443 203.0.113.40 80"

# ---- waiting ------------------------------------------------------------

# rig_poll MS CMD...: run CMD every 100 ms until it succeeds, at most MS
# milliseconds (and at most MS/50 times); CMD returning 2 means it never
# will (a server died): give up at once.
rig_poll() {
	local ms=$1 t0 i rc
	shift
	t0=$(rig_now_ms)
	for ((i = 0; i < ms / 50; i++)); do
		"$@"
		rc=$?
		[ "$rc" = 0 ] && return 0
		[ "$rc" = 2 ] && return 1
		[ $(($(rig_now_ms) - t0)) -ge "$ms" ] && break
		sleep 0.1
	done
	"$@"
}

# True when every "ADDR:PORT" given is a TCP (or UDP, with -u) listener in
# the namespace.
rig_listening() {
	local flag=-t have a
	[ "$1" = -u ] && { flag=-u; shift; }
	have=$(rig_in ss -Hln "$flag" 2>/dev/null | awk '{ print $4 }')
	for a in "$@"; do
		grep -qxF "$a" <<<"$have" || return 1
	done
}
rig_not_listening() {
	local have
	have=$(rig_in ss -Hlnt 2>/dev/null | awk '{ print $4 }')
	! grep -qxF "$1" <<<"$have"
}

# ---- processes ----------------------------------------------------------

# rig_start NAME CMD...: start CMD in the namespace in the background, its
# output to run/NAME.log; remembers the pid (ip netns exec execs CMD).
rig_start() {
	local name=$1
	shift
	# (not through rig_in: a function would run in a subshell, and $! would
	# be the subshell's pid, not the server's)
	ip netns exec "$RIG_NS" "$@" >"$RIG_RUN/$name.log" 2>&1 </dev/null &
	rig_pid[$name]=$!
}
rig_alive() { [ -n "${rig_pid[$1]:-}" ] && kill -0 "${rig_pid[$1]}" 2>/dev/null; }
# rig_stop NAME: TERM, up to 5 s, then KILL.
rig_stop() {
	stop_pid "${rig_pid[$1]:-}"
	unset "rig_pid[$1]"
}
rig_fail() { RIG_WHY=$*; rig_log "$*"; return 1; }
# The last lines of a server's log, indented.
rig_tail() { [ -f "$RIG_RUN/$1.log" ] && tail -n "${2:-15}" "$RIG_RUN/$1.log" | sed 's/^/    | /' >&2; }

# ---- the namespace ------------------------------------------------------

rig_ns_up() {
	local scenario=$1 a addrs client
	local n made=""
	# sfbchk<pid>; when a run killed outright (SIGKILL) left one of that
	# name behind (the pid came round again), the next free suffix.
	for n in "" -1 -2 -3 -4; do
		RIG_NS=sfbchk$$$n
		ip netns list 2>/dev/null | grep -q "^$RIG_NS\( \|$\)" && continue
		ip netns add "$RIG_NS" 2>"$RIG_TMP/netns.err" && { made=1; break; }
		break
	done
	if [ -z "$made" ]; then
		RIG_WHY="cannot create network namespace $RIG_NS: $(cat "$RIG_TMP/netns.err" 2>/dev/null)"
		RIG_NS=""
		return 77
	fi
	if [ "$scenario" = external ]; then
		addrs=$rig_addrs_external client=$rig_client_external
	else
		addrs=$rig_addrs_internal client=$rig_client_internal
	fi
	ip -n "$RIG_NS" link set lo up || return 1
	ip -n "$RIG_NS" addr add "$client/32" dev lo || return 1
	for a in $addrs; do
		ip -n "$RIG_NS" addr add "$a/32" dev lo || return 1
		# The client's packets to the servers leave from the client's address.
		ip -n "$RIG_NS" route replace local "$a" dev lo table local proto kernel \
			scope host src "$client" || return 1
	done
}

# ---- certificates -------------------------------------------------------

# rig_issue CSR OUT [STARTDATE ENDDATE]: sign with the rig's CA, copying the
# request's extensions (SAN, EKU, key usage).
rig_issue() {
	local csr=$1 out=$2 dates=(-days 365)
	[ $# -ge 4 ] && dates=(-startdate "$3" -enddate "$4")
	openssl ca -batch -notext -config "$RIG_TMP/ca/ca.cnf" -in "$csr" -out "$out" \
		"${dates[@]}" >>"$RIG_TMP/ca/issue.log" 2>&1
}

# The CA and every certificate `sfbnet certs --keys` asks for; once per
# RIG_TMP.  $RIG_TMP/certs/NAME.{crt,key}, NAME = the request's file name
# without .cnf (po-cert-edge-external-access.fabrikam.com, ...), and
# edge-wrongsan.crt, edge-expired.crt for the variants.
rig_certs() {
	local c d=$RIG_TMP/ca n edge
	[ -f "$RIG_TMP/certs/.done" ] && return 0
	mkdir -p "$d/new" "$RIG_TMP/certs" "$RIG_TMP/req"
	: >"$d/index.txt"
	echo 1000 >"$d/serial"
	cat >"$d/ca.cnf" <<-EOF
		[ ca ]
		default_ca = rig
		[ rig ]
		database = $d/index.txt
		new_certs_dir = $d/new
		serial = $d/serial
		certificate = $d/ca.pem
		private_key = $d/ca.key
		default_md = sha256
		policy = policy_any
		copy_extensions = copy
		unique_subject = no
		email_in_dn = no
		x509_extensions = leaf
		[ policy_any ]
		commonName = supplied
		[ leaf ]
		basicConstraints = critical, CA:FALSE
		subjectKeyIdentifier = hash
		authorityKeyIdentifier = keyid
	EOF
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" -days 3650 \
		-subj "/O=sfbnet test rig/CN=sfbnet rig root CA" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
		>"$d/ca.log" 2>&1 || { cat "$d/ca.log" >&2; return 1; }
	timeout 60 "$RIG_BIN" certs "$RIG_EXAMPLE" --openssl-dir "$RIG_TMP/req" --keys \
		>"$RIG_TMP/req/certs.out" 2>&1 || { cat "$RIG_TMP/req/certs.out" >&2; return 1; }
	for c in "$RIG_TMP"/req/*.cnf; do
		n=$(basename "$c" .cnf)
		if [ ! -f "$RIG_TMP/req/$n.csr" ] || [ ! -f "$RIG_TMP/req/$n.key" ]; then
			echo "sfbnet certs wrote $n.cnf without its .csr or .key" >&2
			return 1
		fi
		rig_issue "$RIG_TMP/req/$n.csr" "$RIG_TMP/certs/$n.crt" || { tail "$d/issue.log" >&2; return 1; }
		cp "$RIG_TMP/req/$n.key" "$RIG_TMP/certs/$n.key"
	done
	edge=po-cert-edge-external-access.fabrikam.com
	[ -f "$RIG_TMP/certs/$edge.crt" ] || { echo "no request $edge from sfbnet certs" >&2; return 1; }
	# wrongsan: the same request without webcon.fabrikam.com in its SAN.
	grep -v '^DNS\.[0-9]* = webcon\.fabrikam\.com$' "$RIG_TMP/req/$edge.cnf" >"$d/wrongsan.cnf"
	if ! openssl req -new -config "$d/wrongsan.cnf" -key "$RIG_TMP/req/$edge.key" -out "$d/wrongsan.csr" \
		>>"$d/issue.log" 2>&1 || ! rig_issue "$d/wrongsan.csr" "$RIG_TMP/certs/edge-wrongsan.crt"; then
		tail "$d/issue.log" >&2
		return 1
	fi
	cp "$RIG_TMP/req/$edge.key" "$RIG_TMP/certs/edge-wrongsan.key"
	# expired: the right request, valid in 2020 only.
	rig_issue "$RIG_TMP/req/$edge.csr" "$RIG_TMP/certs/edge-expired.crt" 20200101000000Z 20210101000000Z ||
		{ tail "$d/issue.log" >&2; return 1; }
	cp "$RIG_TMP/req/$edge.key" "$RIG_TMP/certs/edge-expired.key"
	# Mediation and the gateway: no request from sfbnet certs; a rig
	# certificate with the FQDN, server EKU.
	for n in med1 gw1; do
		if ! openssl req -new -newkey rsa:2048 -nodes -keyout "$RIG_TMP/certs/rig-$n.corp.fabrikam.com.key" \
			-subj "/CN=$n.corp.fabrikam.com" -addext "subjectAltName=DNS:$n.corp.fabrikam.com" \
			-addext "extendedKeyUsage=serverAuth" -out "$d/$n.csr" >>"$d/issue.log" 2>&1 ||
			! rig_issue "$d/$n.csr" "$RIG_TMP/certs/rig-$n.corp.fabrikam.com.crt"; then
			tail "$d/issue.log" >&2
			return 1
		fi
	done
	RIG_CA=$d/ca.pem
	: >"$RIG_TMP/certs/.done"
}

# ---- DNS (knotd) --------------------------------------------------------

rig_dns_zones() {   # scenario -> zone names of its view, one a line
	timeout 30 "$RIG_BIN" dns "$RIG_EXAMPLE" --format json 2>/dev/null |
		jq -r --arg v "$1" '[.records[] | select(.view == $v) | .zone] | unique[]'
}

rig_dns_up() {
	local scenario=$1 z d=$RIG_RUN/dns
	mkdir -p "$d/db"
	: >"$d/zones"
	for z in $(rig_dns_zones "$scenario"); do
		timeout 30 "$RIG_BIN" dns "$RIG_EXAMPLE" --view "$scenario" --zone "$z" --standalone \
			-o "$d/$z.orig" 2>"$d/gen.err" || { cat "$d/gen.err" >&2; return 1; }
		cp "$d/$z.orig" "$d/$z.zone"
		echo "$z" >>"$d/zones"
	done
	[ -s "$d/zones" ] || { echo "sfbnet dns: no zone in the $scenario view" >&2; return 1; }
	{
		printf 'server:\n    rundir: "%s"\n    pidfile: "%s/knot.pid"\n' "$d" "$d"
		printf '    listen: 127.0.0.1@%s\n' "$RIG_DNS_PORT"
		printf 'log:\n  - target: stderr\n    any: info\n'
		printf 'database:\n    storage: "%s/db"\n' "$d"
		printf 'control:\n    listen: "%s/knot.sock"\n' "$d"
		printf 'template:\n  - id: default\n    storage: "%s"\n' "$d"
		printf '    zonefile-sync: -1\n    zonefile-load: whole\n    journal-content: none\n'
		printf 'zone:\n'
		while read -r z; do printf '  - domain: "%s"\n    file: "%s.zone"\n' "$z" "$z"; done <"$d/zones"
	} >"$d/knot.conf"
	rig_start knotd knotd -c "$d/knot.conf"
	RIG_DNS=127.0.0.1:$RIG_DNS_PORT
	while read -r z; do
		rig_poll 5000 rig_dns_soa "$z" || { rig_tail knotd; return 1; }
	done <"$d/zones"
}
rig_kdig() { rig_in timeout 5 kdig @127.0.0.1 -p "$RIG_DNS_PORT" +tcp +timeout=1 +retry=0 "$@" 2>&1; }
rig_dns_soa() {
	rig_alive knotd || return 2
	rig_kdig "$1" SOA | grep -q 'status: NOERROR'
}
rig_dns_has() {   # NAME TYPE EXPECTED-RDATA-REGEX (present when EXPECTED is "")
	rig_kdig +short "$1" "$2" | grep -Eq "$3"
}

# The zone of the variant; reload when it changed.
rig_dns_apply() {
	local variant=$1 d=$RIG_RUN/dns z=fabrikam.com
	case $variant in
	nosrv) awk '$1 != "_sip._tls"' "$d/$z.orig" ;;
	badsrv) awk -F'\t' -v OFS='\t' '$1 == "_sipfederationtls._tcp" && $4 == "SRV" {
			sub(/ access\.fabrikam\.com\.$/, " access.contoso.net.", $5) } { print }' "$d/$z.orig" ;;
	*) cat "$d/$z.orig" ;;
	esac >"$d/$z.new"
	if cmp -s "$d/$z.new" "$d/$z.zone"; then rm -f "$d/$z.new"; return 0; fi
	mv "$d/$z.new" "$d/$z.zone"
	rig_in knotc -s "$d/knot.sock" zone-reload "$z" >>"$RIG_RUN/knotc.log" 2>&1 ||
		{ rig_tail knotc; return 1; }
	# Wait until the server answers with what the file now says.
	case $variant in
	nosrv) rig_poll 5000 eval '! rig_dns_has _sip._tls.fabrikam.com SRV .' ;;
	badsrv) rig_poll 5000 rig_dns_has _sipfederationtls._tcp.fabrikam.com SRV 'contoso\.net' ;;
	*) rig_poll 5000 rig_dns_has _sip._tls.fabrikam.com SRV . &&
		rig_poll 5000 rig_dns_has _sipfederationtls._tcp.fabrikam.com SRV 'access\.fabrikam\.com' ;;
	esac || { rig_tail knotd; return 1; }
}

# ---- SIP (kamailio) -----------------------------------------------------

rig_kamailio_apply() {
	local scenario=$1 variant=$2 d=$RIG_RUN/kamailio code=200 reason=OK listen="" a c i n
	local -a want=()
	mkdir -p "$d"
	[ "$variant" = sip403 ] && code=403 reason=Forbidden
	{
		printf '[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n'
		if [ "$scenario" = external ]; then
			c=$RIG_TMP/certs/po-cert-edge-external-access.fabrikam.com
			printf 'certificate = %s.crt\nprivate_key = %s.key\n' "$c" "$c"
		else
			c=$RIG_TMP/certs/po-cert-front-end-fe1.corp.fabrikam.com
			printf 'certificate = %s.crt\nprivate_key = %s.key\n' "$c" "$c"
			for a in 1 2 3; do
				c=$RIG_TMP/certs/po-cert-front-end-fe$a.corp.fabrikam.com
				printf '\n[server:10.10.1.1%s:5061]\nmethod = TLSv1.2+\nverify_certificate = no\n' "$a"
				printf 'require_certificate = no\ncertificate = %s.crt\nprivate_key = %s.key\n' "$c" "$c"
			done
			c=$RIG_TMP/certs/po-cert-director-dir1.corp.fabrikam.com
			printf '\n[server:10.10.1.21:5061]\nmethod = TLSv1.2+\nverify_certificate = no\n'
			printf 'require_certificate = no\ncertificate = %s.crt\nprivate_key = %s.key\n' "$c" "$c"
			c=$RIG_TMP/certs/po-cert-edge-internal-edgepool.corp.fabrikam.com
			for a in 172.16.10.11 172.16.10.12; do
				printf '\n[server:%s:5061]\nmethod = TLSv1.2+\nverify_certificate = no\n' "$a"
				printf 'require_certificate = no\ncertificate = %s.crt\nprivate_key = %s.key\n' "$c" "$c"
			done
			while read -r a i n; do
				c=$RIG_TMP/certs/$n
				printf '\n[server:127.0.0.1:%s]\nmethod = TLSv1.2+\nverify_certificate = no\n' "$((9300 + i))"
				printf 'require_certificate = no\ncertificate = %s.crt\nprivate_key = %s.key\n' "$c" "$c"
			done <<<"$rig_internal_hosts"
		fi
		printf '\n[client:default]\nverify_certificate = no\nrequire_certificate = no\n'
	} >"$d/tls.cfg.new"
	if [ "$scenario" = external ]; then
		for a in 203.0.113.21 203.0.113.31; do
			listen+="listen=tls:$a:5061"$'\n'"listen=tls:$a:443"$'\n'"listen=tcp:$a:5269"$'\n'
			want+=("$a:5061" "$a:443" "$a:5269")
		done
	else
		for a in 10.10.1.11 10.10.1.12 10.10.1.13 10.10.1.21 172.16.10.11 172.16.10.12; do
			listen+="listen=tls:$a:5061"$'\n'
			want+=("$a:5061")
		done
		# The catch-alls: SIP over TLS per server, SIP over TCP for all.
		while read -r a i n; do
			listen+="listen=tls:127.0.0.1:$((9300 + i))"$'\n'
			want+=("127.0.0.1:$((9300 + i))")
		done <<<"$rig_internal_hosts"
		listen+="listen=tcp:127.0.0.1:5060"$'\n'
		want+=("127.0.0.1:5060")
	fi
	awk -v listen="$listen" -v tls="$d/tls.cfg" -v code="$code" -v reason="$reason" '
		{ gsub(/@TLSCFG@/, tls); gsub(/@CODE@/, code); gsub(/@REASON@/, reason) }
		/^@LISTEN@$/ { printf "%s", listen; next } { print }' \
		"$RIG_SRC/kamailio.cfg.in" >"$d/kamailio.cfg.new"
	if rig_alive kamailio && cmp -s "$d/kamailio.cfg.new" "$d/kamailio.cfg" &&
		cmp -s "$d/tls.cfg.new" "$d/tls.cfg"; then
		rm -f "$d"/*.new
		return 0
	fi
	mv "$d/kamailio.cfg.new" "$d/kamailio.cfg"
	mv "$d/tls.cfg.new" "$d/tls.cfg"
	rig_stop kamailio
	# A restart must not find the old sockets still bound.
	rig_poll 5000 rig_none_listening "${want[@]}" || { rig_fail "kamailio's old sockets stay bound"; return 1; }
	rig_start kamailio kamailio -f "$d/kamailio.cfg" -DD -E -m 64 -M 8 -Y "$d" -P "$d/kamailio.pid"
	rig_poll 10000 rig_kamailio_ready "${want[@]}" || { rig_tail kamailio; rig_fail "kamailio did not listen"; }
}
rig_kamailio_ready() { rig_alive kamailio || return 2; rig_listening "$@"; }
rig_none_listening() {
	local a
	for a in "$@"; do rig_not_listening "$a" || return 1; done
}

# ---- STUN/TURN (coturn) -------------------------------------------------

# One turnserver per address and transport: UDP 3478, TCP 443 (TURN over
# TCP, not TLS), the relay on the listening address itself (no NAT in the
# rig: relayed = public), relay ports split so that no two processes race.
rig_turn_apply() {
	local scenario=$1 variant=$2 d=$RIG_RUN/turn a i=0 tr args name
	mkdir -p "$d"
	local -a addrs
	if [ "$scenario" = external ]; then addrs=(203.0.113.23 203.0.113.33); else addrs=(172.16.10.11 172.16.10.12); fi
	for a in "${addrs[@]}"; do
		for tr in udp tcp; do
			i=$((i + 1))
			name=turn-$a-$tr
			args="-n --no-cli --no-tls --no-dtls --no-rfc5780 -m 1 -L $a -E $a"
			args+=" --min-port $((50000 + i * 500)) --max-port $((50000 + i * 500 + 499))"
			args+=" -a -u sfbcheck:sfbcheck -r fabrikam.com --userdb $d/$name.db"
			args+=" --log-file $d/$name.log --simple-log --no-stdout-log --pidfile $d/$name.pid"
			if [ "$tr" = udp ]; then args+=" -p 3478 --no-tcp"; else args+=" -p 443 --no-udp"; fi
			if [ "$variant" = wrongpublic ] && [ "$a" = 203.0.113.23 ]; then
				args+=" -X 198.51.100.99/$a --alternate-server 198.51.100.99:3478"
			else
				args+=" -X $a"
			fi
			if rig_alive "$name" && [ "$args" = "$(cat "$d/$name.args" 2>/dev/null)" ]; then continue; fi
			rig_stop "$name"
			echo "$args" >"$d/$name.args"
			if [ "$tr" = udp ]; then
				rig_poll 5000 eval "! rig_listening -u $a:3478" || { rig_fail "$a:3478/udp stays bound"; return 1; }
			else
				rig_poll 5000 rig_not_listening "$a:443" || { rig_fail "$a:443 stays bound"; return 1; }
			fi
			# shellcheck disable=SC2086  # args are words
			rig_start "$name" turnserver $args
		done
	done
	for a in "${addrs[@]}"; do
		if ! rig_poll 10000 rig_turn_ready "turn-$a-udp" -u "$a:3478" ||
			! rig_poll 10000 rig_turn_answers "turn-$a-udp" "$a" ||
			! rig_poll 10000 rig_turn_ready "turn-$a-tcp" "$a:443"; then
			rig_tail "turn-$a-udp"
			rig_tail "turn-$a-tcp"
			rig_fail "coturn did not listen on $a"
			return 1
		fi
	done
}
rig_turn_ready() { local n=$1; shift; rig_alive "$n" || return 2; rig_listening "$@"; }
# A bound UDP socket is not yet an answering server (coturn binds one per
# thread, SO_REUSEPORT): four Bindings in a row, from four source ports,
# must be answered.
rig_turn_answers() {
	local i h
	rig_alive "$1" || return 2
	for ((i = 0; i < 4; i++)); do
		h=$(rig_in bash "$RIG_SRC/stun.sh" udp "$2" 3478 \
			"000100002112a442$(printf '%024x' "$RANDOM$RANDOM$i")" 0.5 2>/dev/null)
		[ "${h:0:4}" = 0101 ] || return 1
	done
}

# ---- HTTPS (nginx) ------------------------------------------------------

# rig_nginx_server LISTENS CERT NAMES BODY: one server block.
rig_nginx_server() {
	local l
	printf 'server {\n'
	for l in $1; do
		case $l in
		*:80 | *:"$RIG_CATCHALL") printf '\tlisten %s;\n' "$l" ;;
		*) printf '\tlisten %s ssl;\n' "$l" ;;
		esac
	done
	[ -n "$2" ] && printf '\tssl_certificate %s.crt;\n\tssl_certificate_key %s.key;\n' "$2" "$2"
	printf '\tserver_name %s;\n' "$3"
	printf '%s\n}\n' "$4"
}

rig_www() {   # DIR AD_HOST WEB LOCATION: the autodiscover documents
	mkdir -p "$1"
	sed "s/@AD_HOST@/$2/g; s/@WEB@/$3/g" "$RIG_SRC/autodiscover-root.json.in" >"$1/root.json"
	sed "s/@WEB@/$3/g; s/@LOCATION@/$4/g" "$RIG_SRC/autodiscover-user.json.in" >"$1/user.json"
}

rig_nginx_apply() {
	local scenario=$1 variant=$2 d=$RIG_RUN/nginx c=$RIG_TMP/certs edge webcon ad rp plain plain_root m a p n
	mkdir -p "$d"
	ad=$(cat "$RIG_SRC/nginx-ad-ok.inc")
	case $variant in ad404 | adloop) ad=$(cat "$RIG_SRC/nginx-ad-$variant.inc") ;; esac
	rp=$c/po-cert-reverse-proxy-webext.fabrikam.com
	plain=$'\tlocation / { return 200 "sfbnet rig: $host\\n"; }'
	plain_root=$'\tlocation = / { return 200 "sfbnet rig: $host\\n"; }'
	{
		if [ "$scenario" = external ]; then
			rig_www "$d/www-ext" lyncdiscover.fabrikam.com webext.fabrikam.com External
			edge=$c/po-cert-edge-external-access.fabrikam.com
			webcon=$edge
			[ "$variant" = wrongsan ] && webcon=$c/edge-wrongsan
			[ "$variant" = expired ] && webcon=$c/edge-expired
			if [ "$variant" = closed ]; then
				rig_nginx_server "203.0.113.32:443" "$webcon" webcon.fabrikam.com "$plain"
			else
				rig_nginx_server "203.0.113.22:443 203.0.113.32:443" "$webcon" webcon.fabrikam.com "$plain"
			fi
			# expired and wrongsan: nginx loads the key with the certificate; the
			# wrongsan and expired certificates carry the Edge key.
			[ "$webcon" != "$edge" ] && printf '# webcon certificate: %s\n' "$webcon"
		else
			rig_www "$d/www-ext" lyncdiscover.fabrikam.com webext.fabrikam.com External
			rig_www "$d/www-int" lyncdiscoverinternal.fabrikam.com webint.corp.fabrikam.com Internal
			for m in 1 2 3; do
				rig_nginx_server "10.10.1.1$m:443 10.10.1.1$m:4443" "$c/po-cert-front-end-fe$m.corp.fabrikam.com" \
					"fe$m.corp.fabrikam.com" "$plain"
			done
			rig_nginx_server "10.10.1.21:443 10.10.1.21:4443" "$c/po-cert-director-dir1.corp.fabrikam.com" \
				dir1.corp.fabrikam.com "$plain"
			# The web VIP: the pool's internal web services and lyncdiscoverinternal.
			rig_nginx_server "10.10.1.10:443" "$c/po-cert-front-end-fe1.corp.fabrikam.com" \
				"lyncdiscoverinternal.fabrikam.com webint.corp.fabrikam.com _" \
				$'\troot '"$d/www-int"$';\n'"$ad"
			rig_nginx_server "10.10.1.40:443" "$c/po-cert-office-web-apps-owaext.fabrikam.com" \
				"owa.corp.fabrikam.com _" "$plain"
			rig_nginx_server "127.0.0.1:$RIG_CATCHALL" "" "_" $'\tlocation / { return 444; }'
			while read -r a p n; do
				rig_nginx_server "127.0.0.1:$((9000 + p))" "$c/$n" "_" $'\tlocation / { return 444; }'
			done <<<"$rig_internal_hosts"
		fi
		# The reverse proxy (in the internal view too: webext resolves to it).
		rig_nginx_server "203.0.113.40:443 203.0.113.40:80" "$rp" "lyncdiscover.fabrikam.com" \
			$'\troot '"$d/www-ext"$';\n'"$ad"
		# webext, the simple URLs, OWA: the autodiscover service's resources
		# (the user link points here), a plain page at /.
		rig_nginx_server "203.0.113.40:443 203.0.113.40:80" "$rp" \
			"webext.fabrikam.com meet.fabrikam.com dialin.fabrikam.com owaext.fabrikam.com _" \
			$'\troot '"$d/www-ext"$';\n'"$(grep -v '^.location = / ' "$RIG_SRC/nginx-ad-ok.inc")"$'\n'"$plain_root"
	} >"$d/servers.conf.new"
	if rig_alive nginx && cmp -s "$d/servers.conf.new" "$d/servers.conf"; then
		rm -f "$d/servers.conf.new"
		return 0
	fi
	mv "$d/servers.conf.new" "$d/servers.conf"
	rig_nginx_gen=$((rig_nginx_gen + 1))
	sed "s|@RUN@|$d|g; s|@CTL@|$RIG_CTL|g; s|@GEN@|$rig_nginx_gen|g; s|@SERVERS@|$d/servers.conf|g" \
		"$RIG_SRC/nginx.conf.in" >"$d/nginx.conf"
	rig_in nginx -t -q -c "$d/nginx.conf" -p "$d" >"$RIG_RUN/nginx-t.log" 2>&1 ||
		{ rig_tail nginx-t; rig_fail "nginx rejects its configuration"; return 1; }
	if rig_alive nginx; then
		kill -HUP "${rig_pid[nginx]}"
	else
		rig_start nginx nginx -c "$d/nginx.conf" -p "$d"
	fi
	rig_poll 10000 rig_nginx_ready || { rig_tail nginx; rig_fail "nginx did not load generation $rig_nginx_gen"; return 1; }
	# The listeners of the variant are there (or gone).
	if [ "$scenario" = external ]; then
		if [ "$variant" = closed ]; then
			rig_poll 5000 rig_not_listening 203.0.113.22:443
		else
			rig_poll 5000 rig_listening 203.0.113.22:443 203.0.113.32:443 203.0.113.40:443
		fi || { rig_fail "nginx listeners not as configured"; return 1; }
	fi
}
rig_nginx_ready() {
	rig_alive nginx || return 2
	# (an HTTP GET from bash: no curl needed)
	# shellcheck disable=SC2016  # the inner shell expands $1
	rig_in timeout 2 bash -c 'exec 3<>"/dev/tcp/${1%:*}/${1##*:}" &&
		printf "GET /rig-generation HTTP/1.0\r\nHost: rig\r\n\r\n" >&3 && cat <&3' _ "$RIG_CTL" \
		2>/dev/null | tr -d '\r' | tail -1 | grep -qx "$rig_nginx_gen" || return 1
	# The old workers must have let their listening sockets go (a HUP starts
	# new workers first): wait until one worker is left.
	[ "$(pgrep -c -P "${rig_pid[nginx]}" 2>/dev/null)" = 1 ]
}

# ---- packet filter (nft) ------------------------------------------------

# The internal scenario's planned TCP ports not served above, "ADDR PORT
# KIND" (KIND siptls, sip, tls or plain), from the plan's flows.
rig_plan_ports() {
	timeout 30 "$RIG_BIN" plan "$RIG_EXAMPLE" --format json 2>/dev/null | jq -r --arg addrs "$rig_addrs_internal" '
	def ip2n: split(".") | map(tonumber) | .[0] * 16777216 + .[1] * 65536 + .[2] * 256 + .[3];
	# $a in the prefix (a single address, or a prefix of 256 addresses at most)
	def inpfx($a): (split("/") as [$b, $l] | (($l // "32") | tonumber) as $n |
		$n >= 24 and (($a | ip2n) - ($b | ip2n)) as $d | $d >= 0 and $d < pow(2; 32 - $n));
	def ports: split(",")[] | gsub(" "; "") | split("-") | map(tonumber) |
		if length == 1 then .[0] elif .[1] - .[0] < 256 then range(.[0]; .[1] + 1) else empty end;
	def kind($p): .app as $a |
		if ($a | test("SIP/TCP or SIP/TLS")) then (if $p == 5060 then "sip" else "siptls" end)
		elif ($a | test("^SIP")) and ($a | test("TLS")) then "siptls"
		elif $a == "SIP/TCP" then "sip"
		elif ($a | test("HTTP,")) then (if $p == 80 or $p == 8080 then "plain" else "tls" end)
		elif ($a | test("TLS|HTTPS")) then "tls"
		else "plain" end;
	def rank: {"siptls": 3, "tls": 2, "sip": 1, "plain": 0}[.];
	[($addrs | split("\\s+"; null)[] | select(. != "")) as $a | .flows[] |
		select(.protocol != "udp" and (.dst_addresses | type) == "string") |
		select([.dst_addresses | split(", ")[] | select(test(":") | not) | inpfx($a)] | any) |
		. as $f | (.dst_ports | ports) as $p | {a: $a, p: $p, k: ($f | kind($p))}] |
	group_by([.a, .p]) | map(max_by(.k | rank)) | .[] | "\(.a) \(.p) \(.k)"'
}

rig_nft_apply() {
	local scenario=$1 variant=$2 d=$RIG_RUN a p k i n to elems=""
	local -A tls_port=()
	{
		printf 'table ip sfbrig\ndelete table ip sfbrig\ntable ip sfbrig {\n'
		if [ "$scenario" = internal ]; then
			if [ ! -f "$d/plan-ports" ]; then
				rig_plan_ports >"$d/plan-ports" || { rig_fail "sfbnet plan --format json failed"; return 1; }
			fi
			while read -r a i n; do tls_port[$a]=$i; done <<<"$rig_internal_hosts"
			while read -r a p k; do
				grep -qE "(^| )$a $p( |\$)" <<<"${rig_served_internal//$'\n'/ }" && continue
				i=${tls_port[$a]:-}
				case $k in
				siptls) to=$([ -n "$i" ] && echo $((9300 + i)) || echo "$RIG_CATCHALL") ;;
				tls) to=$([ -n "$i" ] && echo $((9000 + i)) || echo "$RIG_CATCHALL") ;;
				sip) to=5060 ;;
				*) to=$RIG_CATCHALL ;;
				esac
				elems+="${elems:+, }$a . $p : $to"
			done <"$d/plan-ports"
			printf '\tset internal { type ipv4_addr; elements = { %s } }\n' \
				"$(tr -s ' \t\n' ',' <<<"$rig_addrs_internal" | sed 's/^,//; s/,$//')"
			printf '\tset served { type ipv4_addr . inet_service; elements = { %s } }\n' \
				"$(awk '{ for (i = 1; i < NF; i += 2) printf "%s%s . %s", (n++ ? ", " : ""), $i, $(i + 1) }' \
					<<<"$rig_served_internal")"
			printf '\tmap catch { type ipv4_addr . inet_service : inet_service; elements = { %s } }\n' "$elems"
			printf '\tchain out_nat {\n\t\ttype nat hook output priority -100; policy accept;\n'
			printf '\t\tip daddr . tcp dport @served return\n'
			printf '\t\tip daddr . tcp dport @catch redirect to : ip daddr . tcp dport map @catch\n'
			printf '\t\tip daddr @internal meta l4proto tcp redirect to :%s\n' "$RIG_CATCHALL"
			printf '\t}\n'
		fi
		printf '\tchain out_filter {\n\t\ttype filter hook output priority 0; policy accept;\n'
		[ "$variant" = dropped ] && printf '\t\tip daddr 203.0.113.22 tcp dport 443 drop\n'
		printf '\t}\n}\n'
	} >"$d/nft.new"
	if [ -f "$d/nft.rules" ] && cmp -s "$d/nft.new" "$d/nft.rules"; then rm -f "$d/nft.new"; return 0; fi
	mv "$d/nft.new" "$d/nft.rules"
	rig_in nft -f "$d/nft.rules" 2>"$d/nft.err" || { cat "$d/nft.err" >&2; rig_fail "nft rejects the rig's rules"; return 1; }
}

# ---- up and down --------------------------------------------------------

rig_need() {
	local t missing=""
	[ "$(id -u)" = 0 ] || { RIG_WHY="needs root (network namespaces)"; return 77; }
	for t in ip:iproute2 ss:iproute2 nft:nftables knotd:knot knotc:knot kdig:knot-dnsutils \
		kamailio:kamailio turnserver:coturn nginx:nginx-light openssl:openssl jq:jq \
		timeout:coreutils pgrep:procps; do
		command -v "${t%%:*}" >/dev/null 2>&1 || missing="$missing ${t%%:*} (Debian package ${t#*:})"
	done
	[ -z "$missing" ] || { RIG_WHY="needs$missing"; return 77; }
	[ -n "$(find /usr/lib -path '*kamailio/modules/tls.so' -print -quit 2>/dev/null)" ] ||
		{ RIG_WHY="needs kamailio's tls module (Debian package kamailio-tls-modules)"; return 77; }
	[ -x "${RIG_BIN:-}" ] || { RIG_WHY="RIG_BIN is not an executable: ${RIG_BIN:-unset}"; return 1; }
	[ -f "$RIG_EXAMPLE" ] || { RIG_WHY="no $RIG_EXAMPLE (run from the source directory)"; return 1; }
}

# rig_up SCENARIO VARIANT
rig_up() {
	local scenario=$1 variant=$2 rc t0
	case $scenario in external | internal) ;; *) RIG_WHY="unknown scenario $scenario"; return 1 ;; esac
	case $variant in
	ok | nosrv | badsrv | wrongsan | expired | closed | dropped | wrongpublic | sip403 | ad404 | adloop) ;;
	*) RIG_WHY="unknown variant $variant"; return 1 ;;
	esac
	t0=$(rig_now_ms)
	if [ "$scenario" != "$RIG_SCENARIO" ]; then
		[ -n "$RIG_SCENARIO" ] && rig_down_servers
		rig_need || return
		if [ -z "$RIG_TMP" ]; then
			RIG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sfb-rig.XXXXXX") || { RIG_WHY="mktemp failed"; return 1; }
		fi
		RIG_RUN=$RIG_TMP/run-$scenario
		rm -rf "$RIG_RUN"
		mkdir -p "$RIG_RUN"
		rig_certs || { RIG_WHY="could not make the certificates"; return 1; }
		RIG_CA=$RIG_TMP/ca/ca.pem
		rig_ns_up "$scenario"
		rc=$?
		[ "$rc" = 0 ] || { [ "$rc" = 77 ] || RIG_WHY="cannot set up the namespace's addresses"; return "$rc"; }
		RIG_SCENARIO=$scenario RIG_VARIANT=""
		rig_dns_up "$scenario" || { RIG_WHY="knotd did not serve the $scenario view"; return 1; }
	fi
	rig_dns_apply "$variant" || { RIG_WHY="knotd did not load the $variant zone"; return 1; }
	rig_nft_apply "$scenario" "$variant" || return 1
	rig_kamailio_apply "$scenario" "$variant" || return 1
	rig_turn_apply "$scenario" "$variant" || return 1
	rig_nginx_apply "$scenario" "$variant" || return 1
	RIG_VARIANT=$variant
	rig_log "$scenario/$variant up in $(($(rig_now_ms) - t0)) ms (namespace $RIG_NS, DNS $RIG_DNS)"
}

rig_down_servers() {
	local n p
	for n in "${!rig_pid[@]}"; do kill "${rig_pid[$n]}" 2>/dev/null; done
	for n in "${!rig_pid[@]}"; do rig_stop "$n"; done
	if [ -n "$RIG_NS" ]; then
		# Whatever is still in the namespace was started here (kamailio's
		# and nginx's children): by pid.
		for p in $(ip netns pids "$RIG_NS" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$RIG_NS" 2>/dev/null
	fi
	RIG_NS="" RIG_SCENARIO="" RIG_VARIANT="" RIG_DNS=""
}

rig_down() {
	rig_down_servers
	if [ -n "$RIG_TMP" ] && [ "${RIG_KEEP:-0}" != 1 ]; then rm -rf "$RIG_TMP"; fi
	[ "${RIG_KEEP:-0}" = 1 ] && [ -n "$RIG_TMP" ] && rig_log "kept $RIG_TMP"
	RIG_TMP=""
}
