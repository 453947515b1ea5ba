#!/bin/bash -eu
# Copyright 2026 the gomap authors. Licensed under the Apache License, Version 2.0
# (http://www.apache.org/licenses/LICENSE-2.0), the licence of files in OSS-Fuzz's projects/.
#
# OSS-Fuzz / ClusterFuzzLite build script for gomap.
#
# Runs inside the base-builder image (OSS-Fuzz: projects/gomap/build.sh; ClusterFuzzLite:
# .clusterfuzzlite/build.sh calls this file) with the gomap checkout at $SRC/gomap. One
# script for every fuzzing engine and sanitizer: it reads nothing but the environment the
# builder provides and never adds sanitizer, coverage or engine flags of its own. (When
# the flags ask for sanitizer coverage, CMakeLists.txt narrows it to the code under test
# with fuzz/coverage-ignorelist.txt.)
#   $CC $CXX $CFLAGS $CXXFLAGS   compiler and flags (sanitizer + coverage instrumentation)
#   $LIB_FUZZING_ENGINE          how a target links its engine: "-fsanitize=fuzzer" for
#                                libFuzzer, a library path for AFL++, honggfuzz and others
#   $SRC $WORK $OUT              sources, scratch space (the CMake tree), results
#
# For every fuzz target <t> (fuzz/<t>.cc, built by the gomap_fuzzers CMake target) it puts
# in $OUT:
#   <t>                    the fuzz target
#   <t>_seed_corpus.zip    corpus/<t>/* and corpus/regressions/<t>/* (binary seeds, inputs
#                          merged from earlier fuzzing, every input that ever failed)
#   <t>.dict <t>.options   copied from corpus/ when the target has them
# scripts/check-oss-fuzz.sh runs this script with the OSS-Fuzz environment simulated.

repo="$SRC/gomap"
build="$WORK/gomap-build"
stage="$WORK/gomap-seeds"

# The targets: fuzz/<t>.cc for every <t> ending in _fuzzer (the convention
# scripts/repro.sh and scripts/fuzz.sh rely on too).
targets=()
for src in "$repo"/fuzz/*_fuzzer.cc; do
  [ -e "$src" ] || continue
  targets+=("$(basename "$src" .cc)")
done
if [ ${#targets[@]} -eq 0 ]; then
  echo "build.sh: no fuzz targets (fuzz/*_fuzzer.cc) under $repo" >&2
  exit 1
fi

# $LIB_FUZZING_ENGINE may hold several words (flags, libraries); CMake wants a list.
read -r -a engine <<<"$LIB_FUZZING_ENGINE"
engine_list=$(IFS=';'; echo "${engine[*]}")

# gomap is C++ only; CMake would take $CC and $CFLAGS from the environment by itself if a
# C source were ever added. No CMAKE_BUILD_TYPE: its -O/-g flags would override the
# builder's. Tests and benchmarks are off: only the runtime, the oracle and the fuzz
# targets are built.
rm -rf "$build"
cmake -S "$repo" -B "$build" -G Ninja \
  -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DGOMAP_BUILD_TESTS=OFF -DGOMAP_BUILD_BENCHMARKS=OFF -DGOMAP_BUILD_FUZZERS=ON \
  -DGOMAP_FUZZ_ENGINE="$engine_list"
cmake --build "$build" --target gomap_fuzzers

rm -rf "$stage"
for t in "${targets[@]}"; do
  bin="$build/fuzz/$t"
  if [ ! -x "$bin" ]; then
    echo "build.sh: fuzz/$t.cc exists but the build made no $bin" \
         "(is $t in GOMAP_FUZZ_TARGETS, fuzz/CMakeLists.txt?)" >&2
    exit 1
  fi
  cp "$bin" "$OUT/$t"

  # Seed corpus: one flat directory, so a file in both places is stored once.
  mkdir -p "$stage/$t"
  for dir in "$repo/corpus/$t" "$repo/corpus/regressions/$t"; do
    [ -d "$dir" ] || continue
    find "$dir" -type f ! -name '.*' ! -name 'README.md' -exec cp {} "$stage/$t/" \;
  done
  rm -f "$OUT/${t}_seed_corpus.zip"
  if [ -n "$(ls -A "$stage/$t")" ]; then
    (cd "$stage/$t" && zip -q -X -r "$OUT/${t}_seed_corpus.zip" .)
  else
    echo "build.sh: warning: $t has no seed inputs (corpus/$t, corpus/regressions/$t)" >&2
  fi

  for ext in dict options; do
    if [ -f "$repo/corpus/$t.$ext" ]; then
      cp "$repo/corpus/$t.$ext" "$OUT/$t.$ext"
    fi
  done
done
echo "build.sh: ${#targets[@]} fuzz targets in $OUT: ${targets[*]}"
