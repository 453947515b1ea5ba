#!/usr/bin/env bash
# Usage: fuzz/replay_print_to_test.sh REPLAY_BINARY BINARY_INPUT
# CTest replay_print_to: `<target>_replay --print-to DIR @LIST` (what scripts/godiff.sh
# runs) writes DIR/<k>.trace for the k-th listed input: a comment naming the input, then
# the binary input printed exactly as --print prints it, or a text input's bytes as they
# are (NUL bytes included: a malformed text input must reach both sides of godiff intact).
set -euo pipefail
replay=$1 binary=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "replay_print_to: $*" >&2; exit 1; }

header='gomap-trace v1 key=int64 value=int64 map=make(0) hasher=default seed=1'
printf '%s\nset 0 1\0set 2 3\n' "$header" >"$tmp/text-with-nul"
printf '%s\n' "$binary" "$tmp/text-with-nul" >"$tmp/list"
"$replay" --print-to "$tmp/out" "@$tmp/list" || fail "exit status $?"

{ printf '# %s --print %s\n' "$(basename "$replay")" "$binary"; "$replay" --print "$binary"; } \
  >"$tmp/want0"
cmp "$tmp/want0" "$tmp/out/0.trace" || fail "0.trace is not the header and --print's text"
{ printf '# %s --print %s\n' "$(basename "$replay")" "$tmp/text-with-nul"
  cat "$tmp/text-with-nul"; } >"$tmp/want1"
cmp "$tmp/want1" "$tmp/out/1.trace" || fail "1.trace is not the header and the text input's bytes"
[ ! -e "$tmp/out/2.trace" ] || fail "more outputs than inputs"
echo "replay_print_to: OK"
