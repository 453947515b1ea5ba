// The benchmark key sequences, identical in C++ and in the Go twin (bench/go): a
// splitmix64 stream from a fixed seed; int64 keys are its values, string keys the same
// values as 16 lowercase hex digits. A digest of the first keys proves both sides agree.
#ifndef GOMAP_BENCH_KEYS_H_
#define GOMAP_BENCH_KEYS_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace gomap::bench {

inline constexpr uint64_t kHitSeed = 0x5eed;    // keys that go in
inline constexpr uint64_t kMissSeed = 0xbad5eed;  // keys that are never inserted
inline constexpr uint64_t kOrderSeed = 0x0dde4;  // lookup order

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

 private:
  uint64_t s_;
};

inline std::vector<int64_t> IntKeys(size_t n, uint64_t seed) {
  SplitMix64 g(seed);
  std::vector<int64_t> k(n);
  for (auto& x : k) x = static_cast<int64_t>(g.Next());
  return k;
}

inline std::string Hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

inline std::vector<std::string> StrKeys(size_t n, uint64_t seed) {
  SplitMix64 g(seed);
  std::vector<std::string> k(n);
  for (auto& x : k) x = Hex16(g.Next());
  return k;
}

// A permutation of 0..n-1 (Fisher-Yates driven by the same generator as in Go).
inline std::vector<size_t> Order(size_t n) {
  SplitMix64 g(kOrderSeed);
  std::vector<size_t> p(n);
  for (size_t i = 0; i < n; i++) p[i] = i;
  for (size_t i = n; i > 1; i--) std::swap(p[i - 1], p[g.Next() % i]);
  return p;
}

// FNV-1a over the first 1000 string keys of the hit stream.
inline uint64_t KeyDigest() {
  uint64_t h = 14695981039346656037ull;
  for (const std::string& s : StrKeys(1000, kHitSeed)) {
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  }
  return h;
}

}  // namespace gomap::bench

#endif  // GOMAP_BENCH_KEYS_H_
