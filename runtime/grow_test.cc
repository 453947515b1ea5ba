// Growth: hashGrow, growWork, evacuate and advanceEvacuationMark (go-map-semantics §3.4,
// §3.9-§3.11, §6 I3/I13/I15, §7 items 4, 5, 11, 12, 23).
//
// What is checked here, through Stats and Audit only:
//   - a doubling grow starts on inserts number 9, 14, 27, 53, 105, ... and never on an
//     overwrite, a delete, or while another grow is in progress;
//   - a same-size grow starts when an absent key is inserted while
//     noverflow >= 2^min(B, 15), keeps B, and compacts the overflow chains;
//   - noverflow counts the overflow buckets of the current array exactly while B < 16,
//     is reset by a grow, never decremented by delete, and only sampled from B = 16;
//   - every assign and delete while growing advances evacuation (overwrites and deletes
//     of absent keys included); reads and iteration never do.
#include <algorithm>
#include <cstdint>
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

// Sequential keys spread perfectly over the buckets: no overflow bucket ever.
struct IdentityHash {
  uint64_t operator()(int64_t k, uint64_t) const { return static_cast<uint64_t>(k); }
};
// Every run of 8 consecutive keys has one identical full hash: each run fills exactly
// one bucket's slots, and two runs meeting in one bucket need an overflow bucket.
struct BlockHash {
  uint64_t operator()(int64_t k, uint64_t seed) const {
    return Mix(static_cast<uint64_t>(k >> 3) ^ seed);
  }
};
// All keys share the top byte 0 (tophash 5) and only 2^15 distinct hashes exist.
struct LowBitsOnlyHash {
  uint64_t operator()(int64_t k, uint64_t) const { return static_cast<uint64_t>(k) % 32768; }
};

// Configurations for the typed tests: key type, hasher, and the i-th distinct key.
struct Int64Fast {
  using K = int64_t;
  using H = gomap::DefaultHash<int64_t>;
  static K Key(int64_t i) { return i * 1000003; }
};
struct Int32Fast {
  using K = int32_t;
  using H = gomap::DefaultHash<int32_t>;
  static K Key(int64_t i) { return static_cast<int32_t>(i * 7 - 50000); }
};
struct StringFast {
  using K = std::string;
  using H = gomap::DefaultHash<std::string>;
  static K Key(int64_t i) { return "key/" + std::to_string(i); }
};
struct DoubleGeneric {
  using K = double;
  using H = gomap::DefaultHash<double>;
  static K Key(int64_t i) { return static_cast<double>(i) * 0.5 - 3.0; }
};
struct Int64Identity {
  using K = int64_t;
  using H = IdentityHash;
  static K Key(int64_t i) { return i; }
};

template <class C>
class GrowTrigger : public ::testing::Test {};
using GrowConfigs =
    ::testing::Types<Int64Fast, Int32Fast, StringFast, DoubleGeneric, Int64Identity>;
TYPED_TEST_SUITE(GrowTrigger, GrowConfigs);

// Go's load-factor trigger points (go-map-semantics §2: "growth starts on insert number
// 9, 14, 27, 53, 105, 209, ...").
const std::vector<int64_t> kTriggers = {9, 14, 27, 53, 105, 209, 417, 833, 1665, 3329, 6657};

