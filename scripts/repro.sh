#!/usr/bin/env bash
# Usage: scripts/repro.sh [--target T] [--runs N] [--preset P] [--regress [--note TEXT]]
#                         FILE [-- LIBFUZZER_FLAGS...]
# Reproduces a crash or replays any corpus file, binary or text trace: builds the sanitizer
# preset P (default asan: ASan + UBSan) if needed, replays FILE N times (default 10) with
# <T>_replay, prints the input as a text trace, the first divergence report, and
# `reproduced k/N` last.
#   --target T   the fuzz target; inferred from paths like corpus/<T>/..., corpus/seeds/<T>/...,
#                corpus/regressions/<T>/..., build/fuzz-out/<T>/... and OSS-Fuzz names
#                clusterfuzz-testcase[-minimized]-<T>-...
#   --preset P   asan (default), release, tsan, or fuzz (then FILE runs through the libFuzzer
#                binary <T>, and LIBFUZZER_FLAGS / unknown -flags go to it)
#   --build-dir D  use (and build in) the configured tree D instead of build/<P>
#   --regress    also write the regression input corpus/regressions/<T>/<sha1> (the file as
#                it is), its line in corpus/regressions/README.md (--note, else the report's
#                first line) and the GoogleTest case tests/regress_<sha1:12>_unit_test.cc
#   --which-target  print the inferred target and exit
# Exit status: 1 when the failure reproduced, 0 when every run passed, 2 for a usage
# error, an unreadable file or a malformed text trace (one line on stderr).
# Next after a reproduced failure: scripts/minimize.sh FILE, then scripts/repro.sh --regress
# on the minimized file; edit the printed trace and replay it with this script to explore.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

target= runs=10 preset=asan regress=0 note= which=0 file= bdir=
fuzz_flags=()
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --preset) preset=$2; shift 2 ;;
    --build-dir) bdir=$(cd "$2" && pwd); shift 2 ;;
    --regress) regress=1; shift ;;
    --note) note=$2; shift 2 ;;
    --which-target) which=1; shift ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    --) shift; fuzz_flags+=("$@"); break ;;
    --*) echo "repro.sh: unknown flag $1" >&2; exit 2 ;;
    -*) fuzz_flags+=("$1"); shift ;;
    *) [ -z "$file" ] || { echo "repro.sh: one file at a time ($file, $1)" >&2; exit 2; }
       file=$1; shift ;;
  esac
done
[ -n "$file" ] || { echo "usage: scripts/repro.sh [--target T] [--runs N] [--regress] FILE" >&2; exit 2; }
[ -f "$file" ] || { echo "$file: no such file" >&2; exit 2; }
[ -r "$file" ] || { echo "$file: cannot read file" >&2; exit 2; }
case "$runs" in ''|*[!0-9]*|0) echo "repro.sh: --runs needs a positive number" >&2; exit 2 ;; esac
file_abs=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
cd "$root"

