package dev.deepscreen.streams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deepscreen.avro.VideoEvent;
import dev.deepscreen.schemas.TopicDefinition;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.streams.app.StageRunner;
import dev.deepscreen.core.inference.TinyModels;
import dev.deepscreen.embedded.InProcessKafkaCluster;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against a real in-process broker and a {@code mock://} registry: topics,
 * submitting, following verdicts, and {@code run all} turning refused videos into verdicts.
 */
@Tag("integration")
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {

  private static final int PARTITIONS = 2;
  private static final String SCOPE = "cli-it-" + UUID.randomUUID();

  private static InProcessKafkaCluster kafka;
  private static Map<String, String> env;
  /** The events the first test got verdicts for. */
  private static final List<String> decided = new ArrayList<>();

  @TempDir
  static Path dir;

  @BeforeAll
  static void startBrokerAndCreateTopics() {
    kafka = InProcessKafkaCluster.start();
    env = Map.of("DEEPSCREEN_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
        "DEEPSCREEN_SCHEMA_REGISTRY_URL", "mock://" + SCOPE);
    CliRun run = CliRun.run(env, "topics", "create", "--partitions", "" + PARTITIONS);
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines()).containsExactlyElementsOf(Topics.all().stream()
        .map(t -> "created " + t.name() + " (" + PARTITIONS + " partitions)").toList());
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
    InMemorySchemaRegistry.dropScope(SCOPE);
  }

  @Test
  void topicsCreateAgainLeavesTheTopicsAndSaysSo() {
    CliRun run = CliRun.run(env, "topics", "create", "-p", "" + PARTITIONS);
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines()).containsExactlyElementsOf(Topics.all().stream()
        .map(t -> "exists " + t.name() + " (" + PARTITIONS + " partitions, 1 replicas)")
        .toList());
  }

  @Test
  void topicsCreateReportsDifferencesAndChangesNothing() throws Exception {
    ConfigResource deadLetters = new ConfigResource(ConfigResource.Type.TOPIC,
        Topics.DEAD_LETTERS.name());
    alter(deadLetters, "1000");
    try {
      CliRun run = CliRun.run(env, "topics", "create");
      assertThat(run.exitCode()).isEqualTo(StageRunner.EXIT_FAILED);
      assertThat(run.err()).contains("differs video-events: partitions 2, defined 6",
          "differs dead-letters: partitions 2, defined 1; retention.ms 1000, defined "
              + Topics.DEAD_LETTERS.topicConfigs().get("retention.ms"),
          "existing topics are never changed by this command");
      assertThat(kafka.admin().describeConfigs(List.of(deadLetters)).all()
          .get(30, TimeUnit.SECONDS).get(deadLetters).get("retention.ms").value())
          .isEqualTo("1000");
    } finally {
      alter(deadLetters, Topics.DEAD_LETTERS.topicConfigs().get("retention.ms"));
    }
  }

  @Test
  void submitWritesOneEventPerVideoWithAnAbsoluteFileUri() throws Exception {
    Path video = Files.writeString(dir.resolve("upload.mp4"), "not really a video");
    Path settings = Files.writeString(dir.resolve("client.properties"),
        "bootstrap.servers=" + kafka.bootstrapServers() + "\nschema.registry.url=mock://"
            + SCOPE + "\n");
    CliRun run = CliRun.run(Map.of(), "submit", "--config", settings.toString(),
        "--tenant", "t1", "-a", "channel=mobile", "-a", "lang=de", video.toString(),
        "https://videos.example.com/v/42.mp4");
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String[]> lines = run.out().lines().map(l -> l.split("\t")).toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).containsExactly(lines.get(0)[0], "upload.mp4",
        video.toUri().toString());
    assertThat(lines.get(1)).containsExactly(lines.get(1)[0], "42.mp4",
        "https://videos.example.com/v/42.mp4");

    Map<String, VideoEvent> events = readEvents(Arrays.asList(lines.get(0)[0],
        lines.get(1)[0]));
    VideoEvent first = events.get(lines.get(0)[0]);
    assertThat(first.getUri()).isEqualTo(video.toAbsolutePath().toUri().toString());
    assertThat(first.getVideoId()).isEqualTo("upload.mp4");
    assertThat(first.getSource()).isEqualTo("deepscreen-cli");
    assertThat(first.getTenant()).isEqualTo("t1");
    assertThat(first.getAttributes()).containsExactlyInAnyOrderEntriesOf(
        Map.of("channel", "mobile", "lang", "de"));
    assertThat(events.get(lines.get(1)[0]).getUri())
        .isEqualTo("https://videos.example.com/v/42.mp4");
  }

  // First, so that the stages it runs see only its own events.
  @Test
  @Order(1)
  void runAllTurnsRefusedVideosIntoVerdictsThatVerdictsPrints() throws Exception {
    Path allowed = Files.createDirectories(dir.resolve("allowed"));
    Path outside = Files.writeString(dir.resolve("outside.mp4"), "x");
    Map<String, String> stageEnv = new HashMap<>(env);
    stageEnv.put("DEEPSCREEN_STATE_DIR", dir.resolve("state").toString());
    stageEnv.put("DEEPSCREEN_EXTRACT_FILE_ROOTS", allowed.toString());
    stageEnv.put("DEEPSCREEN_SCORE_ENSEMBLE_DIR", tinyEnsemble().toString());
    int port = freePort();
    stageEnv.put("DEEPSCREEN_HTTP_PORT", "" + port);
    CliRun.ManualStop stop = new CliRun.ManualStop();
    CompletableFuture<CliRun> running = CompletableFuture.supplyAsync(
        () -> CliRun.run(stageEnv, stop, "run", "all"));
    try {
      Http http = new Http(port);
      http.await("/health/ready", 200, Duration.ofSeconds(90), running);
      assertThat(http.get("/health/ready").body()).contains("ExtractApp RUNNING",
          "ScoreApp RUNNING", "AggregateApp RUNNING");
      assertThat(http.get("/health/live").statusCode()).isEqualTo(200);

      CliRun submitted = CliRun.run(env, "submit", outside.toString(), "ftp://host/v.mp4");
      assertThat(submitted.exitCode()).as(submitted.err()).isZero();
      List<String> ids = submitted.out().lines().map(l -> l.split("\t")[0]).toList();
      decided.addAll(ids);

      CliRun json = CliRun.run(env, "verdicts", "--from-beginning", "--limit", "2",
          "--format", "jsonl");
      assertThat(json.exitCode()).as(json.err()).isZero();
      List<JsonNode> verdicts = new ArrayList<>();
      for (String line : json.out().lines().toList()) {
        verdicts.add(new ObjectMapper().readTree(line));
      }
      assertThat(verdicts).extracting(v -> v.get("event_id").asText())
          .containsExactlyInAnyOrderElementsOf(ids);
      assertThat(verdicts).allSatisfy(v -> {
        assertThat(v.get("status").asText()).isEqualTo("REJECTED");
        assertThat(v.get("probability").asDouble()).isEqualTo(0.5);
      });

      CliRun table = CliRun.run(env, "verdicts", "--from-beginning", "-n", "2");
      assertThat(table.exitCode()).as(table.err()).isZero();
      List<String> rows = table.out().lines().toList();
      assertThat(rows).hasSize(3);
      assertThat(rows.get(0)).isEqualTo(VerdictTable.header());
      assertThat(rows.subList(1, 3)).allSatisfy(row -> assertThat(row).contains("REJECTED"))
          .anySatisfy(row -> assertThat(row).startsWith("outside.mp4 "))
          .anySatisfy(row -> assertThat(row).startsWith("v.mp4 "));

      HttpResponse<String> metrics = http.get("/metrics");
      assertThat(metrics.headers().firstValue("Content-Type")).contains(
          "text/plain; version=0.0.4; charset=utf-8");
      // One registry for the three stages: each stage's own metrics, each application's
      // Kafka metrics apart by their client and thread ids, the JVM's and the process's once.
      assertThat(metrics.body().lines()).contains(
          "deepscreen_videos_total{status=\"REJECTED\"} 2.0",
          "deepscreen_verdicts_total{status=\"REJECTED\"} 2.0",
          "deepscreen_verdict_latency_seconds_count 2",
          "deepscreen_face_crops_total 0.0",
          "# TYPE kafka_stream_thread_process_total counter",
          "# TYPE jvm_memory_used_bytes gauge",
          "# TYPE process_uptime_seconds gauge")
          .anySatisfy(line -> assertThat(line).startsWith("kafka_stream_thread_process_total{")
              .contains("thread_id=\"deepscreen-aggregate-"))
          .anySatisfy(line -> assertThat(line).startsWith("kafka_stream_thread_process_total{")
              .contains("thread_id=\"deepscreen-extract-"));
    } finally {
      stop.stop();
    }
    CliRun stopped = running.get(120, TimeUnit.SECONDS);
    assertThat(stopped.exitCode()).as(stopped.err()).isZero();
  }

  @Test
  @Order(2)
  void verdictsStopsWhenCaughtUpAndLooksUpOneEvent() throws Exception {
    assertThat(decided).as("the verdicts of the first test").hasSize(2);

    CliRun all = CliRun.run(env, "verdicts", "--from-beginning", "--until-caught-up",
        "--format", "jsonl");
    assertThat(all.exitCode()).as(all.err()).isZero();
    List<String> seen = new ArrayList<>();
    for (String line : all.out().lines().toList()) {
      seen.add(new ObjectMapper().readTree(line).get("event_id").asText());
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(decided);

    CliRun fromNow = CliRun.run(env, "verdicts", "--until-caught-up");
    assertThat(fromNow.exitCode()).as(fromNow.err()).isZero();
    assertThat(fromNow.out().lines()).containsExactly(VerdictTable.header());

    for (String id : decided) {
      CliRun one = CliRun.run(env, "verdicts", "--event", id, "--format", "jsonl");
      assertThat(one.exitCode()).as(one.err()).isZero();
      assertThat(one.out().lines()).singleElement().satisfies(line -> assertThat(
          new ObjectMapper().readTree(line).get("event_id").asText()).isEqualTo(id));
    }
    String unknown = UUID.randomUUID().toString();
    CliRun none = CliRun.run(env, "verdicts", "--event", unknown);
    assertThat(none.exitCode()).isEqualTo(StageRunner.EXIT_FAILED);
    assertThat(none.err().trim()).isEqualTo("No verdict for event " + unknown + " in verdicts");
    assertThat(none.out()).isEmpty();

    CliRun bad = CliRun.run(env, "verdicts", "--event", "v.mp4");
    assertThat(bad.exitCode()).isEqualTo(StageRunner.EXIT_USAGE);
    assertThat(bad.err()).contains("--event takes an event id");
  }

  /** A one-model ensemble the test exports (the scorer needs one to start). */
  private static Path tinyEnsemble() throws Exception {
    Path ensemble = Files.createDirectories(dir.resolve("ensemble"));
    TinyModels.export(ensemble.resolve("tiny"), 64, 1f, 0f);
    return TinyModels.writeManifest(ensemble, "cli-it",
        TinyModels.manifestEntry("tiny", "tiny", 64, 1));
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The stage process's HTTP endpoint. */
  private record Http(int port) {
    HttpResponse<String> get(String path) throws Exception {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
          .build(), HttpResponse.BodyHandlers.ofString());
    }

    void await(String path, int status, Duration timeout, CompletableFuture<CliRun> process)
        throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        assertThat(process).as("the stage process ended early").isNotDone();
        try {
          if (get(path).statusCode() == status) {
            return;
          }
        } catch (java.io.IOException notYetListening) {
          // The endpoint starts after the stages were created.
        }
        Thread.sleep(200);
      }
      throw new AssertionError(path + " did not answer " + status + " within " + timeout);
    }
  }

  private static void alter(ConfigResource topic, String retention) throws Exception {
    kafka.admin().incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
        new ConfigEntry("retention.ms", retention), AlterConfigOp.OpType.SET))))
        .all().get(30, TimeUnit.SECONDS);
  }

  private static Map<String, VideoEvent> readEvents(List<String> ids) {
    TopicDefinition<VideoEvent> topic = Topics.VIDEO_EVENTS;
    Map<String, VideoEvent> events = new HashMap<>();
    try (KafkaConsumer<String, VideoEvent> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), topic.keySerde().deserializer(),
        topic.valueSerde(InMemorySchemaRegistry.forScope(SCOPE), false).deserializer())) {
      consumer.subscribe(List.of(topic.name()));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!events.keySet().containsAll(ids) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> events.put(r.key(), r.value()));
      }
    }
    return events;
  }
}
