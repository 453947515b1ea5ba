// AllZero (audit.cc) scans without ASan instrumentation, after one check of the range's
// shadow: in ASan builds, a read past a heap block or of a freed one must still be
// reported as ASan reports any other. Skipped in builds without ASan.
#include <memory>

#include <gtest/gtest.h>

#include "gomap/internal/sanitizers.h"
#include "internal/core.h"

namespace {

#ifdef GOMAP_ASAN
using gomap::internal::AllZero;

TEST(AllZeroDeathTest, AddressSanitizerReportsAReadPastTheBlock) {
  auto block = std::make_unique<unsigned char[]>(40);
  EXPECT_DEATH(AllZero(block.get(), 48), "heap-buffer-overflow");
  EXPECT_TRUE(AllZero(block.get(), 40));
}

TEST(AllZeroDeathTest, AddressSanitizerReportsAReadOfFreedMemory) {
  unsigned char* p = new unsigned char[64]();
  delete[] p;
  EXPECT_DEATH(AllZero(p, 64), "heap-use-after-free");
}
#else
TEST(AllZeroDeathTest, NeedsAddressSanitizer) { GTEST_SKIP() << "not an ASan build"; }
#endif

}  // namespace