TYPED_TEST(GrowTrigger, DoublingStartsExactlyOnGosInsertNumbers) {
  using C = TypeParam;
  gomap::SeedRandom(11);
  auto m = Map<typename C::K, int64_t, typename C::H>::Make(0, typename C::H());
  std::set<int64_t> triggers(kTriggers.begin(), kTriggers.end());
  for (int64_t n = 1; n <= kTriggers.back(); n++) {
    Stats before = m.GetStats();
    m.Set(C::Key(n), n);
    Stats after = m.GetStats();
    ASSERT_EQ(after.count, n);
    if (triggers.count(n)) {
      ASSERT_EQ(after.B, before.B + 1) << "insert " << n << " must start a doubling grow";
      ASSERT_FALSE(before.growing) << "insert " << n;
      ASSERT_FALSE(after.same_size_grow) << "insert " << n;
      if (before.B >= 2) {
        // 2^B old buckets, at most two evacuated by the insert that started the grow.
        ASSERT_TRUE(after.growing) << "insert " << n;
        ASSERT_EQ(after.noldbuckets, uint64_t{1} << before.B) << "insert " << n;
        ASSERT_GE(after.nevacuate, 1u);
        ASSERT_LE(after.nevacuate, 2u);
      }
      ASSERT_TRUE(AuditClean(m)) << "after insert " << n;
    } else {
      ASSERT_EQ(after.B, before.B) << "insert " << n << " must not change B";
    }
  }
  for (int64_t n = 1; n <= kTriggers.back(); n++) ASSERT_EQ(m.Get(C::Key(n)), n);
  EXPECT_TRUE(AuditClean(m));
}

TYPED_TEST(GrowTrigger, OverwritesAndDeletesNeverStartAGrow) {
  using C = TypeParam;
  gomap::SeedRandom(12);
  // Fill to exactly the threshold of each B, then overwrite, delete and re-insert.
  for (int64_t threshold : {8, 13, 26, 52, 104, 208}) {
    auto m = Map<typename C::K, int64_t, typename C::H>::Make(0, typename C::H());
    for (int64_t n = 1; n <= threshold; n++) m.Set(C::Key(n), n);
    // Let any grow in progress finish (overwrites advance evacuation).
    for (int i = 0; i < 1000 && m.GetStats().growing; i++) m.Set(C::Key(1), 1);
    Stats full = m.GetStats();
    ASSERT_FALSE(full.growing);
    for (int round = 0; round < 20; round++) {
      for (int64_t n = 1; n <= threshold; n++) m.Set(C::Key(n), n + round);
      Stats s = m.GetStats();
      ASSERT_EQ(s.B, full.B) << "overwrites grew the map at threshold " << threshold;
      ASSERT_FALSE(s.growing);
    }
    // Delete then re-insert: count+1 never exceeds the threshold.
    for (int64_t n = 1; n <= threshold; n++) {
      m.Delete(C::Key(n));
      m.Set(C::Key(n), -n);
      ASSERT_EQ(m.GetStats().B, full.B);
      ASSERT_FALSE(m.GetStats().growing);
    }
    ASSERT_TRUE(AuditClean(m));
    // One more absent key is the trigger.
    m.Set(C::Key(threshold + 1), 0);
    EXPECT_EQ(m.GetStats().B, full.B + 1) << "threshold " << threshold;
    EXPECT_TRUE(AuditClean(m));
  }
}

// Drives a map at constant count: insert key `next`, delete key `next - count`.
// Returns the number of churn steps done when `stop` first holds (or -1).
template <class M, class Stop>
int64_t Churn(M& m, int64_t& next, int64_t count, int64_t max_steps, Stop stop) {
  for (int64_t step = 0; step < max_steps; step++) {
    Stats before = m.GetStats();
    m.Set(next, next);
    Stats after = m.GetStats();
    if (!before.growing && after.growing) {
      // A grow started on this insert: a same-size one exactly when the overflow
      // count had reached 2^min(B, 15) and the load factor was fine.
      EXPECT_TRUE(after.same_size_grow) << "step " << step;
      EXPECT_GE(before.noverflow, uint64_t{1} << std::min<int>(before.B, 15));
      EXPECT_EQ(after.B, before.B);
    }
    if (!before.growing && before.noverflow < (uint64_t{1} << std::min<int>(before.B, 15))) {
      EXPECT_FALSE(after.same_size_grow) << "step " << step;
    }
    if (stop(before, after)) {
      next++;
      return step;
    }
    m.Delete(next - count);
    next++;
    EXPECT_EQ(m.Len(), count);
    auto audit = m.Audit();
    if (!audit.empty()) {
      ADD_FAILURE() << "step " << step << ": " << audit[0] << "\n" << m.Dump();
      return -1;
    }
  }
  return -1;
}

