#!/usr/bin/env bash
# Trains the default ensemble that the demo and the scoring stage load when no other is set:
# a demonstration model trained on synthetic data (made from the face photos the build fetches),
# not a detector of real deepfakes. Writes it to
# core/src/main/resources/dev/deepscreen/core/ensembles/default/ and prints the time of
# each step. Usage: trainer/scripts/train-default-ensemble.sh [work folder]
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${1:-$(mktemp -d)}
mkdir -p "$work"
seed=7
target=core/src/main/resources/dev/deepscreen/core/ensembles/default

./mvnw -q -pl trainer -am -DskipTests package
trainer=(trainer/target/deepscreen-trainer-*/bin/deepscreen-trainer)
export TF_CPP_MIN_LOG_LEVEL=2

step() {
  local name=$1
  shift
  local start
  start=$(date +%s)
  "$@"
  echo "== $name: $(( $(date +%s) - start )) s"
}

all=$(date +%s)
step synth "${trainer[0]}" synth --out "$work/synth" --seed "$seed"
step preprocess "${trainer[0]}" preprocess --dataset "$work/synth" --cache "$work/cache" \
  --frames 8 --threads 2
step train "${trainer[0]}" train --cache "$work/cache" --run "$work/small-synth" \
  --model small --input-size 128 --epochs 80 --optimizer adam --lr 0.001 --self-blend --balance \
  --no-augment \
  --patience 0 --folds 5 --fold 0 --seed "$seed" --threads 2
step export "${trainer[0]}" export --run "$work/small-synth" --out "$work/ensemble" \
  --version "demo-synth-$seed"
step evaluate "${trainer[0]}" evaluate --ensemble "$work/ensemble" --cache "$work/cache" \
  --out "$work/report"
echo "== total: $(( $(date +%s) - all )) s"

rm -rf "$target"
mkdir -p "$(dirname "$target")"
cp -r "$work/ensemble" "$target"
{
  echo "Demonstration model, trained by trainer/scripts/train-default-ensemble.sh on synthetic"
  echo "data made from six group photos (22 people): not a detector of real deepfakes. Below, its"
  echo "evaluation on the test split: the clips of two photos whose people it never saw."
  echo
  cat "$work/report/report.md"
} > "$target/EVALUATION.md"
cp "$work/report/roc.png" "$target/roc.png"
du -sh "$target"
