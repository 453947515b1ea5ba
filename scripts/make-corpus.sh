#!/usr/bin/env bash
# Usage: scripts/make-corpus.sh [--check] [--build-dir DIR] [--no-build] [TARGET...]
# Turns the readable seeds corpus/seeds/<target>/<name>.trace into the binary corpus files
# corpus/<target>/seed-<name> (text_fuzzer takes text, so its seeds are copied as they
# are). Each encoded seed must mean the same trace to its target as the text does (a
# target may force key type, value type, hasher or a nil map on binary inputs); a seed
# that does not is an error. A seed with a `# text-only: <why>` line reaches what no
# binary trace can (a hint over 32767, say): it is copied as corpus/<target>/seed-<name>.trace
# and replayed as text by the corpus replay (libFuzzer, fuzzing, reads every input as
# binary, so to it this seed is just bytes).
# seed-* files without a .trace are removed. Other corpus files (libFuzzer's, named by
# SHA-1, from scripts/merge.sh) are left alone.
#   --check       change nothing; exit 1 if any corpus/<target>/seed-* is missing, stale
#                 or orphaned (CTest corpus_seeds_encoded runs this)
#   --build-dir   the build tree holding fuzz/gomap-trace and fuzz/<target>_replay
#                 (default build/release, configured and built as needed)
#   --no-build    use the binaries in the build tree as they are
# Next after a failure: fix the named seed (scripts/repro.sh --target <t> <seed>.trace
# runs it), or run without --check to regenerate, then review `git status corpus/`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

check=0 build=1 bdir=build/release
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1; shift ;;
    --build-dir) bdir=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "make-corpus.sh: unknown flag $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  for d in corpus/seeds/*/; do targets+=("$(basename "$d")"); done
fi

if [ "$build" = 1 ]; then
  scripts/deps.sh
  if [ ! -f "$bdir/CMakeCache.txt" ]; then
    if [ "$bdir" = build/release ]; then
      cmake --preset release >/dev/null
    else
      echo "make-corpus.sh: $bdir is not a configured build tree" >&2; exit 2
    fi
  fi
  cmake --build "$bdir" -j "$(nproc)" --target gomap_trace_tool \
    $(printf '%s_replay ' "${targets[@]}") >/dev/null
fi
tool=$bdir/fuzz/gomap-trace
[ -x "$tool" ] || { echo "make-corpus.sh: $tool not built" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0 changed=0
for t in "${targets[@]}"; do
  seeds=corpus/seeds/$t
  [ -d "$seeds" ] || { echo "make-corpus.sh: no seeds in $seeds" >&2; exit 2; }
  replay=$bdir/fuzz/${t}_replay
  [ -x "$replay" ] || { echo "make-corpus.sh: $replay not built" >&2; exit 2; }
  mkdir -p "corpus/$t"
  for src in "$seeds"/*.trace; do
    name=$(basename "$src" .trace)
    out=corpus/$t/seed-$name
    if [ "$t" = text_fuzzer ]; then
      cp "$src" "$tmp/enc"
    elif grep -q '^# text-only: ' "$src"; then
      out=$out.trace
      "$replay" --print "$src" >/dev/null 2>"$tmp/err" || { head -n 1 "$tmp/err" >&2; bad=1; continue; }
      cp "$src" "$tmp/enc"
    else
      "$tool" encode "$src" "$tmp/enc" || { bad=1; continue; }
      # The target must read the bytes as the trace the text spells out.
      "$replay" --print "$src" >"$tmp/want" 2>&1 || { cat "$tmp/want" >&2; bad=1; continue; }
      "$replay" --print "$tmp/enc" >"$tmp/got" 2>&1
      if ! cmp -s "$tmp/want" "$tmp/got"; then
        echo "$src: $t reads the encoded seed as a different trace (it forces the key type," \
             "value type, hasher or a nil map); fix the header" >&2
        diff "$tmp/want" "$tmp/got" | head -n 5 >&2 || true
        bad=1
        continue
      fi
    fi
    if ! cmp -s "$tmp/enc" "$out"; then
      if [ "$check" = 1 ]; then
        echo "$out: missing or stale (regenerate with scripts/make-corpus.sh $t)" >&2
        bad=1
      else
        cp "$tmp/enc" "$out"
        echo "wrote $out"
        changed=$((changed + 1))
      fi
    fi
  done
  for f in corpus/"$t"/seed-*; do
    [ -e "$f" ] || continue
    [ -f "$seeds/$(basename "$f" .trace | sed 's/^seed-//').trace" ] && continue
    if [ "$check" = 1 ]; then
      echo "$f: no corpus/seeds/$t/*.trace for it (regenerate with scripts/make-corpus.sh $t)" >&2
      bad=1
    else
      rm -f "$f"
      echo "removed $f"
      changed=$((changed + 1))
    fi
  done
done
[ "$bad" = 0 ] || exit 1
if [ "$check" = 1 ]; then
  echo "make-corpus.sh: corpus/<target>/seed-* match corpus/seeds/ (${targets[*]})"
else
  echo "make-corpus.sh: $changed file(s) changed"
fi
