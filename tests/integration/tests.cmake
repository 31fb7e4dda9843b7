# Packet test of the generated nftables rules: client, firewall and server
# network namespaces, real TCP/UDP probes sent by the pktprobe helper.
# (An included file: CMAKE_CURRENT_LIST_DIR is this directory, while
# CMAKE_CURRENT_SOURCE_DIR is still tests/.)
add_executable(pktprobe ${CMAKE_CURRENT_LIST_DIR}/pktprobe.c)
add_test(NAME firewall/netns-packets
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/netns_firewall.sh $<TARGET_FILE:sfbnet> $<TARGET_FILE:pktprobe>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(firewall/netns-packets PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
# The same with every zone and firewall of examples/two-sites.yaml (topology
# version 2: load balancer VIPs, a single-IP Edge behind NAT, sites).
add_test(NAME firewall/netns-two-sites
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/netns_two_sites.sh $<TARGET_FILE:sfbnet> $<TARGET_FILE:pktprobe>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(firewall/netns-two-sites PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
# examples/teams-interop.yaml: Direct Routing SBC in a DMZ, clients, Teams
# relays (TCP, UDP ranges and source-port-constrained media).
add_test(NAME firewall/netns-teams-interop
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/netns_teams_interop.sh $<TARGET_FILE:sfbnet> $<TARGET_FILE:pktprobe>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(firewall/netns-teams-interop PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
# --mode include into an existing policy, and --nat for an Edge behind NAT
# (nftables and iptables, examples/two-sites.yaml fw-external).
add_test(NAME firewall/netns-include-nat
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/netns_include_nat.sh $<TARGET_FILE:sfbnet> $<TARGET_FILE:pktprobe>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(firewall/netns-include-nat PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
