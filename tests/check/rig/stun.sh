#!/usr/bin/env bash
# stun.sh udp|tcp ADDR PORT HEX [WAIT]: send the bytes HEX (a STUN message)
# to ADDR:PORT from bash's /dev/udp or /dev/tcp and print the first answer
# (one datagram, or what the first read of the stream returns) in lower-case
# hex; nothing when none comes within WAIT seconds (default 2).  Exit 1 when
# the socket cannot be opened (refused).  The rig's self-test runs it inside
# the namespace: bash, dd and od only, nothing to install.
set -u
proto=$1 addr=$2 port=$3 hex=$4 wait=${5:-2}
msg=$(mktemp "${TMPDIR:-/tmp}/sfb-stun.XXXXXX") || exit 3
trap 'rm -f "$msg"' EXIT
# The message goes out in one write (one datagram): printf into a file, dd
# from it ($(...) would lose NUL bytes; printf straight to the socket may
# write in pieces, i.e. several datagrams).
# shellcheck disable=SC2001  # sed's & (bash 5.1's ${v//} has none)
printf '%b' "$(sed 's/../\\x&/g' <<<"$hex")" >"$msg"
exec 3<>"/dev/$proto/$addr/$port" || exit 1
dd if="$msg" bs=65536 count=1 >&3 2>/dev/null
timeout "$wait" dd bs=65536 count=1 <&3 2>/dev/null | od -An -tx1 -v | tr -d ' \n'
exec 3>&-
