// Big bucket arrays (bucket.h, "Memory"): arrays of 256 KiB and more are mapped from the
// kernel, and the old array of a finished grow is handed back a piece per write while
// the map goes on (HMap::dying). None of that may be observable:
//   - every entry survives grows whose arrays are mapped, and Audit stays clean;
//   - objects are destroyed when they always were: live objects == Len() right after
//     the write that finishes a grow, and zero once the last handle goes, whether the
//     dying array was fully released, half released, or never stepped;
//   - an iterator that holds the old array when the grow finishes keeps reading it
//     (the array is then released whole by the iterator, not piecemeal);
//   - Clear and the destruction of the map with a release in progress;
//   - released grow arrays are cached zeroed and reused: a map grown through reused
//     arrays holds nothing of the maps that had them before, and FreeOSMemory empties
//     the cache.
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "gomap/internal/peer.h"
#include "gomap/map.h"

#include "test_util.h"

namespace {
// Under AddressSanitizer every bucket array comes from the heap: nothing is cached.
const bool kArraysMapped = gomap::internal::BigArraysAreMapped();

using gomap::Map;
using gomap::internal::CachedMappingBytes;
using gomap::internal::MapPeer;
using gomap::testing_util::AuditClean;

// A value that counts its live objects (and is not trivially copyable, so the runtime
// takes its object paths).
struct Counted {
  static int64_t live;
  int64_t v = 0;
  Counted() { live++; }
  explicit Counted(int64_t x) : v(x) { live++; }
  Counted(const Counted& o) : v(o.v) { live++; }
  Counted(Counted&& o) noexcept : v(o.v) { live++; }
  Counted& operator=(const Counted&) = default;
  Counted& operator=(Counted&&) noexcept = default;
  ~Counted() { live--; }
};
int64_t Counted::live = 0;

std::string Key(int64_t i) { return "key-" + std::to_string(i * 7919); }

// Inserts keys [from, to) and returns after the first insert that finished a grow and
// left a release in progress (or at `to`).
template <class M>
int64_t InsertUntilDying(M& m, int64_t from, int64_t to) {
  for (int64_t i = from; i < to; i++) {
    m.Set(Key(i), Counted(i));
    if (MapPeer::Header(m)->dying != nullptr) return i + 1;
  }
  return to;
}

TEST(BucketArrayRelease, BigGrowsKeepEveryEntryAndDestroyObjectsOnTime) {
  Counted::live = 0;
  {
    auto m = Map<std::string, Counted>::Make();
    // String buckets are 8 + 8*24 + 8*8 + 8 = 272 bytes: from B = 10 on, arrays are mapped.
    int64_t n = 0;
    int dying_seen = 0;
    while (n < 60000) {
      n = InsertUntilDying(m, n, 60000);
      if (MapPeer::Header(m)->dying != nullptr) {
        dying_seen++;
        // The write that finished the grow destroyed the old array's objects already.
        EXPECT_EQ(Counted::live, m.Len()) << "at " << n;
        ASSERT_TRUE(AuditClean(m));
      }
    }
    EXPECT_GE(dying_seen, 3);
    for (int64_t i = 0; i < n; i++) {
      auto [v, ok] = m.Lookup(Key(i));
      ASSERT_TRUE(ok) << i;
      ASSERT_EQ(v.v, i);
    }
    EXPECT_TRUE(AuditClean(m));
    for (int64_t i = 0; i < n; i += 2) m.Delete(Key(i));
    EXPECT_EQ(m.Len(), n / 2);
    EXPECT_EQ(Counted::live, m.Len());
    EXPECT_TRUE(AuditClean(m));
  }
  EXPECT_EQ(Counted::live, 0);
}

TEST(BucketArrayRelease, MapDestroyedWhileReleaseInProgress) {
  Counted::live = 0;
  {
    auto m = Map<std::string, Counted>::Make();
    int64_t n = InsertUntilDying(m, 0, 100000);
    ASSERT_NE(MapPeer::Header(m)->dying, nullptr);
    m.Set(Key(n), Counted(n));  // one step, then drop everything
    EXPECT_EQ(Counted::live, m.Len());
  }
  EXPECT_EQ(Counted::live, 0);
}

TEST(BucketArrayRelease, ClearWhileReleaseInProgress) {
  Counted::live = 0;
  auto m = Map<std::string, Counted>::Make();
  int64_t n = InsertUntilDying(m, 0, 100000);
  ASSERT_NE(MapPeer::Header(m)->dying, nullptr);
  m.Clear();
  EXPECT_EQ(MapPeer::Header(m)->dying, nullptr);
  EXPECT_EQ(m.Len(), 0);
  EXPECT_EQ(Counted::live, 0);
  EXPECT_TRUE(AuditClean(m));
  for (int64_t i = 0; i < n; i++) m.Set(Key(i), Counted(i));
  EXPECT_EQ(Counted::live, n);
  EXPECT_TRUE(AuditClean(m));
}

// Drains it, checking nothing is yielded twice and every key [0, before) is yielded.
template <class It>
void ExpectEachOnce(It& it, int64_t before) {
  std::set<std::string> seen;
  while (it.Next()) {
    ASSERT_TRUE(seen.insert(it.Key()).second) << "yielded twice: " << it.Key();
  }
  for (int64_t i = 0; i < before; i++) ASSERT_EQ(seen.count(Key(i)), 1u) << i;
}

TEST(BucketArrayRelease, IteratorHoldingTheOldArrayWhenTheGrowFinishes) {
  Counted::live = 0;
  {
    auto m = Map<std::string, Counted>::Make();
    int64_t n = InsertUntilDying(m, 0, 100000);
    while (MapPeer::Header(m)->dying != nullptr) {
      m.Set(Key(n), Counted(n));
      n++;
    }
    // The iterator's snapshot is the array the next grow leaves behind: when that grow
    // finishes, the iterator still holds it, and it is released whole, later.
    auto it = m.Range();
    int64_t before = n;
    while (MapPeer::Header(m)->oldbuckets == nullptr) {
      m.Set(Key(n), Counted(n));
      n++;
    }
    while (MapPeer::Header(m)->oldbuckets != nullptr) {
      m.Set(Key(n), Counted(n));
      n++;
    }
    EXPECT_EQ(MapPeer::Header(m)->dying, nullptr);
    ExpectEachOnce(it, before);
    EXPECT_TRUE(AuditClean(m));
  }
  EXPECT_EQ(Counted::live, 0);
}

TEST(BucketArrayRelease, IteratorStartedMidGrow) {
  Counted::live = 0;
  {
    auto m = Map<std::string, Counted>::Make();
    int64_t n = InsertUntilDying(m, 0, 100000);
    while (MapPeer::Header(m)->oldbuckets == nullptr) {
      m.Set(Key(n), Counted(n));
      n++;
    }
    for (int i = 0; i < 1000; i++) {
      m.Set(Key(n), Counted(n));
      n++;
    }
    ASSERT_NE(MapPeer::Header(m)->oldbuckets, nullptr);
    auto it = m.Range();
    int64_t before = n;
    ASSERT_TRUE(it.Next());
    std::string first = it.Key();
    while (MapPeer::Header(m)->oldbuckets != nullptr) {
      m.Set(Key(n), Counted(n));
      n++;
    }
    std::set<std::string> seen{first};
    while (it.Next()) {
      ASSERT_TRUE(seen.insert(it.Key()).second) << "yielded twice: " << it.Key();
    }
    for (int64_t i = 0; i < before; i++) ASSERT_EQ(seen.count(Key(i)), 1u) << i;
    EXPECT_TRUE(AuditClean(m));
  }
  EXPECT_EQ(Counted::live, 0);
}

// A map big enough that its old arrays are mapped, with trivially copyable keys and
// values (no objects to destroy: only memory goes back).
TEST(BucketArrayRelease, Int64MapThroughManyGrows) {
  auto m = Map<int64_t, int64_t>::Make();
  const int64_t n = 300000;
  for (int64_t i = 0; i < n; i++) m.Set(i * 2654435761, i);
  EXPECT_TRUE(AuditClean(m));
  for (int64_t i = 0; i < n; i++) {
    auto [v, ok] = m.Lookup(i * 2654435761);
    ASSERT_TRUE(ok);
    ASSERT_EQ(v, i);
  }
  for (int64_t i = 0; i < n; i++) m.Delete(i * 2654435761);
  EXPECT_EQ(m.Len(), 0);
  EXPECT_TRUE(AuditClean(m));
}

// Keys of more than 16 bytes: their StrKey slots point at bytes the map owns, the
// worst thing a reused array could still hold.
std::string LongKey(int64_t i) { return "a key longer than sixteen bytes " + std::to_string(i); }

// Starts and ends a test with an empty cache of the given budget (the cache is the
// process's: other tests must neither see this one's nor leave theirs), where nothing
// decays while the test runs (a day; 10 s would be close to a slow build's test time).
class CacheScope {
 public:
  explicit CacheScope(size_t budget = size_t{64} << 20)
      : old_budget_(gomap::internal::SetMappingCacheBudget(budget)),
        old_decay_ms_(gomap::internal::SetMappingCacheDecayMs(kDayMs)) {
    gomap::FreeOSMemory();
  }
  ~CacheScope() {
    gomap::internal::SetMappingCacheBudget(old_budget_);
    gomap::internal::SetMappingCacheDecayMs(old_decay_ms_);
    gomap::FreeOSMemory();
  }

