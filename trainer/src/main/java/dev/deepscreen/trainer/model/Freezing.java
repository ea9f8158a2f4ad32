package dev.deepscreen.trainer.model;

import java.util.Locale;
import java.util.function.Predicate;

/**
 * Which parameters of an EfficientNet keep their values while the rest trains: transfer
 * learning from pretrained weights, where the early layers' generic features are kept and only
 * the later blocks and the head adapt. Parts are frozen in order, from the input: {@code stem},
 * {@code block1} to {@code block7} (a stage of MBConv blocks each), {@code top} (the head
 * convolution). The one-logit layer always trains.
 *
 * <p>A frozen layer is frozen whole: its weights get no updates and its batch norm keeps
 * normalising with its moving averages in training, which it does not update either (as Keras
 * freezes a layer), so the features the later layers learn on do not drift.
 */
public final class Freezing implements Predicate<String> {

  /** Nothing frozen. */
  public static final Freezing NONE = new Freezing(-1, null);

  private static final int TOP = 8;

  private final int lastFrozen;
  private final String until;

  private Freezing(int lastFrozen, String until) {
    this.lastFrozen = lastFrozen;
    this.until = until;
  }

  /**
   * Freezing of {@code architecture} up to and including the part {@code until}.
   *
   * @throws IllegalArgumentException if the architecture is not an EfficientNet or the part is
   *     not one of stem, block1..block7, top
   */
  public static Freezing of(Architecture architecture, String until) {
    if (!architecture.isEfficientNet()) {
      throw new IllegalArgumentException("Freezing is for EfficientNets, not " + architecture.id());
    }
    String part = until.trim().toLowerCase(Locale.ROOT);
    int index = part.equals("stem") ? 0 : part.equals("top") ? TOP
        : part.matches("block[1-7]") ? part.charAt(5) - '0' : -1;
    if (index < 0) {
      throw new IllegalArgumentException("Freeze until stem, block1 .. block7 or top, not '"
          + until + "'");
    }
    return new Freezing(index, part);
  }

  /** Whether the parameter or layer {@code name} (as {@code block3b_bn/gamma}) is frozen. */
  @Override
  public boolean test(String name) {
    if (lastFrozen < 0) {
      return false;
    }
    int part;
    if (name.startsWith("stem_")) {
      part = 0;
    } else if (name.startsWith("block") && name.length() > 5
        && Character.isDigit(name.charAt(5))) {
      part = name.charAt(5) - '0';
    } else if (name.startsWith("top_")) {
      part = TOP;
    } else {
      return false;
    }
    return part <= lastFrozen;
  }

  @Override
  public String toString() {
    return until == null ? "nothing frozen" : "frozen up to " + until;
  }
}
