// The bucket slot of a std::string key in maps of the fast string kind (Go's
// map_faststr.go: std::string keys with DefaultHash and std::equal_to). Go stores a
// 16-byte string header that points at bytes the program already owns; a C++ map must
// own its keys, and a std::string slot is 32 bytes plus a heap block for keys over 15
// bytes. A StrKey is 24 bytes and holds keys of up to 16 bytes entirely in the bucket:
//
//   len | bytes 0-7 | bytes 8-15, zero padded     when len <= 16
//   len | bytes 0-7 | pointer to all len bytes    when len > 16
//
// so inserting such a key allocates nothing, deleting it frees nothing, and comparing it
// is three word compares on the bucket's own cache lines. Longer keys keep their first 8
// bytes beside the length, which settles most unequal compares without the pointer.
//
// The core sees only StrKeys: slots own theirs (a long key's bytes are its own
// allocation); the key a caller looks up is wrapped in a StrKey that borrows the caller's
// bytes (View) and is never stored or destroyed. The hash is DefaultHash<std::string>'s,
// over the same bytes, so a map hashes and orders exactly as with std::string slots.
#ifndef GOMAP_INTERNAL_STR_KEY_H_
#define GOMAP_INTERNAL_STR_KEY_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <string_view>

#include "gomap/internal/bucket_scan.h"
#include "gomap/internal/hash.h"

namespace gomap::internal {

struct StrKey {
  static constexpr size_t kInline = 16;

  uint64_t len;
  alignas(8) char b[16];

  bool IsInline() const { return len <= kInline; }
  const char* data() const { return IsInline() ? b : Far(); }
  std::string_view view() const { return {data(), static_cast<size_t>(len)}; }
  uint64_t Hash(uint64_t seed) const { return MemHash(data(), len, seed); }

  // The three words of the slot of a key of at most kInline bytes (its length, then its
  // bytes zero padded), as plain values: a lookup keeps them in registers and compares
  // them with a candidate slot's words. A slot holding a longer key differs in length.
  struct Words {
    uint64_t len, lo, hi;
    bool Matches(const void* slot) const {
      const char* w = static_cast<const char*>(slot);
      return Load(w) == len && Load(w + 8) == lo && Load(w + 16) == hi;
    }
    // Writes them to a raw slot: the owning StrKey of the key (nothing to allocate).
    void StoreTo(void* slot) const {
      char* w = static_cast<char*>(slot);
      std::memcpy(w, &len, 8);
      std::memcpy(w + 8, &lo, 8);
      std::memcpy(w + 16, &hi, 8);
    }
  };
  static Words ShortWords(std::string_view s) {
    const char* p = s.data();
    const size_t n = s.size();
    if (n >= 8) {
      // The last 8 bytes overlap the first 8 when n < 16: shift the overlap out (the
      // bytes are little-endian in the word), leaving zeros above the key.
      return {n, Load(p), n == 8 ? 0 : Load(p + n - 8) >> (8 * (16 - n))};
    }
    // Shorter keys as XXH3 reads them, with no call: two overlapping 4-byte words, or
    // the first, middle and last byte (equal bytes where they overlap).
    if (n >= 4) return {n, Load4(p) | Load4(p + n - 4) << (8 * (n - 4)), 0};
    if (n == 0) return {0, 0, 0};
    const auto byte = [p](size_t i) {
      return uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
    };
    return {n, byte(0) | byte(n / 2) | byte(n - 1), 0};
  }

  // A StrKey over s's bytes, for lookups: it borrows them when s is long.
  static StrKey View(std::string_view s) {
    StrKey k;
    k.len = s.size();
    if (s.size() > kInline) {
      const char* p = s.data();
      std::memcpy(k.b, p, 8);
      std::memcpy(k.b + 8, &p, sizeof p);
    } else {
      const Words w = ShortWords(s);
      std::memcpy(k.b, &w.lo, 8);
      std::memcpy(k.b + 8, &w.hi, 8);
    }
    return k;
  }

  static bool Equal(const StrKey& x, const StrKey& y) {
    if (x.len != y.len || Load(x.b) != Load(y.b)) return false;
    if (x.IsInline()) return Load(x.b + 8) == Load(y.b + 8);
    return KeyBytesEqual(x.Far() + 8, y.Far() + 8, x.len - 8);
  }
  friend bool operator==(const StrKey& x, const StrKey& y) { return Equal(x, y); }

  // Constructs an owning copy of src in the (raw) slot dst. May throw std::bad_alloc,
  // before anything is written.
  static void CopyTo(void* dst, const StrKey& src) {
    StrKey k = src;
    if (!src.IsInline()) {
      char* p = static_cast<char*>(::operator new(src.len));
      std::memcpy(p, src.Far(), src.len);
      std::memcpy(k.b + 8, &p, sizeof p);
    }
    std::memcpy(dst, &k, sizeof k);
  }
  // Ends an owning StrKey (a slot's). A zeroed slot is an empty inline key: nothing to do.
  static void Destroy(void* slot) {
    StrKey k;
    std::memcpy(&k, slot, sizeof k);
    if (!k.IsInline()) ::operator delete(const_cast<char*>(k.Far()));
  }
  // Moves an owning StrKey to the raw slot dst; the source is left empty (zero), so
  // destroying it afterwards does nothing.
  static void Relocate(void* dst, void* src) {
    std::memcpy(dst, src, sizeof(StrKey));
    std::memset(src, 0, sizeof(StrKey));
  }

 private:
  static uint64_t Load(const char* p) {
    uint64_t u;
    std::memcpy(&u, p, sizeof u);
    return u;
  }
  static uint64_t Load4(const char* p) {
    uint32_t u;
    std::memcpy(&u, p, sizeof u);
    return u;
  }
  const char* Far() const {
    const char* p;
    std::memcpy(&p, b + 8, sizeof p);
    return p;
  }
};

static_assert(sizeof(StrKey) == 24 && alignof(StrKey) == 8,
              "bucket layout: StrKey slots are 24 bytes (Map::FastAccess and KeyOps<kFastStr> "
              "find key i at 8 + 24 * i)");
static_assert(std::endian::native == std::endian::little,
              "StrKey::View shifts the overlapping tail word assuming little-endian bytes");

}  // namespace gomap::internal

#endif  // GOMAP_INTERNAL_STR_KEY_H_
