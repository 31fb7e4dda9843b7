# The path test (sfbnet responder + sfbnet probe) with real packets across
# an nftables firewall, in network namespaces the scripts make themselves
# (root, nft, ip, jq; they exit 77 to skip without them).
# (An included file: CMAKE_CURRENT_LIST_DIR is this directory.)
add_executable(ptsend ${CMAKE_CURRENT_LIST_DIR}/ptsend.c)
target_link_libraries(ptsend PRIVATE PkgConfig::OPENSSL)

add_test(NAME pathtest/ground-truth
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/ground_truth.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
add_test(NAME pathtest/no-amplification
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/no_amplification.sh $<TARGET_FILE:sfbnet> $<TARGET_FILE:ptsend>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
# The same ground truth with the raw engine, and what only it has (IPv6
# through raw sockets, the token check of a SYN-ACK, CAP_NET_RAW).
add_test(NAME pathtest/ground-truth-raw
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/ground_truth.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(pathtest/ground-truth-raw PROPERTIES ENVIRONMENT
  "PT_ENGINE=raw;PT_RATE=20000;PT_SCENARIOS=3 4 6")
add_test(NAME pathtest/raw-engine
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/raw_engine.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(pathtest/ground-truth pathtest/no-amplification pathtest/ground-truth-raw
  pathtest/raw-engine
  PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 240 RUN_SERIAL TRUE)

# Hosts with a second address: each flow leaves from its source endpoint's
# address, the responder answers from the address the probe reached.
add_test(NAME pathtest/source-address
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/source_address.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(pathtest/source-address
  PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 240 RUN_SERIAL TRUE)
# Network destinations through --target, --firewall, and a destination with
# no responder ("no responder answered").
add_test(NAME pathtest/targets
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/targets.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(pathtest/targets
  PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 240 RUN_SERIAL TRUE)
# An Edge with an internal and three external addresses on one interface
# behind the generated rules: every inbound and outbound flow, and exactly
# the flow whose rule is missing.
add_test(NAME pathtest/edge-addresses
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/edge_addresses.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(pathtest/edge-addresses
  PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 240 RUN_SERIAL TRUE)
# An Edge with two network cards: the gateway on the external one, a static
# route to the internal networks on the other.
add_test(NAME pathtest/edge-two-nics
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/edge_two_nics.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(pathtest/edge-two-nics
  PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 240 RUN_SERIAL TRUE)
