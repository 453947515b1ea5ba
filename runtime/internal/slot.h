// Constructing and destroying the objects in a slot. A slot of an indirect key or elem
// holds a pointer to its own allocation (types over 128 bytes, Go's indirectkey and
// indirectelem); otherwise the object lives in the slot.
//
// Empty slots must look the way Go's invariant I12 says: elem bytes all zero (assign
// hands out new slots without clearing them in Go), key bytes zero when the key owns
// anything; trivially copyable keys may keep stale bytes, as Go's pointer-free keys do.
#ifndef GOMAP_RUNTIME_INTERNAL_SLOT_H_
#define GOMAP_RUNTIME_INTERNAL_SLOT_H_

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "internal/bucket.h"

namespace gomap::internal {

// Runs `undo` if the scope is left by an exception, unless Keep() was called first: the
// undo paths of the writes that call user code (copies, moves), in place of
// `catch (...) { undo; throw; }`. A rethrow starts the search for a handler over from its
// frame and adds a noreturn call; under ASan each noreturn call is a sigaltstack system
// call and each frame searched costs about a microsecond. `undo` must not throw.
template <class F>
class OnUnwind {
 public:
  explicit OnUnwind(F undo) : undo_(undo) {}
  OnUnwind(const OnUnwind&) = delete;
  OnUnwind& operator=(const OnUnwind&) = delete;
  ~OnUnwind() {
    if (armed_) undo_();
  }
  void Keep() { armed_ = false; }

 private:
  F undo_;
  bool armed_ = true;
};

// Runs the user constructor build(dst, src) (a MapType copy or construct) on the n bytes
// at dst. A constructor may write before it throws: a throw leaves the bytes zero, as an
// empty slot's (I12).
template <class Src>
[[gnu::always_inline]] inline void BuildInPlace(void* dst, size_t n, void (*build)(void*, Src*),
                                                std::type_identity_t<Src>* src) {
  OnUnwind clean([&] { std::memset(dst, 0, n); });
  build(dst, src);
  clean.Keep();
}

// A new object of its own for an indirect slot, built by build(p, src); freed again if
// that throws.
template <class Src>
[[gnu::always_inline]] inline void* BuildObject(uint32_t size, uint32_t align,
                                                void (*build)(void*, Src*),
                                                std::type_identity_t<Src>* src) {
  void* p = AllocObject(size, align);
  OnUnwind free_p([&] { FreeObject(p, align); });
  build(p, src);
  free_p.Keep();
  return p;
}

// memcpy and memset for the bytes of one trivial key or elem, with the 8-byte case
// (int64 and pointer-sized objects) done in place: a library call for a size known only
// at run time costs more than the rest of a small insert or delete.
inline void CopySlotBytes(void* dst, const void* src, size_t n) {
  if (n == 8) {
    uint64_t u;
    std::memcpy(&u, src, 8);
    std::memcpy(dst, &u, 8);
  } else {
    std::memcpy(dst, src, n);
  }
}
inline void ZeroSlotBytes(void* dst, size_t n) {
  if (n == 8) {
    const uint64_t z = 0;
    std::memcpy(dst, &z, 8);
  } else {
    std::memset(dst, 0, n);
  }
}

// Copy-constructs key into an empty slot. On a throw the slot is left clean (zero).
inline void ConstructKey(const MapType* t, void* slot, const void* key) {
  if (t->indirect_key()) {
    *static_cast<void**>(slot) = BuildObject(t->key_objsize, t->key_objalign, t->key_copy, key);
  } else if (t->trivial_key()) {
    CopySlotBytes(slot, key, t->keysize);  // what the copy constructor does, without the call
  } else {
    BuildInPlace(slot, t->keysize, t->key_copy, key);
  }
}

// Move-constructs the caller's value into an empty slot. On a throw the slot is
// unchanged (its bytes are re-zeroed). Inlined into assign, the one caller, so that the
// common case (a trivial value in the slot) is a test and a copy on the insert path.
[[gnu::always_inline]] inline void ConstructElem(const MapType* t, void* slot, void* elem) {
  if (t->trivial_elem() && !t->indirect_elem()) {
    CopySlotBytes(slot, elem, t->elemsize);  // a trivial move is a copy of the bytes
    return;
  }
  if (t->elemsize == 0) return;
  if (t->indirect_elem()) {
    *static_cast<void**>(slot) =
        BuildObject(t->elem_objsize, t->elem_objalign, t->elem_construct, elem);
  } else {
    BuildInPlace(slot, t->elemsize, t->elem_construct, elem);
  }
}

// Ends the key object in a slot. With `clean`, leaves the slot as I12 wants it.
inline void DestroyKey(const MapType* t, void* slot, bool clean) {
  if (t->indirect_key()) {
    void* p = *static_cast<void**>(slot);
    t->key_destroy(p);
    FreeObject(p, t->key_objalign);
    if (clean) *static_cast<void**>(slot) = nullptr;
  } else if (!t->trivial_key()) {
    t->key_destroy(slot);
    if (clean) ZeroSlotBytes(slot, t->keysize);
  }
}

inline void DestroyElem(const MapType* t, void* slot, bool clean) {
  if (t->elemsize == 0) return;
  if (t->indirect_elem()) {
    void* p = *static_cast<void**>(slot);
    t->elem_destroy(p);
    FreeObject(p, t->elem_objalign);
  } else if (!t->trivial_elem()) {
    t->elem_destroy(slot);
  }
  if (clean) ZeroSlotBytes(slot, t->elemsize);
}

}  // namespace gomap::internal

#endif  // GOMAP_RUNTIME_INTERNAL_SLOT_H_
