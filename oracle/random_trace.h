// Random traces for tests that want many varied runs without a fuzzer (the seeded-bug
// test, smoke tests, corpus seeds). Deterministic: the same seed gives the same trace
// on every platform (own generator, no std distributions).
//
// Traces are shaped, not uniform: each picks a small key domain (so deletes hit, keys
// come back and maps grow), a workload style (insert-heavy, churn, iterate-heavy, or
// bursts of inserts each followed by an iterator stepped between writes) and keeps
// iterators busy across growth, because that is where maps break.
#ifndef GOMAP_ORACLE_RANDOM_TRACE_H_
#define GOMAP_ORACLE_RANDOM_TRACE_H_

#include <cstddef>
#include <cstdint>

#include "oracle/decode.h"
#include "oracle/trace.h"

namespace gomap::oracle {

// SplitMix64: tiny, fast and specified exactly.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return n ? Next() % n : 0; }  // bias is irrelevant here
  bool Chance(int percent) { return Below(100) < static_cast<uint64_t>(percent); }

 private:
  uint64_t s_;
};

struct RandomTraceOptions {
  uint32_t key_types = kAnyChoice;    // masks as in DecodeOptions
  uint32_t value_types = kAnyChoice;
  uint32_t hashers = kAnyChoice;
  size_t min_ops = 20;
  size_t max_ops = 400;
};

Trace RandomTrace(uint64_t seed, const RandomTraceOptions& options = {});

}  // namespace gomap::oracle

#endif  // GOMAP_ORACLE_RANDOM_TRACE_H_
