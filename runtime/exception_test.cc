// Exception safety (architecture "Error model", go-map-semantics §7 item 1): a user hash,
// equality, copy or move that throws propagates its exception and leaves the map
// consistent (Audit clean, Len right, hashWriting clear) and usable; the entry being
// written is either fully written or not at all; no object leaks or dies twice.
//
// Method: a fuse counts the calls of one kind (hash, equality, key copy, value copy or
// move) and throws at call number n. A scenario (a fixed sequence of writes, grows,
// iterator steps and clears) is replayed for n = 0, 1, 2, ... until a replay finishes
// without the fuse firing, so every reachable call index is tried. After the throw the
// replay goes on unarmed, and the map is checked against a model at the throw and at
// the end.
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
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
using gomap::internal::MapPeer;

struct TestError : std::runtime_error {
  TestError() : std::runtime_error("fuse") {}
};

enum class Kind { kHash, kEqual, kKeyCopy, kValueCopy };

// Throws at the n-th call of the armed kind.
struct Fuse {
  bool armed = false;
  Kind kind = Kind::kHash;
  int64_t at = 0;
  int64_t calls = 0;
  bool fired = false;
  void Arm(Kind k, int64_t n) {
    armed = true;
    kind = k;
    at = n;
    calls = 0;
    fired = false;
  }
  void Tick(Kind k) {
    if (!armed || k != kind) return;
    if (calls++ == at) {
      armed = false;
      fired = true;
      throw TestError();
    }
  }
};
Fuse g_fuse;

// Objects alive of the counted key and value types (constructions minus destructions).
int64_t g_live = 0;

// ---- key and value types ---------------------------------------------------------

// A key whose copy construction and copy assignment may throw; its move is noexcept
// (so evacuation may move it when no iterator holds the old array).
struct CopyThrowKey {
  int64_t id = 0;
  explicit CopyThrowKey(int64_t i) : id(i) { g_live++; }
  CopyThrowKey(const CopyThrowKey& o) : id(o.id) {
    g_fuse.Tick(Kind::kKeyCopy);
    g_live++;
  }
  CopyThrowKey(CopyThrowKey&& o) noexcept : id(o.id) { g_live++; }
  CopyThrowKey& operator=(const CopyThrowKey& o) {
    g_fuse.Tick(Kind::kKeyCopy);
    id = o.id;
    return *this;
  }
  CopyThrowKey& operator=(CopyThrowKey&&) noexcept = default;
  ~CopyThrowKey() { g_live--; }
  bool operator==(const CopyThrowKey& o) const { return id == o.id; }
};
// A key whose copy and move may both throw (evacuation can only copy it).
struct AnyThrowKey {
  int64_t id = 0;
  explicit AnyThrowKey(int64_t i) : id(i) { g_live++; }
  AnyThrowKey(const AnyThrowKey& o) : id(o.id) {
    g_fuse.Tick(Kind::kKeyCopy);
    g_live++;
  }
  AnyThrowKey(AnyThrowKey&& o) : id(o.id) {
    g_fuse.Tick(Kind::kKeyCopy);
    g_live++;
  }
  AnyThrowKey& operator=(const AnyThrowKey& o) {
    g_fuse.Tick(Kind::kKeyCopy);
    id = o.id;
    return *this;
  }
  ~AnyThrowKey() { g_live--; }
  bool operator==(const AnyThrowKey& o) const { return id == o.id; }
};
// A value whose every copy, move and assignment may throw.
struct ThrowValue {
  int64_t id = 0;
  ThrowValue() { g_live++; }
  explicit ThrowValue(int64_t i) : id(i) { g_live++; }
  ThrowValue(const ThrowValue& o) : id(o.id) {
    g_fuse.Tick(Kind::kValueCopy);
    g_live++;
  }
  ThrowValue(ThrowValue&& o) : id(o.id) {
    g_fuse.Tick(Kind::kValueCopy);
    g_live++;
  }
  ThrowValue& operator=(const ThrowValue& o) {
    g_fuse.Tick(Kind::kValueCopy);
    id = o.id;
    return *this;
  }
  ThrowValue& operator=(ThrowValue&& o) {
    g_fuse.Tick(Kind::kValueCopy);
    id = o.id;
    return *this;
  }
  ~ThrowValue() { g_live--; }
};
// The same, over 128 bytes: stored out of line.
struct BigThrowValue : ThrowValue {
  using ThrowValue::ThrowValue;
  char pad[200] = {};
};

}  // namespace

