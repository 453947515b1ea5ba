// Regression: corpus/regressions/grow_iter_fuzzer/3d96d4e03284baa2a2c47f36df20ec91995c413c
// Found: iterator yielded an entry deleted or cleared between range and its first next (runtime Range() positioned eagerly; fixed in runtime/iter.cc before this was added)
// Written by scripts/repro.sh --regress; the trace is that input printed as text. The
// same file also replays through grow_iter_fuzzer_replay (ctest -L corpus).
#include "tests/regress_case.h"

namespace {

constexpr char kTrace[] = R"gomap_trace(
gomap-trace v1 key=int64 value=int64 map=make(0) hasher=default seed=52
set 0 0
set 1 1
set 2 2
set 3 3
set 4 4
set 5 5
set 6 6
set 7 7
set 8 8
set 9 9
set 10 10
set 11 11
set 12 12
set 13 13
set 14 14
set 15 15
set 16 16
set 17 17
set 18 18
set 19 19
set 20 20
set 21 21
set 22 22
set 23 23
set 24 24
set 25 25
set 26 1562
range 0
set 28 28
set 29 29
set 30 30
set 31 31
set 32 32
lookup 2
delete 3
len
clear
make 6
nil
alias m0
range 1
next 2
break 3
drain 0
delit 1
setit 2 0
audit
set 0 0
set 0 2560
set 0 2560
set 0 0
get 0
get 0
set 0 768
next 0
get 0
next 2
set 0 2560
get 0
m1.set 64 0
set 0 2560
set 0 2560
set 0 0
get 0
get 0
set 0 768
next 0
get 0
next 2
set 0 2560
get 0
m1.set 64 0
m1.get 65
m1.lookup 66
m1.delete 67
m1.len
m1.clear
set 0 3072
get 0
)gomap_trace";

TEST(Regression, Input3d96d4e03284) {
  gomap::testing::ExpectTraceRunsClean(kTrace, "regress_3d96d4e03284.trace");
}

}  // namespace
