package dev.deepscreen.streams.aggregate;

import dev.deepscreen.avro.AggregationStrategy;
import dev.deepscreen.avro.ExtractionStatus;
import dev.deepscreen.avro.ExtractionSummary;
import dev.deepscreen.avro.FaceEvidence;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.Label;
import dev.deepscreen.avro.FrameScore;
import dev.deepscreen.avro.ModelResult;
import dev.deepscreen.avro.ModelScore;
import dev.deepscreen.avro.ScoreStatus;
import dev.deepscreen.avro.StageTimings;
import dev.deepscreen.avro.StrategyBranch;
import dev.deepscreen.avro.TrackResult;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.avro.VerdictStatus;
import dev.deepscreen.core.strategy.EnsembleModel;
import dev.deepscreen.core.strategy.EnsembleStrategy;
import dev.deepscreen.core.strategy.Face;
import dev.deepscreen.core.strategy.Method;
import dev.deepscreen.core.strategy.VideoResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds one event's verdict from its extraction summary and the face scores that arrived. Knows
 * nothing of Kafka: the processor (or the offline batch path) decides when, this class decides
 * what.
 *
 * <p>Rules beyond the strategy itself:
 * <ul>
 *   <li>a summary whose status is not OK gives a verdict of that status at the reference's 0.5;
 *       OK with no crop emitted counts as NO_FACES;
 *   <li>only scores with status OK, one probability in [0, 1] per model of the ensemble, are
 *       used; the others count as failed; when none is left the verdict is SCORING_FAILED at 0.5
 *       (or PARTIAL at 0.5 when the event timed out before any score came);
 *   <li>the models' weights in the ensemble mean come with the scores (written by the scorer
 *       from the manifest; 1.0 in scores written before weights were recorded): the models and
 *       weights most scores of the version list are used, and a score listing other models or
 *       other weights counts as failed;
 *   <li>scores of two ensemble versions are never mixed in one strategy: the version that
 *       scored the most faces is used (on a tie the one with the newest score, the rollout in
 *       progress), and the reason says how many faces of which other version were ignored;
 *   <li>the first {@value #EVIDENCE_FRAMES} top frames carry their evidence for a reviewer:
 *       their most suspicious faces (at most {@value #EVIDENCE_FACES_PER_FRAME}), each with its
 *       box, track, probability and the model scores with their heatmaps as the scoring stage
 *       wrote them (a few dozen bytes per model and face, no pixels), so that a verdict stays
 *       far below a Kafka record's usual limit whatever the crowd or the top-frames setting.
 * </ul>
 */
public final class VerdictFactory {

  /** The reference solution's answer when it cannot read faces. */
  static final double NO_EVIDENCE_PROBABILITY = 0.5;

  /** The most faces of one top frame whose evidence a verdict carries. */
  static final int EVIDENCE_FACES_PER_FRAME = 4;

  /** The most top frames that carry evidence. */
  static final int EVIDENCE_FRAMES = 10;

  private static final Comparator<FaceScore> FRAME_ORDER = Comparator
      .comparingInt(FaceScore::getFrameIndex).thenComparingInt(FaceScore::getFaceIndex);
  private static final Comparator<FrameScore> MOST_SUSPICIOUS_FIRST = Comparator
      .comparingDouble(FrameScore::getMaxProbability).reversed()
      .thenComparingInt(FrameScore::getFrameIndex);

  private final EnsembleStrategy strategy;
  private final AggregationStrategy strategyName;
  private final ModerationPolicy policy;
  private final int topFrames;
  private final Duration completionTimeout;

  VerdictFactory(EnsembleStrategy strategy, Method method, ModerationPolicy policy, int topFrames,
      Duration completionTimeout) {
    this.strategy = strategy;
    this.strategyName = AggregationStrategy.valueOf(method.name());
    this.policy = policy;
    this.topFrames = topFrames;
    this.completionTimeout = completionTimeout;
  }

  /** The factory the aggregation settings describe. */
  public static VerdictFactory of(AggregateConfig config) {
    return new VerdictFactory(config.strategy(), config.method(), config.moderationPolicy(),
        config.topFrames(), config.completionTimeout());
  }

  /**
   * The verdict.
   *
   * @param summary the event's extraction summary
   * @param scores the distinct face scores that arrived, in any order
   * @param timedOut whether the event stopped waiting before every expected score came
   * @param decidedAt wall-clock time of the decision
   */
  public Verdict decide(ExtractionSummary summary, Collection<FaceScore> scores, boolean timedOut,
      long decidedAt) {
    ExtractionStatus status = summary.getStatus();
    if (status == ExtractionStatus.OK && summary.getCropsEmitted() <= 0) {
      return noEvidence(summary, VerdictStatus.NO_FACES, summary.getReason() != null
          ? summary.getReason() : "the extraction emitted no face crop", List.of(), decidedAt)
          .build();
    }
    switch (status) {
      case OK:
        return fromScores(summary, scores, timedOut, decidedAt);
      case NO_FACES:
      case UNREADABLE:
      case REJECTED:
      case TIMED_OUT:
        return noEvidence(summary, VerdictStatus.valueOf(status.name()), summary.getReason(),
            List.of(), decidedAt).build();
      default:
        return noEvidence(summary, VerdictStatus.UNKNOWN, "extraction status " + status
            + " is not understood by this version of the aggregation", List.of(), decidedAt)
            .build();
    }
  }

  private Verdict fromScores(ExtractionSummary summary, Collection<FaceScore> arrived,
      boolean timedOut, long decidedAt) {
    List<FaceScore> scores = arrived.stream().sorted(FRAME_ORDER).toList();
    List<String> notes = new ArrayList<>();
    if (timedOut) {
      notes.add("timed out after " + completionTimeout.toMillis() + " ms with " + scores.size()
          + " of " + summary.getCropsEmitted() + " face scores");
    }
    Map<String, List<FaceScore>> okByVersion = new LinkedHashMap<>();
    int failed = 0;
    for (FaceScore score : scores) {
      if (score.getStatus() == ScoreStatus.OK) {
        okByVersion.computeIfAbsent(score.getEnsembleVersion(), v -> new ArrayList<>())
            .add(score);
      } else {
        failed++;
      }
    }
    String version = chooseVersion(okByVersion);
    List<FaceScore> used = new ArrayList<>();
    List<Face> faces = new ArrayList<>();
    List<EnsembleModel> models = List.of();
    if (version != null) {
      List<FaceScore> candidates = okByVersion.get(version);
      models = modelSet(candidates);
      int unusable = 0;
      for (FaceScore score : candidates) {
        Face face = faceOf(score, models);
        if (face == null) {
          unusable++;
        } else {
          used.add(score);
          faces.add(face);
        }
      }
      if (unusable > 0) {
        failed += unusable;
        notes.add(unusable + " scores had a probability outside [0, 1] or other models or"
            + " weights than " + models);
      }
      okByVersion.forEach((other, list) -> {
        if (!other.equals(version)) {
          notes.add("mixed ensemble versions: used " + version + " (" + candidates.size()
              + " faces), ignored " + other + " (" + list.size() + " faces)");
        }
      });
    }
    if (failed > 0) {
      notes.add(failed + " of " + summary.getCropsEmitted() + " faces could not be scored");
    }
    if (faces.isEmpty()) {
      boolean nothingCame = timedOut && scores.isEmpty();
      VerdictStatus status = nothingCame ? VerdictStatus.PARTIAL : VerdictStatus.SCORING_FAILED;
      return noEvidence(summary, status, String.join("; ", notes), scores, decidedAt)
          .setFacesFailed(failed).build();
    }
    VideoResult result = strategy.apply(models, faces);
    List<FrameScore> timeline = timeline(models, used, faces);
    return base(summary, timedOut ? VerdictStatus.PARTIAL : VerdictStatus.OK,
        String.join("; ", notes), result.probability(), scores, decidedAt)
        .setModelResults(result.models().stream().map(m -> new ModelResult(m.model(),
            m.result().probability(), StrategyBranch.valueOf(m.result().branch().name()),
            m.result().faces())).toList())
        .setTrackResults(result.tracks().stream().filter(t -> t.trackId() != null)
            .map(t -> new TrackResult(t.trackId(), t.probability(), t.faces())).toList())
        .setFacesScored(used.size()).setFacesFailed(failed).setTimeline(timeline)
        .setTopFrames(topFrames(timeline, models, used, faces))
        .setEnsembleVersion(version).build();
  }

  /** The version with the most faces; on a tie the one with the newest score. */
  private static String chooseVersion(Map<String, List<FaceScore>> okByVersion) {
    return okByVersion.entrySet().stream()
        .max(Comparator.<Map.Entry<String, List<FaceScore>>>comparingInt(e -> e.getValue().size())
            .thenComparing(e -> e.getValue().stream().map(FaceScore::getScoredAt)
                .max(Comparator.naturalOrder()).orElse(Instant.EPOCH)))
        .map(Map.Entry::getKey).orElse(null);
  }

  /**
   * The models of a version with their weights, as most of its scores list them: one score with
   * a broken list (none, a model missing, a weight that differs or is not positive and finite)
   * must not make the others unusable.
   */
  private static List<EnsembleModel> modelSet(List<FaceScore> candidates) {
    Map<List<EnsembleModel>, Integer> counts = new LinkedHashMap<>();
    for (FaceScore score : candidates) {
      List<EnsembleModel> models = modelsOf(score);
      if (!models.isEmpty()) {
        counts.merge(models, 1, Integer::sum);
      }
    }
    // On equal counts the list seen first in frame order stays.
    return counts.entrySet().stream()
        .reduce((a, b) -> b.getValue() > a.getValue() ? b : a)
        .map(Map.Entry::getKey).orElse(List.of());
  }

  /** The models and weights a score lists, or none when a weight is unusable. */
  private static List<EnsembleModel> modelsOf(FaceScore score) {
    List<EnsembleModel> models = new ArrayList<>(score.getModelScores().size());
    for (ModelScore modelScore : score.getModelScores()) {
      double weight = modelScore.getWeight();
      if (!(weight > 0) || Double.isInfinite(weight)) {
        return List.of();
      }
      models.add(new EnsembleModel(modelScore.getModel(), weight));
    }
    return models;
  }

  /** The face in model order, or null when it cannot be used. */
  private static Face faceOf(FaceScore score, List<EnsembleModel> models) {
    List<ModelScore> modelScores = score.getModelScores();
    if (models.isEmpty() || modelScores.size() != models.size()) {
      return null;
    }
    double[] probabilities = new double[models.size()];
    for (int m = 0; m < probabilities.length; m++) {
      ModelScore modelScore = modelScores.get(m);
      EnsembleModel model = models.get(m);
      double p = modelScore.getProbability();
      // Weights are copied from one manifest, never computed: equal means bit for bit equal.
      if (!modelScore.getModel().equals(model.name())
          || Double.compare(modelScore.getWeight(), model.weight()) != 0
          || !(p >= 0 && p <= 1)) {
        return null;
      }
      probabilities[m] = p;
    }
    return new Face(score.getTrackId(), probabilities);
  }

  /** Per frame in frame order: the highest weighted ensemble-mean face probability. */
  private static List<FrameScore> timeline(List<EnsembleModel> models, List<FaceScore> used,
      List<Face> faces) {
    Map<Integer, FrameScore> frames = new TreeMap<>();
    for (int i = 0; i < used.size(); i++) {
      FaceScore score = used.get(i);
      double p = faces.get(i).ensembleMean(models);
      frames.merge(score.getFrameIndex(),
          new FrameScore(score.getFrameIndex(), score.getFrameTimeMs(), p, 1, null),
          (a, b) -> new FrameScore(a.getFrameIndex(), a.getFrameTimeMs(),
              Math.max(a.getMaxProbability(), b.getMaxProbability()), a.getFaces() + 1, null));
    }
    return List.copyOf(frames.values());
  }

  /** The most suspicious frames, the first of them with their evidence. */
  private List<FrameScore> topFrames(List<FrameScore> timeline, List<EnsembleModel> models,
      List<FaceScore> used, List<Face> faces) {
    List<FrameScore> top = timeline.stream().sorted(MOST_SUSPICIOUS_FIRST).limit(topFrames)
        .toList();
    List<FrameScore> withEvidence = new ArrayList<>(top.size());
    for (int i = 0; i < top.size(); i++) {
      withEvidence.add(i < EVIDENCE_FRAMES ? withEvidence(top.get(i), models, used, faces)
          : top.get(i));
    }
    return withEvidence;
  }

  /** {@code frame} with its most suspicious faces, most suspicious first. */
  private static FrameScore withEvidence(FrameScore frame, List<EnsembleModel> models,
      List<FaceScore> used, List<Face> faces) {
    List<FaceEvidence> evidence = new ArrayList<>();
    for (int i = 0; i < used.size(); i++) {
      FaceScore score = used.get(i);
      if (score.getFrameIndex() == frame.getFrameIndex()) {
        evidence.add(new FaceEvidence(score.getFaceIndex(), score.getTrackId(), score.getBox(),
            faces.get(i).ensembleMean(models), score.getModelScores()));
      }
    }
    evidence.sort(Comparator.comparingDouble(FaceEvidence::getProbability).reversed()
        .thenComparingInt(FaceEvidence::getFaceIndex));
    return FrameScore.newBuilder(frame)
        .setEvidence(List.copyOf(evidence.subList(0, Math.min(evidence.size(),
            EVIDENCE_FACES_PER_FRAME)))).build();
  }

  /**
   * A verdict without a single scored face: the reference's 0.5 as its probability (what
   * submission files and log loss expect) and REVIEW, but a label that claims nothing, so that
   * nobody counting FAKE labels counts a video nobody could look at.
   */
  private Verdict.Builder noEvidence(ExtractionSummary summary, VerdictStatus status, String reason,
      Collection<FaceScore> scores, long decidedAt) {
    return base(summary, status, reason, NO_EVIDENCE_PROBABILITY, scores, decidedAt)
        .setLabel(Label.UNKNOWN);
  }

  private Verdict.Builder base(ExtractionSummary summary, VerdictStatus status, String reason,
      double probability, Collection<FaceScore> scores, long decidedAt) {
    Long lastScoredAt = scores.stream().map(s -> s.getScoredAt().toEpochMilli())
        .max(Comparator.naturalOrder()).orElse(null);
    long finishedAt = summary.getFinishedAt().toEpochMilli();
    StageTimings timings = new StageTimings(
        finishedAt - summary.getStartedAt().toEpochMilli(),
        lastScoredAt == null ? null : lastScoredAt - finishedAt,
        lastScoredAt == null ? null : decidedAt - lastScoredAt,
        decidedAt - summary.getSubmittedAt().toEpochMilli());
    return Verdict.newBuilder().setEventId(summary.getEventId())
        .setVideoId(summary.getVideoId()).setUri(summary.getUri())
        .setSubmittedAt(summary.getSubmittedAt()).setSource(summary.getSource())
        .setTenant(summary.getTenant()).setAttributes(summary.getAttributes())
        .setStatus(status).setReason(reason == null || reason.isEmpty() ? null : reason)
        .setProbability(probability).setLabel(policy.label(probability))
        .setAction(policy.action(probability)).setStrategy(strategyName)
        .setModelResults(List.of()).setTrackResults(List.of())
        .setFramesSampled(summary.getFramesSampled())
        .setFacesExpected(summary.getCropsEmitted()).setFacesScored(0).setFacesFailed(0)
        .setTimeline(List.of()).setTopFrames(List.of()).setEnsembleVersion(null)
        .setTimings(timings).setDecidedAt(Instant.ofEpochMilli(decidedAt));
  }
}
