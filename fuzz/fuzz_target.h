// What every fuzz target provides, and the shared body of the trace targets.
//
// A target is one binary three ways (cmake/GomapHelpers.cmake, gomap_fuzz_target):
//   LLVMFuzzerTestOneInput          the libFuzzer entry point (fuzz preset)
//   gomap::fuzz::ReplayInput        one corpus file, from fuzz/replay_main.cc (every preset)
//   gomap::fuzz::PrintInput         the input as a text trace (replay --print, repro.sh)
//
// Inputs are binary traces (oracle/FORMAT.md §3). The replay binary, and the libFuzzer
// binary when it is given files rather than a corpus directory, also take text traces
// (§2), so that a crash printed by the tools can be edited and replayed. The two cannot be
// confused: a binary trace starts with its version byte 0x01; a text trace's first line
// that is not blank or a comment starts with the word "gomap-trace". A text trace is run
// exactly as written: the target's decode options only shape binary inputs. While fuzzing,
// every input is binary.
//
// A trace target is a few declarations (fuzz/int64_fuzzer.cc):
//
//   gomap::fuzz::TraceTarget Target() {
//     gomap::fuzz::TraceTarget t;
//     t.decode.key_types = gomap::oracle::Bit(gomap::oracle::KeyType::kInt64);
//     return t;
//   }
//   GOMAP_TRACE_FUZZ_TARGET(Target)
//
// A divergence prints the executor's report (first line
// "ASSERTION FAILURE: gomap divergence: <words>") and aborts, so libFuzzer keeps the
// input. With GOMAP_FUZZ_SIGNATURE set to a signature (with or without the
// "ASSERTION FAILURE: " prefix), divergences with any other signature are ignored:
// scripts/minimize.sh uses this so that shrinking cannot drift to a different bug.
#ifndef GOMAP_FUZZ_FUZZ_TARGET_H_
#define GOMAP_FUZZ_FUZZ_TARGET_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "oracle/decode.h"
#include "oracle/executor.h"
#include "oracle/trace.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace gomap::fuzz {

// Provided by each target (the macro below writes them for trace targets).
// ReplayInput: 0 when the input ran without divergence (a divergence aborts); 2 after
// printing a one-line "<name>:<line>:<column>: <cause>" for a malformed text trace.
int ReplayInput(const uint8_t* data, size_t size, const std::string& name);
// PrintInput: true with the input as a text trace in *text; false with a one-line error.
bool PrintInput(const uint8_t* data, size_t size, const std::string& name, std::string* text);

// Audit() after every 8th mutating op, or every 2^B/4th once the map has more than 32
// buckets, after every op that starts or finishes a growth, and at `audit` ops and the
// end of every trace. Auditing walks every bucket, so it dominates the executor: on the
// int64 corpus, stride 1 ran 6 execs/s under libFuzzer+ASan and stride 8 ran 76; growing
// the stride with the map keeps the audit's cost per op constant, and a broken invariant
// still surfaces within a few writes or at the growth step that made it. The same rule
// applies when fuzzing and replaying, so a crash keeps its signature;
// GOMAP_FUZZ_AUDIT_STRIDE=n replaces it everywhere with a plain stride of n
// (GOMAP_FUZZ_AUDIT_STRIDE=1 scripts/repro.sh FILE audits after every write).
inline constexpr int kFuzzAuditStride = 8;

struct TraceTarget {
  TraceTarget() {
    exec.audit_stride = kFuzzAuditStride;
    exec.audit_amortized = true;
  }
  // Shapes binary inputs: key types, value types and hashers the target allows, op cap.
  oracle::DecodeOptions decode;
  // How the differential executor runs (audit stride, growth checks).
  oracle::ExecOptions exec;
  // Every decoded binary input starts from a nil m0 (map=nil), however its header reads.
  bool force_nil = false;
  // Replaces the differential executor (the concurrent readers target). Must report a
  // failure through ReportFailure.
  void (*run)(const oracle::Trace& trace) = nullptr;
};

// The trace an input stands for: a text trace parsed as written, or a binary one decoded
// with the target's options. False with a one-line error only for malformed text.
bool InputTrace(const TraceTarget& target, const uint8_t* data, size_t size, std::string_view name,
                oracle::Trace* trace, std::string* error);

// Runs a trace with the target's executor; a divergence goes to ReportFailure.
void RunTrace(const TraceTarget& target, const oracle::Trace& trace);

// Prints the report to stderr and aborts, unless GOMAP_FUZZ_SIGNATURE names another
// signature, in which case it returns and the input counts as passing.
// `signature` is "gomap divergence: <words>"; `report` starts with
// "ASSERTION FAILURE: " + signature.
void ReportFailure(const std::string& signature, const std::string& report);

// Called from LLVMFuzzerInitialize: notes whether libFuzzer runs given files (then text
// traces are accepted) or fuzzes a corpus (binary inputs only).
void NoteFuzzerArgs(int argc, char** argv);

// Bodies of the three entry points for a trace target.
int FuzzTrace(const TraceTarget& target, const uint8_t* data, size_t size);
int ReplayTrace(const TraceTarget& target, const uint8_t* data, size_t size,
                const std::string& name);
bool PrintTrace(const TraceTarget& target, const uint8_t* data, size_t size,
                const std::string& name, std::string* text);

}  // namespace gomap::fuzz

// Defines the three entry points from `make_target`, a function returning TraceTarget.
#define GOMAP_TRACE_FUZZ_TARGET(make_target)                                                \
  namespace {                                                                               \
  const ::gomap::fuzz::TraceTarget& GomapFuzzTarget() {                                     \
    static const ::gomap::fuzz::TraceTarget target = make_target();                         \
    return target;                                                                          \
  }                                                                                         \
  }                                                                                         \
  extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {                            \
    ::gomap::fuzz::NoteFuzzerArgs(*argc, *argv);                                            \
    return 0;                                                                               \
  }                                                                                         \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {                 \
    return ::gomap::fuzz::FuzzTrace(GomapFuzzTarget(), data, size);                         \
  }                                                                                         \
  int gomap::fuzz::ReplayInput(const uint8_t* data, size_t size, const std::string& name) { \
    return ::gomap::fuzz::ReplayTrace(GomapFuzzTarget(), data, size, name);                 \
  }                                                                                         \
  bool gomap::fuzz::PrintInput(const uint8_t* data, size_t size, const std::string& name,   \
                               std::string* text) {                                         \
    return ::gomap::fuzz::PrintTrace(GomapFuzzTarget(), data, size, name, text);            \
  }

#endif  // GOMAP_FUZZ_FUZZ_TARGET_H_
