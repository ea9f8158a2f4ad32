package dev.deepscreen.trainer.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.deepscreen.trainer.model.Architecture;
import dev.deepscreen.trainer.model.Freezing;
import java.util.Objects;

/**
 * Everything that decides a training run's result, written to the run folder's
 * {@code run.json}: a resumed run must be given the same settings.
 *
 * @param model the architecture's id ({@link Architecture#id()})
 * @param inputSize side of the square network input
 * @param batchSize faces per step
 * @param epochs passes over the training faces, at most
 * @param optimizer sgd (Nesterov momentum) or adam
 * @param learningRate the initial learning rate, lowered by the poly schedule
 * @param momentum SGD's momentum
 * @param weightDecay L2 factor on convolution and dense kernels
 * @param labelSmoothing {@code s} of the targets {@code y * (1 - s) + s / 2}
 * @param bnMomentum weight of the old value in batch norm's moving averages
 * @param polyPower exponent of the schedule {@code lr * (1 - step / steps) ^ power}
 * @param patience epochs without a better validation loss before stopping early (0: never)
 * @param augment whether training faces are augmented
 * @param selfBlend whether every real training face also trains, each epoch, as a fake made
 *     from it by self-blending (Shiohara and Yamasaki's SBI, applied online)
 * @param balance whether each epoch takes as many fakes as reals, a fresh random subset of the
 *     fakes each epoch (as the reference sampled a fake per real video)
 * @param folds folds of the training pool (0: no validation)
 * @param fold the validation fold
 * @param seed the seed of the folds, initial weights, order, dropout and augmentation
 * @param distillation the teacher and how much it counts, or null to learn from labels only
 * @param initFrom the PyTorch checkpoint the network starts from, or null for random weights
 * @param freezeUntil the last part of the network that does not train ({@link Freezing}), or
 *     null to train everything
 */
public record TrainingSettings(
    @JsonProperty("model") String model,
    @JsonProperty("input_size") int inputSize,
    @JsonProperty("batch_size") int batchSize,
    @JsonProperty("epochs") int epochs,
    @JsonProperty("optimizer") Optimizer optimizer,
    @JsonProperty("learning_rate") float learningRate,
    @JsonProperty("momentum") float momentum,
    @JsonProperty("weight_decay") float weightDecay,
    @JsonProperty("label_smoothing") float labelSmoothing,
    @JsonProperty("bn_momentum") float bnMomentum,
    @JsonProperty("poly_power") float polyPower,
    @JsonProperty("patience") int patience,
    @JsonProperty("augment") boolean augment,
    @JsonProperty("self_blend") boolean selfBlend,
    @JsonProperty("balance") boolean balance,
    @JsonProperty("folds") int folds,
    @JsonProperty("fold") int fold,
    @JsonProperty("seed") long seed,
    @JsonProperty("distillation") Distillation distillation,
    @JsonProperty("init_from") @JsonInclude(JsonInclude.Include.NON_NULL) Pretrained initFrom,
    @JsonProperty("freeze_until") @JsonInclude(JsonInclude.Include.NON_NULL)
    String freezeUntil) {

  /** Batch norm's epsilon (Keras's EfficientNet). */
  public static final float BN_EPSILON = 1e-3f;

  /**
   * Pretrained weights a run starts from.
   *
   * @param file the checkpoint's absolute path
   * @param sha256 its SHA-256: a resumed run must be given the same file
   */
  public record Pretrained(@JsonProperty("file") String file,
      @JsonProperty("sha256") String sha256) {
    public Pretrained {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(sha256, "sha256");
    }
  }

  @JsonCreator
  public TrainingSettings {
    Objects.requireNonNull(optimizer, "optimizer");
    Architecture.parse(model);
    if (freezeUntil != null) {
      Freezing.of(Architecture.parse(model), freezeUntil);
    }
    check(inputSize >= 32 && inputSize <= 1024, "input size in [32, 1024]", inputSize);
    check(batchSize >= 2, "batch size at least 2 (batch norm)", batchSize);
    check(epochs >= 1, "at least 1 epoch", epochs);
    check(learningRate > 0 && learningRate < 10, "learning rate in (0, 10)", learningRate);
    check(momentum >= 0 && momentum < 1, "momentum in [0, 1)", momentum);
    check(weightDecay >= 0 && weightDecay < 1, "weight decay in [0, 1)", weightDecay);
    check(labelSmoothing >= 0 && labelSmoothing < 0.5, "label smoothing in [0, 0.5)",
        labelSmoothing);
    check(bnMomentum >= 0 && bnMomentum < 1, "batch-norm momentum in [0, 1)", bnMomentum);
    check(polyPower >= 0, "poly power at least 0", polyPower);
    check(patience >= 0, "patience at least 0", patience);
    check(folds == 0 || folds >= 2, "0 folds (no validation) or at least 2", folds);
    check(folds == 0 ? fold == 0 : fold >= 0 && fold < folds, "fold in [0, folds)", fold);
  }

  private static void check(boolean ok, String what, Object value) {
    if (!ok) {
      throw new IllegalArgumentException("Expected " + what + ": " + value);
    }
  }

  /** Settings of a run from random weights, training every layer. */
  public TrainingSettings(String model, int inputSize, int batchSize, int epochs,
      Optimizer optimizer, float learningRate, float momentum, float weightDecay,
      float labelSmoothing, float bnMomentum, float polyPower, int patience, boolean augment,
      boolean selfBlend, boolean balance, int folds, int fold, long seed,
      Distillation distillation) {
    this(model, inputSize, batchSize, epochs, optimizer, learningRate, momentum, weightDecay,
        labelSmoothing, bnMomentum, polyPower, patience, augment, selfBlend, balance, folds, fold,
        seed, distillation, null, null);
  }

  /** The reference's recipe with the CPU default model. */
  public static TrainingSettings defaults() {
    return new TrainingSettings(Architecture.SMALL.id(), 128, 32, 30, Optimizer.SGD, 0.01f,
        0.9f, 1e-4f, 0.01f, 0.9f, 0.9f, 5, true, false, false, 5, 0, 7, null);
  }

  /** These settings learning also from {@code distillation}'s teacher (null: labels only). */
  public TrainingSettings withDistillation(Distillation distillation) {
    return new TrainingSettings(model, inputSize, batchSize, epochs, optimizer, learningRate,
        momentum, weightDecay, labelSmoothing, bnMomentum, polyPower, patience, augment,
        selfBlend, balance, folds, fold, seed, distillation, initFrom, freezeUntil);
  }

  /**
   * These settings starting from {@code initFrom} (null: random weights) with the network up
   * to {@code freezeUntil} frozen (null: nothing).
   */
  public TrainingSettings withPretrained(Pretrained initFrom, String freezeUntil) {
    return new TrainingSettings(model, inputSize, batchSize, epochs, optimizer, learningRate,
        momentum, weightDecay, labelSmoothing, bnMomentum, polyPower, patience, augment,
        selfBlend, balance, folds, fold, seed, distillation, initFrom, freezeUntil);
  }

  /** Which parameters do not train. */
  @JsonIgnore
  public Freezing freezing() {
    return freezeUntil == null ? Freezing.NONE : Freezing.of(architecture(), freezeUntil);
  }

  @JsonIgnore
  public Architecture architecture() {
    return Architecture.parse(model);
  }
}
