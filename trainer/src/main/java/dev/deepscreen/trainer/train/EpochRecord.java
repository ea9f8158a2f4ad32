package dev.deepscreen.trainer.train;

import com.fasterxml.jackson.annotation.JsonProperty;

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

  static final String CSV_HEADER = "epoch,steps,learning_rate,train_loss,validation_loss,"
      + "validation_auc,validation_accuracy,seconds";

  String csv() {
    return String.format(java.util.Locale.ROOT, "%d,%d,%.6g,%.6f,%.6f,%.6f,%.6f,%.1f", epoch,
        steps, learningRate, trainLoss, validationLoss, validationAuc, validationAccuracy,
        seconds);
  }
}
