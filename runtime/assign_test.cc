// Assign and delete: the common cases that <gomap/map.h> does inline (Map::InlineAssign
// and Map::InlineDelete for integer keys, Map::ShortKeyAssign and Map::ShortKeyDelete
// for strings of at most 16 bytes; values copied as bytes) against MapAssign and
// MapDelete, which do every case.
//
// Two twins. A map whose Eq is not std::equal_to has the generic key kind, so its Set()
// always goes to MapAssign<kGeneric>; with DefaultHash it puts every integer key where
// the fast map does. And the same map type assigned through MapAssign<kKind> itself
// (MapPeer::AssignInCore): same key kind, same slots, so also for string keys, whose
// fast map keeps StrKey slots where the generic one keeps std::strings.
// Both maps run the same operations from the same random seed: inserts, overwrites and
// deletes over a key range that widens, so the maps grow (doublings, arrays made ahead of
// them, old arrays handed back), fill overflow chains, empty out and re-draw hash0. At
// every checkpoint the two must agree on everything the API shows: Stats (flags
// included: no write may leave hashWriting set), the whole layout Dump, and the full
// iteration from the same seed, which is every key and value in slot order; and the
// inserts that made arrays ahead of a doubling must be the same ones.
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "gomap/internal/peer.h"
#include "gomap/map.h"

#include "test_util.h"

