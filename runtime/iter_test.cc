// Iteration: mapiterinit / mapiternext (go-map-semantics §3.6, §3.7, §4.1-§4.4, §7 items
// 14-17, 20, 21, 25).
//
// Order is never compared with anything; Go's rules are checked instead:
//   - no entry is produced twice (no test here deletes and re-inserts a key);
//   - an entry present at the start and never deleted is produced exactly once, even when
//     the map grows once, twice or many times during the iteration;
//   - an entry deleted before it is reached is never produced;
//   - the value produced is the map's value at that moment;
//   - the randomness is Go's: one random start bucket and slot rotation per Range(),
//     so a B = 0 map has at most 8 orders, and SeedRandom makes orders reproducible.
#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <type_traits>
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
using gomap::internal::MapPeer;

// Deliberately bad hashers (they ignore the seed, as a bad user hash might).
struct ConstantHash {  // every key: same bucket, same tophash
  uint64_t operator()(int64_t, uint64_t) const { return 0x2a; }
};
struct IdentityHash {
  uint64_t operator()(int64_t k, uint64_t) const { return static_cast<uint64_t>(k); }
};
struct LowBitsOnlyHash {  // 16 hashes, all with top byte 0 (tophash 5)
  uint64_t operator()(int64_t k, uint64_t) const { return static_cast<uint64_t>(k) & 15; }
};
struct TopByteOnlyHash {  // every key in bucket 0, tophash from the key
  uint64_t operator()(int64_t k, uint64_t) const {
    return static_cast<uint64_t>(k & 0xff) << 56;
  }
};

// Typed-test configurations: key type, hasher, i-th key, and a scale that keeps the
// quadratic collision configurations fast.
struct Int64Fast {
  using K = int64_t;
  using H = gomap::DefaultHash<int64_t>;
  static K Key(int64_t i) { return i * 2654435761 + 17; }
  static constexpr int kInserts = 10000, kSeeds = 40;
};
struct StringFast {
  using K = std::string;
  using H = gomap::DefaultHash<std::string>;
  static K Key(int64_t i) { return "k" + std::to_string(i); }
  static constexpr int kInserts = 10000, kSeeds = 20;
};
struct DoubleGeneric {
  using K = double;
  using H = gomap::DefaultHash<double>;
  static K Key(int64_t i) { return static_cast<double>(i) * 1.5 - 4.5; }  // includes 0
  static constexpr int kInserts = 10000, kSeeds = 20;
};
struct Int64Identity {
  using K = int64_t;
  using H = IdentityHash;
  static K Key(int64_t i) { return i; }
  static constexpr int kInserts = 10000, kSeeds = 20;
};
struct Int64Constant {
  using K = int64_t;
  using H = ConstantHash;
  static K Key(int64_t i) { return i; }
  static constexpr int kInserts = 600, kSeeds = 8;
};
struct Int64LowBitsOnly {
  using K = int64_t;
  using H = LowBitsOnlyHash;
  static K Key(int64_t i) { return i; }
  static constexpr int kInserts = 2000, kSeeds = 8;
};
struct Int64TopByteOnly {
  using K = int64_t;
  using H = TopByteOnlyHash;
  static K Key(int64_t i) { return i; }
  static constexpr int kInserts = 1500, kSeeds = 8;
};

template <class C>
using MapOf = Map<typename C::K, int64_t, typename C::H>;

