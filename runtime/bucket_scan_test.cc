// The tophash match (gomap/internal/bucket_scan.h): the pattern a lookup reads from
// kTopHashWords must flag exactly the slots a byte-by-byte compare with TopHash(hash)
// finds, for every top byte, the five that TopHash moves up included.
#include <cstdint>
#include <cstring>
#include <random>

#include <gtest/gtest.h>

#include "gomap/internal/bucket_scan.h"

namespace {

using namespace gomap::internal;

// The slots of an 8-byte tophash word equal to top, one bit per slot.
unsigned SlotsHolding(const unsigned char (&tophash)[kBucketCnt], uint8_t top) {
  unsigned slots = 0;
  for (int i = 0; i < kBucketCnt; i++) {
    if (tophash[i] == top) slots |= 1u << i;
  }
  return slots;
}

// A SlotMask as one bit per slot, whichever form (SSE2 or SWAR) this build uses.
unsigned Slots(SlotMask m) {
  unsigned slots = 0;
  for (; m != 0; m &= m - 1) slots |= 1u << FirstSlot(m);
  return slots;
}

TEST(BucketScan, TopHashWordIsTopHashInEveryByte) {
  for (uint64_t top = 0; top < 256; top++) {
    for (uint64_t low : {uint64_t{0}, uint64_t{1}, uint64_t{0x00ffffffffffffff}}) {
      const uint64_t hash = top << 56 | low;
      const uint8_t want = TopHash(hash);
      ASSERT_GE(want, kMinTopHash) << top;
      unsigned char bytes[8];
      std::memcpy(bytes, TopHashWord(hash), sizeof bytes);
      for (unsigned char b : bytes) ASSERT_EQ(b, want) << "top byte " << top;
    }
  }
}

// Tophash words drawn so that every slot state and every top byte turns up, and so that
// the byte looked for is often there (several times, or next to a byte one less or one
// more than it, where a word-at-a-time match could borrow or carry into its neighbour).
TEST(BucketScan, PatternMatchFlagsTheSlotsHoldingTopHash) {
  std::mt19937_64 rng(20261205);
  for (int round = 0; round < 200000; round++) {
    const uint64_t hash = rng();
    const uint8_t top = TopHash(hash);
    alignas(8) unsigned char tophash[kBucketCnt];
    for (unsigned char& b : tophash) {
      switch (rng() % 4) {
        case 0:
          b = static_cast<unsigned char>(rng() % kMinTopHash);  // empty or evacuated
          break;
        case 1:
          b = top;
          break;
        case 2:
          b = static_cast<unsigned char>(top + static_cast<int>(rng() % 3) - 1);
          break;
        default:
          b = static_cast<unsigned char>(rng());
      }
    }
    const TopHashes w = LoadTopHashes(tophash);
    const unsigned want = SlotsHolding(tophash, top);
    ASSERT_EQ(Slots(MatchTopHashPattern(w, TopHashPatternOf(hash))), want) << std::hex << hash;
    ASSERT_EQ(Slots(MatchTopHash(w, top)), want) << std::hex << hash;
  }
}

}  // namespace