TEST(SameSizeGrow, StartsFromInsertDeleteChurnWithACollidingHasher) {
  gomap::SeedRandom(13);
  auto m = Map<int64_t, int64_t, BlockHash>::Make(0, BlockHash());
  const int64_t kCount = 40;  // B = 3 (threshold 52)
  int64_t next = 0;
  for (; next < kCount; next++) m.Set(next, next);
  ASSERT_EQ(m.GetStats().B, 3);
  int64_t steps = Churn(m, next, kCount, 100000, [](const Stats& b, const Stats& a) {
    return a.same_size_grow && !b.growing;
  });
  ASSERT_GE(steps, 0) << "no same-size grow in 100000 churn steps\n" << m.Dump();
  Stats s = m.GetStats();
  EXPECT_EQ(s.B, 3);
  EXPECT_TRUE(s.growing);
  EXPECT_EQ(s.noldbuckets, 8u);
  EXPECT_EQ(s.flags & gomap::internal::kFlagSameSizeGrow, gomap::internal::kFlagSameSizeGrow);
  EXPECT_EQ(s.count, kCount + 1);
  EXPECT_TRUE(AuditClean(m));
  // Every live key is still there, in old or new chains.
  for (int64_t k = next - kCount - 1; k < next; k++) ASSERT_EQ(m.Get(k), k) << k;
  // Finish the grow with overwrites; the chains are compacted.
  for (int i = 0; i < 16 && m.GetStats().growing; i++) m.Set(next - 1, next - 1);
  s = m.GetStats();
  EXPECT_FALSE(s.growing);
  EXPECT_FALSE(s.same_size_grow);
  EXPECT_EQ(s.flags & gomap::internal::kFlagSameSizeGrow, 0);
  EXPECT_EQ(s.B, 3);
  EXPECT_LT(s.noverflow, 8u);
  EXPECT_EQ(s.noverflow, s.overflow_buckets);
  for (int64_t k = next - kCount - 1; k < next; k++) ASSERT_EQ(m.Get(k), k) << k;
  EXPECT_TRUE(AuditClean(m));
}

TEST(SameSizeGrow, StartsFromInsertDeleteChurnWithTheDefaultHasher) {
  // Go 1.19 shows this at B = 4 with a steady churn at constant count (§3.9).
  gomap::SeedRandom(14);
  auto m = Map<int64_t, int64_t>::Make(0);
  const int64_t kCount = 100;  // B = 4
  int64_t next = 0;
  for (; next < kCount; next++) m.Set(next, next);
  ASSERT_EQ(m.GetStats().B, 4);
  int64_t steps = Churn(m, next, kCount, 200000, [](const Stats& b, const Stats& a) {
    return a.same_size_grow && !b.growing;
  });
  ASSERT_GE(steps, 0) << "no same-size grow in 200000 churn steps";
  EXPECT_EQ(m.GetStats().B, 4);
  EXPECT_TRUE(AuditClean(m));
}