// Go's iteration rules, checked against a model of the map kept by the test.
template <class K>
class IterRules {
 public:
  explicit IterRules(const std::map<K, int64_t>& model) {
    for (auto& [k, v] : model) at_start_.insert(k);
  }
  void Yield(const K& k, int64_t v, const std::map<K, int64_t>& model) {
    EXPECT_TRUE(seen_.insert(k).second) << "key " << ::testing::PrintToString(k)
                                        << " produced twice";
    auto it = model.find(k);
    if (it == model.end()) {
      ADD_FAILURE() << "produced key " << ::testing::PrintToString(k)
                    << " which is not in the map (deleted before it was reached?)";
    } else {
      EXPECT_EQ(v, it->second) << "stale value for key " << ::testing::PrintToString(k);
    }
  }
  void Deleted(const K& k) { deleted_.insert(k); }
  // Every entry present at the start and never deleted was produced.
  void Finish() {
    int missing = 0;
    for (const K& k : at_start_) {
      if (!deleted_.count(k) && !seen_.count(k)) missing++;
    }
    EXPECT_EQ(missing, 0) << "entries present throughout the iteration were not produced";
  }
  const std::set<K>& seen() const { return seen_; }

 private:
  std::set<K> at_start_, seen_, deleted_;
};

template <class C>
class IterTyped : public ::testing::Test {};
using IterConfigs = ::testing::Types<Int64Fast, StringFast, DoubleGeneric, Int64Identity,
                                     Int64Constant, Int64LowBitsOnly, Int64TopByteOnly>;
TYPED_TEST_SUITE(IterTyped, IterConfigs);

TYPED_TEST(IterTyped, EightKeyMapWhileInsertingManyKeysYieldsEveryOriginalOnce) {
  using C = TypeParam;
  using K = typename C::K;
  for (int seed = 0; seed < C::kSeeds; seed++) {
    gomap::SeedRandom(1000 + seed);
    auto m = MapOf<C>::Make(0, typename C::H());
    std::map<K, int64_t> model;
    for (int64_t i = 0; i < 8; i++) {
      m.Set(C::Key(i), i);
      model[C::Key(i)] = i;
    }
    IterRules<K> rules(model);
    int64_t next = 8;
    int yields = 0;
    // Seeds alternate between inserting everything at the first step and spreading
    // the inserts over the first eight steps.
    const int64_t per_step = seed % 2 == 0 ? C::kInserts : (C::kInserts + 7) / 8;
    for (auto it = m.Range(); it.Next();) {
      rules.Yield(it.Key(), it.Value(), model);
      yields++;
      for (int64_t j = 0; j < per_step && next < 8 + C::kInserts; j++, next++) {
        m.Set(C::Key(next), next);
        model[C::Key(next)] = next;
      }
    }
    rules.Finish();
    int originals = 0;
    for (int64_t i = 0; i < 8; i++) originals += rules.seen().count(C::Key(i));
    ASSERT_EQ(originals, 8) << "seed " << seed;
    ASSERT_EQ(m.Len(), 8 + C::kInserts);
    ASSERT_TRUE(AuditClean(m)) << "seed " << seed;
    if (::testing::Test::HasFailure()) FAIL() << "seed " << seed;
  }
}

TYPED_TEST(IterTyped, StartedDuringAGrowYieldsEveryEntryOnceWhileWritesEvacuate) {
  // The iterator begins while old buckets are unevacuated (checkBucket filtering);
  // each step overwrites one key and deletes another, so evacuation runs under it.
  using C = TypeParam;
  using K = typename C::K;
  const int64_t n = std::min<int64_t>(209, C::kInserts);  // 209: starts 32 -> 64
  for (int seed = 0; seed < C::kSeeds; seed++) {
    gomap::SeedRandom(2000 + seed);
    auto m = MapOf<C>::Make(0, typename C::H());
    std::map<K, int64_t> model;
    for (int64_t i = 0; i < n; i++) {
      m.Set(C::Key(i), i);
      model[C::Key(i)] = i;
    }
    if constexpr (std::is_same_v<typename C::H, gomap::DefaultHash<K>> ||
                  std::is_same_v<typename C::H, IdentityHash>) {
      ASSERT_TRUE(m.GetStats().growing) << "the 209th insert starts growing 32 -> 64";
    }
    IterRules<K> rules(model);
    uint64_t x = static_cast<uint64_t>(seed);
    int64_t next = n;
    for (auto it = m.Range(); it.Next();) {
      rules.Yield(it.Key(), it.Value(), model);
      x = Mix(x);
      K over = C::Key(static_cast<int64_t>(x % n));
      if (model.count(over)) {
        m.Set(over, -static_cast<int64_t>(x % 1000));
        model[over] = -static_cast<int64_t>(x % 1000);
      }
      K del = C::Key(static_cast<int64_t>((x >> 20) % n));
      m.Delete(del);
      if (model.erase(del)) rules.Deleted(del);
      if (x % 3 == 0) {
        m.Set(C::Key(next), next);
        model[C::Key(next)] = next;
        next++;
      }
    }
    rules.Finish();
    ASSERT_EQ(m.Len(), static_cast<int64_t>(model.size()));
    ASSERT_TRUE(AuditClean(m)) << "seed " << seed;
    if (::testing::Test::HasFailure()) FAIL() << "seed " << seed;
  }
}

