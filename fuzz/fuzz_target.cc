// The shared body of the trace fuzz targets: input -> trace -> executor -> report.
#include "fuzz/fuzz_target.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "oracle/text.h"

namespace gomap::fuzz {
namespace {

constexpr std::string_view kFailurePrefix = "ASSERTION FAILURE: ";

// The signature scripts/minimize.sh holds on to, or empty.
const std::string& WantedSignature() {
  static const std::string wanted = [] {
    const char* env = std::getenv("GOMAP_FUZZ_SIGNATURE");
    std::string s = env ? env : "";
    if (s.starts_with(kFailurePrefix)) s.erase(0, kFailurePrefix.size());
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
      s.pop_back();
    }
    return s;
  }();
  return wanted;
}

// GOMAP_FUZZ_AUDIT_STRIDE=n replaces every target's audit stride (0: audit only at
// `audit` ops and at the end; 1: after every mutating op); -1 when unset.
int AuditStrideOverride() {
  const char* env = std::getenv("GOMAP_FUZZ_AUDIT_STRIDE");
  if (env == nullptr || *env == '\0') return -1;
  char* end = nullptr;
  long n = std::strtol(env, &end, 10);
  return (*end == '\0' && n >= 0 && n <= 1 << 20) ? static_cast<int>(n) : -1;
}

std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// A binary input as the target reads it, into *trace (its op array is reused).
void DecodeInput(const TraceTarget& target, const uint8_t* data, size_t size,
                 oracle::Trace* trace) {
  oracle::DecodeBinary(data, size, target.decode, trace);
  if (target.force_nil) {
    trace->config.nil = true;
    trace->config.hint = 0;
  }
}

// True when libFuzzer was given only files to run (no corpus directory): then text traces
// are accepted, as by the replay binary.
bool g_files_only = false;

}  // namespace

void NoteFuzzerArgs(int argc, char** argv) {
  bool files = false;
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] == '-') continue;  // a libFuzzer flag
    std::error_code ec;
    if (std::filesystem::is_directory(argv[i], ec)) return;  // fuzzing a corpus
    files = true;
  }
  g_files_only = files;
}

bool InputTrace(const TraceTarget& target, const uint8_t* data, size_t size, std::string_view name,
                oracle::Trace* trace, std::string* error) {
  if (oracle::IsTextTrace(AsText(data, size))) {
    oracle::ParseResult r = oracle::ParseText(AsText(data, size), name);
    if (!r.ok()) {
      *error = r.error;
      return false;
    }
    *trace = std::move(*r.trace);
    return true;
  }
  DecodeInput(target, data, size, trace);
  return true;
}

void ReportFailure(const std::string& signature, const std::string& report) {
  const std::string& wanted = WantedSignature();
  if (!wanted.empty() && signature != wanted) return;  // another bug: not this input's
  std::fwrite(report.data(), 1, report.size(), stderr);
  if (!report.empty() && report.back() != '\n') std::fputc('\n', stderr);
  std::fflush(stderr);
  std::abort();
}

void RunTrace(const TraceTarget& target, const oracle::Trace& trace) {
  if (target.run != nullptr) {
    target.run(trace);
    return;
  }
  oracle::ExecOptions options = target.exec;
  options.on_failure = oracle::OnFailure::kReturn;
  static const int stride = AuditStrideOverride();
  if (stride >= 0) {
    options.audit_stride = stride;
    options.audit_amortized = false;
  }
  oracle::RunResult r = oracle::Execute(trace, options);
  if (!r.ok) ReportFailure(r.signature, r.report);
}

int FuzzTrace(const TraceTarget& target, const uint8_t* data, size_t size) {
  static oracle::Trace trace;  // libFuzzer runs one input at a time, on one thread
  std::string error;
  if (g_files_only && oracle::IsTextTrace(AsText(data, size))) {
    // Running files given on the command line: a text trace runs as written.
    if (!InputTrace(target, data, size, "<input>", &trace, &error)) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return 0;
    }
  } else {
    // Fuzzing: binary only. Were text parsed here, the fuzzer would explore the parser
    // through every target and keep malformed text inputs, which the corpus replay then
    // rejects (text_fuzzer is the parser's own target).
    DecodeInput(target, data, size, &trace);
  }
  RunTrace(target, trace);
  return 0;
}

int ReplayTrace(const TraceTarget& target, const uint8_t* data, size_t size,
                const std::string& name) {
  // Reused like FuzzTrace's: an Op is over 400 bytes, and a fresh op array per run
  // (fresh pages under ASan) was a fifth of a replayed corpus input's time.
  static oracle::Trace trace;
  std::string error;
  if (!InputTrace(target, data, size, name, &trace, &error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 2;
  }
  RunTrace(target, trace);
  return 0;
}

bool PrintTrace(const TraceTarget& target, const uint8_t* data, size_t size,
                const std::string& name, std::string* text) {
  oracle::Trace trace;
  std::string error;
  if (!InputTrace(target, data, size, name, &trace, &error)) {
    *text = error + "\n";
    return false;
  }
  *text = oracle::PrintText(trace);
  return true;
}

}  // namespace gomap::fuzz

// ASan's defaults for every fuzz and replay binary; ASAN_OPTIONS still overrides each one.
// quarantine_size_mb: freed memory stays poisoned and out of reuse until 64 MB more has
// been freed (the size ClusterFuzz runs libFuzzer jobs with; ASan's default is 256 MB). A
// use after free within one input is still caught: no corpus input frees more than 21 MB.
// The bigger the quarantine, the more allocations land on pages that are cold or not yet
// faulted in: with 256 MB, median corpus inputs ran up to 17% slower (grow_iter, int64;
// bench/HISTORY.md, "Changes, 2026-12-03 (13:25-)").
extern "C" __attribute__((visibility("default"), used)) const char* __asan_default_options() {
  return "quarantine_size_mb=64";
}
