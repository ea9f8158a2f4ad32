#!/usr/bin/env bash
# Case page benchmark: ms to render a review case's four frames (fetch through the extraction
# stage's file source, decode the 32 sampled frames, detect and outline the faces of four, JPEG,
# HTML) against a plain decode of the same 32 frames, taking turns (see CaseRenderBenchmark).
# Usage: streams/bench/case-render.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One invocation, so that the reactor resolves the schemas module without an install.
./mvnw -q -o -pl streams -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
cp="streams/target/test-classes:streams/target/classes:schemas/target/test-classes"
cp="$cp:schemas/target/classes:core/target/classes:$(cat "$work/cp.txt")"
java -cp "$cp" dev.deepscreen.streams.review.CaseRenderBenchmark "$rounds" 640x360 1280x720 \
  1920x1080
