#!/usr/bin/env bash
# Runs the ONNX runtime on the bundled model and data (see README.md). $RAMPART is the built
# executable (make demo sets it).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RAMPART=${RAMPART:-rampart}

echo "\$ rampart robustness predict --model digits_cnn.onnx --data blobs_x.npy --labels blobs_y.npy"
"$RAMPART" robustness predict --model "$here/digits_cnn.onnx" --data "$here/blobs_x.npy" \
  --labels "$here/blobs_y.npy" | grep -E '"(samples|accuracy)"'
echo
echo "\$ rampart robustness predict --model digits_cnn.onnx --data blobs.csv --format csv | head -5"
"$RAMPART" robustness predict --model "$here/digits_cnn.onnx" --data "$here/blobs.csv" \
  --format csv | head -5
echo
"$here/audit-demo.sh"
echo
"$here/certify-demo.sh"
