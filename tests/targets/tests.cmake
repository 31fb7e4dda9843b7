# Firewall targets: the semantic checker (tests/targets/semantic.c) reads
# every generated ruleset back into (protocol, sources, destinations,
# ports, action) tuples and compares them with the plan; check.sh runs it
# for every example, firewall (or Windows host) and target, and proves it
# fails when one rule line is deleted.
add_executable(sfb_semantic ${CMAKE_CURRENT_LIST_DIR}/semantic.c ${CMAKE_SOURCE_DIR}/tests/lib/batch.c)
target_include_directories(sfb_semantic PRIVATE ${CMAKE_SOURCE_DIR}/src/lib
  ${CMAKE_SOURCE_DIR}/src/lib/core)
target_link_libraries(sfb_semantic PRIVATE sfbnet_lib PkgConfig::JANSSON)
add_test(NAME targets/semantic
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/check.sh $<TARGET_FILE:sfbnet>
          $<TARGET_FILE:sfb_semantic> $<TARGET_FILE:sfbnet_batch>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
# sfbnet_batch (tests/lib/sfbnet_batch.c): the CLI's own code, many command
# lines in few processes; check.sh makes its hundreds of rulesets with it.
set(SFB_CLI_NOMAIN ${SFB_CLI_SOURCES})
list(FILTER SFB_CLI_NOMAIN EXCLUDE REGEX "/main\\.c$")
add_executable(sfbnet_batch ${CMAKE_SOURCE_DIR}/tests/lib/sfbnet_batch.c
  ${CMAKE_SOURCE_DIR}/tests/lib/batch.c ${SFB_CLI_NOMAIN})
target_include_directories(sfbnet_batch PRIVATE ${CMAKE_SOURCE_DIR}/src/cli
  ${CMAKE_SOURCE_DIR}/tests/lib)
target_link_libraries(sfbnet_batch PRIVATE sfbnet_lib)
