# DNS records and certificate requests checked by real consumers: a Knot DNS
# server serving the generated zones, and OpenSSL reading the generated
# request configurations, keys and CSRs.  (An included file:
# CMAKE_CURRENT_LIST_DIR is this directory.)  Exit 77 means skipped: the
# Knot test needs the Debian packages knot, knot-dnsutils, knot-dnssecutils.
add_test(NAME dns/knot-server
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/knot_zones.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
add_test(NAME dns/openssl-csr
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/csr.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(dns/knot-server dns/openssl-csr PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
# dns --format windows: the PowerShell script holds exactly the records of
# the JSON, per view and zone (read back; no PowerShell on Debian).
add_test(NAME dns/windows-script
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/windows_script.sh $<TARGET_FILE:sfbnet>
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
