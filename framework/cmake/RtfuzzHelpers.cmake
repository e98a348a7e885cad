# One helper per artifact kind: rtfuzz_cc_library, rtfuzz_cc_test,
# rtfuzz_cc_binary. They give every rtfuzz target the same warnings,
# sanitizers and include root, so no CMakeLists repeats flags.

# Warnings are errors in our code only; third-party headers come in as SYSTEM.
# -Wno-missing-field-initializers: scenario specs are meant to be written
# with designated initializers that leave defaulted members out.
set(RTFUZZ_WARNINGS -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wpedantic
    -Wno-missing-field-initializers)
if(RTFUZZ_WERROR)
  list(APPEND RTFUZZ_WARNINGS -Werror)
endif()

set(RTFUZZ_SANITIZE_FLAGS "")
if(RTFUZZ_SANITIZERS)
  string(REPLACE ";" "," _rtfuzz_san "${RTFUZZ_SANITIZERS}")
  set(RTFUZZ_SANITIZE_FLAGS -fsanitize=${_rtfuzz_san} -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
  if("address" IN_LIST RTFUZZ_SANITIZERS)
    # Boost.Context's own switch annotations key off this macro; rtfuzz's single
    # switch point (src/rt/fiber.cc) adds the same annotations for fcontext.
    add_compile_definitions(BOOST_USE_ASAN)
  endif()
  add_compile_options(${RTFUZZ_SANITIZE_FLAGS})
  add_link_options(${RTFUZZ_SANITIZE_FLAGS})
endif()

# Extra flags for target code only (the fuzz preset sets
# -fsanitize=fuzzer-no-link: coverage for the lock under test, not for us).
set(RTFUZZ_TARGET_FLAGS "" CACHE STRING "Compile flags for target code only")

set(RTFUZZ_INCLUDE_ROOT ${CMAKE_SOURCE_DIR}/framework/include)

function(_rtfuzz_common target)
  target_compile_options(${target} PRIVATE ${RTFUZZ_WARNINGS})
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${RTFUZZ_INCLUDE_ROOT}>
                                              $<INSTALL_INTERFACE:include>)
  # The framework is never coverage-instrumented: only target code gets
  # RTFUZZ_TARGET_FLAGS, so libFuzzer's feedback measures the target and the
  # schedule, not the scheduler (PERF-FACTS: ~1.8x executions/s).
endfunction()

# rtfuzz_cc_library(NAME n SRCS ... DEPS ... [PUBLIC_DEPS ...])
function(rtfuzz_cc_library)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(rtfuzz_${A_NAME} STATIC ${A_SRCS})
  add_library(rtfuzz::${A_NAME} ALIAS rtfuzz_${A_NAME})
  _rtfuzz_common(rtfuzz_${A_NAME})
  # The framework's libraries are installed as rtfuzz::<name> too
  # (framework/cmake/RtfuzzInstall.cmake); the bundled targets are not.
  set_target_properties(rtfuzz_${A_NAME} PROPERTIES EXPORT_NAME ${A_NAME})
  string(FIND "${CMAKE_CURRENT_SOURCE_DIR}/" "${CMAKE_SOURCE_DIR}/framework/" _in_framework)
  if(_in_framework EQUAL 0)
    set_property(GLOBAL APPEND PROPERTY RTFUZZ_INSTALLED_LIBRARIES rtfuzz_${A_NAME})
  endif()
  target_link_libraries(rtfuzz_${A_NAME} PUBLIC ${A_DEPS})
endfunction()

# rtfuzz_cc_test(NAME n SRCS ... DEPS ...): one GoogleTest binary, each TEST
# registered with ctest through gtest_discover_tests.
function(rtfuzz_cc_test)
  if(NOT RTFUZZ_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${A_NAME} ${A_SRCS})
  _rtfuzz_common(${A_NAME})
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} GTest::gtest_main)
  gtest_discover_tests(${A_NAME} DISCOVERY_TIMEOUT 60)
endfunction()

# rtfuzz_cc_binary(NAME n SRCS ... DEPS ...)
function(rtfuzz_cc_binary)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${A_NAME} ${A_SRCS})
  _rtfuzz_common(${A_NAME})
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS})
endfunction()
