#!/bin/sh
# One training run of the trainer Job: the data under /data, the work under /work, the exported
# ensemble (ensemble.json and one SavedModel per model) in /work/ensemble for the upload step,
# the evaluation report in /work/report.
set -eu
. /etc/deepscreen/trainer/trainer.properties
version=${VERSION:-$(date -u +%Y.%m.%d-%H%M)}
deepscreen-trainer preprocess --dataset "$DATASET" --cache /work/cache \
  --crop-size "$CROP_SIZE" --threads "$PREPROCESS_THREADS"
deepscreen-trainer train --cache /work/cache --run /work/run --model "$MODEL" \
  --epochs "$EPOCHS" --batch-size "$BATCH_SIZE"
deepscreen-trainer export --run /work/run --out /work/ensemble --version "$version"
deepscreen-trainer evaluate --ensemble /work/ensemble --cache /work/cache --out /work/report
test -f /work/ensemble/ensemble.json
