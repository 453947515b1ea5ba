// Regression: corpus/regressions/throwing_fuzzer/2658a087482965fce435a2864cc6a05579db249f
// Found: an iterator over the old table after 'make 0' rebound m0 was checked against m0's new, empty model (a bug in the target's bookkeeping, not the runtime; fixed before this was added)
// Written by scripts/repro.sh --regress; the trace is that input printed as text. The
// same file also replays through throwing_fuzzer_replay (ctest -L corpus).
#include "tests/regress_case.h"

namespace {

constexpr char kTrace[] = R"gomap_trace(
gomap-trace v1 key=big value=big map=make(0) hasher=default seed=6
set {} {}
set {0:1} {0:1,24:1}
set {0:2} {0:2,24:2}
set {0:3} {0:3,24:3}
set {0:4} {0:4,24:4}
set {0:5} {0:5,24:5}
set {0:6} {0:6,24:6}
set {0:7} {0:7,24:7}
set {0:8} {0:1288,24:1288}
set {} {}
set {0:15,24:2} {0:10,24:10}
set {0:11} {0:11,24:11}
set {0:12} {0:12,24:12}
set {0:13} {0:13,24:13}
set {0:14} {0:14,24:14}
set {0:15} {0:15,24:15}
set {24:1} {0:16,24:16}
set {0:1,24:1} {0:17,24:17}
set {0:11,24:12} {0:93,24:93}
set {0:3,24:1} {0:19,24:19}
set {0:4,24:1} {0:20,24:20}
set {0:5,24:1} {0:21,24:21}
set {0:6,24:1} {0:22,24:22}
set {0:7,24:1} {0:23,24:23}
set {0:8,24:1} {0:24,24:24}
alias m2
set {0:11,24:1} {0:27,24:27}
set {0:12,24:1} {0:28,24:28}
set {0:13,24:1} {0:29,24:29}
range 1
next 1
setit 1 {0:5,24:5}
set {0:14,24:1} {0:30,24:30}
set {0:15,24:1} {0:31,24:31}
set {24:2} {0:32,24:32}
set {0:1,24:2} {0:33,24:33}
set {0:2,24:2} {0:34,24:34}
set {0:3,24:2} {0:35,24:35}
set {0:4,24:2} {0:36,24:36}
set {0:5,24:2} {0:37,24:37}
set {0:6,24:2} {0:38,24:38}
set {0:7,24:2} {0:39,24:39}
set {0:8,24:2} {0:40,24:40}
set {0:9,24:2} {0:41,24:41}
set {0:10,24:2} {0:42,24:42}
set {0:11,24:2} {0:43,24:43}
set {0:12,24:2} {0:44,24:44}
delete {}
delete {0:3}
delete {0:6}
delete {0:9}
delete {0:12}
delete {0:15}
delete {0:2,24:1}
set {} {}
set {} {}
delete {0:5,24:1}
delete {0:8,24:1}
delete {0:11,24:1}
delete {0:14,24:1}
delete {0:1,24:2}
delete {0:4,24:2}
set {} {0:2048,24:2048}
set {} {0:2304,24:2304}
set {} {0:2560,24:2560}
set {} {}
set {0:3} {0:39,24:39}
set {0:3} {0:42,24:42}
set {0:12} {0:1,24:1}
set {} {0:11565,24:11565}
set {} {0:11822,24:11822}
set {} {0:12079,24:12079}
set {} {0:12336,24:12336}
set {} {0:12593,24:12593}
set {} {0:12850,24:12850}
set {} {0:13107,24:13107}
set {} {0:13364,24:13364}
set {} {0:13621,24:13621}
set {} {0:771,24:771}
set {} {0:1539,24:1539}
set {} {0:2307,24:2307}
set {} {0:3075,24:3075}
set {} {0:3843,24:3843}
set {} {0:4611,24:4611}
set {} {0:5379,24:5379}
set {} {0:6147,24:6147}
set {} {0:6915,24:6915}
set {} {0:7683,24:7683}
set {} {0:8451,24:8451}
set {} {0:9219,24:9219}
set {} {0:9987,24:9987}
set {} {0:2,24:2}
set {} {0:514,24:514}
set {} {0:714,24:714}
len
make 0
drain 1
)gomap_trace";

TEST(Regression, Input2658a0874829) {
  gomap::testing::ExpectTraceRunsClean(kTrace, "regress_2658a0874829.trace");
}

}  // namespace
