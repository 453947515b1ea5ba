// Collision-forcing hashers over every key and value type (generic path).
//
// The header's hasher byte picks one of the weak hashers of FORMAT.md §2.5 (a default
// choice is replaced by `const`):
//   const    every key in one chain: long overflow chains, lookups that walk them,
//            delete's emptyRest back-propagation across bucket boundaries;
//   lowbits  every tophash equal: a tophash match is never enough, keys must compare;
//   topbyte  every key in bucket 0 and every X/Y split goes to X;
//   few      four hashes: a handful of chains, which fill unevenly and so reach
//            same-size growth through insert/delete churn.
#include "fuzz/fuzz_target.h"

namespace {

gomap::fuzz::TraceTarget Target() {
  using gomap::oracle::Bit;
  using gomap::oracle::HasherKind;
  gomap::fuzz::TraceTarget t;
  t.decode.hashers = gomap::oracle::kAnyChoice & ~Bit(HasherKind::kDefault);
  return t;
}

}  // namespace

GOMAP_TRACE_FUZZ_TARGET(Target)
