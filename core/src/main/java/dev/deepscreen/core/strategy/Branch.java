package dev.deepscreen.core.strategy;

/** Which branch of {@link ConfidentStrategy} decided a result. */
public enum Branch {
  /** Enough faces above the threshold: their mean. */
  CONFIDENT_FAKE,
  /** More than 90% of faces below 0.2: their mean. */
  CONFIDENT_REAL,
  /** Neither: the mean of every face (also what the plain mean method reports). */
  MEAN_OF_ALL
}