namespace {

using gomap::testing_util::AuditClean;
using gomap::testing_util::KeyText;
using gomap::testing_util::Mix;

using gomap::Map;
using gomap::internal::MapPeer;

// std::equal_to by another name: the generic key kind.
template <class K>
struct OtherEq {
  bool operator()(const K& a, const K& b) const { return a == b; }
};

struct NoValue {};
struct TwoWords {
  int64_t a = 0, b = 0;
  bool operator==(const TwoWords&) const = default;
};

template <class V>
V ValueOf(uint64_t x) {
  if constexpr (std::is_same_v<V, NoValue>) {
    return NoValue();
  } else if constexpr (std::is_same_v<V, TwoWords>) {
    return TwoWords{static_cast<int64_t>(x), static_cast<int64_t>(~x)};
  } else {
    return static_cast<V>(x);
  }
}
template <class V>
std::string Text(const V& v) {
  if constexpr (std::is_same_v<V, NoValue>) {
    return "-";
  } else if constexpr (std::is_same_v<V, TwoWords>) {
    return std::to_string(v.a) + "/" + std::to_string(v.b);
  } else {
    return std::to_string(v);
  }
}

std::string StatsText(const gomap::Stats& s) {
  return "count=" + std::to_string(s.count) + " B=" + std::to_string(s.B) +
         " noverflow=" + std::to_string(s.noverflow) + " flags=" + std::to_string(s.flags) +
         " hash0=" + std::to_string(s.hash0) + " growing=" + std::to_string(s.growing) +
         " same_size=" + std::to_string(s.same_size_grow) +
         " nevacuate=" + std::to_string(s.nevacuate) +
         " noldbuckets=" + std::to_string(s.noldbuckets) +
         " overflow=" + std::to_string(s.overflow_buckets) +
         " old_overflow=" + std::to_string(s.old_overflow_buckets);
}

// What a checkpoint records of a map: its stats, its layout and one full iteration.
template <class M>
std::string Snapshot(const M& m, uint64_t iter_seed) {
  std::string s = StatsText(m.GetStats()) + "\n" + m.Dump(size_t{1} << 20);
  gomap::SeedRandom(iter_seed);
  for (auto it = m.Range(); it.Next();) {
    s += KeyText(it.Key()) + "=" + Text(it.Value()) + " ";
  }
  return s;
}

template <class M>
int AheadB(const M& m) {
  return gomap::internal::AheadArrayOf(MapPeer::Header(m)).B;  // -1: none
}

// The i-th key of the range the operations draw from. Strings: 0 to 21 bytes, the empty
// one included, those over 16 never assigned inline; padding goes first, so that many
// keys of one length share their first 8 bytes and differ only in the word after them.
template <class K>
K KeyAt(int64_t i) {
  if constexpr (std::is_same_v<K, std::string>) {
    if (i == 0) return std::string();
    return std::string(static_cast<size_t>(i % 13), '_') + std::to_string(i * 7919 - 1000);
  } else {
    return static_cast<K>(i * 7919 - 1000);
  }
}

// m[k] = v and delete(m, k): Set() and Delete(), or MapAssign and MapDelete always
// (kInCore).
template <bool kInCore, class M, class K, class V>
void Assign(M& m, const K& k, V v) {
  if constexpr (kInCore) {
    MapPeer::AssignInCore(m, k, v);
  } else {
    m.Set(k, v);
  }
}
template <bool kInCore, class M, class K>
void Remove(M& m, const K& k) {
  if constexpr (kInCore) {
    MapPeer::DeleteInCore(m, k);
  } else {
    m.Delete(k);
  }
}

// The same operations on a map of type M, from the same seed: the checkpoints' snapshots.
template <class M, class K, class V, bool kInCore = false>
std::vector<std::string> Run(int64_t hint, uint64_t seed, int steps, int every) {
  gomap::SeedRandom(seed);
  M m = M::Make(hint);
  std::vector<std::string> snaps;
  std::string ahead = "arrays made ahead (step:B):";
  int ahead_b = -1;
  uint64_t x = seed;
  for (int step = 1; step <= steps; step++) {
    x = Mix(x);
    // Keys from a range that widens from 16 to about 20,000; in the last tenth of the
    // steps deletes dominate and the map shrinks.
    const bool draining = step > steps * 9 / 10;
    const uint64_t range = 16 + static_cast<uint64_t>(step) * 20000 / steps;
    const K k = KeyAt<K>(static_cast<int64_t>(Mix(x ^ 0x5bd1e995) % range));
    if ((x % 100) < (draining ? 10u : 65u)) {
      Assign<kInCore>(m, k, ValueOf<V>(x >> 8));
    } else {
      Remove<kInCore>(m, k);
    }
    // The array made ahead of the next doubling is made by the insert that reaches the
    // count set for it (how much of it is faulted in depends on a thread, not on us).
    if (const int b = AheadB(m); b != ahead_b) {
      ahead_b = b;
      ahead += " " + std::to_string(step) + ":" + std::to_string(b);
    }
    if (step % every == 0 || step == steps) {
      EXPECT_TRUE(AuditClean(m)) << "step " << step;
      snaps.push_back(Snapshot(m, x));
      gomap::SeedRandom(x);  // the same draws after the checkpoint in both runs
    }
  }
  // Every key left goes, with checkpoints on the way: the map empties, and its last
  // delete re-draws hash0.
  for (int64_t i = 0; i <= 20016 && m.Len() > 0; i++) {
    Remove<kInCore>(m, KeyAt<K>(i));
    if (i % 4000 == 3999) snaps.push_back(Snapshot(m, static_cast<uint64_t>(i)));
  }
  EXPECT_EQ(m.Len(), 0);
  snaps.push_back(Snapshot(m, seed));
  snaps.push_back(ahead);
  return snaps;
}

template <class K, class V>
struct Config {
  using Key = K;
  using Value = V;
};

template <class C>
class InlineAssign : public ::testing::Test {};
using Configs = ::testing::Types<Config<int64_t, int64_t>, Config<int32_t, int64_t>,
                                 Config<uint64_t, NoValue>, Config<int64_t, TwoWords>,
                                 Config<uint32_t, uint8_t>>;
TYPED_TEST_SUITE(InlineAssign, Configs);

// Checkpoint by checkpoint, as booleans first: a failing snapshot is megabytes of text.
void ExpectSameRuns(const std::vector<std::string>& fast, const std::vector<std::string>& twin,
                    int64_t hint, uint64_t seed) {
  ASSERT_EQ(fast.size(), twin.size());
  for (size_t i = 0; i < fast.size(); i++) {
    ASSERT_TRUE(fast[i] == twin[i]) << "hint " << hint << " seed " << seed << ", checkpoint "
                                    << i << ":\n"
                                    << fast[i].substr(0, 2000) << "\n--- MapAssign ---\n"
                                    << twin[i].substr(0, 2000);
  }
}

template <class C>
class InlineAssignInCore : public ::testing::Test {};
using CoreConfigs =
    ::testing::Types<Config<int64_t, int64_t>, Config<uint32_t, uint8_t>,
                     Config<std::string, int64_t>, Config<std::string, NoValue>,
                     Config<std::string, TwoWords>>;
TYPED_TEST_SUITE(InlineAssignInCore, CoreConfigs);

TYPED_TEST(InlineAssignInCore, LeavesTheMapAsMapAssignDoes) {
  using K = typename TypeParam::Key;
  using V = typename TypeParam::Value;
  using Fast = Map<K, V>;
  static_assert(MapPeer::InlinesAssign<Fast>(), "the map under test assigns inline");
  for (int64_t hint : {int64_t{0}, int64_t{5000}}) {
    for (uint64_t seed : {uint64_t{1}, uint64_t{77}}) {
      ExpectSameRuns(Run<Fast, K, V>(hint, seed, 40000, 2500),
                     Run<Fast, K, V, /*kInCore=*/true>(hint, seed, 40000, 2500), hint, seed);
    }
  }
}

TYPED_TEST(InlineAssign, LeavesTheMapAsMapAssignDoes) {
  using K = typename TypeParam::Key;
  using V = typename TypeParam::Value;
  using Fast = Map<K, V>;
  using Generic = Map<K, V, gomap::DefaultHash<K>, OtherEq<K>>;
  static_assert(MapPeer::InlinesAssign<Fast>(), "the map under test assigns inline");
  static_assert(!MapPeer::InlinesAssign<Generic>(), "its twin always calls MapAssign");
  for (int64_t hint : {int64_t{0}, int64_t{5000}}) {
    for (uint64_t seed : {uint64_t{1}, uint64_t{77}}) {
      ExpectSameRuns(Run<Fast, K, V>(hint, seed, 40000, 2500),
                     Run<Generic, K, V>(hint, seed, 40000, 2500), hint, seed);
    }
  }
}

}  // namespace
