package dev.deepscreen.schemas;

import dev.deepscreen.avro.AggregationStrategy;
import dev.deepscreen.avro.BoundingBox;
import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.DecodeStats;
import dev.deepscreen.avro.ExtractionStatus;
import dev.deepscreen.avro.ExtractionSummary;
import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.avro.FaceEvidence;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.FrameScore;
import dev.deepscreen.avro.Heatmap;
import dev.deepscreen.avro.Label;
import dev.deepscreen.avro.ModelResult;
import dev.deepscreen.avro.ModelScore;
import dev.deepscreen.avro.ModerationAction;
import dev.deepscreen.avro.ReviewAction;
import dev.deepscreen.avro.ReviewDecision;
import dev.deepscreen.avro.ScoreStatus;
import dev.deepscreen.avro.Stage;
import dev.deepscreen.avro.StageTimings;
import dev.deepscreen.avro.StrategyBranch;
import dev.deepscreen.avro.TrackResult;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.avro.VerdictStatus;
import dev.deepscreen.avro.VideoEvent;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/** One fully populated record of every topic's value type, for round-trip tests. */
public final class SampleRecords {
  public static final UUID EVENT_ID = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
  private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");

  private SampleRecords() {}

  public static VideoEvent videoEvent() {
    return VideoEvent.newBuilder().setEventId(EVENT_ID).setVideoId("video-1")
        .setUri("file:///videos/a.mp4").setSubmittedAt(T0).setSource("uploads")
        .setTenant("tenant-a").setAttributes(Map.of("channel", "web")).build();
  }

  public static FaceCrop faceCrop() {
    return FaceCrop.newBuilder().setEventId(EVENT_ID).setVideoId("video-1").setFrameIndex(31)
        .setFrameTimeMs(1033).setFaceIndex(1).setTrackId(2)
        .setBox(new BoundingBox(10, 20, 110, 130)).setDetectorScore(0.97f)
        .setCropJpeg(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3}))
        .setCropWidth(380).setCropHeight(380).setExtractedAt(T0.plusMillis(900)).build();
  }

  public static ExtractionSummary extractionSummary() {
    return ExtractionSummary.newBuilder().setEventId(EVENT_ID).setVideoId("video-1")
        .setUri("file:///videos/a.mp4").setSubmittedAt(T0).setSource("uploads")
        .setTenant(null).setAttributes(Map.of())
        .setStatus(ExtractionStatus.OK).setReason(null).setFramesSampled(32).setFacesFound(40)
        .setCropsEmitted(40)
        .setDecode(DecodeStats.newBuilder().setContainer("mov,mp4,m4a,3gp,3g2,mj2")
            .setVideoCodec("h264").setWidth(1280).setHeight(720).setRotationDegrees(90)
            .setDurationMs(10_000L).setFrameRate(30.0).setDeclaredFrameCount(300L)
            .setFramesDecoded(300).setBytesRead(1_234_567).setDecodeMs(410).setDetectMs(250)
            .build())
        .setStartedAt(T0.plusMillis(5)).setFinishedAt(T0.plusMillis(700)).build();
  }

  public static FaceScore faceScore() {
    return FaceScore.newBuilder().setEventId(EVENT_ID).setFrameIndex(31).setFrameTimeMs(1033)
        .setFaceIndex(1).setTrackId(2).setStatus(ScoreStatus.OK).setReason(null)
        .setModelScores(List.of(new ModelScore("b0-fold0", 0.91, 2.0, heatmap()),
            new ModelScore("tiny", 0.12, 1.0, null)))
        .setEnsembleVersion("2026.11.1").setScoredAt(T0.plusMillis(1200)).setInferenceMs(3.5)
        .setBox(new BoundingBox(410, 120, 96, 118)).build();
  }

  /** A 3x2 class-activation grid lit in its top-left corner. */
  public static Heatmap heatmap() {
    return new Heatmap(3, 2, ByteBuffer.wrap(new byte[] {(byte) 255, 40, 0, 90, 0, 0}), 2.75f);
  }

  public static Verdict verdict() {
    FaceScore face = faceScore();
    FrameScore top = new FrameScore(31, 1033L, 0.91, 2, List.of(new FaceEvidence(
        face.getFaceIndex(), face.getTrackId(), face.getBox(), 0.65, face.getModelScores())));
    return Verdict.newBuilder().setEventId(EVENT_ID).setVideoId("video-1")
        .setUri("file:///videos/a.mp4").setSubmittedAt(T0).setSource(null).setTenant("tenant-a")
        .setAttributes(Map.of("channel", "web")).setStatus(VerdictStatus.OK).setReason(null)
        .setProbability(0.87).setLabel(Label.FAKE).setAction(ModerationAction.BLOCK)
        .setStrategy(AggregationStrategy.CONFIDENT)
        .setModelResults(List.of(new ModelResult("b0-fold0", 0.93, StrategyBranch.CONFIDENT_FAKE,
            40)))
        .setTrackResults(List.of(new TrackResult(2, 0.87, 20)))
        .setFramesSampled(32).setFacesExpected(40).setFacesScored(39).setFacesFailed(1)
        .setTimeline(List.of(new FrameScore(0, 0L, 0.2, 1, null), top)).setTopFrames(List.of(top))
        .setEnsembleVersion("2026.11.1")
        .setTimings(new StageTimings(695L, 600L, 10L, 1310L)).setDecidedAt(T0.plusMillis(1310))
        .build();
  }

  public static DeadLetter deadLetter() {
    return DeadLetter.newBuilder().setStage(Stage.EXTRACT).setApplicationId("deepscreen-extract")
        .setTopic("video-events").setPartition(3).setOffset(42L).setRecordTimestamp(T0)
        .setKey(ByteBuffer.wrap(EVENT_ID.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .setValue(null).setEventId(EVENT_ID).setErrorClass("java.io.EOFException")
        .setErrorMessage("truncated file").setStackTrace(null).setFailedAt(T0.plusMillis(50))
        .build();
  }

  public static ReviewDecision reviewDecision() {
    return ReviewDecision.newBuilder()
        .setDecisionId(UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"))
        .setEventId(EVENT_ID).setVideoId("video-42").setUri("s3://uploads/video-42.mp4")
        .setDecision(ReviewAction.BLOCK).setNote("face swap visible at 0:03")
        .setReviewer("ada").setDecidedAt(T0.plusSeconds(3600))
        .setVerdictAction(ModerationAction.REVIEW).setVerdictProbability(0.71)
        .setVerdictDecidedAt(T0.plusMillis(1310)).setEnsembleVersion("dfdc-b0-2026.11")
        .build();
  }

  /** One sample of each topic's value type, in the order of {@link Topics#all()}. */
  public static List<SpecificRecord> all() {
    return List.of(videoEvent(), faceCrop(), extractionSummary(), faceScore(), verdict(),
        reviewDecision(), deadLetter());
  }
}
