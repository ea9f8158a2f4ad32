package dev.deepscreen.core.inference;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code ensemble.json}, the description of an ensemble next to its models: its version, and for
 * each model where it is, in which format, what input it takes, what its output means and how
 * much it counts. Read strictly: an unknown or missing field is an error, so a typo cannot
 * silently fall back to a default.
 *
 * <pre>{
 *   "version": "2026.11.1",
 *   "models": [
 *     {"name": "b0-fold0", "path": "b0-fold0", "input_size": 380, "layout": "NHWC",
 *      "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
 *      "signature": "serving_default", "input": "image", "output": "logit", "weight": 1.0,
 *      "source": {"file": "final_111_DeepFakeClassifier_tf_efficientnet_b7_ns_0_36",
 *                 "sha256": "…", "format": "pytorch-legacy"}},
 *     {"name": "resnet", "format": "onnx", "path": "resnet.onnx", "input_size": 224,
 *      "layout": "NCHW", "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
 *      "output_kind": "two_class_logits", "fake_class": 1, "weight": 1.0}
 *   ]
 * }</pre>
 *
 * <p>Optional fields: {@code source} (an imported model says which file it was made from); {@code
 * format} ({@code savedmodel} when absent, so every manifest written before ONNX models read as
 * they did); {@code output_kind} ({@code logit} when absent) and {@code fake_class} (only with
 * {@code two_class_logits}, where it is required). A SavedModel entry needs {@code signature},
 * {@code input} and {@code output} and takes NHWC only; an ONNX entry has no {@code signature},
 * takes NCHW or NHWC, and may leave out {@code input} and {@code output} when its model has
 * exactly one of each.
 */
