#!/usr/bin/env bash
# Usage: scripts/godiff.sh [--build-dir DIR] [--observe BIN] [--no-deps] [--record]
#                          [TRACE|DIR...]
#        scripts/godiff.sh [--build-dir DIR] --go-test
# Differential run against the real Go 1.19 map: every trace runs through gomap
# (tools/gomap-observe, the oracle's executor) and through Go (tests/go/replayer), and
# every observation that does not depend on iteration order or timing is compared;
# iterations that do are checked against Go's rules on each side (rules in
# tests/go/replayer/classify.go). B of every handle is compared after every op until a
# table has a same-size grow. Prints each difference with the trace and both outputs, and
# a summary; exits 1 on any difference, rule violation or gomap divergence, 2 on bad input.
#
# Inputs (default: all of these):
#   corpus/<target>/ and corpus/regressions/<target>/  binary inputs, turned into text
#       with build/fuzz/<target>_replay --print-to (the trace that target runs; one
#       process per target); text inputs there run as written
#   corpus/seeds/**/*.trace, tests/go-scenarios/*.trace   text traces as written
# A X.trace with X.go.out beside it is also compared with that recorded Go output.
#   --record    rewrite X.go.out from Go for the given (default: scenario) traces first
#   --go-test   run the replayer's own Go tests instead (vet + go test)
#   --build-dir DIR   the CMake build with gomap-observe (default build/release)
#   --observe BIN     gomap-observe to use (default DIR/tools/gomap-observe)
#   --no-deps   do not run scripts/deps.sh --go (CTest passes it)
# Needs Go 1.19 at /usr/lib/go-1.19/bin/go (or $GO); builds the replayer offline
# (GOPROXY=off) into DIR/godiff. Work files (texts, both outputs, compare log) stay there.
# Next after a difference: `DIR/godiff/go-replayer -b TRACE` and
# `DIR/tools/gomap-observe -b TRACE` replay one trace on each side.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

build="$root/build/release" observe="" deps=1 record=0 gotest=0
inputs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build=$(cd "$2" && pwd); shift 2 ;;
    --observe) observe=$2; shift 2 ;;
    --no-deps) deps=0; shift ;;
    --record) record=1; shift ;;
    --go-test) gotest=1; shift ;;
    -*) echo "godiff.sh: unknown flag $1" >&2; exit 2 ;;
    *) inputs+=("$1"); shift ;;
  esac
done
[ "$deps" = 1 ] && "$root/scripts/deps.sh" --go

go=${GO:-/usr/lib/go-1.19/bin/go}
if [ ! -x "$go" ]; then
  echo "godiff.sh: $go not found: install Go 1.19 with scripts/deps.sh --go" >&2
  exit 2
fi
export GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
# A cache inside the build tree: works where HOME is read-only (CI) and is removed with it.
export GOCACHE="${GOCACHE:-$build/go-cache}"
work="$build/godiff"
mkdir -p "$build"

if [ "$gotest" = 1 ]; then
  cd "$root/tests/go/replayer"
  "$go" vet ./...
  exec "$go" test -count=1 ./...
fi

replayer="$work/go-replayer"
rm -rf "$work"
mkdir -p "$work/text" "$work/gomap"
(cd "$root/tests/go/replayer" && "$go" build -o "$replayer" .)

observe=${observe:-$build/tools/gomap-observe}
if [ ! -x "$observe" ]; then
  echo "godiff.sh: $observe not found: cmake --build $build --target gomap_observe" >&2
  exit 2
fi

