package dev.deepscreen.core.inference;

import java.util.List;

/**
 * What one model answered for a batch of faces in one engine call.
 *
 * @param logits the fake-class logit per face
 * @param heatmaps one heatmap per face, in the same order; empty when the model cannot explain
 *     itself or none was asked for
 */
public record Scores(float[] logits, List<Heatmap> heatmaps) {

  public Scores {
    heatmaps = List.copyOf(heatmaps);
    if (!heatmaps.isEmpty() && heatmaps.size() != logits.length) {
      throw new IllegalArgumentException(heatmaps.size() + " heatmaps for " + logits.length
          + " logits");
    }
  }

  /** Logits without heatmaps. */
  public static Scores withoutHeatmaps(float[] logits) {
    return new Scores(logits, List.of());
  }
}
