package dev.deepscreen.core.strategy;

/**
 * The DFDC winning solution's {@code confident_strategy}, literally:
 *
 * <pre>
 * def confident_strategy(pred, t=0.8):
 *     pred = np.array(pred)
 *     sz = len(pred)
 *     fakes = np.count_nonzero(pred &gt; t)
 *     if fakes &gt; sz // 2.5 and fakes &gt; 11:
 *         return np.mean(pred[pred &gt; t])
 *     elif np.count_nonzero(pred &lt; 0.2) &gt; 0.9 * sz:
 *         return np.mean(pred[pred &lt; 0.2])
 *     else:
 *         return np.mean(pred)
 * </pre>
 *
 * Every comparison is strict, as there. Means are float64 sums divided by the count; numpy sums
 * pairwise, so the last bits may differ (well within 1e-12 for probabilities).
 */
public final class ConfidentStrategy {

  /** The reference's threshold above which a face counts as confidently fake. */
  public static final double DEFAULT_THRESHOLD = 0.8;
  /** The reference's fixed bound below which a face counts as confidently real. */
  public static final double REAL_BOUND = 0.2;
  /** The reference's minimum number of confidently fake faces, exclusive. */
  public static final int MIN_FAKES_EXCLUSIVE = 11;

  private ConfidentStrategy() {}

  /**
   * Applies the strategy with threshold {@code t}.
   *
   * @throws IllegalArgumentException if {@code pred} is empty (numpy would answer NaN with a
   *     warning; a video without scored faces gets its verdict from its status instead)
   */
  public static StrategyResult apply(double[] pred, double t) {
    int sz = checkNotEmpty(pred);
    int fakes = 0;
    double fakeSum = 0;
    int reals = 0;
    double realSum = 0;
    double sum = 0;
    for (double p : pred) {
      sum += p;
      if (p > t) {
        fakes++;
        fakeSum += p;
      }
      if (p < REAL_BOUND) {
        reals++;
        realSum += p;
      }
    }
    if (fakes > pythonFloorDiv(sz, 2.5) && fakes > MIN_FAKES_EXCLUSIVE) {
      return new StrategyResult(fakeSum / fakes, Branch.CONFIDENT_FAKE, sz);
    }
    if (reals > 0.9 * sz) {
      return new StrategyResult(realSum / reals, Branch.CONFIDENT_REAL, sz);
    }
    return new StrategyResult(sum / sz, Branch.MEAN_OF_ALL, sz);
  }

  /** The plain mean, reported as {@link Branch#MEAN_OF_ALL}. */
  public static StrategyResult mean(double[] pred) {
    int sz = checkNotEmpty(pred);
    double sum = 0;
    for (double p : pred) {
      sum += p;
    }
    return new StrategyResult(sum / sz, Branch.MEAN_OF_ALL, sz);
  }

  /**
   * Python's {@code a // b} for floats ({@code float_floor_div} in CPython): the floor of the
   * quotient computed from {@code fmod}, so that {@code 32 // 2.5 == 12.0} and results match
   * Python's even where {@code Math.floor(a / b)} could round differently.
   */
  static double pythonFloorDiv(double a, double b) {
    double mod = a % b; // Java's % on doubles is C's fmod
    double div = (a - mod) / b;
    if (mod != 0 && (b < 0) != (mod < 0)) {
      div -= 1.0;
    }
    if (div == 0) {
      return Math.copySign(0.0, a / b);
    }
    double floor = Math.floor(div);
    return div - floor > 0.5 ? floor + 1.0 : floor;
  }

  private static int checkNotEmpty(double[] pred) {
    if (pred.length == 0) {
      throw new IllegalArgumentException("no face probabilities: the strategy needs at least one");
    }
    return pred.length;
  }
}
