// A readable layout summary for reports and failing tests: the header, then each bucket
// of the current (and old) array with its chain, one token per slot:
//   R emptyRest   E emptyOne   X/Y evacuatedX/Y   e evacuatedEmpty   a7:<key> full (tophash a7)
#include <algorithm>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <string>

#include "internal/core.h"

namespace gomap::internal {
namespace {

std::string Format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string Format(const char* fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

void DumpArray(const HMap* h, const char* name, const BucketArray* a, size_t max_buckets,
               std::string* out) {
  const MapType* t = h->type;
  *out += Format("%s (%" PRIu64 " buckets):\n", name, a->nbuckets());
  for (uint64_t i = 0; i < a->nbuckets(); i++) {
    if (i == max_buckets) {
      *out += Format("  ... %" PRIu64 " more buckets\n", a->nbuckets() - i);
      break;
    }
    *out += "  [" + std::to_string(i) + "]";
    for (Bucket* b = a->At(i); b != nullptr; b = OverflowOf(t, b)) {
      if (b != a->At(i)) *out += " ->";
      for (int s = 0; s < kBucketCnt; s++) {
        uint8_t top = b[s];
        switch (top) {
          case kEmptyRest: *out += " R"; break;
          case kEmptyOne: *out += " E"; break;
          case kEvacuatedX: *out += " X"; break;
          case kEvacuatedY: *out += " Y"; break;
          case kEvacuatedEmpty: *out += " e"; break;
          default: {
            // " a7:<key>", without a format call per slot: reports dump every map they
            // show, and audit_fuzzer dumps one per input.
            static constexpr char kHex[] = "0123456789abcdef";
            const char token[] = {' ', kHex[top >> 4], kHex[top & 15], ':'};
            out->append(token, sizeof token);
            *out += t->key_string(KeyObj(t, b, s));
          }
        }
      }
    }
    *out += "\n";
  }
}

}  // namespace

std::string MapDump(const HMap* h, size_t max_buckets) {
  const uint8_t f = GoFlags(h);  // " growing" below says whether oldbuckets is set
  std::string out = Format(
      "map: count=%" PRId64 " B=%d flags=%d%s%s%s%s noverflow=%u hash0=%08x nevacuate=%" PRIu64
      "%s\n",
      h->count, h->B, f, (f & kIterator) ? " iterator" : "", (f & kOldIterator) ? " oldIterator" : "",
      (f & kHashWriting) ? " hashWriting" : "", (f & kSameSizeGrow) ? " sameSizeGrow" : "",
      h->noverflow, h->hash0, h->nevacuate, Growing(h) ? " growing" : "");
  // Room for the usual dump at once (appended to as it went, the text was reallocated at
  // every doubling of its length; concurrent_fuzzer dumps a map per input): a line per
  // bucket shown, a token per full slot shown (at most 8 per primary shown, overflow
  // buckets aside: a big map shows few of its entries).
  const auto shown = [&](const BucketArray* a) {
    return a ? std::min<uint64_t>(a->nbuckets(), max_buckets) : 0;
  };
  const uint64_t lines = shown(h->buckets) + shown(h->oldbuckets);
  const uint64_t tokens = std::min<uint64_t>(static_cast<uint64_t>(h->count), kBucketCnt * lines);
  out.reserve(out.size() + 64 + 16 * lines + 24 * tokens);
  if (h->buckets) DumpArray(h, "buckets", h->buckets, max_buckets, &out);
  if (h->oldbuckets) DumpArray(h, "oldbuckets", h->oldbuckets, max_buckets, &out);
  return out;
}

}  // namespace gomap::internal