  static constexpr int64_t kDayMs = int64_t{24} * 3600 * 1000;

 private:
  size_t old_budget_;
  int64_t old_decay_ms_;
};

// Bytes of the mapping of a grow array of 2^b string buckets (272 bytes, and 2^(b-4)
// spares).
size_t StrArrayMapping(int b) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t bytes = ((size_t{1} << b) + (size_t{1} << (b - 4))) * 272;
  return (bytes + page - 1) / page * page;
}

TEST(MappingCache, ReusedArraysHoldNothingOfTheirLastMap) {
  CacheScope scope;
  ASSERT_EQ(CachedMappingBytes(), 0u);
  const int64_t n = 60000;  // string buckets are 272 bytes: arrays from B = 10 are mapped
  Counted::live = 0;
  {
    auto m = Map<std::string, Counted>::Make();
    for (int64_t i = 0; i < n; i++) m.Set(LongKey(i), Counted(i));
    for (int64_t i = 0; i < n; i += 3) m.Delete(LongKey(i));
  }
  EXPECT_EQ(Counted::live, 0);
  const size_t cached = CachedMappingBytes();
  if (kArraysMapped) {
    EXPECT_GT(cached, size_t{256} << 10);
  }
  EXPECT_TRUE(gomap::internal::CachedMappingsAreZero());
  {
    auto m = Map<std::string, Counted>::Make();
    size_t least = cached;
    for (int64_t i = 0; i < n; i++) {
      m.Set(Key(i), Counted(-i));
      least = std::min(least, CachedMappingBytes());
    }
    if (kArraysMapped) {
      EXPECT_LT(least, cached) << "no grow took a cached array";
    }
    ASSERT_TRUE(AuditClean(m));
    EXPECT_EQ(m.Len(), n);
    EXPECT_EQ(Counted::live, n);
    int64_t yielded = 0;
    for (auto it = m.Range(); it.Next(); yielded++) {
      ASSERT_EQ(it.Key().rfind("key-", 0), 0u) << "a key of the last map: " << it.Key();
    }
    EXPECT_EQ(yielded, n);
    for (int64_t i = 0; i < n; i++) {
      auto [v, ok] = m.Lookup(Key(i));
      ASSERT_TRUE(ok) << i;
      ASSERT_EQ(v.v, -i);
      ASSERT_FALSE(m.Lookup(LongKey(i)).second) << i;
    }
  }
  EXPECT_EQ(Counted::live, 0);
  EXPECT_TRUE(gomap::internal::CachedMappingsAreZero());
  gomap::FreeOSMemory();
  EXPECT_EQ(CachedMappingBytes(), 0u);
}

