// Bucket array allocation, the spare overflow pool, and the destruction of whatever
// objects an array still holds when its last reference goes (see bucket.h).
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "gomap/internal/peer.h"
#include "gomap/internal/sanitizers.h"
#include "internal/bucket.h"
#include "internal/core.h"
#include "internal/prefault.h"
#include "internal/slot.h"

namespace gomap::internal {
namespace {

// Grow arrays of at least this many bytes are mapped from the kernel. calloc would do
// the same for a first big block, but once one is freed glibc raises its mmap threshold
// (up to 32 MiB) and serves the next ones from its heap, which calloc must memset:
// about 1 ms per 10 MiB, in the single insert that starts the grow. Fresh pages need
// faulting in instead, which the map does ahead of the grow (BucketArray::Prefault).
constexpr size_t kMapMinBytes = size_t{256} << 10;
// Arrays of at least a huge page made ahead of a doubling or with a hint (smaller hints
// come from the heap) are mapped on huge page boundaries and advised to use huge pages
// (MADV_HUGEPAGE; the kernel default here is to use them only where asked). With 4 KiB
// pages every lookup in a big map adds a TLB miss to its cache misses (inserting
// 1,000,000 int64 keys with a hint ran 1.7x faster on huge pages), and each page costs
// its own fault: 1.5 us on one VM, 11 us on another, whose first access to a page the
// kernel has just mapped costs 5 us more even when the kernel maps it without a fault.
// A huge page is one fault, whose cost is zeroing 2 MiB (130 us): 20-40x less per byte
// there. Taken during a grow, those faults stalled inserts for 0.5-13 ms, several huge
// pages in a row; made ahead, each is one GrowAhead step, one per thousands of inserts.
// A grow array made in the insert that starts the grow (a same-size grow, or a doubling
// whose array could not be made ahead) keeps small pages for that reason.
constexpr size_t kHugePageBytes = size_t{2} << 20;
// Prefault's step for arrays on small pages: 16 pages, one madvise of about 15 us.
constexpr size_t kPrefaultSmallBytes = size_t{64} << 10;
// Per ReleaseStep: munmap of 256 KiB of touched small pages measured ~20 us (a loaded VM,
// ~75 us per MiB), of one huge page about as long; freeing this many heap overflow
// buckets takes about as long too.
constexpr size_t kReleaseChunkBytes = size_t{256} << 10;
constexpr size_t kReleaseOverflowBatch = 256;
// Released mapped arrays (grown into, made ahead or made for a hint) are zeroed and kept
// for the next array of the same length, up to this many bytes in the whole process
// (MappingCache): every array a map grows through up to 1,000,000 string entries (about
// 140 MiB), or 2,000,000 int64 entries, with room for a hinted one. An array nobody takes
// within kCacheDecay is unmapped by the cache's own thread, as jemalloc purges its
// unused dirty pages after 10 s; without that thread (none could be started) the budget
// is the smaller kCacheBytesNoDecay, kept until FreeOSMemory().
constexpr size_t kCacheBytes = size_t{256} << 20;
constexpr size_t kCacheBytesNoDecay = size_t{64} << 20;
constexpr std::chrono::milliseconds kCacheDecay{10000};
constexpr std::chrono::milliseconds kMaxDecay = std::chrono::hours(24);

// madvise advice that faults a range in for writing (Linux 5.14; older headers lack it).
#ifdef MADV_POPULATE_WRITE
constexpr int kMadvPopulateWrite = MADV_POPULATE_WRITE;
#else
constexpr int kMadvPopulateWrite = 23;
#endif

size_t PageSize() {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return page;
}

// Under AddressSanitizer every array comes from the heap, where redzones catch a read
// past its end; a mapping rounded up to whole pages would hide such reads.
#ifdef GOMAP_ASAN
constexpr bool kHeapOnly = true;
#else
constexpr bool kHeapOnly = false;
#endif

// Zeroed grow mappings kept for reuse. Every page of a fresh mapping faults on first
// touch (~1.5 us per 4 KiB here), and a map built by inserting faults in every array it
// grows through: a third of the time of inserting 100,000 keys into a new map. A
// released grow array is zeroed instead of unmapped (where only it was written: its
// primaries and the spares it used; never-touched pages are still zero), a bounded piece
// per write like the unmapping it replaces, and a later grow that needs a mapping of the
// same length takes it, already faulted in. Go's heap recycles its memory the same way.
// Process-wide, behind a mutex (taken once per big array, not per operation). What does
// not fit is unmapped as before; what stays unused for kCacheDecay is unmapped by the
// cache's thread (Scavenge), started with the first mapping kept; FreeOSMemory() empties
// it. Only page residency depends on when that thread runs, never what a map does.
class MappingCache {
 public:
  static MappingCache& Get() {
    static MappingCache* cache = new MappingCache();  // never destroyed: no exit order
    return *cache;
  }
  // A cached mapping of exactly len bytes, all zero, or null; *huge says whether it is
  // on huge pages. want_huge: only one on huge pages (an array that would be mapped on
  // them: a grow array on small pages, reused for a hinted map, made its inserts miss
  // the TLB).
  void* Take(size_t len, bool want_huge, bool* huge) {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < free_.size(); i++) {
      if (free_[i].len == len && (free_[i].huge || !want_huge)) {
        void* p = free_[i].p;
        *huge = free_[i].huge;
        free_[i] = free_.back();
        free_.pop_back();
        bytes_ -= len;
        return p;
      }
    }
    return nullptr;
  }
  // Room for a mapping of len bytes that the caller will zero and Put; false when the
  // cache would outgrow its budget (kCacheBytes; the caller unmaps the mapping then).
  // The list's slot is allocated here, so that Put, called from a destructor, cannot
  // throw.
  bool Reserve(size_t len) {
    std::lock_guard<std::mutex> lock(mu_);
    StartScavengerLocked();
    if (bytes_ + len > (scavenging_ ? budget_ : std::min(budget_, kCacheBytesNoDecay))) {
      return false;
    }
    try {
      free_.reserve(free_.size() + reserved_ + 1);
    } catch (const std::bad_alloc&) {
      return false;
    }
    bytes_ += len;
    reserved_++;
    return true;
  }
  void Put(void* p, size_t len, bool huge) noexcept {
    std::lock_guard<std::mutex> lock(mu_);
    reserved_--;
    free_.push_back({p, len, huge, Clock::now()});  // within the capacity Reserve made
    scavenge_cv_.notify_one();
  }
  // Unmaps every cached mapping (reserved room stays reserved, and the list keeps its
  // capacity for it).
  void Drain() {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Entry& e : free_) {
      munmap(e.p, e.len);
      bytes_ -= e.len;
    }
    free_.clear();
  }
  // Whether every byte of every cached mapping is zero (for tests: reads them all).
  bool AllZero() {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Entry& e : free_) {
      if (!internal::AllZero(e.p, e.len)) return false;
    }
    return true;
  }
  size_t SetBudget(size_t bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(budget_, bytes);
  }
  std::chrono::milliseconds SetDecay(std::chrono::milliseconds decay) {
    decay = std::clamp(decay, std::chrono::milliseconds(0), kMaxDecay);  // no overflow
    std::lock_guard<std::mutex> lock(mu_);
    const auto old = std::exchange(decay_, decay);
    scavenge_cv_.notify_one();  // the next expiry may be sooner
    return old;
  }
  std::vector<std::pair<const void*, size_t>> Mappings() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::pair<const void*, size_t>> out;
    for (const Entry& e : free_) out.emplace_back(e.p, e.len);
    return out;
  }
  size_t CachedBytes() {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    for (const Entry& e : free_) n += e.len;
    return n;
  }

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    void* p;
    size_t len;
    bool huge;
    Clock::time_point put;  // when it was cached (its decay runs from there)
  };

  MappingCache() {
    // A fork copies the lists but not the thread: the child starts its own when it next
    // caches a mapping, and finishes the unmapping the parent's thread was doing. Both
    // locks are held across the fork so that the child's copies are consistent.
    pthread_atfork(
        [] {
          Get().mu_.lock();
          Get().unmap_mu_.lock();
        },
        [] {
          Get().unmap_mu_.unlock();
          Get().mu_.unlock();
        },
        [] { Get().AfterForkInChild(); });
  }

  void AfterForkInChild() {
    for (const Entry& e : unmapping_) munmap(e.p, e.len);  // what is left of each
    unmapping_.clear();
    unmap_mu_.unlock();
    scavenging_ = false;
    new (&scavenge_cv_) std::condition_variable();  // nobody waits on it in the child
    mu_.unlock();
  }

  // Starts the thread that unmaps what decays, once (again in a forked child). Where no
  // thread can be started, the cache keeps the smaller budget and nothing decays.
  void StartScavengerLocked() {
    if (scavenging_ || no_scavenger_) return;
    try {
      std::thread([this] { Scavenge(); }).detach();
      scavenging_ = true;
    } catch (const std::system_error&) {
      no_scavenger_ = true;
    }
  }

  void Scavenge() {
    pthread_setname_np(pthread_self(), "gomap-scavenge");
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      if (free_.empty()) {
        scavenge_cv_.wait(lock);
        continue;
      }
      const Clock::time_point now = Clock::now();
      Clock::time_point next = Clock::time_point::max();
      bool expired = false;
      for (size_t i = 0; i < free_.size();) {
        if (free_[i].put + decay_ <= now) {
          bytes_ -= free_[i].len;
          expired = true;
          std::lock_guard<std::mutex> unmap_lock(unmap_mu_);
          try {
            unmapping_.push_back(free_[i]);
          } catch (const std::bad_alloc&) {
            munmap(free_[i].p, free_[i].len);  // in one piece, then
          }
          free_[i] = free_.back();
          free_.pop_back();
        } else {
          next = std::min(next, free_[i].put + decay_);
          i++;
        }
      }
      if (expired) {
        lock.unlock();
        while (UnmapPiece()) {
        }
        lock.lock();
        continue;
      }
      scavenge_cv_.wait_until(lock, next);
    }
  }

  // Unmaps one piece of the last mapping being unmapped, from its end, as ReleaseStep
  // hands back a dying array: the kernel holds the process's memory-map lock for each
  // munmap, and a map's own faults and mmaps wait behind it. False when none is left.
  // unmap_mu_ is held across each munmap and its bookkeeping, so that a fork sees every
  // piece either mapped and listed or gone.
  bool UnmapPiece() {
    std::lock_guard<std::mutex> lock(unmap_mu_);
    if (unmapping_.empty()) return false;
    Entry& e = unmapping_.back();
    const size_t chunk = e.huge ? kHugePageBytes : kReleaseChunkBytes;
    const size_t piece = e.len % chunk != 0 ? e.len % chunk : std::min(e.len, chunk);
    e.len -= piece;
    munmap(static_cast<char*>(e.p) + e.len, piece);
    if (e.len == 0) unmapping_.pop_back();
    return true;
  }

  std::mutex mu_;
  std::condition_variable scavenge_cv_;  // the thread waits for the next expiry
  std::vector<Entry> free_;
  std::mutex unmap_mu_;           // taken inside mu_ when both are held
  std::vector<Entry> unmapping_;  // expired, being unmapped by the thread (unmap_mu_)
  size_t bytes_ = 0;     // cached plus reserved
  size_t reserved_ = 0;  // Reserves not yet Put
  size_t budget_ = kCacheBytes;
  std::chrono::milliseconds decay_ = kCacheDecay;
  bool scavenging_ = false;    // the thread runs (in this process)
  bool no_scavenger_ = false;  // it could not be started
};

