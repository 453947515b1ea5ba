// Float keys with Go semantics (go-map-semantics §1.4, §3.1, §3.10, §4.7, §4.8, §7 items
// 10, 13, 17): NaN never equals anything, so every NaN insert is a new entry that only
// iteration and Clear can reach; +0 and -0 are one key and an overwrite stores the new
// key; NaN entries survive growth, also under live iterators and iterators that begin
// mid-grow (doubling or same-size).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <set>
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
using gomap::Stats;

template <class F>
F NaN() {
  return std::numeric_limits<F>::quiet_NaN();
}
double NaNWithPayload(uint64_t payload) {
  uint64_t bits = 0x7ff8000000000000ull | (payload & 0x0007ffffffffffffull);
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

template <class F>
class FloatKeys : public ::testing::Test {};
using FloatTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(FloatKeys, FloatTypes);

TYPED_TEST(FloatKeys, EveryNaNInsertAddsAnEntry) {
  using F = TypeParam;
  gomap::SeedRandom(1);
  auto m = Map<F, int64_t>::Make(0);
  for (int64_t i = 0; i < 100; i++) {
    m.Set(NaN<F>(), i);
    ASSERT_EQ(m.Len(), i + 1);
  }
  m.Set(F(1.5), -1);
  EXPECT_EQ(m.Len(), 101);
  EXPECT_TRUE(AuditClean(m));
}

TYPED_TEST(FloatKeys, LookupsAndDeletesNeverFindNaN) {
  using F = TypeParam;
  gomap::SeedRandom(2);
  auto m = Map<F, int64_t>::Make(0);
  for (int64_t i = 0; i < 50; i++) m.Set(NaN<F>(), i + 1);
  for (int i = 0; i < 50; i++) {
    EXPECT_EQ(m.Get(NaN<F>()), 0);
    EXPECT_FALSE(m.Lookup(NaN<F>()).second);
    EXPECT_FALSE(m.Lookup(-NaN<F>()).second);
    m.Delete(NaN<F>());
    m.Delete(-NaN<F>());
  }
  EXPECT_EQ(m.Len(), 50);
  EXPECT_TRUE(AuditClean(m));
}

TYPED_TEST(FloatKeys, IterationYieldsEveryNaNOnce) {
  using F = TypeParam;
  for (int seed = 0; seed < 20; seed++) {
    gomap::SeedRandom(300 + seed);
    auto m = Map<F, int64_t>::Make(0);
    for (int64_t i = 0; i < 300; i++) m.Set(NaN<F>(), i);
    for (int64_t i = 0; i < 100; i++) m.Set(static_cast<F>(i), 1000 + i);
    std::multiset<int64_t> nan_values;
    int64_t numbers = 0;
    for (auto it = m.Range(); it.Next();) {
      if (std::isnan(it.Key())) {
        nan_values.insert(it.Value());
      } else {
        EXPECT_EQ(it.Value(), 1000 + static_cast<int64_t>(it.Key()));
        numbers++;
      }
    }
    EXPECT_EQ(numbers, 100);
    ASSERT_EQ(nan_values.size(), 300u);
    for (int64_t i = 0; i < 300; i++) ASSERT_EQ(nan_values.count(i), 1u) << "value " << i;
  }
}

TYPED_TEST(FloatKeys, ClearRemovesNaNs) {
  using F = TypeParam;
  gomap::SeedRandom(4);
  auto m = Map<F, int64_t>::Make(0);
  for (int64_t i = 0; i < 100; i++) m.Set(NaN<F>(), i);
  m.Set(F(0), 7);
  uint8_t B = m.GetStats().B;
  m.Clear();
  EXPECT_EQ(m.Len(), 0);
  EXPECT_EQ(m.GetStats().B, B);
  EXPECT_TRUE(AuditClean(m));
  auto it = m.Range();
  EXPECT_FALSE(it.Next());
  m.Set(NaN<F>(), 1);
  m.Set(F(2), 2);
  EXPECT_EQ(m.Len(), 2);
  EXPECT_EQ(m.Get(F(2)), 2);
  EXPECT_TRUE(AuditClean(m));
}

TYPED_TEST(FloatKeys, PlusAndMinusZeroAreOneKeyAndOverwriteStoresTheNewKey) {
  using F = TypeParam;
  gomap::SeedRandom(5);
  {
    auto m = Map<F, int64_t>::Make(0);
    m.Set(F(+0.0), 1);  // a
    m.Set(F(-0.0), 2);  // b
    EXPECT_EQ(m.Len(), 1);
    EXPECT_EQ(m.Get(F(+0.0)), 2);
    EXPECT_EQ(m.Get(F(-0.0)), 2);
    auto it = m.Range();
    ASSERT_TRUE(it.Next());
    EXPECT_EQ(it.Key(), F(0));
    EXPECT_TRUE(std::signbit(it.Key())) << "ranging must yield -0 after m[+0]=a; m[-0]=b";
    EXPECT_EQ(it.Value(), 2);
    EXPECT_FALSE(it.Next());
    EXPECT_TRUE(AuditClean(m));
  }
  {
    auto m = Map<F, int64_t>::Make(0);
    m.Set(F(-0.0), 1);
    m.Set(F(+0.0), 2);
    auto it = m.Range();
    ASSERT_TRUE(it.Next());
    EXPECT_FALSE(std::signbit(it.Key()));
    EXPECT_EQ(it.Value(), 2);
    m.Delete(F(-0.0));
    EXPECT_EQ(m.Len(), 0);
    EXPECT_TRUE(AuditClean(m));
  }
}

TYPED_TEST(FloatKeys, KeyUpdateSurvivesGrowth) {
  using F = TypeParam;
  for (int seed = 0; seed < 20; seed++) {
    gomap::SeedRandom(600 + seed);
    auto m = Map<F, int64_t>::Make(0);
    m.Set(F(+0.0), 1);
    for (int64_t i = 1; i <= 208; i++) m.Set(static_cast<F>(i), i);  // grow 32 -> 64 starts
    ASSERT_TRUE(m.GetStats().growing);
    m.Set(F(-0.0), 2);  // during the grow
    while (m.GetStats().growing) m.Set(F(1), 1);
    for (int64_t i = 209; i < 2000; i++) m.Set(static_cast<F>(i), i);
    int zeros = 0;
    for (auto it = m.Range(); it.Next();) {
      if (it.Key() == F(0)) {
        zeros++;
        EXPECT_TRUE(std::signbit(it.Key())) << "seed " << seed;
        EXPECT_EQ(it.Value(), 2);
      }
    }
    EXPECT_EQ(zeros, 1);
    EXPECT_TRUE(AuditClean(m));
  }
}

TEST(FloatKeys, DistinctNaNPayloadsAreDistinctEntries) {
  gomap::SeedRandom(7);
  auto m = Map<double, int64_t>::Make(0);
  for (uint64_t p = 0; p < 64; p++) {
    m.Set(NaNWithPayload(p), static_cast<int64_t>(p));
    m.Set(NaNWithPayload(p), static_cast<int64_t>(p));
  }
  EXPECT_EQ(m.Len(), 128);
  std::multiset<uint64_t> payloads;
  for (auto it = m.Range(); it.Next();) {
    uint64_t bits;
    double k = it.Key();
    std::memcpy(&bits, &k, sizeof bits);
    payloads.insert(bits & 0x0007ffffffffffffull);
  }
  for (uint64_t p = 0; p < 64; p++) EXPECT_EQ(payloads.count(p), 2u) << p;
  EXPECT_TRUE(AuditClean(m));
}

TEST(FloatKeys, NaNHashesAreRandomSoNaNEntriesScatter) {
  gomap::SeedRandom(8);
  auto m = Map<double, int64_t>::Make(0);
  for (int64_t i = 0; i < 1000; i++) m.Set(NaN<double>(), i);
  Stats s = m.GetStats();
  EXPECT_EQ(s.B, 8);  // Go's B for 1000 entries: no same-size grows from one long chain
  EXPECT_LT(s.overflow_buckets, 64u) << "NaN entries piled into few buckets";
  EXPECT_TRUE(AuditClean(m));
}

TEST(FloatKeys, AssigningANaNKeyTakenFromRangeAddsAnEntry) {
  gomap::SeedRandom(9);
  auto m = Map<double, int64_t>::Make(0);
  m.Set(NaN<double>(), 1);
  int steps = 0;
  for (auto it = m.Range(); it.Next() && steps < 100; steps++) {
    double k = it.Key();
    m.Set(k, 2);
  }
  EXPECT_GE(m.Len(), 2);
  EXPECT_EQ(m.Len(), steps + 1);
  EXPECT_TRUE(AuditClean(m));
}

TEST(FloatKeys, GoTestGrowWithNaN) {
  // Go's runtime TestGrowWithNaN: three NaN entries (m[nan]=1; m[nan]=2; m[nan]+=4)
  // survive a resize made at the first range step, values intact.
  for (int seed = 0; seed < 50; seed++) {
    gomap::SeedRandom(1000 + seed);
    auto m = Map<double, int64_t>::Make(4);
    double nan = NaN<double>();
    m.Set(nan, 1);
    m.Set(nan, 2);
    m.Set(nan, m.Get(nan) + 4);
    int cnt = 0;
    int64_t s = 0;
    bool grow = true;
    for (auto it = m.Range(); it.Next();) {
      double k = it.Key();
      int64_t v = it.Value();
      if (grow) {
        for (int64_t i = 0; i < 50; i++) m.Set(static_cast<double>(i), i);
        for (int64_t i = 50; i < 100; i++) {
          m.Set(static_cast<double>(i), m.Get(static_cast<double>(i)) + i);
        }
        grow = false;
      }
      if (k != k) {
        cnt++;
        s |= v;
      }
    }
    EXPECT_EQ(cnt, 3) << "NaN keys lost during grow, seed " << seed;
    EXPECT_EQ(s, 7) << "NaN values lost during grow, seed " << seed;
    EXPECT_TRUE(AuditClean(m));
  }
}

TEST(FloatKeys, GoTestMapNanGrowIterator) {
  // Go's TestMapNanGrowIterator: an iterator started while a map full of NaN keys is
  // growing; halfway through, absent-key deletes finish the grow.
  for (int seed = 0; seed < 50; seed++) {
    gomap::SeedRandom(2000 + seed);
    auto m = Map<double, int64_t>::Make(0);
    const int64_t kBuckets = 16, kKeys = kBuckets * 13 / 2;  // 104
    for (int64_t i = 0; i < kKeys; i++) m.Set(NaN<double>(), i);
    m.Set(1.0, -1);  // trigger the grow
    m.Delete(1.0);
    ASSERT_TRUE(m.GetStats().growing);
    std::set<int64_t> found;
    for (auto it = m.Range(); it.Next();) {
      int64_t v = it.Value();
      ASSERT_TRUE(found.insert(v).second) << "repeat of value " << v << ", seed " << seed;
      if (static_cast<int64_t>(found.size()) == kKeys / 2) {
        for (int64_t i = 0; i < kBuckets; i++) m.Delete(1.0);
        ASSERT_FALSE(m.GetStats().growing);
      }
    }
    ASSERT_EQ(static_cast<int64_t>(found.size()), kKeys) << "missing value, seed " << seed;
    EXPECT_TRUE(AuditClean(m));
  }
}

TEST(FloatKeys, NaNEntriesSurviveGrowthsUnderALiveIterator) {
  // With the iterator flag set, evacuation sends NaN entries by the tophash low bit
  // (§3.10); the iterator, started before, must still produce each exactly once.
  for (int seed = 0; seed < 40; seed++) {
    gomap::SeedRandom(3000 + seed);
    auto m = Map<double, int64_t>::Make(0);
    for (int64_t i = 0; i < 50; i++) {
      m.Set(NaN<double>(), i);
      m.Set(static_cast<double>(i) + 0.5, 100 + i);
    }
    std::multiset<int64_t> nan_values;
    bool first = true;
    for (auto it = m.Range(); it.Next();) {
      if (std::isnan(it.Key())) nan_values.insert(it.Value());
      if (first) {
        first = false;
        for (int64_t i = 0; i < 3000; i++) m.Set(1000.0 + static_cast<double>(i), i);
      }
    }
    ASSERT_EQ(nan_values.size(), 50u) << "seed " << seed;
    for (int64_t i = 0; i < 50; i++) ASSERT_EQ(nan_values.count(i), 1u) << "seed " << seed;
    // And a fresh iterator over the grown map sees each one once too.
    nan_values.clear();
    for (auto it = m.Range(); it.Next();) {
      if (std::isnan(it.Key())) nan_values.insert(it.Value());
    }
    ASSERT_EQ(nan_values.size(), 50u) << "seed " << seed;
    EXPECT_TRUE(AuditClean(m));
  }
}

TEST(FloatKeys, NaNEntriesAreProducedOnceByAnIteratorStartedMidDoublingGrow) {
  for (int seed = 0; seed < 40; seed++) {
    gomap::SeedRandom(4000 + seed);
    auto m = Map<double, int64_t>::Make(0);
    // An earlier iteration sets the iterator flag, so the grow routes NaNs by tophash.
    if (seed % 2) {
      m.Set(-1.0, 0);
      auto warm = m.Range();
    }
    for (int64_t i = 0; i < 52; i++) m.Set(NaN<double>(), i);
    m.Set(0.5, -1);  // insert 53 (or 54): B 3 -> 4
    if (!(seed % 2)) m.Set(0.75, -1);
    ASSERT_TRUE(m.GetStats().growing);
    std::multiset<int64_t> nan_values;
    int step = 0;
    for (auto it = m.Range(); it.Next(); step++) {
      if (std::isnan(it.Key())) nan_values.insert(it.Value());
      if (step % 4 == 0) m.Set(0.5, step);  // evacuation under the iterator
    }
    ASSERT_EQ(nan_values.size(), 52u) << "seed " << seed;
    for (int64_t i = 0; i < 52; i++) ASSERT_EQ(nan_values.count(i), 1u) << "seed " << seed;
    EXPECT_TRUE(AuditClean(m));
  }
}

// Runs of 8 consecutive integers share a hash; NaN hashes stay random.
struct BlockFloatHash {
  uint64_t operator()(double k, uint64_t seed) const {
    if (k != k) return gomap::DefaultHash<double>()(k, seed);
    return Mix(static_cast<uint64_t>(static_cast<int64_t>(std::floor(k / 8))) ^ seed);
  }
};

TEST(FloatKeys, NaNEntriesAreProducedOnceByAnIteratorStartedMidSameSizeGrow) {
  // go-map-semantics §7 item 17: the checkBucket filter must be skipped in a same-size
  // grow, or NaN entries are dropped.
  for (int seed = 0; seed < 20; seed++) {
    gomap::SeedRandom(5000 + seed);
    auto m = Map<double, int64_t, BlockFloatHash>::Make(0, BlockFloatHash());
    for (int64_t i = 0; i < 12; i++) m.Set(NaN<double>(), i);
    const int64_t kNumbers = 30;  // count 42 at B = 3
    int64_t next = 0;
    for (; next < kNumbers; next++) m.Set(static_cast<double>(next), next);
    ASSERT_EQ(m.GetStats().B, 3);
    // Churn numbers until a same-size grow starts.
    bool started = false;
    for (int step = 0; step < 100000 && !started; step++) {
      m.Set(static_cast<double>(next), next);
      next++;
      if (m.GetStats().same_size_grow) {
        started = true;
      } else {
        m.Delete(static_cast<double>(next - kNumbers - 1));
      }
    }
    ASSERT_TRUE(started) << "no same-size grow, seed " << seed;
    ASSERT_TRUE(m.GetStats().growing);
    ASSERT_TRUE(AuditClean(m));
    std::multiset<int64_t> nan_values;
    int step = 0;
    for (auto it = m.Range(); it.Next(); step++) {
      if (std::isnan(it.Key())) nan_values.insert(it.Value());
      if (step % 3 == 0) m.Set(static_cast<double>(next - 1), step);  // evacuate
    }
    ASSERT_EQ(nan_values.size(), 12u) << "seed " << seed;
    for (int64_t i = 0; i < 12; i++) ASSERT_EQ(nan_values.count(i), 1u) << "seed " << seed;
    EXPECT_TRUE(AuditClean(m));
  }
}

TEST(FloatKeys, SameSeedGivesTheSameOrderWithNaNs) {
  auto order = [](uint64_t seed) {
    gomap::SeedRandom(seed);
    auto m = Map<double, int64_t>::Make(0);
    for (int64_t i = 0; i < 40; i++) {
      m.Set(NaN<double>(), i);
      m.Set(static_cast<double>(i), 100 + i);
    }
    std::vector<int64_t> v;
    for (auto it = m.Range(); it.Next();) v.push_back(it.Value());
    return v;
  };
  EXPECT_EQ(order(77), order(77));
  EXPECT_NE(order(77), order(78));
}

}  // namespace
