// String keys: the runtime's faststr path (default hasher) and the generic path (weak
// hashers), over every value type.
//
// The binary key domain (FORMAT.md §3.2) mixes the shapes that break string maps: the
// empty string; short decimals "1".."63" (different lengths, shared first bytes);
// "key-00".."key-63" (same length, shared prefix); 27-byte "long-key-xxxxxxxxxxxxxxxx<nn>"
// (long, differing only in the last two bytes); and 7-byte strings holding NUL, '"',
// '\\', space, 0xFF and '#' (same length, differing only in the second byte), which also
// exercise the text printer's escapes in every report.
#include "fuzz/fuzz_target.h"

namespace {

gomap::fuzz::TraceTarget Target() {
  using gomap::oracle::Bit;
  gomap::fuzz::TraceTarget t;
  t.decode.key_types = Bit(gomap::oracle::KeyType::kString);
  return t;
}

}  // namespace

GOMAP_TRACE_FUZZ_TARGET(Target)
