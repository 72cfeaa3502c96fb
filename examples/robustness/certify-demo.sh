#!/usr/bin/env bash
# Certifies the bundled example model by randomized smoothing (see docs/robustness.md,
# "Certified robustness"), with a small n so that it runs in seconds. $RAMPART is the built
# executable (make demo sets it).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RAMPART=${RAMPART:-rampart}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "\$ rampart robustness certify --model digits_cnn.onnx --data blobs_x.npy --labels blobs_y.npy \\"
echo "    --sigma 0.25 --n0 100 --n 2000 --radii 0,0.25,0.5,0.75 --seed 1 --format markdown"
"$RAMPART" robustness certify --model "$here/digits_cnn.onnx" --data "$here/blobs_x.npy" \
  --labels "$here/blobs_y.npy" --sigma 0.25 --n0 100 --n 2000 --radii 0,0.25,0.5,0.75 --seed 1 \
  --format markdown

echo
echo "\$ rampart robustness certify ... --min-certified-accuracy 0.9@0.5 --format junit --output certify.xml"
status=0
"$RAMPART" --quiet robustness certify --model "$here/digits_cnn.onnx" --data "$here/blobs_x.npy" \
  --labels "$here/blobs_y.npy" --sigma 0.25 --n0 100 --n 2000 --seed 1 \
  --min-certified-accuracy 0.9@0.5 --format junit --output "$out/certify.xml" || status=$?
echo "exit code: $status (1 = the certified accuracy at radius 0.5 is below 90%)"
grep -c "<testcase" "$out/certify.xml" | sed 's/^/test cases: /'
