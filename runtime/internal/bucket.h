// Buckets, tophash states and bucket arrays (Go's bmap, makeBucketArray, newoverflow).
//
// A bucket is raw memory laid out as Go lays it out:
//   tophash[8] | key[8] | elem[8] | overflow pointer
// A chain is a primary bucket plus its overflow buckets; slot order along the chain
// (bucket by bucket, slot 0..7) is the order lookup, insert, delete's back-propagation
// and evacuation all use.
//
// Ownership (what Go's GC does for Go): a BucketArray owns its primaries, its spare
// pool, and every heap overflow bucket linked into its chains. It is reference counted:
// the map holds its `buckets` and `oldbuckets`; an iterator holds its snapshot and the
// array it is walking. Whoever drops the last reference destroys the objects still
// living in it. An old array's evacuated slots hold live copies unless the chain was
// evacuated by moving (no iterator could see it), which the `cleared` bit records.
//
// Memory (tail latency, not behaviour): big arrays for grows are mapped straight from
// the kernel, whose pages come zeroed, so a grow costs no memset however big the array.
// When a grow completes and the map was the old array's last holder, the objects are
// destroyed at once (as before) but the memory is handed back a bounded piece per later
// write (HMap::dying, ReleaseStep): unmapping tens of megabytes in one go took
// milliseconds, all charged to the one insert that finished the grow. Released grow
// arrays are zeroed (the same bounded piece per write) and cached for the next array of
// their length instead of unmapped, while the process-wide cache has room (256 MiB;
// what stays unused for 10 s is unmapped), so that a map that grows again does not fault
// in fresh pages; so are the mapped arrays of maps made with a big hint, zeroed when the
// map is destroyed, for the next such map.
//
// A fresh mapping's pages fault on first touch, and a doubling touches its new array
// all over at once (every insert evacuates into two random buckets and writes a third).
// Taken that way, the faults were most of the time of growing a map to 1,000,000
// entries, and its slowest inserts, on a VM where a fault costs 11 us. So the array for
// the next doubling is made ahead (HMap::next, GrowAhead in grow.cc): from 3/4 of the
// load that triggers it (or past the hint, for a map made with a bigger one), and handed
// to the prefault helper thread (internal/prefault.h), which faults it in while the
// inserts go on. Without a helper (no thread could be started), from 15/16 of that load
// each insert that is due faults in one more piece itself (Prefault: a huge page, or
// 64 KiB of small pages in one madvise), spread so that the array is resident when
// HashGrow takes it. Only mapped grow arrays are made ahead; the heap's small ones are
// not, and a mapping reused from the cache is resident already. A map that stops growing
// in that last quarter (sixteenth) holds the array unused: memory for speed, as a map in
// the middle of a grow holds both arrays. bucket_array.cc has the measurements.
#ifndef GOMAP_RUNTIME_INTERNAL_BUCKET_H_
#define GOMAP_RUNTIME_INTERNAL_BUCKET_H_

#include <atomic>
#include <cstdint>
#include <cstring>
#include <vector>

#include "gomap/internal/bucket_scan.h"
#include "gomap/internal/hmap.h"
#include "gomap/internal/type.h"

