package dev.deepscreen.core.inference;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a model's output means, and how it becomes the one score every caller takes: the log-odds
 * that a face is fake (the logit), whose sigmoid is the probability the strategy averages.
 *
 * <ul>
 *   <li>{@link Kind#LOGIT}: one value per face, the logit itself ({@code [batch]} or {@code
 *       [batch, 1]}), as the reference's classifiers answer.
 *   <li>{@link Kind#PROBABILITY}: one value per face in [0, 1], a sigmoid inside the model; its
 *       logit is {@code log(p / (1 - p))}, infinite at 0 and 1, where the sigmoid gives back 0
 *       and 1.
 *   <li>{@link Kind#TWO_CLASS_LOGITS}: {@code [batch, 2]} logits of a softmax classifier, one of
 *       them the fake class; the softmax probability of the fake class is the sigmoid of the
 *       difference {@code fake - other}, so that difference is the logit.
 * </ul>
 *
 * @param kind the kind of output
 * @param fakeClass for two-class logits, the index of the fake class (0 or 1); else -1
 */
public record ScoreOutput(Kind kind, int fakeClass) {

  /** The kinds of output, as {@code ensemble.json}'s {@code output_kind} names them. */
  public enum Kind {
    LOGIT, PROBABILITY, TWO_CLASS_LOGITS;

    /** The manifest's spelling: {@code logit}, {@code probability}, {@code two_class_logits}. */
    public String manifestName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The kind the manifest names, or null when it names none of them. */
    public static Kind fromManifest(String name) {
      return Arrays.stream(values()).filter(k -> k.manifestName().equals(name)).findFirst()
          .orElse(null);
    }
  }

  /** A one-logit output, the default. */
  public static final ScoreOutput LOGIT = new ScoreOutput(Kind.LOGIT, -1);

  /** A probability output. */
  public static final ScoreOutput PROBABILITY = new ScoreOutput(Kind.PROBABILITY, -1);

  public ScoreOutput {
    if (kind == null) {
      throw new IllegalArgumentException("kind is required");
    }
    if (kind == Kind.TWO_CLASS_LOGITS ? fakeClass != 0 && fakeClass != 1 : fakeClass != -1) {
      throw new IllegalArgumentException("fake class " + fakeClass + " does not fit " + kind);
    }
  }

  /** Two-class logits whose class {@code fakeClass} is the fake one. */
  public static ScoreOutput twoClass(int fakeClass) {
    return new ScoreOutput(Kind.TWO_CLASS_LOGITS, fakeClass);
  }

  /** Values per face in the output: 2 for two-class logits, else 1. */
  public int width() {
    return kind == Kind.TWO_CLASS_LOGITS ? 2 : 1;
  }

  /** The output shapes this kind accepts, for messages. */
  public String expectedShapes() {
    return kind == Kind.TWO_CLASS_LOGITS ? "[batch, 2]" : "[batch] or [batch, 1]";
  }

  /** Whether an output of these dimensions (-1 where unknown) fits this kind. */
  public boolean fits(long[] dimensions) {
    if (kind == Kind.TWO_CLASS_LOGITS) {
      return dimensions.length == 2 && dimensions[1] == 2;
    }
    return dimensions.length == 1 || dimensions.length == 2 && dimensions[1] == 1;
  }

  /**
   * The logit of each face from the model's raw output, {@code batch * width()} values in
   * row-major order.
   *
   * @throws IllegalStateException if a probability is outside [0, 1]
   */
  public float[] logits(float[] raw, int batch) {
    if (raw.length != batch * width()) {
      throw new IllegalStateException("The model answered " + raw.length + " values for "
          + batch + " faces; expected " + batch * width());
    }
    float[] logits = new float[batch];
    for (int i = 0; i < batch; i++) {
      logits[i] = switch (kind) {
        case LOGIT -> raw[i];
        case PROBABILITY -> logitOf(raw[i]);
        case TWO_CLASS_LOGITS -> raw[2 * i + fakeClass] - raw[2 * i + 1 - fakeClass];
      };
    }
    return logits;
  }

  private static float logitOf(float probability) {
    if (Float.isNaN(probability)) {
      return Float.NaN;
    }
    if (probability < 0 || probability > 1) {
      throw new IllegalStateException("The model answered the probability " + probability
          + ", outside [0, 1]");
    }
    double p = probability;
    return (float) (Math.log(p) - Math.log1p(-p));
  }

  /** The logistic function, stable for large logits of either sign; 0 and 1 at the infinities. */
  public static double probability(float logit) {
    return logit >= 0 ? 1 / (1 + Math.exp(-logit)) : Math.exp(logit) / (1 + Math.exp(logit));
  }

  @Override
  public String toString() {
    return kind.manifestName() + (kind == Kind.TWO_CLASS_LOGITS ? " (fake class " + fakeClass
        + ")" : "");
  }
}
