package dev.deepscreen.trainer.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;

/**
 * What one epoch did, a row of the run's {@code log.csv}.
 *
 * @param epoch 1-based
 * @param steps steps taken since the start of the run
 * @param learningRate the rate of the epoch's last step
 * @param trainLoss mean loss of the epoch's steps (smoothed targets)
 * @param validationLoss log loss on the validation faces, NaN without validation
 * @param validationAuc AUC on the validation faces, NaN without validation
 * @param validationAccuracy accuracy at 0.5 on the validation faces, NaN without validation
 * @param seconds wall-clock time of the epoch, validation included
 */
public record EpochRecord(
    @JsonProperty("epoch") int epoch,
    @JsonProperty("steps") long steps,
    @JsonProperty("learning_rate") double learningRate,
    @JsonProperty("train_loss") double trainLoss,
    @JsonProperty("validation_loss") double validationLoss,
    @JsonProperty("validation_auc") double validationAuc,
    @JsonProperty("validation_accuracy") double validationAccuracy,
    @JsonProperty("seconds") double seconds) {

  static final List<String> CSV_HEADER = List.of("epoch", "steps", "learning_rate",
      "train_loss", "validation_loss", "validation_auc", "validation_accuracy", "seconds");

  /** The row's cells, in the order of {@link #CSV_HEADER}. */
  List<String> csvCells() {
    return List.of(Integer.toString(epoch), Long.toString(steps), format("%.6g", learningRate),
        format("%.6f", trainLoss), format("%.6f", validationLoss),
        format("%.6f", validationAuc), format("%.6f", validationAccuracy),
        format("%.1f", seconds));
  }

  private static String format(String pattern, double value) {
    return String.format(Locale.ROOT, pattern, value);
  }
}
