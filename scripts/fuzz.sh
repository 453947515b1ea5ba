#!/usr/bin/env bash
# Usage: scripts/fuzz.sh [-t SECONDS] [-j JOBS] [TARGET...] [LIBFUZZER_FLAGS...] [-- LIBFUZZER_FLAGS...]
# The main job: builds the fuzz preset (clang + libFuzzer + ASan + UBSan; installs what is
# missing), fuzzes every target (or the ones named) from its checked-in corpus and
# regression inputs for a total of SECONDS wall-clock time using JOBS parallel fuzzers,
# shows progress every 15 s, and ends with a table.
#   -t SECONDS  total budget (default $GOMAP_FUZZ_SECONDS or 300)
#   -j JOBS     fuzzers running at once (default $GOMAP_FUZZ_JOBS or the number of cores)
#   any other -flag (e.g. -max_len=4096) goes to every libFuzzer run unchanged
# Work corpora and crashes go to build/fuzz-out/<target>/ (older crash files are moved to
# build/fuzz-out/<target>/previous/); scripts/merge.sh brings new inputs into
# corpus/<target>. Exit status 1 if any target crashed, 2 for a usage or build error.
# Next after a crash: the printed scripts/repro.sh command, then scripts/minimize.sh and
# scripts/repro.sh --regress on the minimized input.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

secs=${GOMAP_FUZZ_SECONDS:-300}
jobs=${GOMAP_FUZZ_JOBS:-$(nproc)}
targets=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    -t) secs=$2; shift 2 ;;
    -j) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    --) shift; extra+=("$@"); break ;;
    -*) extra+=("$1"); shift ;;
    *) targets+=("$1"); shift ;;
  esac
done
case "$secs$jobs" in *[!0-9]*) echo "fuzz.sh: -t and -j take numbers" >&2; exit 2 ;; esac
[ "$jobs" -ge 1 ] || jobs=1

