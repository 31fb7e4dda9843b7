# sfbnet import: the Office 365 endpoints JSON (o365.sh, with the fixtures of
# tests/import/o365/ and, when present, the real documents of
# ../shared/real/o365-endpoints/).
add_test(NAME import/o365
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/o365.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
# sfbnet import topology: the project's own fixtures of tests/import/topology/
# and, when present, the real topologies of ../shared/real/topology and
# ../shared/samples.
add_test(NAME import/topology
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/topology.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
