// Linked into every test binary (gomap_cc_test): seeds gomap's generator from each
// test's full name before the test starts, so a test that does not seed itself gets the
// same hash seeds whatever ran before it in the process (--gtest_filter, --gtest_shuffle,
// --gtest_repeat, a death test's child) and its failures replay. A test that calls
// gomap::SeedRandom itself is unaffected.
#include <string>

#include <gtest/gtest.h>

#include "gomap/map.h"
#include "test_util.h"

namespace {

class SeedEachTest : public ::testing::EmptyTestEventListener {
 public:
  void OnTestStart(const ::testing::TestInfo& info) override {
    gomap::SeedRandom(gomap::testing_util::SeedOfTestName(
        std::string(info.test_suite_name()) + "." + info.name()));
  }
};

const bool kRegistered = [] {
  ::testing::UnitTest::GetInstance()->listeners().Append(new SeedEachTest);
  return true;
}();

}  // namespace
