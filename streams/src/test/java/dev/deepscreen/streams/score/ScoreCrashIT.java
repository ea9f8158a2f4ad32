package dev.deepscreen.streams.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.embedded.InProcessKafkaCluster;
import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.ScoreStatus;
import dev.deepscreen.avro.Stage;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.FakeSchemaRegistryServer;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.streams.embedded.CommittedTopicReader;
import dev.deepscreen.core.inference.TinyModels;
import dev.deepscreen.streams.cli.Deepscreen;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring stage as a process of its own, killed with SIGKILL twice: once while crops sit in
 * unfinished batches after their input offsets were committed, once in the middle of a stream of
 * crops. A real broker under exactly_once_v2, a Schema Registry over HTTP, real TensorFlow
 * sessions. Read with read_committed, every crop has exactly one face score, and every bad crop
 * exactly one dead letter.
 */
@Tag("integration")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ScoreCrashIT {

  private static final Logger LOG = LoggerFactory.getLogger(ScoreCrashIT.class);
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final int CROP = 64;
  private static final int BATCH = 8;
  private static final int PARTITIONS = Topics.FACE_CROPS.partitions();

  private static InProcessKafkaCluster kafka;
  private static FakeSchemaRegistryServer registryServer;

  @TempDir
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    kafka = InProcessKafkaCluster.start();
    kafka.createTopics(Topics.all()); // returns once every partition has its leader
    registryServer = new FakeSchemaRegistryServer();
  }

  @AfterAll
  static void stop() {
    if (registryServer != null) {
      registryServer.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void everyCropHasExactlyOneScoreAcrossTwoKills() throws Exception {
    try {
      run();
    } catch (AssertionError | RuntimeException e) {
      for (String name : List.of("first", "second", "third")) {
        Path log = dir.resolve(name + ".log");
        if (Files.exists(log)) {
          List<String> lines = Files.readAllLines(log);
          e.addSuppressed(new AssertionError("last lines of the " + name + " run:\n" + String.join(
              "\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()))));
        }
      }
      throw e;
    }
  }

  private void run() throws Exception {
    InMemorySchemaRegistry registry = registryServer.registry();
    Path ensemble = Files.createDirectories(dir.resolve("ensemble"));
    TinyModels.export(ensemble.resolve("m"), CROP, 2f, 0f);
    TinyModels.writeManifest(ensemble, "crash-test", TinyModels.manifestEntry("m", "m", CROP, 1));
    List<byte[]> faces = TestCrops.realFaces(CROP);
    String applicationId = "score-crash-" + UUID.randomUUID();
    List<String> expected = new ArrayList<>();
    List<String> bad = new ArrayList<>();

    try (CommittedTopicReader<FaceScore> scores = new CommittedTopicReader<>(
            kafka.bootstrapServers(), Topics.FACE_SCORES, registry, DEADLINE);
        CommittedTopicReader<DeadLetter> deadLetters = new CommittedTopicReader<>(
            kafka.bootstrapServers(), Topics.DEAD_LETTERS, registry, DEADLINE)) {
      // Run 1: per partition, 2 full batches and 3 crops that wait for a batch that never fills.
      List<ProducerRecord<String, FaceCrop>> phase1 = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        UUID event = UUID.randomUUID();
        for (int frame = 0; frame < 2 * BATCH + 3; frame++) {
          phase1.add(crop(p, event, frame, faces.get(frame % faces.size()), expected));
        }
      }
      produce(phase1);
      Process first = launch(applicationId, ensemble, Duration.ofSeconds(60), "first");
      scores.awaitUntil(all -> all.size() >= 2 * BATCH * PARTITIONS);
      CommittedTopicReader.awaitConsumed(kafka.admin(), applicationId,
          CommittedTopicReader.partitions(Topics.FACE_CROPS), DEADLINE);
      kill(first);
      scores.readToEnd();
      assertThat(scores.records()).as("the 3 waiting crops of each partition are not scored")
          .hasSize(2 * BATCH * PARTITIONS);

      // Run 2: the waiting crops come back from the changelog; then killed mid-stream.
      Process second = launch(applicationId, ensemble, Duration.ofSeconds(60), "second");
      List<ProducerRecord<String, FaceCrop>> phase2 = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        for (int e = 0; e < 3; e++) {
          UUID event = UUID.randomUUID();
          for (int frame = 0; frame < 12; frame++) {
            phase2.add(crop(p, event, frame, faces.get((frame + e) % faces.size()), expected));
          }
          byte[] broken = "not a jpeg".getBytes(StandardCharsets.US_ASCII);
          phase2.add(crop(p, event, 99, broken, expected));
          bad.add(event + "/99/0");
        }
      }
      produce(phase2);
      scores.awaitUntil(all -> all.size() >= (2 * BATCH + 3) * PARTITIONS + BATCH);
      kill(second);
      LOG.info("Second run killed after {} of {} scores", scores.records().size(),
          expected.size());

      // Run 3: finishes the stream.
      Process third = launch(applicationId, ensemble, Duration.ofMillis(100), "third");
      try {
        scores.awaitUntil(all -> all.size() >= expected.size());
        CommittedTopicReader.awaitConsumed(kafka.admin(), applicationId,
            CommittedTopicReader.partitions(Topics.FACE_CROPS), DEADLINE);
      } finally {
        kill(third);
      }
      scores.readToEnd();
      deadLetters.readToEnd();

      Map<String, List<FaceScore>> byCrop = scores.records().stream()
          .map(ConsumerRecord::value).collect(Collectors.groupingBy(ScoreCrashIT::cropKey));
      assertThat(byCrop.keySet()).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(byCrop.values()).allSatisfy(list -> assertThat(list).hasSize(1));
      assertThat(byCrop.entrySet()).allSatisfy(entry -> assertThat(entry.getValue().get(0)
          .getStatus()).isEqualTo(bad.contains(entry.getKey()) ? ScoreStatus.FAILED
          : ScoreStatus.OK));
      assertThat(deadLetters.records()).extracting(r -> r.value().getStage())
          .containsOnly(Stage.SCORE);
      assertThat(deadLetters.records()).extracting(r -> r.key() + "/99/0")
          .containsExactlyInAnyOrderElementsOf(bad);
      assertThat(Files.readString(dir.resolve("second.log")))
          .contains("crops were waiting for their batch when the task last stopped");
    }
  }

  private static String cropKey(FaceScore score) {
    return score.getEventId() + "/" + score.getFrameIndex() + "/" + score.getFaceIndex();
  }

  private static ProducerRecord<String, FaceCrop> crop(int partition, UUID event, int frame,
      byte[] jpeg, List<String> expected) {
    expected.add(event + "/" + frame + "/0");
    return new ProducerRecord<>(Topics.FACE_CROPS.name(), partition, event.toString(),
        TestCrops.crop(event, frame, 0, jpeg, CROP));
  }

  private static void produce(List<ProducerRecord<String, FaceCrop>> records) throws Exception {
    try (KafkaProducer<String, FaceCrop> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(),
        Topics.FACE_CROPS.valueSerde(registryServer.registry(), true).serializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (ProducerRecord<String, FaceCrop> record : records) {
        sent.add(producer.send(record));
      }
      for (Future<RecordMetadata> future : sent) {
        future.get(30, TimeUnit.SECONDS);
      }
    }
  }

  /** Starts {@code deepscreen run score} in a JVM of its own, its output in {@code <name>.log}. */
  private static Process launch(String applicationId, Path ensemble, Duration maxWait,
      String name) throws IOException {
    Path settings = dir.resolve(name + ".properties");
    Files.writeString(settings, String.join("\n",
        "bootstrap.servers=" + kafka.bootstrapServers(),
        "schema.registry.url=" + registryServer.url(),
        "application.id=" + applicationId,
        "state.dir=" + dir.resolve("state-" + name),
        "commit.interval.ms=100",
        // No health endpoint: a fixed port could be taken, and this test does not need one.
        "http.port=-1",
        // A killed member leaves neither its group nor its transaction: short timeouts let the
        // next run take over its partitions and the open transaction be aborted quickly.
        "session.timeout.ms=6000",
        "heartbeat.interval.ms=1000",
        "producer.transaction.timeout.ms=5000",
        ScoreConfig.ENSEMBLE_DIR_CONFIG + "=" + ensemble,
        ScoreConfig.BATCH_MAX_SIZE_CONFIG + "=" + BATCH,
        ScoreConfig.BATCH_MAX_WAIT_MS_CONFIG + "=" + maxWait.toMillis(),
        ScoreConfig.INTRA_OP_THREADS_CONFIG + "=1", ""));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        Deepscreen.class.getName(), "run", "score", "--config", settings.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
  }

  private static void kill(Process process) throws InterruptedException {
    process.destroyForcibly(); // SIGKILL: no shutdown hook, no final commit
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }
}
