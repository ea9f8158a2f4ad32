#!/usr/bin/env bash
# Sampling benchmark: ms per 10-second clip to sample 32 frames, for this project's decoder, the
# reference solution's OpenCV reader, and the ffmpeg CLI selecting the same 32 frames, taking
# turns in each round (see SamplingBenchmark).
# Needs Debian's ffmpeg and python3-opencv: apt-get install -y ffmpeg python3-opencv
# Usage: streams/bench/sampling.sh [rounds] [decoder threads]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-7}
threads=${2:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One invocation, so that the reactor resolves the schemas module without an install.
./mvnw -q -o -pl streams -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
photo=core/target/classes/dev/deepscreen/core/photos/sample5.jpg

clips=()
for size in 640x360 1280x720 1920x1080; do
  clip="$work/clip-$size.mp4"
  # Ten seconds at 30 fps of a slow zoom over a real group photo, x264 with its default B-frames.
  ffmpeg -loglevel error -y -loop 1 -i "$photo" -t 10 -r 30 \
    -vf "scale=${size%x*}*2:-2,zoompan=z='1+0.001*on':d=300:s=$size:fps=30" \
    -c:v libx264 -pix_fmt yuv420p -preset veryfast "$clip"
  clips+=("$clip")
done

echo "deepscreen: FFmpeg 8.0.1 via JavaCV 1.5.13, decoder threads $threads;" \
  "reference: Python OpenCV $(/usr/bin/python3 -c 'import cv2; print(cv2.__version__)');" \
  "ffmpeg CLI $(ffmpeg -version | head -1 | cut -d' ' -f3), -threads $threads; $rounds rounds"
java -Dpython=/usr/bin/python3 -Dffmpeg=ffmpeg \
  -cp "streams/target/classes:streams/target/test-classes:$(cat "$work/cp.txt")" \
  dev.deepscreen.streams.bench.SamplingBenchmark "$rounds" "$threads" "${clips[@]}"
