package dev.deepscreen.streams.app;

import java.util.List;

/**
 * The pipeline's own metrics, declared once: Prometheus name, type, help, labels and, for
 * histograms, bucket bounds. Kafka Streams' metrics are exposed beside them.
 */
public enum PipelineMetric {
  VIDEOS("deepscreen_videos_total", Type.COUNTER,
      "Videos the extraction stage finished, by summary status.", List.of("status"), List.of()),
  FACE_CROPS("deepscreen_face_crops_total", Type.COUNTER,
      "Face crops the extraction stage emitted.", List.of(), List.of()),
  EXTRACT_SECONDS("deepscreen_extract_seconds", Type.HISTOGRAM,
      "Time to fetch, decode and extract the faces of one video.", List.of(),
      List.of(0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)),
  FACES_SCORED("deepscreen_faces_scored_total", Type.COUNTER,
      "Faces the scoring stage scored, by status.", List.of("status"), List.of()),
  BATCH_SIZE("deepscreen_score_batch_size", Type.HISTOGRAM,
      "Faces per inference batch of the scoring stage.", List.of(),
      List.of(1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0)),
  INFERENCE_SECONDS("deepscreen_inference_seconds", Type.HISTOGRAM,
      "Time of one inference batch through the whole ensemble.", List.of(),
      List.of(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)),
  VERDICTS("deepscreen_verdicts_total", Type.COUNTER,
      "Verdicts the aggregation stage emitted, by status.", List.of("status"), List.of()),
  VERDICT_LATENCY_SECONDS("deepscreen_verdict_latency_seconds", Type.HISTOGRAM,
      "From an event's submission to its verdict.", List.of(),
      List.of(0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0));

  /** Prometheus metric types used here. */
  public enum Type { COUNTER, HISTOGRAM }

  private final String prometheusName;
  private final Type type;
  private final String help;
  private final List<String> labels;
  private final List<Double> buckets;

  PipelineMetric(String prometheusName, Type type, String help, List<String> labels,
      List<Double> buckets) {
    this.prometheusName = prometheusName;
    this.type = type;
    this.help = help;
    this.labels = labels;
    this.buckets = buckets;
  }

  public String prometheusName() {
    return prometheusName;
  }

  public Type type() {
    return type;
  }

  public String help() {
    return help;
  }

  /** Label names, in the order their values are given. */
  public List<String> labels() {
    return labels;
  }

  /** Upper bounds of a histogram's buckets, ascending ({@code +Inf} is implied). */
  public List<Double> buckets() {
    return buckets;
  }
}
