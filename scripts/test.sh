#!/usr/bin/env bash
# Usage: scripts/test.sh [preset ...]      (default: release asan tsan fuzz oss-fuzz)
# The one test command: installs missing Debian packages, then configures, builds and runs
# ctest in each preset. Exits non-zero if anything fails.
#   release  everything, every label (unit, property, corpus, concurrency, death, godiff),
#            including the seeded-bug tests that prove the harness catches broken runtimes
#   asan     everything but the seeded-bug builds, every label, under ASan + UBSan + LSan
#   tsan     the concurrency and death suites (and the concurrent fuzz target's corpus)
#   fuzz     clang + libFuzzer: every fuzz target for 30 s from its corpus (fuzz-smoke)
#   oss-fuzz not a CMake preset: the OSS-Fuzz / ClusterFuzzLite configuration files, then
#            scripts/oss-fuzz/build.sh under OSS-Fuzz's ASan and UBSan flags
# Next after a failure: rerun one preset (scripts/test.sh asan) or one suite
# (ctest --preset asan -R <name> --output-on-failure).
set -euo pipefail
cd "$(dirname "$0")/.."

presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(release asan tsan fuzz oss-fuzz)
scripts/deps.sh --fuzz --go

jobs=$(nproc)
for preset in "${presets[@]}"; do
  if [ "$preset" = oss-fuzz ]; then
    echo "=== oss-fuzz: configuration files, then scripts/oss-fuzz/build.sh under OSS-Fuzz's flags"
    SECONDS=0
    python3 scripts/check-cflite-config.py
    python3 scripts/check-cflite-config.py --self-test -q
    scripts/check-oss-fuzz.sh --self-test
    echo "=== oss-fuzz: checked in ${SECONDS}s"
    continue
  fi
  targets=() labels=()
  case "$preset" in
    tsan)
      targets=(--target concurrency_suite death_suite runtime_death_test concurrent_fuzzer_replay)
      labels=(-L 'concurrency|death') ;;
    fuzz)
      targets=(--target gomap_fuzzers)
      labels=(-L fuzz-smoke) ;;
  esac
  echo "=== ${preset}: configure and build"
  SECONDS=0
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs" "${targets[@]}"
  echo "=== ${preset}: built in ${SECONDS}s; testing"
  SECONDS=0
  ctest --preset "$preset" -j "$jobs" "${labels[@]}"
  echo "=== ${preset}: tests took ${SECONDS}s"
done
echo "=== all presets passed: ${presets[*]}"
