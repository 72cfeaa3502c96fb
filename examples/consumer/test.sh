#!/usr/bin/env bash
# Installs rampart from a build directory into a fresh prefix, then configures, builds and runs
# this outside project against it with find_package(rampart).
#   usage: test.sh RAMPART_BUILD_DIR WORK_DIR
set -euo pipefail
build=${1:?}; work=${2:?}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rm -rf "$work"; mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$here" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release
cmake --build "$work/build"
out=$("$work/build/consumer" "$here/data.csv")
echo "$out"
grep -q '| gaussian | 1 | 1e-05 |' <<<"$out"
# The installed executable runs too.
"$work/prefix/bin/rampart" --version
