#!/usr/bin/env bash
# Audits the bundled example model against FGSM and PGD (see docs/robustness.md, "Attacks and
# audits"). $RAMPART is the built executable (make demo sets it).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RAMPART=${RAMPART:-rampart}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "\$ rampart robustness audit --model digits_cnn.onnx --data blobs_x.npy --labels blobs_y.npy \\"
echo "    --attack fgsm,pgd --norm linf --eps 0.05,0.1,0.2 --steps 20 --seed 1 --format markdown"
"$RAMPART" robustness audit --model "$here/digits_cnn.onnx" --data "$here/blobs_x.npy" \
  --labels "$here/blobs_y.npy" --attack fgsm,pgd --norm linf --eps 0.05,0.1,0.2 --steps 20 \
  --seed 1 --format markdown

echo
echo "\$ rampart robustness audit ... --min-robust-accuracy 0.9 --format junit --output audit.xml"
status=0
"$RAMPART" robustness audit --model "$here/digits_cnn.onnx" --data "$here/blobs_x.npy" \
  --labels "$here/blobs_y.npy" --attack fgsm,pgd --eps 0.05,0.1,0.2 --steps 20 --seed 1 \
  --min-robust-accuracy 0.9 --format junit --output "$out/audit.xml" || status=$?
echo "exit code: $status (1 = a robust accuracy is below the gate)"
grep -c "<testcase" "$out/audit.xml" | sed 's/^/test cases: /'

echo
echo "\$ rampart robustness audit ... --attack pgd,apgd-ce,apgd-dlr,ensemble --minimal-perturbation apgd-ce"
"$RAMPART" robustness audit --model "$here/digits_cnn.onnx" --data "$here/blobs_x.npy" \
  --labels "$here/blobs_y.npy" --attack pgd,apgd-ce,apgd-dlr,ensemble --eps 0.05,0.1,0.2 \
  --steps 20 --seed 1 --minimal-perturbation apgd-ce --format markdown

echo
echo "\$ rampart robustness audit ... --shard I/2 --output shardI.json   (I = 1, 2)"
echo "\$ rampart robustness merge shard1.json shard2.json --format json"
for shard in 1 2; do
  "$RAMPART" robustness audit --model "$here/digits_cnn.onnx" --data "$here/blobs_x.npy" \
    --labels "$here/blobs_y.npy" --attack fgsm,pgd --eps 0.05,0.1,0.2 --steps 20 --seed 1 \
    --shard "$shard/2" --output "$out/shard$shard.json" 2>/dev/null
done
"$RAMPART" robustness merge "$out/shard1.json" "$out/shard2.json" --output "$out/merged.json" \
  2>/dev/null
"$RAMPART" robustness audit --model "$here/digits_cnn.onnx" --data "$here/blobs_x.npy" \
  --labels "$here/blobs_y.npy" --attack fgsm,pgd --eps 0.05,0.1,0.2 --steps 20 --seed 1 \
  --output "$out/whole.json" 2>/dev/null
if cmp -s "$out/merged.json" "$out/whole.json"; then
  echo "merged report == unsharded report"
else
  echo "merged report differs from the unsharded report" >&2
  exit 1
fi
