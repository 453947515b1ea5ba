// Iteration across growth: several iterators alive while the map doubles once or twice
// or grows at the same size, with deletes, overwrites and inserts in between.
//
// The executor checks Go's iteration rules for every live iterator (oracle/iter_rules.h):
// no entry twice, every entry present at `range` and never deleted produced by the end,
// produced keys present with their current value, deleted entries never produced, each
// NaN once. Growth happens within a few hundred bytes because the key types allowed here
// have more than 16 keys (uint8 keys are excluded: they never get past B=1); the seeds in
// corpus/seeds/grow_iter_fuzzer start iterators before, during and between grows, and
// the dictionary holds ready-made iterator records.
#include "fuzz/fuzz_target.h"

namespace {

gomap::fuzz::TraceTarget Target() {
  using gomap::oracle::Bit;
  using gomap::oracle::KeyType;
  gomap::fuzz::TraceTarget t;
  t.decode.key_types = Bit(KeyType::kInt64) | Bit(KeyType::kString) |
                       Bit(KeyType::kFloat64) | Bit(KeyType::kBig);
  return t;
}

}  // namespace

GOMAP_TRACE_FUZZ_TARGET(Target)