// The counted keys compare by id; an overwrite must store the new key (as for floats),
// which makes overwrites copy-assign keys too.
template <>
struct gomap::KeyTraits<CopyThrowKey> {
  static constexpr bool kReflexive = true;
  static constexpr bool kNeedKeyUpdate = true;
};
template <>
struct gomap::KeyTraits<AnyThrowKey> {
  static constexpr bool kReflexive = true;
  static constexpr bool kNeedKeyUpdate = true;
};

namespace {

int64_t IdOf(int64_t k) { return k; }
int64_t IdOf(double k) { return static_cast<int64_t>(k); }
int64_t IdOf(const CopyThrowKey& k) { return k.id; }
int64_t IdOf(const AnyThrowKey& k) { return k.id; }
int64_t IdOf(const ThrowValue& v) { return v.id; }
int64_t IdOf(const std::string& v) { return std::stoll(v); }

// Hashers. `Spread` is how many distinct hashes the keys get (0: all distinct).
template <int kSpread>
struct ThrowingHash {
  template <class K>
  uint64_t operator()(const K& k, uint64_t seed) const {
    g_fuse.Tick(Kind::kHash);
    uint64_t id = static_cast<uint64_t>(IdOf(k));
    if (kSpread) id %= kSpread;
    return Mix(id ^ seed);
  }
};
template <int kSpread>
struct PlainHash {
  template <class K>
  uint64_t operator()(const K& k, uint64_t seed) const {
    uint64_t id = static_cast<uint64_t>(IdOf(k));
    if (kSpread) id %= kSpread;
    return Mix(id ^ seed);
  }
};
// Runs of 4 consecutive ids share one hash: sliding-window churn piles up overflow
// buckets and starts same-size grows.
struct ThrowingBlockHash {
  uint64_t operator()(int64_t k, uint64_t seed) const {
    g_fuse.Tick(Kind::kHash);
    return Mix(static_cast<uint64_t>(k >> 2) ^ seed);
  }
};
struct ThrowingEq {
  template <class K>
  bool operator()(const K& a, const K& b) const {
    g_fuse.Tick(Kind::kEqual);
    return a == b;
  }
};

// ---- configurations --------------------------------------------------------------

template <class K_, class V_, class H_, class E_, Kind kKind_>
struct Config {
  using K = K_;
  using V = V_;
  using H = H_;
  using E = E_;
  static constexpr Kind kKind = kKind_;
  static K Key(int64_t id) {
    if constexpr (std::is_same_v<K, double>) {
      return static_cast<double>(id) + 0.25;
    } else {
      return K(id);
    }
  }
  static V Val(int64_t id) {
    if constexpr (std::is_same_v<V, std::string>) {
      return std::to_string(id);
    } else {
      return V(id);
    }
  }
};

using HashThrows = Config<int64_t, int64_t, ThrowingHash<0>, std::equal_to<int64_t>, Kind::kHash>;
using HashThrowsColliding =
    Config<int64_t, std::string, ThrowingHash<3>, std::equal_to<int64_t>, Kind::kHash>;
using HashThrowsBlock =
    Config<int64_t, std::string, ThrowingBlockHash, std::equal_to<int64_t>, Kind::kHash>;
using HashThrowsFloat = Config<double, int64_t, ThrowingHash<0>, std::equal_to<double>, Kind::kHash>;
using EqualThrows = Config<int64_t, int64_t, PlainHash<5>, ThrowingEq, Kind::kEqual>;
using EqualThrowsFloat = Config<double, int64_t, PlainHash<0>, ThrowingEq, Kind::kEqual>;
using KeyCopyThrows =
    Config<CopyThrowKey, int64_t, PlainHash<0>, std::equal_to<CopyThrowKey>, Kind::kKeyCopy>;
using KeyCopyAndMoveThrow =
    Config<AnyThrowKey, int64_t, PlainHash<7>, std::equal_to<AnyThrowKey>, Kind::kKeyCopy>;
using ValueCopyThrows =
    Config<int64_t, ThrowValue, PlainHash<0>, std::equal_to<int64_t>, Kind::kValueCopy>;
using BigValueCopyThrows =
    Config<CopyThrowKey, BigThrowValue, PlainHash<0>, std::equal_to<CopyThrowKey>,
           Kind::kValueCopy>;

// ---- scenarios -------------------------------------------------------------------

enum class OpKind { kSet, kDelete, kClear, kIterStart, kIterNext };
struct Op {
  OpKind kind;
  int64_t key = 0;
  int64_t val = 0;
};

// Inserts growing the map through B = 0..4 (triggers 9, 14, 27, 53), with overwrites,
// deletes of present and absent keys, interleaved so that many happen mid-grow.
std::vector<Op> GrowScenario(int64_t n) {
  std::vector<Op> ops;
  for (int64_t i = 0; i < n; i++) {
    ops.push_back({OpKind::kSet, i, i});
    if (i % 3 == 2) ops.push_back({OpKind::kSet, i / 2, 1000 + i});
    if (i % 5 == 4) ops.push_back({OpKind::kDelete, i / 3});
    if (i % 7 == 6) ops.push_back({OpKind::kDelete, 100000 + i});  // absent
    if (i % 11 == 10) ops.push_back({OpKind::kSet, i / 3, 2000 + i});  // re-insert
  }
  return ops;
}

// The same with an iterator alive across the grows (evacuation must copy, not move,
// while it holds the old array), then a clear and more inserts.
std::vector<Op> IterScenario(int64_t n) {
  std::vector<Op> ops;
  for (int64_t i = 0; i < 12; i++) ops.push_back({OpKind::kSet, i, i});
  ops.push_back({OpKind::kIterStart});
  for (int64_t i = 12; i < n; i++) {
    ops.push_back({OpKind::kSet, i, i});
    if (i % 2) ops.push_back({OpKind::kIterNext});
    if (i % 4 == 3) ops.push_back({OpKind::kSet, i / 2, 3000 + i});
    if (i % 6 == 5) ops.push_back({OpKind::kDelete, i / 4});
  }
  ops.push_back({OpKind::kIterNext});
  ops.push_back({OpKind::kClear});
  for (int64_t i = 0; i < 20; i++) ops.push_back({OpKind::kSet, 500 + i, i});
  ops.push_back({OpKind::kIterStart});
  for (int64_t i = 0; i < 20; i++) {
    ops.push_back({OpKind::kSet, 600 + i, i});
    ops.push_back({OpKind::kIterNext});
  }
  return ops;
}

template <class C>
class Replay {
 public:
  using M = Map<typename C::K, typename C::V, typename C::H, typename C::E>;