TYPED_TEST(IterTyped, SeveralIteratorsAliveAtOnceEachFollowTheRules) {
  using C = TypeParam;
  using K = typename C::K;
  using M = MapOf<C>;
  for (int seed = 0; seed < C::kSeeds; seed++) {
    gomap::SeedRandom(3000 + seed);
    auto m = M::Make(0, typename C::H());
    std::map<K, int64_t> model;
    int64_t next = 0;
    auto insert = [&](int64_t count) {
      for (int64_t j = 0; j < count; j++, next++) {
        m.Set(C::Key(next), next);
        model[C::Key(next)] = next;
      }
    };
    std::vector<std::unique_ptr<IterRules<K>>> rules;
    std::vector<typename M::Iter> its;
    std::vector<bool> done;
    auto start = [&] {
      rules.push_back(std::make_unique<IterRules<K>>(model));
      its.push_back(m.Range());
      done.push_back(false);
    };
    std::vector<int64_t> deleted;
    auto erase = [&](const K& k) {
      m.Delete(k);
      if (model.erase(k)) {
        for (auto& r : rules) r->Deleted(k);
      }
    };
    const int64_t scale = std::min<int64_t>(C::kInserts / 10, 300);
    insert(scale / 3);
    start();  // before the first grows
    insert(scale);
    start();
    for (int64_t j = 0; j < scale / 4; j++) erase(C::Key(j * 3));
    start();
    insert(2 * scale);  // at least one more grow
    start();
    uint64_t x = static_cast<uint64_t>(seed) * 77;
    for (bool any = true; any;) {
      any = false;
      for (size_t i = 0; i < its.size(); i++) {
        if (done[i]) continue;
        if (!its[i].Next()) {
          done[i] = true;
          continue;
        }
        any = true;
        rules[i]->Yield(its[i].Key(), its[i].Value(), model);
        x = Mix(x);
        switch (x % 8) {
          case 0:
            insert(1);
            break;
          case 1:
            erase(C::Key(static_cast<int64_t>((x >> 8) % static_cast<uint64_t>(next))));
            break;
          case 2: {
            K k = C::Key(static_cast<int64_t>((x >> 8) % static_cast<uint64_t>(next)));
            if (model.count(k)) {
              m.Set(k, -1 - static_cast<int64_t>(x % 100));
              model[k] = -1 - static_cast<int64_t>(x % 100);
            }
            break;
          }
          default:
            break;
        }
      }
    }
    for (auto& r : rules) r->Finish();
    ASSERT_TRUE(AuditClean(m)) << "seed " << seed;
    if (::testing::Test::HasFailure()) FAIL() << "seed " << seed;
  }
}

