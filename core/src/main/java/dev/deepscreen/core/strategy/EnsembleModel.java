package dev.deepscreen.core.strategy;

import java.util.List;
import java.util.Objects;

/**
 * A model of the ensemble as the strategy sees it: its name and its weight in the ensemble mean,
 * both from the ensemble manifest.
 *
 * @param name the model's name
 * @param weight its weight in the ensemble mean, positive and finite
 */
public record EnsembleModel(String name, double weight) {
  public EnsembleModel {
    Objects.requireNonNull(name, "name");
    // A zero, negative, infinite or NaN weight would make the weighted mean meaningless or NaN.
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("the weight of model " + name
          + " must be positive and finite: " + weight);
    }
  }

  /**
   * The weighted mean of one value per model: {@code sum(w_m * values[m]) / sum(w_m)}. With
   * every weight equal it is the plain mean.
   *
   * @param models the models, in the values' order
   * @param values one value per model
   * @throws IllegalArgumentException if there is no model, the counts differ, or the weights'
   *     sum overflows
   */
  public static double weightedMean(List<EnsembleModel> models, double[] values) {
    if (models.isEmpty()) {
      throw new IllegalArgumentException("no model: the ensemble needs at least one");
    }
    if (values.length != models.size()) {
      throw new IllegalArgumentException(values.length + " values for " + models.size()
          + " models " + models);
    }
    double weighted = 0;
    double weights = 0;
    for (int m = 0; m < values.length; m++) {
      double weight = models.get(m).weight();
      weighted += weight * values[m];
      weights += weight;
    }
    if (Double.isInfinite(weights)) {
      throw new IllegalArgumentException("the models' weights add up to more than a double holds: "
          + models);
    }
    return weighted / weights;
  }

  /** The name and the weight, as messages and verdict reasons show the model. */
  @Override
  public String toString() {
    return name + " (weight " + weight + ")";
  }
}
