#!/usr/bin/env bash
# Runs every benchmark program of a build directory and writes JSON results beside the text.
#   usage: benchmarks/run.sh BUILD_DIR   (make bench uses the release preset)
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR}
mkdir -p "$build/benchmark-results"
for bench in "$build"/benchmarks/*_bench; do
  [[ -x "$bench" ]] || continue
  name=$(basename "$bench")
  echo "== $name"
  "$bench" --benchmark_out="$build/benchmark-results/$name.json" --benchmark_out_format=json
done
