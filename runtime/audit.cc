// The invariant auditor (go-map-semantics §6) and the header snapshot behind Stats.
//
// Audit reads a quiescent map and returns one line per broken invariant, each starting
// with "invariant I<n>:" and naming the array, bucket, overflow depth and slot. It never
// draws randomness (NaN-like keys are recognised with k != k before anything is hashed)
// and never changes the map, so calling it after every operation leaves a run as it was.
#include <sanitizer/asan_interface.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "gomap/internal/sanitizers.h"
#include "internal/core.h"

namespace gomap::internal {

#ifdef GOMAP_ASAN
namespace {
// An instrumented one-byte read of a in a function of its own, so that AddressSanitizer
// reports it as it would any bad read: the kind (freed, out of bounds) and the stacks.
[[gnu::noinline]] void ReadByte(const void* a) {
  (void)*static_cast<const volatile unsigned char*>(a);
}
}  // namespace
#endif

// Most buckets and slots an audit looks at are empty ones checked here, after many ops of
// every fuzz input. The scan itself is built without instrumentation: no sanitizer
// coverage (a byte scan teaches a fuzzer nothing, and a comparison hook on every word
// was most of an audit's time in the fuzz preset), and no ASan or UBSan checks, which
// kept it from vectorising and cost a shadow test per word (AllZero was the first symbol
// in throwing_fuzzer's profile). ASan still sees a bad read: a range's shadow is checked
// as a whole first (CheckReadable), and a poisoned byte is read where ASan reports it.
// AllZero checks its own range; the auditor checks each bucket array, and each heap
// overflow bucket of a chain it walks, once, before scanning the buckets and slots in it
// (checks per bucket and per empty slot were a quarter of an audit in throwing_fuzzer).
#if defined(__clang__)
__attribute__((no_sanitize("coverage", "address", "undefined")))
#else
__attribute__((no_sanitize("address", "undefined")))
#endif
static bool ScanZero(const void* p, size_t n) {
  const auto* c = static_cast<const unsigned char*>(p);
  uint64_t any = 0;
  size_t k = 0;
  for (; k + 8 <= n; k += 8) {
    uint64_t w;
    std::memcpy(&w, c + k, 8);
    any |= w;
  }
  for (; k < n; k++) any |= c[k];
  return any == 0;
}

static void CheckReadable([[maybe_unused]] const void* p, [[maybe_unused]] size_t n) {
#ifdef GOMAP_ASAN
  if (void* bad = __asan_region_is_poisoned(const_cast<void*>(p), n)) ReadByte(bad);
#endif
}

bool AllZero(const void* p, size_t n) {
  CheckReadable(p, n);
  return ScanZero(p, n);
}

namespace {

class Auditor {
 public:
  explicit Auditor(const HMap* h)
      : h_(h), t_(h->type), scratch_(spare_ ? std::move(spare_) : std::make_unique<Scratch>()) {}
  ~Auditor() {
    if (!spare_) spare_ = std::move(scratch_);
  }

