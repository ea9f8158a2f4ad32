package dev.deepscreen.trainer.data;

/** The ground truth of a video and of every face in it. */
public enum Label {
  REAL(0f),
  FAKE(1f);

  private final float target;

  Label(float target) {
    this.target = target;
  }

  /** The training target: 0 for real, 1 for fake. */
  public float target() {
    return target;
  }

  /**
   * Parses REAL/FAKE (any case) or 0/1.
   *
   * @throws IllegalArgumentException naming the value
   */
  public static Label parse(String value) {
    return switch (value.trim().toUpperCase(java.util.Locale.ROOT)) {
      case "REAL", "0" -> REAL;
      case "FAKE", "1" -> FAKE;
      default -> throw new IllegalArgumentException("Label must be REAL, FAKE, 0 or 1: '"
          + value + "'");
    };
  }
}
