// A second run of a trace on gomap alone, recording what the differential executor
// keeps to itself: B of every handle after each op, and whether the op began a
// same-size grow. gomap-observe prints these beside the executor's observations, so
// godiff can check gomap's B against the real Go map's.
//
// It makes exactly the gomap calls the executor makes (oracle/executor_impl.h), in the
// same order and with the same seed and hasher, so it is the same run: NaN hashes and
// iteration starts come from the one seeded generator and repeat draw for draw. Each
// op's result text is kept so that the caller can prove that, line by line.
#ifndef GOMAP_TOOLS_STATS_RUN_H_
#define GOMAP_TOOLS_STATS_RUN_H_

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "oracle/trace.h"

namespace gomap::tools {

struct OpStats {
  std::array<std::optional<int>, oracle::kNumHandles> B;  // nullopt: nil handle
  bool same_size_grow_started = false;
  std::string result;  // the op's result text, as the executor prints it
};

// One entry per op of `trace`.
std::vector<OpStats> RunForStats(const oracle::Trace& trace);

// " B=<b0>,<b1>,<b2>,<b3>" plus " samesize" when a same-size grow began.
std::string BSuffix(const OpStats& s);

}  // namespace gomap::tools

#endif  // GOMAP_TOOLS_STATS_RUN_H_
