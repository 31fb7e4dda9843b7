# Fuzz targets (see tests/fuzz/README.md).
#
# Always: each target linked with the replay driver (replay_<target>), and a
# test that replays its seed corpus tests/fuzz/corpus/<target>/ (in the
# ASan+UBSan build of scripts/test.sh this is where the corpus is checked).
#
# With -DSFB_FUZZ=ON (clang only): also real libFuzzer binaries <target>,
# built against an instrumented copy of the library:
#   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DSFB_FUZZ=ON
#   cmake --build build-fuzz -j2 --target fuzz_topology fuzz_catalog fuzz_ports_addrs fuzz_wire \
#       fuzz_downstream fuzz_import_topology fuzz_o365 fuzz_rs_nft fuzz_rs_ipt fuzz_federation
#       fuzz_autodiscover fuzz_stun fuzz_sip fuzz_dns_answer fuzz_partners fuzz_results fuzz_pkt
option(SFB_FUZZ "Build libFuzzer fuzz targets (needs clang)" OFF)

set(SFB_FUZZ_TARGETS fuzz_topology fuzz_catalog fuzz_ports_addrs fuzz_wire fuzz_downstream
    fuzz_import_topology fuzz_o365 fuzz_rs_nft fuzz_rs_ipt fuzz_federation)
set(SFB_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})
# Extra sources per target (fuzz_common.c: the guard against known libfyaml
# bugs, shared by the YAML targets).
set(SFB_FUZZ_EXTRA_fuzz_topology ${SFB_FUZZ_DIR}/fuzz_common.c)
set(SFB_FUZZ_EXTRA_fuzz_catalog ${SFB_FUZZ_DIR}/fuzz_common.c)
set(SFB_FUZZ_EXTRA_fuzz_downstream ${SFB_FUZZ_DIR}/fuzz_common.c)
set(SFB_FUZZ_EXTRA_fuzz_ports_addrs "")
set(SFB_FUZZ_EXTRA_fuzz_wire "")
set(SFB_FUZZ_EXTRA_fuzz_import_topology "")
set(SFB_FUZZ_EXTRA_fuzz_o365 "")
set(SFB_FUZZ_EXTRA_fuzz_rs_nft "")
set(SFB_FUZZ_EXTRA_fuzz_rs_ipt "")
set(SFB_FUZZ_EXTRA_fuzz_federation "")
# The autodiscover response parser (first byte: JSON or XML).
list(APPEND SFB_FUZZ_TARGETS fuzz_autodiscover)
set(SFB_FUZZ_EXTRA_fuzz_autodiscover "")
# The check parsers: STUN / MS-TURN and SIP (src/lib/check).
list(APPEND SFB_FUZZ_TARGETS fuzz_stun fuzz_sip)
set(SFB_FUZZ_EXTRA_fuzz_stun "")
set(SFB_FUZZ_EXTRA_fuzz_sip "")
# DNS answers as the checks read them (src/lib/check/sfb_dnsans.c on c-ares).
list(APPEND SFB_FUZZ_TARGETS fuzz_dns_answer)
set(SFB_FUZZ_EXTRA_fuzz_dns_answer "")
# The --partners file of sfbnet check.
list(APPEND SFB_FUZZ_TARGETS fuzz_partners)
set(SFB_FUZZ_EXTRA_fuzz_partners "")
# The --results files of sfbnet report.
list(APPEND SFB_FUZZ_TARGETS fuzz_results)
set(SFB_FUZZ_EXTRA_fuzz_results "")
# The packets of the path test's raw engine (TCP answers, ICMP errors) and
# the ones it builds (SYN, the responder's UDP echo).
list(APPEND SFB_FUZZ_TARGETS fuzz_pkt)
set(SFB_FUZZ_EXTRA_fuzz_pkt "")

foreach(t ${SFB_FUZZ_TARGETS})
  add_executable(replay_${t} ${SFB_FUZZ_DIR}/${t}.c ${SFB_FUZZ_EXTRA_${t}}
    ${SFB_FUZZ_DIR}/replay_main.c)
  target_include_directories(replay_${t}
    PRIVATE ${CMAKE_SOURCE_DIR}/src/lib ${CMAKE_SOURCE_DIR}/src/lib/core)
  target_compile_definitions(replay_${t} PRIVATE SFB_FUZZ_NAME="${t}")
  target_link_libraries(replay_${t} PRIVATE sfbnet_lib)
  add_test(NAME fuzz/replay-${t}
    COMMAND replay_${t} ${SFB_FUZZ_DIR}/corpus/${t}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endforeach()

if(SFB_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SFB_FUZZ=ON needs clang: -DCMAKE_C_COMPILER=clang")
  endif()
  set(SFB_FUZZ_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
      -fno-omit-frame-pointer -g)
  # The library again, with coverage for libFuzzer (the normal sfbnet_lib
  # stays uninstrumented, so sfbnet and the other tests link as usual).
  add_library(sfbnet_fuzzlib STATIC ${SFB_LIB_SOURCES} ${SFB_EMBED_C})
  add_dependencies(sfbnet_fuzzlib sfbnet_lib)  # generates ${SFB_EMBED_C}
  target_include_directories(sfbnet_fuzzlib
    PUBLIC ${CMAKE_SOURCE_DIR}/include
    PRIVATE ${CMAKE_SOURCE_DIR}/src/lib ${CMAKE_SOURCE_DIR}/src/lib/core)
  target_compile_options(sfbnet_fuzzlib PRIVATE ${SFB_FUZZ_FLAGS} -fsanitize=fuzzer-no-link)
  target_link_libraries(sfbnet_fuzzlib PUBLIC PkgConfig::FYAML PkgConfig::JANSSON PkgConfig::XML2
    PkgConfig::OPENSSL PkgConfig::CARES PkgConfig::CURL PkgConfig::GVC)
  foreach(t ${SFB_FUZZ_TARGETS})
    add_executable(${t} ${SFB_FUZZ_DIR}/${t}.c ${SFB_FUZZ_EXTRA_${t}})
    target_include_directories(${t}
      PRIVATE ${CMAKE_SOURCE_DIR}/src/lib ${CMAKE_SOURCE_DIR}/src/lib/core)
    target_compile_options(${t} PRIVATE ${SFB_FUZZ_FLAGS} -fsanitize=fuzzer)
    target_link_options(${t} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(${t} PRIVATE sfbnet_fuzzlib)
  endforeach()
endif()
