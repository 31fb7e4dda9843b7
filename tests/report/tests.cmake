# sfbnet report: the page of every example in headless Chromium (exit 77
# to skip without it); its failing-result case runs a twin (root,
# namespaces).  (An included file: CMAKE_CURRENT_LIST_DIR is this directory.)
add_test(NAME report/render
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/render.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(report/render PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 400 RUN_SERIAL TRUE)
