#!/usr/bin/env bash
# Pipeline benchmark: videos per minute and event-to-verdict latency of the streaming path (the
# demo's embedded pipeline), against the offline batch path on the same clips, in one run.
# Usage: demo/bench/pipeline.sh [clips] [seconds] [width] [height] [batch parallelism] [rounds] [warm-ups]
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One invocation, so that the sibling modules resolve to their build folders.
./mvnw -q -o -pl demo -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
export TF_CPP_MIN_LOG_LEVEL=1
cd demo
java -Xmx3g ${BENCH_JAVA_OPTS:-} -Ddeepscreen.s3proxy.jar=target/s3proxy/s3proxy.jar \
  -cp "target/classes:target/test-classes:$(cat "$work/cp.txt")" \
  dev.deepscreen.demo.PipelineBenchmark "${1:-8}" "${2:-10}" "${3:-1280}" "${4:-720}" "${5:-2}" "${6:-3}" "${7:-2}" \
  2> "$work/log" | grep -v "^[0-9][0-9]:" || { tail -40 "$work/log"; exit 1; }
