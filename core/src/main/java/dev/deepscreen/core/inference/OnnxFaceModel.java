package dev.deepscreen.core.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * One classifier of the ensemble run by ONNX Runtime: an ONNX file (as {@code torch.onnx.export}
 * writes it) whose input is a batch of normalised face images of float32, NCHW or NHWC, with a
 * dynamic batch dimension, and whose output is a logit, a probability or two-class logits per
 * face ({@link ScoreOutput}). The file is checked before ONNX Runtime reads it ({@link
 * OnnxModelFile}), and the session's input and output when it is loaded, so a wrong model fails
 * at start-up with a message, not on the first face.
 *
 * <p>Owns one ONNX Runtime session, shared by the stream threads (sessions run concurrently):
 * {@link #close} waits for the calls in flight to return before it frees the session, and a call
 * after it is refused, so that no thread ever runs a freed session.
 */
public final class OnnxFaceModel implements FaceClassifier {

  private final String name;
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final String inputName;
  private final String outputName;
  private final int inputSize;
  private final InputLayout layout;
  private final ScoreOutput output;
  private final String engine;
  private final int facesPerRun;
  private final SessionGuard guard;

  private OnnxFaceModel(String name, OrtEnvironment environment, OrtSession session,
      String inputName, String outputName, int inputSize, InputLayout layout, ScoreOutput output,
      String engine, int facesPerRun) {
    this.name = name;
    this.environment = environment;
    this.session = session;
    this.inputName = inputName;
    this.outputName = outputName;
    this.inputSize = inputSize;
    this.layout = layout;
    this.output = output;
    this.engine = engine;
    this.facesPerRun = facesPerRun;
    this.guard = new SessionGuard(name);
  }

  /**
   * Loads and checks an ONNX model.
   *
   * @param name the model's name in the ensemble, for messages
   * @param file the {@code .onnx} file
   * @param ensembleFolder the folder every file of the model, external data included, must lie in
   * @param inputName the image input, or null to take the model's only input
   * @param outputName the score output, or null to take the model's only output
   * @param inputSize side of the square input the ensemble manifest declares
   * @param layout the input's layout the manifest declares
   * @param output what the output means
   * @param options device and threads
   * @throws ModelException naming the model and what does not match
   */
  public static OnnxFaceModel load(String name, Path file, Path ensembleFolder, String inputName,
      String outputName, int inputSize, InputLayout layout, ScoreOutput output,
      InferenceOptions options) {
    String at = "Model " + name + ": ";
    if (!Files.isRegularFile(file)) {
      throw new ModelException(at + "no ONNX model at " + file);
    }
    OnnxModelFile.check(name, file, ensembleFolder);
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    OrtSession session;
    String engine;
    boolean onCpu;
    try (OrtSession.SessionOptions sessionOptions = options.onnxSessionOptions()) {
      String placement = placeOnDevice(sessionOptions, options.device());
      onCpu = placement.startsWith("CPU");
      engine = "ONNX Runtime " + environment.getVersion() + " (" + placement + ")";
      session = environment.createSession(file.toString(), sessionOptions);
    } catch (OrtException e) {
      throw new ModelException(at + "ONNX Runtime cannot load " + file + ": "
          + e.getMessage(), e);
    }
    try {
      String input = pick(at, "input", inputName, session.getInputInfo());
      String out = pick(at, "output", outputName, session.getOutputInfo());
      checkInput(at, input, session.getInputInfo().get(input), inputSize, layout);
      checkOutput(at, out, session.getOutputInfo().get(out), output);
      // A GPU takes the whole batch; on the CPU see InferenceOptions.OnnxCpu#facesPerCall.
      return new OnnxFaceModel(name, environment, session, input, out, inputSize, layout, output,
          engine, onCpu ? options.onnxCpu().facesPerCall(inputSize) : Integer.MAX_VALUE);
    } catch (OrtException e) {
      close(session);
      throw new ModelException(at + "ONNX Runtime cannot describe " + file + ": "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      close(session);
      throw e;
    }
  }

  /**
   * Adds the CUDA provider when the device is the GPU and this build of ONNX Runtime has it; the
   * CPU provider is always there.
   *
   * @return the providers, for the logs
   */
  private static String placeOnDevice(OrtSession.SessionOptions options,
      InferenceOptions.Device device) {
    if (device == InferenceOptions.Device.CPU) {
      return "CPU";
    }
    if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
      return "CPU: this build of ONNX Runtime has no CUDA provider";
    }
    try {
      options.addCUDA(0);
      return "CUDA, then CPU";
    } catch (OrtException e) {
      return "CPU: CUDA cannot start (" + e.getMessage() + ")";
    }
  }

  private static String pick(String at, String what, String wanted,
      Map<String, NodeInfo> available) {
    if (wanted != null) {
      if (!available.containsKey(wanted)) {
        throw new ModelException(at + "the model has no " + what + " '" + wanted + "'; it has "
            + available.keySet());
      }
      return wanted;
    }
    if (available.size() != 1) {
      throw new ModelException(at + "the model has " + available.size() + " " + what + "s "
          + available.keySet() + "; name the one to use in the manifest's '" + what + "'");
    }
    return available.keySet().iterator().next();
  }

  private static void checkInput(String at, String input, NodeInfo info, int size,
      InputLayout layout) {
    long[] expected = layout.shape(-1, size);
    if (!(info.getInfo() instanceof TensorInfo tensor)
        || tensor.type != OnnxJavaType.FLOAT || !fits(tensor.getShape(), expected)) {
      throw new ModelException(at + "input '" + input + "' is " + describe(info)
          + ", expected FLOAT " + Arrays.toString(expected) + " (" + layout
          + ", the manifest's layout and input size)");
    }
    if (tensor.getShape()[0] != -1) {
      throw new ModelException(at + "input '" + input + "' has a fixed batch of "
          + tensor.getShape()[0] + "; export the model with a dynamic batch dimension");
    }
  }

  private static void checkOutput(String at, String out, NodeInfo info, ScoreOutput output) {
    if (!(info.getInfo() instanceof TensorInfo tensor)
        || tensor.type != OnnxJavaType.FLOAT || !output.fits(tensor.getShape())) {
      throw new ModelException(at + "output '" + out + "' is " + describe(info)
          + ", expected FLOAT " + output.expectedShapes() + " for output_kind " + output);
    }
  }

  /** Whether {@code actual} has the rank of {@code expected} and its sizes after the batch. */
  private static boolean fits(long[] actual, long[] expected) {
    if (actual.length != expected.length) {
      return false;
    }
    for (int i = 1; i < expected.length; i++) {
      if (actual[i] != -1 && actual[i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static String describe(NodeInfo info) {
    if (info.getInfo() instanceof TensorInfo tensor) {
      return tensor.type + " " + Arrays.toString(tensor.getShape());
    }
    return "not a tensor (" + info.getInfo() + ")";
  }

  private static void close(OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      // Closing a session that never ran frees memory only; nothing to report.
    }
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
    return layout;
  }

  @Override
  public String engine() {
    return engine;
  }

  /** The session's input and output names, as loaded. */
  public String inputName() {
    return inputName;
  }

  public String outputName() {
    return outputName;
  }

  @Override
  public float[] logits(FaceBatch faces) {
    if (faces.size() != inputSize || faces.layout() != layout) {
      throw new IllegalArgumentException("Model " + name + " takes " + layout + " faces of "
          + inputSize + " pixels, not " + faces.layout() + " of " + faces.size());
    }
    return guard.call(() -> {
      int count = faces.count();
      float[] values = faces.values();
      if (count <= facesPerRun) {
        return run(FloatBuffer.wrap(values), count);
      }
      int perFace = values.length / count;
      float[] logits = new float[count];
      for (int first = 0; first < count; first += facesPerRun) {
        int n = Math.min(facesPerRun, count - first);
        float[] part = run(FloatBuffer.wrap(values, first * perFace, n * perFace).slice(), n);
        System.arraycopy(part, 0, logits, first, n);
      }
      return logits;
    });
  }

  /** One session call on {@code count} faces' values in the model's layout. */
  private float[] run(FloatBuffer values, int count) {
    try (OnnxTensor images = OnnxTensor.createTensor(environment, values,
        layout.shape(count, inputSize));
        OrtSession.Result result = session.run(Map.of(inputName, images), Set.of(outputName))) {
      OnnxTensor answer = (OnnxTensor) result.get(outputName).orElseThrow(() ->
          new IllegalStateException("Model " + name + " returned no '" + outputName + "'"));
      long[] shape = answer.getInfo().getShape();
      if (answer.getInfo().type != OnnxJavaType.FLOAT || shape.length == 0
          || shape[0] != count || !output.fits(shape)) {
        throw new IllegalStateException("Model " + name + " answered " + answer.getInfo().type
            + " " + Arrays.toString(shape) + " for " + count + " faces");
      }
      FloatBuffer answered = answer.getFloatBuffer();
      float[] raw = new float[answered.remaining()];
      answered.get(raw);
      return output.logits(raw, count);
    } catch (OrtException e) {
      throw new IllegalStateException("Model " + name + ": ONNX Runtime failed: "
          + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    guard.close(() -> close(session));
  }
}
