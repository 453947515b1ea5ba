// Trace-level RapidCheck properties, through the same decoder and executor the fuzz
// targets use, plus two properties of the runtime no single trace shows:
//   - any op sequence, on any configuration, runs without divergence (every observation
//     equals the model's, Go's iteration and growth rules hold, Audit stays clean);
//   - B after Make(hint) is Go's B for that hint;
//   - the iteration order of a 100-key map differs across seeds.
// A failing trace is printed as text (FORMAT.md) for the repro tool; RapidCheck prints
// the RC_PARAMS that rerun it.
#include <array>
#include <cstdint>
#include <set>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "gomap/internal/peer.h"
#include "gomap/map.h"
#include "oracle/decode.h"
#include "oracle/executor.h"
#include "oracle/text.h"

namespace gomap::oracle {
namespace {

// One binary record (FORMAT.md §3.2) with an assigned op code, mostly on m0 and with
// key selectors from a small domain, so that shrinking keeps traces meaningful.
rc::Gen<std::array<uint8_t, 4>> GenRecord() {
  return rc::gen::apply(
      [](int code, int handle, int x, int y, int z) {
        return std::array<uint8_t, 4>{static_cast<uint8_t>(code | handle << 6),
                                      static_cast<uint8_t>(x), static_cast<uint8_t>(y),
                                      static_cast<uint8_t>(z)};
      },
      rc::gen::weightedOneOf<int>({{6, rc::gen::just(0x00)},  // set
                                   {2, rc::gen::just(0x03)},  // delete
                                   {3, rc::gen::inRange(0x09, 0x0F)},  // iterators
                                   {3, rc::gen::inRange(0x00, 0x10)}}),
      rc::gen::weightedOneOf<int>({{12, rc::gen::just(0)}, {1, rc::gen::inRange(0, 4)}}),
      rc::gen::weightedOneOf<int>({{3, rc::gen::inRange(0, 32)},
                                   {1, rc::gen::inRange(0xF0, 0x100)},
                                   {1, rc::gen::inRange(0, 256)}}),
      rc::gen::inRange(0, 256), rc::gen::inRange(0, 4));
}

RC_GTEST_PROP(Traces, AnyOpSequenceRunsWithoutDivergence, ()) {
  std::vector<uint8_t> bytes = {
      kBinaryVersion,
      static_cast<uint8_t>(*rc::gen::inRange(0, kNumKeyTypes)),
      static_cast<uint8_t>(*rc::gen::inRange(0, kNumValueTypes)),
      static_cast<uint8_t>(*rc::gen::inRange(0, kNumHashers)),
      static_cast<uint8_t>(*rc::gen::weightedElement<int>({{9, 0}, {1, 1}})),
      static_cast<uint8_t>(*rc::gen::element(0, 0, 9, 14, 100)),
      0};
  const uint32_t seed = *rc::gen::arbitrary<uint32_t>();
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<uint8_t>(seed >> (8 * i)));
  const auto records =
      *rc::gen::scale(4.0, rc::gen::container<std::vector<std::array<uint8_t, 4>>>(GenRecord()));
  for (const auto& rec : records) {
    bytes.insert(bytes.end(), rec.begin(), rec.end());
  }
  Trace trace = DecodeBinary(bytes.data(), bytes.size());
  ExecOptions o;
  o.on_failure = OnFailure::kReturn;
  RunResult r = Execute(trace, o);
  if (!r.ok) RC_FAIL("\n" + r.report);
}

// Go's B for make(map[int64]int64, hint) (go-map-semantics §3.2): hints whose array
// would exceed maxAlloc (2^48 bytes) or that are negative act as 0.
int GoB(int64_t hint, uint64_t bucketsize) {
  if (hint < 0) return 0;
  if (static_cast<unsigned __int128>(hint) * bucketsize > (uint64_t{1} << 48)) return 0;
  int B = 0;
  while (hint > 8 && static_cast<uint64_t>(hint) > 13 * ((uint64_t{1} << B) / 2)) ++B;
  return B;
}

RC_GTEST_PROP(Make, BucketsFollowGosFormulaForAnyHint, ()) {
  // Around every threshold, small and negative hints, and hints so large Go ignores
  // them; never the allocatable-but-huge range in between.
  const int64_t hint = *rc::gen::oneOf(
      rc::gen::inRange<int64_t>(-20, 2000),
      rc::gen::map(rc::gen::pair(rc::gen::inRange(0, 18), rc::gen::inRange(-2, 3)),
                   [](std::pair<int, int> p) {
                     return static_cast<int64_t>(13 * ((uint64_t{1} << p.first) / 2)) +
                            p.second;
                   }),
      rc::gen::inRange<int64_t>(int64_t{1} << 45, std::numeric_limits<int64_t>::max()),
      rc::gen::inRange<int64_t>(std::numeric_limits<int64_t>::min(), 0));
  auto m = Map<int64_t, int64_t>::Make(hint);
  const internal::HMap* h = internal::MapPeer::Header(m);
  RC_ASSERT(static_cast<int>(h->B) == GoB(hint, h->type->bucketsize));
  RC_ASSERT(m.Len() == 0);
  // Inserting up to `hint` keys never grows a map made with that hint.
  const int64_t fill = std::min<int64_t>(hint, 300);
  for (int64_t k = 0; k < fill; ++k) m.Set(k, k);
  RC_ASSERT(h->B == GoB(hint, h->type->bucketsize) || hint > 300 || hint < 0);
}

RC_GTEST_PROP(Iteration, OrderOfAHundredKeysDiffersAcrossSeeds, ()) {
  const auto keys = *rc::gen::unique<std::vector<int64_t>>(
      100, rc::gen::arbitrary<int64_t>());
  const uint64_t base = *rc::gen::arbitrary<uint64_t>();
  std::set<std::vector<int64_t>> orders;
  for (uint64_t s = 0; s < 6; ++s) {
    SeedRandom(base + s);
    auto m = Map<int64_t, int64_t>::Make();
    for (int64_t k : keys) m.Set(k, k);
    std::vector<int64_t> order;
    auto it = m.Range();
    while (it.Next()) order.push_back(it.Key());
    RC_ASSERT(order.size() == keys.size());
    orders.insert(order);
  }
  RC_ASSERT(orders.size() > 1u);
}

}  // namespace
}  // namespace gomap::oracle