TEST(Iter, AWriteBetweenRangeAndTheFirstNextIsSeen) {
  // Range() begins the iteration, but no entry has been reached until Next() returns
  // it: what the program writes in between must be respected like any other write.
  gomap::SeedRandom(3500);
  {
    auto m = Map<int64_t, int64_t>::Make(0);
    m.Set(42, 1);
    auto it = m.Range();
    m.Delete(42);
    EXPECT_FALSE(it.Next()) << "produced the deleted key " << it.Key();
  }
  {
    auto m = Map<std::string, std::string>::Make(0);
    m.Set("hello", "world");
    auto it = m.Range();
    m.Set("hello", "changed");
    ASSERT_TRUE(it.Next());
    EXPECT_EQ(it.Key(), "hello");
    EXPECT_EQ(it.Value(), "changed");
    EXPECT_FALSE(it.Next());
  }
  {
    auto m = Map<std::string, std::string>::Make(0);
    m.Set("hello", "world");
    auto it = m.Range();
    m.Delete("hello");
    EXPECT_FALSE(it.Next()) << "produced a deleted (destroyed) key";
  }
  {
    auto m = Map<int64_t, int64_t>::Make(0);
    for (int64_t k = 0; k < 10; k++) m.Set(k, k);
    auto it = m.Range();
    m.Clear();
    EXPECT_FALSE(it.Next()) << "produced key " << it.Key() << " after Clear";
  }
  for (int seed = 0; seed < 20; seed++) {
    auto m = Map<int64_t, int64_t>::Make(0);
    for (int64_t k = 0; k < 8; k++) m.Set(k, k);
    auto it = m.Range();
    for (int64_t k = 100; k < 1100; k++) m.Set(k, k);  // grows under the iterator
    for (int64_t k = 0; k < 8; k++) m.Delete(k);
    while (it.Next()) ASSERT_GE(it.Key(), 100) << "seed " << seed;
  }
  for (int seed = 0; seed < 20; seed++) {
    auto m = Map<int64_t, int64_t>::Make(0);
    for (int64_t k = 0; k < 8; k++) m.Set(k, k);
    auto it = m.Range();
    for (int64_t k = 100; k < 1100; k++) m.Set(k, k);  // grows under the iterator
    for (int64_t k = 0; k < 8; k++) m.Set(k, k + 50);
    int originals = 0;
    while (it.Next()) {
      if (it.Key() < 8) {
        originals++;
        EXPECT_EQ(it.Value(), it.Key() + 50) << "stale value, seed " << seed;
      }
    }
    EXPECT_EQ(originals, 8);
  }
}

TEST(Iter, SurvivesTwoGrowthsAndYieldsCurrentValues) {
  for (int seed = 0; seed < 50; seed++) {
    gomap::SeedRandom(4000 + seed);
    auto m = Map<int64_t, int64_t>::Make(0);
    std::map<int64_t, int64_t> model;
    for (int64_t k = 0; k < 100; k++) {
      m.Set(k, k);
      model[k] = k;
    }
    ASSERT_EQ(m.GetStats().B, 4);
    IterRules<int64_t> rules(model);
    bool first = true;
    for (auto it = m.Range(); it.Next();) {
      rules.Yield(it.Key(), it.Value(), model);
      if (!first) continue;
      first = false;
      // Two complete doublings (B 4 -> 5 -> 6) under the iterator.
      int64_t k = 100;
      for (; m.GetStats().B < 6; k++) {
        m.Set(k, k);
        model[k] = k;
      }
      while (m.GetStats().growing) m.Set(100, 100);
      ASSERT_EQ(m.GetStats().B, 6);
      // Then change every original value and delete a fifth of the originals.
      for (int64_t j = 0; j < 100; j++) {
        if (j % 5 == 4) {
          m.Delete(j);
          model.erase(j);
          rules.Deleted(j);
        } else {
          m.Set(j, j + 1000);
          model[j] = j + 1000;
        }
      }
    }
    rules.Finish();
    ASSERT_TRUE(AuditClean(m));
    if (::testing::Test::HasFailure()) FAIL() << "seed " << seed;
  }
}