public record EnsembleManifest(
    @JsonProperty(value = "version", required = true) String version,
    @JsonProperty(value = "models", required = true) List<Model> models) {

  /** The file name of a manifest inside an ensemble directory. */
  public static final String FILE_NAME = "ensemble.json";

  /**
   * One model of the ensemble.
   *
   * @param name unique name, reported in face scores and verdicts
   * @param path the SavedModel directory or the {@code .onnx} file, relative to the ensemble
   *     directory
   * @param inputSize side of the square input, pixels
   * @param layout tensor layout of the input: NHWC, or NCHW for an ONNX model
   * @param mean per-channel mean, RGB, applied after scaling to [0, 1]
   * @param std per-channel standard deviation, RGB
   * @param signature the SavedModel signature to run; null for an ONNX model
   * @param input the image input; for an ONNX model null to take its only input
   * @param output the score output; for an ONNX model null to take its only output
   * @param weight the model's weight in the ensemble mean, positive
   * @param source the file the model was imported from, or null
   * @param format {@code savedmodel} or {@code onnx}; null for {@code savedmodel}
   * @param outputKind {@code logit}, {@code probability} or {@code two_class_logits}; null for
   *     {@code logit}
   * @param fakeClass the fake class's index (0 or 1) of two-class logits, else null
   */
  public record Model(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty(value = "path", required = true) String path,
      @JsonProperty(value = "input_size", required = true) int inputSize,
      @JsonProperty(value = "layout", required = true) String layout,
      @JsonProperty(value = "mean", required = true) float[] mean,
      @JsonProperty(value = "std", required = true) float[] std,
      @JsonProperty("signature") @JsonInclude(JsonInclude.Include.NON_NULL) String signature,
      @JsonProperty("input") @JsonInclude(JsonInclude.Include.NON_NULL) String input,
      @JsonProperty("output") @JsonInclude(JsonInclude.Include.NON_NULL) String output,
      @JsonProperty(value = "weight", required = true) double weight,
      @JsonProperty("source") @JsonInclude(JsonInclude.Include.NON_NULL) Source source,
      @JsonProperty("format") @JsonInclude(JsonInclude.Include.NON_NULL) String format,
      @JsonProperty("output_kind") @JsonInclude(JsonInclude.Include.NON_NULL) String outputKind,
      @JsonProperty("fake_class") @JsonInclude(JsonInclude.Include.NON_NULL) Integer fakeClass) {

    /** A SavedModel entry with a logit output, as export and import write them. */
    public static Model savedModel(String name, String path, int inputSize, float[] mean,
        float[] std, String signature, String input, String output, double weight,
        Source source) {
      return new Model(name, path, inputSize, InputLayout.NHWC.manifestName(), mean, std,
          signature, input, output, weight, source, null, null, null);
    }

    /** The model's format; SavedModel when the entry names none. */
    @JsonIgnore
    public ModelFormat modelFormat() {
      return format == null ? ModelFormat.SAVEDMODEL : ModelFormat.fromManifest(format);
    }

    /** The input layout. */
    @JsonIgnore
    public InputLayout inputLayout() {
      return InputLayout.valueOf(layout);
    }

    /** What the output means; a logit when the entry does not say. */
    @JsonIgnore
    public ScoreOutput scoreOutput() {
      ScoreOutput.Kind kind = outputKind == null ? ScoreOutput.Kind.LOGIT
          : ScoreOutput.Kind.fromManifest(outputKind);
      return kind == ScoreOutput.Kind.TWO_CLASS_LOGITS ? ScoreOutput.twoClass(fakeClass)
          : new ScoreOutput(kind, -1);
    }
  }

  /** The formats a model of the ensemble can have. */
  public enum ModelFormat {
    /** A TensorFlow SavedModel directory, run by TensorFlow. */
    SAVEDMODEL,
    /** An ONNX file, run by ONNX Runtime. */
    ONNX;

    /** The manifest's spelling: {@code savedmodel} or {@code onnx}. */
    public String manifestName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The format the manifest names, or null when it names none of them. */
    public static ModelFormat fromManifest(String name) {
      for (ModelFormat format : values()) {
        if (format.manifestName().equals(name)) {
          return format;
        }
      }
      return null;
    }
  }

  /**
   * Where an imported model came from.
   *
   * @param file the source file's name
   * @param sha256 its SHA-256, lower-case hexadecimal
   * @param format what kind of file it was, e.g. {@code pytorch-legacy} or {@code pytorch-zip}
   */
  public record Source(
      @JsonProperty(value = "file", required = true) String file,
      @JsonProperty(value = "sha256", required = true) String sha256,
      @JsonProperty(value = "format", required = true) String format) {}

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      // Missing properties fail through required = true; the optional ones may be left out.
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /**
   * Reads and checks the manifest of an ensemble directory.
   *
   * @throws ModelException saying what is wrong and where
   */
  public static EnsembleManifest read(Path ensembleDirectory) {
    Path file = ensembleDirectory.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new ModelException("No ensemble manifest at " + file);
    }
    EnsembleManifest manifest;
    try {
      manifest = JSON.readValue(file.toFile(), EnsembleManifest.class);
    } catch (MismatchedInputException e) {
      throw new ModelException("Ensemble manifest " + file + " is invalid: "
          + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ModelException("Cannot read the ensemble manifest " + file + ": "
          + e.getMessage(), e);
    }
    manifest.check(file);
    return manifest;
  }

  private void check(Path file) {
    String where = "Ensemble manifest " + file + ": ";
    if (version == null || version.isBlank()) {
      throw new ModelException(where + "version is empty");
    }
    if (models == null || models.isEmpty()) {
      throw new ModelException(where + "no models");
    }
    Set<String> names = new HashSet<>();
    for (Model model : models) {
      String at = where + "model " + model.name() + ": ";
      if (model.name() == null || model.name().isBlank() || !names.add(model.name())) {
        throw new ModelException(where + "model names must be unique and non-empty: "
            + model.name());
      }
      checkFormat(at, model);
      if (model.inputSize() < 1 || model.inputSize() > 4096) {
        throw new ModelException(at + "input_size must be in [1, 4096]: " + model.inputSize());
      }
      if (model.mean().length != 3 || model.std().length != 3) {
        throw new ModelException(at + "mean and std need three values (RGB)");
      }
      for (float s : model.std()) {
        if (!(s > 0)) {
          throw new ModelException(at + "std values must be positive");
        }
      }
      if (!(model.weight() > 0) || Double.isInfinite(model.weight())) {
        throw new ModelException(at + "weight must be positive: " + model.weight());
      }
      Path path = Path.of(model.path());
      if (path.isAbsolute() || path.normalize().startsWith("..")) {
        throw new ModelException(at + "path must stay inside the ensemble directory: "
            + model.path());
      }
      if (model.modelFormat() == ModelFormat.ONNX && !model.path().endsWith(".onnx")) {
        throw new ModelException(at + "path must name a .onnx file: " + model.path());
      }
    }
  }

  /** The format, the fields it needs and refuses, the layout and the output kind. */
  private static void checkFormat(String at, Model model) {
    ModelFormat format = model.modelFormat();
    if (format == null) {
      throw new ModelException(at + "format " + model.format()
          + " is not supported; use savedmodel or onnx");
    }
    if (format == ModelFormat.SAVEDMODEL) {
      for (String[] field : new String[][] {{"signature", model.signature()},
          {"input", model.input()}, {"output", model.output()}}) {
        if (field[1] == null || field[1].isBlank()) {
          throw new ModelException(at + "a SavedModel needs '" + field[0] + "'");
        }
      }
      if (!"NHWC".equals(model.layout())) {
        throw new ModelException(at + "layout " + model.layout()
            + " is not supported for a SavedModel; use NHWC");
      }
    } else {
      if (model.signature() != null) {
        throw new ModelException(at + "an ONNX model has no signature; remove 'signature'");
      }
      if (!"NHWC".equals(model.layout()) && !"NCHW".equals(model.layout())) {
        throw new ModelException(at + "layout " + model.layout()
            + " is not supported; use NCHW or NHWC");
      }
      for (String[] field : new String[][] {{"input", model.input()},
          {"output", model.output()}}) {
        if (field[1] != null && field[1].isBlank()) {
          throw new ModelException(at + "'" + field[0] + "' is empty; name the model's "
              + field[0] + " or leave the field out when it has only one");
        }
      }
    }
    ScoreOutput.Kind kind = model.outputKind() == null ? ScoreOutput.Kind.LOGIT
        : ScoreOutput.Kind.fromManifest(model.outputKind());
    if (kind == null) {
      throw new ModelException(at + "output_kind " + model.outputKind()
          + " is not supported; use logit, probability or two_class_logits");
    }
    if (kind == ScoreOutput.Kind.TWO_CLASS_LOGITS) {
      if (model.fakeClass() == null || model.fakeClass() < 0 || model.fakeClass() > 1) {
        throw new ModelException(at + "two_class_logits needs fake_class, the index (0 or 1) of"
            + " the fake class: " + model.fakeClass());
      }
    } else if (model.fakeClass() != null) {
      throw new ModelException(at + "fake_class is only for output_kind two_class_logits");
    }
  }
}
