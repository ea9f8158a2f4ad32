#!/bin/sh
# One training run of the trainer Job: the data under /data, the work under /work, the exported
# ensemble (ensemble.json and one SavedModel per model) in /work/ensemble for the upload step.
set -eu
config=/etc/deepscreen/trainer/trainer.properties
deepscreen-trainer preprocess --config "$config"
deepscreen-trainer train --config "$config"
deepscreen-trainer evaluate --config "$config"
deepscreen-trainer export --config "$config" --output /work/ensemble
test -f /work/ensemble/ensemble.json
