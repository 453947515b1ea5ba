// The differential executor: runs a trace on gomap::Map and on the reference model,
// compares every observation (FORMAT.md §2.4), audits the runtime's invariants after
// mutating ops, checks Go's iteration rules for every live iterator (iter_rules.h) and
// Go's growth rules for B, and on the first divergence reports
//
//   ASSERTION FAILURE: gomap divergence: <words only>     <- stable crash signature
//   got/want
//   the text trace up to the failing op, each line with its observation
//   GetStats() and Dump() of the map the failing op used
//
// then abort()s (so libFuzzer keeps the input), or returns the result if asked to.
//
// Fuzz targets:
//   auto trace = gomap::oracle::DecodeBinary(data, size, decode_options);
//   gomap::oracle::Execute(trace);            // aborts with the report on divergence
// Tests and tools:
//   ExecOptions o; o.on_failure = OnFailure::kReturn; o.record = true;
//   RunResult r = Execute(trace, o);          // r.ok, r.signature, r.report, ...
#ifndef GOMAP_ORACLE_EXECUTOR_H_
#define GOMAP_ORACLE_EXECUTOR_H_

#include <cstddef>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "oracle/trace.h"

namespace gomap::oracle {

enum class OnFailure {
  kAbort,   // print the report to ExecOptions::report_to, then abort()
  kReturn,  // return it in RunResult (nothing printed)
};

struct ExecOptions {
  // Audit() the op's map after every audit_stride-th mutating op (ops.def column
  // "mutates"); 0 audits only at `audit` ops and at the end of the trace.
  int audit_stride = 1;
  // Also let the stride grow with the map (at least 2^B / 4 mutating ops between audits,
  // so auditing costs O(1) slots per op however big the map), and audit every op that
  // starts or finishes a growth: the states evacuation bugs leave behind. For fuzzing.
  bool audit_amortized = false;
  // Check that B follows Go's rules: Make(hint) gives Go's B, only an insert of a new
  // key while not growing and over the load factor doubles, nothing else changes B.
  bool check_growth = true;
  OnFailure on_failure = OnFailure::kAbort;
  std::FILE* report_to = stderr;
  // Fill RunResult::observations with every op's canonical observation line.
  bool record = false;
};

struct RunResult {
  static constexpr size_t kNoOp = std::numeric_limits<size_t>::max();
  bool ok = true;
  size_t ops_run = 0;          // ops fully executed
  size_t failed_op = kNoOp;    // index of the failing op; ops.size() for the final audit
  std::string signature;       // "gomap divergence: get value"
  std::string report;          // the full report, first line "ASSERTION FAILURE: " + signature
  std::vector<std::string> observations;  // when ExecOptions::record
};

// Seeds the runtime with trace.config.seed (gomap::SeedRandom) and runs every op.
// Installs a fatal handler for the duration of the run (a Go fatal error is reported as
// a divergence) and restores the previous one. Not thread-safe: the fatal handler and
// the runtime's random generator are process-wide.
RunResult Execute(const Trace& trace, const ExecOptions& options = {});

}  // namespace gomap::oracle

#endif  // GOMAP_ORACLE_EXECUTOR_H_
