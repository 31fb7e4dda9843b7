# Firewall targets: the semantic checker (tests/targets/semantic.c) reads
# every generated ruleset back into (protocol, sources, destinations,
# ports, action) tuples and compares them with the plan; check.sh runs it
# for every example, firewall (or Windows host) and target, and proves it
# fails when one rule line is deleted.
add_executable(sfb_semantic ${CMAKE_CURRENT_LIST_DIR}/semantic.c)
target_include_directories(sfb_semantic PRIVATE ${CMAKE_SOURCE_DIR}/src/lib
  ${CMAKE_SOURCE_DIR}/src/lib/core)
target_link_libraries(sfb_semantic PRIVATE sfbnet_lib PkgConfig::JANSSON)
add_test(NAME targets/semantic
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/check.sh $<TARGET_FILE:sfbnet>
          $<TARGET_FILE:sfb_semantic>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
