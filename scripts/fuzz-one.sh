#!/usr/bin/env bash
# Usage: scripts/fuzz-one.sh FUZZER_BINARY WORKDIR SECONDS [SEED_DIR...] [-- LIBFUZZER_FLAGS...]
#        (a -flag before the -- also goes to libFuzzer)
# Fuzzes one target for SECONDS into WORKDIR/corpus (seeded from the SEED_DIRs, which are
# only read), writing crashes to WORKDIR/ and the log to WORKDIR/log. Flags from
# corpus/<target>.options and the dictionary corpus/<target>.dict are added automatically;
# extra flags after -- go to libFuzzer unchanged. Exit status: libFuzzer's (non-zero on a
# crash). Used by scripts/fuzz.sh and by the fuzz-smoke CTest label.
# Next after a crash: scripts/repro.sh WORKDIR/crash-<sha1>
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -lt 3 ]; then
  echo "usage: scripts/fuzz-one.sh FUZZER_BINARY WORKDIR SECONDS [SEED_DIR...] [-- LIBFUZZER_FLAGS...]" >&2
  exit 2
fi
bin=$1 work=$2 secs=$3
shift 3
[ -x "$bin" ] || { echo "fuzz-one.sh: $bin is not an executable (build the fuzz preset)" >&2; exit 2; }
seeds=()
extra=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case "$1" in
    -*) extra+=("$1") ;;              # a libFuzzer flag given without --
    *) [ -d "$1" ] && seeds+=("$1") ;;  # missing seed directories are fine
  esac
  shift
done
[ "${1:-}" = "--" ] && shift
set -- "${extra[@]}" "$@"
target=$(basename "$bin")
target=${target%_mutant[0-9]*}  # a seeded-bug build reads its target's options
flags=()
if [ -f "$root/corpus/$target.options" ]; then
  # [libfuzzer] section, "key = value" lines -> -key=value
  while IFS= read -r line; do
    line=${line%%#*}
    case "$line" in *=*)
      k=$(echo "${line%%=*}" | tr -d ' ') v=$(echo "${line#*=}" | tr -d ' ')
      [ -n "$k" ] && flags+=("-$k=$v") ;;
    esac
  done < <(sed -n '/^\[libfuzzer\]/,/^\[/p' "$root/corpus/$target.options" | grep -v '^\[')
fi
[ -f "$root/corpus/$target.dict" ] && flags+=("-dict=$root/corpus/$target.dict")
# Only a TSan build (the concurrent_fuzzer with -fsanitize=fuzzer,thread) reads this.
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:suppressions=$root/fuzz/libfuzzer_tsan.supp}
mkdir -p "$work/corpus"
set +e
"$bin" "${flags[@]}" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$work/" \
  "$@" "$work/corpus" "${seeds[@]}" >"$work/log" 2>&1
status=$?
set -e
if [ $status -ne 0 ]; then
  tail -n 60 "$work/log" >&2
  art=$(ls -t "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null | head -n 1 || true)
  echo "fuzz-one.sh: $target failed (exit $status); input: ${art:-none (see $work/log)}" >&2
  [ -z "$art" ] || echo "fuzz-one.sh: reproduce with: scripts/repro.sh --target $target $art" >&2
fi
exit $status
