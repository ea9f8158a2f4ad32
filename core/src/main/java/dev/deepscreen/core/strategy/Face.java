package dev.deepscreen.core.strategy;

import java.util.List;
import java.util.Objects;

/**
 * One scored face: its person track, if any, and each model's probability in the ensemble's
 * model order.
 *
 * @param trackId the person track id, or null when the face was not tracked
 * @param probabilities probability of being fake per model, in model order
 */
public record Face(Integer trackId, double[] probabilities) {
  public Face {
    // Copied so that a caller reusing its array cannot change a face after validation; the
    // accessor hands out this copy uncopied, for the strategy's inner loops: do not modify it.
    probabilities = Objects.requireNonNull(probabilities, "probabilities").clone();
    for (double p : probabilities) {
      // A NaN would silently fail every comparison of the strategy and poison every mean.
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("a probability must be in [0, 1]: " + p);
      }
    }
  }

  /**
   * The face's probability averaged over the models, weighted by their weights.
   *
   * @param models the ensemble's models with their weights, in this face's probability order
   * @throws IllegalArgumentException if the model count differs from the probability count
   */
  public double ensembleMean(List<EnsembleModel> models) {
    return EnsembleModel.weightedMean(models, probabilities);
  }
}
