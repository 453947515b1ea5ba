// Helpers shared by the runtime's unit tests (runtime/*_test.cc) and, through
// "runtime/test_util.h", the cross-cutting suites in tests/.
#ifndef GOMAP_RUNTIME_TEST_UTIL_H_
#define GOMAP_RUNTIME_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include "gomap/internal/sanitizers.h"  // GOMAP_ASAN, GOMAP_TSAN

namespace gomap::testing_util {

// Passes when Audit() finds nothing; otherwise fails with every violation and the layout
// of the first 16 buckets.
template <class M>
::testing::AssertionResult AuditClean(const M& m) {
  std::vector<std::string> v = m.Audit();
  if (v.empty()) return ::testing::AssertionSuccess();
  auto r = ::testing::AssertionFailure();
  for (const std::string& s : v) r << s << "\n";
  return r << m.Dump(16);
}

// A key as failure messages and snapshots show it: a string quoted, a number as such.
template <class K>
std::string KeyText(const K& k) {
  if constexpr (std::is_same_v<K, std::string>) {
    return "\"" + k + "\"";
  } else {
    return std::to_string(k);
  }
}

// splitmix64's finaliser: a good default-quality hash for test hashers to build on.
inline uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// The seed runtime/test_seeding.cc gives a test before it starts: FNV-1a of its full
// name, "Suite.Name".
inline uint64_t SeedOfTestName(std::string_view full_name) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : full_name) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace gomap::testing_util

#endif  // GOMAP_RUNTIME_TEST_UTIL_H_
