// The default hashers (gomap/internal/hash.h): 4- and 8-byte keys use Go's memhash32 and
// memhash64 (hash64.go, the fallback Go uses without AES), every other length XXH3; every
// entry point gives one key one hash; and the hash spreads the key shapes programs use
// over buckets (low bits) and tophash values (high byte).
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gomap/internal/hash.h"
#include "gomap/internal/str_key.h"

namespace {

using gomap::DefaultHash;
using gomap::internal::MemHash;
using gomap::internal::MemHash32;
using gomap::internal::MemHash64;

// Computed by a separate Go 1.19 program: hash64.go's memhash64Fallback and
// memhash32Fallback with hashkey[0] = 0 (gomap has no process salt), math/bits.Mul64
// for mix. Each key is checked through its own function and through MemHash.
template <class U>
struct Vector {
  U key;
  uint64_t seed, want;
};

template <class U, class Fn>
void ExpectVectors(std::initializer_list<Vector<U>> vectors, Fn hash) {
  for (const Vector<U>& v : vectors) {
    EXPECT_EQ(hash(v.key, v.seed), v.want) << std::hex << v.key;
    EXPECT_EQ(MemHash(&v.key, sizeof v.key, v.seed), v.want) << std::hex << v.key;
  }
}

TEST(Hash, MemHash64AndMemHash32AreGosFallbacks) {
  ExpectVectors<uint64_t>({{0x0000000000000000ull, 0x0ull, 0x0b7b9a4f1a253000ull},
                           {0x0000000000000001ull, 0x0ull, 0xa9bd3f0272a60468ull},
                           {0x0123456789abcdefull, 0xdeadbeefull, 0xdec946024c4c2accull},
                           {0xffffffffffffffffull, 0x1ull, 0xf3910e9c60d79f12ull},
                           {0x000000000000002aull, 0xffffffffull, 0xde56f75f71bf17f3ull}},
                          MemHash64);
  ExpectVectors<uint32_t>({{0x00000000u, 0x0ull, 0x8b1290846c477cd0ull},
                           {0x00000001u, 0x0ull, 0x07ec65f2b4c20d3bull},
                           {0x89abcdefu, 0xdeadbeefull, 0x57fa20c936fa197dull},
                           {0xffffffffu, 0x7ull, 0x9be9c478cb0e6067ull}},
                          MemHash32);
}

// The same bytes hash alike whichever door they come through: integer keys, doubles
// (their bits), strings of any length and the StrKey slots of fast-string maps.
TEST(Hash, EveryEntryPointHashesTheSameBytesAlike) {
  const uint64_t seed = 0x9e3779b9;
  for (int64_t k : {int64_t{0}, int64_t{-1}, int64_t{1} << 40, int64_t{123456789}}) {
    EXPECT_EQ(DefaultHash<int64_t>()(k, seed), MemHash64(static_cast<uint64_t>(k), seed));
    EXPECT_EQ(DefaultHash<uint64_t>()(static_cast<uint64_t>(k), seed),
              DefaultHash<int64_t>()(k, seed));
    std::string bytes(8, '\0');
    std::memcpy(bytes.data(), &k, 8);
    EXPECT_EQ(DefaultHash<std::string>()(bytes, seed), DefaultHash<int64_t>()(k, seed));
    EXPECT_EQ(gomap::internal::StrKey::View(bytes).Hash(seed), DefaultHash<int64_t>()(k, seed));
  }
  for (int32_t k : {0, -1, 77, 1 << 30}) {
    EXPECT_EQ(DefaultHash<int32_t>()(k, seed), MemHash32(static_cast<uint32_t>(k), seed));
  }
  const double d = 2.5;
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  EXPECT_EQ(DefaultHash<double>()(d, seed), MemHash64(bits, seed));
  for (size_t n : {size_t{0}, size_t{3}, size_t{5}, size_t{16}, size_t{17}, size_t{200}}) {
    std::string s(n, 'x');
    EXPECT_EQ(DefaultHash<std::string>()(s, seed), XXH3_64bits_withSeed(s.data(), n, seed)) << n;
  }
}

// MemHashShort, MemHash's path for up to 16 bytes, is Go's memhash64/memhash32 at 8 and
// 4 bytes and XXH3_64bits_withSeed at every other length: every byte value, any seed.
TEST(Hash, MemHashShortIsMemHash64Or32OrXXH3UpTo16Bytes) {
  for (size_t n = 0; n <= 16; n++) {
    for (uint64_t id = 0; id < 64; id++) {
      std::string s(n, '\0');
      for (size_t i = 0; i < n; i++) {
        s[i] = static_cast<char>((id * 0x9e3779b97f4a7c15 >> (i * 3)) ^ i);
      }
      for (uint64_t seed : {uint64_t{0}, uint64_t{1}, ~uint64_t{0}, uint64_t{0x9e3779b9} * id}) {
        uint64_t want = XXH3_64bits_withSeed(s.data(), n, seed);
        if (n == 8 || n == 4) {
          uint64_t word = 0;
          std::memcpy(&word, s.data(), n);
          want = n == 8 ? MemHash64(word, seed) : MemHash32(static_cast<uint32_t>(word), seed);
        }
        ASSERT_EQ(gomap::internal::MemHashShort(s.data(), n, seed), want) << n << " " << id;
        ASSERT_EQ(MemHash(s.data(), n, seed), want) << n << " " << id;
      }
    }
  }
}

// Counts of hashes per bucket (the low `bits` bits) must stay near the mean for the key
// shapes maps are fed: counters, strides, keys differing only in their high bytes.
void ExpectSpread(const std::vector<uint64_t>& keys, uint64_t seed, const char* what) {
  constexpr int kBits = 8;
  std::array<int, 1 << kBits> buckets{};
  std::set<uint8_t> tops;
  for (uint64_t k : keys) {
    uint64_t h = MemHash64(k, seed);
    buckets[h & ((1 << kBits) - 1)]++;
    tops.insert(static_cast<uint8_t>(h >> 56));
  }
  const double mean = static_cast<double>(keys.size()) / buckets.size();
  auto [lo, hi] = std::minmax_element(buckets.begin(), buckets.end());
  // Binomial with mean 64: the standard deviation is 8, so these bounds are 4-8 of them.
  EXPECT_GE(*lo, mean / 2) << what;
  EXPECT_LE(*hi, mean * 2) << what;
  EXPECT_GE(tops.size(), 250u) << what;  // 16384 draws over 256 top bytes
}

TEST(Hash, SpreadsCountersStridesAndHighByteKeys) {
  std::vector<uint64_t> counter, stride, high, low_zero;
  for (uint64_t i = 0; i < 16384; i++) {
    counter.push_back(i);
    stride.push_back(i * 4096);
    high.push_back(i << 50);
    low_zero.push_back((i + 1) << 32);
  }
  for (uint64_t seed : {uint64_t{0}, uint64_t{1}, uint64_t{0xffffffff}}) {
    ExpectSpread(counter, seed, "counter");
    ExpectSpread(stride, seed, "stride");
    ExpectSpread(high, seed, "high bytes");
    ExpectSpread(low_zero, seed, "low half zero");
  }
}

// hash0 is the seed: another seed must move keys to other buckets, or re-drawing it
// (at make, on emptying, on clear) would scatter nothing.
TEST(Hash, TheSeedChangesTheHash) {
  int same_bucket = 0;
  for (uint64_t k = 0; k < 4096; k++) {
    if ((MemHash64(k, 1) & 255) == (MemHash64(k, 2) & 255)) same_bucket++;
    EXPECT_NE(MemHash64(k, 1), MemHash64(k, 2)) << k;
  }
  EXPECT_LT(same_bucket, 4096 / 256 * 3);  // about 16 by chance
}

}  // namespace