// Trivially copyable keys and values: the same through maps whose memory is all the
// runtime's (no objects to destroy).
TEST(MappingCache, Int64MapsRebuiltThroughReusedArrays) {
  CacheScope scope;
  for (int round = 0; round < 3; round++) {
    const size_t before = CachedMappingBytes();
    auto m = Map<int64_t, int64_t>::Make();
    const int64_t n = 100000;
    size_t least = before;
    for (int64_t i = 0; i < n; i++) {
      m.Set(i * 2654435761 + round, i ^ round);
      least = std::min(least, CachedMappingBytes());
    }
    if (kArraysMapped && round > 0) {
      EXPECT_LT(least, before) << "round " << round << ": no grow took a cached array";
    }
    ASSERT_TRUE(AuditClean(m));
    ASSERT_EQ(m.Len(), n);
    int64_t sum = 0;
    for (auto it = m.Range(); it.Next();) {
      ASSERT_EQ(it.Key() % 2654435761, round) << "a key of an earlier round";
      sum += it.Value() ^ round;
    }
    EXPECT_EQ(sum, n * (n - 1) / 2);
  }
  EXPECT_TRUE(gomap::internal::CachedMappingsAreZero());
}

// Arrays made for a hint go to the cache too, and the next map made with that hint takes
// one, already faulted in and zero: nothing of the last map may show through it.
TEST(MappingCache, HintedMapsRebuiltThroughReusedArrays) {
  CacheScope scope;
  const int64_t hint = 90000;  // B = 14: 17,408 int64 buckets of 144 bytes, 2.5 MB
  Counted::live = 0;
  {
    auto m = Map<int64_t, Counted>::Make(hint);
    for (int64_t i = 0; i < hint; i++) m.Set(i * 2654435761, Counted(i));
  }
  EXPECT_EQ(Counted::live, 0);
  const size_t cached = CachedMappingBytes();
  if (kArraysMapped) {
    EXPECT_GE(cached, size_t{2} << 20);
  }
  EXPECT_TRUE(gomap::internal::CachedMappingsAreZero());
  {
    auto m = Map<int64_t, Counted>::Make(hint);
    if (kArraysMapped) {
      EXPECT_LT(CachedMappingBytes(), cached) << "the hinted map did not take the cached array";
    }
    for (int64_t i = 0; i < hint; i++) m.Set(i * 2654435761 + 1, Counted(-i));
    ASSERT_TRUE(AuditClean(m));
    ASSERT_EQ(m.Len(), hint);
    EXPECT_EQ(MapPeer::Header(m)->B, 14);
    for (auto it = m.Range(); it.Next();) {
      ASSERT_EQ(it.Key() % 2654435761, 1) << "a key of the last map";
    }
    for (int64_t i = 0; i < hint; i++) {
      ASSERT_EQ(m.Lookup(i * 2654435761 + 1).first.v, -i) << i;
      ASSERT_FALSE(m.Lookup(i * 2654435761).second) << i;
    }
  }
  EXPECT_EQ(Counted::live, 0);
  EXPECT_TRUE(gomap::internal::CachedMappingsAreZero());
}