# ---- collect the traces: text ones as they are, binary ones printed as text ----------
traces=()
nconv=0
add_text() { traces+=("$1"); }
is_text() {  # oracle::IsTextTrace: the first line that is not blank or a comment starts
              # with the word gomap-trace ("gomap-trace#..." or "gomap-trace\0..." is binary)
  LC_ALL=C grep -a -m1 -v -E '^[[:space:]]*(#.*)?$' "$1" 2>/dev/null |
    LC_ALL=C grep -a -q -E '^[[:space:]]*gomap-trace([[:space:]]|$)'
}
# The inputs of a target with a replay binary go to that binary in one run per target,
# after collection (--print-to): the k-th input queued for binary T becomes
# $work/text/T/k.trace, printed as text, or copied when it is a text trace already (a text
# input in a corpus directory runs as written). Others are looked at one by one.
declare -A queued=()
add_binary() {  # FILE [TARGET]
  local tool="$build/fuzz/${2:-none}_replay" name
  if [ -n "${2:-}" ] && [ -x "$tool" ]; then
    name=${tool##*/}
    printf '%s\n' "$1" >>"$work/text/$name.list"
    traces+=("$work/text/$name/${queued[$name]:-0}.trace")
    queued[$name]=$(( ${queued[$name]:-0} + 1 ))
    return
  fi
  if is_text "$1"; then
    traces+=("$1")
    return
  fi
  nconv=$((nconv + 1))
  local out="$work/text/$nconv.trace"
  printf '# godiff: %s printed by %s --print\n' "$1" "$(basename "$observe")" >"$out"
  # A malformed input's message stays in the text, which both sides must reject alike.
  "$observe" --print "$1" >>"$out" 2>&1 || true
  traces+=("$out")
}
is_input() {  # skips what lives beside inputs but is not one
  case "$(basename "$1")" in
    .*|README*|*.go.out|*.dict|*.options|*.md) return 1 ;;
  esac
  return 0
}
add_path() {  # PATH [TARGET]
  local f
  if [ -d "$1" ]; then
    while IFS= read -r f; do
      is_input "$f" && add_path "$f" "${2:-}"
    done < <(find "$1" -type f | LC_ALL=C sort)
  elif [ -f "$1" ]; then
    case "$1" in
      *.trace) add_text "$1" ;;
      *) add_binary "$1" "${2:-}" ;;
    esac
  else
    echo "godiff.sh: $1: no such file or directory" >&2
    exit 2
  fi
}
target_of() {  # corpus/<t>/... or corpus/regressions/<t>/... -> t
  local rel
  rel=$(realpath -m --relative-to="$root/corpus" "$1")
  case "$rel" in
    ../*|seeds/*) echo "" ;;
    regressions/*) rel=${rel#regressions/}; echo "${rel%%/*}" ;;
    *) echo "${rel%%/*}" ;;
  esac
}

if [ ${#inputs[@]} -eq 0 ]; then
  if [ "$record" = 1 ]; then
    inputs=("$root/tests/go-scenarios")
  else
    [ -d "$root/corpus" ] && inputs+=("$root/corpus")
    inputs+=("$root/tests/go-scenarios")
  fi
fi

if [ "$record" = 1 ]; then
  for p in "${inputs[@]}"; do
    while IFS= read -r t; do
      "$replayer" -b "$t" >"$work/recorded.tmp"  # stops here if Go broke a rule
      mv "$work/recorded.tmp" "${t%.trace}.go.out"
      echo "recorded ${t%.trace}.go.out"
    done < <(if [ -d "$p" ]; then find "$p" -name '*.trace' | LC_ALL=C sort; else echo "$p"; fi)
  done
fi

for p in "${inputs[@]}"; do
  if [ -d "$p" ] && [ "$(realpath "$p")" = "$(realpath "$root/corpus" 2>/dev/null)" ]; then
    # The whole corpus: each target's inputs through that target's decoder.
    while IFS= read -r d; do
      t=$(basename "$d")
      case "$t" in
        seeds) add_path "$d" ;;
        regressions)
          while IFS= read -r r; do add_path "$r" "$(basename "$r")"; done \
            < <(find "$d" -mindepth 1 -maxdepth 1 -type d | LC_ALL=C sort) ;;
        *) add_path "$d" "$t" ;;
      esac
    done < <(find "$p" -mindepth 1 -maxdepth 1 -type d | LC_ALL=C sort)
  else
    add_path "$p" "$(target_of "$p")"
  fi
done
if [ ${#traces[@]} -eq 0 ]; then
  echo "godiff.sh: no traces to run" >&2
  exit 2
fi
for name in "${!queued[@]}"; do
  # An input the target cannot print gets its message as its text, which both sides must
  # reject alike.
  "$build/fuzz/$name" --print-to "$work/text/$name" "@$work/text/$name.list" 2>/dev/null || true
done

# ---- gomap side ----------------------------------------------------------------------
printf '%s\n' "${traces[@]}" >"$work/traces.list"
set +e
"$observe" -b --out "$work/gomap" "@$work/traces.list" >"$work/gomap.manifest"
observe_rc=$?
set -e
if [ "$observe_rc" -gt 2 ]; then
  n=$(wc -l <"$work/gomap.manifest")
  echo "godiff.sh: gomap-observe crashed (status $observe_rc) on trace $n: ${traces[$n]}" >&2
  exit 1
fi
# A malformed trace (the text fuzzer's seeds include some) is not a failure: Go must
# reject it too, at the same line and column (label "rejected" for the replayer).
gomap_failed=0
status_of=()
while IFS=$'\t' read -r n status path; do
  status_of[$n]=$status
  if [ "$status" = diverged ]; then
    gomap_failed=$((gomap_failed + 1))
    echo "GOMAP-DIVERGED $path (report: $work/gomap/$n.report)"
    head -n 60 "$work/gomap/$n.report" | sed 's/^/  | /'
  fi
done <"$work/gomap.manifest"

# ---- Go side and the comparison --------------------------------------------------------
: >"$work/compare.list"
for n in "${!traces[@]}"; do
  t=${traces[$n]}
  if [ "${status_of[$n]:-missing}" = error ]; then
    line="$t"$'\t'"rejected"$'\t'"$work/gomap/$n.report"
  else
    line="$t"$'\t'"gomap"$'\t'"$work/gomap/$n.gomap"
  fi
  [ -f "${t%.trace}.go.out" ] && line+=$'\t'"go-recorded"$'\t'"${t%.trace}.go.out"
  printf '%s\n' "$line" >>"$work/compare.list"
done
set +e
"$replayer" -compare "$work/compare.list" | tee "$work/compare.log"
compare_rc=${PIPESTATUS[0]}
set -e
echo "godiff: gomap executor failures: $gomap_failed; work files in $work"
if [ "$compare_rc" -ne 0 ] || [ "$gomap_failed" -ne 0 ]; then
  echo "godiff: FAILED" >&2
  exit 1
fi
echo "godiff: OK"
