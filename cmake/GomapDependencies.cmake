# Every dependency comes from a Debian package (scripts/deps.sh installs them).
find_package(PkgConfig QUIET)
find_path(GOMAP_XXHASH_INCLUDE_DIR xxhash.h REQUIRED)
if(NOT TARGET gomap_xxhash)
  add_library(gomap_xxhash INTERFACE)
  target_include_directories(gomap_xxhash SYSTEM INTERFACE ${GOMAP_XXHASH_INCLUDE_DIR})
  # xxhash.h is used header-only (XXH_INLINE_ALL): no library to link.
endif()

# The runtime's prefault helper thread (runtime/internal/prefault.h).
find_package(Threads REQUIRED)
if(GOMAP_BUILD_TESTS)
  find_package(GTest REQUIRED)
  find_package(rapidcheck CONFIG QUIET)
  if(NOT TARGET rapidcheck)
    find_library(GOMAP_RAPIDCHECK_LIB rapidcheck REQUIRED)
    add_library(rapidcheck UNKNOWN IMPORTED)
    set_target_properties(rapidcheck PROPERTIES IMPORTED_LOCATION ${GOMAP_RAPIDCHECK_LIB})
  endif()
endif()
if(GOMAP_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
  find_package(absl REQUIRED)
endif()