TEST(SameSizeGrow, NoSecondGrowStartsWhileOneIsInProgress) {
  // Churn at count 51 (B = 3, threshold 52) until a same-size grow starts; inserts
  // made during that grow push count past the threshold without starting a doubling
  // (I15), and the first absent-key insert after it completes doubles.
  gomap::SeedRandom(15);
  auto m = Map<int64_t, int64_t, BlockHash>::Make(0, BlockHash());
  const int64_t kCount = 51;
  int64_t next = 0;
  for (; next < kCount; next++) m.Set(next, next);
  ASSERT_EQ(m.GetStats().B, 3);
  ASSERT_FALSE(m.GetStats().growing);
  int64_t steps = Churn(m, next, kCount, 100000, [](const Stats& b, const Stats& a) {
    return a.same_size_grow && !b.growing;
  });
  ASSERT_GE(steps, 0) << "no same-size grow in 100000 churn steps";
  ASSERT_EQ(m.Len(), 52);
  // Keep inserting absent keys. While the same-size grow runs, B stays 3 even though
  // count passes 52. The insert whose growWork finishes it may start the doubling at
  // once (Go checks !growing after growWork), otherwise the next insert does.
  int64_t max_count_at_b3 = 0;
  for (;;) {
    Stats before = m.GetStats();
    m.Set(next, next);
    next++;
    Stats s = m.GetStats();
    ASSERT_TRUE(AuditClean(m));
    if (s.B == 4) {
      ASSERT_FALSE(s.same_size_grow);
      ASSERT_TRUE(s.growing);
      ASSERT_TRUE(before.growing || before.count > 52);
      break;
    }
    ASSERT_EQ(s.B, 3);
    ASSERT_TRUE(s.growing) << "the same-size grow ended without the insert doubling";
    ASSERT_TRUE(s.same_size_grow);
    max_count_at_b3 = s.count;
  }
  EXPECT_GT(max_count_at_b3, 53) << "count went past the load factor while B = 3 (I15)";
  EXPECT_TRUE(AuditClean(m));
}

TEST(NOverflow, CountsCurrentOverflowBucketsExactlyBelowB16) {
  gomap::SeedRandom(16);
  auto m = Map<int64_t, int64_t, BlockHash>::Make(0, BlockHash());
  uint64_t x = 1;
  std::map<int64_t, int64_t> model;
  for (int step = 0; step < 20000; step++) {
    x = Mix(x);
    int64_t k = static_cast<int64_t>(x % 3000);
    Stats before = m.GetStats();
    if (x & (1ull << 40)) {
      m.Set(k, step);
      model[k] = step;
    } else {
      m.Delete(k);
      model.erase(k);
    }
    Stats s = m.GetStats();
    ASSERT_EQ(s.noverflow, s.overflow_buckets) << "step " << step;
    if (!(x & (1ull << 40))) {
      // A delete during a grow evacuates (which may add overflow buckets to the new
      // array); otherwise it leaves noverflow alone. It never decreases it.
      if (before.growing) {
        ASSERT_GE(s.noverflow, before.noverflow) << "delete decreased noverflow, step " << step;
      } else {
        ASSERT_EQ(s.noverflow, before.noverflow) << "delete changed noverflow, step " << step;
      }
    }
    if (step % 50 == 0) {
      ASSERT_TRUE(AuditClean(m)) << "step " << step;
    }
  }
  ASSERT_EQ(m.Len(), static_cast<int64_t>(model.size()));
  for (auto& [k, v] : model) ASSERT_EQ(m.Get(k), v);
}

TEST(NOverflow, DeletesNeverDecreaseIt) {
  gomap::SeedRandom(17);
  auto m = Map<int64_t, int64_t, LowBitsOnlyHash>::Make(0, LowBitsOnlyHash());
  // Keys (i % 4) + 32768 * j have only 4 distinct hashes: 200 keys make 4 chains of
  // 50 entries at B = 5, 24 overflow buckets (fewer than 2^5, so no same-size grow).
  for (int64_t i = 0; i < 200; i++) m.Set((i % 4) + 32768 * (i / 4), i);
  for (int i = 0; i < 64 && m.GetStats().growing; i++) m.Set(0, 0);
  Stats full = m.GetStats();
  ASSERT_FALSE(full.growing);
  ASSERT_GT(full.noverflow, 0);
  for (int64_t i = 0; i < 200; i++) {
    m.Delete((i % 4) + 32768 * (i / 4));
    Stats s = m.GetStats();
    ASSERT_EQ(s.noverflow, full.noverflow) << "after deleting " << i + 1;
    ASSERT_EQ(s.overflow_buckets, full.overflow_buckets) << "delete unlinked a bucket";
  }
  EXPECT_EQ(m.Len(), 0);
  EXPECT_TRUE(AuditClean(m));
}

