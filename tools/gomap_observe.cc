// gomap-observe: gomap's observation lines for a trace (oracle/FORMAT.md §2.4), in the
// exact form tests/go/replayer prints for the real Go map, so scripts/godiff.sh can
// compare the two.
//
//   gomap-observe [-b] TRACE               observation lines on stdout
//   gomap-observe [-b] --out DIR TRACE...  DIR/<n>.gomap for the n-th TRACE (0-based),
//                                          DIR/<n>.report when the executor failed, and
//                                          one line "<n> TAB <status> TAB <TRACE>" per
//                                          trace on stdout (status ok, diverged, error);
//                                          an argument @FILE stands for the paths listed
//                                          in FILE, one per line
//   gomap-observe --print TRACE            the trace as canonical text
//
// TRACE is a text trace or a binary one, read as oracle/trace_file.h reads any trace
// file (binary with default DecodeOptions, so a fuzz target's corpus file is what
// `<target>_replay --print` shows, which godiff.sh uses; a *.trace file is always text).
// The observations come from the oracle's differential executor, which also checks
// gomap against its reference model and Go's iteration and growth rules; a divergence
// is a failure here too (its report goes to stderr, or DIR/<n>.report).
//
// -b appends " B=<b0>,<b1>,<b2>,<b3>" (B of m0..m3 after the op, "-" for nil) and
// " samesize" when the op began a same-size grow. The executor does not expose its maps,
// so these come from a second run of the same ops on gomap alone (stats_run.h); with the
// same seed it must be the same run, and every one of its results is checked against the
// executor's (Determinism in architecture.md): a mismatch is a failure.
//
// Exit status: 0 all ran clean; 1 a divergence or a non-reproducible run; 2 unreadable or
// malformed input. Next after a failure: `gomap-observe TRACE` shows the executor's
// report; scripts/godiff.sh TRACE compares with Go.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "oracle/executor.h"
#include "oracle/text.h"
#include "oracle/trace.h"
#include "oracle/trace_file.h"
#include "tools/stats_run.h"

namespace {

namespace fs = std::filesystem;
using gomap::oracle::Trace;

enum Status { kOk = 0, kFailed = 1, kBadInput = 2 };

// Runs one trace; fills the observation lines (with B when asked) and, on failure, the
// report. Returns kOk or kFailed.
Status Observe(const Trace& trace, bool with_b, std::vector<std::string>* lines,
               std::string* report) {
  gomap::oracle::ExecOptions options;
  options.on_failure = gomap::oracle::OnFailure::kReturn;
  options.record = true;
  gomap::oracle::RunResult r = gomap::oracle::Execute(trace, options);
  *lines = std::move(r.observations);
  if (!r.ok) {
    *report = r.report;
    return kFailed;
  }
  if (!with_b) return kOk;

  std::vector<gomap::tools::OpStats> stats = gomap::tools::RunForStats(trace);
  for (size_t i = 0; i < lines->size(); ++i) {
    const std::string again = gomap::oracle::ObservationLine(trace.config, trace.ops[i],
                                                             stats[i].result);
    if (again != (*lines)[i]) {
      *report = "ASSERTION FAILURE: gomap divergence: run not reproducible from its seed\n"
                "op " + std::to_string(i) + ": the executor's run gave\n  " + (*lines)[i] +
                "\nand a second run of the same ops with the same seed gave\n  " + again +
                "\n";
      return kFailed;
    }
    (*lines)[i] += gomap::tools::BSuffix(stats[i]);
  }
  return kOk;
}

int Usage() {
  std::fprintf(stderr,
               "usage: gomap-observe [-b] TRACE\n"
               "       gomap-observe [-b] --out DIR TRACE...\n"
               "       gomap-observe --print TRACE\n");
  return kBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  bool with_b = false, print = false;
  std::string out_dir;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-b") {
      with_b = true;
    } else if (a == "--print") {
      print = true;
    } else if (a == "--out" && i + 1 < argc) {
      out_dir = argv[++i];
    } else if (a.starts_with("-")) {
      return Usage();
    } else if (a.starts_with("@")) {
      if (!gomap::oracle::ReadPathList(a.substr(1), &paths)) {
        std::fprintf(stderr, "%s: cannot read file\n", a.c_str() + 1);
        return kBadInput;
      }
    } else {
      paths.push_back(a);
    }
  }
  if (paths.empty() || (out_dir.empty() && paths.size() != 1) || (print && !out_dir.empty())) {
    return Usage();
  }

  if (out_dir.empty()) {
    Trace trace;
    std::string error;
    if (!gomap::oracle::LoadTraceFile(paths[0], &trace, &error)) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return kBadInput;
    }
    if (print) {
      std::fputs(gomap::oracle::PrintText(trace).c_str(), stdout);
      return kOk;
    }
    std::vector<std::string> lines;
    std::string report;
    Status s = Observe(trace, with_b, &lines, &report);
    for (const std::string& l : lines) std::printf("%s\n", l.c_str());
    std::fflush(stdout);
    if (s != kOk) std::fputs(report.c_str(), stderr);
    return s;
  }

  std::error_code ec;
  fs::create_directories(out_dir, ec);
  int worst = kOk;
  for (size_t n = 0; n < paths.size(); ++n) {
    const std::string base = (fs::path(out_dir) / std::to_string(n)).string();
    Trace trace;
    std::string error;
    Status s = kBadInput;
    if (gomap::oracle::LoadTraceFile(paths[n], &trace, &error)) {
      std::vector<std::string> lines;
      std::string report;
      s = Observe(trace, with_b, &lines, &report);
      std::ofstream obs(base + ".gomap", std::ios::binary);
      for (const std::string& l : lines) obs << l << '\n';
      if (s != kOk) std::ofstream(base + ".report", std::ios::binary) << report;
      if (!obs) {
        error = base + ".gomap: cannot write file";
        s = kBadInput;
      }
    }
    if (s == kBadInput) std::ofstream(base + ".report", std::ios::binary) << error << '\n';
    static constexpr const char* kStatus[] = {"ok", "diverged", "error"};
    std::printf("%zu\t%s\t%s\n", n, kStatus[s], paths[n].c_str());
    std::fflush(stdout);
    if (s > worst) worst = s;
  }
  return worst;
}
