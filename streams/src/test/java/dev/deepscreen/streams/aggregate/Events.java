package dev.deepscreen.streams.aggregate;

import dev.deepscreen.avro.ExtractionStatus;
import dev.deepscreen.avro.ExtractionSummary;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.ModelScore;
import dev.deepscreen.avro.ScoreStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Summaries and face scores of test events, with times relative to one submission time. */
final class Events {
  static final Instant SUBMITTED = Instant.parse("2026-11-21T08:00:00Z");
  static final List<String> MODELS = List.of("b7-fold0", "b7-fold1");

  private Events() {}

  static String newId() {
    return UUID.randomUUID().toString();
  }

  static ExtractionSummary summary(String eventId, int crops) {
    return summary(eventId, ExtractionStatus.OK, null, crops);
  }

  static ExtractionSummary summary(String eventId, ExtractionStatus status, String reason,
      int crops) {
    return ExtractionSummary.newBuilder().setEventId(UUID.fromString(eventId))
        .setVideoId("video-" + eventId.substring(0, 8)).setUri("s3://videos/" + eventId + ".mp4")
        .setSubmittedAt(SUBMITTED).setSource("uploads").setTenant("tenant-a")
        .setAttributes(Map.of("channel", "web")).setStatus(status).setReason(reason)
        .setFramesSampled(32).setFacesFound(crops).setCropsEmitted(crops).setDecode(null)
        .setStartedAt(SUBMITTED.plusMillis(100)).setFinishedAt(SUBMITTED.plusMillis(1100))
        .build();
  }

  /** An OK score of the default ensemble (models of equal weight) with their probabilities. */
  static FaceScore score(String eventId, int frame, int face, Integer track,
      double... probabilities) {
    return score(eventId, frame, face, track, "v1", probabilities);
  }

  static FaceScore score(String eventId, int frame, int face, Integer track, String version,
      double... probabilities) {
    double[] weights = new double[probabilities.length];
    Arrays.fill(weights, 1.0);
    return weighted(eventId, frame, face, track, version, weights, probabilities);
  }

  /** An OK score of {@code version} with each model's weight and probability. */
  static FaceScore weighted(String eventId, int frame, int face, Integer track, String version,
      double[] weights, double... probabilities) {
    List<ModelScore> models = new ArrayList<>();
    for (int m = 0; m < probabilities.length; m++) {
      models.add(new ModelScore(MODELS.get(m), probabilities[m], weights[m], null));
    }
    return FaceScore.newBuilder().setEventId(UUID.fromString(eventId)).setFrameIndex(frame)
        .setFrameTimeMs(frame * 100L).setFaceIndex(face).setTrackId(track)
        .setStatus(ScoreStatus.OK).setReason(null).setModelScores(models)
        .setEnsembleVersion(version).setScoredAt(SUBMITTED.plusMillis(2000 + frame))
        .setInferenceMs(1.0).build();
  }

  static FaceScore failed(String eventId, int frame, int face) {
    return FaceScore.newBuilder().setEventId(UUID.fromString(eventId)).setFrameIndex(frame)
        .setFrameTimeMs(frame * 100L).setFaceIndex(face).setTrackId(null)
        .setStatus(ScoreStatus.FAILED).setReason("corrupt JPEG").setModelScores(List.of())
        .setEnsembleVersion("v1").setScoredAt(SUBMITTED.plusMillis(2000 + frame))
        .setInferenceMs(0.0).build();
  }
}
