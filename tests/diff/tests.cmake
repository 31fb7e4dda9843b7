# sfbnet diff: golden text and JSON of examples/onprem-edge.yaml against its
# variants (a host added, a network narrowed, a firewall removed).
add_test(NAME diff/golden
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/check.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
