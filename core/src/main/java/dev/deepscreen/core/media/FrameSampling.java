package dev.deepscreen.core.media;

import java.util.Arrays;

/**
 * Which frames of a video to look at: {@code count} indices spread evenly from the first frame to
 * the last, as the reference solution's {@code np.linspace(0, frame_count - 1, count,
 * dtype=int)}, which truncates toward zero. Videos shorter than {@code count} frames give each
 * frame once instead of repeating indices.
 */
public final class FrameSampling {
  private FrameSampling() {}

  /**
   * The sorted, distinct indices of the frames to keep.
   *
   * @param frameCount frames in the video, at least 0
   * @param count frames wanted, at least 1
   */
  public static int[] indices(long frameCount, int count) {
    if (frameCount < 0 || count < 1) {
      throw new IllegalArgumentException("frameCount " + frameCount + " and count " + count);
    }
    if (frameCount == 0) {
      return new int[0];
    }
    if (count == 1) {
      return new int[] {0};
    }
    long last = frameCount - 1;
    int[] indices = new int[count];
    // numpy computes start + i * step with step = (stop - start) / (num - 1) in float64.
    double step = (double) last / (count - 1);
    for (int i = 0; i < count; i++) {
      indices[i] = (int) (i == count - 1 ? last : i * step);
    }
    return Arrays.stream(indices).distinct().toArray();
  }
}
