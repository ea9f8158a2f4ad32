package dev.deepscreen.trainer.train;

import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.FaceBatch;
import dev.deepscreen.core.inference.InferenceOptions;
import dev.deepscreen.core.inference.ScoreOutput;
import dev.deepscreen.core.strategy.EnsembleModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.tensorflow.types.TFloat32;

/**
 * The teacher of a distilled run: an ensemble loaded with the scoring stage's own code, each
 * model fed its own input size and normalisation from the manifest, exactly as the scorer feeds
 * it. Owns the models' native memory: close it.
 */
public final class Teacher implements AutoCloseable {

  /** Probabilities are clipped this far from 0 and 1 before taking their logit. */
  static final double PROBABILITY_CLIP = 1e-7;

  private final Ensemble ensemble;
  private final float temperature;

  private Teacher(Ensemble ensemble, float temperature) {
    this.ensemble = ensemble;
    this.temperature = temperature;
  }

  /**
   * Loads the teacher of {@code distillation}.
   *
   * @param threads the engines' intra-op threads (0: one per core)
   * @throws IllegalArgumentException if the folder does not exist
   * @throws dev.deepscreen.core.inference.ModelException if its manifest or a model is bad
   */
  public static Teacher load(Distillation distillation, int threads) {
    Path folder = Path.of(distillation.teacher());
    if (!Files.isDirectory(folder)) {
      throw new IllegalArgumentException("The teacher ensemble folder " + folder
          + " does not exist");
    }
    // GPU here means "may use one": sessions see a GPU when the natives and the machine have
    // one, like the training graph's, and run on the CPU otherwise.
    return new Teacher(Ensemble.load(folder, InferenceOptions.of(InferenceOptions.Device.GPU,
        threads, 1)), distillation.temperature());
  }

  /** The teacher's version and models, for the log. */
  public String describe() {
    return ensemble.version() + " (" + String.join(", ", ensemble.members().stream()
        .map(m -> m.spec().name()).toList()) + ")";
  }

  /** Empty inputs for {@code count} faces, to be filled with {@link Inputs#add}. */
  public Inputs inputs(int count) {
    return new Inputs(count);
  }

  /** {@code sigmoid(logit(p) / T)} with {@code p} clipped away from 0 and 1. */
  static float softTarget(double probability, float temperature) {
    double p = Math.min(1 - PROBABILITY_CLIP, Math.max(PROBABILITY_CLIP, probability));
    double logit = Math.log(p / (1 - p)) / temperature;
    return (float) (1 / (1 + Math.exp(-logit)));
  }

  /** One batch of faces at each teacher model's input, in its size and layout. */
  public final class Inputs {
    private final FaceBatch[] batches;

    private Inputs(int count) {
      List<Ensemble.Member> members = ensemble.members();
      batches = new FaceBatch[members.size()];
      for (int m = 0; m < batches.length; m++) {
        batches[m] = members.get(m).newBatch(count);
      }
    }

    /** Writes face {@code index} (a BGR crop as the student gets it) into every model's input. */
    public void add(int index, Mat face) {
      for (int m = 0; m < batches.length; m++) {
        ensemble.members().get(m).preprocessor().write(face, batches[m], index);
      }
    }

    /**
     * The soft targets of the faces: the ensemble-mean probability, weighted by the manifest's
     * weights as the aggregation weighs the models, through the temperature.
     */
    public TFloat32 softTargets() {
      int count = batches[0].count();
      double[][] probabilities = new double[count][batches.length];
      for (int m = 0; m < batches.length; m++) {
        float[] logits = ensemble.members().get(m).model().logits(batches[m]);
        for (int i = 0; i < count; i++) {
          if (Float.isNaN(logits[i])) {
            throw new IllegalStateException("The teacher's model "
                + ensemble.members().get(m).spec().name() + " gave NaN on a training face");
          }
          probabilities[i][m] = ScoreOutput.probability(logits[i]);
        }
      }
      List<EnsembleModel> models = ensemble.models();
      float[] targets = new float[count];
      for (int i = 0; i < count; i++) {
        targets[i] = softTarget(EnsembleModel.weightedMean(models, probabilities[i]),
            temperature);
      }
      return TFloat32.vectorOf(targets);
    }

  }

  @Override
  public void close() {
    ensemble.close();
  }
}
