add_test(NAME topology/dns-cert-checks
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/check.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
