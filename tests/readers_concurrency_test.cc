// Concurrent readers of a map that nobody writes (go-map-semantics §3.3, §3.6, §4 item 11).
//
// Go allows any number of goroutines to read and range over a map at once, as long as no
// one writes it. The C++ runtime must allow the same without a data race of its own:
// lookups only read; iteration start sets the iterator flags with an atomic OR (the flags
// word is the one header field shared by readers and the misuse checks); iterators pin
// the table and its arrays with atomic reference counts. Run in the tsan preset, every
// scenario below must leave ThreadSanitizer silent; in every build each reader must see
// exactly the map's contents.
//
// Scenarios, each over a fast-path key (int64_t, std::string) map and, where the shape
// needs a weak hash, a generic one:
//   - empty: nil, made-empty, made with a large hint, emptied after growing;
//   - small (one bucket) and large (thousands of entries, long overflow-free chains);
//   - stopped mid-doubling: oldbuckets present and partly evacuated (0 < nevacuate);
//   - stopped mid same-size growth: a collision-heavy hasher and insert/delete churn
//     until overflow buckets force a same-size grow, stopped right after it starts;
//   - right after a growing insert, Go's TestConcurrentReadsAfterGrowth pattern: one
//     writer step, then the readers join, then the next writer step.
// Reads never evacuate (§3.11), so each scenario also checks that the growth state the
// readers saw is still there afterwards, and that the map audits clean.
//
// The rounds are bounded twice: a minimum number that always runs, and a time budget
// that only limits the extra rounds. No assertion depends on timing.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "gomap/map.h"
#include "runtime/test_util.h"

