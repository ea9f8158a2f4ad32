package dev.deepscreen.core.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * One classifier of the ensemble run by TensorFlow: a SavedModel whose signature takes a batch of
 * normalised NHWC face images {@code [batch, size, size, 3]} of float32 and answers a logit per
 * face, {@code [batch]} or {@code [batch, 1]} (or what its {@link ScoreOutput} says). The
 * signature is checked when the model is loaded, so a wrong model fails at start-up with a
 * message, not on the first face.
 *
 * <p>Owns the model's native memory: close it. Sessions are thread-safe for running, and the
 * stream threads of a scoring stage share one model: {@link #close} waits for the calls in
 * flight to return before it frees the session, and a call after it is refused, so that no
 * thread ever runs a freed session.
 *
 * <p>A model exported by the trainer also has a {@value #GRADCAM_SIGNATURE} signature whose
 * {@value #HEATMAP_OUTPUT} output is the Grad-CAM map of the logit, rectified, resized to the
 * input and normalised. The model then {@link #explains} itself: {@link #scores} with heatmaps
 * runs the session once, feeding the image and fetching the logit and the map at the last
 * convolutional block's resolution (the input of that signature's bilinear resize), neither
 * resized nor normalised. Our heads are a global average pool and one dense layer, for which
 * Grad-CAM equals CAM: the gradient's spatial mean is {@code w_c / (h * w)}, so the fetched grid
 * times {@code h * w} is {@code cam[i, j] = max(0, sum_c w_c * A[i, j, c])}, in logit units, the
 * dense layer's bias not spread over the cells (the unrectified grid's mean plus the bias is the
 * logit). A model without that signature, or whose map is built otherwise, has no heatmaps.
 */
public final class FaceModel implements FaceClassifier {

  /** The signature of the trainer's Grad-CAM map. */
  public static final String GRADCAM_SIGNATURE = "gradcam";
  /** Its heatmap output, {@code [batch, size, size]}. */
  public static final String HEATMAP_OUTPUT = "heatmap";

  /**
   * How to run the logit and the class-activation grid in one session run.
   *
   * @param image the image tensor to feed, {@code op:index}
   * @param logit the logit tensor to fetch
   * @param cam the grid, {@code [batch, h, w, 1]}
   */
  private record CamPath(String image, String logit, Output<?> cam) {}

  private final String name;
  private final SavedModelBundle bundle;
  private final CamPath camPath;
  private final SessionFunction function;
  private final String inputName;
  private final String outputName;
  private final int inputSize;
  private final ScoreOutput output;
  private final SessionGuard guard;

  private FaceModel(String name, SavedModelBundle bundle, SessionFunction function,
      String inputName, String outputName, int inputSize, ScoreOutput output, CamPath camPath) {
    this.name = name;
    this.bundle = bundle;
    this.camPath = camPath;
    this.function = function;
    this.inputName = inputName;
    this.outputName = outputName;
    this.inputSize = inputSize;
    this.output = output;
    this.guard = new SessionGuard(name);
  }

  /**
   * Loads and checks a SavedModel.
   *
   * @param name the model's name in the ensemble, for messages
   * @param directory the SavedModel directory (with saved_model.pb)
   * @param signatureKey the signature to run, usually {@code serving_default}
   * @param inputName the signature's image input
   * @param outputName the signature's logit output
   * @param inputSize side of the square input the ensemble manifest declares
   * @throws ModelException naming the model and what does not match
   */
  public static FaceModel load(String name, Path directory, String signatureKey, String inputName,
      String outputName, int inputSize) {
    return load(name, directory, signatureKey, inputName, outputName, inputSize,
        ScoreOutput.LOGIT, InferenceOptions.CPU_DEFAULTS);
  }

  /**
   * Loads and checks a SavedModel whose output means {@code output} and whose session runs with
   * {@code options}.
   *
   * @throws ModelException naming the model and what does not match
   */
  public static FaceModel load(String name, Path directory, String signatureKey, String inputName,
      String outputName, int inputSize, ScoreOutput output, InferenceOptions options) {
    if (!Files.isRegularFile(directory.resolve("saved_model.pb"))) {
      throw new ModelException("Model " + name + ": no SavedModel at " + directory
          + " (saved_model.pb is missing)");
    }
    SavedModelBundle bundle;
    try {
      bundle = SavedModelBundle.loader(directory.toString())
          .withTags(SavedModelBundle.DEFAULT_TAG).withConfigProto(options.configProto()).load();
    } catch (RuntimeException e) {
      throw new ModelException("Model " + name + ": TensorFlow cannot load " + directory + ": "
          + e.getMessage(), e);
    }
    try {
      SessionFunction function = bundle.functions().stream()
          .filter(f -> f.signature().key().equals(signatureKey)).findFirst()
          .orElseThrow(() -> new ModelException("Model " + name + " has no signature '"
              + signatureKey + "'; it has " + bundle.signatures().stream().map(Signature::key)
              .toList()));
      checkSignature(name, function.signature(), inputName, outputName, inputSize, output);
      return new FaceModel(name, bundle, function, inputName, outputName, inputSize, output,
          camPath(bundle, function.signature(), inputName, outputName));
    } catch (RuntimeException e) {
      bundle.close();
      throw e;
    }
  }

  private static void checkSignature(String name, Signature signature, String inputName,
      String outputName, int inputSize, ScoreOutput kind) {
    Signature.TensorDescription input = signature.getInputs().get(inputName);
    if (input == null) {
      throw new ModelException("Model " + name + ": signature '" + signature.key()
          + "' has no input '" + inputName + "'; it has " + signature.inputNames());
    }
    Shape expected = Shape.of(-1, inputSize, inputSize, 3);
    if (input.dataType != DataType.DT_FLOAT || !compatible(input.shape, expected)) {
      throw new ModelException("Model " + name + ": input '" + inputName + "' is "
          + input.dataType + " " + input.shape + ", expected DT_FLOAT " + expected
          + " (NHWC, the manifest's input size)");
    }
    Signature.TensorDescription output = signature.getOutputs().get(outputName);
    if (output == null) {
      throw new ModelException("Model " + name + ": signature '" + signature.key()
          + "' has no output '" + outputName + "'; it has " + signature.outputNames());
    }
    if (output.dataType != DataType.DT_FLOAT || output.shape.isUnknown()
        || !kind.fits(output.shape.asArray())) {
      throw new ModelException("Model " + name + ": output '" + outputName + "' is "
          + output.dataType + " " + output.shape + ", expected DT_FLOAT " + kind.expectedShapes()
          + (kind.kind() == ScoreOutput.Kind.LOGIT ? "" : " for output_kind " + kind));
    }
  }

  /**
   * The class-activation grid of the {@value #GRADCAM_SIGNATURE} signature when it takes the
   * same image tensor as the scoring signature and its {@value #HEATMAP_OUTPUT} is a bilinear
   * resize of a {@code [batch, h, w, 1]} grid (followed by the normalisation, as the trainer
   * exports it); null otherwise.
   */
  private static CamPath camPath(SavedModelBundle bundle, Signature scoring, String inputName,
      String outputName) {
    Signature gradcam = bundle.signatures().stream()
        .filter(s -> s.key().equals(GRADCAM_SIGNATURE)).findFirst().orElse(null);
    if (gradcam == null) {
      return null;
    }
    Signature.TensorDescription heatmap = gradcam.getOutputs().get(HEATMAP_OUTPUT);
    Signature.TensorDescription camImage = gradcam.getInputs().get(inputName);
    Signature.TensorDescription image = scoring.getInputs().get(inputName);
    Signature.TensorDescription logit = scoring.getOutputs().get(outputName);
    if (heatmap == null || camImage == null || image == null || logit == null
        || !camImage.name.equals(image.name)) {
      return null;
    }
    GraphOperation op = bundle.graph().operation(heatmap.name.split(":")[0]);
    for (int step = 0; op != null && step < 8; step++) {
      if (op.type().equals("ResizeBilinear")) {
        Output<?> cam = op.input(0);
        Shape shape = cam.shape();
        if (cam.dataType() != DataType.DT_FLOAT || shape.isUnknown()
            || shape.numDimensions() != 4 || shape.size(3) != 1) {
          return null;
        }
        return new CamPath(image.name, logit.name, cam);
      }
      op = op.numInputs() == 0 ? null : (GraphOperation) op.input(0).op();
    }
    return null;
  }

  private static boolean compatible(Shape actual, Shape expected) {
    if (actual.isUnknown() || actual.numDimensions() != expected.numDimensions()) {
      return false;
    }
    for (int i = 1; i < expected.numDimensions(); i++) {
      if (actual.size(i) != -1 && actual.size(i) != expected.size(i)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int inputSize() {
    return inputSize;
  }

  @Override
  public InputLayout layout() {
    return InputLayout.NHWC;
  }

  @Override
  public String engine() {
    return "TensorFlow " + TensorFlow.version();
  }

  @Override
  public boolean explains() {
    return camPath != null;
  }

  @Override
  public Scores scores(FaceBatch faces, boolean heatmaps) {
    if (!heatmaps || camPath == null) {
      return Scores.withoutHeatmaps(logits(faces));
    }
    checkBatch(faces);
    return guard.call(() -> {
      try (TFloat32 images = TFloat32.tensorOf(Shape.of(faces.shape()),
          DataBuffers.of(faces.values(), true, false));
          Result result = bundle.session().runner().feed(camPath.image(), images)
              .fetch(camPath.logit()).fetch(camPath.cam()).run()) {
        float[] logits = logitsOf(result.get(0), faces.count());
        return new Scores(logits, heatmapsOf(result.get(1), faces.count()));
      }
    });
  }

  private List<Heatmap> heatmapsOf(Tensor grid, int count) {
    if (!(grid instanceof TFloat32 values) || grid.shape().numDimensions() != 4
        || grid.shape().size(0) != count || grid.shape().size(3) != 1) {
      throw new IllegalStateException("Model " + name + " answered a heatmap grid of "
          + grid.dataType() + " " + grid.shape() + " for " + count + " faces");
    }
    int height = (int) grid.shape().size(1);
    int width = (int) grid.shape().size(2);
    int cells = width * height;
    float[] raw = new float[(int) values.size()];
    values.copyTo(DataBuffers.of(raw, false, false));
    List<Heatmap> heatmaps = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      float[] cam = new float[cells];
      for (int c = 0; c < cells; c++) {
        cam[c] = raw[i * cells + c] * cells;
      }
      heatmaps.add(Heatmap.quantise(cam, width, height));
    }
    return heatmaps;
  }

  private void checkBatch(FaceBatch faces) {
    if (faces.size() != inputSize || faces.layout() != InputLayout.NHWC) {
      throw new IllegalArgumentException("Model " + name + " takes NHWC faces of " + inputSize
          + " pixels, not " + faces.layout() + " of " + faces.size());
    }
  }

  private float[] logitsOf(Tensor answer, int count) {
    if (!(answer instanceof TFloat32 values) || answer.shape().numDimensions() == 0
        || answer.shape().size(0) != count || !output.fits(answer.shape().asArray())) {
      throw new IllegalStateException("Model " + name + " answered " + answer.dataType()
          + " " + answer.shape() + " for " + count + " faces");
    }
    float[] raw = new float[(int) values.size()];
    values.copyTo(DataBuffers.of(raw, false, false));
    return output.logits(raw, count);
  }

  @Override
  public float[] logits(FaceBatch faces) {
    checkBatch(faces);
    return guard.call(() -> {
      try (TFloat32 images = TFloat32.tensorOf(Shape.of(faces.shape()),
          DataBuffers.of(faces.values(), true, false));
          Result result = function.call(Map.<String, Tensor>of(inputName, images))) {
        Tensor answer = result.get(outputName).orElseThrow(() -> new IllegalStateException(
            "Model " + name + " returned no '" + outputName + "'"));
        return logitsOf(answer, faces.count());
      }
    });
  }

  /**
   * Releases the model once the calls in flight have returned; later calls are refused. Safe to
   * call twice.
   */
  @Override
  public void close() {
    guard.close(bundle::close);
  }
}
