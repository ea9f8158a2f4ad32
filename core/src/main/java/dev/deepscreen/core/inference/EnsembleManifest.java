package dev.deepscreen.core.inference;

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
 * {@code ensemble.json}, the description of an ensemble next to its SavedModels: its version,
 * and for each model where it is, what input it takes and how much it counts. Read strictly:
 * an unknown or missing field is an error, so a typo cannot silently fall back to a default.
 *
 * <pre>{
 *   "version": "2026.11.1",
 *   "models": [
 *     {"name": "b0-fold0", "path": "b0-fold0", "input_size": 380, "layout": "NHWC",
 *      "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
 *      "signature": "serving_default", "input": "image", "output": "logit", "weight": 1.0,
 *      "source": {"file": "final_111_DeepFakeClassifier_tf_efficientnet_b7_ns_0_36",
 *                 "sha256": "…", "format": "pytorch-legacy"}}
 *   ]
 * }</pre>
 *
 * <p>{@code source} is optional: an imported model says which file it was made from.
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
   * @param path the SavedModel directory, relative to the ensemble directory
   * @param inputSize side of the square input, pixels
   * @param layout tensor layout of the input; only NHWC is supported
   * @param mean per-channel mean, RGB, applied after scaling to [0, 1]
   * @param std per-channel standard deviation, RGB
   * @param signature the SavedModel signature to run
   * @param input the signature's image input
   * @param output the signature's logit output
   * @param weight the model's weight in the ensemble mean, positive
   * @param source the file the model was imported from, or null
   */
  public record Model(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty(value = "path", required = true) String path,
      @JsonProperty(value = "input_size", required = true) int inputSize,
      @JsonProperty(value = "layout", required = true) String layout,
      @JsonProperty(value = "mean", required = true) float[] mean,
      @JsonProperty(value = "std", required = true) float[] std,
      @JsonProperty(value = "signature", required = true) String signature,
      @JsonProperty(value = "input", required = true) String input,
      @JsonProperty(value = "output", required = true) String output,
      @JsonProperty(value = "weight", required = true) double weight,
      @JsonProperty("source") @JsonInclude(JsonInclude.Include.NON_NULL) Source source) {}

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
      if (!"NHWC".equals(model.layout())) {
        throw new ModelException(at + "layout " + model.layout() + " is not supported; use NHWC");
      }
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
    }
  }
}
