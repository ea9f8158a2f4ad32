#!/usr/bin/env bash
# Sampling benchmark: ms per 10-second clip to sample 32 frames, for this project's decoder, the
# reference solution's OpenCV reader, and the ffmpeg CLI selecting the same 32 frames.
# Needs Debian's ffmpeg and python3-opencv: apt-get install -y ffmpeg python3-opencv
# Usage: streams/bench/sampling.sh [runs] [decoder threads]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
threads=${2:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One invocation, so that the sibling modules resolve to their build folders.
./mvnw -q -o -pl streams -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$work/cp.txt" >/dev/null
photo=streams/target/classes/dev/deepscreen/streams/photos/sample5.jpg

clips=()
for size in 640x360 1280x720 1920x1080; do
  clip="$work/clip-$size.mp4"
  # Ten seconds at 30 fps of a slow zoom over a real group photo, x264 with its default B-frames.
  ffmpeg -loglevel error -y -loop 1 -i "$photo" -t 10 -r 30 \
    -vf "scale=${size%x*}*2:-2,zoompan=z='1+0.001*on':d=300:s=$size:fps=30" \
    -c:v libx264 -pix_fmt yuv420p -preset veryfast "$clip"
  clips+=("$clip")
done

echo "== deepscreen (Java, FFmpeg via JavaCV, decoder threads: $threads)"
java -cp "streams/target/classes:streams/target/test-classes:$(cat "$work/cp.txt")" \
  dev.deepscreen.streams.bench.SamplingBenchmark "$runs" "$threads" "${clips[@]}"

echo "== reference reader (Python OpenCV $(/usr/bin/python3 -c 'import cv2; print(cv2.__version__)'): grab all, retrieve 32)"
for clip in "${clips[@]}"; do
  echo "$(basename "$clip") $(/usr/bin/python3 streams/bench/reference_reader.py "$clip" "$runs")"
done

echo "== ffmpeg CLI $(ffmpeg -version | head -1 | cut -d' ' -f3) selecting the same 32 frames to raw BGR"
for clip in "${clips[@]}"; do
  n=$(ffprobe -v error -count_packets -select_streams v:0 -show_entries stream=nb_read_packets \
    -of csv=p=0 "$clip")
  select=$(/usr/bin/python3 -c "import numpy as np; print('+'.join(f'eq(n\\,{i})' for i in np.linspace(0, $n - 1, 32, dtype=int)))")
  times=()
  for i in $(seq 0 "$runs"); do
    start=$(date +%s%N)
    ffmpeg -loglevel error -threads "$threads" -i "$clip" -vf "select=$select" -vsync 0 \
      -f rawvideo -pix_fmt bgr24 -y /dev/null
    end=$(date +%s%N)
    [ "$i" -gt 0 ] && times+=($(( (end - start) / 1000000 )))
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$(basename "$clip") ${median}"
done
