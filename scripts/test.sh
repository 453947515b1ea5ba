#!/usr/bin/env bash
# Usage: scripts/test.sh [preset ...]      (default: release asan tsan)
# The one test command: installs missing Debian packages, then configures, builds and runs
# ctest in each preset. Exits non-zero if anything fails.
#   release: every label          asan: every label (ASan + UBSan + LeakSanitizer)
#   tsan:    unit, concurrency, death
# Next after a failure: rerun one preset (scripts/test.sh asan) or one suite
# (ctest --preset asan -R <name> --output-on-failure).
set -euo pipefail
cd "$(dirname "$0")/.."

presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(release asan tsan)
scripts/deps.sh --fuzz --go

jobs=$(nproc)
for preset in "${presets[@]}"; do
  echo "=== ${preset}: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "=== ${preset}: test"
  case "$preset" in
    tsan) labels=(-L 'unit|concurrency|death') ;;
    *) labels=() ;;
  esac
  ctest --preset "$preset" -j "$jobs" "${labels[@]}"
done
echo "=== all presets passed: ${presets[*]}"
