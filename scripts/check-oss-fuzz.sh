#!/usr/bin/env bash
# Usage: scripts/check-oss-fuzz.sh [--builds "address undefined standalone"] [--seconds N]
#                                  [-j N] [--libcxx auto|yes|no] [--self-test] [--keep]
# Runs scripts/oss-fuzz/build.sh the way OSS-Fuzz's `compile` step does, outside Docker:
# a copy of this checkout at $SRC/gomap, fresh $OUT and $WORK under /tmp, clang, and the
# base-builder image's flags (-O1 -fno-omit-frame-pointer -gline-tables-only
# -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, then SANITIZER_FLAGS_<sanitizer> and the
# engine's coverage flags in $CFLAGS and $CXXFLAGS). One build per entry of --builds, each
# in its own $WORK and $OUT (default: all three):
#   address     ASan (SANITIZER_FLAGS_address), -fsanitize=fuzzer-no-link,
#               $LIB_FUZZING_ENGINE=-fsanitize=fuzzer: OSS-Fuzz's libFuzzer+ASan job
#   undefined   the same with UBSan (SANITIZER_FLAGS_undefined), run with
#               silence_unsigned_overflow=1 as OSS-Fuzz does
#   standalone  ASan with honggfuzz's coverage flags, -stdlib=libc++ in $CXXFLAGS, and
#               $LIB_FUZZING_ENGINE set to a static library that holds main(): how the
#               AFL++ and honggfuzz builds link, and OSS-Fuzz's C++ standard library;
#               each target replays its seed corpus through that main
# Debian's libFuzzer is built against libstdc++, so the two libFuzzer builds cannot use
# libc++ here (OSS-Fuzz's can); the standalone build is where libc++ is checked.
# Then it checks $OUT: every fuzz target (fuzz/*_fuzzer.cc) present, built with the
# sanitizer and nothing else executable; <t>_seed_corpus.zip non-empty and holding exactly
# corpus/<t>/* and corpus/regressions/<t>/*; <t>.dict and <t>.options identical to
# corpus/<t>.dict and corpus/<t>.options when those exist, absent otherwise. Finally every
# target fuzzes for --seconds (default 3) from its unzipped seed corpus with its options
# and dictionary, as OSS-Fuzz's runner would, and must load every seed and exit cleanly.
#   --libcxx     build standalone against libc++: auto (default) when clang can here
#                (Debian: libc++-14-dev libc++abi-14-dev; else a NOTE and libstdc++), yes
#                (fail without it), no
#   --self-test  also breaks copies of the first build's $OUT (missing dictionary or
#                options, empty or incomplete seed zip, missing or extra executable, a
#                target that cannot fuzz, a target built with the wrong sanitizer) and
#                fails unless the checks above report every one
#   -j N         build and fuzzing parallelism (default 2)
#   --keep       keep the temporary directory (its path is printed)
# Exit status: 0 all good, 1 a build or a check failed, 2 usage error.
# Next after a failure: the log named in the message; rebuild one configuration with
# --builds address --keep and look in the kept $WORK/gomap-build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

builds="address undefined standalone" secs=3 jobs=2 libcxx=auto self_test=0 keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --builds) builds=$2; shift 2 ;;
    --seconds) secs=$2; shift 2 ;;
    -j) jobs=$2; shift 2 ;;
    --libcxx) libcxx=$2; shift 2 ;;
    --self-test) self_test=1; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "check-oss-fuzz.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$secs$jobs" in ''|*[!0-9]*) echo "check-oss-fuzz.sh: --seconds and -j take numbers" >&2; exit 2 ;; esac
[ "$jobs" -ge 1 ] || jobs=1
for b in $builds; do
  case "$b" in address|undefined|standalone) ;;
    *) echo "check-oss-fuzz.sh: unknown build $b (address, undefined, standalone)" >&2; exit 2 ;;
  esac
done
case "$libcxx" in auto|yes|no) ;; *) echo "check-oss-fuzz.sh: --libcxx auto|yes|no" >&2; exit 2 ;; esac

"$root/scripts/deps.sh" --fuzz