TEST(Iter, SurvivesManyGrowthsStartedFromAnOverflowChain) {
  // Constant hash: the iterator starts inside a chain of overflow buckets, and the
  // map then grows (same-size and doubling) several times.
  for (int seed = 0; seed < 10; seed++) {
    gomap::SeedRandom(4500 + seed);
    auto m = Map<int64_t, int64_t, ConstantHash>::Make(0, ConstantHash());
    std::map<int64_t, int64_t> model;
    for (int64_t k = 0; k < 60; k++) {
      m.Set(k, k);
      model[k] = k;
    }
    IterRules<int64_t> rules(model);
    int64_t next = 60;
    int step = 0;
    for (auto it = m.Range(); it.Next(); step++) {
      rules.Yield(it.Key(), it.Value(), model);
      for (int j = 0; j < 40; j++, next++) {
        m.Set(next, next);
        model[next] = next;
      }
      if (step % 3 == 0) {
        int64_t victim = (step * 7) % 60;
        m.Delete(victim);
        if (model.erase(victim)) rules.Deleted(victim);
      }
    }
    rules.Finish();
    ASSERT_TRUE(AuditClean(m));
    if (::testing::Test::HasFailure()) FAIL() << "seed " << seed;
  }
}

TEST(Iter, DeletedBeforeReachedIsNeverProduced) {
  // Go's TestIterGrowAndDelete: grow the map and delete every odd key at the first step.
  for (int seed = 0; seed < 50; seed++) {
    gomap::SeedRandom(5000 + seed);
    auto m = Map<int64_t, int64_t>::Make(4);
    for (int64_t k = 0; k < 100; k++) m.Set(k, k);
    bool first = true;
    int64_t produced_odd = 0, produced = 0;
    for (auto it = m.Range(); it.Next();) {
      produced++;
      if (first) {
        first = false;
        for (int64_t k = 100; k < 1000; k++) m.Set(k, k);
        for (int64_t k = 1; k < 1000; k += 2) m.Delete(k);
      } else if (it.Key() & 1) {
        produced_odd++;
      }
    }
    EXPECT_EQ(produced_odd, 0) << "seed " << seed;
    EXPECT_GE(produced, 50);
    EXPECT_EQ(m.Len(), 500);
    ASSERT_TRUE(AuditClean(m));
  }
}

TEST(Iter, DeletingEverythingAtTheFirstStepEndsTheIteration) {
  for (int seed = 0; seed < 30; seed++) {
    gomap::SeedRandom(5500 + seed);
    auto m = Map<int64_t, int64_t>::Make(0);
    for (int64_t k = 0; k < 300; k++) m.Set(k, k);
    int produced = 0;
    for (auto it = m.Range(); it.Next();) {
      if (produced++ == 0) {
        for (int64_t k = 0; k < 300; k++) m.Delete(k);
      }
    }
    EXPECT_EQ(produced, 1);
    EXPECT_EQ(m.Len(), 0);
    EXPECT_TRUE(AuditClean(m));
  }
}

TEST(Iter, ProducesTheValueCurrentWhenReached) {
  for (int seed = 0; seed < 30; seed++) {
    gomap::SeedRandom(6000 + seed);
    auto m = Map<std::string, int64_t>::Make(0);
    for (int64_t k = 0; k < 200; k++) m.Set(std::to_string(k), k);
    int produced = 0;
    for (auto it = m.Range(); it.Next();) {
      int64_t key = std::stoll(it.Key());
      if (produced++ == 0) {
        for (int64_t k = 0; k < 200; k++) m.Set(std::to_string(k), k * 10);
        EXPECT_EQ(it.Key(), std::to_string(key));
      } else {
        EXPECT_EQ(it.Value(), key * 10) << "key " << key;
      }
    }
    EXPECT_EQ(produced, 200);
  }
}

