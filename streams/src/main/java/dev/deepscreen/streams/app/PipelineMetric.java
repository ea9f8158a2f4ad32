package dev.deepscreen.streams.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The pipeline's own metrics, declared once: Micrometer name, type, help, tags and, for
 * histograms, bucket bounds. The Prometheus name each is exposed under follows from Micrometer's
 * naming (a counter gains {@code _total}, a timer {@code _seconds}) and is given beside it.
 * Stages record through {@link #count} and {@link #observe} into the registry their topology
 * function was given.
 */
public enum PipelineMetric {
  /** {@code deepscreen_videos_total}. */
  VIDEOS("deepscreen.videos", Type.COUNTER,
      "Videos the extraction stage finished, by summary status.", List.of("status"), List.of()),
  /** {@code deepscreen_face_crops_total}. */
  FACE_CROPS("deepscreen.face.crops", Type.COUNTER,
      "Face crops the extraction stage emitted.", List.of(), List.of()),
  /** {@code deepscreen_extract_seconds}. */
  EXTRACT_SECONDS("deepscreen.extract", Type.TIMER,
      "Time to fetch, decode and extract the faces of one video.", List.of(),
      List.of(0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)),
  /** {@code deepscreen_faces_scored_total}. */
  FACES_SCORED("deepscreen.faces.scored", Type.COUNTER,
      "Faces the scoring stage scored, by status.", List.of("status"), List.of()),
  /** {@code deepscreen_score_batch_size}. */
  BATCH_SIZE("deepscreen.score.batch.size", Type.SUMMARY,
      "Faces per inference batch of the scoring stage.", List.of(),
      List.of(1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0)),
  /** {@code deepscreen_inference_seconds}. */
  INFERENCE_SECONDS("deepscreen.inference", Type.TIMER,
      "Time of one inference batch through the whole ensemble.", List.of(),
      List.of(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)),
  /** {@code deepscreen_verdicts_total}. */
  VERDICTS("deepscreen.verdicts", Type.COUNTER,
      "Verdicts the aggregation stage emitted, by status.", List.of("status"), List.of()),
  /** {@code deepscreen_verdict_latency_seconds}. */
  VERDICT_LATENCY_SECONDS("deepscreen.verdict.latency", Type.TIMER,
      "From an event's submission to its verdict.", List.of(),
      List.of(0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0));

  /** The Micrometer meter types used here; timers and summaries publish their buckets. */
  private enum Type { COUNTER, TIMER, SUMMARY }

  private final String meterName;
  private final Type type;
  private final String help;
  private final List<String> tags;
  private final double[] buckets;
  private final Duration[] bucketDurations;

  PipelineMetric(String meterName, Type type, String help, List<String> tags,
      List<Double> buckets) {
    this.meterName = meterName;
    this.type = type;
    this.help = help;
    this.tags = tags;
    this.buckets = buckets.stream().mapToDouble(Double::doubleValue).toArray();
    this.bucketDurations = buckets.stream().map(PipelineMetric::seconds).toArray(Duration[]::new);
  }

  /** The Micrometer name, dot-separated. */
  public String meterName() {
    return meterName;
  }

  /**
   * Adds {@code amount} to this counter.
   *
   * @param tagValues one value per tag the metric declares, in order
   */
  public void count(MeterRegistry meters, long amount, String... tagValues) {
    require(Type.COUNTER, tagValues);
    if (amount < 0) {
      throw new IllegalArgumentException("A counter only grows: " + amount);
    }
    Counter.builder(meterName).description(help).tags(tags(tagValues)).register(meters)
        .increment(amount);
  }

  /**
   * Records one observation of this timer (in seconds) or summary. A timer drops a negative
   * duration (an event stamped by a clock ahead of ours), as Micrometer's timers do.
   *
   * @param tagValues one value per tag the metric declares, in order
   */
  public void observe(MeterRegistry meters, double value, String... tagValues) {
    if (type == Type.TIMER) {
      require(Type.TIMER, tagValues);
      Timer.builder(meterName).description(help).tags(tags(tagValues))
          .serviceLevelObjectives(bucketDurations)
          .register(meters).record(seconds(value));
    } else {
      require(Type.SUMMARY, tagValues);
      DistributionSummary.builder(meterName).description(help).tags(tags(tagValues))
          .serviceLevelObjectives(buckets)
          .register(meters).record(value);
    }
  }

  private Tags tags(String[] values) {
    Tags result = Tags.empty();
    for (int i = 0; i < values.length; i++) {
      result = result.and(tags.get(i), values[i]);
    }
    return result;
  }

  private void require(Type expected, String[] tagValues) {
    if (type != expected) {
      throw new IllegalArgumentException(this + " is a " + type + ", not a " + expected);
    }
    if (tagValues.length != tags.size()) {
      throw new IllegalArgumentException(this + " takes tags " + tags + ", got "
          + Arrays.toString(tagValues));
    }
  }

  private static Duration seconds(double seconds) {
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }
}