# ---- the OSS-Fuzz build environment (infra/base-images: base-clang, base-builder) -------
base_cflags="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
asan_flags="-fsanitize=address -fsanitize-address-use-after-scope"
# Every check aborts except unsigned-integer-overflow, which is only a coverage signal.
ubsan_flags="-fsanitize=array-bounds,bool,builtin,enum,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unsigned-integer-overflow,unreachable,vla-bound,vptr -fno-sanitize-recover=array-bounds,bool,builtin,enum,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr"
libfuzzer_coverage="-fsanitize=fuzzer-no-link"
honggfuzz_coverage="-fsanitize-coverage=trace-pc-guard,indirect-calls,trace-cmp"
# The runner's sanitizer options (base-runner), as ClusterFuzz runs targets.
run_asan="alloc_dealloc_mismatch=0:allocator_may_return_null=1:detect_container_overflow=1:detect_leaks=1:detect_stack_use_after_return=1:handle_abort=1:handle_segv=1:handle_sigill=1:strict_memcmp=1:symbolize=1"
run_ubsan="print_stacktrace=1:print_summary=1:silence_unsigned_overflow=1:symbolize=1"

tmp=$(mktemp -d /tmp/gomap-oss-fuzz.XXXXXX)
if [ "$keep" = 1 ]; then
  echo "== keeping $tmp"
else
  trap 'rm -rf "$tmp"' EXIT
fi

libcxx_flag=
if [ "$libcxx" != no ] && [[ " $builds " == *" standalone "* ]]; then
  printf '#include <charconv>\n#include <latch>\n#include <string>\nint main() { return 0; }\n' >"$tmp/probe.cc"
  if clang++ -std=c++20 -stdlib=libc++ "$tmp/probe.cc" -o "$tmp/probe" >"$tmp/probe.log" 2>&1; then
    libcxx_flag="-stdlib=libc++"
  elif [ "$libcxx" = yes ]; then
    cat "$tmp/probe.log" >&2
    echo "check-oss-fuzz.sh: clang++ -stdlib=libc++ does not work here (install libc++-14-dev libc++abi-14-dev)" >&2
    exit 2
  else
    echo "== NOTE: clang++ -stdlib=libc++ does not work here (Debian: libc++-14-dev libc++abi-14-dev): the standalone build uses libstdc++, OSS-Fuzz uses libc++"
  fi
fi

# ---- $SRC: this checkout as a clone would have it (tracked and new files, no build/) ----
src="$tmp/src"
mkdir -p "$src/gomap"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$root" && git ls-files -z --cached --others --exclude-standard |
     while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
     tar --null -T - -cf -) | tar -xf - -C "$src/gomap"
else
  (cd "$root" && tar --exclude=./build --exclude=./.git -cf - .) | tar -xf - -C "$src/gomap"
fi
cp "$src/gomap/scripts/oss-fuzz/build.sh" "$src/build.sh"   # the Dockerfile's COPY build.sh $SRC/
# Everything below compares against this snapshot, not the live checkout, which may change
# while the builds run.
ref="$src/gomap"