TEST(NOverflow, GrowStartsItOverForTheNewArray) {
  gomap::SeedRandom(18);
  auto m = Map<int64_t, int64_t, LowBitsOnlyHash>::Make(0, LowBitsOnlyHash());
  // Keys 0..3 + 32768*j: only 4 distinct hashes, so chains of overflow buckets form.
  int64_t n = 0;
  for (; n < 104; n++) m.Set((n % 4) + 32768 * (n / 4), n);  // B = 4, no grow yet
  Stats before = m.GetStats();
  ASSERT_EQ(before.B, 4);
  ASSERT_FALSE(before.growing);
  ASSERT_GT(before.noverflow, 0);
  m.Set((n % 4) + 32768 * (n / 4), n);  // the 105th insert doubles
  Stats s = m.GetStats();
  ASSERT_EQ(s.B, 5);
  ASSERT_TRUE(s.growing);
  // Only the evacuated chains have been rebuilt in the new array; their overflow
  // buckets are all noverflow counts (the old array's are not counted).
  EXPECT_EQ(s.noverflow, s.overflow_buckets);
  EXPECT_LT(s.noverflow, before.noverflow);
  EXPECT_GT(s.old_overflow_buckets, 0u);
  EXPECT_TRUE(AuditClean(m));
}

TEST(NOverflow, IsSampledFromB16) {
  // B = 17: each new overflow bucket counts with probability 1/4 (§1.6), so noverflow
  // estimates overflow_buckets / 4.
  gomap::SeedRandom(19);
  auto m = Map<int64_t, int32_t, LowBitsOnlyHash>::Make(500000, LowBitsOnlyHash());
  ASSERT_EQ(m.GetStats().B, 17);
  for (int64_t k = 0; k < 425000; k++) m.Set(k, 1);  // 32768 buckets, 13 keys each
  Stats s = m.GetStats();
  ASSERT_EQ(s.B, 17);
  ASSERT_FALSE(s.growing);
  ASSERT_EQ(s.overflow_buckets, 32768u);
  EXPECT_GT(s.noverflow, 32768 / 4 - 1000);
  EXPECT_LT(s.noverflow, 32768 / 4 + 1000);
  EXPECT_TRUE(AuditClean(m));
}

// A map in the middle of a doubling grow from B = 5 to B = 6 (32 old buckets).
Map<int64_t, int64_t> GrowingMap() {
  auto m = Map<int64_t, int64_t>::Make(0);
  for (int64_t k = 0; k < 209; k++) m.Set(k, k);
  return m;
}

TEST(Evacuation, ReadsAndIterationNeverAdvanceIt) {
  gomap::SeedRandom(20);
  auto m = GrowingMap();
  Stats s0 = m.GetStats();
  ASSERT_TRUE(s0.growing);
  ASSERT_EQ(s0.noldbuckets, 32u);
  for (int round = 0; round < 5; round++) {
    for (int64_t k = -100; k < 400; k++) {
      EXPECT_EQ(m.Get(k), (k >= 0 && k < 209) ? k : 0);
      EXPECT_EQ(m.Lookup(k).second, k >= 0 && k < 209);
    }
    int64_t n = 0;
    for (auto it = m.Range(); it.Next();) n++;
    EXPECT_EQ(n, 209);
  }
  Stats s1 = m.GetStats();
  EXPECT_TRUE(s1.growing);
  EXPECT_EQ(s1.nevacuate, s0.nevacuate);
  EXPECT_EQ(s1.overflow_buckets, s0.overflow_buckets);
  EXPECT_TRUE(AuditClean(m));
}

