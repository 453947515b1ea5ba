#!/usr/bin/env bash
# Usage: scripts/seeded-bugs.sh [--budget SECONDS] [--jobs J] [--mutants "1 2 ..."] [TARGET...]
# How fast the fuzzers find each deliberately broken runtime (runtime/internal/mutants.h).
# Builds <t>_mutant<k> in the fuzz preset (-DGOMAP_FUZZ_MUTANTS=ON), then for each mutant k:
#   1. replays the checked-in corpus (corpus/<t>, corpus/regressions/<t>) through every
#      target's mutant binary: what CI's corpus replay and fuzz smoke would catch;
#   2. fuzzes every target's mutant binary from an EMPTY corpus (dictionary and options
#      as scripts/fuzz-one.sh passes them) for up to SECONDS (default 60), J at a time
#      (default: the number of cores): the fuzzers' own power, with no seed to help.
# Prints one markdown table (also written to build/fuzz-out/seeded-bugs.md): per mutant,
# the first target and the seconds to the first failure in each way, and per target the
# seconds to find it from empty ("-" = not within the budget). Wall-clock seconds with J
# jobs sharing the machine: compare rows of one run, not runs on different machines.
# TARGETs default to every trace target except text_fuzzer (which never runs a map).
# Exit status: 0 when every mutant was found one way or the other, 1 otherwise.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

budget=60 jobs=$(nproc) mutants="1 2 3 4 5"
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --budget) budget=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --mutants) mutants=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "seeded-bugs.sh: unknown flag $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
known=()
for src in fuzz/*_fuzzer.cc; do known+=("$(basename "$src" .cc)"); done
if [ ${#targets[@]} -eq 0 ]; then
  for t in "${known[@]}"; do [ "$t" = text_fuzzer ] || targets+=("$t"); done
fi
for t in "${targets[@]}"; do
  [[ " ${known[*]} " == *" $t "* ]] || { echo "seeded-bugs.sh: no such target: $t (one of: ${known[*]})" >&2; exit 2; }
done
for k in $mutants; do
  grep -q "^// $k: " runtime/internal/mutants.h ||
    { echo "seeded-bugs.sh: runtime/internal/mutants.h has no mutant $k" >&2; exit 2; }
done

scripts/deps.sh --fuzz
bdir=build/fuzz
out=build/fuzz-out/seeded-bugs
mkdir -p "$out"
bins=()
for k in $mutants; do for t in "${targets[@]}"; do bins+=("${t}_mutant$k"); done; done
echo "== building ${#bins[@]} mutant fuzzers in $bdir (-DGOMAP_FUZZ_MUTANTS=ON)"
if ! { { [ -f "$bdir/build.ninja" ] || cmake --preset fuzz; } >"$out/build.log" 2>&1 &&
       cmake -S . -B "$bdir" -DGOMAP_FUZZ_MUTANTS=ON >>"$out/build.log" 2>&1 &&
       cmake --build "$bdir" -j "$(nproc)" --target "${bins[@]}" >>"$out/build.log" 2>&1; }; then
  tail -n 40 "$out/build.log" >&2
  echo "seeded-bugs.sh: building the mutant fuzzers failed (log: $out/build.log)" >&2
  exit 2
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ulimit -c 0
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# One run: $1 = k, $2 = target, $3 = mode (corpus|empty). Writes $out/k<k>-<mode>-<t>.res:
# "found SECONDS" or "missed SECONDS".
run_one() {
  local k=$1 t=$2 mode=$3 bin="$bdir/fuzz/${2}_mutant$1"
  local work="$out/k$k-$mode-$t" start status=0
  rm -rf "$work"
  mkdir -p "$work"
  start=$(now)
  if [ "$mode" = corpus ]; then
    local dirs=()
    for d in "corpus/$t" "corpus/regressions/$t"; do [ -d "$d" ] && dirs+=("$d"); done
    # -runs=0: execute the corpus, mutate nothing; new inputs would go to $work/corpus.
    mkdir -p "$work/corpus"
    "$bin" -runs=0 -artifact_prefix="$work/" "$work/corpus" "${dirs[@]}" >"$work/log" 2>&1 ||
      status=$?
  else
    scripts/fuzz-one.sh "$bin" "$work" "$budget" >/dev/null 2>&1 || status=$?
  fi
  local took
  took=$(secs "$start" "$(now)")
  if [ "$status" != 0 ]; then echo "found $took" >"$work.res"; else echo "missed $took" >"$work.res"; fi
}

pool() {  # runs "run_one ARGS" lines from stdin, $jobs at a time
  local line
  while read -r line; do
    # shellcheck disable=SC2086
    run_one $line &
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  done
  wait
}

for k in $mutants; do
  echo "== mutant $k: $(sed -n "s#^// $k: ##p" runtime/internal/mutants.h)"
  for t in "${targets[@]}"; do echo "$k $t corpus"; done | pool
  for t in "${targets[@]}"; do echo "$k $t empty"; done | pool
done

# First finder: the target with the smallest time among those that found it.
first() {  # $1 = k, $2 = mode -> "target SECONDS" or "-"
  local best=- t r
  for t in "${targets[@]}"; do
    r=$(cat "$out/k$1-$2-$t.res")
    [ "${r%% *}" = found ] || continue
    if [ "$best" = - ] || awk -v a="${r#* }" -v b="${best#* }" 'BEGIN { exit !(a < b) }'; then
      best="$t ${r#* }"
    fi
  done
  echo "$best"
}

report=build/fuzz-out/seeded-bugs.md
missed=0
{
  echo "Seeded bugs (runtime/internal/mutants.h): seconds to the first failure, $jobs job(s) at a time, budget ${budget} s per target from an empty corpus."
  echo
  printf '| mutant | checked-in corpus (replay) | fuzzing from empty (fastest) |'
  for t in "${targets[@]}"; do printf ' %s |' "${t%_fuzzer}"; done
  echo
  printf '|---|---|---|'
  for _ in "${targets[@]}"; do printf -- '---|'; done
  echo
  for k in $mutants; do
    c=$(first "$k" corpus) e=$(first "$k" empty)
    [ "$c" != - ] || [ "$e" != - ] || missed=1
    printf '| %s: %s | %s | %s |' "$k" "$(sed -n "s#^// $k: ##p" runtime/internal/mutants.h)" \
      "$( [ "$c" = - ] && echo "not found" || echo "${c% *} in ${c#* } s")" \
      "$( [ "$e" = - ] && echo "not found in ${budget} s" || echo "${e% *} in ${e#* } s")"
    for t in "${targets[@]}"; do
      r=$(cat "$out/k$k-empty-$t.res")
      if [ "${r%% *}" = found ]; then printf ' %s |' "${r#* }"; else printf ' - |'; fi
    done
    echo
  done
} >"$report"
cat "$report"
exit "$missed"
