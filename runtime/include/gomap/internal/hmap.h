// The map header (Go's hmap), the iterator state (Go's hiter) and the entry points
// of the type-erased core. The template Map in <gomap/map.h> is a thin typed shell
// over these; runtime/*.cc implements them, one Go operation per file.
#ifndef GOMAP_INTERNAL_HMAP_H_
#define GOMAP_INTERNAL_HMAP_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "gomap/internal/bucket_scan.h"
#include "gomap/internal/type.h"

namespace gomap {

// A snapshot of the map header, for tests, reports and tools.
struct Stats {
  int64_t count = 0;
  uint8_t B = 0;
  uint16_t noverflow = 0;
  uint8_t flags = 0;        // Go's bits: 1 iterator, 2 oldIterator, 4 hashWriting, 8 sameSizeGrow
  uint32_t hash0 = 0;
  bool growing = false;     // oldbuckets != null
  bool same_size_grow = false;
  uint64_t nevacuate = 0;
  uint64_t noldbuckets = 0;        // 0 when not growing
  uint64_t overflow_buckets = 0;   // reachable from the current array's chains
  uint64_t old_overflow_buckets = 0;

  friend bool operator==(const Stats&, const Stats&) = default;  // field by field
};

namespace internal {

class BucketArray;  // bucket_array.h (private)

// Go's hmap. Field names are Go's. `flags` is atomic so that misuse detection and
// concurrent iterator starts are not data races of their own; every other field is
// written only under the writer protocol (hashWriting).
struct HMap {
  int64_t count = 0;
  std::atomic<uint8_t> flags{0};
  uint8_t B = 0;
  uint16_t noverflow = 0;
  uint32_t hash0 = 0;
  BucketArray* buckets = nullptr;
  // gomap: the memory of `buckets` (bucket 0), for the lookup <gomap/map.h> inlines;
  // set together with `buckets` (SetBuckets), kNoBuckets exactly when that is null.
  unsigned char* bucket0 = const_cast<unsigned char*>(kNoBuckets);
  // gomap: bucketMask(B) of `buckets` (0 without buckets), set with bucket0, so that the
  // inlined lookup reads its mask instead of computing it from B.
  uint64_t bucketmask = 0;
  BucketArray* oldbuckets = nullptr;
  uint64_t nevacuate = 0;
  // gomap: bumped by every MapClear so that iterators begun before it stop
  // (the language rule; Go 1.19 could yield cleared entries, Go issues 59411, 70189).
  uint64_t clear_seq = 0;
  // gomap: the old array of a finished grow whose memory is being handed back a piece
  // per write (bucket.h: "Memory"). Nothing reads it; no iterator holds it.
  BucketArray* dying = nullptr;
  // gomap: the array the next doubling will take, made before it is due and faulted in
  // a piece per insert (bucket.h: "Memory"); null when none is being prepared. Nothing
  // reads or writes its buckets until HashGrow takes it.
  BucketArray* next = nullptr;
  // gomap: the count at which an insert next works on `next` (GrowAhead, grow.cc).
  int64_t ahead_at = INT64_MAX;
  // Map handles and live iterators sharing this table; the last one frees it.
  std::atomic<int64_t> refs{1};
  const MapType* type = nullptr;  // owned
};

// Go's hiter, plus the references that replace Go's GC keep-alive: an iterator
// holds the table, its snapshot array and the array it is currently walking.
struct HIter {
  const void* key = nullptr;   // current result; null when finished
  const void* elem = nullptr;
  HMap* h = nullptr;
  BucketArray* buckets = nullptr;   // snapshot at start (it.buckets)
  unsigned char* base = nullptr;    // its memory (bucket 0), for the walk map.h inlines
  BucketArray* cur = nullptr;       // array that bptr points into
  unsigned char* bptr = nullptr;    // current bucket
  uint64_t startBucket = 0;
  uint8_t offset = 0;
  bool wrapped = false;
  uint8_t B = 0;
  uint8_t i = 0;
  uint64_t bucket = 0;
  uint64_t checkBucket = 0;
  uint64_t clear_seq = 0;
};

// ---- entry points (runtime/*.cc) -------------------------------------------------
HMap* MakeMap(const MapType* t, int64_t hint);  // takes ownership of t
void RetainMap(HMap* h);
void ReleaseMap(HMap* h);

// mapaccess: elem of key, or null when absent. h may be empty, never null.
template <KeyKind kKind>
const void* MapAccess(const HMap* h, const void* key);
// mapassign + store: m[key] = *elem (elem is moved from).
template <KeyKind kKind>
void MapAssign(HMap* h, const void* key, void* elem);
template <KeyKind kKind>
void MapDelete(HMap* h, const void* key);
void MapClear(HMap* h);

void MapIterInit(HIter* it, HMap* h);
void MapIterNext(HIter* it);
void MapIterRelease(HIter* it);  // drops the references; safe on a finished iterator

Stats MapStats(const HMap* h);
std::vector<std::string> MapAudit(const HMap* h);
std::string MapDump(const HMap* h, size_t max_buckets = 64);

// The fatal-error channel (user misuse): calls the handler, never returns.
[[noreturn]] void Fatal(const char* msg);

// The two ends of a write (mapassign, mapdelete, mapclear), for WriteScope
// (runtime/internal/core.h) and the assign <gomap/map.h> inlines. BeginWrite toggles
// hashWriting (XOR, as Go: two racing writers cancel and one gets caught at exit); a
// plain read-modify-write, as Go's `h.flags ^= hashWriting` is: a locked one would cost
// more than the rest of a small insert and buys nothing, since writers racing at all is
// the misuse being detected (best effort, as in Go). EndWrite checks the bit is still
// set, then clears it.
inline void BeginWrite(HMap* h) {
  h->flags.store(static_cast<uint8_t>(h->flags.load(std::memory_order_relaxed) ^ kHashWriting),
                 std::memory_order_relaxed);
}
inline void EndWrite(HMap* h) {
  const uint8_t f = h->flags.load(std::memory_order_relaxed);
  if (!(f & kHashWriting)) Fatal("concurrent map writes");
  h->flags.store(static_cast<uint8_t>(f & ~kHashWriting), std::memory_order_release);
}

}  // namespace internal
}  // namespace gomap

#endif  // GOMAP_INTERNAL_HMAP_H_