TEST(Iter, SameSeedGivesTheSameOrder) {
  auto orders = [](uint64_t seed) {
    gomap::SeedRandom(seed);
    auto m = Map<int64_t, int64_t>::Make(0);
    for (int64_t k = 0; k < 100; k++) m.Set(k, k);
    for (int64_t k = 0; k < 100; k += 3) m.Delete(k);
    std::vector<std::vector<int64_t>> out;
    for (int r = 0; r < 3; r++) {
      out.emplace_back();
      for (auto it = m.Range(); it.Next();) out.back().push_back(it.Key());
    }
    return out;
  };
  for (uint64_t seed : {1u, 2u, 99u, 123456u}) EXPECT_EQ(orders(seed), orders(seed));
}

TEST(Iter, DifferentSeedsGiveDifferentOrders) {
  std::set<std::vector<int64_t>> distinct;
  for (uint64_t seed = 0; seed < 20; seed++) {
    gomap::SeedRandom(seed);
    auto m = Map<int64_t, int64_t>::Make(0);
    for (int64_t k = 0; k < 100; k++) m.Set(k, k);
    std::vector<int64_t> order;
    for (auto it = m.Range(); it.Next();) order.push_back(it.Key());
    ASSERT_EQ(order.size(), 100u);
    distinct.insert(order);
  }
  EXPECT_EQ(distinct.size(), 20u);
}

TEST(Iter, OrderVariesBetweenRangesOfOneMap) {
  // Go's TestMapIterOrder and TestMapSparseIterOrder (issue 8410).
  gomap::SeedRandom(7000);
  for (int n : {3, 7, 9, 15}) {
    for (int trial = 0; trial < 100; trial++) {
      auto m = Map<int64_t, bool>::Make(0);
      for (int64_t k = 0; k < n; k++) m.Set(k, true);
      auto order = [&] {
        std::vector<int64_t> v;
        for (auto it = m.Range(); it.Next();) v.push_back(it.Key());
        return v;
      };
      auto first = order();
      bool varied = false;
      for (int t = 0; t < 100 && !varied; t++) varied = order() != first;
      ASSERT_TRUE(varied) << "n " << n;
    }
  }
  for (int round = 0; round < 10; round++) {
    auto m = Map<int64_t, bool>::Make(0);
    for (int64_t k = 0; k < 1000; k++) m.Set(k, true);
    for (int64_t k = 20; k < 1000; k++) m.Delete(k);
    std::vector<int64_t> first;
    for (auto it = m.Range(); it.Next();) first.push_back(it.Key());
    bool varied = false;
    for (int t = 0; t < 800 && !varied; t++) {
      std::vector<int64_t> v;
      for (auto it = m.Range(); it.Next();) v.push_back(it.Key());
      varied = v != first;
    }
    ASSERT_TRUE(varied) << "round " << round;
  }
}

bool IsRotationOf(const std::vector<int64_t>& v, const std::vector<int64_t>& base) {
  if (v.size() != base.size()) return false;
  for (size_t r = 0; r < base.size(); r++) {
    if (std::equal(v.begin(), v.end() - r, base.begin() + r) &&
        std::equal(v.end() - r, v.end(), base.begin())) {
      return true;
    }
  }
  return base.empty();
}

TEST(Iter, BZeroHasOnlySlotRotationOrders) {
  // One bucket: the order is the slot order rotated by a random offset (§3.7), so k
  // entries give exactly k distinct orders (offsets on empty slots coincide).
  gomap::SeedRandom(8000);
  for (int k = 1; k <= 8; k++) {
    auto m = Map<int64_t, int64_t>::Make(0);
    std::vector<int64_t> slot_order;
    for (int64_t i = 0; i < k; i++) {
      m.Set(i * 37, i);  // B = 0: the i-th insert takes slot i
      slot_order.push_back(i * 37);
    }
    ASSERT_EQ(m.GetStats().B, 0);
    std::set<std::vector<int64_t>> orders;
    for (int t = 0; t < 2000; t++) {
      std::vector<int64_t> v;
      for (auto it = m.Range(); it.Next();) v.push_back(it.Key());
      ASSERT_TRUE(IsRotationOf(v, slot_order)) << "k " << k << " trial " << t;
      orders.insert(v);
    }
    EXPECT_EQ(orders.size(), static_cast<size_t>(k)) << "k " << k;
    EXPECT_LE(orders.size(), 8u);
  }
}

