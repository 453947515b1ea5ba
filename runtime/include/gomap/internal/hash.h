// Default seeded hashers: Go's memhash64/memhash32 for 8- and 4-byte keys, XXH3 for
// other lengths. The seed is the map's hash0; nothing else goes in, so a run is
// reproducible from SeedRandom alone (no per-process salt, no addresses).
#ifndef GOMAP_INTERNAL_HASH_H_
#define GOMAP_INTERNAL_HASH_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

namespace gomap {
namespace internal {

// Draws from the runtime's generator (see SeedRandom). Thread-safe.
uint64_t FastRand64();

// Go's hash64.go constants, used for +0/-0 and NaN exactly as Go's f64hash does.
inline constexpr uint64_t kC0 = 33054211828000289ull;
inline constexpr uint64_t kC1 = 23344194077549503ull;

// Go's hash64.go: the wyhash-style memhash Go uses where the CPU has no AES. Go gives
// 4- and 8-byte keys functions of their own (memhash32, memhash64), the hashers of its
// map_fast32 and map_fast64 maps; gomap hashes every 4- and 8-byte key with them. Go
// folds a per-process random hashkey into the seed; gomap has no process salt (runs must
// replay from their input alone), so that term is left out.
inline constexpr uint64_t kM1 = 0xa0761d6478bd642full;
inline constexpr uint64_t kM2 = 0xe7037ed1a0b428dbull;
inline constexpr uint64_t kM5 = 0x1d8e4e27c47d124full;

// Go's mix: the 128-bit product of a and b, its halves xored.
inline uint64_t Mix(uint64_t a, uint64_t b) {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r >> 64) ^ static_cast<uint64_t>(r);
}
inline uint64_t MemHash64(uint64_t a, uint64_t seed) {
  return Mix(kM5 ^ 8, Mix(a ^ kM2, a ^ seed ^ kM1));
}
inline uint64_t MemHash32(uint32_t a, uint64_t seed) {
  return Mix(kM5 ^ 4, Mix(a ^ kM2, a ^ seed ^ kM1));
}

// The hash of n <= 16 bytes (the keys a StrKey holds in its slot): Go's memhash64 and
// memhash32 for 8 and 4 bytes (what Go's generic memhash computes for those lengths
// too), otherwise XXH3's own short-input hash, which is what XXH3_64bits_withSeed
// computes for those lengths (the seed goes in directly, the secret is the default one).
// It holds nothing for longer inputs: inlined into a lookup, XXH3's general entry point
// would cost every short key a call that saves and restores registers.
[[gnu::always_inline]] inline uint64_t MemHashShort(const void* p, size_t n, uint64_t seed) {
  if (n == 8) {
    uint64_t a;
    std::memcpy(&a, p, sizeof a);
    return MemHash64(a, seed);
  }
  if (n == 4) {
    uint32_t a;
    std::memcpy(&a, p, sizeof a);
    return MemHash32(a, seed);
  }
  return XXH3_len_0to16_64b(static_cast<const xxh_u8*>(p), n, XXH3_kSecret, seed);
}

// The hash of n bytes: MemHashShort up to 16 bytes, XXH3 for every longer length.
inline uint64_t MemHash(const void* p, size_t n, uint64_t seed) {
  if (n <= 16) return MemHashShort(p, n, seed);
  return XXH3_64bits_withSeed(p, n, seed);
}

template <class F>
inline uint64_t FloatHash(F f, uint64_t seed) {
  if (f == 0) return kC1 * (kC0 ^ seed);                  // +0 and -0 hash alike
  if (f != f) return kC1 * (kC0 ^ seed ^ FastRand64());   // every NaN is its own key
  return MemHash(&f, sizeof f, seed);
}

}  // namespace internal

// DefaultHash<K>: uint64_t operator()(const K&, uint64_t seed) const.
// Defined for integers, enums, float/double (Go float semantics) and std::string.
// Other key types need a user hash consistent with their equality.
template <class K, class = void>
struct DefaultHash;

template <class K>
struct DefaultHash<K, std::enable_if_t<std::is_integral_v<K> || std::is_enum_v<K>>> {
  uint64_t operator()(const K& k, uint64_t seed) const {
    return internal::MemHash(&k, sizeof k, seed);
  }
};

template <class K>
struct DefaultHash<K, std::enable_if_t<std::is_floating_point_v<K>>> {
  uint64_t operator()(K k, uint64_t seed) const { return internal::FloatHash(k, seed); }
};

template <>
struct DefaultHash<std::string> {
  uint64_t operator()(std::string_view s, uint64_t seed) const {
    return internal::MemHash(s.data(), s.size(), seed);
  }
};

}  // namespace gomap

#endif  // GOMAP_INTERNAL_HASH_H_
