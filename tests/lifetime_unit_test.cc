// Iterator and handle lifetimes (architecture.md, "Memory lifetimes to design for";
// go-map-semantics §7 items 16, 20, 21). Run in the asan preset: every test below must
// be free of use-after-free and leaks, and must show the behaviour <gomap/map.h>
// documents:
//   - an Iter keeps the table alive: it may outlive every Map handle and then yields the
//     remaining entries of the abandoned table;
//   - arrays an Iter still reads survive growth and Clear;
//   - iteration stays correct while the map grows (any number of grows): no entry twice,
//     none removed before it is reached, none present throughout missed, each with the
//     value current when it is reached;
//   - an Iter yields nothing more after a Clear() of its map, even if entries are added
//     again afterwards.
// Values are heap-owning objects that count their live instances and check that they
// are alive whenever read, so a slot read after its object was destroyed, or an object
// never destroyed, is caught even where ASan alone would not see it.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "gomap/map.h"

namespace {

constexpr uint64_t kAlive = 0x600dcafef00d5eedull;
constexpr uint64_t kDead = 0xdeaddeaddeaddeadull;

// A value that owns heap memory and counts itself.
class Tracked {
 public:
  static inline int64_t live = 0;
  static inline int64_t dead_reads = 0;

  Tracked() : Tracked(0) {}
  explicit Tracked(int64_t v) : v_(v), text_(Text(v)) { live++; }
  Tracked(const Tracked& o) : v_(o.v()), text_(o.text_) { live++; }
  Tracked(Tracked&& o) noexcept : v_(o.v()), text_(std::move(o.text_)) { live++; }
  Tracked& operator=(const Tracked& o) {
    v_ = o.v();
    text_ = o.text_;
    return *this;
  }
  Tracked& operator=(Tracked&& o) noexcept {
    v_ = o.v();
    text_ = std::move(o.text_);
    return *this;
  }
  ~Tracked() {
    if (magic_ != kAlive) dead_reads++;
    magic_ = kDead;
    live--;
  }
  // The value, or -1 if this object is not alive or was moved from (a slot that kept
  // a moved-from object must never be yielded).
  int64_t v() const {
    if (magic_ != kAlive) {
      dead_reads++;
      return -1;
    }
    return text_ == Text(v_) ? v_ : -1;
  }
  bool operator==(const Tracked& o) const { return v() == o.v(); }