known=()
for src in fuzz/*_fuzzer.cc; do known+=("$(basename "$src" .cc)"); done
[ ${#targets[@]} -gt 0 ] || targets=("${known[@]}")
for t in "${targets[@]}"; do
  [[ " ${known[*]} " == *" $t "* ]] || { echo "fuzz.sh: no such target: $t (one of: ${known[*]})" >&2; exit 2; }
done

scripts/deps.sh --fuzz
bdir=build/fuzz
mkdir -p build/fuzz-out
echo "== building the fuzz preset in $bdir (log: build/fuzz-out/build.log)"
if { [ -f "$bdir/build.ninja" ] || cmake --preset fuzz; } >build/fuzz-out/build.log 2>&1 &&
   cmake --build "$bdir" -j "$(nproc)" --target "${targets[@]}" \
     $(printf '%s_replay ' "${targets[@]}") >>build/fuzz-out/build.log 2>&1; then
  :
else
  tail -n 40 build/fuzz-out/build.log >&2
  echo "fuzz.sh: building the fuzz preset failed" >&2
  exit 2
fi

n=${#targets[@]}
[ "$jobs" -le "$n" ] || jobs=$n  # one fuzzer per target at a time
per=$(( (secs * jobs + n - 1) / n ))
[ "$per" -ge 10 ] || per=10
echo "== fuzzing ${n} targets for ${per} s each, ${jobs} at a time (about $(( (n + jobs - 1) / jobs * per )) s)"

progress() {  # the last libFuzzer status line of a log, as "#runs exec/s cov ft corp"
  grep -aE '^#[0-9]+' "$1" 2>/dev/null | tail -n 1 | awk '{
    for (i = 1; i <= NF; i++) {
      if ($i == "cov:") c = $(i+1); if ($i == "ft:") f = $(i+1)
      if ($i == "corp:") k = $(i+1); if ($i == "exec/s:") e = $(i+1)
    }
    printf "%-12s exec/s=%-6s cov=%-5s ft=%-6s corp=%s", $1, e, c, f, k }'
}
monitor() {
  while sleep 15; do
    for t in "${targets[@]}"; do
      local d=build/fuzz-out/$t
      [ -f "$d/log" ] && [ ! -f "$d/exit" ] || continue
      printf '   %-20s %s\n' "$t" "$(progress "$d/log")"
    done
  done
}

for t in "${targets[@]}"; do
  d=build/fuzz-out/$t
  mkdir -p "$d"
  rm -f "$d/log" "$d/exit"
  for f in "$d"/crash-* "$d"/leak-* "$d"/timeout-* "$d"/oom-*; do
    [ -e "$f" ] && { mkdir -p "$d/previous"; mv "$f" "$d/previous/"; }
  done
done
monitor &
monitor_pid=$!
trap 'kill "$monitor_pid" 2>/dev/null || true; kill ${pids[*]:-} 2>/dev/null || true' EXIT

pids=()
running() {
  local c=0 p
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && c=$((c + 1)); done
  echo "$c"
}
for t in "${targets[@]}"; do
  while [ "$(running)" -ge "$jobs" ]; do wait -n || true; done
  d=build/fuzz-out/$t
  echo "-- $t"
  (
    status=0
    scripts/fuzz-one.sh "$bdir/fuzz/$t" "$d" "$per" "corpus/$t" "corpus/regressions/$t" \
      -- "${extra[@]}" 2>/dev/null || status=$?
    echo "$status" >"$d/exit"
  ) &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
kill "$monitor_pid" 2>/dev/null || true
wait "$monitor_pid" 2>/dev/null || true
trap - EXIT

stat() { grep -a "^stat::$2:" "$1" 2>/dev/null | awk '{print $2}' | tail -n 1; }
crashed=()
echo
printf '%-20s %-7s %12s %8s %6s %7s %7s  %s\n' target result execs exec/s cov corpus new artifact
for t in "${targets[@]}"; do
  d=build/fuzz-out/$t
  log=$d/log
  code=$(cat "$d/exit" 2>/dev/null || echo 1)
  cov=$(grep -aoE 'cov: [0-9]+' "$log" 2>/dev/null | tail -n 1 | awk '{print $2}')
  corp=$(grep -aoE 'corp: [0-9]+' "$log" 2>/dev/null | tail -n 1 | awk '{print $2}')
  new=0
  [ -d "$d/corpus" ] && new=$(find "$d/corpus" -type f | wc -l)
  art=$(ls -t "$d"/crash-* "$d"/leak-* "$d"/timeout-* "$d"/oom-* 2>/dev/null | head -n 1 || true)
  result=ok
  if [ "$code" != 0 ]; then result=CRASH; crashed+=("$t"); fi
  printf '%-20s %-7s %12s %8s %6s %7s %7s  %s\n' "$t" "$result" \
    "$(stat "$log" number_of_executed_units)" "$(stat "$log" average_exec_per_sec)" \
    "${cov:--}" "${corp:--}" "$new" "${art:-}"
done

if [ ${#crashed[@]} -gt 0 ]; then
  for t in "${crashed[@]}"; do
    d=build/fuzz-out/$t
    art=$(ls -t "$d"/crash-* "$d"/leak-* "$d"/timeout-* "$d"/oom-* 2>/dev/null | head -n 1 || true)
    echo
    if [ -z "$art" ]; then
      echo "== $t failed without a crash input (exit $(cat "$d/exit" 2>/dev/null)); end of $d/log:"
      tail -n 30 "$d/log"
      continue
    fi
    echo "== $t crashed. Reproduce with:"
    echo "   scripts/repro.sh $art"
    echo "== the input as a text trace:"
    "$bdir/fuzz/${t}_replay" --print "$art" 2>&1 | head -n 200 || true
    echo "== the report ($d/log):"
    grep -a -A 40 -m 1 -E '^ASSERTION FAILURE: |ERROR: AddressSanitizer|runtime error: |^fatal error: |ERROR: libFuzzer' \
      "$d/log" | head -n 80 || tail -n 40 "$d/log"
  done
  exit 1
fi
echo
echo "== no crashes. New inputs are in build/fuzz-out/<target>/corpus; keep them with scripts/merge.sh"
