# The audit's ruleset parsers against the real tools.
#
# rs_dump: the iptables-save parser's model printed canonically (rs_dump.c).
# ipt_real.sh loads hand-written rulesets and the rulesets sfbnet generates
# for the examples with iptables-restore / ip6tables-restore in a network
# namespace of its own, dumps them with iptables-save / ip6tables-save and
# checks what the parser reads from the real dump (no packet is sent).
add_executable(rs_dump ${CMAKE_CURRENT_LIST_DIR}/rs_dump.c)
target_include_directories(rs_dump
  PRIVATE ${CMAKE_SOURCE_DIR}/src/lib ${CMAKE_SOURCE_DIR}/src/lib/core)
target_link_libraries(rs_dump PRIVATE sfbnet_lib)

add_test(NAME audit/ipt-parse-real
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/ipt_real.sh $<TARGET_FILE:sfbnet> $<TARGET_FILE:rs_dump>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(audit/ipt-parse-real PROPERTIES SKIP_RETURN_CODE 77)

# sfbnet audit: every ruleset sfbnet generates for every example (nftables;
# iptables + ip6tables) loaded and dumped by the real tools in a namespace
# of the test, audited clean (tests/audit/nft_examples.sh).
add_test(NAME audit/generated-clean
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/nft_examples.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(audit/generated-clean PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
# Hand-written nftables rulesets on tests/audit/kernel-topology.yaml: the
# audit's report compared exactly (missing rule, narrowed range, over-broad
# rule, shadowed rule, jump/return, negated set, source ports, DNAT, tcp
# flags, xt) ...
add_test(NAME audit/hand-written
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/hand_written.sh $<TARGET_FILE:sfbnet> $<TARGET_FILE:pktprobe> audit
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(audit/hand-written PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
# ... and the same rulesets in a firewall namespace between client and
# perimeter namespaces: real packets pass exactly where the audit says
# allowed and are dropped where it says missing.
add_test(NAME audit/kernel-agrees
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/hand_written.sh $<TARGET_FILE:sfbnet> $<TARGET_FILE:pktprobe> kernel
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(audit/kernel-agrees PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 180)
# sfbnet audit --host: a host's own input chains (nftables and iptables).
add_test(NAME audit/host
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/host.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(audit/host PROPERTIES SKIP_RETURN_CODE 77)
