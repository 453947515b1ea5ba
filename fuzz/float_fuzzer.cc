// float64 keys: NaN, ±0, ±Inf, subnormals and the largest finite values.
//
// What Go's float keys demand and this target checks op by op: every NaN insert adds an
// entry that lookups and deletes never reach and that iteration yields exactly once
// (also across evacuation, where NaN keys are routed by the tophash bit while iterators
// run); +0 and -0 are one key whose stored sign follows the last overwrite; clear removes
// NaN entries too. Key domain: -60..59.5 in steps of 0.5 (+0 in the middle), four NaN
// selectors, -0, +0, ±Inf, 0.1, -0.1, 1e300, 5e-324, ±MaxFloat64, 1e21, 1/3.
#include "fuzz/fuzz_target.h"

namespace {

gomap::fuzz::TraceTarget Target() {
  using gomap::oracle::Bit;
  gomap::fuzz::TraceTarget t;
  t.decode.key_types = Bit(gomap::oracle::KeyType::kFloat64);
  return t;
}

}  // namespace

GOMAP_TRACE_FUZZ_TARGET(Target)
