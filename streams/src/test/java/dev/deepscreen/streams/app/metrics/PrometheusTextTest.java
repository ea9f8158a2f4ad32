package dev.deepscreen.streams.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.streams.app.PipelineMetric;
import dev.deepscreen.streams.app.StageMetrics;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  private final MetricsRegistry registry = new MetricsRegistry();

  private String text() throws Exception {
    StringWriter out = new StringWriter();
    PrometheusText.write(out, registry, List.of());
    return out.toString();
  }

  @Test
  void countersByLabelAndUnlabelledOnesFromZero() throws Exception {
    registry.count(PipelineMetric.VIDEOS, 1, "OK");
    registry.count(PipelineMetric.VIDEOS, 2, "REJECTED");
    registry.count(PipelineMetric.VIDEOS, 1, "OK");
    String text = text();
    assertThat(text).contains("# HELP deepscreen_videos_total Videos the extraction stage"
        + " finished, by summary status.\n# TYPE deepscreen_videos_total counter\n");
    assertThat(text.lines()).contains("deepscreen_videos_total{status=\"OK\"} 2",
        "deepscreen_videos_total{status=\"REJECTED\"} 2", "deepscreen_face_crops_total 0");
    // A labelled counter with nothing counted has no series yet.
    assertThat(text).doesNotContain("deepscreen_verdicts_total{");
    assertThat(registry.counter(PipelineMetric.VIDEOS, "OK")).isEqualTo(2);
  }

  @Test
  void histogramsAreCumulativeWithSumAndCount() throws Exception {
    registry.observe(PipelineMetric.BATCH_SIZE, 3);
    registry.observe(PipelineMetric.BATCH_SIZE, 8);
    registry.observe(PipelineMetric.BATCH_SIZE, 500);
    List<String> lines = text().lines()
        .filter(l -> l.startsWith("deepscreen_score_batch_size")).toList();
    assertThat(lines).containsExactly(
        "deepscreen_score_batch_size_bucket{le=\"1\"} 0",
        "deepscreen_score_batch_size_bucket{le=\"2\"} 0",
        "deepscreen_score_batch_size_bucket{le=\"4\"} 1",
        "deepscreen_score_batch_size_bucket{le=\"8\"} 2",
        "deepscreen_score_batch_size_bucket{le=\"16\"} 2",
        "deepscreen_score_batch_size_bucket{le=\"32\"} 2",
        "deepscreen_score_batch_size_bucket{le=\"64\"} 2",
        "deepscreen_score_batch_size_bucket{le=\"128\"} 2",
        "deepscreen_score_batch_size_bucket{le=\"+Inf\"} 3",
        "deepscreen_score_batch_size_sum 511",
        "deepscreen_score_batch_size_count 3");
    registry.observe(PipelineMetric.INFERENCE_SECONDS, 0.0125);
    assertThat(text().lines()).contains("deepscreen_inference_seconds_bucket{le=\"0.025\"} 1",
        "deepscreen_inference_seconds_sum 0.0125");
  }

  @Test
  void labelValuesAreEscaped() throws Exception {
    registry.count(PipelineMetric.VERDICTS, 1, "a\"b\\c\nd");
    assertThat(text().lines())
        .contains("deepscreen_verdicts_total{status=\"a\\\"b\\\\c\\nd\"} 1");
  }

  @Test
  void aMetricIsUsedAsDeclared() {
    assertThatThrownBy(() -> registry.count(PipelineMetric.VIDEOS, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("VIDEOS takes labels [status], got []");
    assertThatThrownBy(() -> registry.observe(PipelineMetric.VIDEOS, 1, "OK"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("VIDEOS is a COUNTER, not a HISTOGRAM");
    assertThatThrownBy(() -> registry.count(PipelineMetric.FACE_CROPS, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void processorsFindTheProcessInstanceInTheirConfigs() {
    assertThat(StageMetrics.of(Map.of(StageMetrics.CONFIG, registry))).isSameAs(registry);
    assertThat(StageMetrics.of(Map.of())).isSameAs(StageMetrics.none());
  }

  @Test
  void namesAndNumbersFollowTheFormat() {
    assertThat(PrometheusText.sanitize("kafka_stream-thread_process-rate"))
        .isEqualTo("kafka_stream_thread_process_rate");
    assertThat(PrometheusText.sanitize("9lives")).isEqualTo("_9lives");
    assertThat(PrometheusText.number(Double.NaN)).isEqualTo("NaN");
    assertThat(PrometheusText.number(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    assertThat(PrometheusText.number(42.0)).isEqualTo("42");
    assertThat(PrometheusText.number(0.5)).isEqualTo("0.5");
  }
}
