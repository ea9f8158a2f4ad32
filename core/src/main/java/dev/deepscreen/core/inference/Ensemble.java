package dev.deepscreen.core.inference;

import dev.deepscreen.core.strategy.EnsembleModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The models of one ensemble version, loaded from a directory holding {@code ensemble.json}
 * and the models it names (TensorFlow SavedModels and ONNX files, mixed as the manifest says),
 * each checked against its manifest entry. Nothing above it knows which engine runs a model:
 * every member is a {@link FaceClassifier}. Owns the models' native memory: close it.
 */
public final class Ensemble implements AutoCloseable {

  /** A loaded model with its manifest entry and its own preprocessing. */
  public record Member(EnsembleManifest.Model spec, FaceClassifier model,
      FacePreprocessor preprocessor) {

    /** A new, empty batch of {@code count} faces for this model, in its layout. */
    public FaceBatch newBatch(int count) {
      return model.newBatch(count);
    }
  }

  private final String version;
  private final List<Member> members;

  private Ensemble(String version, List<Member> members) {
    this.version = version;
    this.members = List.copyOf(members);
  }

  /**
   * Loads every model of the manifest.
   *
   * @throws ModelException naming the model that is missing or does not match
   */
  public static Ensemble load(Path directory) {
    return load(directory, InferenceOptions.CPU_DEFAULTS);
  }

  /**
   * Loads every model of the manifest into sessions running with {@code options}. When one
   * fails, those already loaded are closed: an ensemble loads whole or not at all.
   *
   * @throws ModelException naming the model that is missing or does not match
   */
  public static Ensemble load(Path directory, InferenceOptions options) {
    EnsembleManifest manifest = EnsembleManifest.read(directory);
    List<Member> members = new ArrayList<>();
    try {
      for (EnsembleManifest.Model spec : manifest.models()) {
        FaceClassifier model = switch (spec.modelFormat()) {
          case SAVEDMODEL -> FaceModel.load(spec.name(), directory.resolve(spec.path()),
              spec.signature(), spec.input(), spec.output(), spec.inputSize(),
              spec.scoreOutput(), options);
          case ONNX -> OnnxFaceModel.load(spec.name(), directory.resolve(spec.path()), directory,
              spec.input(), spec.output(), spec.inputSize(), spec.inputLayout(),
              spec.scoreOutput(), options);
        };
        members.add(new Member(spec, model,
            new FacePreprocessor(spec.inputSize(), spec.mean(), spec.std())));
      }
    } catch (RuntimeException e) {
      members.forEach(m -> m.model().close());
      throw e;
    }
    return new Ensemble(manifest.version(), members);
  }

  /** The ensemble's version, carried by every face score it produces. */
  public String version() {
    return version;
  }

  /** The models in manifest order. */
  public List<Member> members() {
    return members;
  }

  /** The models' names and weights in manifest order, as the strategy takes them. */
  public List<EnsembleModel> models() {
    return members.stream().map(m -> new EnsembleModel(m.spec().name(), m.spec().weight()))
        .toList();
  }

  @Override
  public void close() {
    members.forEach(m -> m.model().close());
  }
}
