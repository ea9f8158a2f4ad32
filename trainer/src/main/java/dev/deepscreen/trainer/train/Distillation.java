package dev.deepscreen.trainer.train;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Knowledge distillation from a teacher: the student also learns the teacher's softened
 * probabilities, not only the labels.
 *
 * <p>For each training face (after augmentation, so the teacher sees what the student sees) the
 * teacher ensemble gives {@code p}, the weighted mean of its models' probabilities, as the
 * aggregation stream averages them. Its soft target is {@code q = sigmoid(logit(p) / T)}. The student's loss
 * on a face with logit {@code z} becomes
 * <pre>
 *   (1 - alpha) * BCE(z, smoothed label) + alpha * T^2 * KL(q || sigmoid(z / T))
 * </pre>
 * (Hinton, Vinyals and Dean, 2015, for one logit). The divergence is the soft targets'
 * cross-entropy less their entropy: the same gradients, and 0 when the student agrees with the
 * teacher, so the logged loss reads plainly. {@code T^2} keeps the soft term's gradients the
 * same size whatever the temperature. Validation still scores against the labels.
 *
 * @param teacher the teacher's ensemble folder ({@code ensemble.json} and its SavedModels, as
 *     {@code export} writes it, or any SavedModels described by such a manifest)
 * @param alpha the weight of the soft term, in (0, 1]; 1 learns from the teacher alone
 * @param temperature {@code T}, at least 1; higher softens the teacher's confident answers
 */
public record Distillation(
    @JsonProperty("teacher") String teacher,
    @JsonProperty("alpha") float alpha,
    @JsonProperty("temperature") float temperature) {

  public Distillation {
    if (teacher == null || teacher.isBlank()) {
      throw new IllegalArgumentException("Distillation needs a teacher ensemble folder");
    }
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("Expected distillation alpha in (0, 1]: " + alpha);
    }
    if (!(temperature >= 1 && temperature <= 100)) {
      throw new IllegalArgumentException("Expected distillation temperature in [1, 100]: "
          + temperature);
    }
  }
}
