package dev.deepscreen.streams.aggregate;

import dev.deepscreen.avro.Label;
import dev.deepscreen.avro.ModerationAction;

/**
 * Turns a video's probability into a label and a moderation action.
 *
 * <p>ALLOW below {@code allowBelow}, BLOCK above {@code blockAbove}, REVIEW in between, bounds
 * included: a probability exactly at a bound is the uncertain case a person should look at.
 * FAKE from {@code labelThreshold} up ("reaches the threshold", as the verdict schema says).
 *
 * @param allowBelow probabilities below this are allowed
 * @param blockAbove probabilities above this are blocked
 * @param labelThreshold probabilities at or above this are labelled FAKE
 */
public record ModerationPolicy(double allowBelow, double blockAbove, double labelThreshold) {

  public ModerationPolicy {
    check("allowBelow", allowBelow);
    check("blockAbove", blockAbove);
    check("labelThreshold", labelThreshold);
    if (allowBelow > blockAbove) {
      throw new IllegalArgumentException("allowBelow (" + allowBelow
          + ") must not be above blockAbove (" + blockAbove + ")");
    }
  }

  /** The action for {@code probability}. */
  public ModerationAction action(double probability) {
    if (probability < allowBelow) {
      return ModerationAction.ALLOW;
    }
    return probability > blockAbove ? ModerationAction.BLOCK : ModerationAction.REVIEW;
  }

  /** The label for {@code probability}. */
  public Label label(double probability) {
    return probability >= labelThreshold ? Label.FAKE : Label.REAL;
  }

  private static void check(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1]: " + value);
    }
  }
}
