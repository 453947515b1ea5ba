// AllZero, the byte scan behind the auditor's checks of empty buckets and slots
// (invariant I12): built without sanitizer instrumentation, so checked here for every
// length, alignment and position of a non-zero byte (audit_death_test.cc: ASan still
// reports its bad reads).
#include <cstddef>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "internal/core.h"

namespace {

using gomap::internal::AllZero;

TEST(AllZeroTest, FindsAnyNonZeroByteAtAnyLengthAndAlignment) {
  std::vector<unsigned char> buf(96 + 8, 0);
  for (size_t off = 0; off < 8; off++) {
    for (size_t n = 0; n <= 96; n++) {
      unsigned char* p = buf.data() + off;
      EXPECT_TRUE(AllZero(p, n)) << "off " << off << " n " << n;
      for (size_t i = 0; i < n; i++) {
        for (unsigned char v : {0x01, 0x80, 0xff}) {
          p[i] = v;
          EXPECT_FALSE(AllZero(p, n)) << "off " << off << " n " << n << " byte " << i;
          p[i] = 0;
        }
      }
      // Bytes just outside the range do not count.
      if (off > 0) p[-1] = 1;
      p[n] = 1;
      EXPECT_TRUE(AllZero(p, n)) << "off " << off << " n " << n;
      if (off > 0) p[-1] = 0;
      p[n] = 0;
    }
  }
}

}  // namespace
