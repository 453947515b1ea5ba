// Per-type metadata for the type-erased map core: Go's `maptype`.
//
// The core in runtime/*.cc never sees K or V. Everything it needs to know about
// them (sizes, slot layout, how to hash, compare, copy, move and destroy) is in a
// MapType, built once per Map<K, V, Hash, Eq> instantiation by MakeMapType below.
// Behaviour comments only; nothing here is user API.
#ifndef GOMAP_INTERNAL_TYPE_H_
#define GOMAP_INTERNAL_TYPE_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <type_traits>
#include <utility>

#include "gomap/internal/str_key.h"

namespace gomap {

// Per-key-type facts Go's compiler derives from the type (maptype.flags).
// Specialise for your own key types when the defaults are too conservative.
//   kReflexive:     k == k for every value (false for floats and anything holding one).
//   kNeedKeyUpdate: an overwrite must also store the new key, because equal keys can
//                   still differ (+0 and -0).
template <class K, class = void>
struct KeyTraits {
  static constexpr bool kReflexive =
      std::is_integral_v<K> || std::is_enum_v<K> || std::is_pointer_v<K>;
  static constexpr bool kNeedKeyUpdate = !kReflexive;
};
template <>
struct KeyTraits<std::string> {
  static constexpr bool kReflexive = true;
  // Go rewrites the string header because two equal strings may have different
  // backing stores; equal std::strings are indistinguishable, so there is nothing to do.
  static constexpr bool kNeedKeyUpdate = false;
};

namespace internal {

// Which specialised entry points a map type uses (Go's map_fast32/64/str.go).
enum class KeyKind : uint8_t { kGeneric, kFast32, kFast64, kFastStr };

// maptype.flags bits, Go's values where Go has them.
enum TypeFlag : uint8_t {
  kIndirectKey = 1,
  kIndirectElem = 2,
  kReflexiveKey = 4,
  kNeedKeyUpdate = 8,
  // gomap only. Trivial: trivially copyable and destructible, the bytes are the object.
  // NothrowMove: evacuation may move (instead of copy) and undo a move if it must.
  kKeyNothrowMove = 16,
  kTrivialKey = 32,
  kTrivialElem = 64,
  kElemNothrowMove = 128,
};

inline constexpr size_t kMaxKeySize = 128;   // Go's maxKeySize
inline constexpr size_t kMaxElemSize = 128;  // Go's maxElemSize

struct MapType {
  // Slot layout of one bucket (see bucket.h): tophash[8] | keys[8] | elems[8] | overflow.
  uint32_t keysize;      // bytes of one key slot (pointer size when indirect)
  uint32_t elemsize;     // bytes of one elem slot (0 for zero-size values)
  uint32_t keyoff;       // offset of key[0]
  uint32_t elemoff;      // offset of elem[0]
  uint32_t overflowoff;  // offset of the overflow pointer
  uint32_t bucketsize;
  uint32_t bucketalign;
  uint8_t flags;
  KeyKind kind;
  // Size and alignment of the objects themselves (for indirect allocation).
  uint32_t key_objsize, key_objalign, elem_objsize, elem_objalign;

  // Go's hasher(key, seed) and ==, on object pointers (never slot pointers).
  uint64_t (*hasher)(const MapType* t, const void* key, uint64_t seed);
  bool (*equal)(const MapType* t, const void* a, const void* b);
  // Object lifecycle. "relocate" is move_if_noexcept construction, used where a
  // throw half-way would lose data (evacuation); it falls back to a copy.
  void (*key_copy)(void* dst, const void* src);
  void (*key_relocate)(void* dst, void* src);
  void (*key_assign)(void* dst, const void* src);
  void (*key_destroy)(void* p);
  void (*elem_construct)(void* dst, void* src_rvalue);  // from the caller's value
  void (*elem_assign)(void* dst, void* src_rvalue);
  void (*elem_copy)(void* dst, const void* src);
  void (*elem_relocate)(void* dst, void* src);
  void (*elem_destroy)(void* p);
  // Diagnostics (Audit, Dump, reports): a short printable form of a key.
  std::string (*key_string)(const void* key);
  // Deletes the whole object, the derived part (Hash and Eq) included.
  // A function pointer rather than a virtual destructor, so that MapType has no vptr:
  // UBSan's vptr check (part of -fsanitize=undefined) tests the dynamic type at every
  // member access through a pointer to a polymorphic class, which in the sanitizer
  // presets was a hash and a cache probe on each of the core's reads of the layout.
  void (*destroy)(const MapType* t);

