#!/bin/sh
# Install the Debian 12 packages sfbnet needs to build and to run its whole
# test suite (apt runs without recommends, so libc6-dev is named: gcc only
# recommends it).  Installs only what is missing; runs apt-get update only then.
set -eu
PKGS="cmake gcc libc6-dev make pkg-config libfyaml-dev libjansson-dev libxml2-dev libcmocka-dev libssl-dev openssl
      libc-ares-dev libcurl4-openssl-dev libgraphviz-dev
      nftables iptables iproute2 conntrack jq time groff-base
      knot knot-dnsutils knot-dnssecutils
      coturn kamailio kamailio-tls-modules nginx-light dnsperf curl procps
      chromium"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "installing:$missing"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
