#!/usr/bin/env bash
# Scoring benchmark: crops per second at several batch sizes, for a bare loop over the
# SavedModels and for the scoring stage on an in-process broker, in the same run.
# Usage: streams/bench/scoring.sh [ensemble dir|builtin] [crops per stream run] [bare seconds] [batch sizes...]
set -euo pipefail
cd "$(dirname "$0")/../.."
ensemble=${1:-builtin}
[ "$ensemble" = builtin ] || ensemble=$(realpath "$ensemble")
crops=${2:-640}
seconds=${3:-10}
shift $(( $# < 3 ? $# : 3 ))
batches=("$@")
[ ${#batches[@]} -gt 0 ] || batches=(1 8 32 64)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One invocation, so that the sibling modules resolve to their build folders.
./mvnw -q -o -pl streams -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$work/cp.txt" >/dev/null
export TF_CPP_MIN_LOG_LEVEL=1
# From the module folder: the test photos are found relative to it.
cd streams
java -Xmx2g -cp "target/classes:target/test-classes:$(cat "$work/cp.txt")" \
  dev.deepscreen.streams.bench.ScoringBenchmark "$ensemble" "$crops" "$seconds" "${batches[@]}" \
  2> "$work/log" || { tail -50 "$work/log"; exit 1; }