known=()
for src in fuzz/*_fuzzer.cc; do known+=("$(basename "$src" .cc)"); done
if [ -z "$target" ]; then
  # The longest known target name that appears as a directory of the path, or inside an
  # OSS-Fuzz testcase name.
  base=$(basename "$file_abs")
  for t in "${known[@]}"; do
    if [[ "/$file_abs/" == */"$t"/* ]] ||
       [[ "$base" =~ ^clusterfuzz-testcase-(minimized-)?"$t"- ]]; then
      [ ${#t} -gt ${#target} ] && target=$t
    fi
  done
  if [ -z "$target" ]; then
    echo "$file: cannot infer the fuzz target from the path; pass --target (one of: ${known[*]})" >&2
    exit 2
  fi
fi
if [[ " ${known[*]} " != *" $target "* ]]; then
  echo "repro.sh: no fuzz target $target (one of: ${known[*]})" >&2
  exit 2
fi
if [ "$which" = 1 ]; then echo "$target"; exit 0; fi
if [ ${#fuzz_flags[@]} -gt 0 ] && [ "$preset" != fuzz ]; then
  echo "repro.sh: libFuzzer flags (${fuzz_flags[*]}) need --preset fuzz" >&2
  exit 2
fi

# ---- build ------------------------------------------------------------------------
case "$preset" in
  fuzz) scripts/deps.sh --fuzz; bins=("$target" "${target}_replay") ;;
  asan|release|tsan|coverage) scripts/deps.sh; bins=("${target}_replay") ;;
  *) echo "repro.sh: unknown preset $preset" >&2; exit 2 ;;
esac
log=$(mktemp)
trap 'rm -f "$log" "$log".*' EXIT
if [ -n "$bdir" ]; then
  [ -f "$bdir/CMakeCache.txt" ] || { echo "repro.sh: $bdir is not a configured build tree" >&2; exit 2; }
else
  bdir=build/$preset
fi
if [ ! -f "$bdir/CMakeCache.txt" ]; then
  echo "== configuring the $preset preset" >&2
  cmake --preset "$preset" >"$log" 2>&1 || { cat "$log" >&2; exit 2; }
fi
if ! cmake --build "$bdir" -j "$(nproc)" --target "${bins[@]}" >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "repro.sh: building ${bins[*]} in $bdir failed" >&2
  exit 2
fi
replay=$bdir/fuzz/${target}_replay

# ---- the input as text (also rejects a malformed text trace) ------------------------
if ! "$replay" --print "$file_abs" >"$log.trace" 2>"$log.err"; then
  head -n 1 "$log.err" >&2
  exit 2
fi

# ---- replay N times ------------------------------------------------------------------
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1}
ulimit -c 0
k=0 first=
for ((i = 1; i <= runs; i++)); do
  status=0
  if [ "$preset" = fuzz ]; then
    "$bdir/fuzz/$target" "${fuzz_flags[@]}" "$file_abs" >"$log.run" 2>&1 || status=$?
  else
    "$replay" --quiet "$file_abs" >"$log.run" 2>&1 || status=$?
  fi
  if [ "$status" = 2 ] && [ "$preset" != fuzz ]; then
    head -n 1 "$log.run" >&2   # malformed after all (cannot happen after --print passed)
    exit 2
  fi
  if [ "$status" != 0 ]; then
    k=$((k + 1))
    [ -n "$first" ] || { first=$i; cp "$log.run" "$log.report"; }
  fi
done

echo "== $file as a text trace ($target)"
cat "$log.trace"
if [ "$k" -gt 0 ]; then
  echo "== report of run $first"
  # The executor's report starts at its signature line; sanitizer reports at ==<pid>==.
  cat "$log.report"
  signature=$(grep -a -m 1 -E '^ASSERTION FAILURE: |^SUMMARY: |^fatal error: |runtime error: ' \
                "$log.report" || true)
else
  echo "== no divergence, no sanitizer report in $runs run(s)"
  signature=
fi

# ---- regression files ----------------------------------------------------------------
if [ "$regress" = 1 ]; then
  if [ -z "$note" ] && [ -z "$signature" ]; then
    echo "repro.sh: nothing reproduced, so say what this input found with --note" >&2
    exit 2
  fi
  note=${note:-$signature}
  note=$(printf '%s' "$note" | tr '\n' ' ' | sed 's/ *$//')
  sha=$(sha1sum "$file_abs" | cut -d' ' -f1)
  short=${sha:0:12}
  dir=corpus/regressions/$target
  mkdir -p "$dir"
  readme=corpus/regressions/README.md
  if [ -f "$dir/$sha" ]; then
    echo "== $dir/$sha exists already (regressions are never rewritten)"
  else
    cp "$file_abs" "$dir/$sha"
    echo "== wrote $dir/$sha"
  fi
  if ! grep -q "$target/$sha" "$readme" 2>/dev/null; then
    echo "- \`$target/$sha\`: $note ($(date -u +%Y-%m-%d))" >>"$readme"
    echo "== added its line to $readme"
  fi
  test_file=tests/regress_${short}_unit_test.cc
  if [ "$target" = text_fuzzer ] || [ "$target" = concurrent_fuzzer ]; then
    echo "== no GoogleTest case: $target inputs are not executor traces; ctest -L corpus" \
         "replays $dir/$sha in every preset"
    test_file=
  elif [ -f "$test_file" ]; then
    echo "== $test_file exists already"
  else
    {
      cat <<EOF
// Regression: corpus/regressions/$target/$sha
// Found: $note
// Written by scripts/repro.sh --regress; the trace is that input printed as text. The
// same file also replays through ${target}_replay (ctest -L corpus).
#include "tests/regress_case.h"

namespace {

constexpr char kTrace[] = R"gomap_trace(
EOF
      cat "$log.trace"
      cat <<EOF
)gomap_trace";

TEST(Regression, Input${short}) {
  gomap::testing::ExpectTraceRunsClean(kTrace, "regress_${short}.trace");
}

}  // namespace
EOF
    } >"$test_file"
    echo "== wrote $test_file"
  fi
  echo "== next: review and commit $dir/$sha, $readme${test_file:+ and $test_file}"
fi

echo "reproduced $k/$runs"
[ "$k" = 0 ] || exit 1
