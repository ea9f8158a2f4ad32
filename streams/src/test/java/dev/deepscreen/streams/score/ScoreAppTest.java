package dev.deepscreen.streams.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.core.inference.Ensemble;
import dev.deepscreen.streams.app.StageProcess;
import dev.deepscreen.streams.app.StageRunner;
import dev.deepscreen.streams.app.StopSignal;
import dev.deepscreen.core.inference.InferenceOptions;
import dev.deepscreen.core.inference.TensorFlowDevices;
import dev.deepscreen.core.inference.TinyModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scoring stage's settings, and its start-up failures, which happen before Kafka starts. */
class ScoreAppTest {


  private static Map<String, Object> base() {
    Map<String, Object> settings = new HashMap<>();
    settings.put("bootstrap.servers", "localhost:9092");
    settings.put("schema.registry.url", "mock://score-app-test");
    return settings;
  }

  @Test
  void defaultsBatchUpTo32CropsFor100MsOnTheCpuWithTheBuiltInEnsemble() {
    ScoreConfig config = new ScoreConfig(base());
    assertThat(config.batchMaxSize()).isEqualTo(32);
    assertThat(config.batchMaxWait()).isEqualTo(Duration.ofMillis(100));
    assertThat(config.ensembleDirectory()).isEmpty();
    assertThat(config.inferenceOptions()).isEqualTo(InferenceOptions.CPU_DEFAULTS);
    assertThat(config.applicationId()).isEqualTo("deepscreen-score");
  }

  @Test
  void theCropsWaitingAtACommitGoToTheChangelogInProducerBatchesOf512Kib() {
    StreamsConfig streams = new StreamsConfig(new ScoreConfig(base()).streamsProperties());
    assertThat(streams.getProducerConfigs("score").get(ProducerConfig.BATCH_SIZE_CONFIG))
        .isEqualTo(512 * 1024);
  }

  @Test
  void theStreamThreadPollsForHalfTheBatchWaitSoThatAPartialBatchIsNotLate() {
    assertThat(pollMs(Map.of())).isEqualTo(50L);
    assertThat(pollMs(Map.of(ScoreConfig.BATCH_MAX_WAIT_MS_CONFIG, "10"))).isEqualTo(10L);
    assertThat(pollMs(Map.of(ScoreConfig.BATCH_MAX_WAIT_MS_CONFIG, "5000"))).isEqualTo(100L);
    assertThat(pollMs(Map.of(ScoreConfig.BATCH_MAX_WAIT_MS_CONFIG, "0")))
        .as("every crop is scored as it comes: Kafka Streams' default").isEqualTo(100L);
    assertThat(pollMs(Map.of(StreamsConfig.POLL_MS_CONFIG, "20"))).isEqualTo(20L);
  }

  private static long pollMs(Map<String, String> extra) {
    Map<String, Object> settings = base();
    settings.putAll(extra);
    return new StreamsConfig(new ScoreConfig(settings).streamsProperties())
        .getLong(StreamsConfig.POLL_MS_CONFIG);
  }

  @Test
  void theDeviceAndThreadsAreSettings() {
    Map<String, Object> settings = base();
    settings.put(ScoreConfig.DEVICE_CONFIG, "gpu");
    settings.put(ScoreConfig.INTRA_OP_THREADS_CONFIG, "2");
    settings.put(ScoreConfig.INTER_OP_THREADS_CONFIG, "1");
    settings.put(ScoreConfig.ONNX_INTRA_OP_THREADS_CONFIG, "3");
    settings.put(ScoreConfig.LOG_DEVICE_PLACEMENT_CONFIG, "true");
    assertThat(new ScoreConfig(settings).inferenceOptions().onnxCpu())
        .isEqualTo(InferenceOptions.OnnxCpu.DEFAULTS);
    settings.put(ScoreConfig.ONNX_SPINNING_CONFIG, "true");
    settings.put(ScoreConfig.ONNX_CPU_FACES_PER_CALL_CONFIG, "16");
    InferenceOptions options = new ScoreConfig(settings).inferenceOptions();
    assertThat(options).isEqualTo(new InferenceOptions(InferenceOptions.Device.GPU,
        new InferenceOptions.Threads(2, 1), new InferenceOptions.Threads(3, 0), true,
        new InferenceOptions.OnnxCpu(true, 16)));
    assertThat(options.configProto().getGpuOptions().getAllowGrowth()).isTrue();
    assertThat(options.configProto().getIntraOpParallelismThreads()).isEqualTo(2);
    assertThat(options.configProto().getDeviceCountMap()).doesNotContainKey("GPU");
    assertThat(InferenceOptions.CPU_DEFAULTS.configProto().getDeviceCountMap())
        .containsEntry("GPU", 0);
  }

