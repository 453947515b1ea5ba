// Declarations shared by the operation files (access, assign, delete, clear, grow,
// iter, audit). Each helper names its Go original.
#ifndef GOMAP_RUNTIME_INTERNAL_CORE_H_
#define GOMAP_RUNTIME_INTERNAL_CORE_H_

#include <atomic>
#include <cstdint>

#include "gomap/internal/hmap.h"
#include "internal/bucket.h"
#include "internal/key_ops.h"
#include "internal/mutants.h"

namespace gomap::internal {

inline uint8_t Flags(const HMap* h) { return h->flags.load(std::memory_order_relaxed); }
// Go's four bits, without gomap's kGrowing: what Stats and Dump show.
inline uint8_t GoFlags(const HMap* h) { return Flags(h) & static_cast<uint8_t>(~kGrowing); }
inline bool Growing(const HMap* h) { return h->oldbuckets != nullptr; }      // h.growing()
inline bool SameSizeGrow(const HMap* h) { return Flags(h) & kSameSizeGrow; }  // h.sameSizeGrow()
inline uint64_t NOldBuckets(const HMap* h) {                                // h.noldbuckets()
  uint64_t n = BucketShift(h->B);
  if (!SameSizeGrow(h)) n >>= 1;
  return n;
}
inline uint64_t OldBucketMask(const HMap* h) { return NOldBuckets(h) - 1; }  // h.oldbucketmask()
// The end of a grow, at the end of the evacuation or by a clear: oldbuckets goes, and with
// it sameSizeGrow and kGrowing (set exactly while oldbuckets is). Returns the old array,
// for the caller to let go of.
inline BucketArray* EndGrow(HMap* h) {
  BucketArray* old = h->oldbuckets;
  h->oldbuckets = nullptr;
  h->flags.fetch_and(static_cast<uint8_t>(~(kSameSizeGrow | kGrowing)),
                     std::memory_order_relaxed);
  return old;
}

// grow.cc: the deferred release of a finished grow's old array (bucket.h: "Memory").
// RetireArray drops the map's reference to an array it stopped using; every write then
// frees a piece (ReleaseDyingStep) until it is gone; FinishDying frees the rest at once.
void RetireArray(HMap* h, BucketArray* a);
void ReleaseDyingStep(HMap* h);
void FinishDying(HMap* h);

// grow.cc: the next doubling's array made ahead (bucket.h: "Memory"). GrowAhead is
// called by an insert that brought count to h->ahead_at: it makes or faults in a piece
// of h->next and sets the next ahead_at. AheadFrom(h) is where that starts at h->B.
void GrowAhead(HMap* h);
int64_t AheadFrom(const HMap* h);

// The writer protocol of mapassign/mapdelete/mapclear: the caller has already checked
// hashWriting and hashed the key (a throwing hash must leave the map untouched); this
// toggles the bit (XOR, as Go: two racing writers cancel and one gets caught at exit),
// and Finish() checks it is still set before clearing it. If an exception escapes
// (user equality, copy or move; allocation), the bit is cleared so the map stays usable.
class WriteScope {
 public:
  explicit WriteScope(HMap* h) : h_(h) { BeginWrite(h_); }
  WriteScope(const WriteScope&) = delete;
  WriteScope& operator=(const WriteScope&) = delete;
  ~WriteScope() {
    if (!done_) h_->flags.fetch_and(static_cast<uint8_t>(~kHashWriting));
  }
  [[gnu::always_inline]] void Finish() {
    done_ = true;
    if (h_->dying != nullptr) [[unlikely]] ReleaseDyingStep(h_);
    EndWrite(h_);
  }

 private:
  HMap* h_;
  bool done_ = false;
};

// random.cc
uint32_t NewHash0();
// fatal.cc: the internal-bug channel (Go's throw): message, layout dump, abort.
[[noreturn]] void Throw(const HMap* h, const char* msg);
// access.cc: mapaccessK, the lookup iteration uses for entries that moved.
bool MapAccessK(const HMap* h, const void* key, const void** rk, const void** re);
// grow.cc
void HashGrow(HMap* h);
template <KeyKind kKind>
void GrowWork(HMap* h, uint64_t bucket);
void IncrNOverflow(HMap* h);
Bucket* NewOverflow(HMap* h, Bucket* b);
// audit.cc: whether the n bytes at p are all zero (scanned without sanitizer checks,
// after ASan has checked the range as a whole).
bool AllZero(const void* p, size_t n);

}  // namespace gomap::internal

#endif  // GOMAP_RUNTIME_INTERNAL_CORE_H_
