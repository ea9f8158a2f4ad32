package dev.deepscreen.streams.inference;

import java.io.IOException;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Small SavedModels the tests build and export with TensorFlow Java itself: a logit that is an
 * affine function of the image's mean, {@code weight * mean(image) + bias}, easy to compute by
 * hand.
 */
public final class TinyModels {
  private TinyModels() {}

  /** Exports the model with signature {@code serving_default}: {@code image} to {@code logit}. */
  public static Path export(Path directory, int inputSize, float weight, float bias)
      throws IOException {
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, inputSize, inputSize, 3)));
      Operand<TFloat32> mean = tf.math.mean(image, tf.constant(new int[] {1, 2, 3}));
      Operand<TFloat32> logit = tf.math.add(tf.math.mul(mean, tf.constant(weight)),
          tf.constant(bias));
      Signature signature = Signature.builder().key("serving_default").input("image", image)
          .output("logit", logit).build();
      SavedModelBundle.exporter(directory.toString())
          .withFunction(SessionFunction.create(signature, session)).export();
    }
    return directory;
  }
}
