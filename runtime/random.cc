// The runtime's one source of randomness (Go's fastrand): hash seeds, iteration starts,
// NaN hashes and overflow-count sampling all draw from it, so SeedRandom(s) followed by
// the same operations gives the same run. A splitmix64 sequence over one atomic counter:
// deterministic for one thread, safe (though interleaved) for many.
#include <atomic>
#include <cstdint>
#include <random>

#include "gomap/map.h"
#include "internal/core.h"

namespace gomap {
namespace {

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ull;
std::atomic<uint64_t> g_state{0};
std::atomic<bool> g_seeded{false};

// Without SeedRandom the process starts from an unpredictable seed, as Go does.
void SeedOnce() {
  std::random_device rd;
  uint64_t s = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  bool expected = false;
  if (g_seeded.compare_exchange_strong(expected, true)) g_state.store(s);
}

}  // namespace

void SeedRandom(uint64_t seed) {
  g_state.store(seed, std::memory_order_relaxed);
  g_seeded.store(true, std::memory_order_release);
}

namespace internal {

uint64_t FastRand64() {
  if (!g_seeded.load(std::memory_order_acquire)) SeedOnce();
  uint64_t z = g_state.fetch_add(kGolden, std::memory_order_relaxed) + kGolden;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint32_t NewHash0() { return static_cast<uint32_t>(FastRand64()); }

}  // namespace internal
}  // namespace gomap
