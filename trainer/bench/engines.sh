#!/usr/bin/env bash
# The same B0 classifier at 380 pixels through TensorFlow Java (the checkpoint fixture imported
# into a SavedModel) and ONNX Runtime (its torch.onnx export, the fixture deepfake-b0.onnx), in
# one run: at each batch size the engines take turns call by call; crops per second of each
# engine's calls, the median call, the process's CPU time per crop, and the ratios.
# Usage: trainer/bench/engines.sh [seconds per measurement] [cpu|gpu] [intra-op threads, 0:
#        each engine's default] [batch sizes...]
# GPU: build with -Pgpu first (./mvnw -Pgpu ...), on a host with CUDA 12 and cuDNN 9.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
device=${2:-cpu}
threads=${3:-0}
shift 3 || shift $# || true
batches=("$@")
[ ${#batches[@]} -gt 0 ] || batches=(1 8 32)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
profile=()
[ "$device" = gpu ] && profile=(-Pgpu)
# One invocation, so that the sibling modules resolve to their build folders.
./mvnw -q -o "${profile[@]}" -pl trainer -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
TF_CPP_MIN_LOG_LEVEL=1 java -cp "trainer/target/classes:trainer/target/test-classes:$(cat "$work/cp.txt")" \
  dev.deepscreen.trainer.bench.EngineBenchmark "$seconds" "$device" "$threads" "${batches[@]}"