targets=()
for f in "$ref"/fuzz/*_fuzzer.cc; do targets+=("$(basename "$f" .cc)"); done
[ ${#targets[@]} -gt 0 ] || { echo "check-oss-fuzz.sh: no fuzz/*_fuzzer.cc" >&2; exit 2; }

# Seed file names build.sh must pack for target $1 (unique basenames).
expected_seeds() {
  local d
  for d in "$ref/corpus/$1" "$ref/corpus/regressions/$1"; do
    if [ -d "$d" ]; then find "$d" -type f ! -name '.*' ! -name README.md -printf '%f\n'; fi
  done | sort -u
}

# A standalone engine: main() runs every file named on the command line once (the shape
# of AFL++'s and honggfuzz's driver libraries: an archive providing main).
make_standalone_engine() {
  local work=$1
  cat >"$work/standalone_main.c" <<'EOF'
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (!f) { fprintf(stderr, "%s: cannot open\n", argv[i]); return 2; }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) { fprintf(stderr, "%s: read error\n", argv[i]); return 2; }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, (size_t)n);
    free(buf);
  }
  fprintf(stderr, "standalone: ran %d inputs\n", argc - 1);
  return 0;
}
EOF
  # shellcheck disable=SC2086  # flag strings, split on purpose
  clang $base_cflags $asan_flags -c "$work/standalone_main.c" -o "$work/standalone_main.o"
  ar rcs "$work/libStandaloneEngine.a" "$work/standalone_main.o"
}

# ---- build ------------------------------------------------------------------------------
run_build() {
  local b=$1 cflags engine stdlib=
  local work="$tmp/work-$b" out="$tmp/out-$b"
  mkdir -p "$work" "$out"
  case "$b" in
    address) cflags="$base_cflags $asan_flags $libfuzzer_coverage"; engine="-fsanitize=fuzzer" ;;
    undefined) cflags="$base_cflags $ubsan_flags $libfuzzer_coverage"; engine="-fsanitize=fuzzer" ;;
    standalone)
      cflags="$base_cflags $asan_flags $honggfuzz_coverage"
      stdlib=$libcxx_flag
      make_standalone_engine "$work"
      engine="$work/libStandaloneEngine.a" ;;
  esac
  echo "== $b: building with ${stdlib:-libstdc++} (log: $tmp/build-$b.log)"
  local start=$SECONDS
  if ! (cd "$src/gomap" &&
        env -i PATH="$PATH" HOME="${HOME:-/tmp}" \
          CC=clang CXX=clang++ CFLAGS="$cflags" CXXFLAGS="$cflags${stdlib:+ $stdlib}" \
          LIB_FUZZING_ENGINE="$engine" SRC="$src" OUT="$out" WORK="$work" \
          CMAKE_BUILD_PARALLEL_LEVEL="$jobs" \
          bash -eux "$src/build.sh") >"$tmp/build-$b.log" 2>&1; then
    grep -a -m 5 -E 'error:|FAILED:|CMake Error' "$tmp/build-$b.log" >&2 || tail -n 20 "$tmp/build-$b.log" >&2
    problem "$b: scripts/oss-fuzz/build.sh failed ($tmp/build-$b.log; --keep keeps it)"
    return 1
  fi
  echo "== $b: built in $((SECONDS - start)) s"
}

# ---- checks on $OUT ---------------------------------------------------------------------
problems=()
problem() { problems+=("$1"); echo "FAIL: $1" >&2; }

# check_out OUT BUILD: the files build.sh must leave in OUT.
check_out() {
  local out=$1 b=$2 t marker
  case "$b" in
    address|standalone) marker=__asan_init ;;
    undefined) marker=__ubsan_handle_ ;;
  esac
  for t in "${targets[@]}"; do
    if [ ! -f "$out/$t" ] || [ ! -x "$out/$t" ]; then
      problem "$b: $t: fuzz target missing from \$OUT"
      continue
    fi
    grep -q -a LLVMFuzzerTestOneInput "$out/$t" || problem "$b: $t: no LLVMFuzzerTestOneInput in the binary"
    grep -q -a "$marker" "$out/$t" || problem "$b: $t: not built with the $b sanitizer (no $marker)"
    if [ "$b" = undefined ] && grep -q -a __asan_init "$out/$t"; then
      problem "$b: $t: UBSan build contains AddressSanitizer"
    fi
    local zip="$out/${t}_seed_corpus.zip"
    local want got
    want=$(expected_seeds "$t")
    if [ ! -f "$zip" ]; then
      problem "$b: $t: no ${t}_seed_corpus.zip"
    elif ! unzip -tq "$zip" >/dev/null 2>&1; then
      problem "$b: $t: ${t}_seed_corpus.zip is empty or not a valid zip"
    else
      got=$(unzip -Z1 "$zip" | sed 's:.*/::' | sort -u)
      if [ -z "$got" ]; then
        problem "$b: $t: ${t}_seed_corpus.zip is empty"
      elif [ "$got" != "$want" ]; then
        problem "$b: $t: ${t}_seed_corpus.zip holds $(echo "$got" | wc -l) seeds, corpus/$t and corpus/regressions/$t have $(echo "$want" | grep -c . || true); differing: $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | head -n 3 | tr '\n' ' ')"
      fi
    fi
    local ext
    for ext in dict options; do
      if [ -f "$ref/corpus/$t.$ext" ]; then
        if [ ! -f "$out/$t.$ext" ]; then
          problem "$b: $t: corpus/$t.$ext exists but \$OUT has no $t.$ext"
        elif ! cmp -s "$ref/corpus/$t.$ext" "$out/$t.$ext"; then
          problem "$b: $t: \$OUT/$t.$ext differs from corpus/$t.$ext"
        fi
      elif [ -e "$out/$t.$ext" ]; then
        problem "$b: $t: \$OUT has $t.$ext but corpus/$t.$ext does not exist"
      fi
    done
  done
  local f name
  for f in "$out"/*; do
    if [ ! -f "$f" ] || [ ! -x "$f" ]; then continue; fi
    name=$(basename "$f")
    [[ " ${targets[*]} " == *" $name "* ]] ||
      problem "$b: unexpected executable \$OUT/$name (OSS-Fuzz would take it for a fuzz target)"
  done
}

# libFuzzer flags from the [libfuzzer] section of an .options file, one per line.
options_flags() {
  [ -f "$1" ] || return 0
  sed -n '/^\[libfuzzer\]/,/^\[/p' "$1" | grep -v '^\[' | sed 's/#.*//' |
    awk -F= 'NF >= 2 { k = $1; v = substr($0, index($0, "=") + 1); gsub(/[ \t]/, "", k);
                       gsub(/^[ \t]+|[ \t]+$/, "", v); if (k != "") print "-" k "=" v }'
}