// The buckets of an array of 2^b primaries: the primaries and the spare pool.
uint64_t ArrayBuckets(uint8_t b) { return BucketShift(b) + (b >= 4 ? BucketShift(b - 4) : 0); }

// Whether n buckets for this use come from the kernel rather than the heap.
bool MapsBuckets(const MapType* t, uint64_t n, BucketArray::Use use) {
  const size_t bytes = static_cast<size_t>(n) * t->bucketsize;
  const size_t min = use == BucketArray::kForMake ? kHugePageBytes : kMapMinBytes;
  return !kHeapOnly && bytes >= min && t->bucketalign <= PageSize();
}

// Zeroed memory for n buckets from the kernel (sets *mapped to the mapped length, *huge,
// and *cached), or null when the block is small for its use or needs more than page
// alignment. Arrays come from the cache when it has one of the length (*cached: its
// pages were touched when it was last used, and zeroed in place). Otherwise arrays made
// with a hint or ahead of a doubling, of a huge page or more, start on a huge page
// boundary and are advised to use them; a grow array made inside the insert that starts
// the grow is not (its faults would be huge pages zeroed during the grow).
Bucket* MapZeroedBuckets(const MapType* t, uint64_t n, BucketArray::Use use, size_t* mapped,
                         bool* huge, bool* cached) {
  if (!MapsBuckets(t, n, use)) return nullptr;
  size_t bytes = static_cast<size_t>(n) * t->bucketsize;
  size_t len = (bytes + PageSize() - 1) / PageSize() * PageSize();
  const bool want_huge = len >= kHugePageBytes && use != BucketArray::kForGrow;
  if (void* p = MappingCache::Get().Take(len, want_huge, huge)) {
    *mapped = len;
    *cached = true;
    return static_cast<Bucket*>(p);
  }
  *huge = false;
  if (!want_huge) {
    void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    *mapped = len;
    return static_cast<Bucket*>(p);
  }
  // Map a huge page more and trim both ends, so that the array starts on a huge page.
  size_t extra = kHugePageBytes;
  void* p = mmap(nullptr, len + extra, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                 -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  auto start = reinterpret_cast<uintptr_t>(p);
  uintptr_t aligned = (start + kHugePageBytes - 1) & ~uintptr_t{kHugePageBytes - 1};
  size_t head = aligned - start;
  if (head != 0) munmap(p, head);
  if (extra - head != 0) munmap(reinterpret_cast<void*>(aligned + len), extra - head);
  // Advice only: where the kernel has no huge page at hand it maps small ones.
  madvise(reinterpret_cast<void*>(aligned), len, MADV_HUGEPAGE);
  *mapped = len;
  *huge = true;
  return reinterpret_cast<Bucket*>(aligned);
}

static_assert(kReleaseChunkBytes % 4096 == 0, "ReleaseStep unmaps whole pages");

Bucket* AllocZeroedBuckets(const MapType* t, uint64_t n) {
  size_t bytes = static_cast<size_t>(n) * t->bucketsize;
  void* p;
  if (t->bucketalign <= alignof(std::max_align_t)) {
    p = std::calloc(1, bytes);
    if (!p) throw std::bad_alloc();
  } else {
    p = ::operator new(bytes, std::align_val_t(t->bucketalign));
    std::memset(p, 0, bytes);
  }
  return static_cast<Bucket*>(p);
}

void FreeBuckets(const MapType* t, Bucket* p) {
  if (t->bucketalign <= alignof(std::max_align_t)) {
    std::free(p);
  } else {
    ::operator delete(p, std::align_val_t(t->bucketalign));
  }
}

}  // namespace

