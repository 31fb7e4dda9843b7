# docs/man-pages: the man pages render without groff warnings and match the
# command table (options and their stated defaults), the exit statuses, the
# topology loader's keys and the source files of docs/architecture.md
# (tests/docs/check.sh).  Skips (77) when groff is missing (groff-base).
add_test(NAME docs/man-pages
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/check.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(docs/man-pages PROPERTIES SKIP_RETURN_CODE 77)