namespace {

using gomap::testing_util::KeyText;

constexpr int kReaders = 8;
using Clock = std::chrono::steady_clock;

// ---- keys and values ------------------------------------------------------------

// Key i and the value stored under it. Values of the string maps are long enough to
// live on the heap, so a reader that reaches a destroyed or moved-from slot is noticed.
template <class T>
T KeyOf(int64_t i);
template <>
int64_t KeyOf<int64_t>(int64_t i) {
  return i * 7919 - 1000003;
}
template <>
std::string KeyOf<std::string>(int64_t i) {
  return "key-" + std::to_string(i);
}

template <class T>
T ValueOf(int64_t i);
template <>
int64_t ValueOf<int64_t>(int64_t i) {
  return i * 31 + 5;
}
template <>
std::string ValueOf<std::string>(int64_t i) {
  return "value-" + std::to_string(i) + "-padding-to-leave-small-string-storage";
}

int64_t IndexOf(int64_t k) { return (k + 1000003) / 7919; }
int64_t IndexOf(const std::string& k) { return std::stoll(k.substr(4)); }

uint64_t Mix(uint64_t x) {  // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// A deliberately weak hasher: key i lands in bucket (i / kGroupSize) mod 2^B for every
// B <= 8, so a group of consecutive keys piles up in one chain. The top byte (tophash)
// and the rest still depend on the key and the seed.
constexpr int64_t kGroupSize = 30;
template <class K>
struct GroupHash {
  uint64_t operator()(const K& k, uint64_t seed) const {
    int64_t i = IndexOf(k);
    uint64_t h = Mix(static_cast<uint64_t>(i) ^ Mix(seed));
    return (h & ~uint64_t{0xff}) | (static_cast<uint64_t>(i / kGroupSize) & 0xff);
  }
};

// ---- what the readers must see ----------------------------------------------------

template <class K, class V>
struct Expected {
  std::vector<std::pair<K, V>> entries;
  std::unordered_map<K, size_t> index;  // key -> position in entries
  std::vector<K> absent;                // keys that must not be found

  void Add(int64_t i) {
    index.emplace(KeyOf<K>(i), entries.size());
    entries.emplace_back(KeyOf<K>(i), ValueOf<V>(i));
  }
};

// Builds the Expected of the live index set, plus some absent keys.
template <class K, class V>
Expected<K, V> ExpectFrom(const std::vector<int64_t>& live, int64_t absent_from) {
  Expected<K, V> want;
  for (int64_t i : live) want.Add(i);
  for (int64_t i = absent_from; i < absent_from + 64; i++) want.absent.push_back(KeyOf<K>(i));
  return want;
}

// One reader's pass: every Get, every Lookup (present and absent keys) and one full
// Range, in an order that depends on the reader so that different operations overlap.
// Returns the first discrepancy, or "" when the reader saw exactly the map.
template <class M, class K, class V>
std::string ReadAll(const M& m, const Expected<K, V>& want, int reader) {
  if (m.Len() != static_cast<int64_t>(want.entries.size())) {
    return "Len " + std::to_string(m.Len()) + ", want " + std::to_string(want.entries.size());
  }
  for (int step = 0; step < 3; step++) {
    switch ((reader + step) % 3) {
      case 0:
        for (const auto& [k, v] : want.entries) {
          if (!(m.Get(k) == v)) return "Get(" + KeyText(k) + ") gave a wrong value";
        }
        for (const K& k : want.absent) {
          if (!(m.Get(k) == V())) return "Get(" + KeyText(k) + ") of an absent key: not zero";
        }
        break;
      case 1:
        for (const auto& [k, v] : want.entries) {
          auto [got, ok] = m.Lookup(k);
          if (!ok) return "Lookup(" + KeyText(k) + ") did not find a present key";
          if (!(got == v)) return "Lookup(" + KeyText(k) + ") gave a wrong value";
        }
        for (const K& k : want.absent) {
          if (m.Lookup(k).second) return "Lookup(" + KeyText(k) + ") found an absent key";
        }
        break;
      case 2: {
        std::vector<uint8_t> seen(want.entries.size(), 0);
        size_t n = 0;
        auto it = m.Range();
        while (it.Next()) {
          auto pos = want.index.find(it.Key());
          if (pos == want.index.end()) return "Range yielded unknown key " + KeyText(it.Key());
          if (seen[pos->second]++) return "Range yielded " + KeyText(it.Key()) + " twice";
          if (!(it.Value() == want.entries[pos->second].second)) {
            return "Range yielded a wrong value for " + KeyText(it.Key());
          }
          n++;
        }
        if (n != want.entries.size()) {
          return "Range yielded " + std::to_string(n) + " entries, want " +
                 std::to_string(want.entries.size());
        }
        break;
      }
    }
  }
  return "";
}

// ---- the reader threads ----------------------------------------------------------

// kReaders threads that run one job at a time, all starting it together. The mutex and
// condition variables order each job after the writer's last step and before the next:
// that is the only synchronisation between the map's writer and its readers.
class ReaderPool {
 public:
  ReaderPool() {
    for (int r = 0; r < kReaders; r++) threads_.emplace_back([this, r] { Loop(r); });
  }
  ~ReaderPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    start_cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

  // Runs job(reader) on every reader and returns the readers' complaints (empty = ok).
  std::vector<std::string> Run(std::function<std::string(int)> job) {
    std::unique_lock<std::mutex> lock(mu_);
    job_ = std::move(job);
    results_.assign(kReaders, "");
    pending_ = kReaders;
    arrived_.store(0);
    generation_++;
    start_cv_.notify_all();
    done_cv_.wait(lock, [this] { return pending_ == 0; });
    std::vector<std::string> complaints;
    for (int r = 0; r < kReaders; r++) {
      if (!results_[r].empty()) complaints.push_back("reader " + std::to_string(r) + ": " + results_[r]);
    }
    return complaints;
  }

 private:
  void Loop(int r) {
    uint64_t seen = 0;
    for (;;) {
      std::function<std::string(int)> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        start_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        job = job_;
      }
      // Start gate: nobody reads before every reader is awake, so they really overlap.
      arrived_.fetch_add(1);
      while (arrived_.load() < kReaders) std::this_thread::yield();
      std::string result = job(r);
      {
        std::lock_guard<std::mutex> lock(mu_);
        results_[r] = std::move(result);
        if (--pending_ == 0) done_cv_.notify_one();
      }
    }
  }

  std::mutex mu_;
  std::condition_variable start_cv_, done_cv_;
  std::function<std::string(int)> job_;
  std::vector<std::string> results_;
  int pending_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
  std::atomic<int> arrived_{0};
  std::vector<std::thread> threads_;
};

// Rounds: at least min_rounds, then more while the budget lasts (at most max_rounds).
// How many run depends on the machine; a failure names its round, which fixes its seed.
struct Rounds {
  int min_rounds;
  int max_rounds;
  std::chrono::milliseconds budget;

