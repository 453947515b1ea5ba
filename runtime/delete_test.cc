// Delete (go-map-semantics §3.5, §6 I8/I12, §7 items 6-9): a deleted slot becomes
// emptyOne, and when everything after it in the chain is empty the trailing run becomes
// emptyRest, walking back across bucket boundaries. Lookups and inserts stop only at
// emptyRest, so a wrong mark loses keys; Audit checks the chain shape (I8) directly.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gomap/internal/peer.h"
#include "gomap/map.h"

#include "test_util.h"

namespace {

using gomap::testing_util::AuditClean;
using gomap::testing_util::Mix;

using gomap::Map;

struct ConstantHash {  // one chain, one tophash
  uint64_t operator()(int64_t, uint64_t) const { return 0x2a; }
};
struct LowBitsOnlyHash {  // 4 chains, tophash 5 everywhere
  uint64_t operator()(int64_t k, uint64_t) const { return static_cast<uint64_t>(k) & 3; }
};
struct TopByteOnlyHash {  // one chain, tophash from the key
  uint64_t operator()(int64_t k, uint64_t) const {
    return static_cast<uint64_t>(k & 0xff) << 56;
  }
};

template <class H>
class DeleteTyped : public ::testing::Test {};
using Hashers = ::testing::Types<gomap::DefaultHash<int64_t>, ConstantHash, LowBitsOnlyHash,
                                 TopByteOnlyHash>;
TYPED_TEST_SUITE(DeleteTyped, Hashers);

TYPED_TEST(DeleteTyped, RandomDeletesKeepEveryOtherKeyFindable) {
  using M = Map<int64_t, int64_t, TypeParam>;
  for (int seed = 0; seed < 10; seed++) {
    gomap::SeedRandom(100 + seed);
    auto m = M::Make(64, TypeParam());  // B = 4: no grow below 104 keys
    std::map<int64_t, int64_t> model;
    for (int64_t k = 0; k < 100; k++) {
      m.Set(k, k);
      model[k] = k;
    }
    ASSERT_FALSE(m.GetStats().growing);
    std::vector<int64_t> order;
    for (int64_t k = 0; k < 100; k++) order.push_back(k);
    uint64_t x = static_cast<uint64_t>(seed);
    for (size_t i = order.size(); i > 1; i--) {
      x = Mix(x);
      std::swap(order[i - 1], order[x % i]);
    }
    for (int64_t k : order) {
      m.Delete(k);
      model.erase(k);
      ASSERT_TRUE(AuditClean(m)) << "after deleting " << k;
      for (auto& [j, v] : model) ASSERT_EQ(m.Get(j), v) << "lost " << j << " after deleting " << k;
      ASSERT_FALSE(m.Lookup(k).second);
    }
    EXPECT_EQ(m.Len(), 0);
  }
}

TYPED_TEST(DeleteTyped, DeletingFromTheEndOfAChainPropagatesAcrossBuckets) {
  // Delete in reverse insertion order (the end of each chain first), then refill:
  // the chains must read as all-empty again and the keys must reuse their slots. Key
  // 100 stays, so the map never becomes empty (which would draw a new hash seed).
  using M = Map<int64_t, int64_t, TypeParam>;
  gomap::SeedRandom(7);
  auto m = M::Make(64, TypeParam());
  for (int64_t k = 0; k <= 100; k++) m.Set(k, k);
  gomap::Stats full = m.GetStats();
  ASSERT_FALSE(full.growing);
  for (int64_t k = 99; k >= 0; k--) {
    m.Delete(k);
    ASSERT_TRUE(AuditClean(m)) << "after deleting " << k;
  }
  EXPECT_EQ(m.Len(), 1);
  for (int64_t k = 0; k < 100; k++) m.Set(k, -k);
  gomap::Stats s = m.GetStats();
  EXPECT_EQ(s.overflow_buckets, full.overflow_buckets)
      << "refilled slots should be reused, not new overflow buckets";
  EXPECT_FALSE(s.growing);
  for (int64_t k = 0; k < 100; k++) ASSERT_EQ(m.Get(k), -k);
  EXPECT_EQ(m.Get(100), 100);
  EXPECT_TRUE(AuditClean(m));
}

TYPED_TEST(DeleteTyped, DeletingTheMiddleOfAChainKeepsLaterKeysReachable) {
  // emptyOne holes in the middle of a chain must not stop lookups, inserts or deletes.
  using M = Map<int64_t, int64_t, TypeParam>;
  gomap::SeedRandom(8);
  auto m = M::Make(64, TypeParam());
  for (int64_t k = 0; k < 100; k++) m.Set(k, k);
  for (int64_t k = 0; k < 100; k += 2) m.Delete(k);
  ASSERT_TRUE(AuditClean(m));
  for (int64_t k = 1; k < 100; k += 2) ASSERT_EQ(m.Get(k), k);
  for (int64_t k = 1; k < 100; k += 2) m.Set(k, -k);  // overwrite past the holes
  EXPECT_EQ(m.Len(), 50);
  for (int64_t k = 0; k < 100; k += 2) m.Set(k, k * 10);  // refill the holes
  EXPECT_EQ(m.Len(), 100);
  for (int64_t k = 0; k < 100; k++) ASSERT_EQ(m.Get(k), k % 2 ? -k : k * 10);
  EXPECT_TRUE(AuditClean(m));
}

TEST(Delete, GoTestMapTombstones) {
  // Go's TestMapTombstones with the invariant checker after each phase.
  gomap::SeedRandom(9);
  auto m = Map<int64_t, int64_t>::Make(0);
  const int64_t N = 10000;
  for (int64_t i = 0; i < N; i++) m.Set(i, i);
  ASSERT_TRUE(AuditClean(m));
  for (int64_t i = 0; i < N; i += 2) m.Delete(i);
  ASSERT_TRUE(AuditClean(m));
  for (int64_t i = N; i < 3 * N / 2; i++) m.Set(i, i);
  ASSERT_TRUE(AuditClean(m));
  for (int64_t i = 0; i < 3 * N / 2; i++) m.Delete(i);
  ASSERT_TRUE(AuditClean(m));
  EXPECT_EQ(m.Len(), 0);
}

TEST(Delete, ZeroesTheValueSoAReinsertStartsFromZero) {
  // go-map-semantics §7 item 9: Go's m[k]++ after delete reads zero. Through this API:
  // the value read back after delete-and-reinsert is the new one, never a stale one.
  gomap::SeedRandom(10);
  auto m = Map<std::string, std::string>::Make(0);
  for (int i = 0; i < 50; i++) m.Set(std::to_string(i), std::string(100, 'x'));
  for (int i = 0; i < 50; i++) m.Delete(std::to_string(i));
  for (int i = 0; i < 50; i++) {
    EXPECT_EQ(m.Get(std::to_string(i)), "");
    m.Set(std::to_string(i), m.Get(std::to_string(i)) + "y");
    EXPECT_EQ(m.Get(std::to_string(i)), "y");
  }
  EXPECT_TRUE(AuditClean(m));
}

}  // namespace
