// The bucket scan shared by the runtime (runtime/*.cc) and the lookup and assign that
// <gomap/map.h> inlines for the fast key kinds: Go's bucket constants, tophash states,
// map flag bits and grow triggers, and the 8-slots-at-a-time tophash match. Nothing
// here is user API.
//
// A bucket is raw memory laid out as Go lays it out (runtime/internal/bucket.h):
//   tophash[8] | key[8] | elem[8] | overflow pointer
#ifndef GOMAP_INTERNAL_BUCKET_SCAN_H_
#define GOMAP_INTERNAL_BUCKET_SCAN_H_

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace gomap::internal {

inline constexpr int kBucketCntBits = 3;
inline constexpr int kBucketCnt = 1 << kBucketCntBits;

// Tophash states (Go's values; a full slot holds tophash(hash) >= kMinTopHash).
inline constexpr uint8_t kEmptyRest = 0;       // empty, and so is every later slot
inline constexpr uint8_t kEmptyOne = 1;        // empty
inline constexpr uint8_t kEvacuatedX = 2;      // moved to the low half
inline constexpr uint8_t kEvacuatedY = 3;      // moved to the high half
inline constexpr uint8_t kEvacuatedEmpty = 4;  // empty, bucket evacuated
inline constexpr uint8_t kMinTopHash = 5;

static_assert(kEvacuatedY == kEvacuatedX + 1,
              "Evacuate writes kEvacuatedX + useY; iterators rely on it");
static_assert((kEvacuatedX & 1) == 0 && (kEvacuatedY & 1) == 1,
              "iterators filter moved NaN slots by bit 0 of the mark, which must equal "
              "the destination bit Evacuate chose from bit 0 of the tophash");
static_assert(kEmptyRest == 0, "a zeroed bucket must read as all kEmptyRest");

inline constexpr uint8_t kIterator = 1;
inline constexpr uint8_t kOldIterator = 2;
inline constexpr uint8_t kHashWriting = 4;
inline constexpr uint8_t kSameSizeGrow = 8;
// gomap's own bit: set exactly while oldbuckets is non-null (HashGrow sets it; EndGrow
// clears it at the end of the evacuation or in MapClear), so that the lookup
// <gomap/map.h> inlines tells "growing or being written" from one byte. Stats and Dump
// show Go's four bits only (GoFlags).
inline constexpr uint8_t kGrowing = 16;

using Bucket = unsigned char;

// What HMap::bucket0 points to while the map has no buckets: one bucket's tophash bytes,
// all kEmptyRest, so that the inline lookup finds nothing there without first testing
// for buckets or for count == 0. Read-only: writers test `buckets` (InlineAssignable).
alignas(64) inline constexpr Bucket kNoBuckets[64] = {};

inline constexpr int64_t kLoadFactorNum = 13;  // load factor 6.5 as 13/2
inline constexpr int64_t kLoadFactorDen = 2;

inline uint64_t BucketShift(uint8_t B) { return uint64_t{1} << (B & 63); }
inline uint64_t BucketMask(uint8_t B) { return BucketShift(B) - 1; }
// The two grow triggers, which only the insert of an absent key pulls.
// count > 8 && count > 13 * (2^B / 2): integer division makes B = 0 mean "count > 8".
inline bool OverLoadFactor(int64_t count, uint8_t B) {
  return count > kBucketCnt &&
         static_cast<uint64_t>(count) > kLoadFactorNum * (BucketShift(B) / kLoadFactorDen);
}
inline bool TooManyOverflowBuckets(uint16_t noverflow, uint8_t B) {
  if (B > 15) B = 15;
  return noverflow >= static_cast<uint16_t>(uint16_t{1} << (B & 15));
}

// HIter::checkBucket when the iterator needs no grow filter in its current bucket.
inline constexpr uint64_t kNoCheck = ~uint64_t{0};

constexpr uint8_t TopHash(uint64_t hash) {
  uint8_t top = static_cast<uint8_t>(hash >> 56);
  if (top < kMinTopHash) top += kMinTopHash;
  return top;
}

inline constexpr uint64_t kLowBytes = 0x0101010101010101ull;

// TopHash(hash) in each of the 8 bytes of a word, by the hash's top byte: what a lookup
// compares a bucket's tophash word with. Read from here, it costs the lookup a shift and
// a load. Computed, it put the fixup's compare and move and a multiply between the hash
// and the first tophash compare, and GCC spent moves between registers around the hash's
// two products. With the table, integer-key hits and misses of a 1,000-entry map take
// 12-15% less time (bench/HISTORY.md). It is 2 KiB: 32 cache lines.
struct TopHashWordTable {
  alignas(64) uint64_t word[256];
};
inline constexpr TopHashWordTable kTopHashWords = [] {
  TopHashWordTable t{};
  for (uint64_t b = 0; b < 256; b++) t.word[b] = kLowBytes * TopHash(b << 56);
  return t;
}();
inline const uint64_t* TopHashWord(uint64_t hash) { return &kTopHashWords.word[hash >> 56]; }

inline bool IsEmpty(uint8_t x) { return x <= kEmptyOne; }

// The 8 tophash bytes of a bucket tested at once, so that lookup, assign and delete
// compare keys only in candidate slots. A SlotMask has one flag per slot, the lowest for
// slot 0; scans built on these masks visit slots in Go's order and stop where Go's byte
// loops stop. With SSE2 one compare and a movemask make a mask (bit i = slot i), which
// keeps the path from the bucket load to the key load short; elsewhere a SWAR word
// (the high bit of byte i = slot i) does the same job.
#if defined(__SSE2__)
using SlotMask = uint32_t;
inline constexpr int kSlotMaskShift = 0;
struct TopHashes {
  __m128i v;
};
inline TopHashes LoadTopHashes(const Bucket* b) {
  return {_mm_loadl_epi64(reinterpret_cast<const __m128i*>(b))};
}
// x in each of the low 8 bytes, zero above: one move from a general register.
// (_mm_set1_epi8 of a byte known only at run time compiles to a byte store and a wider
// reload, a store-forwarding stall on the way to every key compare.)
inline __m128i Splat8(uint8_t x) {
  return _mm_cvtsi64_si128(static_cast<long long>(kLowBytes * x));
}
// Only the low 8 bytes are slots (loadl and Splat8 zero the rest, which would match).
inline SlotMask MatchBytes(TopHashes t, __m128i x) {
  return static_cast<SlotMask>(_mm_movemask_epi8(_mm_cmpeq_epi8(t.v, x))) & 0xff;
}
inline SlotMask MatchByte(TopHashes t, uint8_t x) { return MatchBytes(t, Splat8(x)); }
// The slots holding TopHash(hash).
struct TopHashPattern {
  __m128i v;
};
inline TopHashPattern TopHashPatternOf(uint64_t hash) {
  return {_mm_loadl_epi64(reinterpret_cast<const __m128i*>(TopHashWord(hash)))};
}
inline SlotMask MatchTopHashPattern(TopHashes t, TopHashPattern p) { return MatchBytes(t, p.v); }
// Slots that are empty (kEmptyRest or kEmptyOne): min(x, 1) == x.
inline SlotMask MatchEmpty(TopHashes t) {
  return static_cast<SlotMask>(_mm_movemask_epi8(
             _mm_cmpeq_epi8(_mm_min_epu8(t.v, _mm_set1_epi8(kEmptyOne)), t.v))) &
         0xff;
}
#else
using SlotMask = uint64_t;
inline constexpr int kSlotMaskShift = 3;
static_assert(std::endian::native == std::endian::little,
              "TopHashes: byte i of the word must be slot i (ctz finds the first slot)");
struct TopHashes {
  uint64_t w;
};
inline TopHashes LoadTopHashes(const Bucket* b) {
  uint64_t w;
  std::memcpy(&w, b, sizeof w);
  return {w};
}
inline constexpr uint64_t kHighBits = 0x8080808080808080ull;
// High bit of byte i set exactly when byte i of x is zero. Exact, unlike the shorter
// borrow trick (x - 0x01..) & ~x & 0x80.., which can also flag a byte above a zero
// byte: scans rely on every flag being a real slot.
inline uint64_t ZeroBytes(uint64_t x) {
  uint64_t y = (x & ~kHighBits) + ~kHighBits;  // high bit set when the low 7 bits are not 0
  return ~(y | x | ~kHighBits);
}
inline SlotMask MatchByte(TopHashes t, uint8_t x) { return ZeroBytes(t.w ^ (kLowBytes * x)); }
// The slots holding TopHash(hash).
struct TopHashPattern {
  uint64_t w;
};
inline TopHashPattern TopHashPatternOf(uint64_t hash) { return {*TopHashWord(hash)}; }
inline SlotMask MatchTopHashPattern(TopHashes t, TopHashPattern p) { return ZeroBytes(t.w ^ p.w); }
// Slots that are empty (kEmptyRest or kEmptyOne: only bit 0 may be set).
inline SlotMask MatchEmpty(TopHashes t) { return ZeroBytes(t.w & ~kLowBytes); }
#endif
static_assert(kEmptyRest == 0 && kEmptyOne == 1, "MatchEmpty: empty means tophash <= 1");
// Slots whose tophash is top (a full slot's tophash: top >= kMinTopHash).
inline SlotMask MatchTopHash(TopHashes t, uint8_t top) {
  return MatchByte(t, top);
}
// Slots that are kEmptyRest.
inline SlotMask MatchEmptyRest(TopHashes t) { return MatchByte(t, kEmptyRest); }
// Flags of the slots before the first flag of `stop` (all slots when stop is 0).
inline SlotMask SlotsBefore(SlotMask stop) { return (stop & (0 - stop)) - 1; }
// Flags of the slots up to and including the first flag of `stop` (all when stop is 0).
inline SlotMask SlotsThrough(SlotMask stop) { return stop ? stop ^ (stop - 1) : ~SlotMask{0}; }
// The slot of the lowest flag of a non-zero mask (unsigned: as an index it needs no
// sign extension).
inline unsigned FirstSlot(SlotMask mask) {
  return static_cast<unsigned>(std::countr_zero(mask)) >> kSlotMaskShift;
}

// Go's lookup loop over one chain (mapaccess): the candidates of each bucket are the
// slots holding TopHash(hash) before its first kEmptyRest, tried in slot order; a
// kEmptyRest ends the search. b is the chain's primary bucket (never null); eq(b, i)
// compares the key of slot i of bucket b. Returns the bucket and sets *out_i, or
// returns null.
//
// A candidate holds TopHash(hash) >= kMinTopHash, so it is a full slot, and in a healthy
// map no full slot comes after a kEmptyRest of its chain (invariant I8, which Audit
// checks): every candidate is one Go's loop reaches. So the kEmptyRest test waits until a bucket
// has no candidate left, and a hit, the path that matters most, is the tophash match and
// the key compare alone. A miss still ends at the first kEmptyRest, as in Go.
template <class Eq, class Index>
inline Bucket* ScanChain(Bucket* b, uint64_t hash, uint32_t overflowoff, Eq&& eq,
                         Index* out_i) {
  const TopHashPattern top = TopHashPatternOf(hash);
  do {
    TopHashes w = LoadTopHashes(b);
    for (SlotMask m = MatchTopHashPattern(w, top); m != 0; m &= m - 1) {
      const Index i = static_cast<Index>(FirstSlot(m));
      if (eq(b, i)) {
        *out_i = i;
        return b;
      }
    }
    if (MatchEmptyRest(w) != 0) return nullptr;
    b = *reinterpret_cast<Bucket**>(b + overflowoff);
  } while (b != nullptr);
  return nullptr;
}

// memcmp(p, q, n) == 0 without the call for the short keys maps mostly hold: whole
// words, the last one overlapping (as Go's memequal does for small sizes).
inline bool KeyBytesEqual(const char* p, const char* q, size_t n) {
  auto load64 = [](const char* s) {
    uint64_t u;
    std::memcpy(&u, s, sizeof u);
    return u;
  };
  auto load32 = [](const char* s) {
    uint32_t u;
    std::memcpy(&u, s, sizeof u);
    return u;
  };
  if (n > 32) return std::memcmp(p, q, n) == 0;
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      if (load64(p + i) != load64(q + i)) return false;
    }
    return load64(p + n - 8) == load64(q + n - 8);
  }
  if (n >= 4) return load32(p) == load32(q) && load32(p + n - 4) == load32(q + n - 4);
  for (size_t i = 0; i < n; i++) {
    if (p[i] != q[i]) return false;
  }
  return true;
}

// The slot of key i for a key type stored in place with alignment at most 8: the
// layout LayoutMapType (make.cc) computes for it, keyoff = 8, keysize = sizeof(K).
template <class K>
inline void* DirectKeySlot(Bucket* b, size_t i) {
  static_assert(sizeof(K) <= 128 && alignof(K) <= kBucketCnt,
                "stored in place (kMaxKeySize), right after the 8 tophash bytes");
  return b + kBucketCnt + i * sizeof(K);
}

}  // namespace gomap::internal

#endif  // GOMAP_INTERNAL_BUCKET_SCAN_H_