  bool indirect_key() const { return flags & kIndirectKey; }
  bool indirect_elem() const { return flags & kIndirectElem; }
  bool reflexive_key() const { return flags & kReflexiveKey; }
  bool need_key_update() const { return flags & kNeedKeyUpdate; }
  bool trivial_key() const { return flags & kTrivialKey; }
  bool trivial_elem() const { return flags & kTrivialElem; }
  bool key_nothrow_move() const { return flags & kKeyNothrowMove; }
  bool elem_nothrow_move() const { return flags & kElemNothrowMove; }
};

// The slot layout of a bucket, from object sizes, following Go's rules: objects over
// 128 bytes are stored out of line (the slot holds a pointer); zero-size elems take no
// room. tophash[8] | keys | elems | overflow: with Go's types (alignment <= 8) no padding
// appears, which gives Go's bucket sizes (8 + 8*keysize + 8*elemsize + 8).
struct BucketLayout {
  size_t keysize, elemsize, keyoff, elemoff, overflowoff, bucketsize, bucketalign;
  bool indirect_key, indirect_elem;
};
constexpr BucketLayout ComputeLayout(size_t key_size, size_t key_align, size_t elem_size,
                                     size_t elem_align) {
  auto align_up = [](size_t n, size_t a) { return (n + a - 1) / a * a; };
  BucketLayout l{};
  size_t kslot = key_size, kalign = key_align;
  if (key_size > kMaxKeySize) {
    l.indirect_key = true;
    kslot = kalign = sizeof(void*);
  }
  size_t eslot = elem_size, ealign = elem_size == 0 ? 1 : elem_align;
  if (elem_size > kMaxElemSize) {
    l.indirect_elem = true;
    eslot = ealign = sizeof(void*);
  }
  l.keysize = kslot;
  l.elemsize = eslot;
  l.keyoff = align_up(8, kalign);  // 8 tophash bytes
  l.elemoff = align_up(l.keyoff + 8 * kslot, ealign);
  l.overflowoff = align_up(l.elemoff + 8 * eslot, alignof(void*));
  l.bucketalign = std::max({kalign, ealign, alignof(void*)});
  l.bucketsize = align_up(l.overflowoff + sizeof(void*), l.bucketalign);
  return l;
}

// Fills the layout fields and the indirect flags of t from ComputeLayout. Defined in
// make.cc.
void LayoutMapType(MapType* t, size_t key_size, size_t key_align, size_t elem_size,
                   size_t elem_align);

template <class T>
std::string DebugString(const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    return "\"" + v + "\"";
  } else if constexpr (std::is_arithmetic_v<T>) {
    return std::to_string(v);
  } else {
    return "<" + std::to_string(sizeof(T)) + " bytes>";
  }
}

// Values of an empty trivial type take no room in buckets (Go's zero-size elems).
template <class V>
inline constexpr bool kZeroSizeElem = std::is_empty_v<V> &&
                                      std::is_trivially_default_constructible_v<V> &&
                                      std::is_trivially_copyable_v<V>;

// The elem half of a MapType: layout flags and lifecycle of V.
template <class V>
void SetElemOps(MapType* t) {
  if (std::is_trivially_copyable_v<V> && std::is_trivially_destructible_v<V>)
    t->flags |= kTrivialElem;
  if (std::is_nothrow_move_constructible_v<V>) t->flags |= kElemNothrowMove;
  t->elem_construct = [](void* d, void* s) {
    if constexpr (!kZeroSizeElem<V>) ::new (d) V(std::move(*static_cast<V*>(s)));
  };
  t->elem_assign = [](void* d, void* s) {
    if constexpr (!kZeroSizeElem<V>) *static_cast<V*>(d) = std::move(*static_cast<V*>(s));
  };
  t->elem_copy = [](void* d, const void* s) {
    if constexpr (!kZeroSizeElem<V>) ::new (d) V(*static_cast<const V*>(s));
  };
  t->elem_relocate = [](void* d, void* s) {
    if constexpr (!kZeroSizeElem<V>) ::new (d) V(std::move_if_noexcept(*static_cast<V*>(s)));
  };
  t->elem_destroy = [](void* p) {
    if constexpr (!kZeroSizeElem<V>) static_cast<V*>(p)->~V();
  };
}

// The MapType of one Map<K, V, Hash, Eq>. Hash and Eq objects live in it, so
// stateful hashers (tests choose a weak one at run time) work.
template <class K, class V, class Hash, class Eq>
struct TypedMapType final : MapType {
  Hash hash;
  Eq eq;

