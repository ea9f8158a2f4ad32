package dev.deepscreen.core.strategy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Combines the face probabilities of an ensemble into one probability per video: a strategy per
 * model, then the mean over the models weighted by the manifest's weights (the reference
 * solution's plain mean when every weight is equal). Shared by the aggregation stage and the
 * trainer's evaluation, so it knows nothing of Kafka or Avro.
 */
public final class EnsembleStrategy {

  private static final Comparator<TrackOutcome> MOST_SUSPICIOUS_FIRST =
      Comparator.comparingDouble(TrackOutcome::probability).reversed()
          .thenComparing(TrackOutcome::trackId, Comparator.nullsLast(Comparator.naturalOrder()));

  private final Method method;
  private final double threshold;

  /**
   * @param method how faces are combined
   * @param threshold {@link ConfidentStrategy}'s {@code t}, in (0, 1)
   */
  public EnsembleStrategy(Method method, double threshold) {
    this.method = Objects.requireNonNull(method, "method");
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("the threshold must be in (0, 1): " + threshold);
    }
    this.threshold = threshold;
  }

  /** The reference: {@link Method#CONFIDENT} with t = 0.8. */
  public static EnsembleStrategy reference() {
    return new EnsembleStrategy(Method.CONFIDENT, ConfidentStrategy.DEFAULT_THRESHOLD);
  }

  /**
   * The video's result.
   *
   * @param models the ensemble's models with their weights; each face has one probability per
   *     model, in this order
   * @param faces the video's scored faces
   * @throws IllegalArgumentException if there is no model or no face, or a face's probability
   *     count differs from the model count, or the weights' sum overflows
   */
  public VideoResult apply(List<EnsembleModel> models, List<Face> faces) {
    if (models.isEmpty()) {
      throw new IllegalArgumentException("no model: the ensemble needs at least one");
    }
    if (faces.isEmpty()) {
      throw new IllegalArgumentException("no face: a video without scored faces has no result");
    }
    for (Face face : faces) {
      if (face.probabilities().length != models.size()) {
        throw new IllegalArgumentException("a face has " + face.probabilities().length
            + " probabilities for " + models.size() + " models " + models);
      }
    }
    List<TrackOutcome> tracks = faces.stream().anyMatch(f -> f.trackId() != null)
        ? perTrack(models, faces) : List.of();
    if (method == Method.PER_TRACK) {
      List<TrackOutcome> groups = tracks.isEmpty() ? perTrack(models, faces) : tracks;
      TrackOutcome decisive = groups.get(0);
      return new VideoResult(decisive.probability(), method, decisive.models(), tracks);
    }
    List<ModelOutcome> outcomes = perModel(models, faces);
    return new VideoResult(meanOf(models, outcomes), method, outcomes, tracks);
  }

  private List<TrackOutcome> perTrack(List<EnsembleModel> models, List<Face> faces) {
    Map<Integer, List<Face>> groups = new LinkedHashMap<>();
    faces.forEach(f -> groups.computeIfAbsent(f.trackId(), k -> new ArrayList<>()).add(f));
    List<TrackOutcome> tracks = new ArrayList<>();
    groups.forEach((trackId, members) -> {
      List<ModelOutcome> outcomes = perModel(models, members);
      tracks.add(new TrackOutcome(trackId, meanOf(models, outcomes), members.size(), outcomes));
    });
    tracks.sort(MOST_SUSPICIOUS_FIRST);
    return tracks;
  }

  private List<ModelOutcome> perModel(List<EnsembleModel> models, List<Face> faces) {
    List<ModelOutcome> outcomes = new ArrayList<>(models.size());
    for (int m = 0; m < models.size(); m++) {
      double[] column = new double[faces.size()];
      for (int i = 0; i < column.length; i++) {
        column[i] = faces.get(i).probabilities()[m];
      }
      StrategyResult result = method == Method.MEAN ? ConfidentStrategy.mean(column)
          : ConfidentStrategy.apply(column, threshold);
      outcomes.add(new ModelOutcome(models.get(m).name(), result));
    }
    return outcomes;
  }

  private static double meanOf(List<EnsembleModel> models, List<ModelOutcome> outcomes) {
    double[] probabilities = new double[outcomes.size()];
    for (int m = 0; m < probabilities.length; m++) {
      probabilities[m] = outcomes.get(m).result().probability();
    }
    return EnsembleModel.weightedMean(models, probabilities);
  }
}
