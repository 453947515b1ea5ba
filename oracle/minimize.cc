// Trace minimisation; see minimize.h.
#include "oracle/minimize.h"

#include <algorithm>

namespace gomap::oracle {

Trace MinimizeTrace(const Trace& failing, const ExecOptions& options, size_t max_runs) {
  ExecOptions o = options;
  o.on_failure = OnFailure::kReturn;
  o.record = false;
  RunResult first = Execute(failing, o);
  if (first.ok) return failing;
  const std::string signature = first.signature;
  Trace best = failing;
  // Ops after the failing one never matter.
  if (first.failed_op < best.ops.size()) best.ops.resize(first.failed_op + 1);
  size_t runs = 1;
  for (size_t chunk = std::max<size_t>(best.ops.size() / 2, 1); runs < max_runs;) {
    bool removed = false;
    for (size_t at = 0; at < best.ops.size() && runs < max_runs;) {
      Trace candidate = best;
      size_t n = std::min(chunk, candidate.ops.size() - at);
      candidate.ops.erase(candidate.ops.begin() + at, candidate.ops.begin() + at + n);
      RunResult r = Execute(candidate, o);
      ++runs;
      if (!r.ok && r.signature == signature) {
        if (r.failed_op < candidate.ops.size()) candidate.ops.resize(r.failed_op + 1);
        best = std::move(candidate);
        removed = true;
      } else {
        at += n;
      }
    }
    if (chunk == 1 && !removed) break;
    if (!removed) chunk = std::max<size_t>(chunk / 2, 1);
  }
  return best;
}

}  // namespace gomap::oracle
