# Build files read as declarations: each folder lists its libraries and tests with these.
include_guard(GLOBAL)

set(GOMAP_FUZZ_ENGINE "-fsanitize=fuzzer" CACHE STRING
    "How fuzz targets link their fuzzing engine (a flag or a library)")

# gomap_cc_library(NAME n SRCS ... [DEPS ...] [PUBLIC_DEFINES ...])
function(gomap_cc_library)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS;PUBLIC_DEFINES" ${ARGN})
  add_library(${A_NAME} STATIC ${A_SRCS})
  target_compile_features(${A_NAME} PUBLIC cxx_std_20)
  target_include_directories(${A_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${A_NAME} PUBLIC ${A_DEPS})
  if(A_PUBLIC_DEFINES)
    target_compile_definitions(${A_NAME} PUBLIC ${A_PUBLIC_DEFINES})
  endif()
  gomap_warnings(${A_NAME})
endfunction()

# gomap_cc_test(NAME n SRCS ... [DEPS ...] [LABELS ...] [TIMEOUT s])
# A GoogleTest binary registered as one CTest test per binary (fast to list, and the
# labels select whole suites: unit, property, corpus, concurrency, death, fuzz-smoke).
function(gomap_cc_test)
  cmake_parse_arguments(A "" "NAME;TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT GOMAP_BUILD_TESTS)
    return()
  endif()
  # runtime/test_seeding.cc: each test starts from a seed of its own name.
  add_executable(${A_NAME} ${A_SRCS} ${PROJECT_SOURCE_DIR}/runtime/test_seeding.cc)
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} GTest::gtest GTest::gtest_main
                        Threads::Threads)
  gomap_warnings(${A_NAME})
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 600)
  endif()
  add_test(NAME ${A_NAME} COMMAND ${A_NAME} --gtest_color=no)
  set_tests_properties(${A_NAME} PROPERTIES LABELS "${A_LABELS}" TIMEOUT ${A_TIMEOUT})
endfunction()

function(gomap_warnings target)
  if(GOMAP_TOP_LEVEL)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  endif()
endfunction()

# gomap_fuzz_target(NAME n SRCS ... [DEPS ...] [LABELS ...])
# One fuzz target, three ways:
#   <n>_replay   standalone replay main (fuzz/replay_main.cc), built in every preset; CTest
#                test <n>_corpus (label corpus, plus LABELS) replays corpus/<n>,
#                corpus/regressions/<n> and the readable seeds corpus/seeds/<n>
#   <n>          the libFuzzer binary, only in the fuzz preset (GOMAP_BUILD_FUZZERS)
#   <n>_smoke    CTest test (label fuzz-smoke, fuzz preset): 30 s of fuzzing from the corpus
#                (scripts/fuzz-one.sh adds corpus/<n>.options and corpus/<n>.dict)
function(gomap_fuzz_target)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  set(corpus ${PROJECT_SOURCE_DIR}/corpus/${A_NAME})
  set(regress ${PROJECT_SOURCE_DIR}/corpus/regressions/${A_NAME})
  set(seeds ${PROJECT_SOURCE_DIR}/corpus/seeds/${A_NAME})

  # The target's sources are compiled once, for both binaries (same flags in every preset:
  # the fuzz preset and OSS-Fuzz instrument everything with fuzzer-no-link).
  add_library(${A_NAME}_objects OBJECT ${A_SRCS})
  target_link_libraries(${A_NAME}_objects PUBLIC ${A_DEPS})
  gomap_warnings(${A_NAME}_objects)

  # replay_main.cc is compiled once too (gomap_replay_main, fuzz/CMakeLists.txt); the name
  # it prints comes from a generated one-line file. Objects of an OBJECT library reach only
  # the targets that link it directly, hence DEPS again.
  set(name_cc ${CMAKE_CURRENT_BINARY_DIR}/${A_NAME}_replay_name.cc)
  file(GENERATE OUTPUT ${name_cc} CONTENT
       "extern \"C\" const char gomap_replay_target_name[] = \"${A_NAME}\";\n")
  add_executable(${A_NAME}_replay ${name_cc})
  target_link_libraries(${A_NAME}_replay PRIVATE gomap_replay_main ${A_NAME}_objects ${A_DEPS})
  gomap_warnings(${A_NAME}_replay)
  if(GOMAP_BUILD_TESTS OR GOMAP_BUILD_FUZZERS)
    add_test(NAME ${A_NAME}_corpus
             COMMAND ${A_NAME}_replay --quiet --if-exists ${corpus} ${regress} ${seeds})
    set(labels corpus ${A_LABELS})
    set_tests_properties(${A_NAME}_corpus PROPERTIES LABELS "${labels}" TIMEOUT 900)
  endif()

  if(GOMAP_BUILD_FUZZERS)
    add_executable(${A_NAME})
    target_link_libraries(${A_NAME} PRIVATE ${A_NAME}_objects ${A_DEPS})
    # The engine: libFuzzer here; OSS-Fuzz passes $LIB_FUZZING_ENGINE (AFL++, honggfuzz).
    target_link_libraries(${A_NAME} PRIVATE ${GOMAP_FUZZ_ENGINE})
    gomap_warnings(${A_NAME})
    # Fuzz a scratch copy so the checked-in corpus only changes through scripts/merge.sh.
    set(work ${CMAKE_CURRENT_BINARY_DIR}/smoke/${A_NAME})
    add_test(NAME ${A_NAME}_smoke
             COMMAND ${PROJECT_SOURCE_DIR}/scripts/fuzz-one.sh
                     ${CMAKE_CURRENT_BINARY_DIR}/${A_NAME} ${work} 30 ${corpus} ${regress})
    set_tests_properties(${A_NAME}_smoke PROPERTIES LABELS fuzz-smoke TIMEOUT 300)
  endif()
endfunction()
