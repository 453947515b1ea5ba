// Lookup: Go's mapaccess1/mapaccess2 (one entry point returning the elem or null) and
// mapaccessK (key and elem, for iteration). Lookups never modify the map, never
// evacuate, and may run concurrently with each other.
//
// The search depends on invariant I8 (chain shape): only kEmptyRest ends a search, so
// a kEmptyOne left by a delete never hides a later key.
#include "internal/core.h"

namespace gomap::internal {
namespace {

// The chain where key must be: the new bucket, or its old bucket while that one has
// not been evacuated yet.
inline Bucket* HomeChain(const HMap* h, uint64_t hash) {
  uint64_t m = BucketMask(h->B);
  Bucket* b = h->buckets->At(hash & m);
  if (h->oldbuckets != nullptr) {
    if (!SameSizeGrow(h)) m >>= 1;  // there used to be half as many buckets
    Bucket* ob = h->oldbuckets->At(hash & m);
    if (!Evacuated(ob)) b = ob;
  }
  return b;
}

template <class KO>
inline bool Find(const HMap* h, const void* key, Bucket** out_b, int* out_i) {
  const MapType* t = h->type;
  uint64_t hash = KO::Hash(t, key, h->hash0);
  *out_b = ScanChain(HomeChain(h, hash), hash, t->overflowoff,
                     [&](Bucket* b, int i) { return KO::Equal(t, key, KO::Key(t, b, i)); },
                     out_i);
  return *out_b != nullptr;
}

}  // namespace

template <KeyKind kKind>
const void* MapAccess(const HMap* h, const void* key) {
  if (h->count == 0) return nullptr;
  if (Flags(h) & kHashWriting) Fatal("concurrent map read and map write");
  Bucket* b;
  int i;
  if (!Find<KeyOps<kKind>>(h, key, &b, &i)) return nullptr;
  return ElemObj(h->type, b, i);
}

template const void* MapAccess<KeyKind::kGeneric>(const HMap*, const void*);
template const void* MapAccess<KeyKind::kFast32>(const HMap*, const void*);
template const void* MapAccess<KeyKind::kFast64>(const HMap*, const void*);
template const void* MapAccess<KeyKind::kFastStr>(const HMap*, const void*);

// mapaccessK: no concurrency check (its caller, the iterator, made one).
bool MapAccessK(const HMap* h, const void* key, const void** rk, const void** re) {
  if (h->count == 0) return false;
  Bucket* b;
  int i;
  if (!Find<KeyOps<KeyKind::kGeneric>>(h, key, &b, &i)) return false;
  *rk = KeyObj(h->type, b, i);
  *re = ElemObj(h->type, b, i);
  return true;
}

}  // namespace gomap::internal