  std::vector<std::string> Run() {
    const uint8_t flags = Flags(h_);
    if (flags & kHashWriting) Fail("invariant I1: hashWriting is set on a quiescent map");
    if ((flags & kSameSizeGrow) && !Growing(h_)) {
      Fail("invariant I1: sameSizeGrow is set while not growing");
    }
    if (static_cast<bool>(flags & kGrowing) != Growing(h_)) {
      Fail("invariant I1: the growing bit is %s while oldbuckets is %s",
           (flags & kGrowing) ? "set" : "clear", Growing(h_) ? "set" : "null");
    }
    if (h_->bucket0 != (h_->buckets ? h_->buckets->At(0) : kNoBuckets)) {
      Fail("invariant I2: bucket0 is not the memory of buckets");
    }
    if (h_->bucketmask != (h_->buckets ? h_->buckets->nbuckets() - 1 : 0)) {
      Fail("invariant I2: bucketmask %llu is not that of buckets",
           static_cast<unsigned long long>(h_->bucketmask));
    }
    if (h_->buckets == nullptr) {
      if (h_->B != 0 || h_->count != 0 || Growing(h_)) {
        Fail("invariant I2: no buckets but B=%d count=%lld growing=%d", h_->B,
             static_cast<long long>(h_->count), Growing(h_));
      }
      return std::move(out_);
    }
    if (h_->buckets->B() != h_->B) {
      Fail("invariant I2: the bucket array has 2^%d buckets but B=%d", h_->buckets->B(), h_->B);
      return std::move(out_);
    }
    if (h_->B == 0 && Growing(h_)) Fail("invariant I2: growing at B=0");
    if (h_->next != nullptr && (h_->next->B() != h_->B + 1 || h_->next->refs() != 1)) {
      Fail("invariant I2: the array made ahead has 2^%d buckets at B=%d and %lld holders",
           h_->next->B(), h_->B, static_cast<long long>(h_->next->refs()));
    }
    // An old array of the wrong size cannot be walked: stop at the header's report.
    if (!CheckGrowBookkeeping()) return std::move(out_);
    // The arrays' bytes are checked for ASan once here, their heap overflow buckets in
    // Walk; the empty buckets and slots inside are then scanned without a check each.
    CheckReadable(h_->buckets->At(0), h_->buckets->bytes());
    if (Growing(h_)) CheckReadable(h_->oldbuckets->At(0), h_->oldbuckets->bytes());

    int64_t live = 0;
    uint64_t overflow = 0;
    for (uint64_t i = 0; i < BucketShift(h_->B); i++) {
      // A bucket of zero bytes has no overflow bucket and only clean emptyRest slots:
      // every check below passes, so skip the slot-by-slot walk (most buckets of a map
      // made with a big hint, or of a fresh grow array, look like this).
      Bucket* b = h_->buckets->At(i);
      if (ScanZero(b, t_->bucketsize)) continue;
      Chain& c = Walk(h_->buckets, b);
      overflow += c.buckets - 1;
      CheckLiveChain("new", i, c, BucketMask(h_->B), i);
      live += c.full;
      if (Growing(h_)) CheckUntouchedDestination(i, c);
    }
    if (Growing(h_)) {
      for (uint64_t j = 0; j < NOldBuckets(h_); j++) {
        Bucket* ob = h_->oldbuckets->At(j);
        if (ScanZero(ob, t_->bucketsize)) continue;  // not evacuated, and clean (as above)
        Chain& c = Walk(h_->oldbuckets, ob);
        if (Evacuated(ob)) {
          CheckEvacuatedChain(j, c);
        } else {
          CheckLiveChain("old", j, c, OldBucketMask(h_), j);
          live += c.full;
        }
      }
    }
    if (live != h_->count) {
      Fail("invariant I9: count=%lld but %lld live slots", static_cast<long long>(h_->count),
           static_cast<long long>(live));
    }
    if (h_->B == 0 && overflow != 0) Fail("invariant I2: overflow buckets at B=0");
    if (h_->B < 16 && h_->noverflow != overflow) {
      Fail("invariant I13: noverflow=%u but %llu overflow buckets reachable", h_->noverflow,
           static_cast<unsigned long long>(overflow));
    }
    if (h_->buckets->next_spare() > h_->buckets->nspare()) {
      Fail("invariant I14: spare pool cursor past the end of the array");
    }
    return std::move(out_);
  }

 private:
  struct Slot {
    Bucket* b;
    int depth;  // 0 = primary, 1 = first overflow bucket, ...
    int i;
  };
  struct Chain {
    std::vector<Slot> slots;
    uint64_t buckets = 0;
    int64_t full = 0;
  };

  // The chain's slots, in a buffer reused from chain to chain. Its buckets outside the
  // array a (from the heap) are checked for ASan here.
  Chain& Walk(const BucketArray* a, Bucket* head) {
    Chain& c = scratch_->chain;
    c.slots.clear();
    c.buckets = 0;
    c.full = 0;
    int depth = 0;
    for (Bucket* b = head; b != nullptr; b = OverflowOf(t_, b), depth++) {
      c.buckets++;
      if (!a->InArray(b)) CheckReadable(b, t_->bucketsize);
      for (int i = 0; i < kBucketCnt; i++) c.slots.push_back(Slot{b, depth, i});
    }
    return c;
  }

