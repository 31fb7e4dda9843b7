# The check parsers (src/lib/check: STUN/MS-TURN, SIP) on real captures.
#
# pcap_payloads: the UDP and TCP payloads of a pcap or pcapng file, one hex
# line each (its own reader, through sfb_cur).  wire_dump: those payloads
# (or raw STUN files) through sfb_stun / sfb_sip, one canonical line per
# message.  real_inputs.sh reads ../shared/real/stun-turn/ and sip/ when
# present (the files are never copied into the project) and checks what
# their README states.
foreach(tool pcap_payloads wire_dump)
  add_executable(${tool} ${CMAKE_CURRENT_LIST_DIR}/${tool}.c)
  target_include_directories(${tool}
    PRIVATE ${CMAKE_SOURCE_DIR}/src/lib ${CMAKE_SOURCE_DIR}/src/lib/core)
  target_link_libraries(${tool} PRIVATE sfbnet_lib)
endforeach()

add_test(NAME check/real-inputs
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/real_inputs.sh $<TARGET_FILE:pcap_payloads> $<TARGET_FILE:wire_dump>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(check/real-inputs PROPERTIES SKIP_RETURN_CODE 77)

# The autodiscover parser (src/lib/check/sfb_autodiscover.c) on Microsoft's
# example documents of ../shared/real/autodiscover/ when present:
# autodiscover_dump prints the result canonically, autodiscover_real.sh
# checks what ../shared/real/README.md says the documents hold.
add_executable(autodiscover_dump ${CMAKE_CURRENT_LIST_DIR}/autodiscover_dump.c)
target_include_directories(autodiscover_dump
  PRIVATE ${CMAKE_SOURCE_DIR}/src/lib ${CMAKE_SOURCE_DIR}/src/lib/core)
target_link_libraries(autodiscover_dump PRIVATE sfbnet_lib)
add_test(NAME check/autodiscover-real
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/autodiscover_real.sh $<TARGET_FILE:autodiscover_dump>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(check/autodiscover-real PROPERTIES SKIP_RETURN_CODE 77)

# sfbnet check against real servers (knotd, kamailio, coturn, nginx,
# certificates from a private CA) standing in for examples/onprem-edge.yaml
# in a network namespace of the test's own; one fault at a time.
add_test(NAME check/live
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/live.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(check/live PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)

# sfbnet check --partners against knotd: each kind of broken federation
# record, the priority order, exit statuses, input errors at line:column.
add_test(NAME check/partners
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/partners.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(check/partners PROPERTIES SKIP_RETURN_CODE 77)
