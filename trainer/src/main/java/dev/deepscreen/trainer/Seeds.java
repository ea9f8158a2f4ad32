package dev.deepscreen.trainer;

import java.util.SplittableRandom;

/**
 * Derives independent random streams from one user seed and the coordinates of what is being
 * made (a clip, an epoch, a sample), so that each result depends only on the seed and its own
 * coordinates: the same seed gives the same data set and the same training run, in any order
 * and after a resume.
 */
public final class Seeds {
  private Seeds() {}

  /** A seed mixed from {@code seed} and {@code parts} with SplitMix64's finaliser. */
  public static long mix(long seed, long... parts) {
    long h = finalise(seed ^ 0x9E3779B97F4A7C15L);
    for (long part : parts) {
      h = finalise(h + 0x9E3779B97F4A7C15L + part);
    }
    return h;
  }

  /** A generator for the stream at {@code parts}. */
  public static SplittableRandom random(long seed, long... parts) {
    return new SplittableRandom(mix(seed, parts));
  }

  private static long finalise(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
