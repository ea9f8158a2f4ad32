package dev.deepscreen.schemas;

import static dev.deepscreen.schemas.TopicDefinition.configs;

import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.ExtractionSummary;
import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.ReviewDecision;
import dev.deepscreen.avro.VideoEvent;
import dev.deepscreen.avro.Verdict;
import java.util.List;

/**
 * The pipeline's topics, defined once. The stages, the tests, the command-line tool and the
 * deployment files all take names, value types and creation settings from here.
 */
public final class Topics {
  private Topics() {}

  private static final String DAY_MS = Long.toString(24L * 60 * 60 * 1000);
  private static final String WEEK_MS = Long.toString(7L * 24 * 60 * 60 * 1000);
  private static final String MONTH_MS = Long.toString(30L * 24 * 60 * 60 * 1000);
  private static final String YEAR_MS = Long.toString(365L * 24 * 60 * 60 * 1000);

  /** Requests to screen a video, from producers. */
  public static final TopicDefinition<VideoEvent> VIDEO_EVENTS = new TopicDefinition<>(
      "video-events", VideoEvent.class, 6,
      configs("cleanup.policy", "delete", "retention.ms", WEEK_MS));

  /**
   * Face crops from the extraction stage: the largest records (a JPEG of tens of KB each), kept
   * one day, long enough to replay scoring after an outage.
   */
  public static final TopicDefinition<FaceCrop> FACE_CROPS = new TopicDefinition<>(
      "face-crops", FaceCrop.class, 6,
      configs("cleanup.policy", "delete", "retention.ms", DAY_MS, "max.message.bytes", "2097152"));

  /** One summary per event from the extraction stage: how many crops the aggregation awaits. */
  public static final TopicDefinition<ExtractionSummary> EXTRACTION_SUMMARIES =
      new TopicDefinition<>("extraction-summaries", ExtractionSummary.class, 6,
          configs("cleanup.policy", "delete", "retention.ms", WEEK_MS));

  /** One score per face crop from the scoring stage. */
  public static final TopicDefinition<FaceScore> FACE_SCORES = new TopicDefinition<>(
      "face-scores", FaceScore.class, 6,
      configs("cleanup.policy", "delete", "retention.ms", WEEK_MS));

  /**
   * One verdict per event. Compacted as well as time-limited: the key is the event id, so
   * compaction never drops a verdict that retention would keep.
   */
  public static final TopicDefinition<Verdict> VERDICTS = new TopicDefinition<>(
      "verdicts", Verdict.class, 6,
      configs("cleanup.policy", "compact,delete", "retention.ms", MONTH_MS));

  /**
   * Reviewers' decisions on verdicts, from the review server, keyed by event id. Compacted: the
   * latest decision on an event replaces the earlier ones. Kept a year, far longer than the
   * verdicts they decide, so that a decided case never returns to the review queue; the S3 sink
   * keeps every decision for audit.
   */
  public static final TopicDefinition<ReviewDecision> REVIEW_DECISIONS = new TopicDefinition<>(
      "review-decisions", ReviewDecision.class, 6,
      configs("cleanup.policy", "compact,delete", "retention.ms", YEAR_MS));

  /** Records any stage gave up on, with the reason; kept long enough for someone to look. */
  public static final TopicDefinition<DeadLetter> DEAD_LETTERS = new TopicDefinition<>(
      "dead-letters", DeadLetter.class, 1,
      configs("cleanup.policy", "delete", "retention.ms", MONTH_MS, "max.message.bytes",
          "4194304"));

  /** Every topic, in the order of the flow. */
  public static List<TopicDefinition<?>> all() {
    return List.of(VIDEO_EVENTS, FACE_CROPS, EXTRACTION_SUMMARIES, FACE_SCORES, VERDICTS,
        REVIEW_DECISIONS, DEAD_LETTERS);
  }
}
