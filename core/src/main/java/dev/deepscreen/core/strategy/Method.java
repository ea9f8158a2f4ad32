package dev.deepscreen.core.strategy;

/** How an ensemble's face probabilities become one probability per video. */
public enum Method {
  /**
   * {@link ConfidentStrategy} per model over all faces, then the weighted mean over models (the
   * reference, whose models all weigh the same).
   */
  CONFIDENT,
  /** The mean per model, then the weighted mean over models. */
  MEAN,
  /**
   * {@link ConfidentStrategy} per model within each person track (faces without a track form one
   * group), the weighted mean over models per track; the most suspicious track decides, so one
   * manipulated person among several real ones is not averaged away.
   */
  PER_TRACK
}
