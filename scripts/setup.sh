#!/bin/sh
# Fresh Debian 12 machine -> dependencies, a release build in build/, and the
# main job on a bundled example: the plan of the on-premises example's
# external firewall and its nftables rules (written to build/fw-external.nft
# and checked by the real nft in a throwaway network namespace when possible).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
ex=examples/onprem-edge.yaml
build/sfbnet validate "$ex"
build/sfbnet plan "$ex" --firewall fw-external --format md -o build/plan-fw-external.md
echo "wrote build/plan-fw-external.md (the flows through fw-external, a change-ticket table)"
build/sfbnet firewall "$ex" --target nftables --firewall fw-external -o build/fw-external.nft
echo "wrote build/fw-external.nft ($(grep -c 'accept comment' build/fw-external.nft) rules):"
grep 'accept comment' build/fw-external.nft | cut -c1-150
if [ "$(id -u)" = 0 ] && ip netns add sfbsetup$$ 2>/dev/null; then
	ip netns exec sfbsetup$$ nft -c -f build/fw-external.nft && echo "nft -c: the ruleset is valid"
	ip netns del sfbsetup$$
fi