size_t CachedMappingBytes() { return MappingCache::Get().CachedBytes(); }
size_t SetMappingCacheBudget(size_t bytes) { return MappingCache::Get().SetBudget(bytes); }
int64_t SetMappingCacheDecayMs(int64_t ms) {
  return MappingCache::Get().SetDecay(std::chrono::milliseconds(ms)).count();
}
bool CachedMappingsAreZero() { return MappingCache::Get().AllZero(); }
std::vector<std::pair<const void*, size_t>> CachedMappings() {
  return MappingCache::Get().Mappings();
}
bool BigArraysAreMapped() { return !kHeapOnly; }
AheadArray AheadArrayOf(const HMap* h) {
  if (h->next == nullptr) return {};
  return {h->next->B(), h->next->PrefaultLeft(), h->next->WithHelper(),
          h->next->ResidentBytes(), h->next->MappedBytes()};
}

void* AllocObject(uint32_t size, uint32_t align) {
  return ::operator new(size, std::align_val_t(align));
}
void FreeObject(void* p, uint32_t align) { ::operator delete(p, std::align_val_t(align)); }

BucketArray* BucketArray::New(const MapType* t, uint8_t b, Use use) {
  uint64_t nspare = ArrayBuckets(b) - BucketShift(b);
  size_t mapped = 0;
  bool huge = false, cached = false;
  Bucket* base = MapZeroedBuckets(t, ArrayBuckets(b), use, &mapped, &huge, &cached);
  if (base == nullptr) base = AllocZeroedBuckets(t, ArrayBuckets(b));
  BucketArray* a;
  try {
    a = new BucketArray();
    if (HasObjects(t)) a->cleared_.assign((BucketShift(b) + 63) / 64, 0);
  } catch (...) {
    if (mapped != 0) {
      munmap(base, mapped);
    } else {
      FreeBuckets(t, base);
    }
    throw;
  }
  a->t_ = t;
  a->B_ = b;
  a->nspare_ = nspare;
  a->base_ = base;
  a->mapped_ = mapped;
  // A cached mapping needs no faulting in ahead: what it used is still resident (what it
  // never used, such as spares, faults on first touch).
  a->resident_ = cached ? mapped : 0;
  a->huge_ = huge;
  a->cacheable_ = mapped != 0;
  return a;
}