  // False when the old array's size disagrees with B and sameSizeGrow.
  bool CheckGrowBookkeeping() {
    if (!Growing(h_)) {
      uint64_t n = h_->nevacuate;
      if (n != 0 && n != BucketShift(h_->B) && !(h_->B > 0 && n == BucketShift(h_->B - 1))) {
        Fail("invariant I3: not growing but nevacuate=%llu", static_cast<unsigned long long>(n));
      }
      return true;
    }
    uint64_t nold = NOldBuckets(h_);
    if (h_->oldbuckets->nbuckets() != nold) {
      Fail("invariant I3: old array has %llu buckets, expected %llu",
           static_cast<unsigned long long>(h_->oldbuckets->nbuckets()),
           static_cast<unsigned long long>(nold));
      return false;
    }
    if (h_->nevacuate >= nold) {
      Fail("invariant I3: growing with nevacuate=%llu >= %llu old buckets",
           static_cast<unsigned long long>(h_->nevacuate), static_cast<unsigned long long>(nold));
    }
    for (uint64_t j = 0; j < std::min(h_->nevacuate, nold); j++) {
      if (!Evacuated(h_->oldbuckets->At(j))) {
        Fail("invariant I3: old bucket %llu is below nevacuate but not evacuated",
             static_cast<unsigned long long>(j));
      }
    }
    return true;
  }

  // I5/I6 (no marks), I8 (chain shape), I10 (placement), I11 (uniqueness), I12 (clean
  // empties); counts the full slots.
  void CheckLiveChain(const char* where, uint64_t index, Chain& c, uint64_t mask,
                      uint64_t want) {
    bool seen_rest = false;
    int last_not_rest = -1;
    std::vector<std::pair<uint8_t, const void*>>& keys = scratch_->keys;  // reused
    keys.clear();
    for (size_t s = 0; s < c.slots.size(); s++) {
      const Slot& sl = c.slots[s];
      uint8_t top = sl.b[sl.i];
      if (top == kEmptyRest) {
        seen_rest = true;
        CheckClean(where, index, sl);
        continue;
      }
      last_not_rest = static_cast<int>(s);
      if (seen_rest) {
        Fail("invariant I8: slot after emptyRest is %s, %s bucket %llu overflow %d slot %d",
             top == kEmptyOne ? "emptyOne" : "not empty", where,
             static_cast<unsigned long long>(index), sl.depth, sl.i);
      }
      if (top == kEmptyOne) {
        CheckClean(where, index, sl);
        continue;
      }
      if (top < kMinTopHash) {
        Fail("invariant %s: evacuation mark %d in a live chain, %s bucket %llu overflow %d "
             "slot %d",
             where[0] == 'n' ? "I6" : "I5", top, where, static_cast<unsigned long long>(index),
             sl.depth, sl.i);
        continue;
      }
      c.full++;
      const void* k = KeyObj(t_, sl.b, sl.i);
      if (!t_->reflexive_key() && !t_->equal(t_, k, k)) continue;  // NaN-like: exempt
      uint64_t hash = t_->hasher(t_, k, h_->hash0);
      if (TopHash(hash) != top) {
        Fail("invariant I10: tophash %d but the key hashes to %d, %s bucket %llu overflow %d "
             "slot %d key %s",
             top, TopHash(hash), where, static_cast<unsigned long long>(index), sl.depth, sl.i,
             t_->key_string(k).c_str());
      }
      if ((hash & mask) != want) {
        Fail("invariant I10: key belongs in bucket %llu, %s bucket %llu overflow %d slot %d "
             "key %s",
             static_cast<unsigned long long>(hash & mask), where,
             static_cast<unsigned long long>(index), sl.depth, sl.i, t_->key_string(k).c_str());
      }
      keys.emplace_back(top, k);
    }
    if (last_not_rest >= 0) {
      const Slot& sl = c.slots[last_not_rest];
      if (sl.b[sl.i] == kEmptyOne) {
        Fail("invariant I8: emptyOne with no live slot after it, %s bucket %llu overflow %d "
             "slot %d",
             where, static_cast<unsigned long long>(index), sl.depth, sl.i);
      }
    }
    // Equal keys share a hash, hence a chain and a tophash: compare within tophash groups.
    std::sort(keys.begin(), keys.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t a = 0; a < keys.size(); a++) {
      for (size_t b = a + 1; b < keys.size() && keys[b].first == keys[a].first; b++) {
        if (t_->equal(t_, keys[a].second, keys[b].second)) {
          Fail("invariant I11: key %s stored twice in %s bucket %llu",
               t_->key_string(keys[a].second).c_str(), where,
               static_cast<unsigned long long>(index));
        }
      }
    }
  }