TEST(Evacuation, DeletingAnAbsentKeyAdvancesIt) {
  gomap::SeedRandom(21);
  auto m = GrowingMap();
  int writes = 0;
  for (int64_t k = 1000; m.GetStats().growing; k++) {
    Stats before = m.GetStats();
    m.Delete(k);  // absent
    writes++;
    Stats after = m.GetStats();
    ASSERT_TRUE(!after.growing || after.nevacuate > before.nevacuate) << "delete " << k;
    ASSERT_EQ(after.count, 209);
    ASSERT_TRUE(AuditClean(m));
  }
  EXPECT_LE(writes, 32) << "each write evacuates at least one old bucket";
  EXPECT_EQ(m.GetStats().nevacuate, 32u) << "nevacuate stays at the old size (§3.11)";
  for (int64_t k = 0; k < 209; k++) ASSERT_EQ(m.Get(k), k);
}

TEST(Evacuation, OverwritingAPresentKeyAdvancesIt) {
  gomap::SeedRandom(22);
  auto m = GrowingMap();
  int writes = 0;
  for (int64_t k = 0; m.GetStats().growing; k = (k + 1) % 209) {
    Stats before = m.GetStats();
    m.Set(k, k + 1);
    writes++;
    Stats after = m.GetStats();
    ASSERT_TRUE(!after.growing || after.nevacuate > before.nevacuate) << "overwrite " << k;
    ASSERT_EQ(after.count, 209);
    ASSERT_TRUE(AuditClean(m));
  }
  EXPECT_LE(writes, 32);
  EXPECT_EQ(m.GetStats().B, 6);
  for (int64_t k = 0; k < writes; k++) ASSERT_EQ(m.Get(k), k + 1);
  for (int64_t k = writes; k < 209; k++) ASSERT_EQ(m.Get(k), k);
}

TEST(Evacuation, DeletingAPresentKeyAdvancesIt) {
  gomap::SeedRandom(23);
  auto m = GrowingMap();
  int64_t k = 0;
  for (; m.GetStats().growing; k++) {
    Stats before = m.GetStats();
    m.Delete(k);
    Stats after = m.GetStats();
    ASSERT_TRUE(!after.growing || after.nevacuate > before.nevacuate) << "delete " << k;
    ASSERT_EQ(after.count, 209 - k - 1);
    ASSERT_TRUE(AuditClean(m));
  }
  for (int64_t j = 0; j < 209; j++) ASSERT_EQ(m.Lookup(j).second, j >= k) << j;
}

TEST(Evacuation, NothingIsLostWhileWritesInterleaveWithAGrow) {
  // Mixed writes during several grows, all keys checked after every grow step.
  gomap::SeedRandom(24);
  auto m = Map<int64_t, int64_t>::Make(0);
  std::map<int64_t, int64_t> model;
  uint64_t x = 7;
  for (int step = 0; step < 6000; step++) {
    x = Mix(x);
    int64_t k = static_cast<int64_t>(x % 2500);
    if (x % 5 < 4) {
      m.Set(k, step);
      model[k] = step;
    } else {
      m.Delete(k);
      model.erase(k);
    }
    if (m.GetStats().growing || step % 200 == 0) {
      ASSERT_TRUE(AuditClean(m)) << "step " << step;
      ASSERT_EQ(m.Len(), static_cast<int64_t>(model.size()));
    }
  }
  for (auto& [k, v] : model) ASSERT_EQ(m.Get(k), v) << k;
}

