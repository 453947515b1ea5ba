// Creation and lifetime: Go's makemap (plus the layout Go's compiler computes for each
// map type), and the reference counting that stands in for Go's GC.
#include <algorithm>
#include <cstdint>
#include <new>

#include "internal/core.h"

namespace gomap::internal {
namespace {

constexpr uint64_t kMaxAlloc = uint64_t{1} << 48;  // Go's maxAlloc on linux/amd64

}  // namespace

void LayoutMapType(MapType* t, size_t key_size, size_t key_align, size_t elem_size,
                   size_t elem_align) {
  const BucketLayout l = ComputeLayout(key_size, key_align, elem_size, elem_align);
  t->flags = 0;
  if (l.indirect_key) t->flags |= kIndirectKey;
  if (l.indirect_elem) t->flags |= kIndirectElem;
  t->key_objsize = static_cast<uint32_t>(key_size);
  t->key_objalign = static_cast<uint32_t>(key_align);
  t->elem_objsize = static_cast<uint32_t>(elem_size);
  t->elem_objalign = static_cast<uint32_t>(elem_align);
  t->keysize = static_cast<uint32_t>(l.keysize);
  t->elemsize = static_cast<uint32_t>(l.elemsize);
  t->keyoff = static_cast<uint32_t>(l.keyoff);
  t->elemoff = static_cast<uint32_t>(l.elemoff);
  t->overflowoff = static_cast<uint32_t>(l.overflowoff);
  t->bucketalign = static_cast<uint32_t>(l.bucketalign);
  t->bucketsize = static_cast<uint32_t>(l.bucketsize);
}

HMap* MakeMap(const MapType* t, int64_t hint) {
  HMap* h;
  try {
    h = new HMap();
  } catch (...) {
    t->destroy(t);
    throw;
  }
  h->type = t;
  // A hint that is negative or whose buckets could never be allocated is ignored,
  // exactly as Go does at run time (no panic).
  if (hint < 0 || static_cast<uint64_t>(hint) > kMaxAlloc / t->bucketsize) hint = 0;
  h->hash0 = NewHash0();
  // Find the size parameter B which will hold the requested number of elements.
  // For hint < 0 OverLoadFactor returns false since hint < bucketCnt.
  uint8_t B = 0;
  while (OverLoadFactor(hint, B)) B++;
  h->B = B;
  // A map made for `hint` entries makes its next array only once it holds more.
  h->ahead_at = std::max(AheadFrom(h), hint + 1);
  // Allocate the initial hash table. If B == 0, the buckets field is allocated lazily
  // by MapAssign.
  if (B != 0) {
    try {
      SetBuckets(h, BucketArray::New(t, B));
    } catch (const std::bad_alloc&) {
      h->type->destroy(h->type);
      delete h;
      Fatal("runtime: out of memory");  // Go: a hint that passed the check but cannot be met
    }
  }
  return h;
}

void RetainMap(HMap* h) { h->refs.fetch_add(1, std::memory_order_relaxed); }

void ReleaseMap(HMap* h) {
  if (h->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  if (h->dying) h->dying->Release();
  if (h->next) h->next->ReleaseUnwritten();
  if (h->oldbuckets) h->oldbuckets->Release();
  if (h->buckets) h->buckets->Release();
  h->type->destroy(h->type);
  delete h;
}

}  // namespace gomap::internal
