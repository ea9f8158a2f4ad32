#!/usr/bin/env bash
# Scoring soak: resident memory while the scorer decodes, preprocesses and scores many crops.
# Usage: streams/bench/scoring-soak.sh [ensemble dir|builtin] [crops] [batch] [report every]
set -euo pipefail
ensemble=${1:-builtin}
[ "$ensemble" = builtin ] || ensemble=$(realpath "$ensemble")
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One invocation, so that the sibling modules resolve to their build folders.
./mvnw -q -o -pl streams -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$work/cp.txt" >/dev/null
export TF_CPP_MIN_LOG_LEVEL=1
# From the module folder: the test photos are found relative to it.
cd streams
java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -cp "target/classes:target/test-classes:$(cat "$work/cp.txt")" \
  dev.deepscreen.streams.bench.ScoringSoak "$ensemble" "${2:-100000}" "${3:-32}" "${4:-10000}"
