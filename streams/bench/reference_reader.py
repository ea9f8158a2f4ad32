"""The DFDC winner's frame reader, as a peer for the sampling benchmark.

cv2.VideoCapture, grab() on every frame, retrieve() on the frames at
np.linspace(0, frame_count - 1, 32, dtype=int), as the reference inference did.
Prints the median wall-clock milliseconds per video over the runs, the frames read, and the
median CPU milliseconds of the process (all its threads) per video.
"""
import statistics
import sys
import time

import cv2
import numpy as np


def read_frames(path, num_frames=32):
    capture = cv2.VideoCapture(path)
    frame_count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    indices = np.linspace(0, frame_count - 1, num_frames, endpoint=True, dtype=int)
    frames = []
    next_index = 0
    for frame_index in range(indices[0], indices[-1] + 1):
        if not capture.grab():
            break
        if frame_index == indices[next_index]:
            ok, frame = capture.retrieve()
            if ok:
                frames.append(frame)
            while next_index < len(indices) - 1 and indices[next_index] == frame_index:
                next_index += 1
    capture.release()
    return frames


def main():
    path, runs = sys.argv[1], int(sys.argv[2])
    read_frames(path)  # warm-up
    times = []
    cpu_times = []
    for _ in range(runs):
        start = time.perf_counter()
        cpu_start = time.process_time()
        frames = read_frames(path)
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu_start) * 1000)
    print(f"{statistics.median(times):.1f} {len(frames)} {statistics.median(cpu_times):.1f}")


if __name__ == "__main__":
    main()
