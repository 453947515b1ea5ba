#!/usr/bin/env bash
# Usage: scripts/minimize.sh [--target T] [--time SECONDS] [--out PATH] [--max-runs N]
#                            [--build-dir DIR] FILE [-- LIBFUZZER_FLAGS...]
# Shrinks a failing input without letting it drift to another bug. The failure's signature
# is the first line of its report: the executor's `ASSERTION FAILURE: gomap divergence:
# ...` (or a sanitizer's `SUMMARY:` line). Then:
#   1. libFuzzer -minimize_crash=1 for SECONDS (default 60) in the fuzz preset, with
#      GOMAP_FUZZ_SIGNATURE set so that the target treats any other divergence as a pass
#      (sanitizer crashes are held by libFuzzer's dedup token);
#   2. a trace-level pass: the input as a text trace, dropping ops (halving chunks, then one
#      at a time) while the replay still fails with the same signature line (at most
#      --max-runs replays, default 4000). text_fuzzer inputs are shrunk by whole lines.
# Writes PATH.trace (text) and PATH (binary, when the trace fits the binary domains);
# default PATH is build/fuzz-out/<T>/minimized-<sha1 of FILE>. The target is inferred from
# FILE's path as scripts/repro.sh does. The binaries come from build/fuzz (configured and
# built as needed) or from --build-dir DIR, any tree configured with GOMAP_BUILD_FUZZERS=ON.
# Unknown -flags go to libFuzzer.
# Next: scripts/repro.sh --regress PATH (or PATH.trace), then fix the bug.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

target= secs=60 out= max_runs=4000 file= bdir=
fuzz_flags=()
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target=$2; shift 2 ;;
    --time) secs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --max-runs) max_runs=$2; shift 2 ;;
    --build-dir) bdir=$(cd "$2" && pwd); shift 2 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    --) shift; fuzz_flags+=("$@"); break ;;
    --*) echo "minimize.sh: unknown flag $1" >&2; exit 2 ;;
    -*) fuzz_flags+=("$1"); shift ;;
    *) [ -z "$file" ] || { echo "minimize.sh: one file at a time" >&2; exit 2; }
       file=$1; shift ;;
  esac
done
[ -n "$file" ] || { echo "usage: scripts/minimize.sh [--target T] FILE" >&2; exit 2; }
[ -f "$file" ] || { echo "$file: no such file" >&2; exit 2; }
file_abs=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
[ -n "$target" ] || target=$("$root/scripts/repro.sh" --which-target "$file_abs")
if [ -n "$out" ]; then
  mkdir -p "$(dirname "$out")"
  out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
fi
cd "$root"

scripts/deps.sh --fuzz
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
if [ -z "$bdir" ]; then
  bdir=build/fuzz
  [ -f "$bdir/CMakeCache.txt" ] || cmake --preset fuzz >"$log/cfg" 2>&1 || { cat "$log/cfg" >&2; exit 2; }
fi
if ! cmake --build "$bdir" -j "$(nproc)" --target "$target" "${target}_replay" gomap_trace_tool \
     >"$log/build" 2>&1; then
  tail -n 40 "$log/build" >&2; echo "minimize.sh: build failed" >&2; exit 2
fi
fuzzer=$bdir/fuzz/$target
replay=$bdir/fuzz/${target}_replay
tool=$bdir/fuzz/gomap-trace
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:dedup_token_length=3}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ulimit -c 0

# The signature line of an input's failure, or nothing when it passes (or is malformed).
signature_of() {
  local status=0
  "$replay" --quiet "$1" >"$log/run" 2>&1 || status=$?
  [ "$status" != 0 ] && [ "$status" != 2 ] || return 0
  grep -a -m 1 -E '^ASSERTION FAILURE: |^SUMMARY: ' "$log/run" ||
    grep -a -m 1 -E 'ERROR: |fatal error: ' "$log/run" || echo "exit status $status"
}
# A text trace: its first line that is not blank or a comment starts with gomap-trace.
is_text() {
  grep -a -v -E '^[[:space:]]*(#.*)?$' "$1" | head -n 1 | grep -aqE '^[[:space:]]*gomap-trace([[:space:]]|$)'
}

if ! "$replay" --print "$file_abs" >/dev/null 2>"$log/err"; then
  head -n 1 "$log/err" >&2   # a malformed text trace
  exit 2
fi
sig=$(signature_of "$file_abs")
if [ -z "$sig" ]; then
  echo "minimize.sh: $file does not fail in $replay; nothing to minimize" >&2
  exit 1
fi
echo "== signature: $sig"
if [[ "$sig" == "ASSERTION FAILURE: "* ]]; then
  export GOMAP_FUZZ_SIGNATURE=$sig
fi
sha=$(sha1sum "$file_abs" | cut -d' ' -f1)
[ -n "$out" ] || { mkdir -p "build/fuzz-out/$target"; out=$PWD/build/fuzz-out/$target/minimized-$sha; }
orig_size=$(stat -c %s "$file_abs")

