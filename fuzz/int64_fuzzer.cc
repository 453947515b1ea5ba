// int64 keys with every op, on the runtime's fast64 path.
//
// The default seeded hasher is forced: with it, Map<int64_t, V> takes the fast64
// access/assign/delete routines exactly as user code does (weak_hash_fuzzer covers the
// generic path). Values may be int64, a 200-byte struct (stored out of line) or the
// empty struct (zero-size elements), so the fast path meets every element layout.
// Keys come from the binary domain 0..247 plus eight extremes (-1, -2, MinInt64,
// MaxInt64, ±2^32, 2^62, 0x00FF00FF00FF00FF), enough distinct keys to reach B=6 and to
// re-insert deleted keys often.
#include "fuzz/fuzz_target.h"

namespace {

gomap::fuzz::TraceTarget Target() {
  using gomap::oracle::Bit;
  gomap::fuzz::TraceTarget t;
  t.decode.key_types = Bit(gomap::oracle::KeyType::kInt64);
  t.decode.hashers = Bit(gomap::oracle::HasherKind::kDefault);
  return t;
}

}  // namespace

GOMAP_TRACE_FUZZ_TARGET(Target)
