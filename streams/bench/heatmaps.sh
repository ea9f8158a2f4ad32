#!/usr/bin/env bash
# What heatmaps cost the scoring pass: crops per second with and without them in the same run,
# interleaved, for the models over prepared tensors and for the stage's scorer without Kafka.
# Usage: streams/bench/heatmaps.sh [ensemble dir|builtin] [rounds] [seconds per round] [batch sizes...]
set -euo pipefail
cd "$(dirname "$0")/../.."
ensemble=${1:-builtin}
[ "$ensemble" = builtin ] || ensemble=$(realpath "$ensemble")
rounds=${2:-6}
seconds=${3:-2}
shift $(( $# < 3 ? $# : 3 ))
batches=("$@")
[ ${#batches[@]} -gt 0 ] || batches=(1 8 32)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One invocation, so that the sibling modules resolve to their build folders.
./mvnw -q -o -pl streams -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$work/cp.txt" >/dev/null
export TF_CPP_MIN_LOG_LEVEL=1
# From the module folder: the test photos are found relative to it.
cd streams
java -Xmx2g -cp "target/classes:target/test-classes:$(cat "$work/cp.txt")" \
  dev.deepscreen.streams.bench.HeatmapBenchmark "$ensemble" "$rounds" "$seconds" "${batches[@]}" \
  2> "$work/log" || { tail -50 "$work/log"; exit 1; }
