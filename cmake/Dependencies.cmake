# Every third-party library, found once here. Each comes from a Debian package that
# scripts/setup installs; README.md says why each one is there.
find_package(Threads REQUIRED)
find_package(Boost 1.81 EXACT REQUIRED COMPONENTS json url)
find_package(OpenSSL 3 REQUIRED)
find_package(RocksDB REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
find_package(pugixml REQUIRED)
if(STRATUS_TESTS)
  find_package(GTest REQUIRED)
endif()
# ISA-L (libisal-dev) ships no CMake package: find its library and headers.
if(NOT TARGET ISAL::isal)
  find_path(ISAL_INCLUDE_DIR isa-l/crc.h)
  find_library(ISAL_LIBRARY isal)
  if(NOT ISAL_INCLUDE_DIR OR NOT ISAL_LIBRARY)
    message(FATAL_ERROR "ISA-L not found (isa-l/crc.h, libisal): install libisal-dev (scripts/setup)")
  endif()
  add_library(ISAL::isal UNKNOWN IMPORTED)
  set_target_properties(ISAL::isal PROPERTIES
    IMPORTED_LOCATION "${ISAL_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${ISAL_INCLUDE_DIR}")
endif()
