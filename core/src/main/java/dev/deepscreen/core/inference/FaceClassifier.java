package dev.deepscreen.core.inference;

/**
 * One classifier of an ensemble, whatever engine runs it: it takes a batch of preprocessed
 * faces in its own layout and answers, per face, the logit (log-odds) that the face is fake,
 * whatever its output is (see {@link ScoreOutput}); {@link ScoreOutput#probability} turns it into
 * the probability the strategy takes.
 *
 * <p>Implementations own native memory: close them. They are shared by the threads of a stage:
 * {@link #logits} may be called concurrently, {@link #close} waits for the calls in flight and
 * refuses later ones with an {@link IllegalStateException}, and a second close does nothing.
 */
public interface FaceClassifier extends AutoCloseable {

  /** The model's name in the ensemble. */
  String name();

  /** Side of the square input, pixels. */
  int inputSize();

  /** The layout of the input tensor. */
  InputLayout layout();

  /** Which engine runs the model and where, for the logs: e.g. "ONNX Runtime (CPU)". */
  String engine();

  /** A new, empty batch of {@code count} faces for this model. */
  default FaceBatch newBatch(int count) {
    return new FaceBatch(count, inputSize(), layout());
  }

  /**
   * The fake-class logit of every face of {@code faces}.
   *
   * @throws IllegalArgumentException if the batch is not of this model's size and layout
   * @throws IllegalStateException if the model is closed, or the engine fails on the batch
   */
  float[] logits(FaceBatch faces);

  /**
   * Whether {@link #scores} can answer heatmaps: a TensorFlow model exported with the trainer's
   * Grad-CAM signature can; an ONNX model or an older export cannot.
   */
  default boolean explains() {
    return false;
  }

  /**
   * The logits of {@code faces} and, when {@code heatmaps} is asked and the model {@link
   * #explains} itself, a heatmap per face computed in the same engine call (the same forward
   * pass). A model that cannot explain itself answers the logits alone: "no heatmap" is an
   * answer, never an error.
   *
   * @throws IllegalArgumentException if the batch is not of this model's size and layout
   * @throws IllegalStateException if the model is closed, or the engine fails on the batch
   */
  default Scores scores(FaceBatch faces, boolean heatmaps) {
    return Scores.withoutHeatmaps(logits(faces));
  }

  /** Releases the model once the calls in flight have returned. Safe to call twice. */
  @Override
  void close();
}