bool BucketArray::MappedForGrow(const MapType* t, uint8_t b) {
  return MapsBuckets(t, ArrayBuckets(b), kAhead);
}

void BucketArray::ReleaseUnwritten() {
  objects_destroyed_ = true;  // there are none: nothing to walk
  unwritten_ = true;          // and nothing to zero for the cache
  Release();
}

size_t BucketArray::PrefaultStep() const { return huge_ ? kHugePageBytes : kPrefaultSmallBytes; }

bool BucketArray::PrefaultInBackground() {
  if (mapped_ == 0 || resident_ == mapped_) return false;
  queued_ = QueuePrefault(this, reinterpret_cast<char*>(base_) + resident_,
                          mapped_ - resident_, PrefaultStep());
  return queued_;
}

size_t BucketArray::ResidentBytes() const {
  if (mapped_ == 0) return 0;
  std::vector<unsigned char> pages(mapped_ / PageSize());
  if (mincore(base_, mapped_, pages.data()) != 0) return 0;
  return static_cast<size_t>(std::count_if(pages.begin(), pages.end(),
                                           [](unsigned char c) { return c & 1; })) *
         PageSize();
}

void BucketArray::WithdrawFromHelper() {
  if (!queued_) return;
  WithdrawPrefault(this);
  queued_ = false;
}

