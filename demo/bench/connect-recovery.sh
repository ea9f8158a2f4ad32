#!/usr/bin/env bash
# Connect worker recovery: a worker process (Kafka's ConnectDistributed from the full
# distribution's jars) running the S3 sink against a real broker process, SIGKILLed and started
# again at once while verdicts keep coming; per variant of the connector's consumer settings, the
# seconds from each restart to the sink's first new object.
# Usage: demo/bench/connect-recovery.sh [kills per variant] [variants...]
#   variants: shipped (connectors/config: the sink's consumer session 10 s), consumer-defaults
#   (the consumer's own 45 s)
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./mvnw -q -o -pl demo -am package -DskipTests >/dev/null
./mvnw -q -o -pl demo dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" \
  -Dmdep.includeScope=test >/dev/null
kills=${1:-3}
shift $(( $# < 1 ? $# : 1 ))
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(consumer-defaults shipped)
cd demo
java -Xmx1g -Dlog4j2.configurationFile="$PWD/../streams/src/dist/conf/log4j2.xml" \
  -cp "target/classes:target/test-classes:$(cat "$work/cp.txt")" \
  dev.deepscreen.demo.chaos.ConnectRecoveryBenchmark "$kills" \
  "$(ls -d target/deepscreen-*/ | head -1)" "${variants[@]}" 2> "$work/log" \
  || { tail -40 "$work/log"; exit 1; }