  void CheckClean(const char* where, uint64_t index, const Slot& sl) {
    const void* es = ElemSlot(t_, sl.b, sl.i);
    if (t_->elemsize != 0 && !ScanZero(es, t_->elemsize)) {
      Fail("invariant I12: empty slot with a non-zero elem, %s bucket %llu overflow %d slot %d",
           where, static_cast<unsigned long long>(index), sl.depth, sl.i);
    }
    if ((t_->indirect_key() || !t_->trivial_key()) &&
        !ScanZero(KeySlot(t_, sl.b, sl.i), t_->keysize)) {
      Fail("invariant I12: empty slot still holds a key object, %s bucket %llu overflow %d "
           "slot %d",
           where, static_cast<unsigned long long>(index), sl.depth, sl.i);
    }
  }

  void CheckEvacuatedChain(uint64_t j, const Chain& c) {
    for (const Slot& sl : c.slots) {
      uint8_t top = sl.b[sl.i];
      if (top < kEvacuatedX || top > kEvacuatedEmpty) {
        Fail("invariant I4: evacuated old bucket %llu has state %d at overflow %d slot %d",
             static_cast<unsigned long long>(j), top, sl.depth, sl.i);
      }
    }
  }

  // I7: a new bucket whose old bucket is not evacuated yet has not been written.
  void CheckUntouchedDestination(uint64_t i, const Chain& c) {
    Bucket* ob = h_->oldbuckets->At(i & OldBucketMask(h_));
    if (Evacuated(ob)) return;
    bool clean = c.buckets == 1;
    for (const Slot& sl : c.slots) clean = clean && sl.b[sl.i] == kEmptyRest;
    if (!clean) {
      Fail("invariant I7: new bucket %llu was written before old bucket %llu was evacuated",
           static_cast<unsigned long long>(i),
           static_cast<unsigned long long>(i & OldBucketMask(h_)));
    }
  }

  void Fail(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    out_.emplace_back(buf);
  }

  // Buffers handed from audit to audit on one thread: fuzz targets audit every few ops,
  // and growing fresh vectors was most of an audit's allocations (each one slow under
  // AddressSanitizer). An audit that starts while another runs on the same thread (user
  // code auditing from a hasher) gets buffers of its own.
  struct Scratch {
    Chain chain;
    std::vector<std::pair<uint8_t, const void*>> keys;
  };
  static inline thread_local std::unique_ptr<Scratch> spare_;

  const HMap* h_;
  const MapType* t_;
  std::vector<std::string> out_;
  std::unique_ptr<Scratch> scratch_;
};

uint64_t CountOverflow(const MapType* t, const BucketArray* a) {
  uint64_t n = 0;
  for (uint64_t i = 0; i < a->nbuckets(); i++) {
    for (Bucket* b = OverflowOf(t, a->At(i)); b != nullptr; b = OverflowOf(t, b)) n++;
  }
  return n;
}

}  // namespace

std::vector<std::string> MapAudit(const HMap* h) { return Auditor(h).Run(); }

Stats MapStats(const HMap* h) {
  Stats s;
  s.count = h->count;
  s.B = h->B;
  s.noverflow = h->noverflow;
  s.flags = GoFlags(h);
  s.hash0 = h->hash0;
  s.growing = Growing(h);
  s.same_size_grow = SameSizeGrow(h);
  s.nevacuate = h->nevacuate;
  s.noldbuckets = Growing(h) ? NOldBuckets(h) : 0;
  if (h->buckets) s.overflow_buckets = CountOverflow(h->type, h->buckets);
  if (h->oldbuckets) s.old_overflow_buckets = CountOverflow(h->type, h->oldbuckets);
  return s;
}

}  // namespace gomap::internal
