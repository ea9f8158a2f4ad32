package dev.deepscreen.streams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.Stage;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.streams.app.DeadLetterHandler;
import dev.deepscreen.streams.app.StageRunner;
import dev.deepscreen.embedded.InProcessKafkaCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code deepscreen dead-letters} against a real in-process broker and a {@code mock://}
 * registry: four dead letters, two of which can be replayed (a face crop and a video event) and
 * two not (no value; a topic the pipeline does not read).
 */
@Tag("integration")
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeadLettersCommandIT {

  private static final String SCOPE = "dead-letters-it-" + UUID.randomUUID();
  private static final Instant NOW = Instant.now();
  private static final String CROP_KEY = UUID.randomUUID().toString();
  private static final String EVENT_KEY = UUID.randomUUID().toString();
  private static final String ABANDONED_KEY = UUID.randomUUID().toString();
  private static final String LOOPING_KEY = UUID.randomUUID().toString();
  /** Not UTF-8, and not Avro either: what a deserialization failure leaves. */
  private static final byte[] CROP_VALUE = {0, 0, 0, 0, 9, (byte) 0xff, (byte) 0xfe, 1, 2, 3};
  private static final byte[] EVENT_VALUE = "\0\0\0\0\1event".getBytes(StandardCharsets.UTF_8);

  private static InProcessKafkaCluster kafka;
  private static Map<String, String> env;

  @BeforeAll
  static void startBrokerAndWriteDeadLetters() throws Exception {
    kafka = InProcessKafkaCluster.start();
    env = Map.of("DEEPSCREEN_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
        "DEEPSCREEN_SCHEMA_REGISTRY_URL", "mock://" + SCOPE);
    CliRun topics = CliRun.run(env, "topics", "create");
    assertThat(topics.exitCode()).as(topics.err()).isZero();
    try (KafkaProducer<byte[], DeadLetter> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new ByteArraySerializer(), Topics.DEAD_LETTERS.valueSerde(
            InMemorySchemaRegistry.forScope(SCOPE), true).serializer())) {
      // offset 0: a face crop the scoring stage could not read, with a tracing header
      send(producer, DeadLetterHandler.deadLetter(Stage.SCORE, "deepscreen-score",
          Topics.FACE_CROPS.name(), 1, 17, NOW.toEpochMilli(), bytes(CROP_KEY), CROP_VALUE,
          new IllegalStateException("Unknown magic byte\nat offset 0"),
          NOW.minus(3, ChronoUnit.HOURS)), "trace-id", "abc-123");
      // offset 1: an abandoned event: no value kept
      send(producer, DeadLetterHandler.deadLetter(Stage.AGGREGATE, "deepscreen-aggregate",
          Topics.FACE_SCORES.name(), 0, 4, NOW.toEpochMilli(), bytes(ABANDONED_KEY), null,
          new java.util.concurrent.TimeoutException("no extraction summary came"),
          NOW.minus(1, ChronoUnit.HOURS)), "trace-id", "def-456");
      // offset 2: a video event, its bytes kept
      send(producer, DeadLetterHandler.deadLetter(Stage.EXTRACT, "deepscreen-extract",
          Topics.VIDEO_EVENTS.name(), 3, 8, NOW.toEpochMilli(), bytes(EVENT_KEY), EVENT_VALUE,
          new java.io.IOException("host unreachable"), NOW.minus(10, ChronoUnit.MINUTES)));
      // offset 3: about a record of the dead letters themselves
      send(producer, DeadLetterHandler.deadLetter(Stage.REVIEW, "deepscreen-review",
          Topics.DEAD_LETTERS.name(), 0, 5, NOW.toEpochMilli(), bytes(LOOPING_KEY), EVENT_VALUE,
          new IllegalArgumentException("unreadable"), NOW.minus(5, ChronoUnit.MINUTES)));
      producer.flush();
    }
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
    InMemorySchemaRegistry.dropScope(SCOPE);
  }

  @Test
  void listsEveryDeadLetterAsATableAndStops() {
    CliRun run = CliRun.run(env, "dead-letters");
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> rows = run.out().lines().toList();
    assertThat(rows).hasSize(5);
    assertThat(rows.get(0)).isEqualTo(DeadLetterFormats.header());
    assertThat(rows.get(1)).startsWith(NOW.minus(3, ChronoUnit.HOURS)
        .truncatedTo(ChronoUnit.SECONDS) + " SCORE     face-crops-1@17 ")
        .contains(CROP_KEY).endsWith("IllegalStateException: Unknown magic byte at offset 0");
    assertThat(rows.get(2)).contains("AGGREGATE", "face-scores-0@4", ABANDONED_KEY,
        "TimeoutException: no extraction summary came");
    assertThat(rows.get(3)).contains("EXTRACT", "video-events-3@8", EVENT_KEY,
        "IOException: host unreachable");
    assertThat(rows.get(4)).contains("REVIEW", "dead-letters-0@5", LOOPING_KEY);
  }

  @Test
  void filtersByStageTopicAndTime() {
    assertThat(keys("--stage", "SCORE", "--stage", "EXTRACT"))
        .containsExactly(CROP_KEY, EVENT_KEY);
    assertThat(keys("--topic", "video-events", "--topic", "face-scores"))
        .containsExactly(ABANDONED_KEY, EVENT_KEY);
    assertThat(keys("--since", "2h")).containsExactly(ABANDONED_KEY, EVENT_KEY, LOOPING_KEY);
    assertThat(keys("--since", NOW.minus(7, ChronoUnit.MINUTES).toString()))
        .containsExactly(LOOPING_KEY);
    assertThat(keys("--since", "30m", "--stage", "EXTRACT", "--topic", "video-events"))
        .containsExactly(EVENT_KEY);
    assertThat(keys("--stage", "SINK")).isEmpty();
  }

  @Test
  void listsJsonLinesWithTheCoordinatesHeadersAndError() throws Exception {
    CliRun run = CliRun.run(env, "dead-letters", "--format", "jsonl", "--stage", "SCORE");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines()).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(run.out().lines().findFirst().orElseThrow());
    assertThat(line.get("dead_letter").asText()).isEqualTo("dead-letters-0@0");
    assertThat(line.get("stage").asText()).isEqualTo("SCORE");
    assertThat(line.get("application_id").asText()).isEqualTo("deepscreen-score");
    assertThat(line.get("topic").asText()).isEqualTo("face-crops");
    assertThat(line.get("partition").asInt()).isEqualTo(1);
    assertThat(line.get("offset").asLong()).isEqualTo(17);
    assertThat(line.get("key").asText()).isEqualTo(CROP_KEY);
    assertThat(line.get("event_id").asText()).isEqualTo(CROP_KEY);
    assertThat(line.get("value_bytes").asInt()).isEqualTo(CROP_VALUE.length);
    assertThat(line.get("error_class").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(line.get("error_message").asText()).isEqualTo("Unknown magic byte\nat offset 0");
    assertThat(line.get("failed_at").asText())
        .isEqualTo(NOW.minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS).toString());
    assertThat(line.get("headers").get("trace-id").asText()).isEqualTo("abc-123");
    assertThat(line.get("stack_trace").asText()).startsWith(
        "java.lang.IllegalStateException: Unknown magic byte");
  }

  @Test
  void replaySendsTheOriginalBytesKeyAndHeadersBackAndRefusesTheOthers() {
    Map<TopicPartition, Long> before = endOffsets();
    CliRun run = CliRun.run(env, "dead-letters", "--replay");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(StageRunner.EXIT_FAILED);
    assertThat(run.out().lines())
        .anySatisfy(l -> assertThat(l).startsWith(
            "replayed dead-letters-0@0 (SCORE, face-crops-1@17) to face-crops-"))
        .anySatisfy(l -> assertThat(l).startsWith(
            "replayed dead-letters-0@2 (EXTRACT, video-events-3@8) to video-events-"))
        .endsWith("Replayed 2 of 4 dead letters, 2 refused");
    assertThat(run.err().lines()).containsExactly(
        "refused dead-letters-0@1 (AGGREGATE, face-scores-0@4): it holds no value to send (the"
            + " AGGREGATE stage did not keep the original record's bytes)",
        "refused dead-letters-0@3 (REVIEW, dead-letters-0@5): its original topic dead-letters"
            + " is not one the pipeline reads (video-events, face-crops, extraction-summaries,"
            + " face-scores, verdicts, review-decisions)");

    List<ConsumerRecord<byte[], byte[]>> sent = readSince(before);
    assertThat(sent).hasSize(2);
    ConsumerRecord<byte[], byte[]> crop = only(sent, Topics.FACE_CROPS.name());
    assertThat(crop.key()).isEqualTo(bytes(CROP_KEY));
    assertThat(crop.value()).isEqualTo(CROP_VALUE);
    assertThat(headers(crop)).containsExactly("trace-id=abc-123",
        DeadLetterReplay.HEADER + "=dead-letters-0@0");
    ConsumerRecord<byte[], byte[]> event = only(sent, Topics.VIDEO_EVENTS.name());
    assertThat(event.key()).isEqualTo(bytes(EVENT_KEY));
    assertThat(event.value()).isEqualTo(EVENT_VALUE);
    assertThat(headers(event)).containsExactly(DeadLetterReplay.HEADER + "=dead-letters-0@2");

    Map<TopicPartition, Long> beforeOne = endOffsets();
    CliRun one = CliRun.run(env, "dead-letters", "--replay", "--stage", "SCORE");
    assertThat(one.exitCode()).as(one.err()).isZero();
    assertThat(one.out().lines()).hasSize(2).last()
        .isEqualTo("Replayed 1 of 1 dead letters, 0 refused");
    assertThat(readSince(beforeOne)).singleElement().satisfies(record -> {
      assertThat(record.topic()).isEqualTo(Topics.FACE_CROPS.name());
      assertThat(record.value()).isEqualTo(CROP_VALUE);
    });
  }

  @Test
  void dryRunSaysWhatWouldBeSentAndSendsNothing() {
    Map<TopicPartition, Long> before = endOffsets();
    CliRun run = CliRun.run(env, "dead-letters", "--replay", "--dry-run");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(StageRunner.EXIT_FAILED);
    assertThat(run.out().lines()).containsExactly(
        "would replay dead-letters-0@0 (SCORE, face-crops-1@17) to face-crops ("
            + CROP_VALUE.length + " bytes)",
        "would replay dead-letters-0@2 (EXTRACT, video-events-3@8) to video-events ("
            + EVENT_VALUE.length + " bytes)",
        "Would replay 2 of 4 dead letters, 2 refused (dry run: nothing was sent)");
    assertThat(run.err().lines()).hasSize(2)
        .allSatisfy(l -> assertThat(l).startsWith("refused dead-letters-0@"));
    CliRun replayable = CliRun.run(env, "dead-letters", "--replay", "--dry-run", "--topic",
        "video-events");
    assertThat(replayable.exitCode()).as(replayable.err()).isZero();
    assertThat(endOffsets()).isEqualTo(before);
  }

  @Test
  void refusesWhatCannotBeReplayedAndSendsNothing() {
    Map<TopicPartition, Long> before = endOffsets();
    CliRun looping = CliRun.run(env, "dead-letters", "--replay", "--topic", "dead-letters");
    assertThat(looping.exitCode()).isEqualTo(StageRunner.EXIT_FAILED);
    assertThat(looping.err()).contains("refused dead-letters-0@3 (REVIEW, dead-letters-0@5):"
        + " its original topic dead-letters is not one the pipeline reads");
    assertThat(looping.out().lines()).containsExactly("Replayed 0 of 1 dead letters, 1 refused");
    CliRun empty = CliRun.run(env, "dead-letters", "--replay", "--stage", "AGGREGATE");
    assertThat(empty.exitCode()).isEqualTo(StageRunner.EXIT_FAILED);
    assertThat(empty.err()).contains("it holds no value to send");
    assertThat(endOffsets()).isEqualTo(before);
  }

  @Test
  void wrongArgumentsAndSettingsGetTheirExitCodes() {
    CliRun since = CliRun.run(env, "dead-letters", "--since", "yesterday");
    assertThat(since.exitCode()).isEqualTo(StageRunner.EXIT_USAGE);
    assertThat(since.err().trim()).isEqualTo("--since takes an ISO-8601 instant such as"
        + " 2026-12-06T08:00:00Z, or a time ago such as 90s, 30m, 2h or 7d: yesterday");
    CliRun dryRun = CliRun.run(env, "dead-letters", "--dry-run");
    assertThat(dryRun.exitCode()).isEqualTo(StageRunner.EXIT_USAGE);
    assertThat(dryRun.err().trim()).isEqualTo("--dry-run goes with --replay");
    CliRun format = CliRun.run(env, "dead-letters", "--replay", "--format", "jsonl");
    assertThat(format.exitCode()).isEqualTo(StageRunner.EXIT_USAGE);
    CliRun stage = CliRun.run(env, "dead-letters", "--stage", "RESIZE");
    assertThat(stage.exitCode()).isEqualTo(StageRunner.EXIT_USAGE);
    assertThat(stage.err()).contains("RESIZE", "EXTRACT, SCORE, AGGREGATE");
    CliRun settings = CliRun.run(Map.of("DEEPSCREEN_SCHEMA_REGISTRY_URL", "mock://" + SCOPE),
        "dead-letters");
    assertThat(settings.exitCode()).isEqualTo(StageRunner.EXIT_CONFIG);
    assertThat(settings.err()).contains("bootstrap.servers");
  }

  /** The keys of the dead letters listed with these filters, in order. */
  private static List<String> keys(String... filters) {
    List<String> args = new ArrayList<>(List.of("dead-letters", "--format", "jsonl"));
    args.addAll(List.of(filters));
    CliRun run = CliRun.run(env, args.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.err()).isZero();
    ObjectMapper json = new ObjectMapper();
    return run.out().lines().map(l -> {
      try {
        return json.readTree(l).get("key").asText();
      } catch (Exception e) {
        throw new AssertionError(l, e);
      }
    }).toList();
  }

  private static void send(KafkaProducer<byte[], DeadLetter> producer, DeadLetter letter,
      String... header) throws Exception {
    RecordHeaders headers = new RecordHeaders();
    for (int i = 0; i < header.length; i += 2) {
      headers.add(header[i], bytes(header[i + 1]));
    }
    producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS.name(), null, null,
        letter.getKey().array(), letter, headers)).get(30, TimeUnit.SECONDS);
  }

  /** The end offsets of every partition of the pipeline's topics. */
  private static Map<TopicPartition, Long> endOffsets() {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      return consumer.endOffsets(partitions(consumer));
    }
  }

  /** Every record written to the pipeline's topics after {@code before}. */
  private static List<ConsumerRecord<byte[], byte[]>> readSince(
      Map<TopicPartition, Long> before) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions(consumer));
      Map<TopicPartition, Long> unread = new HashMap<>();
      end.forEach((partition, offset) -> {
        if (offset > before.get(partition)) {
          unread.put(partition, offset);
        }
      });
      consumer.assign(unread.keySet());
      unread.keySet().forEach(p -> consumer.seek(p, before.get(p)));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (unread.entrySet().stream().anyMatch(e -> consumer.position(e.getKey())
          < e.getValue()) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
    return Topics.all().stream().flatMap(t -> consumer.partitionsFor(t.name()).stream())
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
  }

  private static KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static ConsumerRecord<byte[], byte[]> only(List<ConsumerRecord<byte[], byte[]>> records,
      String topic) {
    return records.stream().filter(r -> r.topic().equals(topic)).reduce((a, b) -> {
      throw new AssertionError("more than one record on " + topic);
    }).orElseThrow(() -> new AssertionError("no record on " + topic));
  }

  private static List<String> headers(ConsumerRecord<byte[], byte[]> record) {
    List<String> headers = new ArrayList<>();
    for (Header header : record.headers()) {
      headers.add(header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8));
    }
    return headers;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
