#!/usr/bin/env bash
# stun.sh udp|tcp ADDR PORT HEX: send the bytes HEX (a STUN message) to
# ADDR:PORT from bash's /dev/udp or /dev/tcp and print the first answer
# (one datagram, or what the first read of the stream returns) in lower-case
# hex; nothing when none comes within 2 s.  Exit 1 when the socket cannot be
# opened (refused).  The rig's self-test runs it inside the namespace: bash,
# dd and od only, nothing to install.
set -u
proto=$1 addr=$2 port=$3 hex=$4
exec 3<>"/dev/$proto/$addr/$port" || exit 1
# shellcheck disable=SC2059,SC2001  # the format is the message, as \xNN escapes
printf "$(sed 's/../\\x&/g' <<<"$hex")" >&3
timeout 2 dd bs=65536 count=1 <&3 2>/dev/null | od -An -tx1 -v | tr -d ' \n'
exec 3>&-