// A cache too small for the bigger arrays: those are unmapped a piece per write as
// without a cache, the smaller ones are cached, and one that started unmapping is never
// cached, not even once what is left of it (at most one 256 KiB piece) would fit. The
// budget holds the B = 10 and 11 arrays and one piece more, not the B = 12 array.
TEST(MappingCache, ArraysBeyondTheBudgetAreUnmappedAsBefore) {
  CacheScope scope(StrArrayMapping(10) + StrArrayMapping(11) + (size_t{256} << 10));
  Counted::live = 0;
  for (int round = 0; round < 2; round++) {
    auto m = Map<std::string, Counted>::Make();
    int64_t n = 0;
    int dying_seen = 0;
    while (n < 80000) {  // up to B = 14: the B = 12 and 13 arrays do not fit
      n = InsertUntilDying(m, n, 80000);
      if (MapPeer::Header(m)->dying != nullptr) dying_seen++;
    }
    EXPECT_GE(dying_seen, 4);
    ASSERT_TRUE(AuditClean(m));
    EXPECT_EQ(Counted::live, n);
    for (int64_t i = 0; i < n; i++) ASSERT_EQ(m.Lookup(Key(i)).first.v, i) << i;
  }
  EXPECT_EQ(Counted::live, 0);
  if (kArraysMapped) {
    EXPECT_EQ(CachedMappingBytes(), StrArrayMapping(10) + StrArrayMapping(11));
  }
  EXPECT_TRUE(gomap::internal::CachedMappingsAreZero());
}

