#!/usr/bin/env bash
# The reference's classifier at 380 pixels, faces per second at batch 1 and 8, two ways in one
# run: imported by `deepscreen-trainer import` and run by our scoring stage (streams/bench/
# scoring.sh: the bare SavedModel, the stage's scorer without Kafka, the stage on a broker), and
# in PyTorch on the CPU (trainer/bench/pytorch_efficientnet.py, with glibc's default allocator
# and with one tuned to keep freed memory). B7: DeepFakeClassifier(tf_efficientnet_b7_ns) with
# random weights of the real shapes; B0: the committed B0 fixture.
# Needs Debian's python3-torch (/usr/bin/python3) and a build: ./mvnw -q -DskipTests install
# Usage: trainer/bench/reference-classifier.sh [seconds per loop] [models: b0 b7]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-30}
shift || true
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(b0 b7)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trainer=$(ls -d trainer/target/deepscreen-trainer-*/ | head -1)bin/deepscreen-trainer
python=/usr/bin/python3
threads=$(nproc)

for model in "${models[@]}"; do
  if [ "$model" = b0 ]; then
    checkpoint=trainer/src/test/resources/dev/deepscreen/trainer/pretrained/deepfake-b0-legacy.pth
  else
    checkpoint=$work/$model.pth
    $python trainer/bench/pytorch_efficientnet.py --models '' --save-legacy "$checkpoint" >/dev/null
  fi
  start=$(date +%s.%N)
  "$trainer" import --out "$work/$model" --version "bench-$model" --name "$model" "$checkpoint" >/dev/null
  echo "import $model: $(echo "$(date +%s.%N) - $start" | bc) s, $(du -sm "$work/$model" | cut -f1) MB ensemble"
  rm -f "$work/$model.pth"
  for malloc in default tuned; do
    $python trainer/bench/pytorch_efficientnet.py --models "$model" --batches 1,8 \
      --threads "$threads" --malloc "$malloc"
  done
  streams/bench/scoring.sh "$work/$model" 16 "$seconds" 1 8
done