 private:
  static std::string Text(int64_t v) {
    return "tracked value " + std::to_string(v) + ", long enough to live on the heap";
  }
  int64_t v_;
  std::string text_;
  uint64_t magic_ = kAlive;
};

// Over 128 bytes: stored out of line (Go's indirectelem).
struct BigTracked {
  BigTracked() = default;
  explicit BigTracked(int64_t v) : t(v) {}
  int64_t v() const { return t.v(); }
  Tracked t;
  char pad[160] = {};
};

// Keys: key i of each key type, and back.
template <class K>
K KeyOf(int64_t i) {
  if constexpr (std::is_same_v<K, std::string>) {
    return "key " + std::to_string(i) + " with a suffix that needs the heap";
  } else {
    return static_cast<K>(i);
  }
}
int64_t IndexOf(int64_t k) { return k; }
int64_t IndexOf(const std::string& k) { return std::stoll(k.substr(4)); }

uint64_t Mix(uint64_t x) {  // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Keys 0..15 share a bucket for every B <= 8 (then 16..31, ...): long overflow chains
// for iterators to be inside of when the map grows or is cleared.
struct ChainHash {
  uint64_t operator()(int64_t k, uint64_t seed) const {
    uint64_t h = Mix(static_cast<uint64_t>(k) ^ Mix(seed));
    return (h & ~uint64_t{0xff}) | (static_cast<uint64_t>(k / 16) & 0xff);
  }
};

template <class K_, class V_, class Hash_ = gomap::DefaultHash<K_>>
struct Config {
  using K = K_;
  using V = V_;
  using M = gomap::Map<K, V, Hash_>;
};

// ---- a map, its model, and the iterators watching it --------------------------------

template <class C>
class Harness {
 public:
  using K = typename C::K;
  using V = typename C::V;
  using M = typename C::M;

  // One live iterator and what it may still yield.
  struct Watch {
    explicit Watch(typename M::Iter i) : it(std::move(i)) {}
    typename M::Iter it;
    std::set<int64_t> start;        // keys present when it began
    std::set<int64_t> deleted;      // keys deleted while it lived
    std::map<int64_t, int> yields;  // key -> times yielded
    bool cleared = false;           // a Clear ran while it lived
    bool done = false;
  };

  explicit Harness(int64_t hint = 0) : m(M::Make(hint)) {}

  void Set(int64_t i, int64_t v) {
    m.Set(KeyOf<K>(i), V(v));
    model[i] = v;
  }
  void Del(int64_t i) {
    m.Delete(KeyOf<K>(i));
    if (model.erase(i)) {
      for (auto& w : watches) w->deleted.insert(i);
    }
  }
  void Clear() {
    m.Clear();
    model.clear();
    for (auto& w : watches) w->cleared = true;
  }
  // Inserts fresh keys until the map has started (and, with finish, completed) one more
  // doubling grow.
  void GrowOnce(bool finish) {
    uint8_t B = m.GetStats().B;
    while (m.GetStats().B == B) Set(next_key++, 1);
    if (finish) {
      while (m.GetStats().growing) Set(next_key++, 1);
    }
  }

  // Starts a watched iterator; the Watch stays owned here.
  Watch& Start() {
    watches.push_back(std::make_unique<Watch>(m.Range()));
    Watch& w = *watches.back();
    for (const auto& kv : model) w.start.insert(kv.first);
    return w;
  }

  // n steps of w, each checked against the model (no write runs during a step).
  void Step(Watch& w, int n = 1) {
    for (int s = 0; s < n && !w.done; s++) {
      if (!w.it.Next()) {
        w.done = true;
        return;
      }
      int64_t k = IndexOf(w.it.Key());
      int64_t v = w.it.Value().v();
      auto pos = model.find(k);
      if (w.cleared) {
        ADD_FAILURE() << "yielded key " << k << " after a Clear";
      } else if (pos == model.end()) {
        ADD_FAILURE() << "yielded key " << k << ", which is not in the map";
      } else {
        EXPECT_EQ(v, pos->second) << "yielded a value that is not current, key " << k;
      }
      if (w.yields[k]++ > 0) {
        EXPECT_TRUE(w.deleted.count(k)) << "yielded key " << k << " twice";
      }
    }
  }

  void Drain(Watch& w) {
    while (!w.done) Step(w);
    if (w.cleared) return;  // nothing is owed after a Clear
    for (int64_t k : w.start) {
      if (!w.deleted.count(k)) {
        EXPECT_TRUE(w.yields.count(k)) << "missed key " << k;
      }
    }
  }

  void CheckMap() {
    EXPECT_EQ(m.Len(), static_cast<int64_t>(model.size()));
    std::vector<std::string> audit = m.Audit();
    EXPECT_TRUE(audit.empty()) << audit.front() << "\n" << m.Dump(16);
    for (const auto& [k, v] : model) {
      auto [got, ok] = m.Lookup(KeyOf<K>(k));
      EXPECT_TRUE(ok) << "key " << k;
      EXPECT_EQ(got.v(), v) << "key " << k;
    }
  }

  M m;
  std::map<int64_t, int64_t> model;
  std::vector<std::unique_ptr<Watch>> watches;
  int64_t next_key = 0;
};

class LifetimeBase : public ::testing::Test {
 protected:
  void SetUp() override {
    gomap::SeedRandom(20240601);
    Tracked::live = 0;
    Tracked::dead_reads = 0;
  }
  void TearDown() override {
    EXPECT_EQ(Tracked::live, 0) << "values leaked (or destroyed twice)";
    EXPECT_EQ(Tracked::dead_reads, 0) << "values read or destroyed when not alive";
  }
};

template <class C>
class IterLifetime : public LifetimeBase {};

using Configs = ::testing::Types<Config<int64_t, Tracked>,       // fast64 path
                                 Config<std::string, Tracked>,   // faststr, heap keys
                                 Config<int64_t, BigTracked>,    // value out of line
                                 Config<int64_t, Tracked, ChainHash>>;  // overflow chains
TYPED_TEST_SUITE(IterLifetime, Configs);

// ---- growth --------------------------------------------------------------------

TYPED_TEST(IterLifetime, SurvivesOneGrowth) {
  Harness<TypeParam> h;
  for (int i = 0; i < 8; i++) h.Set(h.next_key++, 100 + i);  // B = 0, full bucket
  auto& w = h.Start();
  h.Step(w, 3);
  h.GrowOnce(/*finish=*/true);
  ASSERT_EQ(h.m.GetStats().B, 1);
  // Entries it has not reached yet get new values; the iterator must see them.
  for (int64_t k : w.start) h.Set(k, 200 + k);
  h.Drain(w);
  h.CheckMap();
}

TYPED_TEST(IterLifetime, SurvivesTwoGrowthsWithStepsBetweenWrites) {
  Harness<TypeParam> h;
  for (int i = 0; i < 8; i++) h.Set(h.next_key++, 100 + i);
  auto& w = h.Start();
  h.Step(w, 2);
  h.GrowOnce(/*finish=*/false);
  h.Step(w, 2);
  h.Del(0);
  h.Del(7);  // may already have been yielded: then it is simply gone
  h.GrowOnce(/*finish=*/false);
  h.Step(w, 1);
  while (h.m.GetStats().growing) h.Set(h.next_key++, 1);
  ASSERT_EQ(h.m.GetStats().B, 2);
  h.Drain(w);
  h.CheckMap();
}

TYPED_TEST(IterLifetime, SurvivesManyGrowthsStartedAtAnyPoint) {
  Harness<TypeParam> h;
  for (int i = 0; i < 20; i++) h.Set(h.next_key++, i);
  auto& w = h.Start();
  // B 2 -> 7, one Next between writes, deletes of early keys along the way.
  for (int64_t n = 0; h.m.GetStats().B < 7; n++) {
    h.Set(h.next_key++, n);
    if (n % 5 == 0) h.Del(n / 5);
    h.Step(w);
  }
  h.Drain(w);
  h.CheckMap();
}

TYPED_TEST(IterLifetime, StartedMidGrowthSurvivesItsEndAndTheNextGrowth) {
  Harness<TypeParam> h;
  while (!(h.m.GetStats().growing && h.m.GetStats().B >= 4)) h.Set(h.next_key++, 5);
  auto& w = h.Start();  // reads old buckets that are not evacuated yet
  h.Step(w, 4);
  while (h.m.GetStats().growing) {  // the old array goes away under it
    h.Set(h.next_key++, 6);
    h.Step(w);
  }
  h.GrowOnce(/*finish=*/false);
  h.Step(w, 3);
  h.GrowOnce(/*finish=*/true);
  h.Drain(w);
  h.CheckMap();
}

TYPED_TEST(IterLifetime, SeveralIteratorsStartedAtDifferentStages) {
  Harness<TypeParam> h;
  for (int i = 0; i < 8; i++) h.Set(h.next_key++, i);
  std::vector<typename Harness<TypeParam>::Watch*> ws;
  ws.push_back(&h.Start());  // settled, B = 0
  h.Step(*ws.back(), 1);
  for (int stage = 0; stage < 6; stage++) {
    h.GrowOnce(/*finish=*/false);
    ws.push_back(&h.Start());  // during a grow (if it did not finish at once)
    h.Step(*ws.back(), 2);
    h.Del(h.next_key - 3);
    while (h.m.GetStats().growing) h.Set(h.next_key++, stage);
    ws.push_back(&h.Start());  // settled, after the grow
    for (auto* w : ws) h.Step(*w, 2);
  }
  // Drain in an order unrelated to the start order.
  for (size_t i = 0; i < ws.size(); i++) h.Drain(*ws[(i * 5) % ws.size()]);
  for (auto* w : ws) h.Drain(*w);
  h.CheckMap();
}

TYPED_TEST(IterLifetime, AbandonedIteratorsReleaseEverything) {
  Harness<TypeParam> h;
  for (int round = 0; round < 40; round++) {
    {
      auto it = h.m.Range();
      for (int n = 0; n < round % 7 && it.Next(); n++) {
      }
      h.Set(h.next_key++, round);  // may grow while it lives; then it is dropped
    }
    if (round % 3 == 0) h.Del(round);
  }
  h.CheckMap();
}

TYPED_TEST(IterLifetime, MovedIteratorsKeepTheirPlace) {
  Harness<TypeParam> h;
  for (int i = 0; i < 30; i++) h.Set(h.next_key++, i);
  auto& a = h.Start();
  h.Step(a, 5);
  auto& b = h.Start();
  h.Step(b, 1);
  h.GrowOnce(/*finish=*/false);
  // Move a's iterator through a temporary, and move-assign over b's live one: b's old
  // references must be dropped, a's position kept.
  typename TypeParam::M::Iter tmp(std::move(a.it));
  b.it = std::move(tmp);
  b.start = a.start;
  b.yields = a.yields;
  b.deleted = a.deleted;
  a.done = true;  // a's Iter is moved from
  h.GrowOnce(/*finish=*/true);
  h.Drain(b);
  h.CheckMap();
}

// ---- Clear ---------------------------------------------------------------------

TYPED_TEST(IterLifetime, ClearEndsALiveIteration) {
  Harness<TypeParam> h;
  for (int i = 0; i < 50; i++) h.Set(h.next_key++, i);
  auto& w = h.Start();
  h.Step(w, 10);
  h.Clear();
  EXPECT_FALSE(w.it.Next()) << "yields nothing after a Clear";
  w.done = true;
  EXPECT_EQ(h.m.Len(), 0);
  h.CheckMap();
}

TYPED_TEST(IterLifetime, ClearMidGrowthEndsIterationsOnBothArrays) {
  Harness<TypeParam> h;
  for (int i = 0; i < 40; i++) h.Set(h.next_key++, i);
  auto& before = h.Start();  // its snapshot becomes the old array
  h.Step(before, 3);
  h.GrowOnce(/*finish=*/false);
  ASSERT_TRUE(h.m.GetStats().growing);
  auto& during = h.Start();
  h.Step(during, 3);
  h.Clear();
  EXPECT_FALSE(h.m.GetStats().growing) << "Clear drops the grow in progress";
  h.Drain(before);
  h.Drain(during);
  h.CheckMap();
}

TYPED_TEST(IterLifetime, ClearedIteratorsStayDoneWhenEntriesComeBack) {
  Harness<TypeParam> h;
  for (int i = 0; i < 30; i++) h.Set(h.next_key++, i);
  auto& w = h.Start();
  h.Step(w, 1);
  h.Clear();
  for (int i = 0; i < 30; i++) h.Set(i, 1000 + i);  // the same keys again
  h.GrowOnce(/*finish=*/false);                     // and a grow
  h.Drain(w);
  auto& again = h.Start();  // a new iteration sees the new entries
  h.Drain(again);
  EXPECT_EQ(again.yields.size(), h.model.size());
  h.Clear();
  h.Clear();  // clearing an empty map is a no-op
  h.CheckMap();
}

// An iterator that already finished, one inside the last bucket, one not started:
// a Clear with each of them alive, then the map is reused.
TYPED_TEST(IterLifetime, ClearWithFinishedAndFreshIterators) {
  Harness<TypeParam> h;
  for (int i = 0; i < 20; i++) h.Set(h.next_key++, i);
  auto& finished = h.Start();
  h.Drain(finished);
  auto& nearly = h.Start();
  h.Step(nearly, 19);
  auto& fresh = h.Start();  // Range() done, no Next() yet
  h.Clear();
  EXPECT_FALSE(finished.it.Next());
  h.Drain(nearly);
  EXPECT_EQ(nearly.yields.size(), 19u);
  // The first Next() finds the first entry, after the Clear: there is none.
  h.Drain(fresh);
  EXPECT_TRUE(fresh.yields.empty());
  for (int i = 0; i < 20; i++) h.Set(i, 2 * i);
  h.CheckMap();
}

// ---- handles -------------------------------------------------------------------

// Every Map handle is gone: the iterator keeps the table alive and yields the rest.
TYPED_TEST(IterLifetime, OutlivesEveryHandle) {
  using M = typename TypeParam::M;
  std::optional<typename M::Iter> it;
  std::set<int64_t> want, got;
  {
    Harness<TypeParam> h;
    for (int i = 0; i < 100; i++) h.Set(h.next_key++, i * 3);
    M alias = h.m;  // a second handle on the same table
    for (const auto& kv : h.model) want.insert(kv.first);
    it.emplace(alias.Range());
    for (int n = 0; n < 30 && it->Next(); n++) {
      int64_t k = IndexOf(it->Key());
      EXPECT_EQ(it->Value().v(), k * 3);
      EXPECT_TRUE(got.insert(k).second);
    }
  }  // every handle destroyed here
  EXPECT_GT(Tracked::live, 0) << "the table must stay alive while the iterator lives";
  while (it->Next()) {
    int64_t k = IndexOf(it->Key());
    EXPECT_EQ(it->Value().v(), k * 3);
    EXPECT_TRUE(got.insert(k).second) << "key " << k << " twice";
  }
  EXPECT_EQ(got, want);
  EXPECT_FALSE(it->Next());
  it.reset();
  EXPECT_EQ(Tracked::live, 0) << "the last iterator frees the table";
}

// The same while the abandoned table is mid-growth, for an iterator that began before
// the grow (it walks the old array and re-looks-up moved entries in the table) and one
// that began during it (it reads unevacuated old buckets).
TYPED_TEST(IterLifetime, OutlivesEveryHandleMidGrowth) {
  using M = typename TypeParam::M;
  std::optional<typename M::Iter> before, during;
  std::set<int64_t> want, got_before, got_during;
  std::map<int64_t, int64_t> final_model;
  {
    Harness<TypeParam> h;
    for (int i = 0; i < 40; i++) h.Set(h.next_key++, i);
    before.emplace(h.m.Range());
    ASSERT_TRUE(before->Next());
    got_before.insert(IndexOf(before->Key()));
    for (int i = 0; i < 40; i++) {
      if (i != IndexOf(before->Key())) h.Set(i, 500 + i);  // updates it must see
    }
    h.GrowOnce(/*finish=*/false);
    ASSERT_TRUE(h.m.GetStats().growing);
    during.emplace(h.m.Range());
    for (int n = 0; n < 5 && during->Next(); n++) got_during.insert(IndexOf(during->Key()));
    for (const auto& kv : h.model) want.insert(kv.first);
    final_model = h.model;
  }
  auto drain = [&](typename M::Iter& it, std::set<int64_t>& got, bool started_before_grow) {
    while (it.Next()) {
      int64_t k = IndexOf(it.Key());
      EXPECT_EQ(it.Value().v(), final_model.at(k)) << "key " << k;
      EXPECT_TRUE(got.insert(k).second) << "key " << k << " twice";
    }
    if (started_before_grow) {
      for (int64_t k = 0; k < 40; k++) EXPECT_TRUE(got.count(k)) << "missed key " << k;
    } else {
      EXPECT_EQ(got, want);
    }
  };
  EXPECT_GT(Tracked::live, 0) << "the iterators must keep the table alive";
  drain(*before, got_before, true);
  drain(*during, got_during, false);
  before.reset();
  during.reset();
  EXPECT_EQ(Tracked::live, 0) << "the last iterator frees the table";
}

// A Clear through one handle ends an iteration started through another; dropping all
// handles afterwards changes nothing for it.
TYPED_TEST(IterLifetime, ClearThroughAnotherHandleThenDropThemAll) {
  using M = typename TypeParam::M;
  std::optional<typename M::Iter> it;
  {
    Harness<TypeParam> h;
    for (int i = 0; i < 60; i++) h.Set(h.next_key++, i);
    M alias = h.m;
    it.emplace(alias.Range());
    ASSERT_TRUE(it->Next());
    ASSERT_TRUE(it->Next());
    h.m.Clear();
    for (int i = 0; i < 10; i++) alias.Set(KeyOf<typename TypeParam::K>(i), typename TypeParam::V(i));
  }
  EXPECT_FALSE(it->Next());
  it.reset();
  EXPECT_EQ(Tracked::live, 0);
}

}  // namespace
