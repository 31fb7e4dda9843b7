# The audit's ruleset parsers against the real tools.
#
# rs_dump: the iptables-save parser's model printed canonically (rs_dump.c).
# ipt_real.sh loads hand-written rulesets and the rulesets sfbnet generates
# for the examples with iptables-restore / ip6tables-restore in a network
# namespace of its own, dumps them with iptables-save / ip6tables-save and
# checks what the parser reads from the real dump (no packet is sent).
add_executable(rs_dump ${CMAKE_CURRENT_LIST_DIR}/rs_dump.c)
target_include_directories(rs_dump
  PRIVATE ${CMAKE_SOURCE_DIR}/src/lib ${CMAKE_SOURCE_DIR}/src/lib/core)
target_link_libraries(rs_dump PRIVATE sfbnet_lib)

add_test(NAME audit/ipt-parse-real
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/ipt_real.sh $<TARGET_FILE:sfbnet> $<TARGET_FILE:rs_dump>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(audit/ipt-parse-real PROPERTIES SKIP_RETURN_CODE 77)