  // Runs ops with the fuse armed at call n; returns whether it fired.
  bool Run(const std::vector<Op>& ops, int64_t n, uint64_t seed) {
    gomap::SeedRandom(seed);
    g_live = 0;
    bool fired = false;
    {
      M m = M::Make(0, typename C::H(), typename C::E());
      std::map<int64_t, int64_t> model;
      std::vector<typename M::Iter> its;
      std::vector<std::set<int64_t>> seen;
      g_fuse.Arm(C::kKind, n);
      for (size_t i = 0; i < ops.size(); i++) {
        const Op& op = ops[i];
        if (op.kind == OpKind::kIterStart) {
          Unarmed([&] {
            its.push_back(m.Range());
            seen.emplace_back();
          });
          continue;
        }
        if (op.kind == OpKind::kIterNext) {
          Unarmed([&] {
            auto& it = its.back();
            if (it.Next()) {
              int64_t k = IdOf(it.Key());
              EXPECT_TRUE(seen.back().insert(k).second) << "produced twice: " << k;
              auto found = model.find(k);
              if (found == model.end()) {
                ADD_FAILURE() << "iterator produced absent key " << k;
              } else {
                EXPECT_EQ(IdOf(it.Value()), found->second) << "key " << k;
              }
            }
          });
          continue;
        }
        try {
          Apply(m, op);
        } catch (const TestError&) {
          fired = true;
          Reconcile(m, op, &model);
          if (!CheckAll(m, model, "after the throw at op " + std::to_string(i))) return true;
          continue;
        }
        ApplyToModel(op, &model);
      }
      g_fuse.armed = false;
      CheckAll(m, model, "at the end");
    }
    EXPECT_EQ(g_live, 0) << "objects leaked or destroyed twice (n=" << n << ")";
    g_live = 0;
    return fired;
  }

