// Bucket array allocation, the spare overflow pool, and the destruction of whatever
// objects an array still holds when its last reference goes (see bucket.h).
#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <new>

#include "internal/bucket.h"
#include "internal/slot.h"

namespace gomap::internal {
namespace {

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

void* AllocObject(uint32_t size, uint32_t align) {
  return ::operator new(size, std::align_val_t(align));
}
void FreeObject(void* p, uint32_t align) { ::operator delete(p, std::align_val_t(align)); }

BucketArray* BucketArray::New(const MapType* t, uint8_t b) {
  uint64_t nspare = b >= 4 ? BucketShift(b - 4) : 0;
  Bucket* base = AllocZeroedBuckets(t, BucketShift(b) + nspare);
  BucketArray* a;
  try {
    a = new BucketArray();
    if (HasObjects(t)) a->cleared_.assign((BucketShift(b) + 63) / 64, 0);
  } catch (...) {
    FreeBuckets(t, base);
    throw;
  }
  a->t_ = t;
  a->B_ = b;
  a->nspare_ = nspare;
  a->base_ = base;
  return a;
}

void BucketArray::Release() {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

BucketArray::~BucketArray() {
  if (HasObjects(t_)) DestroyObjects();
  FreeHeapOverflow();
  FreeBuckets(t_, base_);
}

Bucket* BucketArray::AllocOverflow() {
  if (next_spare_ < nspare_) {
    return At(nbuckets() + next_spare_++);
  }
  heap_overflow_.reserve(heap_overflow_.size() + 1);  // may throw before allocating
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
  std::memset(base_, 0, static_cast<size_t>(nbuckets() + nspare_) * t_->bucketsize);
  next_spare_ = 0;
}

}  // namespace gomap::internal
