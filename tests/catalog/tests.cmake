add_test(NAME catalog/bad-input
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/bad_catalog.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
