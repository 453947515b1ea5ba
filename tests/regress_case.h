// The one check of every tests/regress_<sha1:12>_unit_test.cc (written by
// scripts/repro.sh --regress): the regression input, printed as a text trace, runs through
// the differential executor without a divergence.
#ifndef GOMAP_TESTS_REGRESS_CASE_H_
#define GOMAP_TESTS_REGRESS_CASE_H_

#include <gtest/gtest.h>

#include <string>

#include "oracle/executor.h"
#include "oracle/text.h"

namespace gomap::testing {

inline void ExpectTraceRunsClean(const char* trace, const std::string& name) {
  oracle::ParseResult parsed = oracle::ParseText(trace, name);
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  oracle::ExecOptions options;
  options.on_failure = oracle::OnFailure::kReturn;
  oracle::RunResult r = oracle::Execute(*parsed.trace, options);
  EXPECT_TRUE(r.ok) << r.report;
}

}  // namespace gomap::testing

#endif  // GOMAP_TESTS_REGRESS_CASE_H_