TEST(Iter, BZeroWithAHoleStillRotatesSlotOrder) {
  gomap::SeedRandom(8100);
  auto m = Map<int64_t, int64_t>::Make(0);
  for (int64_t i = 0; i < 8; i++) m.Set(i, i);
  m.Delete(3);
  m.Delete(6);
  std::vector<int64_t> slot_order = {0, 1, 2, 4, 5, 7};
  std::set<std::vector<int64_t>> orders;
  for (int t = 0; t < 2000; t++) {
    std::vector<int64_t> v;
    for (auto it = m.Range(); it.Next();) v.push_back(it.Key());
    ASSERT_TRUE(IsRotationOf(v, slot_order));
    orders.insert(v);
  }
  EXPECT_EQ(orders.size(), 6u);
  // The freed slot 3 is reused by the next insert.
  m.Set(100, 100);
  slot_order = {0, 1, 2, 100, 4, 5, 7};
  for (int t = 0; t < 200; t++) {
    std::vector<int64_t> v;
    for (auto it = m.Range(); it.Next();) v.push_back(it.Key());
    ASSERT_TRUE(IsRotationOf(v, slot_order));
  }
}

TEST(Iter, FlagsAreStickyAndOnlyASecondGrowClearsThem) {
  // go-map-semantics §7 item 14: 3 -> 2 -> 0 across two grows.
  gomap::SeedRandom(9000);
  auto m = Map<int64_t, int64_t>::Make(0);
  { auto it = m.Range(); }
  EXPECT_EQ(MapPeer::Flags(m), 0) << "ranging over an empty map sets no flags";
  for (int64_t k = 0; k < 8; k++) m.Set(k, k);
  {
    auto it = m.Range();
    EXPECT_EQ(MapPeer::Flags(m) & 3, 3);
  }
  EXPECT_EQ(MapPeer::Flags(m) & 3, 3) << "flags stay after the iterator is gone";
  m.Set(8, 8);  // grow 0 -> 1, completes at once
  EXPECT_EQ(m.GetStats().B, 1);
  EXPECT_EQ(MapPeer::Flags(m), 2);
  for (int64_t k = 9; k < 14; k++) m.Set(k, k);  // grow 1 -> 2
  EXPECT_EQ(m.GetStats().B, 2);
  EXPECT_EQ(MapPeer::Flags(m) & 3, 0);
  EXPECT_EQ(m.GetStats().flags, MapPeer::Flags(m));
  EXPECT_TRUE(AuditClean(m));
}

TEST(Iter, EmptiedMapIteratesNothingAndSetsNoFlags) {
  // §7 item 25: emptiness is count, not the bucket array.
  gomap::SeedRandom(9100);
  auto m = Map<int64_t, int64_t>::Make(0);
  for (int64_t k = 0; k < 500; k++) m.Set(k, k);
  for (int64_t k = 0; k < 500; k++) m.Delete(k);
  ASSERT_EQ(m.Len(), 0);
  EXPECT_GT(m.GetStats().B, 0);
  EXPECT_EQ(MapPeer::Flags(m), 0);
  auto it = m.Range();
  EXPECT_FALSE(it.Next());
  EXPECT_FALSE(it.Next());
  EXPECT_EQ(MapPeer::Flags(m), 0) << "count 0: Range sets no flags";
}

