package dev.deepscreen.core.inference;

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

  /**
   * Exports a model with a class-activation head, built like the trainer's export: features
   * {@code A} are the image average-pooled by {@code cell} pixels ({@code [batch, size / cell,
   * size / cell, 3]}), the logit is a global average pool of {@code A} and one dense layer,
   * {@code sum_c weights[c] * mean(A[..., c]) + bias}. Besides {@code serving_default}
   * ({@code image} to {@code logit}) it has the trainer's {@code gradcam} signature: {@code
   * heatmap}, the logit's gradient-weighted feature map, rectified, resized bilinearly to the
   * input and divided by its maximum, and {@code logit}. Its class-activation grid is therefore
   * {@code max(0, sum_c weights[c] * A[i, j, c])}.
   */
  public static Path exportWithCam(Path directory, int inputSize, int cell, float[] weights,
      float bias) throws IOException {
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, inputSize, inputSize, 3)));
      Operand<TFloat32> features = tf.nn.avgPool(image, java.util.List.of(1L, (long) cell,
          (long) cell, 1L), java.util.List.of(1L, (long) cell, (long) cell, 1L), "VALID");
      Operand<TFloat32> pooled = tf.math.mean(features, tf.constant(new int[] {1, 2}));
      Operand<TFloat32> dense = tf.linalg.matMul(pooled, tf.constant(new float[][] {
          {weights[0]}, {weights[1]}, {weights[2]}}));
      Operand<TFloat32> logit = tf.reshape(tf.math.add(dense, tf.constant(bias)),
          tf.constant(new int[] {-1}));
      Operand<TFloat32> total = tf.reduceSum(logit, tf.constant(0));
      @SuppressWarnings("unchecked")
      Operand<TFloat32> gradient = (Operand<TFloat32>) graph.addGradients(total.asOutput(),
          new org.tensorflow.Output<?>[] {features.asOutput()})[0];
      Operand<TFloat32> channelWeights = tf.math.mean(gradient, tf.constant(new int[] {1, 2}),
          org.tensorflow.op.math.Mean.keepDims(true));
      Operand<TFloat32> cam = tf.nn.relu(tf.reduceSum(tf.math.mul(features, channelWeights),
          tf.constant(3), org.tensorflow.op.core.ReduceSum.keepDims(true)));
      Operand<TFloat32> resized = tf.image.resizeBilinear(cam,
          tf.constant(new int[] {inputSize, inputSize}));
      Operand<TFloat32> peak = tf.max(resized, tf.constant(new int[] {1, 2, 3}),
          org.tensorflow.op.core.Max.keepDims(true));
      Operand<TFloat32> heatmap = tf.reshape(tf.math.div(resized,
          tf.math.maximum(peak, tf.constant(1e-12f))), tf.constant(new int[] {-1, inputSize,
          inputSize}));
      Signature serving = Signature.builder().key("serving_default").input("image", image)
          .output("logit", logit).build();
      Signature gradcam = Signature.builder().key("gradcam").input("image", image)
          .output("heatmap", heatmap).output("logit", logit).build();
      SavedModelBundle.exporter(directory.toString())
          .withFunctions(SessionFunction.create(serving, session),
              SessionFunction.create(gradcam, session)).export();
    }
    return directory;
  }

  /**
   * Exports a model that fails inside TensorFlow on dark images: its logit is {@code
   * log(mean(image))} through a numerics check, and the mean of a normalised image darker than
   * ImageNet's mean is negative, so TensorFlow reports an error for the whole batch.
   */
  public static Path exportFailingOnDark(Path directory, int inputSize) throws IOException {
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> image = tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, inputSize, inputSize, 3)));
      Operand<TFloat32> mean = tf.math.mean(image, tf.constant(new int[] {1, 2, 3}));
      Operand<TFloat32> logit = tf.debugging.checkNumerics(tf.math.log(mean),
          "logit of a dark image");
      Signature signature = Signature.builder().key("serving_default").input("image", image)
          .output("logit", logit).build();
      SavedModelBundle.exporter(directory.toString())
          .withFunction(SessionFunction.create(signature, session)).export();
    }
    return directory;
  }

  /** A batch for {@code model} whose face {@code i} has every value {@code values[i]}. */
  public static FaceBatch uniformBatch(FaceClassifier model, float... values) {
    FaceBatch batch = model.newBatch(values.length);
    int size = model.inputSize();
    for (int i = 0; i < values.length; i++) {
      float[] face = new float[size * size * 3];
      java.util.Arrays.fill(face, values[i]);
      batch.put(i, face);
    }
    return batch;
  }

  /** The folder of the ONNX test models on the class path (this jar's, or the test classes'). */
  public static final String ONNX = "/dev/deepscreen/core/inference/onnx/";

  /** Copies the ONNX test file {@code name} into {@code dir}, as {@code target}. */
  public static Path copyOnnx(String name, Path dir, String target) throws IOException {
    try (java.io.InputStream in = TinyModels.class.getResourceAsStream(ONNX + name)) {
      if (in == null) {
        throw new IOException("No test resource " + ONNX + name);
      }
      Path file = dir.resolve(target);
      java.nio.file.Files.createDirectories(file.getParent());
      java.nio.file.Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return file;
    }
  }

  /**
   * The manifest entry of an ONNX model with ImageNet normalisation; {@code extra} is appended
   * inside the entry (e.g. {@code , "output_kind": "probability"}).
   */
  public static String onnxEntry(String name, String path, int size, String layout,
      double weight, String extra) {
    return "{\"name\": \"" + name + "\", \"format\": \"onnx\", \"path\": \"" + path
        + "\", \"input_size\": " + size + ", \"layout\": \"" + layout + "\","
        + " \"mean\": [0.485, 0.456, 0.406], \"std\": [0.229, 0.224, 0.225], \"weight\": "
        + weight + extra + "}";
  }

  /**
   * The tiny two-class ONNX model (a narrow ResNet-18 shape, 64 px NCHW, class 1 fake) as a
   * manifest entry; copies the file into {@code dir}.
   */
  public static String twoClassOnnx(Path dir, String name, double weight) throws IOException {
    copyOnnx("tiny-two-class.onnx", dir, name + ".onnx");
    return onnxEntry(name, name + ".onnx", 64, "NCHW", weight,
        ", \"output_kind\": \"two_class_logits\", \"fake_class\": 1");
  }

  /** One model entry of a manifest, with ImageNet normalisation and the default signature. */
  public static String manifestEntry(String name, String path, int size, double weight) {
    return "{\"name\": \"" + name + "\", \"path\": \"" + path + "\", \"input_size\": " + size
        + ", \"layout\": \"NHWC\", \"mean\": [0.485, 0.456, 0.406],"
        + " \"std\": [0.229, 0.224, 0.225], \"signature\": \"serving_default\","
        + " \"input\": \"image\", \"output\": \"logit\", \"weight\": " + weight + "}";
  }

  /** Writes {@code ensemble.json} of {@code version} with the given entries into {@code dir}. */
  public static Path writeManifest(Path dir, String version, String... entries)
      throws IOException {
    java.nio.file.Files.writeString(dir.resolve("ensemble.json"), "{\"version\": \"" + version
        + "\", \"models\": [" + String.join(", ", entries) + "]}");
    return dir;
  }
}
