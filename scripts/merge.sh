#!/usr/bin/env bash
# Usage: scripts/merge.sh [--from DIR]... [TARGET...] [LIBFUZZER_FLAGS...] [-- LIBFUZZER_FLAGS...]
# Brings new coverage into the checked-in corpus: for each target (default: every target
# with a build/fuzz-out/<target>/corpus), libFuzzer -merge=1 adds to corpus/<target> the
# inputs from build/fuzz-out/<target>/corpus (or the --from DIRs) that reach coverage the
# corpus does not have yet: a new edge (-use_counters=0; pass -use_counters=1 to also keep
# inputs that only reach new hit counts). Existing corpus files are never removed; new
# files are named by their SHA-1. Builds the fuzz preset if needed. Unknown -flags go to
# libFuzzer.
# Next: scripts/coverage.sh to see what the corpus now reaches, then review and commit
# corpus/<target>/ (`git status corpus/`).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

from=()
targets=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --from) from+=("$(cd "$2" && pwd)"); shift 2 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    --) shift; extra+=("$@"); break ;;
    -*) extra+=("$1"); shift ;;
    *) targets+=("$1"); shift ;;
  esac
done
cd "$root"

known=()
for src in fuzz/*_fuzzer.cc; do known+=("$(basename "$src" .cc)"); done
if [ ${#targets[@]} -eq 0 ]; then
  for t in "${known[@]}"; do
    [ -d "build/fuzz-out/$t/corpus" ] && targets+=("$t")
  done
  [ ${#targets[@]} -gt 0 ] || { echo "merge.sh: no build/fuzz-out/<target>/corpus yet; run scripts/fuzz.sh first" >&2; exit 2; }
fi
for t in "${targets[@]}"; do
  [[ " ${known[*]} " == *" $t "* ]] || { echo "merge.sh: no such target: $t (one of: ${known[*]})" >&2; exit 2; }
done

scripts/deps.sh --fuzz
bdir=build/fuzz
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { { [ -f "$bdir/build.ninja" ] || cmake --preset fuzz; } >"$log" 2>&1 &&
       cmake --build "$bdir" -j "$(nproc)" --target "${targets[@]}" >>"$log" 2>&1; }; then
  tail -n 40 "$log" >&2; echo "merge.sh: building the fuzz preset failed" >&2; exit 2
fi

for t in "${targets[@]}"; do
  srcs=("${from[@]}")
  [ ${#srcs[@]} -gt 0 ] || srcs=("build/fuzz-out/$t/corpus")
  for s in "${srcs[@]}"; do
    [ -d "$s" ] || { echo "merge.sh: $s is not a directory" >&2; exit 2; }
  done
  mkdir -p "corpus/$t"
  before=$(find "corpus/$t" -type f | wc -l)
  opts=()
  [ -f "corpus/$t.dict" ] && opts+=("-dict=corpus/$t.dict")
  # -use_counters=0: an input is new only if it reaches a new edge, not a new hit count of
  # a known one, which keeps the checked-in corpus (replayed by every CTest run) small.
  if ! "$bdir/fuzz/$t" -merge=1 -use_counters=0 "${opts[@]}" "${extra[@]}" "corpus/$t" \
       "${srcs[@]}" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "merge.sh: $t: libFuzzer -merge failed (a crashing input in ${srcs[*]}? reproduce it with scripts/repro.sh)" >&2
    exit 1
  fi
  after=$(find "corpus/$t" -type f | wc -l)
  echo "corpus/$t: $before -> $after files ($(grep -a 'MERGE-OUTER: [0-9]* new files' "$log" | sed 's/.*MERGE-OUTER: //'))"
done