// Cached arrays that nobody takes are unmapped by the cache's thread once unused for the
// decay, in a forked child too (which starts its own thread when it first caches one).
TEST(MappingCache, UnusedArraysAreUnmappedAfterTheDecay) {
  if (!kArraysMapped) GTEST_SKIP() << "no mapped arrays under AddressSanitizer";
  CacheScope scope;
  // Grows a map through mapped arrays and drops it: they are all cached (no decay yet).
  // Then a short decay: the cache must empty itself, waited for up to 30 s.
  auto cached_then_unmapped = [] {
    {
      auto m = Map<int64_t, int64_t>::Make();
      for (int64_t i = 0; i < 100000; i++) m.Set(i * 2654435761, i);
    }
    const size_t cached = CachedMappingBytes();
    gomap::internal::SetMappingCacheDecayMs(20);
    for (int i = 0; i < 3000 && CachedMappingBytes() != 0; i++) usleep(10000);
    const size_t left = CachedMappingBytes();
    gomap::internal::SetMappingCacheDecayMs(CacheScope::kDayMs);
    return std::make_pair(cached, left);
  };
  const auto [cached, left] = cached_then_unmapped();
  EXPECT_GT(cached, size_t{256} << 10);
  EXPECT_EQ(left, 0u);
#if !GOMAP_TSAN  // ThreadSanitizer stops a multi-threaded process's child from starting threads
  const pid_t pid = fork();
  ASSERT_NE(pid, -1);
  if (pid == 0) {
    alarm(60);
    const auto [child_cached, child_left] = cached_then_unmapped();
    _exit(child_cached > (size_t{256} << 10) && child_left == 0 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
#endif
}

#if !GOMAP_TSAN  // ThreadSanitizer stops a multi-threaded process's child from starting threads
// A fork while the cache's thread is unmapping expired mappings: the child finishes that
// unmapping, so once it drains its own cache nothing of the parent's cached mappings is
// left mapped in it. The fork is made as soon as the thread has taken every mapping out
// of the cache, in the middle of unmapping them a piece at a time.
TEST(MappingCache, AForkWhileUnmappingLeavesNothingMappedInTheChild) {
  if (!kArraysMapped) GTEST_SKIP() << "no mapped arrays under AddressSanitizer";
  CacheScope scope;
  for (int round = 0; round < 20; round++) {
    {
      auto m = Map<int64_t, int64_t>::Make();
      for (int64_t i = 0; i < 200000; i++) m.Set(i * 2654435761, i);
    }
    const std::vector<std::pair<const void*, size_t>> cached =
        gomap::internal::CachedMappings();
    ASSERT_FALSE(cached.empty());
    const long page = sysconf(_SC_PAGESIZE);
    gomap::internal::SetMappingCacheDecayMs(0);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (CachedMappingBytes() != 0) {
      ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "the cache's thread never ran";
    }
    const pid_t pid = fork();
    ASSERT_NE(pid, -1);
    if (pid == 0) {
      alarm(60);
      gomap::FreeOSMemory();
      // msync fails with ENOMEM on a range with an unmapped page; nothing in the child
      // maps memory before this check.
      int mapped_pages = 0;
      for (const auto& [p, len] : cached) {
        for (size_t off = 0; off < len; off += static_cast<size_t>(page)) {
          void* at = const_cast<char*>(static_cast<const char*>(p)) + off;
          if (msync(at, static_cast<size_t>(page), MS_ASYNC) == 0) mapped_pages++;
        }
      }
      _exit(mapped_pages == 0 ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "round " << round << ": child status " << status;
    gomap::internal::SetMappingCacheDecayMs(CacheScope::kDayMs);
  }
}
#endif

// The array of the next doubling, made ahead (bucket.h, "Memory"; HMap::next). It is
// memory management only: nothing of it may be observable but through the peer.
namespace ahead {

using gomap::internal::AheadArrayOf;

// The count at which the insert of a new key doubles a map of 2^B buckets.
int64_t GrowAt(int B) { return 13 * ((int64_t{1} << B) / 2); }

// Inserts Key-like int64 keys from n on until the map has an array made ahead (or until
// `to`); returns the new n.
int64_t InsertUntilAhead(Map<int64_t, int64_t>& m, int64_t n, int64_t to) {
  for (; n < to && AheadArrayOf(MapPeer::Header(m)).B < 0; n++) m.Set(n * 2654435761, n);
  return n;
}

// Sets whether maps hand their arrays made ahead to the prefault helper thread, for a
// scope.
class HelperScope {
 public:
  explicit HelperScope(bool on) : old_(gomap::internal::SetPrefaultHelper(on)) {}
  ~HelperScope() { gomap::internal::SetPrefaultHelper(old_); }

 private:
  bool old_;
};

// Inserts the next keys until the doubling starts (each() before every insert), and
// checks that it took the array made ahead.
template <class Each>
void InsertThroughDoubling(Map<int64_t, int64_t>& m, int64_t& n, Each each) {
  const auto* h = MapPeer::Header(m);
  const void* made = h->next;
  while (h->oldbuckets == nullptr) {
    each();
    m.Set(n * 2654435761, n);
    n++;
  }
  EXPECT_EQ(static_cast<const void*>(h->buckets), made);
  EXPECT_EQ(h->next, nullptr);
}

// Grows a map through every doubling below 400,000 entries whose array is made ahead,
// calling made(m, n, ahead, B) at each once the array is there (it takes the map
// through the doubling, n its next key); then checks the map.
template <class Made>
void GrowThroughArraysMadeAhead(Made made) {
  auto m = Map<int64_t, int64_t>::Make();
  int64_t n = 0;
  int doublings = 0;
  while (n < 400000) {
    n = InsertUntilAhead(m, n, 400000);
    const auto* h = MapPeer::Header(m);
    const auto ahead = AheadArrayOf(h);
    if (ahead.B < 0) break;
    ASSERT_EQ(ahead.B, h->B + 1);
    made(m, n, ahead, static_cast<int>(h->B));
    doublings++;
  }
  if (kArraysMapped) {
    EXPECT_GE(doublings, 3);  // B = 13 .. 16 have mapped arrays for int64 (144-byte buckets)
  } else {
    EXPECT_EQ(doublings, 0);  // heap arrays are never made ahead
  }
  ASSERT_TRUE(AuditClean(m));
  for (int64_t i = 0; i < n; i++) ASSERT_EQ(m.Lookup(i * 2654435761).first, i) << i;
}

// Without the helper: the inserts fault the array in, a piece each.
TEST(GrowAhead, TheDoublingTakesTheArrayMadeAhead) {
  CacheScope scope(0);  // fresh mappings only
  HelperScope helper(false);
  GrowThroughArraysMadeAhead([](Map<int64_t, int64_t>& m, int64_t& n,
                                gomap::internal::AheadArray ahead, int B) {
    // Made from 15/16 of the load that triggers the doubling, for the next B.
    EXPECT_GE(m.Len(), GrowAt(B) - GrowAt(B) / 16);
    EXPECT_LT(m.Len(), GrowAt(B));
    ASSERT_TRUE(AuditClean(m));
    // Faulted in a piece per insert, all of it before the doubling, which takes it.
    size_t left = ahead.left;
    InsertThroughDoubling(m, n, [&] { left = AheadArrayOf(MapPeer::Header(m)).left; });
    EXPECT_EQ(left, 0u) << "not all resident when the doubling started, B=" << B;
  });
}

// With the helper: the array is made from 3/4 of the load, handed over whole, and
// resident once the helper is idle; the doubling takes it as before.
TEST(GrowAhead, TheHelperFaultsInTheArrayMadeAhead) {
  CacheScope scope(0);  // fresh mappings only: the helper has every page to fault in
  HelperScope helper(true);
  GrowThroughArraysMadeAhead([](Map<int64_t, int64_t>& m, int64_t& n,
                                gomap::internal::AheadArray ahead, int B) {
    EXPECT_GE(m.Len(), GrowAt(B) - GrowAt(B) / 4);
    EXPECT_LT(m.Len(), GrowAt(B) - GrowAt(B) / 16);
    EXPECT_TRUE(ahead.helper);
    EXPECT_EQ(ahead.left, 0u);  // nothing left for the inserts
    gomap::internal::WaitPrefaultIdle();
    EXPECT_EQ(AheadArrayOf(MapPeer::Header(m)).resident, ahead.bytes) << "B=" << B;
    InsertThroughDoubling(m, n, [] {});
    ASSERT_TRUE(AuditClean(m));
  });
}

// Arrays given up while the helper may still be writing to them: destroyed with their
// map (then unmapped, or zeroed and cached), or taken by a doubling at once. The helper
// must be off each one first: a write after the unmap faults (SIGSEGV), one into a cached
// array or one the map writes races (the tsan preset runs this too), and a cached array
// must stay all zero.
TEST(GrowAhead, ArraysGivenUpWhileTheHelperWorksOnThem) {
  for (size_t budget : {size_t{0}, size_t{64} << 20}) {
    CacheScope scope(budget);
    HelperScope helper(true);
    for (int round = 0; round < 6; round++) {
      auto m = Map<int64_t, int64_t>::Make();
      const auto* h = MapPeer::Header(m);
      int64_t n = 0;
      // The array for B = 16: 9 MiB, four and a half huge pages of work for the helper.
      while (n < 400000 && AheadArrayOf(h).B != 16) {
        m.Set(n * 2654435761, n);
        n++;
      }
      if (!kArraysMapped) {
        EXPECT_EQ(AheadArrayOf(h).B, -1);
        return;
      }
      ASSERT_EQ(AheadArrayOf(h).B, 16);
      switch (round % 3) {
        case 0:  // destroyed at once
          m = Map<int64_t, int64_t>();
          break;
        case 1:  // doubled at once: the map writes the array next
          for (; h->oldbuckets == nullptr; n++) m.Set(n * 2654435761, n);
          for (; h->oldbuckets != nullptr; n++) m.Set(n * 2654435761, n);
          ASSERT_TRUE(AuditClean(m));
          for (int64_t i = 0; i < n; i++) ASSERT_EQ(m.Lookup(i * 2654435761).first, i) << i;
          break;
        case 2:  // cleared (which keeps it), then destroyed
          m.Clear();
          ASSERT_TRUE(AuditClean(m));
          m = Map<int64_t, int64_t>();
          break;
      }
    }
    gomap::internal::WaitPrefaultIdle();
    EXPECT_TRUE(gomap::internal::CachedMappingsAreZero());
  }
}

// A forked child has no helper thread (fork copies only the caller): it starts its own,
// which faults in the child's arrays, and the parent's keeps working for the parent.
TEST(GrowAhead, AForkedChildStartsItsOwnHelper) {
  if (!kArraysMapped) GTEST_SKIP() << "no mapped arrays under AddressSanitizer";
#if GOMAP_TSAN
  GTEST_SKIP() << "ThreadSanitizer stops a multi-threaded process's child from starting threads";
#endif
  CacheScope scope(0);
  HelperScope helper(true);
  // Both processes grow a map to its array for B = 16 and wait for it to be resident.
  auto grow = [](Map<int64_t, int64_t>& m) {
    const auto* h = MapPeer::Header(m);
    for (int64_t n = 0; n < 400000 && AheadArrayOf(h).B != 16; n++) m.Set(n * 2654435761, n);
    gomap::internal::WaitPrefaultIdle();
    const auto ahead = AheadArrayOf(h);
    return ahead.B == 16 && ahead.helper && ahead.resident == ahead.bytes;
  };
  auto parent_map = Map<int64_t, int64_t>::Make();
  ASSERT_TRUE(grow(parent_map));  // the parent's helper is running now
  const pid_t pid = fork();
  ASSERT_NE(pid, -1);
  if (pid == 0) {
    alarm(60);
    auto child_map = Map<int64_t, int64_t>::Make();
    _exit(grow(child_map) && AuditClean(child_map) ? 0 : 1);
  }
  auto again = Map<int64_t, int64_t>::Make();
  EXPECT_TRUE(grow(again));
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
}

// A map made for n entries makes nothing ahead until it holds more than n, even when n
// is in the last sixteenth before the doubling.
TEST(GrowAhead, NotBeforeTheMapOutgrowsItsHint) {
  CacheScope scope;
  const int64_t hint = GrowAt(14) - 496;  // B = 14 for int64 keys
  auto m = Map<int64_t, int64_t>::Make(hint);
  const auto* h = MapPeer::Header(m);
  ASSERT_EQ(h->B, 14);
  ASSERT_GT(hint, GrowAt(14) - GrowAt(14) / 16);
  for (int64_t i = 0; i < hint; i++) m.Set(i * 2654435761, i);
  EXPECT_EQ(AheadArrayOf(h).B, -1);
  m.Set(hint * 2654435761, hint);
  EXPECT_EQ(AheadArrayOf(h).B, kArraysMapped ? 15 : -1);
  int64_t n = hint + 1;
  for (; h->oldbuckets == nullptr; n++) m.Set(n * 2654435761, n);
  EXPECT_EQ(h->next, nullptr);
  ASSERT_TRUE(AuditClean(m));
  for (int64_t i = 0; i < n; i++) ASSERT_EQ(m.Lookup(i * 2654435761).first, i) << i;
}

TEST(GrowAhead, DeletesClearAndDestructionWithAnArrayMadeAhead) {
  CacheScope scope;
  Counted::live = 0;
  {
    auto m = Map<std::string, Counted>::Make();
    int64_t n = 0;
    while (n < 100000 && AheadArrayOf(MapPeer::Header(m)).B < 0) {
      m.Set(LongKey(n), Counted(n));
      n++;
    }
    if (!kArraysMapped) {
      EXPECT_EQ(AheadArrayOf(MapPeer::Header(m)).B, -1);
      return;
    }
    ASSERT_GE(AheadArrayOf(MapPeer::Header(m)).B, 0);
    const void* made = MapPeer::Header(m)->next;
    // An iterator begun now sees every entry once through the doubling that follows.
    auto it = m.Range();
    const int64_t before = n;
    for (int64_t i = 0; i < n; i += 2) m.Delete(LongKey(i));  // deletes keep it
    EXPECT_EQ(MapPeer::Header(m)->next, made);
    ASSERT_TRUE(AuditClean(m));
    std::set<std::string> seen;
    while (it.Next()) ASSERT_TRUE(seen.insert(it.Key()).second) << it.Key();
    for (int64_t i = 1; i < before; i += 2) ASSERT_EQ(seen.count(LongKey(i)), 1u) << i;
    m.Clear();  // keeps B, and so the array made for B + 1
    EXPECT_EQ(MapPeer::Header(m)->next, made);
    EXPECT_EQ(Counted::live, 0);
    ASSERT_TRUE(AuditClean(m));
    // Refilled past the doubling, which takes it; every entry is there.
    for (n = 0; MapPeer::Header(m)->oldbuckets == nullptr; n++) m.Set(Key(n), Counted(n));
    EXPECT_EQ(static_cast<const void*>(MapPeer::Header(m)->buckets), made);
    ASSERT_TRUE(AuditClean(m));
    for (int64_t i = 0; i < n; i++) ASSERT_EQ(m.Lookup(Key(i)).first.v, i) << i;
    EXPECT_EQ(Counted::live, n);
    // Destroyed with the next one made ahead: it goes back like any grow array.
    while (AheadArrayOf(MapPeer::Header(m)).B < 0) {
      m.Set(Key(n), Counted(n));
      n++;
    }
    const size_t cached = CachedMappingBytes();
    m = Map<std::string, Counted>();
    EXPECT_GT(CachedMappingBytes(), cached);
  }
  EXPECT_EQ(Counted::live, 0);
  EXPECT_TRUE(gomap::internal::CachedMappingsAreZero());
}

}  // namespace ahead

}  // namespace
