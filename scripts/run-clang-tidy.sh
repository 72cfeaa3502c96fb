#!/usr/bin/env bash
# clang-tidy over the project's library and CLI sources (not tests or benchmarks), with the
# compile commands of a configured build directory. Fails on any warning (.clang-tidy makes
# every warning an error).   usage: scripts/run-clang-tidy.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: run-clang-tidy.sh BUILD_DIR}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mapfile -t files < <(git ls-files 'common/src/*.cpp' 'privacy/src/*.cpp' 'robustness/src/*.cpp' \
                                  'compliance/src/*.cpp' 'cli/*.cpp')
[[ ${#files[@]} -gt 0 ]] || { echo "run-clang-tidy: no sources"; exit 0; }
jobs=$(nproc)
printf '%s\n' "${files[@]}" |
  xargs -P "$jobs" -n 4 clang-tidy -p "$build" --quiet 2> >(grep -v 'warnings generated' >&2)
echo "clang-tidy: ${#files[@]} files clean"