  TypedMapType(Hash h, Eq e) : hash(std::move(h)), eq(std::move(e)) {
    LayoutMapType(this, sizeof(K), alignof(K), kZeroSizeElem<V> ? 0 : sizeof(V),
                  alignof(V));
    if (KeyTraits<K>::kReflexive) flags |= kReflexiveKey;
    if (KeyTraits<K>::kNeedKeyUpdate) flags |= kNeedKeyUpdate;
    if (std::is_trivially_copyable_v<K> && std::is_trivially_destructible_v<K>)
      flags |= kTrivialKey;
    if (std::is_nothrow_move_constructible_v<K>) flags |= kKeyNothrowMove;
    hasher = [](const MapType* t, const void* k, uint64_t seed) -> uint64_t {
      return static_cast<uint64_t>(
          static_cast<const TypedMapType*>(t)->hash(*static_cast<const K*>(k), seed));
    };
    equal = [](const MapType* t, const void* a, const void* b) -> bool {
      return static_cast<const TypedMapType*>(t)->eq(*static_cast<const K*>(a),
                                                     *static_cast<const K*>(b));
    };
    key_copy = [](void* d, const void* s) { ::new (d) K(*static_cast<const K*>(s)); };
    key_relocate = [](void* d, void* s) {
      ::new (d) K(std::move_if_noexcept(*static_cast<K*>(s)));
    };
    key_assign = [](void* d, const void* s) {
      *static_cast<K*>(d) = *static_cast<const K*>(s);
    };
    key_destroy = [](void* p) { static_cast<K*>(p)->~K(); };
    key_string = [](const void* k) { return DebugString(*static_cast<const K*>(k)); };
    destroy = [](const MapType* t) { delete static_cast<const TypedMapType*>(t); };
    SetElemOps<V>(this);
  }
};

// The MapType of Map<std::string, V> with the default hash and equality (the fast
// string kind): keys are StrKey slots (str_key.h), hashed and compared as the bytes they
// hold. Hash and Eq are the defaults, which hold nothing.
template <class V>
struct StrKeyMapType final : MapType {
  template <class Hash, class Eq>
  StrKeyMapType(Hash, Eq) {
    LayoutMapType(this, sizeof(StrKey), alignof(StrKey), kZeroSizeElem<V> ? 0 : sizeof(V),
                  alignof(V));
    // Reflexive, no key update (equal strings are indistinguishable), moves never throw.
    flags |= kReflexiveKey | kKeyNothrowMove;
    hasher = [](const MapType*, const void* k, uint64_t seed) -> uint64_t {
      return static_cast<const StrKey*>(k)->Hash(seed);
    };
    equal = [](const MapType*, const void* a, const void* b) -> bool {
      return StrKey::Equal(*static_cast<const StrKey*>(a), *static_cast<const StrKey*>(b));
    };
    key_copy = [](void* d, const void* s) { StrKey::CopyTo(d, *static_cast<const StrKey*>(s)); };
    key_relocate = [](void* d, void* s) { StrKey::Relocate(d, s); };
    key_assign = [](void*, const void*) {};  // never called: no kNeedKeyUpdate
    key_destroy = [](void* p) { StrKey::Destroy(p); };
    key_string = [](const void* k) {
      return DebugString(std::string(static_cast<const StrKey*>(k)->view()));
    };
    destroy = [](const MapType* t) { delete static_cast<const StrKeyMapType*>(t); };
    SetElemOps<V>(this);
  }
};

}  // namespace internal
}  // namespace gomap

#endif  // GOMAP_INTERNAL_TYPE_H_