 private:
  template <class F>
  void Unarmed(F f) {
    bool was = g_fuse.armed;
    g_fuse.armed = false;
    f();
    g_fuse.armed = was && !g_fuse.fired;
  }

  static void Apply(M& m, const Op& op) {
    switch (op.kind) {
      case OpKind::kSet:
        m.Set(C::Key(op.key), C::Val(op.val));
        break;
      case OpKind::kDelete:
        m.Delete(C::Key(op.key));
        break;
      case OpKind::kClear:
        m.Clear();
        break;
      default:
        break;
    }
  }
  static void ApplyToModel(const Op& op, std::map<int64_t, int64_t>* model) {
    switch (op.kind) {
      case OpKind::kSet:
        (*model)[op.key] = op.val;
        break;
      case OpKind::kDelete:
        model->erase(op.key);
        break;
      case OpKind::kClear:
        model->clear();
        break;
      default:
        break;
    }
  }

  // The op that threw either happened completely or not at all.
  static void Reconcile(M& m, const Op& op, std::map<int64_t, int64_t>* model) {
    auto before = model->find(op.key);
    bool had = before != model->end();
    auto [v, ok] = m.Lookup(C::Key(op.key));
    switch (op.kind) {
      case OpKind::kSet:
        if (ok && IdOf(v) == op.val) {
          (*model)[op.key] = op.val;
        } else if (ok) {
          EXPECT_TRUE(had && IdOf(v) == before->second)
              << "set " << op.key << " threw and left value " << IdOf(v);
        } else {
          EXPECT_FALSE(had) << "set " << op.key << " threw and lost the existing entry";
        }
        break;
      case OpKind::kDelete:
        if (ok) {
          EXPECT_TRUE(had && IdOf(v) == before->second) << "delete " << op.key;
        } else {
          model->erase(op.key);
        }
        break;
      default:
        ADD_FAILURE() << "clear threw";
        break;
    }
  }

  static bool CheckAll(const M& m, const std::map<int64_t, int64_t>& model,
                       const std::string& where) {
    EXPECT_EQ(MapPeer::Flags(m) & gomap::internal::kFlagHashWriting, 0)
        << "hashWriting left set " << where;
    auto audit = AuditClean(m);
    EXPECT_TRUE(audit) << where;
    EXPECT_EQ(m.Len(), static_cast<int64_t>(model.size())) << where;
    for (auto& [k, v] : model) {
      auto [got, ok] = m.Lookup(C::Key(k));
      EXPECT_TRUE(ok) << "key " << k << " lost " << where;
      if (ok) {
        EXPECT_EQ(IdOf(got), v) << "key " << k << " " << where;
      }
    }
    std::set<int64_t> seen;
    for (auto it = m.Range(); it.Next();) {
      EXPECT_TRUE(seen.insert(IdOf(it.Key())).second) << where;
    }
    EXPECT_EQ(seen.size(), model.size()) << where;
    return !::testing::Test::HasFailure();
  }
};

// Replays `ops` for every call index; returns the number of indexes tried.
template <class C>
int64_t EveryCallIndex(const std::vector<Op>& ops, uint64_t seed) {
  Replay<C> r;
  int64_t n = 0;
  for (;; n++) {
    bool fired = r.Run(ops, n, seed);
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "first failure with the fuse at call " << n;
      return n;
    }
    if (!fired) break;
    if (n > 200000) {
      ADD_FAILURE() << "fuse still firing after 200000 indexes";
      break;
    }
  }
  return n;
}

