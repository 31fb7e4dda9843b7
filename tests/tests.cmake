# Script-driven tests: they run the real sfbnet binary (and real nft,
# iptables-restore, network namespaces) from the source directory, so that
# file names in outputs and messages are stable relative paths.
set(SFB_BIN $<TARGET_FILE:sfbnet>)

add_test(NAME golden/examples
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/golden/check.sh ${SFB_BIN}
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
add_test(NAME catalog/seed-rows
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/check_seed_rows.sh ${SFB_BIN}
          ${CMAKE_CURRENT_SOURCE_DIR}/seed_rows.tsv
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
add_test(NAME catalog/official-rows
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/check_official_rows.sh ${SFB_BIN}
          ${CMAKE_CURRENT_SOURCE_DIR}/official_rows.tsv
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
add_test(NAME topology/bad-input
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/bad/check.sh ${SFB_BIN}
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
add_test(NAME firewall/real-validators
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/validate_rules.sh ${SFB_BIN}
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
add_test(NAME cli/behaviour
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/cli.sh ${SFB_BIN}
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
# A test script exits 77 to say it skipped (e.g. no network namespaces).
set_tests_properties(firewall/real-validators PROPERTIES SKIP_RETURN_CODE 77)

# More tests contributed by each area: tests/<area>/tests.cmake.
file(GLOB SFB_AREA_TESTS ${CMAKE_CURRENT_SOURCE_DIR}/*/tests.cmake)
foreach(f ${SFB_AREA_TESTS})
  include(${f})
endforeach()
