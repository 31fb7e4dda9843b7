# Hostile names, paths and catalog text against every output language.
add_test(NAME security/injection
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/injection.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
add_test(NAME security/limits
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/limits.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