# fuzz_one OUT BUILD TARGET: fuzz from the unzipped seed corpus; "ok" or a problem line on
# stdout (runs in the background, so it prints instead of calling problem).
fuzz_one() {
  local out=$1 b=$2 t=$3
  local run="$tmp/run-$b/$t"
  rm -rf "$run" && mkdir -p "$run/seeds" "$run/corpus"
  if [ -f "$out/${t}_seed_corpus.zip" ]; then
    unzip -q -o "$out/${t}_seed_corpus.zip" -d "$run/seeds" 2>/dev/null || true
  fi
  local nseeds
  nseeds=$(find "$run/seeds" -type f | wc -l)
  if [ "$nseeds" = 0 ]; then
    echo "$b: $t: no seed inputs to start from"
    return 0
  fi
  local log="$run/log" status=0
  if [ "$b" = standalone ]; then
    find "$run/seeds" -type f -print0 | sort -z |
      ASAN_OPTIONS=$run_asan xargs -0 -r timeout 300 "$out/$t" >"$log" 2>&1 || status=$?
    if [ "$status" != 0 ] || ! grep -q "^standalone: ran $nseeds inputs" "$log"; then
      echo "$b: $t: replaying $nseeds seeds through the standalone engine failed (exit $status; $log): $(grep -a -m1 -E 'ERROR|SUMMARY|FAILURE|error' "$log" || tail -n 1 "$log" | grep . || echo 'no output')"
    else
      echo "ok $b $t: $nseeds seeds replayed"
    fi
    return 0
  fi
  local flags=()
  mapfile -t flags < <(options_flags "$out/$t.options")
  [ -f "$out/$t.dict" ] && flags+=("-dict=$out/$t.dict")
  ASAN_OPTIONS=$run_asan UBSAN_OPTIONS=$run_ubsan \
    timeout $((secs + 240)) "$out/$t" -rss_limit_mb=2560 -timeout=25 "${flags[@]}" \
      -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$run/" \
      "$run/corpus" "$run/seeds" >"$log" 2>&1 || status=$?
  local loaded runs
  loaded=$(sed -n 's/.*INFO: seed corpus: files: \([0-9]*\).*/\1/p' "$log" | head -n 1)
  runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
  if [ "$status" != 0 ]; then
    echo "$b: $t: fuzzing failed (exit $status; $log): $(grep -a -m1 -E 'ERROR:|SUMMARY:|ASSERTION FAILURE|runtime error|WARNING: unrecognized|ParseDictionary' "$log" || tail -n 1 "$log" | grep . || echo 'no output')"
  elif grep -q -a 'WARNING: unrecognized flag' "$log"; then
    echo "$b: $t: $t.options has a flag libFuzzer does not know: $(grep -a -m1 'WARNING: unrecognized flag' "$log")"
  elif [ "${loaded:-0}" != "$nseeds" ]; then
    echo "$b: $t: libFuzzer loaded ${loaded:-no} seed files of the $nseeds in the zip ($log)"
  elif ! grep -q -a 'INITED' "$log" || [ "${runs:-0}" -le 0 ]; then
    echo "$b: $t: libFuzzer did not start fuzzing ($log)"
  else
    echo "ok $b $t: $nseeds seeds, $runs runs in $secs s"
  fi
}

# fuzz_all OUT BUILD TARGET...: fuzz targets $jobs at a time.
fuzz_all() {
  local out=$1 b=$2 t line
  shift 2
  local results="$tmp/fuzz-$b.results"
  : >"$results"
  for t in "$@"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
    fuzz_one "$out" "$b" "$t" >>"$results" &
  done
  wait
  while IFS= read -r line; do
    case "$line" in
      ok\ *) echo "   ${line#ok }" ;;
      *) problem "$line" ;;
    esac
  done <"$results"
  for t in "$@"; do
    grep -q -E "^(ok $b $t|$b: $t): " "$results" || problem "$b: $t: the fuzzing step gave no result"
  done
}