  @Test
  void badValuesAreRefusedNamingTheSetting() {
    Map<String, Object> settings = base();
    settings.put(ScoreConfig.BATCH_MAX_SIZE_CONFIG, "0");
    assertThatThrownBy(() -> new ScoreConfig(settings)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("score.batch.max.size");
    settings.put(ScoreConfig.BATCH_MAX_SIZE_CONFIG, "8");
    settings.put(ScoreConfig.DEVICE_CONFIG, "tpu");
    assertThatThrownBy(() -> new ScoreConfig(settings)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("score.device");
    settings.put(ScoreConfig.DEVICE_CONFIG, "cpu");
    settings.put(ScoreConfig.ONNX_INTRA_OP_THREADS_CONFIG, "-1");
    assertThatThrownBy(() -> new ScoreConfig(settings)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("score.onnx.intra.op.threads");
  }

  @Test
  void theCpuIsAlwaysAmongTheDevicesTensorFlowSees() {
    List<TensorFlowDevices.Device> devices =
        TensorFlowDevices.list(InferenceOptions.CPU_DEFAULTS.configProto());
    assertThat(devices).extracting(TensorFlowDevices.Device::type).contains("CPU")
        .doesNotContain("GPU");
    assertThat(devices.get(0).name()).endsWith("device:CPU:0");
  }

  @Test
  void aConfiguredEnsembleIsLoaded(@TempDir Path dir) throws Exception {
    TinyModels.export(dir.resolve("m"), 16, 1f, 0f);
    TinyModels.writeManifest(dir, "v7", TinyModels.manifestEntry("m", "m", 16, 1));
    Map<String, Object> settings = base();
    settings.put(ScoreConfig.ENSEMBLE_DIR_CONFIG, dir.toString());
    try (Ensemble ensemble = ScoreApp.loadEnsemble(new ScoreConfig(settings))) {
      assertThat(ensemble.version()).isEqualTo("v7");
    }
  }

  @Test
  void aMissingOrMismatchedEnsembleStopsTheStageAtStartWithTheReason(@TempDir Path dir)
      throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    // Stopped as soon as it runs: the stage must fail before that, at start.
    StopSignal stopAtOnce = (stop, finished) -> {
      stop.run();
      return () -> { };
    };
    int exit = StageProcess.run(List.of(ScoreApp.RUNNER.configure(Map.of(
        "bootstrap.servers", "localhost:9092", "schema.registry.url", "mock://score-app-test",
        "score.ensemble.dir", dir.resolve("nowhere").toString()))),
        new PrintStream(err, true, StandardCharsets.UTF_8), stopAtOnce);
    assertThat(exit).isEqualTo(StageRunner.EXIT_CONFIG);
    assertThat(err.toString(StandardCharsets.UTF_8).trim()).isEqualTo("Invalid settings:"
        + " Invalid value " + dir.resolve("nowhere") + " for configuration score.ensemble.dir:"
        + " No ensemble manifest at " + dir.resolve("nowhere").resolve("ensemble.json"));

    TinyModels.export(dir.resolve("m"), 16, 1f, 0f);
    TinyModels.writeManifest(dir, "v7", TinyModels.manifestEntry("m", "m", 32, 1));
    Map<String, Object> mismatched = base();
    mismatched.put(ScoreConfig.ENSEMBLE_DIR_CONFIG, dir.toString());
    assertThatThrownBy(() -> ScoreApp.loadEnsemble(new ScoreConfig(mismatched)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Model m: input 'image' is DT_FLOAT [-1, 16, 16, 3], expected");
  }
}