TEST(Evacuation, SameSizeGrowKeepsEveryEntryFindableMidway) {
  gomap::SeedRandom(25);
  auto m = Map<int64_t, int64_t, BlockHash>::Make(0, BlockHash());
  const int64_t kCount = 45;
  int64_t next = 0;
  for (; next < kCount; next++) m.Set(next, next);
  int64_t steps = Churn(m, next, kCount, 100000, [](const Stats& b, const Stats& a) {
    return a.same_size_grow && !b.growing;
  });
  ASSERT_GE(steps, 0);
  // Step the grow one absent-key delete at a time; every live key stays findable.
  std::vector<int64_t> live;
  for (int64_t k = next - kCount - 1; k < next; k++) live.push_back(k);
  for (int64_t absent = -1; m.GetStats().growing; absent--) {
    for (int64_t k : live) ASSERT_EQ(m.Get(k), k) << "nevacuate " << m.GetStats().nevacuate;
    ASSERT_TRUE(AuditClean(m));
    m.Delete(absent);
  }
  for (int64_t k : live) ASSERT_EQ(m.Get(k), k);
  EXPECT_EQ(m.Len(), kCount + 1);
}

TEST(Clear, KeepsBAndResetsGrowState) {
  gomap::SeedRandom(26);
  auto m = GrowingMap();
  Stats s = m.GetStats();
  ASSERT_TRUE(s.growing);
  uint32_t seed = s.hash0;
  m.Clear();
  s = m.GetStats();
  EXPECT_EQ(s.count, 0);
  EXPECT_EQ(s.B, 6);
  EXPECT_FALSE(s.growing);
  EXPECT_FALSE(s.same_size_grow);
  EXPECT_EQ(s.nevacuate, 0u);
  EXPECT_EQ(s.noverflow, 0);
  EXPECT_EQ(s.overflow_buckets, 0u);
  EXPECT_NE(s.hash0, seed) << "clear draws a new hash seed";
  EXPECT_TRUE(AuditClean(m));
  for (int64_t k = 0; k < 209; k++) EXPECT_FALSE(m.Lookup(k).second);
  for (int64_t k = 0; k < 300; k++) m.Set(k, -k);
  EXPECT_EQ(m.GetStats().B, 6) << "300 keys fit B = 6 without growing";
  for (int64_t k = 0; k < 300; k++) ASSERT_EQ(m.Get(k), -k);
  EXPECT_TRUE(AuditClean(m));
}

// kGrowing, gomap's own flag bit, is set exactly while oldbuckets is (the inline lookup
// tests it with hashWriting in one byte): from the grow's start to its end, and cleared
// by a clear mid-grow. Stats shows Go's four bits only; the auditor reports a wrong bit.
TEST(GrowingBit, FollowsOldbucketsAndStaysOutOfStats) {
  gomap::SeedRandom(28);
  auto m = GrowingMap();
  gomap::internal::HMap* h = gomap::internal::MapPeer::Header(m);
  auto bit = [h] { return (h->flags.load() & gomap::internal::kGrowing) != 0; };
  ASSERT_TRUE(m.GetStats().growing);
  for (int64_t absent = -1; m.GetStats().growing; absent--) {
    ASSERT_TRUE(bit());
    ASSERT_LT(m.GetStats().flags, 16) << "Go's bits only";
    for (int64_t k = 0; k < 209; k += 13) ASSERT_EQ(m.Get(k), k) << "mid-grow lookup";
    m.Delete(absent);
  }
  EXPECT_FALSE(bit()) << "the evacuation's end clears it";
  EXPECT_TRUE(AuditClean(m));

  h->flags.fetch_or(gomap::internal::kGrowing);
  EXPECT_FALSE(AuditClean(m)) << "set while not growing";
  h->flags.fetch_and(static_cast<uint8_t>(~gomap::internal::kGrowing));
  EXPECT_TRUE(AuditClean(m));

  auto g = GrowingMap();
  ASSERT_TRUE((gomap::internal::MapPeer::Header(g)->flags.load() & gomap::internal::kGrowing));
  g.Clear();
  EXPECT_FALSE((gomap::internal::MapPeer::Header(g)->flags.load() & gomap::internal::kGrowing));
  EXPECT_TRUE(AuditClean(g));
}