# ---- 1. libFuzzer -minimize_crash, on the binary form ---------------------------------
cur=$log/cur
cp "$file_abs" "$cur"
if [ "$target" != text_fuzzer ] && is_text "$cur"; then
  # A text trace: libFuzzer mutates bytes, so give it the binary form if the target reads
  # that as the same trace.
  if "$tool" encode "$cur" "$log/enc" 2>/dev/null &&
     [ "$("$replay" --print "$log/enc")" = "$("$replay" --print "$cur")" ]; then
    cp "$log/enc" "$cur"
  fi
fi
if [ "$secs" -gt 0 ] && { [ "$target" = text_fuzzer ] || ! is_text "$cur"; }; then
  echo "== libFuzzer -minimize_crash for ${secs} s"
  "$fuzzer" -minimize_crash=1 -max_total_time="$secs" -exact_artifact_path="$log/min" \
    "${fuzz_flags[@]}" "$cur" >"$log/minimize" 2>&1 || true
  if [ -s "$log/min" ] && [ "$(signature_of "$log/min")" = "$sig" ]; then
    echo "   $(stat -c %s "$cur") -> $(stat -c %s "$log/min") bytes"
    cp "$log/min" "$cur"
  else
    echo "   no smaller input with the same signature (log: tail of libFuzzer below)"
    tail -n 3 "$log/minimize" | sed 's/^/   /'
  fi
fi

# ---- 2. drop ops (lines) while the signature holds --------------------------------------
if [ "$target" = text_fuzzer ]; then
  header=() ops=()
  # Lines only make sense for text; bytes with NULs keep what libFuzzer made of them.
  tr -d '\000' <"$cur" | cmp -s - "$cur" && mapfile -t ops <"$cur"
else
  "$replay" --print "$cur" >"$log/cur.trace"
  mapfile -t lines <"$log/cur.trace"
  header=() ops=()
  for l in "${lines[@]}"; do
    if [ ${#header[@]} -eq 0 ]; then
      [[ "$l" == gomap-trace* ]] && header=("$l")
    elif [ -n "$l" ] && [[ "$l" != \#* ]]; then
      ops+=("$l")
    fi
  done
fi
runs=0
holds() {  # the candidate ops still fail with the same signature
  runs=$((runs + 1))
  printf '%s\n' "${header[@]}" "$@" >"$log/cand"
  [ "$(signature_of "$log/cand")" = "$sig" ]
}
n0=${#ops[@]}
if [ "$target" = text_fuzzer ] && [ "$n0" -eq 0 ]; then
  cp "$cur" "$out.trace"; cp "$cur" "$out"
  echo "== wrote $out ($orig_size -> $(stat -c %s "$out") bytes; not text, no line pass)"
  echo "next: scripts/repro.sh --regress $out"
  exit 0
fi
echo "== trace-level pass over $n0 ops"
chunk=$(( (${#ops[@]} + 1) / 2 ))
while [ "$chunk" -ge 1 ] && [ "$runs" -lt "$max_runs" ]; do
  i=0
  while [ "$i" -lt ${#ops[@]} ] && [ "$runs" -lt "$max_runs" ]; do
    cand=("${ops[@]:0:i}" "${ops[@]:i+chunk}")
    if holds "${cand[@]}"; then
      ops=("${cand[@]}")
    else
      i=$((i + chunk))
    fi
  done
  [ "$chunk" -eq 1 ] && break
  chunk=$(( (chunk + 1) / 2 ))
  [ "$chunk" -le ${#ops[@]} ] || chunk=${#ops[@]}
done
[ "$runs" -lt "$max_runs" ] || echo "   stopped after --max-runs $max_runs replays"
echo "   $n0 -> ${#ops[@]} ops in $runs replays"

# ---- results ----------------------------------------------------------------------------
printf '%s\n' "${header[@]}" "${ops[@]}" >"$out.trace"
[ "$(signature_of "$out.trace")" = "$sig" ] || { echo "minimize.sh: internal error: $out.trace lost the signature" >&2; exit 1; }
echo "== wrote $out.trace"
if [ "$target" = text_fuzzer ]; then
  cp "$out.trace" "$out"
  echo "== wrote $out ($orig_size -> $(stat -c %s "$out") bytes)"
elif "$tool" encode "$out.trace" "$out" 2>"$log/enc.err" && [ "$(signature_of "$out")" = "$sig" ]; then
  echo "== wrote $out ($orig_size -> $(stat -c %s "$out") bytes)"
else
  rm -f "$out"
  echo "== no binary form (the trace leaves the binary domains or $target reads it differently); use $out.trace"
fi
echo "== minimized trace:"
cat "$out.trace"
echo "next: scripts/repro.sh --regress $( [ -f "$out" ] && echo "$out" || echo "$out.trace" )"
