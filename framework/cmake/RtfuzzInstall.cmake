# `cmake --install`: the framework's libraries, its public headers (kapi
# included), the sources a user's programs are built from (main.cc,
# target_fuzzer.cc, replay_main.cc) and the CMake package: find_package(rtfuzz)
# gives rtfuzz::rtfuzz and rtfuzz_add_target() (RtfuzzAddTarget.cmake).
include(CMakePackageConfigHelpers)
include(GNUInstallDirs)

# Everything a user's program links: the CLI's commands, the fuzz harness
# library, the kapi shim (and through them every framework library).
add_library(rtfuzz_rtfuzz INTERFACE)
add_library(rtfuzz::rtfuzz ALIAS rtfuzz_rtfuzz)
set_target_properties(rtfuzz_rtfuzz PROPERTIES EXPORT_NAME rtfuzz)
target_link_libraries(rtfuzz_rtfuzz INTERFACE rtfuzz_cli rtfuzz_fuzz rtfuzz_kapi)

get_property(_rtfuzz_libraries GLOBAL PROPERTY RTFUZZ_INSTALLED_LIBRARIES)
install(TARGETS rtfuzz_rtfuzz ${_rtfuzz_libraries}
        EXPORT rtfuzzTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/framework/include/rtfuzz
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${CMAKE_SOURCE_DIR}/framework/cli/main.cc
              ${CMAKE_SOURCE_DIR}/fuzzers/target_fuzzer.cc
              ${CMAKE_SOURCE_DIR}/fuzzers/replay_main.cc
        DESTINATION ${CMAKE_INSTALL_DATADIR}/rtfuzz/src)

set(_rtfuzz_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/rtfuzz)
install(EXPORT rtfuzzTargets NAMESPACE rtfuzz:: DESTINATION ${_rtfuzz_cmake_dir})
configure_package_config_file(${CMAKE_SOURCE_DIR}/framework/cmake/rtfuzzConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/rtfuzzConfig.cmake
                              INSTALL_DESTINATION ${_rtfuzz_cmake_dir}
                              PATH_VARS CMAKE_INSTALL_DATADIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/rtfuzzConfigVersion.cmake
                                 VERSION 0.1.0 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/rtfuzzConfig.cmake
              ${CMAKE_BINARY_DIR}/rtfuzzConfigVersion.cmake
              ${CMAKE_SOURCE_DIR}/framework/cmake/RtfuzzAddTarget.cmake
        DESTINATION ${_rtfuzz_cmake_dir})