// Stats compare field by field: equal to a copy, unequal when any one field differs.
// concurrent_fuzzer compares them so to check that its readers left the header as it was.
TEST(Stats, EqualityComparesEveryField) {
  gomap::SeedRandom(29);
  auto m = GrowingMap();
  const Stats s = m.GetStats();
  ASSERT_TRUE(s.growing);
  EXPECT_TRUE(s == m.GetStats());
  for (int64_t k = 0; k < 209; k += 13) ASSERT_EQ(m.Get(k), k);
  EXPECT_TRUE(s == m.GetStats()) << "lookups change no field";
  const std::vector<void (*)(Stats&)> changes = {
      [](Stats& x) { x.count++; },
      [](Stats& x) { x.B++; },
      [](Stats& x) { x.noverflow++; },
      [](Stats& x) { x.flags ^= 1; },
      [](Stats& x) { x.hash0 ^= 1; },
      [](Stats& x) { x.growing = !x.growing; },
      [](Stats& x) { x.same_size_grow = !x.same_size_grow; },
      [](Stats& x) { x.nevacuate++; },
      [](Stats& x) { x.noldbuckets++; },
      [](Stats& x) { x.overflow_buckets++; },
      [](Stats& x) { x.old_overflow_buckets++; },
  };
  for (size_t i = 0; i < changes.size(); i++) {
    Stats d = s;
    changes[i](d);
    EXPECT_FALSE(d == s) << "field " << i;
    EXPECT_TRUE(d != s) << "field " << i;
  }
}

// A map without buckets (made with a small hint, or never written) is looked up in
// kNoBuckets, with no count test first: nothing is found, and the first insert gets
// real buckets.
TEST(NoBuckets, LookupsFindNothingAndTheFirstInsertAllocates) {
  gomap::SeedRandom(29);
  auto m = Map<int64_t, int64_t>::Make(0);
  auto s = Map<std::string, int64_t>::Make(0);
  ASSERT_EQ(gomap::internal::MapPeer::Header(m)->buckets, nullptr);
  ASSERT_EQ(gomap::internal::MapPeer::Header(s)->buckets, nullptr);
  for (int64_t k : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{1} << 62}) {
    EXPECT_FALSE(m.Lookup(k).second) << k;
    EXPECT_EQ(m.Get(k), 0) << k;
    m.Delete(k);
  }
  EXPECT_FALSE(s.Lookup("").second);
  EXPECT_FALSE(s.Lookup("sixteen bytes!!!").second);
  EXPECT_FALSE(s.Lookup("a key longer than sixteen bytes").second);
  EXPECT_TRUE(AuditClean(m));
  m.Set(7, 70);
  ASSERT_NE(gomap::internal::MapPeer::Header(m)->buckets, nullptr);
  EXPECT_EQ(m.Get(7), 70);
  EXPECT_FALSE(m.Lookup(8).second);
  m.Delete(7);
  EXPECT_FALSE(m.Lookup(7).second) << "emptied, with buckets: the scan finds nothing";
  EXPECT_TRUE(AuditClean(m));
}

TEST(Delete, TheDeleteThatEmptiesTheMapDrawsANewSeed) {
  gomap::SeedRandom(27);
  auto m = Map<int64_t, int64_t>::Make(0);
  for (int64_t k = 0; k < 20; k++) m.Set(k, k);
  uint32_t seed = m.GetStats().hash0;
  for (int64_t k = 0; k < 19; k++) {
    m.Delete(k);
    m.Delete(1000 + k);  // absent
    ASSERT_EQ(m.GetStats().hash0, seed) << "reseeded with live keys";
  }
  m.Delete(19);
  EXPECT_EQ(m.Len(), 0);
  EXPECT_NE(m.GetStats().hash0, seed);
  uint32_t seed2 = m.GetStats().hash0;
  m.Delete(19);  // empty map: nothing happens
  EXPECT_EQ(m.GetStats().hash0, seed2);
  EXPECT_TRUE(AuditClean(m));
}

}  // namespace