TEST(Iter, NilMapIteratesNothing) {
  Map<int64_t, int64_t> m;
  auto it = m.Range();
  EXPECT_FALSE(it.Next());
  EXPECT_FALSE(it.Next());
}

TEST(Iter, YieldsNothingAfterClear) {
  for (int seed = 0; seed < 20; seed++) {
    gomap::SeedRandom(9200 + seed);
    // Without a grow, with the iterator inside an overflow chain.
    auto a = Map<int64_t, int64_t, ConstantHash>::Make(30, ConstantHash());  // B = 3
    for (int64_t k = 0; k < 30; k++) a.Set(k, k);
    ASSERT_FALSE(a.GetStats().growing);
    auto ia = a.Range();
    int n = 0;
    while (n < 12 && ia.Next()) n++;
    ASSERT_EQ(n, 12);
    a.Clear();
    EXPECT_FALSE(ia.Next()) << "seed " << seed;
    EXPECT_FALSE(ia.Next());
    // After a grow (the iterator reads the old array), then clear.
    auto b = Map<int64_t, int64_t>::Make(0);
    for (int64_t k = 0; k < 50; k++) b.Set(k, k);
    auto ib = b.Range();
    ASSERT_TRUE(ib.Next());
    for (int64_t k = 50; k < 400; k++) b.Set(k, k);
    b.Clear();
    EXPECT_FALSE(ib.Next()) << "seed " << seed;
    // Entries inserted after the clear are not produced by the old iterator either
    // (it is finished), but a new one sees them all.
    for (int64_t k = 0; k < 10; k++) b.Set(k, k);
    EXPECT_FALSE(ib.Next());
    int fresh = 0;
    for (auto it = b.Range(); it.Next();) fresh++;
    EXPECT_EQ(fresh, 10);
    EXPECT_TRUE(AuditClean(a));
    EXPECT_TRUE(AuditClean(b));
  }
}

TEST(Iter, OutlivesTheLastMapHandle) {
  for (int seed = 0; seed < 20; seed++) {
    gomap::SeedRandom(9300 + seed);
    std::set<int64_t> seen;
    Map<int64_t, std::string>::Iter it = [&] {
      auto m = Map<int64_t, std::string>::Make(0);
      for (int64_t k = 0; k < 100; k++) m.Set(k, std::string(40, static_cast<char>('a' + k % 26)));
      auto i = m.Range();
      for (int n = 0; n < 30 && i.Next(); n++) seen.insert(i.Key());
      for (int64_t k = 100; k < 1000; k++) m.Set(k, "grown");  // the iterator's array is old
      return i;
    }();
    // Every Map handle is gone; the iterator still finishes its table.
    int64_t originals = 0;
    while (it.Next()) {
      EXPECT_TRUE(seen.insert(it.Key()).second) << "produced twice: " << it.Key();
      if (it.Key() < 100) {
        originals++;
        EXPECT_EQ(it.Value(), std::string(40, static_cast<char>('a' + it.Key() % 26)));
      }
    }
    EXPECT_EQ(originals, 70) << "seed " << seed;
  }
}

TEST(Iter, MovedIteratorsContinueWhereTheyWere) {
  gomap::SeedRandom(9400);
  auto m = Map<int64_t, int64_t>::Make(0);
  for (int64_t k = 0; k < 64; k++) m.Set(k, k);
  std::set<int64_t> seen;
  auto a = m.Range();
  for (int n = 0; n < 10; n++) {
    ASSERT_TRUE(a.Next());
    seen.insert(a.Key());
  }
  auto b = std::move(a);
  for (int n = 0; n < 10; n++) {
    ASSERT_TRUE(b.Next());
    EXPECT_TRUE(seen.insert(b.Key()).second);
  }
  a = std::move(b);
  while (a.Next()) EXPECT_TRUE(seen.insert(a.Key()).second);
  EXPECT_EQ(seen.size(), 64u);
}

}  // namespace
