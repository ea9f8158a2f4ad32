package dev.deepscreen.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.streams.extract.ExtractApp;
import dev.deepscreen.streams.extract.ExtractConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage process's endpoint serving its registry: the pipeline's metrics under the names
 * dashboards use, the JVM's, the process's and those of a Kafka Streams application (created,
 * not started: it needs no broker to have metrics).
 */
class StageEndpointTest {

  private static final String SCOPE = "stage-endpoint-test";

  @TempDir
  Path dir;

  @Test
  void metricsServesThePipelinesKafkasJvmsAndProcesssMetrics() throws Exception {
    // A resolvable address, as the clients require, where no broker listens: the stage is
    // created, not started, and its clients' attempts to connect are only logged.
    ExtractConfig config = new ExtractConfig(Map.of("bootstrap.servers", "127.0.0.1:9",
        "schema.registry.url", "mock://" + SCOPE, "state.dir", dir.toString()));
    try (ProcessMeters meters = new ProcessMeters();
        StageInstance stage = ExtractApp.RUNNER.create(config,
            InMemorySchemaRegistry.forScope(SCOPE), meters.registry());
        StageProcess process = StageProcess.start(List.of(), meters.registry());
        StageEndpoint endpoint = StageEndpoint.start(0, process, meters.registry())) {
      recordEach(meters.registry());

      HttpResponse<String> metrics = get(endpoint, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type"))
          .contains("text/plain; version=0.0.4; charset=utf-8");
      List<String> lines = metrics.body().lines().toList();
      assertThat(lines).contains(
          // The pipeline's names, types and buckets, as before Micrometer.
          "# TYPE deepscreen_videos_total counter",
          "deepscreen_videos_total{status=\"OK\"} 2.0",
          "# TYPE deepscreen_face_crops_total counter",
          "deepscreen_face_crops_total 3.0",
          "# TYPE deepscreen_extract_seconds histogram",
          "deepscreen_extract_seconds_bucket{le=\"0.25\"} 0",
          "deepscreen_extract_seconds_bucket{le=\"0.5\"} 1",
          "deepscreen_extract_seconds_bucket{le=\"120.0\"} 1",
          "deepscreen_extract_seconds_bucket{le=\"+Inf\"} 1",
          "deepscreen_extract_seconds_count 1",
          "deepscreen_extract_seconds_sum 0.3",
          "# TYPE deepscreen_faces_scored_total counter",
          "deepscreen_faces_scored_total{status=\"FAILED\"} 1.0",
          "# TYPE deepscreen_score_batch_size histogram",
          "deepscreen_score_batch_size_bucket{le=\"4.0\"} 0",
          "deepscreen_score_batch_size_bucket{le=\"8.0\"} 1",
          "deepscreen_score_batch_size_bucket{le=\"128.0\"} 1",
          "deepscreen_score_batch_size_sum 5.0",
          "# TYPE deepscreen_inference_seconds histogram",
          "deepscreen_inference_seconds_bucket{le=\"0.025\"} 1",
          "# TYPE deepscreen_verdicts_total counter",
          "deepscreen_verdicts_total{status=\"REJECTED\"} 1.0",
          "# TYPE deepscreen_verdict_latency_seconds histogram",
          "deepscreen_verdict_latency_seconds_bucket{le=\"600.0\"} 1",
          // The JVM's and the process's.
          "# TYPE jvm_memory_used_bytes gauge",
          "# TYPE jvm_threads_live_threads gauge",
          "# TYPE jvm_classes_loaded_classes gauge",
          "# TYPE process_uptime_seconds gauge",
          "# TYPE process_cpu_usage gauge",
          "# TYPE process_files_open_files gauge",
          // Kafka Streams' and its clients', with their types.
          "# TYPE kafka_stream_thread_process_total counter",
          "# TYPE kafka_stream_thread_process_rate gauge",
          "# TYPE kafka_consumer_fetch_manager_fetch_total counter")
          .anySatisfy(line -> assertThat(line).startsWith("jvm_memory_used_bytes{area=\"heap\""))
          .anySatisfy(line -> assertThat(line).startsWith("kafka_stream_thread_process_total{")
              .contains("thread_id=\"" + config.applicationId()));
    } finally {
      InMemorySchemaRegistry.dropScope(SCOPE);
    }
  }

  @Test
  void aPipelineMetricRefusesTheWrongKindOrTags() {
    MeterRegistry meters = new SimpleMeterRegistry();
    assertThatThrownBy(() -> PipelineMetric.VIDEOS.count(meters, 1))
        .hasMessage("VIDEOS takes tags [status], got []");
    assertThatThrownBy(() -> PipelineMetric.VIDEOS.observe(meters, 1, "OK"))
        .hasMessage("VIDEOS is a COUNTER, not a SUMMARY");
    assertThatThrownBy(() -> PipelineMetric.FACE_CROPS.count(meters, -1))
        .hasMessage("A counter only grows: -1");
  }

  /** One record of each of the pipeline's metrics. */
  private static void recordEach(MeterRegistry meters) {
    PipelineMetric.VIDEOS.count(meters, 2, "OK");
    PipelineMetric.FACE_CROPS.count(meters, 3);
    PipelineMetric.EXTRACT_SECONDS.observe(meters, 0.3);
    PipelineMetric.FACES_SCORED.count(meters, 1, "FAILED");
    PipelineMetric.BATCH_SIZE.observe(meters, 5);
    PipelineMetric.INFERENCE_SECONDS.observe(meters, 0.0125);
    PipelineMetric.VERDICTS.count(meters, 1, "REJECTED");
    PipelineMetric.VERDICT_LATENCY_SECONDS.observe(meters, 42);
  }

  private static HttpResponse<String> get(StageEndpoint endpoint, String path)
      throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + endpoint.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
