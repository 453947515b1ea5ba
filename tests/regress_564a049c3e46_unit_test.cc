// Regression: corpus/regressions/float_fuzzer/564a049c3e4633ab74b374e26ad0b01bd75f0721
// Found: iterator yielded an entry deleted or cleared between range and its first next (runtime Range() positioned eagerly; fixed in runtime/iter.cc before this was added)
// Written by scripts/repro.sh --regress; the trace is that input printed as text. The
// same file also replays through float_fuzzer_replay (ctest -L corpus).
#include "tests/regress_case.h"

namespace {

constexpr char kTrace[] = R"gomap_trace(
gomap-trace v1 key=float64 value=int64 map=make(0) hasher=default seed=39
set NaN 0
set NaN 1
set NaN 2
set NaN 0
set -59.5 1
set -59 2
set -58.5 3
range 0
next 2
set -6.5 4
clear
set -60 1536
make 0
nil
lookup -60
get -60
next 0
set -60 2816
break 0
drain 0
delit 1
setit 0 3840
audit
set -60 4096
set -60 5376
set -60 6656
set -60 266
set -60 6912
set -60 0
set -60 0
set -60 3072
get -60
set -60 3840
)gomap_trace";

TEST(Regression, Input564a049c3e46) {
  gomap::testing::ExpectTraceRunsClean(kTrace, "regress_564a049c3e46.trace");
}

}  // namespace
