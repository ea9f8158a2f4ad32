package dev.deepscreen.streams.score;

import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.ModelScore;
import dev.deepscreen.avro.ScoreStatus;
import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.core.inference.EnsembleManifest;
import dev.deepscreen.core.inference.FaceBatch;
import dev.deepscreen.core.inference.FaceClassifier;
import dev.deepscreen.core.inference.Heatmap;
import dev.deepscreen.core.inference.FacePreprocessor;
import dev.deepscreen.core.inference.ScoreOutput;
import dev.deepscreen.core.inference.Scores;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a batch of face crops with every model of an ensemble: each crop is decoded once,
 * preprocessed for each model, and each model runs once over the whole batch. A crop that cannot
 * be decoded fails alone; when a model fails on a batch, its crops are retried one by one so
 * that one poisonous crop (or a batch too large for the device) fails only what it must.
 *
 * <p>A model that explains itself (see {@link FaceClassifier#explains}) answers, in the same
 * engine call as its logits, a heatmap per crop, which the face score carries quantised; the
 * others answer none, and the score carries none for them.
 *
 * <p>One per thread (a stream task, or the offline batch path). The ensemble is shared and
 * outlives it.
 */
public final class FaceScorer {

  private static final Logger LOG = LoggerFactory.getLogger(FaceScorer.class);

  /**
   * The result for one crop: either one probability per model in manifest order, or why the
   * crop could not be scored.
   *
   * @param probabilities per model, null when failed
   * @param heatmaps per model, its heatmap of the crop or null where it has none; null when
   *     failed
   * @param failure the error, null when scored
   * @param inferenceMs this crop's share of the model time of its batch
   */
  public record Outcome(double[] probabilities, Heatmap[] heatmaps, Exception failure,
      double inferenceMs) {
    /** Whether the crop could not be scored. */
    public boolean failed() {
      return failure != null;
    }
  }

  private final Ensemble ensemble;
  private final boolean heatmaps;

  /**
   * A scorer over {@code ensemble}, which the caller owns and closes after it, with heatmaps
   * from the models that explain themselves.
   */
  public FaceScorer(Ensemble ensemble) {
    this(ensemble, true);
  }

  /**
   * A scorer over {@code ensemble}; {@code heatmaps} false scores with logits alone (to measure
   * what heatmaps cost).
   */
  public FaceScorer(Ensemble ensemble, boolean heatmaps) {
    this.ensemble = ensemble;
    this.heatmaps = heatmaps;
  }

  public Ensemble ensemble() {
    return ensemble;
  }

  /** Scores {@code crops}; the outcomes are in the same order. */
  public List<Outcome> score(List<FaceCrop> crops) {
    int count = crops.size();
    Mat[] images = new Mat[count];
    Exception[] failures = new Exception[count];
    double[][] probabilities = new double[count][];
    Heatmap[][] maps = new Heatmap[count][];
    try {
      for (int i = 0; i < count; i++) {
        try {
          images[i] = decode(crops.get(i));
          probabilities[i] = new double[ensemble.members().size()];
          maps[i] = new Heatmap[ensemble.members().size()];
        } catch (IllegalArgumentException e) {
          failures[i] = e;
        }
      }
      long started = System.nanoTime();
      for (int m = 0; m < ensemble.members().size(); m++) {
        runModel(m, images, failures, probabilities, maps);
      }
      int scored = (int) Arrays.stream(failures).filter(f -> f == null).count();
      double share = scored == 0 ? 0 : (System.nanoTime() - started) / 1e6 / scored;
      List<Outcome> outcomes = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        outcomes.add(failures[i] != null ? new Outcome(null, null, failures[i], 0)
            : new Outcome(probabilities[i], maps[i], null, share));
      }
      return outcomes;
    } finally {
      for (Mat image : images) {
        if (image != null) {
          image.close();
        }
      }
    }
  }

  private static Mat decode(FaceCrop crop) {
    ByteBuffer buffer = crop.getCropJpeg().duplicate();
    byte[] jpeg = new byte[buffer.remaining()];
    buffer.get(jpeg);
    return FacePreprocessor.decode(jpeg, crop.getCropWidth(), crop.getCropHeight());
  }

  /** Runs model {@code m} over every crop not failed yet, then over failures of the batch. */
  private void runModel(int m, Mat[] images, Exception[] failures, double[][] probabilities,
      Heatmap[][] maps) {
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < images.length; i++) {
      if (failures[i] == null) {
        pending.add(i);
      }
    }
    if (pending.isEmpty()) {
      return;
    }
    try {
      Scores scores = scores(m, images, pending);
      for (int j = 0; j < pending.size(); j++) {
        probabilities[pending.get(j)][m] = sigmoid(scores.logits()[j]);
        maps[pending.get(j)][m] = scores.heatmaps().isEmpty() ? null : scores.heatmaps().get(j);
      }
    } catch (RuntimeException batchFailure) {
      if (pending.size() == 1) {
        failures[pending.get(0)] = modelFailure(m, batchFailure);
        return;
      }
      LOG.warn("Model {} failed on a batch of {} crops; retrying them one by one",
          ensemble.members().get(m).spec().name(), pending.size(), batchFailure);
      for (int i : pending) {
        try {
          Scores scores = scores(m, images, List.of(i));
          probabilities[i][m] = sigmoid(scores.logits()[0]);
          maps[i][m] = scores.heatmaps().isEmpty() ? null : scores.heatmaps().get(0);
        } catch (RuntimeException e) {
          failures[i] = modelFailure(m, e);
        }
      }
    }
  }

  private Scores scores(int m, Mat[] images, List<Integer> indices) {
    Ensemble.Member member = ensemble.members().get(m);
    FaceBatch batch = member.newBatch(indices.size());
    for (int j = 0; j < indices.size(); j++) {
      member.preprocessor().write(images[indices.get(j)], batch, j);
    }
    Scores scores = member.model().scores(batch, heatmaps);
    for (float logit : scores.logits()) {
      if (Float.isNaN(logit)) {
        throw new IllegalStateException("Model " + member.spec().name()
            + " answered NaN");
      }
    }
    return scores;
  }

  private IllegalStateException modelFailure(int m, RuntimeException cause) {
    return new IllegalStateException("Model " + ensemble.members().get(m).spec().name()
        + " failed on this crop: " + cause.getMessage(), cause);
  }

  /** The logistic function, stable for large logits of either sign. */
  static double sigmoid(float logit) {
    return ScoreOutput.probability(logit);
  }

  /** The face score record of {@code crop} for its outcome, as the stage writes it. */
  public FaceScore faceScore(FaceCrop crop, Outcome outcome, Instant scoredAt) {
    List<ModelScore> models = new ArrayList<>();
    if (!outcome.failed()) {
      for (int m = 0; m < ensemble.members().size(); m++) {
        EnsembleManifest.Model spec = ensemble.members().get(m).spec();
        models.add(new ModelScore(spec.name(), outcome.probabilities()[m], spec.weight(),
            heatmap(outcome.heatmaps()[m])));
      }
    }
    return FaceScore.newBuilder().setEventId(crop.getEventId())
        .setFrameIndex(crop.getFrameIndex()).setFrameTimeMs(crop.getFrameTimeMs())
        .setFaceIndex(crop.getFaceIndex()).setTrackId(crop.getTrackId())
        .setStatus(outcome.failed() ? ScoreStatus.FAILED : ScoreStatus.OK)
        .setReason(outcome.failed() ? outcome.failure().getMessage() : null)
        .setModelScores(models).setEnsembleVersion(ensemble.version()).setScoredAt(scoredAt)
        .setInferenceMs(outcome.inferenceMs()).setBox(crop.getBox()).build();
  }

  /** The record of {@code heatmap}; null for none. */
  static dev.deepscreen.avro.Heatmap heatmap(Heatmap heatmap) {
    return heatmap == null ? null : new dev.deepscreen.avro.Heatmap(heatmap.width(),
        heatmap.height(), ByteBuffer.wrap(heatmap.cells().clone()), heatmap.max());
  }
}
