// makemap: the bucket count B chosen for a hint, and the B a map reaches by inserting.
//
// Go picks the smallest B with !overLoadFactor(hint, B), where
//   overLoadFactor(n, B) = n > 8 && n > 13 * (2^B / 2)      (integer division)
// (go-map-semantics §2, §3.2), and it ignores negative and absurd run-time hints
// (§3.2, §7.3). Inserting up to `hint` keys never grows the map.
#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gomap/internal/peer.h"
#include "gomap/map.h"

#include "test_util.h"

namespace {

using gomap::testing_util::AuditClean;

using gomap::Map;
using SmallMap = Map<int8_t, int8_t>;
using IntMap = Map<int, int>;

// Go's B for n entries (the loop in makemap).
int GoB(int64_t n) {
  int B = 0;
  while (n > 8 && n > 13 * ((int64_t{1} << B) / 2)) B++;
  return B;
}

// A hasher that keeps sequential keys perfectly spread (no overflow buckets ever).
struct IdentityHash {
  uint64_t operator()(int64_t k, uint64_t) const { return static_cast<uint64_t>(k); }
};

TEST(Make, GoFormulaMatchesTheTableGoPrints) {
  // hint -> B as printed by go1.19 (go-map-semantics §3.2).
  struct Row {
    int64_t lo, hi;
    int B;
  };
  for (Row r : {Row{0, 8, 0}, Row{9, 13, 1}, Row{14, 26, 2}, Row{27, 52, 3}, Row{53, 104, 4},
                Row{105, 208, 5}, Row{209, 416, 6}, Row{417, 832, 7}}) {
    for (int64_t h = r.lo; h <= r.hi; h++) EXPECT_EQ(GoB(h), r.B) << "hint " << h;
  }
}

TEST(Make, BucketCountIsGosForEveryHintUpTo2000) {
  gomap::SeedRandom(1);
  for (int64_t hint = 0; hint <= 2000; hint++) {
    auto m = Map<int64_t, int64_t>::Make(hint);
    gomap::Stats s = m.GetStats();
    ASSERT_EQ(s.B, GoB(hint)) << "hint " << hint;
    EXPECT_FALSE(m.IsNil());
    EXPECT_EQ(s.count, 0);
    EXPECT_EQ(s.noverflow, 0);
    EXPECT_FALSE(s.growing);
    EXPECT_EQ(s.flags, 0);
    EXPECT_EQ(m.Len(), 0);
    EXPECT_TRUE(AuditClean(m)) << "hint " << hint;
  }
}

TEST(Make, BucketCountDoesNotDependOnKeyOrValueType) {
  gomap::SeedRandom(2);
  struct Big {
    char bytes[1000];
  };
  for (int64_t hint : {0, 8, 9, 13, 14, 100, 105, 1000, 2000}) {
    EXPECT_EQ(SmallMap::Make(hint).GetStats().B, GoB(hint));
    EXPECT_EQ((Map<std::string, std::string>::Make(hint).GetStats().B), GoB(hint));
    EXPECT_EQ((Map<double, Big>::Make(hint).GetStats().B), GoB(hint));
  }
}

TEST(Make, InsertingUpToHintKeysNeverGrows) {
  gomap::SeedRandom(3);
  for (int64_t hint = 0; hint <= 2000; hint++) {
    auto m = Map<int64_t, int64_t>::Make(hint);
    for (int64_t k = 0; k < hint; k++) m.Set(k, k);
    gomap::Stats s = m.GetStats();
    ASSERT_EQ(s.B, GoB(hint)) << "hint " << hint;
    ASSERT_FALSE(s.growing) << "hint " << hint;
    ASSERT_EQ(s.count, hint);
    if (hint % 97 == 0) {
      ASSERT_TRUE(AuditClean(m)) << "hint " << hint;
    }
  }
}

TEST(Make, BAfterInsertingNKeysIsGosFormula) {
  gomap::SeedRandom(4);
  auto m = Map<int64_t, int64_t>::Make(0);
  for (int64_t n = 1; n <= 20000; n++) {
    m.Set(n * 7919, n);
    ASSERT_EQ(m.GetStats().B, GoB(n)) << "after " << n << " inserts";
    ASSERT_EQ(m.Len(), n);
  }
  EXPECT_TRUE(AuditClean(m));
}

TEST(Make, BAfterInsertingNKeysIsGosFormulaForStringAndGenericKeys) {
  gomap::SeedRandom(5);
  auto s = Map<std::string, int>::Make(0);
  auto d = Map<double, int>::Make(0);
  auto id = Map<int64_t, int, IdentityHash>::Make(0, IdentityHash());
  for (int64_t n = 1; n <= 5000; n++) {
    s.Set("key-" + std::to_string(n), 1);
    d.Set(static_cast<double>(n) + 0.25, 1);
    id.Set(n, 1);
    ASSERT_EQ(s.GetStats().B, GoB(n)) << "string, after " << n;
    ASSERT_EQ(d.GetStats().B, GoB(n)) << "double, after " << n;
    ASSERT_EQ(id.GetStats().B, GoB(n)) << "identity hash, after " << n;
  }
  EXPECT_TRUE(AuditClean(s));
  EXPECT_TRUE(AuditClean(d));
  EXPECT_TRUE(AuditClean(id));
  EXPECT_EQ(id.GetStats().noverflow, 0) << "sequential keys under the identity hash spread evenly";
}

TEST(Make, HintAndInsertsTogetherGiveTheLargerB) {
  gomap::SeedRandom(6);
  for (int64_t hint : {0, 5, 9, 30, 100, 500}) {
    auto m = Map<int64_t, int64_t>::Make(hint);
    for (int64_t n = 1; n <= 1500; n++) {
      m.Set(n, n);
      ASSERT_EQ(m.GetStats().B, std::max(GoB(hint), GoB(n))) << "hint " << hint << " n " << n;
    }
  }
}

TEST(Make, NegativeHintGivesAnEmptyUsableMap) {
  gomap::SeedRandom(7);
  for (int64_t hint : {int64_t{-1}, int64_t{-2}, int64_t{-9}, int64_t{-1000},
                       -(int64_t{1} << 62), INT64_MIN, INT64_MIN + 1}) {
    auto m = Map<int64_t, int64_t>::Make(hint);
    EXPECT_FALSE(m.IsNil());
    EXPECT_EQ(m.Len(), 0);
    EXPECT_EQ(m.GetStats().B, 0) << "hint " << hint;
    EXPECT_TRUE(AuditClean(m));
    for (int64_t k = 0; k < 100; k++) m.Set(k, -k);
    EXPECT_EQ(m.Len(), 100);
    EXPECT_EQ(m.GetStats().B, GoB(100));
    for (int64_t k = 0; k < 100; k++) EXPECT_EQ(m.Get(k), -k);
    EXPECT_TRUE(AuditClean(m)) << "hint " << hint;
  }
}

TEST(Make, HugeHintGivesAnEmptyUsableMap) {
  // Go zeroes any hint with hint * bucketsize > maxAlloc (2^48 on linux/amd64).
  // map[int64]int64 buckets are 144 bytes, map[int8]int8 buckets 32 bytes.
  gomap::SeedRandom(8);
  const int64_t kMaxAlloc = int64_t{1} << 48;
  for (int64_t hint : {kMaxAlloc / 144 + 1, int64_t{1} << 41, kMaxAlloc, int64_t{1} << 60,
                       int64_t{1} << 62, INT64_MAX, INT64_MAX - 1}) {
    auto m = Map<int64_t, int64_t>::Make(hint);
    EXPECT_FALSE(m.IsNil());
    EXPECT_EQ(m.Len(), 0);
    EXPECT_EQ(m.GetStats().B, 0) << "hint " << hint;
    for (int64_t k = 0; k < 100; k++) m.Set(k, k);
    EXPECT_EQ(m.GetStats().B, GoB(100)) << "hint " << hint;
    EXPECT_TRUE(AuditClean(m)) << "hint " << hint;
  }
  for (int64_t hint : {kMaxAlloc / 32 + 1, int64_t{1} << 44, INT64_MAX}) {
    auto m = SmallMap::Make(hint);
    EXPECT_EQ(m.GetStats().B, 0) << "hint " << hint;
    for (int k = -128; k < 128; k++) m.Set(static_cast<int8_t>(k), static_cast<int8_t>(k));
    EXPECT_EQ(m.Len(), 256);
    EXPECT_TRUE(AuditClean(m)) << "hint " << hint;
  }
}

TEST(Make, HashSeedComesFromSeedRandom) {
  gomap::SeedRandom(9);
  uint32_t a0 = IntMap::Make(0).GetStats().hash0;
  uint32_t a1 = IntMap::Make(100).GetStats().hash0;
  gomap::SeedRandom(9);
  EXPECT_EQ(IntMap::Make(0).GetStats().hash0, a0);
  EXPECT_EQ(IntMap::Make(100).GetStats().hash0, a1);
  EXPECT_NE(a0, a1) << "each make draws a new seed";
  gomap::SeedRandom(10);
  EXPECT_NE(IntMap::Make(0).GetStats().hash0, a0);
}

// runtime/test_seeding.cc seeds the generator from "Suite.Name" before each test, so an
// unseeded test's hash seeds do not depend on what ran before it.
uint32_t HashSeedOfANewMap() {
  return gomap::internal::MapPeer::Header(IntMap::Make(0))->hash0;
}

uint32_t HashSeedAfterSeeding(const char* full_name) {
  gomap::SeedRandom(gomap::testing_util::SeedOfTestName(full_name));
  return HashSeedOfANewMap();
}

TEST(TestSeeding, EachTestStartsFromTheSeedOfItsName) {
  const uint32_t first = HashSeedOfANewMap();
  EXPECT_EQ(first, HashSeedAfterSeeding("TestSeeding.EachTestStartsFromTheSeedOfItsName"));
}

TEST(TestSeeding, AnotherNameAnotherSeed) {
  const uint32_t first = HashSeedOfANewMap();
  EXPECT_EQ(first, HashSeedAfterSeeding("TestSeeding.AnotherNameAnotherSeed"));
  EXPECT_NE(first, HashSeedAfterSeeding("TestSeeding.EachTestStartsFromTheSeedOfItsName"));
}

}  // namespace
