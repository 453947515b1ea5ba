// Nil maps: every trace starts with m0 nil (map=nil), whatever its header says.
//
// Until a `make` (or an `alias` from a made handle) the ops see Go's nil map: get gives
// the zero value, lookup the zero value and false, len 0, delete and clear do nothing,
// range yields nothing, and set (also setit) panics with "assignment to entry in nil
// map" — which the executor catches and compares, leaving both sides unchanged. Then the
// map is made and used: a panic must not have left anything behind. Handles m1..m3 start
// nil too, so aliasing a made map into them and re-nilling them is covered as well.
#include "fuzz/fuzz_target.h"

namespace {

gomap::fuzz::TraceTarget Target() {
  gomap::fuzz::TraceTarget t;
  t.force_nil = true;
  return t;
}

}  // namespace

GOMAP_TRACE_FUZZ_TARGET(Target)
