package dev.deepscreen.trainer.train;

import java.util.Locale;

/** How the weights are updated from their gradients. */
public enum Optimizer {
  /** SGD with Nesterov momentum, as the reference solution trained. */
  SGD,
  /** Adam (Kingma and Ba), with beta1 0.9, beta2 0.999 and epsilon 1e-7. */
  ADAM;

  /** Parses {@code sgd} or {@code adam}, any case. */
  public static Optimizer parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Unknown optimizer '" + value + "'; use sgd or adam");
    }
  }
}