  template <class Fn>
  int Run(Fn round) const {
    auto start = Clock::now();
    int r = 0;
    while (r < max_rounds && (r < min_rounds || Clock::now() - start < budget)) {
      SCOPED_TRACE(::testing::Message() << "round " << r);  // each round seeds from r
      round(r);
      if (::testing::Test::HasFailure()) break;  // one round's report is enough
      r++;
    }
    return r;
  }
};

constexpr Rounds kStaticRounds{4, 200, std::chrono::milliseconds(1500)};
constexpr int kPassesPerReader = 2;

// The header fields reads must never change (flags may gain the iterator bits).
struct Shape {
  int64_t count;
  uint8_t B;
  bool growing, same_size_grow;
  uint64_t nevacuate, noldbuckets, overflow_buckets, old_overflow_buckets;
  uint32_t hash0;
  bool operator==(const Shape&) const = default;
};
Shape ShapeOf(const gomap::Stats& s) {
  return {s.count,     s.B,           s.growing,          s.same_size_grow,       s.nevacuate,
          s.noldbuckets, s.overflow_buckets, s.old_overflow_buckets, s.hash0};
}

// Runs every reader over m for kPassesPerReader passes and checks they all saw `want`,
// that nothing about the table moved, and that the map still audits clean.
template <class M, class K, class V>
void ReadConcurrently(ReaderPool& pool, const M& m, const Expected<K, V>& want,
                      const std::string& what) {
  Shape before = ShapeOf(m.GetStats());
  auto complaints = pool.Run([&](int r) -> std::string {
    for (int pass = 0; pass < kPassesPerReader; pass++) {
      std::string err = ReadAll(m, want, r + pass);
      if (!err.empty()) return err;
    }
    return "";
  });
  for (const auto& c : complaints) ADD_FAILURE() << what << ": " << c;
  gomap::Stats after = m.GetStats();
  EXPECT_TRUE(ShapeOf(after) == before) << what << ": readers changed the table\n" << m.Dump(8);
  EXPECT_EQ(after.flags & 4, 0) << what;
  if (want.entries.empty()) {
    EXPECT_EQ(after.flags & 3, 0) << what << ": ranging over an empty map sets no flags (§7.25)";
  } else {
    EXPECT_EQ(after.flags & 3, 3) << what << ": Range sets iterator|oldIterator (§3.6)";
  }
  std::vector<std::string> audit = m.Audit();
  EXPECT_TRUE(audit.empty()) << what << ": " << audit.front();
}

// ---- scenarios -------------------------------------------------------------------

// Inserts from..to-1.
template <class K, class V, class M>
void Fill(M& m, std::vector<int64_t>& live, int64_t from, int64_t to) {
  for (int64_t i = from; i < to; i++) {
    m.Set(KeyOf<K>(i), ValueOf<V>(i));
    live.push_back(i);
  }
}

template <class T>
class ReadersConcurrency : public ::testing::Test {
 protected:
  using K = typename T::first_type;
  using V = typename T::second_type;
  using M = gomap::Map<K, V>;
  ReaderPool pool_;
};
using KeyValueTypes =
    ::testing::Types<std::pair<int64_t, int64_t>, std::pair<std::string, std::string>>;
TYPED_TEST_SUITE(ReadersConcurrency, KeyValueTypes);

TYPED_TEST(ReadersConcurrency, EmptyMaps) {
  using K = typename TestFixture::K;
  using V = typename TestFixture::V;
  using M = typename TestFixture::M;
  kStaticRounds.Run([&](int r) {
    gomap::SeedRandom(1000 + r);
    Expected<K, V> none = ExpectFrom<K, V>({}, 0);
    M nil;
    ReadConcurrently(this->pool_, nil, none, "nil map");
    M made = M::Make();
    ReadConcurrently(this->pool_, made, none, "Make()");
    M hinted = M::Make(5000);
    ReadConcurrently(this->pool_, hinted, none, "Make(5000)");
    // Grown to B = 5, then emptied by deletes: buckets and B stay, count is 0.
    M emptied = M::Make();
    std::vector<int64_t> live;
    Fill<K, V>(emptied, live, 0, 300);
    for (int64_t i : live) emptied.Delete(KeyOf<K>(i));
    ASSERT_EQ(emptied.Len(), 0);
    ASSERT_GT(emptied.GetStats().B, 0);
    ReadConcurrently(this->pool_, emptied, none, "emptied after growth");
  });
}

TYPED_TEST(ReadersConcurrency, SmallMap) {
  using K = typename TestFixture::K;
  using V = typename TestFixture::V;
  using M = typename TestFixture::M;
  kStaticRounds.Run([&](int r) {
    gomap::SeedRandom(2000 + r);
    // 1 to 8 entries: one bucket, B = 0, the 8 possible slot rotations of Range.
    M m = M::Make();
    std::vector<int64_t> live;
    Fill<K, V>(m, live, 0, 1 + r % 8);
    ASSERT_EQ(m.GetStats().B, 0);
    ReadConcurrently(this->pool_, m, ExpectFrom<K, V>(live, 100), "small map");
  });
}

TYPED_TEST(ReadersConcurrency, LargeMap) {
  using K = typename TestFixture::K;
  using V = typename TestFixture::V;
  using M = typename TestFixture::M;
  kStaticRounds.Run([&](int r) {
    gomap::SeedRandom(3000 + r);
    M m = M::Make();
    std::vector<int64_t> live;
    Fill<K, V>(m, live, 0, 3000);
    // Finish any grow in progress (each write evacuates), so this is the settled case;
    // then punch holes so chains hold emptyOne slots before live ones.
    for (int64_t i = 0; m.GetStats().growing; i++) m.Set(KeyOf<K>(i), ValueOf<V>(i));
    std::vector<int64_t> kept;
    for (int64_t i : live) {
      if (i % 3 == 1) {
        m.Delete(KeyOf<K>(i));
      } else {
        kept.push_back(i);
      }
    }
    ASSERT_FALSE(m.GetStats().growing);
    ReadConcurrently(this->pool_, m, ExpectFrom<K, V>(kept, 5000), "large map");
  });
}

// Inserts until a doubling grow to at least min_B starts, then a few more writes so
// that evacuation has begun (0 < nevacuate) but is far from done: each write evacuates
// at most two old buckets, and min_B >= 5 leaves at least 16 of them.
template <class K, class V, class M>
void StopMidDoubling(M& m, std::vector<int64_t>& live, uint8_t min_B) {
  int64_t i = 0;
  for (;; i++) {
    m.Set(KeyOf<K>(i), ValueOf<V>(i));
    live.push_back(i);
    gomap::Stats s = m.GetStats();
    if (s.growing && !s.same_size_grow && s.B >= min_B) break;
  }
  for (int extra = 0; extra < 2; extra++) {
    i++;
    m.Set(KeyOf<K>(i), ValueOf<V>(i));
    live.push_back(i);
  }
  // An overwrite and a delete of an absent key: both do growWork too (§7 item 11).
  m.Set(KeyOf<K>(live[0]), ValueOf<V>(live[0]));
  m.Delete(KeyOf<K>(-1));
}

TYPED_TEST(ReadersConcurrency, StoppedMidDoubling) {
  using K = typename TestFixture::K;
  using V = typename TestFixture::V;
  using M = typename TestFixture::M;
  kStaticRounds.Run([&](int r) {
    gomap::SeedRandom(4000 + r);
    M m = M::Make();
    std::vector<int64_t> live;
    // Alternate a small grow (B 4 -> 5) and a large one (B 8 -> 9).
    StopMidDoubling<K, V>(m, live, r % 2 ? 5 : 9);
    gomap::Stats s = m.GetStats();
    ASSERT_TRUE(s.growing) << m.Dump(8);
    ASSERT_FALSE(s.same_size_grow);
    ASSERT_GT(s.nevacuate, 0u) << m.Dump(8);
    ASSERT_LT(s.nevacuate, s.noldbuckets);
    ASSERT_EQ(s.noldbuckets, uint64_t{1} << (s.B - 1));
    ReadConcurrently(this->pool_, m, ExpectFrom<K, V>(live, 100000), "mid-doubling");
  });
}

// Churns a window of kGroupSize live keys through consecutive hash groups (one chain
// each) until the overflow buckets left behind trigger a same-size grow; stops right
// after the insert that started it.
template <class K, class V, class M>
void StopMidSameSizeGrow(M& m, std::vector<int64_t>& live) {
  int64_t next = 0;
  for (; next < kGroupSize; next++) m.Set(KeyOf<K>(next), ValueOf<V>(next));
  for (;; next++) {
    ASSERT_LT(next, 100000) << "no same-size grow\n" << m.Dump(8);
    m.Delete(KeyOf<K>(next - kGroupSize));
    m.Set(KeyOf<K>(next), ValueOf<V>(next));
    gomap::Stats s = m.GetStats();
    if (s.growing) {
      ASSERT_TRUE(s.same_size_grow) << m.Dump(8);
      break;
    }
  }
  for (int64_t i = next - kGroupSize + 1; i <= next; i++) live.push_back(i);
}

TYPED_TEST(ReadersConcurrency, StoppedMidSameSizeGrow) {
  using K = typename TestFixture::K;
  using V = typename TestFixture::V;
  using M = gomap::Map<K, V, GroupHash<K>>;
  kStaticRounds.Run([&](int r) {
    gomap::SeedRandom(5000 + r);
    // Hint 40: B = 3 from the start, and 30 live keys never reach the load factor.
    M m = M::Make(40);
    std::vector<int64_t> live;
    StopMidSameSizeGrow<K, V>(m, live);
    if (::testing::Test::HasFatalFailure()) return;
    gomap::Stats s = m.GetStats();
    ASSERT_TRUE(s.growing && s.same_size_grow) << m.Dump(8);
    ASSERT_EQ(s.B, 3);
    ASSERT_EQ(s.noldbuckets, uint64_t{1} << s.B);
    ASSERT_LT(s.nevacuate, s.noldbuckets);
    ASSERT_GT(s.old_overflow_buckets, 0u) << "readers should walk old overflow chains";
    ReadConcurrently(this->pool_, m, ExpectFrom<K, V>(live, 100000), "mid same-size grow");
  });
}

// Go's TestConcurrentReadsAfterGrowth: one insert (which may start a grow, or take the
// next evacuation step), then every reader reads the whole map, then the next insert.
TYPED_TEST(ReadersConcurrency, ReadsRightAfterEachGrowingInsert) {
  using K = typename TestFixture::K;
  using V = typename TestFixture::V;
  using M = typename TestFixture::M;
  constexpr int64_t kSteps = 230;  // crosses the grows at inserts 9, 14, 27, 53, 105, 209
  Rounds rounds{2, 20, std::chrono::milliseconds(3000)};
  rounds.Run([&](int r) {
    gomap::SeedRandom(6000 + r);
    M m = M::Make();
    Expected<K, V> want = ExpectFrom<K, V>({}, 100000);
    int grows_seen = 0;
    for (int64_t i = 0; i < kSteps; i++) {
      uint8_t B = m.GetStats().B;
      m.Set(KeyOf<K>(i), ValueOf<V>(i));
      want.Add(i);
      if (m.GetStats().B != B) grows_seen++;
      ReadConcurrently(this->pool_, m, want, "after insert " + std::to_string(i));
      if (::testing::Test::HasFailure()) return;
    }
    EXPECT_EQ(grows_seen, 6);
  });
}

// A generic (non fast-path) key type mid-doubling, with the weak hasher so that old
// chains carry overflow buckets while the readers walk them.
TEST(ReadersConcurrencyGeneric, StoppedMidDoublingWithOverflowChains) {
  using M = gomap::Map<int64_t, std::string, GroupHash<int64_t>>;
  ReaderPool pool;
  kStaticRounds.Run([&](int r) {
    gomap::SeedRandom(7000 + r);
    M m = M::Make();
    std::vector<int64_t> live;
    StopMidDoubling<int64_t, std::string>(m, live, 7);
    gomap::Stats s = m.GetStats();
    ASSERT_TRUE(s.growing && !s.same_size_grow) << m.Dump(8);
    ASSERT_GT(s.nevacuate, 0u);
    ReadConcurrently(pool, m, ExpectFrom<int64_t, std::string>(live, 100000),
                     "generic mid-doubling");
  });
}

}  // namespace
