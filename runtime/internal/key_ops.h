// Key operations the core algorithms are instantiated with: the generic ones go through
// the MapType's function pointers; the fast ones (Go's map_fast32/64/str.go) inline the
// default hash and a raw comparison. They must agree with MapType::hasher/equal exactly,
// because growth, iteration and Audit use those on the same keys.
//
// Key(t, b, i) is KeyObj(t, b, i): the fast kinds know their slot layout at compile time
// (keys are stored directly, from offset 8, sizeof(K) apart), which takes the loads and
// the multiply off the path from the tophash match to the key compare. The lookup that
// <gomap/map.h> inlines (Map::FastAccess) hashes and compares exactly as these do.
#ifndef GOMAP_RUNTIME_INTERNAL_KEY_OPS_H_
#define GOMAP_RUNTIME_INTERNAL_KEY_OPS_H_

#include <cstdint>
#include <cstring>
#include <string>

#include "gomap/internal/hash.h"
#include "gomap/internal/type.h"
#include "internal/bucket.h"
#include "internal/slot.h"

namespace gomap::internal {

template <KeyKind kKind>
struct KeyOps;

template <>
struct KeyOps<KeyKind::kGeneric> {
  static uint64_t Hash(const MapType* t, const void* k, uint64_t seed) {
    return t->hasher(t, k, seed);
  }
  static bool Equal(const MapType* t, const void* a, const void* b) {
    return t->equal(t, a, b);
  }
  static void* Key(const MapType* t, Bucket* b, int i) { return KeyObj(t, b, i); }
  // Constructs a copy of key in an empty slot (ConstructKey, slot.h).
  static void Construct(const MapType* t, void* slot, const void* key) {
    ConstructKey(t, slot, key);
  }
  // Ends the key of slot i, which is being emptied, leaving the slot as I12 wants it.
  static void Destroy(const MapType* t, Bucket* b, int i) {
    DestroyKey(t, KeySlot(t, b, i), /*clean=*/true);
  }
};

template <class U>
struct RawKeyOps {
  static uint64_t Hash(const MapType*, const void* k, uint64_t seed) {
    return MemHash(k, sizeof(U), seed);  // == DefaultHash<integer>
  }
  static bool Equal(const MapType*, const void* a, const void* b) {
    U x, y;
    std::memcpy(&x, a, sizeof x);
    std::memcpy(&y, b, sizeof y);
    return x == y;
  }
  static void* Key(const MapType*, Bucket* b, int i) { return DirectKeySlot<U>(b, i); }
  static void Construct(const MapType*, void* slot, const void* key) {
    std::memcpy(slot, key, sizeof(U));
  }
  static void Destroy(const MapType*, Bucket*, int) {}  // trivial: stale bytes may stay
};
template <>
struct KeyOps<KeyKind::kFast32> : RawKeyOps<uint32_t> {};
template <>
struct KeyOps<KeyKind::kFast64> : RawKeyOps<uint64_t> {};

// Keys are StrKey slots (gomap/internal/str_key.h); so is the key being looked up.
template <>
struct KeyOps<KeyKind::kFastStr> {
  static uint64_t Hash(const MapType*, const void* k, uint64_t seed) {
    return static_cast<const StrKey*>(k)->Hash(seed);  // == DefaultHash<std::string>
  }
  static bool Equal(const MapType*, const void* a, const void* b) {
    return StrKey::Equal(*static_cast<const StrKey*>(a), *static_cast<const StrKey*>(b));
  }
  static void* Key(const MapType*, Bucket* b, int i) { return DirectKeySlot<StrKey>(b, i); }
  // May throw std::bad_alloc for a long key, before writing the slot.
  static void Construct(const MapType*, void* slot, const void* key) {
    StrKey::CopyTo(slot, *static_cast<const StrKey*>(key));
  }
  static void Destroy(const MapType*, Bucket* b, int i) {
    void* slot = DirectKeySlot<StrKey>(b, i);
    StrKey::Destroy(slot);
    std::memset(slot, 0, sizeof(StrKey));
  }
};

}  // namespace gomap::internal

#endif  // GOMAP_RUNTIME_INTERNAL_KEY_OPS_H_
