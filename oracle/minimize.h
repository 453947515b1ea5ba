// Shrinks a failing trace: removes ops (in halving chunks, then one by one) as long as
// the executor still reports the same signature. Deterministic, so a shrunk trace is a
// stable regression input.
#ifndef GOMAP_ORACLE_MINIMIZE_H_
#define GOMAP_ORACLE_MINIMIZE_H_

#include <cstddef>

#include "oracle/executor.h"
#include "oracle/trace.h"

namespace gomap::oracle {

// `failing` must fail under `options` (on_failure is forced to kReturn). Returns the
// smallest trace found that fails with the same signature, after at most `max_runs`
// executions.
Trace MinimizeTrace(const Trace& failing, const ExecOptions& options = {},
                    size_t max_runs = 5000);

}  // namespace gomap::oracle

#endif  // GOMAP_ORACLE_MINIMIZE_H_
