// Regression: corpus/regressions/weak_hash_fuzzer/507b58eff5243b1271c11d630303baf5431c8170
// Found: iterator yielded an entry cleared between range and its first next (runtime Range() positioned eagerly; fixed in runtime/iter.cc before this was added)
// Written by scripts/repro.sh --regress; the trace is that input printed as text. The
// same file also replays through weak_hash_fuzzer_replay (ctest -L corpus).
#include "tests/regress_case.h"

namespace {

constexpr char kTrace[] = R"gomap_trace(
gomap-trace v1 key=big value=int64 map=make(0) hasher=topbyte seed=9
set {} 0
make 13
set {0:2} 2
set {0:3} 3
set {0:4} 4
set {0:5} 5
set {0:6} 0
range 0
clear
break 3
drain 0
make 32767
delit 1
setit 2 0
audit
set {} -1
delete {}
)gomap_trace";

TEST(Regression, Input507b58eff524) {
  gomap::testing::ExpectTraceRunsClean(kTrace, "regress_507b58eff524.trace");
}

}  // namespace
