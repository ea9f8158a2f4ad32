#!/usr/bin/env bash
# Exports a freshly initialised model through the trainer's export, as an ensemble folder for
# the scoring benchmark: the real graph and size of an architecture, meaningless scores.
# Usage: trainer/bench/untrained-ensemble.sh <small|efficientnet-b0|...> <input size> <out folder>
set -euo pipefail
out=$(realpath -m "$3")
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One invocation, so that the sibling modules resolve to their build folders.
./mvnw -q -o -pl trainer -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
TF_CPP_MIN_LOG_LEVEL=1 java -cp "trainer/target/classes:trainer/target/test-classes:$(cat "$work/cp.txt")" \
  dev.deepscreen.trainer.bench.UntrainedEnsemble "$1" "$2" "$out"