size_t BucketArray::Prefault() {
  if (mapped_ == 0) return 0;
  const size_t end = std::min(mapped_, resident_ + PrefaultStep());
  if (end > resident_) {
    // Nobody has written the array, so a write of zero to each page faults it in without
    // changing it. MADV_POPULATE_WRITE (Linux 5.14) does the same in the kernel, without
    // taking a fault per page; where it is unknown, write.
    // Any other failure (no memory) ends the faulting in ahead: the grow will fault in
    // what is left, as it would have anyway. The caller's errno is kept.
    static std::atomic<bool> no_populate{false};
    const int saved_errno = errno;
    bool populated = false;
    if (!no_populate.load(std::memory_order_relaxed)) {
      populated = madvise(base_ + resident_, end - resident_, kMadvPopulateWrite) == 0;
      if (!populated && errno != EINVAL) {
        errno = saved_errno;
        resident_ = mapped_;
        return 0;
      }
      if (!populated) no_populate.store(true, std::memory_order_relaxed);
    }
    if (!populated) {
      for (size_t off = resident_; off < end; off += PageSize()) {
        reinterpret_cast<volatile unsigned char*>(base_)[off] = 0;
      }
    }
    errno = saved_errno;
    resident_ = end;
  }
  return PrefaultLeft();
}

