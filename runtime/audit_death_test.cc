// AllZero and the auditor (audit.cc) scan without ASan instrumentation, after one check
// of the range's shadow (the auditor checks each bucket array as a whole, and each heap
// overflow bucket of a chain it walks): in ASan builds, a read past a heap block or of a
// freed one must still be reported as ASan reports any other. Skipped in builds without
// ASan.
#include <sanitizer/asan_interface.h>

#include <cstdint>
#include <memory>

#include <gtest/gtest.h>

#include "gomap/internal/peer.h"
#include "gomap/internal/sanitizers.h"
#include "gomap/map.h"
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

// An empty bucket is scanned without instrumentation; the array's check sees its bytes.
TEST(AuditDeathTest, AddressSanitizerReportsAPoisonedEmptyBucket) {
  auto m = gomap::Map<int64_t, int64_t>::Make(100);  // 16 empty buckets
  gomap::internal::HMap* h = gomap::internal::MapPeer::Header(m);
  ASSERT_EQ(h->B, 4);
  gomap::internal::Bucket* b = h->buckets->At(5);
  __asan_poison_memory_region(b + h->type->bucketsize - 8, 8);
  EXPECT_DEATH(m.Audit(), "use-after-poison");
  __asan_unpoison_memory_region(b + h->type->bucketsize - 8, 8);
  EXPECT_TRUE(m.Audit().empty());
}

TEST(AuditDeathTest, AddressSanitizerReportsAFreedOverflowBucket) {
  auto m = gomap::Map<int64_t, int64_t>::Make(0);
  m.Set(1, 10);
  gomap::internal::HMap* h = gomap::internal::MapPeer::Header(m);
  gomap::internal::Bucket* primary = h->buckets->At(0);
  auto* freed = new gomap::internal::Bucket[h->type->bucketsize]();
  delete[] freed;
  gomap::internal::OverflowOf(h->type, primary) = freed;  // a dangling overflow link
  EXPECT_DEATH(m.Audit(), "heap-use-after-free");
  gomap::internal::OverflowOf(h->type, primary) = nullptr;
  EXPECT_TRUE(m.Audit().empty());
}
#else
TEST(AllZeroDeathTest, NeedsAddressSanitizer) { GTEST_SKIP() << "not an ASan build"; }
#endif

}  // namespace
