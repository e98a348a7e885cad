# rtfuzz_add_target(NAME <target> SOURCES <file>... [LIBRARIES <lib>...]
#                   [PROGRAM <name>] [SEED_CORPORA <dir>])
#
# Builds a user's own targets into two programs, as rtfuzz builds its own:
#   <PROGRAM> (default <NAME>-rtfuzz): the rtfuzz command line — explore,
#       replay, minimize, convert, matrix, campaign, gate, list — over the
#       targets SOURCES define (they define rtfuzz::target::Targets(); one
#       of them is named NAME);
#   <NAME>_fuzzer: the libFuzzer harness of target NAME (with clang and
#       libFuzzer; else a replay-only build that runs corpus files, and
#       campaigns use the random walk).
# SOURCES are the lock, its scenarios and the Targets() list, compiled into
# both (the fuzzer's copy with libFuzzer's coverage). `<PROGRAM> campaign`
# finds <NAME>_fuzzer in this build; SEED_CORPORA holds <NAME>_fuzzer/
# seed folders. docs/writing-a-target.md walks through one.
include(CheckCXXSourceCompiles)

function(_rtfuzz_have_libfuzzer out)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    set(${out} OFF PARENT_SCOPE)
    return()
  endif()
  set(CMAKE_REQUIRED_FLAGS -fsanitize=fuzzer)
  check_cxx_source_compiles(
    "extern \"C\" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }"
    RTFUZZ_HAVE_LIBFUZZER)
  set(${out} ${RTFUZZ_HAVE_LIBFUZZER} PARENT_SCOPE)
endfunction()

function(rtfuzz_add_target)
  cmake_parse_arguments(A "" "NAME;PROGRAM;SEED_CORPORA" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT A_NAME OR NOT A_SOURCES)
    message(FATAL_ERROR "rtfuzz_add_target: NAME and SOURCES are required")
  endif()
  if(A_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "rtfuzz_add_target: unknown arguments ${A_UNPARSED_ARGUMENTS} "
                        "(valid: NAME SOURCES LIBRARIES PROGRAM SEED_CORPORA)")
  endif()
  if(NOT A_PROGRAM)
    set(A_PROGRAM ${A_NAME}-rtfuzz)
  endif()
  set(_seeds "")
  if(A_SEED_CORPORA)
    get_filename_component(_seeds ${A_SEED_CORPORA} ABSOLUTE)
  endif()

  _rtfuzz_have_libfuzzer(_libfuzzer)
  if(_libfuzzer)
    add_executable(${A_NAME}_fuzzer ${A_SOURCES} ${RTFUZZ_SOURCE_DIR}/target_fuzzer.cc)
    # Coverage for the lock and the harness; the framework stays
    # uninstrumented (it is a prebuilt library).
    target_compile_options(${A_NAME}_fuzzer PRIVATE -fsanitize=fuzzer-no-link)
    target_link_options(${A_NAME}_fuzzer PRIVATE -fsanitize=fuzzer)
  else()
    add_executable(${A_NAME}_fuzzer ${A_SOURCES} ${RTFUZZ_SOURCE_DIR}/target_fuzzer.cc
                                    ${RTFUZZ_SOURCE_DIR}/replay_main.cc)
    target_compile_definitions(${A_NAME}_fuzzer PRIVATE RTFUZZ_REPLAY_ONLY)
  endif()
  target_compile_definitions(${A_NAME}_fuzzer PRIVATE RTFUZZ_FUZZ_TARGET="${A_NAME}"
                                                     RTFUZZ_CLI_NAME="${A_PROGRAM}")
  target_link_libraries(${A_NAME}_fuzzer PRIVATE rtfuzz::rtfuzz ${A_LIBRARIES})
  target_compile_features(${A_NAME}_fuzzer PRIVATE cxx_std_20)

  add_executable(${A_PROGRAM} ${A_SOURCES} ${RTFUZZ_SOURCE_DIR}/main.cc)
  target_compile_definitions(${A_PROGRAM} PRIVATE
    RTFUZZ_PROGRAM_NAME="${A_PROGRAM}"
    RTFUZZ_FUZZERS_DIR="$<TARGET_FILE_DIR:${A_NAME}_fuzzer>"
    RTFUZZ_SEED_CORPORA_DIR="${_seeds}"
    RTFUZZ_BUILD_DIR="${CMAKE_BINARY_DIR}")
  target_link_libraries(${A_PROGRAM} PRIVATE rtfuzz::rtfuzz ${A_LIBRARIES})
  # Debug info whatever the build type: reports name the words a context
  # spins on from DWARF (counter.lock.val, not counter+0x4).
  target_compile_options(${A_PROGRAM} PRIVATE -g)
  target_compile_options(${A_NAME}_fuzzer PRIVATE -g)
  target_compile_features(${A_PROGRAM} PRIVATE cxx_std_20)
  # The campaign runs the fuzzer: build it with the program.
  add_dependencies(${A_PROGRAM} ${A_NAME}_fuzzer)
endfunction()