void BucketArray::Release() {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

BucketArray::~BucketArray() {
  WithdrawFromHelper();
  if (HasObjects(t_) && !objects_destroyed_) DestroyObjects();
  FreeHeapOverflow();
  if (mapped_ == 0) {
    FreeBuckets(t_, base_);
  } else if (caching_ || StartCaching()) {
    std::memset(base_, 0, dirty_);
    MappingCache::Get().Put(base_, mapped_, huge_);
  } else {
    munmap(base_, mapped_);
  }
}

bool BucketArray::StartCaching() {
  if (!cacheable_ || !MappingCache::Get().Reserve(mapped_)) {
    cacheable_ = false;  // ReleaseStep may now unmap it from the end: no way back
    return false;
  }
  caching_ = true;
  // The bytes ever written: the primaries and the spares handed out (none at all for an
  // array made ahead that no grow took).
  dirty_ = unwritten_ ? 0 : static_cast<size_t>(nbuckets() + next_spare_) * t_->bucketsize;
  return true;
}

bool BucketArray::WorthDeferring() const {
  return mapped_ > kReleaseChunkBytes || heap_overflow_.size() > kReleaseOverflowBatch;
}

void BucketArray::BeginRelease() {
  WithdrawFromHelper();  // ReleaseStep unmaps it piece by piece
  // Destructors run now, when they always ran; only returning the memory waits.
  if (HasObjects(t_)) DestroyObjects();
  objects_destroyed_ = true;
  StartCaching();
}

bool BucketArray::ReleaseStep() {
  if (!heap_overflow_.empty()) {
    for (size_t k = 0; k < kReleaseOverflowBatch && !heap_overflow_.empty(); k++) {
      FreeBuckets(t_, heap_overflow_.back());
      heap_overflow_.pop_back();
    }
    return false;
  }
  if (caching_ && dirty_ > kReleaseChunkBytes) {  // zeroed from the end, for the cache
    dirty_ -= kReleaseChunkBytes;
    std::memset(base_ + dirty_, 0, kReleaseChunkBytes);
    return false;
  }
  // From the end (base_ stays the start), a whole huge page at a time where they are
  // huge: unmapping part of one splits it first.
  const size_t chunk = huge_ ? kHugePageBytes : kReleaseChunkBytes;
  if (!caching_ && mapped_ > chunk) {
    const size_t piece = mapped_ % chunk != 0 ? mapped_ % chunk : chunk;
    mapped_ -= piece;
    munmap(base_ + mapped_, piece);
    return false;
  }
  delete this;  // at most one more piece
  return true;
}

Bucket* BucketArray::AllocOverflow() {
  if (next_spare_ < nspare_) {
    return At(nbuckets() + next_spare_++);
  }
  // May throw before allocating. Grow geometrically: reserve(size + 1) reallocates
  // exactly, which made every heap overflow bucket copy the whole list (quadratic; tens
  // of microseconds per insert once a big map runs out of spare buckets).
  if (heap_overflow_.size() == heap_overflow_.capacity()) {
    heap_overflow_.reserve(std::max<size_t>(16, 2 * heap_overflow_.capacity()));
  }
  Bucket* b = AllocZeroedBuckets(t_, 1);
  heap_overflow_.push_back(b);
  return b;
}

// Live objects: full slots everywhere, and evacuated slots of chains that were
// evacuated by copying (an iterator could still read them) — Go keeps those bytes too.
void BucketArray::DestroyObjects() {
  for (uint64_t j = 0; j < nbuckets(); j++) {
    if (IsCleared(j)) continue;
    for (Bucket* b = At(j); b != nullptr; b = OverflowOf(t_, b)) {
      uint64_t tops;  // all eight tophash bytes: zero is eight emptyRest slots
      std::memcpy(&tops, b, sizeof tops);
      if (tops == 0) continue;
      for (int i = 0; i < kBucketCnt; i++) {
        uint8_t top = b[i];
        if (top >= kMinTopHash || top == kEvacuatedX || top == kEvacuatedY) {
          DestroyKey(t_, KeySlot(t_, b, i), false);
          DestroyElem(t_, ElemSlot(t_, b, i), false);
        }
      }
    }
  }
}

void BucketArray::FreeHeapOverflow() {
  for (Bucket* b : heap_overflow_) FreeBuckets(t_, b);
  heap_overflow_.clear();
}

void BucketArray::Reset() {
  if (HasObjects(t_)) {
    DestroyObjects();
    std::fill(cleared_.begin(), cleared_.end(), 0);
  }
  FreeHeapOverflow();
  std::memset(base_, 0, bytes());
  next_spare_ = 0;
}

}  // namespace gomap::internal

namespace gomap {
void FreeOSMemory() { internal::MappingCache::Get().Drain(); }
}  // namespace gomap
