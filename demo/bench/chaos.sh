#!/usr/bin/env bash
# Recovery benchmark: the stages as separate processes (bin/deepscreen of the full distribution)
# against a real broker process, SIGKILLed at seeded random points and restarted at once, the
# broker killed and restarted once; per variant of the stages' group settings: the seconds from
# each restart to the stage's first committed output, and exactly one verdict per event.
# Usage: demo/bench/chaos.sh [clips] [stage kills] [seed] [variants...]
#   variants: dynamic (the defaults), static (group.instance.id), streams-protocol
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./mvnw -q -o -pl demo -am package -DskipTests >/dev/null
./mvnw -q -o -pl demo dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" \
  -Dmdep.includeScope=test >/dev/null
export TF_CPP_MIN_LOG_LEVEL=1
clips=${1:-40}; kills=${2:-6}; seed=${3:-1}
shift $(( $# < 3 ? $# : 3 ))
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(dynamic static streams-protocol)
cd demo
java -Xmx1g -Dlog4j2.configurationFile="$PWD/../streams/src/dist/conf/log4j2.xml" -cp "target/classes:target/test-classes:$(cat "$work/cp.txt")" \
  dev.deepscreen.demo.chaos.ChaosBenchmark "$clips" "$kills" "$seed" \
  "$(ls -d target/deepscreen-*/ | head -1)" "${variants[@]}" 2> "$work/log" \
  || { tail -40 "$work/log"; exit 1; }
