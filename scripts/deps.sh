#!/usr/bin/env bash
# Usage: scripts/deps.sh [--go] [--fuzz]
# Installs the Debian packages gomap needs when any is missing (apt-get update once, then
# one install). Every other script calls this first, so a fresh machine needs no other step.
#   --fuzz  also clang's libFuzzer/sanitizer runtimes, LLVM coverage tools and libc++ (the
#           OSS-Fuzz build check compiles against it, as OSS-Fuzz does)
#   --go    also Go 1.19 (differential runs against the real Go map, Go benchmarks)
# Next after a failure: run the printed apt-get command by hand to see apt's own error.
set -euo pipefail

pkgs=(cmake ninja-build g++ pkg-config libgtest-dev libgmock-dev librapidcheck-dev
      libxxhash-dev libabsl-dev libbenchmark-dev python3 python3-yaml zip unzip)
for arg in "$@"; do
  case "$arg" in
    --fuzz) pkgs+=(clang libclang-rt-14-dev llvm libc++-14-dev libc++abi-14-dev) ;;
    --go) pkgs+=(golang-1.19-go) ;;
    *) echo "deps.sh: unknown flag $arg" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
