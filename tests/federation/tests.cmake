# sfbnet federation: every rule both ways, the external-access modes, every
# PowerShell serialisation, malformed input, and the real tenant exports of
# ../shared/real/federation when present.
add_test(NAME federation/rules
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/check.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