namespace gomap::internal {

// kBucketCnt, the tophash states, the flag bits, TopHash, the SlotMask scans and the
// grow triggers are in gomap/internal/bucket_scan.h, shared with the lookup and the
// assign map.h inlines.

// Evacuation is judged on tophash[0] of the primary bucket only (Go's evacuated()).
[[gnu::always_inline]] inline bool Evacuated(const Bucket* b) {
  return b[0] > kEmptyOne && b[0] < kMinTopHash;
}

// Slot accessors. "Slot" is the bucket memory; "object" is the K or V (behind a
// pointer when stored indirectly). These, Evacuated and BucketArray::At are always
// inlined: GCC inlines them anyway, but in the fuzz preset clang kept each as a call
// (sanitizer checks make even a one-line accessor look big to its inliner), 38 call
// sites of At alone in audits, evacuation and DestroyObjects.
[[gnu::always_inline]] inline void* KeySlot(const MapType* t, Bucket* b, int i) {
  return b + t->keyoff + static_cast<size_t>(i) * t->keysize;
}
[[gnu::always_inline]] inline void* ElemSlot(const MapType* t, Bucket* b, int i) {
  return b + t->elemoff + static_cast<size_t>(i) * t->elemsize;
}
[[gnu::always_inline]] inline Bucket*& OverflowOf(const MapType* t, Bucket* b) {
  return *reinterpret_cast<Bucket**>(b + t->overflowoff);
}
[[gnu::always_inline]] inline void* KeyObj(const MapType* t, Bucket* b, int i) {
  void* s = KeySlot(t, b, i);
  return t->indirect_key() ? *static_cast<void**>(s) : s;
}
[[gnu::always_inline]] inline void* ElemObj(const MapType* t, Bucket* b, int i) {
  void* s = ElemSlot(t, b, i);
  return t->indirect_elem() ? *static_cast<void**>(s) : s;
}
// Objects of types over 128 bytes live in their own allocation.
void* AllocObject(uint32_t size, uint32_t align);
void FreeObject(void* p, uint32_t align);

class BucketArray {
 public:
  // 2^b zeroed primaries; for b >= 4 also 2^(b-4) spare overflow buckets (Go's
  // makeBucketArray). Throws std::bad_alloc; starts with one reference.
  // kForGrow: the array is for a grow, allocated inside the insert that starts it;
  // kAhead: for the next doubling, made ahead of it (GrowAhead). Big ones (256 KiB) are
  // mapped from the kernel (no memset, released piecemeal, cached for reuse); those made
  // ahead of 2 MiB or more on huge pages. Other arrays (make with a hint, clear) come
  // from the heap, where recycled memory costs less than fresh pages, except big ones
  // for make (2 MiB or more), mapped on huge pages too and cached for reuse (taken from
  // the cache when it holds a mapping of their length). A grow array made inside an
  // insert keeps small pages: its huge pages would be faulted in (2 MiB zeroed each)
  // during the grow (bucket_array.cc has the measurements).
  enum Use { kForMake, kForGrow, kAhead };
  static BucketArray* New(const MapType* t, uint8_t b, Use use = kForMake);

  void Retain() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Release();
  int64_t refs() const { return refs_.load(std::memory_order_acquire); }

  [[gnu::always_inline]] Bucket* At(uint64_t i) const { return base_ + i * t_->bucketsize; }
  uint8_t B() const { return B_; }
  uint64_t nbuckets() const { return BucketShift(B_); }
  // The array's own bytes: its primaries and its spare pool, from At(0).
  size_t bytes() const { return static_cast<size_t>(nbuckets() + nspare_) * t_->bucketsize; }

  // A zeroed bucket owned by this array, from the spare pool or the heap. Not linked
  // anywhere yet. Throws std::bad_alloc (heap only); the pool never fails.
  Bucket* AllocOverflow();
  // Destroys every live object and zeroes everything (Go's mapclear on the array).
  void Reset();

  // Deferred release of an array only the map references, which no longer reads it
  // (a finished grow's old array). BeginRelease destroys the objects now; each
  // ReleaseStep then frees a bounded piece of memory, the last one the array itself
  // (it returns true then). Release() still frees whatever is left at once.
  bool WorthDeferring() const;
  void BeginRelease();
  bool ReleaseStep();

