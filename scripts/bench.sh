#!/usr/bin/env bash
# Usage: scripts/bench.sh [-r ROUNDS] [-f FILTER] [-o REPORT.md] [-b BUILD_DIR]
# Builds the release preset and runs the four contenders back to back — gomap,
# std::unordered_map and absl::flat_hash_map (bench/map_bench) and Go 1.19's map (bench/go,
# `go test -bench`) — in ROUNDS interleaved rounds (default 3), takes medians, and writes
# one markdown report (default build/bench/report.md, also printed): ns per operation and
# the ratios that matter, tail latency, bytes per entry, and the fuzz targets' execs/s if
# the fuzz preset is built. The machine is shared and noisy: read the ratios, not times.
#   -f FILTER   regex on benchmark names, e.g. 'LookupHit/.*/int64' (default: all);
#               alternatives only at the top level ('A|B'), each also a go test pattern
#   -o REPORT   where the report goes; the raw rounds are kept in its directory
#   -b DIR      build map_bench in DIR (configured like the release preset) instead of
#               build/release, e.g. to compare two work trees without sharing a build
# Next after a surprise: rerun one row with more rounds, e.g. -r 7 -f 'Churn/.*/string/1000$'.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rounds=3 filter='.' report=build/bench/report.md build=
while [ $# -gt 0 ]; do
  case "$1" in
    -r) rounds=$2; shift 2 ;;
    -f) filter=$2; shift 2 ;;
    -o) report=$2; shift 2 ;;
    -b) build=$2; shift 2 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
# go test splits -bench patterns at '/', so each alternative of the filter becomes a
# pattern of its own (below): an alternation inside parentheses cannot be split so.
IFS='|' read -r -a alternatives <<<"$filter"
for f in "${alternatives[@]}"; do
  opened=${f//[^(]/} closed=${f//[^)]/}
  if [ ${#opened} -ne ${#closed} ]; then
    echo "bench.sh: -f '$filter': write alternatives at the top level (A|B, not (A|B)):" \
         "each one is also a pattern for go test -bench" >&2
    exit 2
  fi
done
scripts/deps.sh --go
if [ -z "$build" ]; then
  build=build/release
  cmake --preset release >/dev/null
else
  # The release preset's cache variables (CMakePresets.json), in a directory of one's own.
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DGOMAP_BUILD_BENCHMARKS=ON >/dev/null
fi
cmake --build "$build" --target map_bench -j "$(nproc)" >/dev/null
bench="$build/bench/map_bench"
out=$(dirname "$report")
mkdir -p "$out"
rm -f "$out"/cpp-*.json "$out"/go-*.txt
export GOPROXY=off GOFLAGS=-mod=mod GOCACHE="$root/build/bench/gocache" GOTOOLCHAIN=local
go=/usr/lib/go-1.19/bin/go
cpp_digest=$("$bench" --benchmark_filter=NONE 2>/dev/null | sed -n 's/^key digest //p')
go_digest=$(cd bench/go && "$go" test -run TestKeyDigest -v . | sed -n 's/^key digest //p')
if [ "$cpp_digest" != "$go_digest" ]; then
  echo "bench.sh: key streams differ (C++ $cpp_digest, Go $go_digest)" >&2
  exit 1
fi
# go test splits -bench patterns at '/', one part per level, so each alternative of the
# filter runs as its own pattern.
IFS='|' read -r -a go_filters <<<"$(echo "$filter" | sed 's#/gomap/#/go/#g; s#/std/#/go/#g; s#/absl/#/go/#g')"
for r in $(seq 1 "$rounds"); do
  echo "== round $r/$rounds: C++"
  "$bench" --benchmark_filter="$filter" --benchmark_min_time=0.2 \
    --benchmark_format=json --benchmark_out="$out/cpp-$r.json" >/dev/null
  echo "== round $r/$rounds: Go"
  for f in "${go_filters[@]}"; do
    (cd bench/go && "$go" test -run '^$' -bench "Map/$f" -benchtime=200ms .) >>"$out/go-$r.txt"
  done
done

# Fuzz targets' speed, one process each, when the fuzz preset has been built
# (scripts/fuzz.sh). Three measures: on the checked-in corpus inputs, twice (libFuzzer's
# file mode runs each input $corpus_runs times and prints how long that took, reading the
# file at every run; the target's replay binary, built with the same instrumentation,
# reads it once and times the runs), and while fuzzing for 10 s from that corpus
# (mutated inputs, up to the options' max_len). Each process is pinned to one CPU, as a
# fuzzing job gets one core (the concurrent target's reader threads share it).
corpus_runs=100
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c "$(( $(nproc) - 1 ))"); fi
: >"$out/fuzz-speed.txt"
rm -f "$out"/fuzz-corpus-*.txt "$out"/fuzz-replay-*.txt
if ls build/fuzz/fuzz/*_fuzzer >/dev/null 2>&1; then
  for f in build/fuzz/fuzz/*_fuzzer; do
    t=$(basename "$f")
    [ -d "corpus/$t" ] || continue
    { echo "runs $corpus_runs"
      "${pin[@]}" "$f" -runs="$corpus_runs" "corpus/$t"/* 2>&1 | grep '^Executed ' || true
    } >"$out/fuzz-corpus-$t.txt"
    { echo "runs $corpus_runs"
      "${pin[@]}" "${f}_replay" --quiet --time --runs "$corpus_runs" "corpus/$t" 2>/dev/null || true
    } >"$out/fuzz-replay-$t.txt"
    # As scripts/fuzz.sh fuzzes: the target's options and dictionary, seeded from its
    # checked-in corpus; new units go to a scratch directory, never to corpus/.
    scratch=$(mktemp -d)
    "${pin[@]}" scripts/fuzz-one.sh "$f" "$scratch" 10 "corpus/$t" >/dev/null 2>&1 || true
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$scratch/log" | tail -n 1)
    rm -rf "$scratch"
    echo "$t ${rate:-?}" >>"$out/fuzz-speed.txt"
  done
fi
python3 bench/report.py "$out" "$rounds" "$filter" >"$report"
cat "$report"