template <class C>
class ThrowingUserCode : public ::testing::Test {};
using ThrowConfigs =
    ::testing::Types<HashThrows, HashThrowsColliding, HashThrowsBlock, HashThrowsFloat, EqualThrows,
                     EqualThrowsFloat, KeyCopyThrows, KeyCopyAndMoveThrow, ValueCopyThrows,
                     BigValueCopyThrows>;
TYPED_TEST_SUITE(ThrowingUserCode, ThrowConfigs);

TYPED_TEST(ThrowingUserCode, AtEveryCallWhileGrowingLeavesTheMapConsistent) {
  int64_t tried = EveryCallIndex<TypeParam>(GrowScenario(60), 1);
  EXPECT_GT(tried, 10) << "the scenario makes too few calls of this kind";
}

TYPED_TEST(ThrowingUserCode, AtEveryCallWithALiveIteratorLeavesTheMapConsistent) {
  int64_t tried = EveryCallIndex<TypeParam>(IterScenario(60), 2);
  EXPECT_GT(tried, 10) << "the scenario makes too few calls of this kind";
}

TEST(ThrowingUserCode, SameSizeGrowChurnWithAThrowingHash) {
  // Insert/delete churn at count 20 (B = 2): overflow buckets pile up until a same-size
  // grow starts and completes.
  std::vector<Op> ops;
  for (int64_t i = 0; i < 20; i++) ops.push_back({OpKind::kSet, i, i});
  for (int64_t i = 20; i < 270; i++) {
    ops.push_back({OpKind::kSet, i, i});
    ops.push_back({OpKind::kDelete, i - 20});
  }
  {
    // The scenario does what it says (the fuse is not armed).
    gomap::SeedRandom(3);
    auto m = Map<int64_t, std::string, ThrowingBlockHash>::Make(0);
    int same_size_grows = 0;
    bool was = false;
    for (const Op& op : ops) {
      if (op.kind == OpKind::kSet) m.Set(op.key, "v");
      if (op.kind == OpKind::kDelete) m.Delete(op.key);
      bool now = m.GetStats().same_size_grow;
      same_size_grows += now && !was;
      was = now;
    }
    ASSERT_GE(same_size_grows, 1) << "the churn never started a same-size grow";
    ASSERT_EQ(m.GetStats().B, 2);
  }
  EXPECT_GT(EveryCallIndex<HashThrowsBlock>(ops, 3), 250);
}

TEST(ThrowingUserCode, AKeyCopyThatThrowsHalfWayLeavesACleanSlot) {
  // A copy constructor may write members before it throws (std::string does when an
  // allocation fails): the slot must not keep those bytes (I12).
  gomap::SeedRandom(7);
  {
    auto m = Map<CopyThrowKey, int64_t, PlainHash<0>>::Make(0);
    m.Set(CopyThrowKey(1), 1);
    g_fuse.Arm(Kind::kKeyCopy, 0);
    EXPECT_THROW(m.Set(CopyThrowKey(2), 2), TestError);
    g_fuse.armed = false;
    EXPECT_EQ(m.Len(), 1);
    EXPECT_FALSE(m.Lookup(CopyThrowKey(2)).second);
    EXPECT_TRUE(AuditClean(m));
    m.Set(CopyThrowKey(2), 2);
    EXPECT_EQ(m.Get(CopyThrowKey(2)), 2);
  }
  EXPECT_EQ(g_live, 0);
  g_live = 0;
}

