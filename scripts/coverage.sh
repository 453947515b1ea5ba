#!/usr/bin/env bash
# Usage: scripts/coverage.sh [--fail-under-lines P] [--fail-under-branches P] [TARGET...]
# How much of runtime/ the checked-in corpus reaches: builds the coverage preset (clang
# source-based coverage), replays corpus/<target> and corpus/regressions/<target> through
# every target's replay binary (default: all targets), merges the profiles and reports on
# the runtime's sources only: an HTML report in build/coverage/html/index.html, the
# per-file table in build/coverage/report.txt, and one summary line
#   coverage of runtime/: lines 97.12% (1234/1271), branches 91.50% (...)
# Fails loudly when a target's corpus is empty, and with --fail-under-* when the corpus
# reaches less than P percent of lines or branches.
# Next: open the HTML report, find the uncovered lines, and add a seed that reaches them
# (corpus/seeds/<target>/*.trace, then scripts/make-corpus.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

min_lines= min_branches=
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --fail-under-lines) min_lines=$2; shift 2 ;;
    --fail-under-branches) min_branches=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "coverage.sh: unknown flag $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
count_files() {  # regular files under the given directories (missing ones count 0)
  local n=0 d
  for d in "$@"; do
    [ -d "$d" ] && n=$((n + $(find "$d" -type f ! -name README.md | wc -l)))
  done
  echo "$n"
}

known=()
for src in fuzz/*_fuzzer.cc; do known+=("$(basename "$src" .cc)"); done
[ ${#targets[@]} -gt 0 ] || targets=("${known[@]}")
for t in "${targets[@]}"; do
  [[ " ${known[*]} " == *" $t "* ]] || { echo "coverage.sh: no such target: $t (one of: ${known[*]})" >&2; exit 2; }
  n=$(count_files "corpus/$t" "corpus/regressions/$t")
  if [ "$n" -eq 0 ]; then
    echo "coverage.sh: ERROR: corpus/$t is empty or missing: nothing to measure." \
         "Generate the seeds with scripts/make-corpus.sh (or merge fuzzer output with scripts/merge.sh)." >&2
    exit 1
  fi
done

scripts/deps.sh --fuzz
profdata=$(command -v llvm-profdata || command -v llvm-profdata-14)
llvmcov=$(command -v llvm-cov || command -v llvm-cov-14)
bdir=build/coverage
out=$bdir/profiles
log=$bdir/coverage-build.log
mkdir -p "$bdir"
echo "== building the coverage preset (log: $log)"
if ! { { [ -f "$bdir/build.ninja" ] || cmake --preset coverage; } >"$log" 2>&1 &&
       cmake --build "$bdir" -j "$(nproc)" $(printf -- '--target %s_replay ' "${targets[@]}") \
         >>"$log" 2>&1; }; then
  tail -n 40 "$log" >&2; echo "coverage.sh: building the coverage preset failed" >&2; exit 2
fi

rm -rf "$out" "$bdir/html"
mkdir -p "$out"
objects=()
for t in "${targets[@]}"; do
  bin=$bdir/fuzz/${t}_replay
  echo "== replaying corpus/$t and corpus/regressions/$t ($(count_files "corpus/$t" "corpus/regressions/$t") files)"
  if ! LLVM_PROFILE_FILE="$PWD/$out/$t-%p.profraw" "$bin" --quiet --if-exists "corpus/$t" \
       "corpus/regressions/$t"; then
    echo "coverage.sh: ERROR: an input of $t fails (report above); reproduce it with" \
         "scripts/repro.sh, the corpus must pass before coverage means anything" >&2
    exit 1
  fi
  objects+=(-object "$bin")
done
shopt -s nullglob
raw=("$out"/*.profraw)
[ ${#raw[@]} -gt 0 ] || { echo "coverage.sh: ERROR: no profiles were written" >&2; exit 1; }
"$profdata" merge -sparse "${raw[@]}" -o "$bdir/corpus.profdata"

# The runtime's own sources: its .cc files (not tests) and headers.
sources=()
while IFS= read -r f; do sources+=("$f"); done < <(
  find "$root/runtime" \( -name '*.cc' -o -name '*.h' \) ! -name '*_test.cc' | sort)
"$llvmcov" report -instr-profile="$bdir/corpus.profdata" "${objects[@]:1}" \
  "${sources[@]}" >"$bdir/report.txt"
"$llvmcov" show -format=html -show-branches=count -show-line-counts-or-regions \
  -instr-profile="$bdir/corpus.profdata" "${objects[@]:1}" -output-dir="$bdir/html" \
  "${sources[@]}" >/dev/null

# TOTAL row: regions missed cover functions missed executed lines missed cover branches missed cover
read -r lines lmiss lcov branches bmiss bcov < <(awk '$1 == "TOTAL" {
  print $8, $9, $10, $11, $12, $13 }' "$bdir/report.txt")
[ -n "${lines:-}" ] || { echo "coverage.sh: ERROR: no TOTAL row in $bdir/report.txt" >&2; exit 1; }
echo "coverage of runtime/: lines $lcov ($((lines - lmiss))/$lines), branches $bcov" \
     "($((branches - bmiss))/$branches); per file: $bdir/report.txt, HTML: $bdir/html/index.html"

status=0
below() { awk -v a="${1%\%}" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }
if [ -n "$min_lines" ] && below "$lcov" "$min_lines"; then
  echo "coverage.sh: line coverage $lcov is under $min_lines%" >&2; status=1
fi
if [ -n "$min_branches" ] && below "$bcov" "$min_branches"; then
  echo "coverage.sh: branch coverage $bcov is under $min_branches%" >&2; status=1
fi
exit $status
