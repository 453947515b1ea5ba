// The executor against the real runtime: canonical observation lines, nil-map paths,
// handles and iterators that outlive them, and many random traces that must run clean.
#include "oracle/executor.h"

#include <gtest/gtest.h>

#include "oracle/random_trace.h"
#include "oracle/text.h"

namespace gomap::oracle {
namespace {

RunResult RunText(const std::string& text) {
  ParseResult p = ParseText(text, "test.trace");
  EXPECT_TRUE(p.ok()) << p.error;
  if (!p.ok()) return RunResult();
  ExecOptions o;
  o.on_failure = OnFailure::kReturn;
  o.record = true;
  return Execute(*p.trace, o);
}

std::string Lines(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& l : v) s += l + "\n";
  return s;
}

TEST(Execute, PrintsCanonicalObservationsForNilMapsFloatsAndHandles) {
  RunResult r = RunText(R"(gomap-trace v1 key=float64 value=int64 map=nil hasher=default seed=1
set 1 2
get 1
lookup 1
len
delete 1
clear
range 0
next 0
make 0
set 0 1
set -0 2
set NaN 3
set NaN 3
len
get 0
lookup -0
get NaN
delete NaN
len
range 1
drain 1
next 1
delit 1
setit 1 5
alias m2
m2.set 7 7
get 7
m2.make 3000000
m2.nil
m2.get 7
m2.len
len
make 2000000
clear
len
audit
)");
  ASSERT_TRUE(r.ok) << r.report;
  EXPECT_EQ(Lines(r.observations), R"(set 1 2 -> panic: assignment to entry in nil map
get 1 -> 0
lookup 1 -> 0 false
len -> 0
delete 1 -> ok
clear -> ok
range 0 -> ok
next 0 -> end
make 0 -> ok
set 0 1 -> ok
set -0 2 -> ok
set NaN 3 -> ok
set NaN 3 -> ok
len -> 3
get 0 -> 2
lookup -0 -> 2 true
get NaN -> 0
delete NaN -> ok
len -> 3
range 1 -> ok
drain 1 -> [-0 2, NaN 3, NaN 3]
next 1 -> end
delit 1 -> none
setit 1 5 -> none
alias m2 -> ok
m2.set 7 7 -> ok
get 7 -> 7
m2.make 3000000 -> skipped
m2.nil -> ok
m2.get 7 -> 0
m2.len -> 0
len -> 4
make 2000000 -> skipped
clear -> ok
len -> 0
audit -> ok
)");
}

TEST(Execute, PrintsBigAndEmptyValuesAndStringKeys) {
  RunResult r = RunText(R"(gomap-trace v1 key=string value=big map=make(0) hasher=const seed=3
set "a b#" {0:7,24:7}
get "a b#"
get "zz"
lookup "zz"
)");
  ASSERT_TRUE(r.ok) << r.report;
  EXPECT_EQ(Lines(r.observations), R"(set "a b#" {0:7,24:7} -> ok
get "a b#" -> {0:7,24:7}
get "zz" -> {}
lookup "zz" -> {} false
)");
  r = RunText(R"(gomap-trace v1 key=big value=empty map=make(100) hasher=topbyte seed=3
set {0:1} {}
lookup {0:1}
lookup {24:1}
)");
  ASSERT_TRUE(r.ok) << r.report;
  EXPECT_EQ(Lines(r.observations), R"(set {0:1} {} -> ok
lookup {0:1} -> {} true
lookup {24:1} -> {} false
)");
}

TEST(Execute, AnIteratorKeepsReadingATableNoHandleNamesAnyMore) {
  RunResult r = RunText(R"(gomap-trace v1 key=int64 value=int64 map=make(0) hasher=default seed=5
set 1 10
set 2 20
range 0
nil
len
drain 0
)");
  ASSERT_TRUE(r.ok) << r.report;
  EXPECT_EQ(r.observations.back(), "drain 0 -> [1 10, 2 20]");
}

TEST(Execute, RangeDeleteIdiomEmptiesTheMapThroughGrowth) {
  std::string text = "gomap-trace v1 key=int64 value=int64 map=make(0) hasher=default seed=9\n";
  for (int i = 0; i < 60; ++i) text += "set " + std::to_string(i) + " " + std::to_string(i) + "\n";
  text += "range 0\n";
  for (int i = 0; i < 30; ++i) text += "next 0\ndelit 0\nset " + std::to_string(100 + i) + " 1\n";
  text += "drain 0\nlen\n";
  RunResult r = RunText(text);
  ASSERT_TRUE(r.ok) << r.report;
  EXPECT_EQ(r.ops_run, r.observations.size());
}

TEST(Execute, RandomTracesRunCleanOnTheRealRuntime) {
  ExecOptions o;
  o.on_failure = OnFailure::kReturn;
  for (uint64_t seed = 0; seed < 1500; ++seed) {
    Trace t = RandomTrace(seed);
    RunResult r = Execute(t, o);
    ASSERT_TRUE(r.ok) << "seed " << seed << "\n" << r.report;
    ASSERT_EQ(r.ops_run, t.ops.size());
    EXPECT_TRUE(r.observations.empty());
  }
}

TEST(Execute, SameTraceSameObservations) {
  ExecOptions o;
  o.on_failure = OnFailure::kReturn;
  o.record = true;
  o.audit_stride = 0;
  for (uint64_t seed = 0; seed < 50; ++seed) {
    Trace t = RandomTrace(seed);
    RunResult a = Execute(t, o);
    RunResult b = Execute(t, o);
    ASSERT_TRUE(a.ok && b.ok);
    EXPECT_EQ(a.observations, b.observations) << "seed " << seed;
  }
}

}  // namespace
}  // namespace gomap::oracle
