// Proves the harness can fail. This file is linked, once per seeded bug, against a
// runtime built with GOMAP_MUTANT=<k> (runtime/internal/mutants.h) and never against the
// real one. It runs the ordinary random traces through the ordinary executor until a
// divergence is reported — the checker knows nothing about the bug — and fails if none is
// within the budget. It prints how many traces and how long it took, and the shrunk trace.
#include <chrono>
#include <cstdio>
#include <regex>

#include <gtest/gtest.h>

#include "oracle/executor.h"
#include "oracle/minimize.h"
#include "oracle/random_trace.h"
#include "oracle/text.h"

#ifndef GOMAP_MUTANT_UNDER_TEST
#error "built only by oracle/CMakeLists.txt, with GOMAP_MUTANT_UNDER_TEST=<k>"
#endif

namespace gomap::oracle {
namespace {

constexpr const char* kBugs[] = {
    "",
    "backward emptyRest propagation in delete skipped",
    "checkBucket filter of iterators started mid-grow skipped",
    "stored key not replaced on overwrite",
    "evacuation routes NaN keys by hash instead of the tophash bit",
    "growth trigger one insert late",
};
constexpr int kBug = GOMAP_MUTANT_UNDER_TEST;
constexpr double kBudgetSeconds = 120;

struct Caught {
  Trace trace;
  RunResult result;
  uint64_t traces = 0;
  double seconds = 0;
};

std::optional<Caught> Hunt() {
  ExecOptions o;
  o.on_failure = OnFailure::kReturn;
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t seed = 1;; ++seed) {
    Trace t = RandomTrace(seed);
    RunResult r = Execute(t, o);
    double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!r.ok) return Caught{std::move(t), std::move(r), seed, secs};
    if (secs > kBudgetSeconds) {
      std::printf("mutant %d (%s): NOT caught in %llu traces, %.1f s\n", kBug, kBugs[kBug],
                  static_cast<unsigned long long>(seed), secs);
      return std::nullopt;
    }
  }
}

const std::optional<Caught>& Result() {
  static const std::optional<Caught> caught = Hunt();
  return caught;
}

TEST(SeededBug, IsReportedByTheExecutor) {
  const auto& c = Result();
  ASSERT_TRUE(c) << "mutant " << kBug << " (" << kBugs[kBug] << ") was never reported";
  Trace small = MinimizeTrace(c->trace);
  ExecOptions o;
  o.on_failure = OnFailure::kReturn;
  RunResult shrunk = Execute(small, o);
  std::printf("mutant %d (%s): caught after %llu traces, %.3f s\n  %s\n  shrunk to %zu ops:\n%s",
              kBug, kBugs[kBug], static_cast<unsigned long long>(c->traces), c->seconds,
              c->result.signature.c_str(), small.ops.size(), PrintText(small).c_str());
  std::fflush(stdout);
  EXPECT_FALSE(shrunk.ok);
  EXPECT_EQ(shrunk.signature, c->result.signature);
}

TEST(SeededBug, ReportHasTheFixedLayout) {
  const auto& c = Result();
  ASSERT_TRUE(c);
  const std::string& r = c->result.report;
  // One stable line of words (ClusterFuzz groups crashes by it), then got/want, the
  // trace that parses back, stats and layout.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r, m, std::regex("^ASSERTION FAILURE: gomap divergence: "
                                                 "[A-Za-z_ -]+\n")))
      << r;
  EXPECT_EQ(m.position(0), 0);
  EXPECT_NE(r.find("\ngot:  "), std::string::npos);
  EXPECT_NE(r.find("\nwant: "), std::string::npos);
  size_t begin = r.find("gomap-trace v1 ");
  size_t end = r.find("\n--- ", begin);
  ASSERT_NE(begin, std::string::npos);
  ParseResult p = ParseText(r.substr(begin, end == std::string::npos ? end : end - begin + 1));
  ASSERT_TRUE(p.ok()) << p.error;
  EXPECT_EQ(p.trace->ops.size(), c->result.failed_op + 1);
  if (c->result.failed_op < c->trace.ops.size()) {
    EXPECT_NE(r.find("<-- divergence"), std::string::npos);
  }
}

TEST(SeededBugDeathTest, AbortsWithTheReportByDefault) {
  const auto& c = Result();
  ASSERT_TRUE(c);
  Trace t = MinimizeTrace(c->trace);
  EXPECT_DEATH(Execute(t), "ASSERTION FAILURE: " + c->result.signature);
}

}  // namespace
}  // namespace gomap::oracle