  // Whether New(t, b, kAhead) maps its memory (only such arrays are made ahead).
  static bool MappedForGrow(const MapType* t, uint8_t b);
  // Release() for an array made ahead that no grow took: nobody wrote it, so there are
  // no objects to destroy and nothing to zero before it is cached.
  void ReleaseUnwritten();
  // Hands what is left to fault in of a mapped array that nobody has written yet to the
  // prefault helper thread (internal/prefault.h); false when there is nothing to hand or
  // no helper. WithdrawFromHelper takes it back, waiting for a step in progress: before
  // the map first writes the array (the doubling that takes it), and before its memory
  // is unmapped or cached (done by the release paths).
  bool PrefaultInBackground();
  void WithdrawFromHelper();
  // Faults in the next PrefaultStep() bytes (from the start) of a mapped array that
  // nobody has written yet; returns the bytes still to fault in (0 for heap arrays,
  // which need nothing). A step is a huge page where the array has them, else 64 KiB.
  size_t Prefault();
  size_t PrefaultStep() const;
  // The bytes the map still has to fault in itself: none once the helper has them.
  size_t PrefaultLeft() const { return queued_ ? 0 : mapped_ - resident_; }
  // For tests (AheadArrayOf): whether the helper has it, and what is resident (mincore).
  bool WithHelper() const { return queued_; }
  size_t ResidentBytes() const;
  size_t MappedBytes() const { return mapped_; }

  // Chains whose objects were destroyed by a moving evacuation.
  void MarkCleared(uint64_t j) { cleared_[j / 64] |= uint64_t{1} << (j % 64); }
  bool IsCleared(uint64_t j) const {
    return !cleared_.empty() && (cleared_[j / 64] >> (j % 64)) & 1;
  }
  // Spare pool bookkeeping (invariant I14).
  uint64_t next_spare() const { return next_spare_; }
  uint64_t nspare() const { return nspare_; }
  bool InArray(const Bucket* b) const {
    return b >= base_ && b < base_ + bytes();
  }

 private:
  BucketArray() = default;
  ~BucketArray();
  void DestroyObjects();
  void FreeHeapOverflow();
  // Reserves room in the cache of zeroed mappings for this one, if it is mapped and
  // there is room: the release then zeroes the first dirty_ bytes and caches the
  // mapping. Otherwise it can never be cached (false).
  bool StartCaching();

  std::atomic<int64_t> refs_{1};
  const MapType* t_ = nullptr;
  uint8_t B_ = 0;
  uint64_t nspare_ = 0;
  uint64_t next_spare_ = 0;  // index of the next unused spare, counted from the end of the primaries
  Bucket* base_ = nullptr;
  size_t mapped_ = 0;  // bytes of base_ still mapped (mmap'ed arrays); 0: from the heap
  size_t resident_ = 0;  // bytes from base_ that Prefault has faulted in
  bool queued_ = false;  // handed to the prefault helper (PrefaultInBackground)
  bool huge_ = false;    // mapped on huge page boundaries, advised to use them
  bool unwritten_ = false;  // ReleaseUnwritten: all zero, never held objects
  bool objects_destroyed_ = false;  // BeginRelease ran
  // cacheable_: mapped, and not given up on by StartCaching; caching_: room
  // is reserved in the cache, and the first dirty_ bytes are still to be zeroed.
  bool cacheable_ = false;
  bool caching_ = false;
  size_t dirty_ = 0;
  std::vector<Bucket*> heap_overflow_;
  std::vector<uint64_t> cleared_;  // one bit per primary; only for types with objects
};

// Every change of h->buckets goes through here, so that h->bucket0 and h->bucketmask
// follow.
inline void SetBuckets(HMap* h, BucketArray* a) {
  h->buckets = a;
  h->bucket0 = a != nullptr ? a->At(0) : const_cast<Bucket*>(kNoBuckets);
  h->bucketmask = a != nullptr ? a->nbuckets() - 1 : 0;
}

// True when slots hold objects that need destructors or own allocations.
inline bool HasObjects(const MapType* t) {
  return !(t->trivial_key() && t->trivial_elem()) || t->indirect_key() || t->indirect_elem();
}

}  // namespace gomap::internal

#endif  // GOMAP_RUNTIME_INTERNAL_BUCKET_H_