# ---- self-test: every check must catch its broken $OUT ----------------------------------
# A break counts as caught when it adds a problem the unbroken $OUT does not have.
self_test_out() {
  local out=$1 b=$2 other=${3:-} t= d=$tmp/broken n=0 caught=0 x
  # The breaks remove or change a dictionary and options: a target that has both.
  for x in "${targets[@]}"; do
    if [ -f "$out/$x.dict" ] && [ -f "$out/$x.options" ]; then t=$x; break; fi
  done
  if [ -z "$t" ]; then
    problem "$b: self-test: no target has both a dictionary and options to break"
    return
  fi
  local cases=("no-dict" "no-options" "empty-zip" "seed-missing" "no-target"
               "extra-executable" "options-differ" "cannot-fuzz")
  [ -n "$other" ] && cases+=("wrong-sanitizer")
  local c before line new
  before=${#problems[@]}
  check_out "$out" "$b" 2>/dev/null
  local baseline=("${problems[@]:$before}")
  problems=("${problems[@]:0:$before}")
  for c in "${cases[@]}"; do
    n=$((n + 1))
    rm -rf "$d" && cp -al "$out" "$d"
    case "$c" in
      no-dict) rm "$d/$t.dict" ;;
      no-options) rm "$d/$t.options" ;;
      empty-zip) rm "$d/${t}_seed_corpus.zip"; printf 'PK\005\006%018d' 0 | tr 0 '\000' >"$d/${t}_seed_corpus.zip" ;;
      seed-missing) cp --remove-destination "$out/${t}_seed_corpus.zip" "$d/${t}_seed_corpus.zip"
                    zip -q -d "$d/${t}_seed_corpus.zip" "$(unzip -Z1 "$out/${t}_seed_corpus.zip" | head -n 1)" ;;
      no-target) rm "$d/$t" ;;
      extra-executable) cp "$out/$t" "$d/${t}_replay" ;;
      options-differ) rm "$d/$t.options"; { cat "$out/$t.options"; echo "max_len = 1"; } >"$d/$t.options" ;;
      cannot-fuzz) # passes the binary checks (it names the entry point and the sanitizer), then fails
                   rm "$d/$t"
                   printf '#!/bin/sh\n# LLVMFuzzerTestOneInput %s\nexit 1\n' \
                     "$(if [ "$b" = undefined ]; then echo __ubsan_handle_; else echo __asan_init; fi)" >"$d/$t"
                   chmod +x "$d/$t" ;;
      wrong-sanitizer) rm "$d/$t"; cp "$other/$t" "$d/$t" ;;
    esac
    before=${#problems[@]}
    check_out "$d" "$b" 2>/dev/null
    if [ "$c" = cannot-fuzz ]; then fuzz_all "$d" "$b" "$t" >/dev/null 2>&1; fi
    new=
    for line in "${problems[@]:$before}"; do
      local known=0 old
      for old in ${baseline[@]+"${baseline[@]}"}; do [ "$old" = "$line" ] && known=1; done
      if [ "$known" = 0 ]; then new=$line; break; fi
    done
    problems=("${problems[@]:0:$before}")
    if [ -n "$new" ]; then
      caught=$((caught + 1))
      echo "   self-test $c: caught: $new"
    else
      problem "self-test $c: the broken \$OUT passed the checks"
    fi
  done
  rm -rf "$d"
  echo "== self-test: $caught of $n broken \$OUT copies caught"
}

# ---- run ---------------------------------------------------------------------------------
first=
for b in $builds; do
  run_build "$b" || continue
  echo "== $b: checking \$OUT"
  before=${#problems[@]}
  check_out "$tmp/out-$b" "$b"
  if [ "$b" = standalone ]; then
    echo "== $b: replaying each target's seed corpus through the standalone engine"
  else
    echo "== $b: fuzzing each target for $secs s from its seed corpus, $jobs at a time"
  fi
  fuzz_all "$tmp/out-$b" "$b" "${targets[@]}"
  [ ${#problems[@]} -eq "$before" ] && echo "== $b: all ${#targets[@]} targets good"
  if [ "$self_test" = 1 ] && [ "$b" != standalone ]; then
    if [ -z "$first" ]; then
      first=$b
    else
      echo "== self-test on the $first build"
      self_test_out "$tmp/out-$first" "$first" "$tmp/out-$b"
      self_test=0
    fi
  fi
done
if [ "$self_test" = 1 ] && [ -n "$first" ]; then
  echo "== self-test on the $first build"
  self_test_out "$tmp/out-$first" "$first"
fi

if [ ${#problems[@]} -gt 0 ]; then
  echo "check-oss-fuzz.sh: ${#problems[@]} problem(s):" >&2
  printf '  %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "check-oss-fuzz.sh: OSS-Fuzz build OK for: $builds"
