package dev.deepscreen.trainer.train;

import dev.deepscreen.trainer.model.Layers;
import dev.deepscreen.trainer.model.VariableParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Reads a network's trained parameters out of a training checkpoint. */
public final class Checkpoints {
  private Checkpoints() {}

  /** The TensorFlow checkpoint prefix inside a checkpoint folder. */
  public static Path prefix(Path folder) {
    return folder.resolve("model");
  }

  /**
   * The network parameters (weights and batch-norm moving averages, no optimiser state) stored
   * in the checkpoint folder {@code folder}, by name.
   *
   * @throws IllegalArgumentException if the folder holds no checkpoint
   */
  public static Map<String, float[]> parameters(TrainingSettings settings, Path folder) {
    Path prefix = prefix(folder);
    if (!Files.isRegularFile(Path.of(prefix + ".index"))) {
      throw new IllegalArgumentException("No checkpoint in " + folder);
    }
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      VariableParameters parameters = new VariableParameters(tf, settings.seed());
      int size = settings.inputSize();
      Placeholder<TFloat32> images = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, size, size, 3)));
      settings.architecture().logits(new Layers(tf, parameters, false, settings.bnMomentum(),
          TrainingSettings.BN_EPSILON, null), images);
      try (Session session = new Session(graph)) {
        // Restores by name: the checkpoint's optimiser slots are simply not read.
        session.restore(prefix.toString());
        return TrainingGraph.parameterValues(session, parameters);
      }
    }
  }
}
