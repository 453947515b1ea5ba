// Hashers of the trace configurations (FORMAT.md §2.5): the seeded default and weak ones
// that force collisions on purpose — one bucket for everything, equal tophashes
// everywhere, or only four distinct hash values — so that overflow chains, same-size
// growth and tophash false matches are reached by small inputs. Each weak hasher is a
// fixed function of the default hash, so it stays consistent with Go equality
// (+0 and -0 hash alike) whatever the key type.
#ifndef GOMAP_ORACLE_HASHERS_H_
#define GOMAP_ORACLE_HASHERS_H_

#include <cstdint>

#include "gomap/map.h"
#include "oracle/trace.h"

namespace gomap {

// [25]uint64 keys: Go's array hash is the element hashes chained; hashing the 200 bytes
// at once is an equally good seeded hash and agrees with == (no padding).
template <>
struct DefaultHash<oracle::Big> {
  uint64_t operator()(const oracle::Big& b, uint64_t seed) const {
    return internal::MemHash(b.w.data(), sizeof b.w, seed);
  }
};

// Like Go's [25]uint64: every value equals itself, equal keys are identical.
template <>
struct KeyTraits<oracle::Big> {
  static constexpr bool kReflexive = true;
  static constexpr bool kNeedKeyUpdate = false;
};

namespace oracle {

inline constexpr uint64_t kConstHash = 0x9E3779B97F4A7C15ull;
inline constexpr uint64_t kFewHashes[4] = {0x0123456789ABCDEFull, 0xFEDCBA9876543210ull,
                                           0x00000000FFFFFFFFull, 0xFFFFFFFF00000000ull};

// The weakening of FORMAT.md §2.5, applied to the default hash d of a key.
constexpr uint64_t Weaken(HasherKind kind, uint64_t d) {
  switch (kind) {
    case HasherKind::kDefault:
      return d;
    case HasherKind::kConst:
      return kConstHash;
    case HasherKind::kLowBits:
      return d & 0xFF;
    case HasherKind::kTopByte:
      return d & 0xFF00000000000000ull;
    case HasherKind::kFew:
      return kFewHashes[d & 3];
  }
  return d;
}

// A stateful hasher: the configuration picks the kind at run time. Maps that use the
// default hasher use gomap::DefaultHash directly instead, so that they take the
// runtime's fast paths (fast64, faststr) exactly as user code does.
template <class K>
struct TestHash {
  HasherKind kind = HasherKind::kDefault;
  uint64_t operator()(const K& k, uint64_t seed) const {
    if (kind == HasherKind::kConst) return kConstHash;  // no need to hash at all
    return Weaken(kind, DefaultHash<K>()(k, seed));
  }
};

}  // namespace oracle
}  // namespace gomap

#endif  // GOMAP_ORACLE_HASHERS_H_
