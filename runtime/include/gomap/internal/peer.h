// The one door tests and tools use into a map's internals (like Go's export_test.go).
// Not for production code: nothing here is stable API.
#ifndef GOMAP_INTERNAL_PEER_H_
#define GOMAP_INTERNAL_PEER_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "gomap/internal/bucket_scan.h"
#include "gomap/internal/hmap.h"

namespace gomap::internal {

// Go's hmap.flags bits, under the names tests use (values: bucket_scan.h).
inline constexpr uint8_t kFlagIterator = kIterator;
inline constexpr uint8_t kFlagOldIterator = kOldIterator;
inline constexpr uint8_t kFlagHashWriting = kHashWriting;
inline constexpr uint8_t kFlagSameSizeGrow = kSameSizeGrow;

// Bytes of released grow arrays kept zeroed for reuse (runtime/bucket_array.cc,
// MappingCache); FreeOSMemory (map.h) unmaps them.
size_t CachedMappingBytes();
// Sets the cache's budget (256 MiB unless changed); returns the previous one.
size_t SetMappingCacheBudget(size_t bytes);
// Sets how long a cached mapping stays unused before the cache's thread unmaps it (10 s
// unless changed; at most a day); returns the previous value.
int64_t SetMappingCacheDecayMs(int64_t ms);
// Whether every byte of every cached mapping is zero (reads them all).
bool CachedMappingsAreZero();
// The cached mappings, as (start, length in bytes).
std::vector<std::pair<const void*, size_t>> CachedMappings();
// Whether big arrays are mapped (and so cached) at all: not under AddressSanitizer,
// where every array comes from the heap.
bool BigArraysAreMapped();
// The array a map is making ahead for its next doubling (HMap::next): its B; the bytes
// of it the map still faults in itself (none once the prefault helper has it); whether
// the helper has it; and how many of its bytes are resident (mincore). B is -1 when
// there is none.
struct AheadArray {
  int B = -1;
  size_t left = 0;
  bool helper = false;
  size_t resident = 0;
  size_t bytes = 0;  // mapped
};
AheadArray AheadArrayOf(const HMap* h);
// The prefault helper thread (runtime/internal/prefault.h): whether maps hand their
// arrays made ahead to it (they do unless set off; returns the previous setting), and
// waiting until it has worked through everything handed to it.
bool SetPrefaultHelper(bool on);
void WaitPrefaultIdle();

struct MapPeer {
  template <class M>
  static HMap* Header(const M& m) {
    return m.h_;
  }
  // Puts the map in the state a writer running on another thread leaves it in.
  template <class M>
  static void SetWriting(const M& m, bool on) {
    if (on) {
      m.h_->flags.fetch_or(kFlagHashWriting);
    } else {
      m.h_->flags.fetch_and(static_cast<uint8_t>(~kFlagHashWriting));
    }
  }
  template <class M>
  static uint8_t Flags(const M& m) {
    return m.h_ ? m.h_->flags.load() : 0;
  }
  // Whether M's Set() and Delete() do the common case inline (Map::InlineAssign,
  // Map::InlineDelete and their string twins) before MapAssign and MapDelete.
  template <class M>
  static constexpr bool InlinesAssign() {
    return M::kInlineAssign;
  }
  // m[k] = v through MapAssign, never inline (m is not nil): the twin the inline assigns
  // are tested against, with the same key kind and slots.
  template <class M, class K, class V>
  static void AssignInCore(M& m, const K& k, V v) {
    const auto& key = M::CoreKey(k);
    MapAssign<M::kKind>(m.h_, &key, &v);
  }
  // delete(m, k) through MapDelete, never inline (m is not nil).
  template <class M, class K>
  static void DeleteInCore(M& m, const K& k) {
    const auto& key = M::CoreKey(k);
    MapDelete<M::kKind>(m.h_, &key);
  }
};

}  // namespace gomap::internal

#endif  // GOMAP_INTERNAL_PEER_H_
