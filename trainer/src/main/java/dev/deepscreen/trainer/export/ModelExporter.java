package dev.deepscreen.trainer.export;

import dev.deepscreen.trainer.model.Architecture;
import dev.deepscreen.trainer.model.ConstantParameters;
import dev.deepscreen.trainer.model.Layers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/**
 * Writes a lean serving SavedModel of a trained network: the inference graph only, batch norm
 * with its moving averages, weights as constants (no variables, no optimiser state). Two
 * signatures:
 *
 * <ul>
 *   <li>{@code serving_default}: {@code image} ({@code [batch, size, size, 3]} float32, NHWC,
 *       normalised as the ensemble manifest says) to {@code logit} ({@code [batch]}) and
 *       {@code probability} (its sigmoid);
 *   <li>{@code gradcam}: {@code image} to {@code heatmap} ({@code [batch, size, size]} in
 *       [0, 1]), the Grad-CAM map of the logit over the last convolutional block (the
 *       feature maps weighted by the spatial mean of the logit's gradient, rectified, scaled
 *       bilinearly to the input and divided by their maximum), and {@code logit}.
 * </ul>
 */
public final class ModelExporter {

  public static final String SERVING_SIGNATURE = "serving_default";
  public static final String GRADCAM_SIGNATURE = "gradcam";
  public static final String INPUT = "image";
  public static final String LOGIT = "logit";
  public static final String PROBABILITY = "probability";
  public static final String HEATMAP = "heatmap";

  private ModelExporter() {}

  /** Writes the SavedModel of {@code architecture} with {@code parameters} to {@code folder}. */
  public static void export(Architecture architecture, int inputSize,
      Map<String, float[]> parameters, Path folder) throws IOException {
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> image = tf.withName(INPUT).placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, inputSize, inputSize, 3)));
      Layers layers = new Layers(tf, new ConstantParameters(tf, parameters), false, 0.9f,
          dev.deepscreen.trainer.train.TrainingSettings.BN_EPSILON, null);
      Operand<TFloat32> logit = tf.withName(LOGIT).identity(architecture.logits(layers, image));
      Operand<TFloat32> probability = tf.withName(PROBABILITY).math.sigmoid(logit);
      Operand<TFloat32> heatmap = gradCam(tf, graph, layers.features(), logit, inputSize);

      Signature serving = Signature.builder().key(SERVING_SIGNATURE).input(INPUT, image)
          .output(LOGIT, logit).output(PROBABILITY, probability).build();
      Signature gradcam = Signature.builder().key(GRADCAM_SIGNATURE).input(INPUT, image)
          .output(HEATMAP, heatmap).output(LOGIT, logit).build();
      SavedModelBundle.exporter(folder.toString())
          .withFunctions(SessionFunction.create(serving, session),
              SessionFunction.create(gradcam, session))
          .export();
    }
  }

  private static Operand<TFloat32> gradCam(Ops tf, Graph graph, Operand<TFloat32> features,
      Operand<TFloat32> logit, int inputSize) {
    Operand<TFloat32> total = tf.reduceSum(logit, tf.constant(0));
    @SuppressWarnings("unchecked")
    Operand<TFloat32> gradient = (Operand<TFloat32>) graph.addGradients(total.asOutput(),
        new Output<?>[] {features.asOutput()})[0];
    Operand<TFloat32> weights = tf.math.mean(gradient, tf.constant(new int[] {1, 2}),
        Mean.keepDims(true));
    Operand<TFloat32> cam = tf.nn.relu(tf.reduceSum(tf.math.mul(features, weights),
        tf.constant(3), org.tensorflow.op.core.ReduceSum.keepDims(true)));
    Operand<TFloat32> resized = tf.image.resizeBilinear(cam,
        tf.constant(new int[] {inputSize, inputSize}));
    Operand<TFloat32> peak = tf.max(resized, tf.constant(new int[] {1, 2, 3}),
        Max.keepDims(true));
    Operand<TFloat32> scaled = tf.math.div(resized, tf.math.maximum(peak, tf.constant(1e-12f)));
    return tf.withName(HEATMAP).reshape(scaled, tf.constant(new int[] {-1, inputSize,
        inputSize}));
  }
}