TEST(ThrowingUserCode, AValueCopyThatThrowsHalfWayDuringEvacuationLeavesACleanSlot) {
  // Evacuation copies values that have no noexcept move; a copy that throws after
  // writing its members must not leave bytes in the destination slot (I12).
  gomap::SeedRandom(8);
  {
    auto m = Map<int64_t, ThrowValue, PlainHash<0>>::Make(0);
    for (int64_t k = 0; k < 8; k++) m.Set(k, ThrowValue(100 + k));  // non-zero bytes
    g_fuse.Arm(Kind::kValueCopy, 0);
    EXPECT_THROW(m.Set(8, ThrowValue(108)), TestError);  // grows, evacuation copies
    g_fuse.armed = false;
    EXPECT_EQ(m.Len(), 8);
    EXPECT_TRUE(AuditClean(m));
    for (int64_t k = 0; k < 8; k++) EXPECT_EQ(m.Get(k).id, 100 + k);
    m.Set(8, ThrowValue(108));
    EXPECT_EQ(m.Len(), 9);
    EXPECT_TRUE(AuditClean(m));
  }
  EXPECT_EQ(g_live, 0);
  g_live = 0;
}

TEST(ThrowingUserCode, ReadsThatThrowChangeNothing) {
  gomap::SeedRandom(4);
  using M = Map<int64_t, int64_t, ThrowingHash<0>>;
  auto m = M::Make(0);
  for (int64_t k = 0; k < 100; k++) m.Set(k, k);
  g_fuse.Arm(Kind::kHash, 0);
  EXPECT_THROW(m.Get(5), TestError);
  g_fuse.Arm(Kind::kHash, 0);
  EXPECT_THROW(m.Lookup(5), TestError);
  g_fuse.armed = false;
  EXPECT_EQ(MapPeer::Flags(m) & gomap::internal::kFlagHashWriting, 0);
  EXPECT_EQ(m.Len(), 100);
  EXPECT_EQ(m.Get(5), 5);
  EXPECT_TRUE(AuditClean(m));
}

TEST(ThrowingUserCode, EmptyMapsNeverCallTheHash) {
  // Go hashes on an empty map only for key types whose hash may panic (§3.3, §3.5).
  gomap::SeedRandom(5);
  using M = Map<int64_t, int64_t, ThrowingHash<0>>;
  auto m = M::Make(100);
  g_fuse.Arm(Kind::kHash, 0);
  EXPECT_EQ(m.Get(1), 0);
  EXPECT_FALSE(m.Lookup(1).second);
  m.Delete(1);
  m.Clear();
  for (auto it = m.Range(); it.Next();) {
  }
  EXPECT_FALSE(g_fuse.fired);
  g_fuse.armed = false;
  m.Set(1, 1);
  m.Delete(1);
  g_fuse.Arm(Kind::kHash, 0);
  EXPECT_EQ(m.Get(1), 0);
  m.Delete(1);
  EXPECT_FALSE(g_fuse.fired) << "an emptied map hashed a key";
  g_fuse.armed = false;
}

TEST(ThrowingUserCode, AThrowInsideIteratorStepLeavesTheMapConsistent) {
  // An iterator begun mid-grow hashes keys to filter old buckets and looks up moved
  // ones; a throw there must not disturb the map.
  for (int64_t n = 0; n < 200; n++) {
    gomap::SeedRandom(6);
    using M = Map<int64_t, int64_t, ThrowingHash<0>>;
    auto m = M::Make(0);
    for (int64_t k = 0; k < 209; k++) m.Set(k, k);  // growing 32 -> 64
    ASSERT_TRUE(m.GetStats().growing);
    bool threw = false;
    {
      auto it = m.Range();
      g_fuse.Arm(Kind::kHash, n);
      try {
        int steps = 0;
        while (it.Next()) {
          if (++steps % 10 == 0) {
            g_fuse.armed = false;
            m.Set(steps, -steps);  // evacuates under the iterator
            g_fuse.armed = !g_fuse.fired;
          }
        }
      } catch (const TestError&) {
        threw = true;
      }
      g_fuse.armed = false;
    }
    EXPECT_EQ(MapPeer::Flags(m) & gomap::internal::kFlagHashWriting, 0);
    EXPECT_EQ(m.Len(), 209);
    ASSERT_TRUE(AuditClean(m)) << "n " << n;
    std::set<int64_t> seen;
    for (auto it = m.Range(); it.Next();) seen.insert(it.Key());
    ASSERT_EQ(seen.size(), 209u);
    if (!threw) break;
  }
}

}  // namespace
