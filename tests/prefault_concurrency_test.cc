// The prefault helper thread (runtime/internal/prefault.h) working for several maps at
// once, on several threads.
//
// A map big enough to map its arrays makes the next doubling's array ahead and hands it
// to the helper, which writes to its pages until the map takes the array (the doubling)
// or gives it up (destroyed: unmapped, or zeroed and cached). Nothing of that may be
// observable but page residency: under ThreadSanitizer (the tsan preset runs this suite)
// every helper write must be ordered before the map's own use of the memory, a write
// after the unmap would fault, and in every build each map holds exactly what was put in
// it and audits clean.
//
// Scenarios: kWriters threads each grow maps of their own (int64 and string keys) to
// their first array made ahead on huge pages (2 MiB or more), then, in turn: destroy
// the map at once, double it at once (the map writes the array the helper was working
// on), or clear it and destroy it. And one map whose next array is in the helper's hands
// is read by kReaders threads while the helper works (reads touch the current array
// only), then doubled. The cache of released arrays is off for the suite's scenarios, so
// that every array is a fresh mapping with pages for the helper to fault in.
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "gomap/internal/peer.h"
#include "gomap/map.h"

namespace {

using gomap::internal::AheadArrayOf;
using gomap::internal::MapPeer;

constexpr int kWriters = 4;
constexpr int kReaders = 4;
constexpr size_t kHugePage = size_t{2} << 20;

template <class K>
K KeyOf(int64_t i);
template <>
int64_t KeyOf<int64_t>(int64_t i) {
  return i * 2654435761 + 17;
}
template <>
std::string KeyOf<std::string>(int64_t i) {
  return "prefault-" + std::to_string(i);
}

// Fresh mappings only, and the helper on, for a scope.
class FreshArrays {
 public:
  FreshArrays()
      : budget_(gomap::internal::SetMappingCacheBudget(0)),
        helper_(gomap::internal::SetPrefaultHelper(true)) {
    gomap::FreeOSMemory();
  }
  ~FreshArrays() {
    gomap::internal::WaitPrefaultIdle();
    gomap::internal::SetPrefaultHelper(helper_);
    gomap::internal::SetMappingCacheBudget(budget_);
  }

 private:
  size_t budget_;
  bool helper_;
};

// Inserts keys n, n+1, ... until the map holds an array made ahead of at least a huge
// page; returns the new n, or -1 if none came (heap arrays: AddressSanitizer builds).
template <class K>
int64_t GrowToHugeAhead(gomap::Map<K, int64_t>& m, int64_t n) {
  const auto* h = MapPeer::Header(m);
  for (; n < 200000; n++) {
    const auto ahead = AheadArrayOf(h);
    if (ahead.B >= 0 && ahead.bytes >= kHugePage) return n;
    m.Set(KeyOf<K>(n), n);
  }
  return -1;
}

// Every key below n is there with its value, and the map audits clean; else what is not.
template <class K>
std::string Check(const gomap::Map<K, int64_t>& m, int64_t n) {
  if (m.Len() != n) return "Len " + std::to_string(m.Len()) + ", want " + std::to_string(n);
  for (int64_t i = 0; i < n; i++) {
    auto [v, ok] = m.Lookup(KeyOf<K>(i));
    if (!ok || v != i) return "key " + std::to_string(i) + " lost or wrong";
  }
  const std::vector<std::string> audit = m.Audit();
  return audit.empty() ? "" : "audit: " + audit.front();
}

template <class K>
std::string GrowAndGiveUp(int writer, int rounds) {
  for (int round = 0; round < rounds; round++) {
    auto m = gomap::Map<K, int64_t>::Make();
    const auto* h = MapPeer::Header(m);
    int64_t n = GrowToHugeAhead(m, 0);
    if (n < 0) return gomap::internal::BigArraysAreMapped() ? "no array made ahead" : "";
    if (!AheadArrayOf(h).helper) return "the array made ahead is not with the helper";
    switch ((writer + round) % 3) {
      case 0:  // destroyed at once: unmapped while the helper may be writing to it
        m = gomap::Map<K, int64_t>();
        break;
      case 1:  // doubled at once: the map writes the array next
        for (; h->oldbuckets == nullptr; n++) m.Set(KeyOf<K>(n), n);
        for (; h->oldbuckets != nullptr; n++) m.Set(KeyOf<K>(n), n);
        if (std::string e = Check(m, n); !e.empty()) return e;
        break;
      case 2:  // cleared (which keeps the array made ahead), then destroyed
        m.Clear();
        if (std::string e = Check(m, 0); !e.empty()) return "after Clear: " + e;
        m = gomap::Map<K, int64_t>();
        break;
    }
  }
  return "";
}

TEST(PrefaultHelper, MapsOnSeveralThreadsGiveUpArraysWhileItWorks) {
  FreshArrays fresh;
  std::vector<std::string> errors(kWriters);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; w++) {
    writers.emplace_back([w, &errors] {
      errors[w] = w % 2 == 0 ? GrowAndGiveUp<int64_t>(w, 6) : GrowAndGiveUp<std::string>(w, 6);
    });
  }
  for (auto& t : writers) t.join();
  for (int w = 0; w < kWriters; w++) EXPECT_EQ(errors[w], "") << "writer " << w;
}

TEST(PrefaultHelper, ReadersWhileItFaultsInTheNextArray) {
  FreshArrays fresh;
  for (int round = 0; round < 3; round++) {
    auto m = gomap::Map<std::string, int64_t>::Make();
    int64_t n = GrowToHugeAhead(m, 0);
    if (n < 0) {
      EXPECT_FALSE(gomap::internal::BigArraysAreMapped());
      return;
    }
    std::vector<std::string> errors(kReaders);
    std::vector<std::thread> readers;
    for (int r = 0; r < kReaders; r++) {
      readers.emplace_back([&m, n, r, &errors] {
        for (int64_t i = r; i < n; i += kReaders) {
          auto [v, ok] = m.Lookup(KeyOf<std::string>(i));
          if (!ok || v != i) {
            errors[r] = "key " + std::to_string(i) + " lost or wrong";
            return;
          }
        }
        for (auto it = m.Range(); it.Next();) {
          if (KeyOf<std::string>(it.Value()) != it.Key()) {
            errors[r] = "range: " + it.Key() + " holds " + std::to_string(it.Value());
            return;
          }
        }
      });
    }
    for (auto& t : readers) t.join();
    for (int r = 0; r < kReaders; r++) EXPECT_EQ(errors[r], "") << "reader " << r;
    // The writer again, through the doubling that takes the array.
    const auto* h = MapPeer::Header(m);
    for (; h->oldbuckets == nullptr; n++) m.Set(KeyOf<std::string>(n), n);
    EXPECT_EQ(Check(m, n), "");
  }
}

}  // namespace
