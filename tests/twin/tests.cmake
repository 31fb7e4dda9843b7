# sfbnet twin: whole topologies in network namespaces the runs make and
# remove themselves (root, ip, nft, conntrack, jq; exit 77 to skip without
# them).  (An included file: CMAKE_CURRENT_LIST_DIR is this directory.)
foreach(t examples broken lifecycle)
  add_test(NAME twin/${t}
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/${t}.sh $<TARGET_FILE:sfbnet>
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(twin/${t} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 400 RUN_SERIAL TRUE)
endforeach()
