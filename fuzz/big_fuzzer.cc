// Keys and values over Go's 128-byte inline limit, and zero-size values.
//
// key=big is Go's [25]uint64 (200 bytes): both runtimes store it out of line, so every
// insert allocates, delete frees, evacuation moves the pointer and iterators begun before
// a grow must still read keys through old buckets. Values are int64, big (also out of
// line) or struct{} (zero-size elements: no value storage, Value() of a static zero).
#include "fuzz/fuzz_target.h"

namespace {

gomap::fuzz::TraceTarget Target() {
  using gomap::oracle::Bit;
  gomap::fuzz::TraceTarget t;
  t.decode.key_types = Bit(gomap::oracle::KeyType::kBig);
  return t;
}

}  // namespace

GOMAP_TRACE_FUZZ_TARGET(Target)
