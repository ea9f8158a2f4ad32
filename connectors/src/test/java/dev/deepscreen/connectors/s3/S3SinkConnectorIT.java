package dev.deepscreen.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.connectors.s3.testing.Await;
import dev.deepscreen.connectors.s3.testing.ConnectRest;
import dev.deepscreen.connectors.s3.testing.ConnectWorker;
import dev.deepscreen.connectors.s3.testing.ObjectContents;
import dev.deepscreen.connectors.s3.testing.S3ProxyServer;
import dev.deepscreen.schemas.SampleRecords;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.schemas.serde.AvroSerde;
import dev.deepscreen.streams.embedded.InProcessKafkaCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin in a real Connect worker, reading verdicts in the Confluent wire format from a real
 * broker and writing them to a real S3-compatible server, configured from the shipped
 * {@code config/verdicts-s3-sink.json} with the endpoints of this test.
 */
@Tag("integration")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class S3SinkConnectorIT {

  private static final String BUCKET = "deepscreen-audit";
  private static final String SCOPE = "s3-sink-it-" + UUID.randomUUID();
  private static final Instant T0 = Instant.parse("2026-11-21T08:30:00Z");
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final Pattern KEY = Pattern.compile(".*\\+(\\d+)\\+(\\d{10})\\.(avro|json)");

  @TempDir
  static Path workDir;
  private static InProcessKafkaCluster kafka;
  private static S3ProxyServer s3;
  private static ConnectWorker worker;
  private static AvroSerde<Verdict> serde;

  @BeforeAll
  static void start() {
    kafka = InProcessKafkaCluster.start();
    s3 = S3ProxyServer.start();
    s3.createBucket(BUCKET);
    worker = ConnectWorker.start(kafka.bootstrapServers(), workDir);
    serde = Topics.VERDICTS.valueSerde(InMemorySchemaRegistry.forScope(SCOPE), true);
  }

  @AfterAll
  static void stop() {
    if (worker != null) {
      worker.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    InMemorySchemaRegistry.dropScope(SCOPE);
  }

  /** The shipped configuration, pointed at this test's broker topic, registry and S3. */
  private static Map<String, String> config(String topic, String dir, String... overrides) {
    Map<String, String> config = new HashMap<>();
    try {
      new ObjectMapper().readTree(Path.of("config/verdicts-s3-sink.json").toFile())
          .get("config").fields().forEachRemaining(e -> config.put(e.getKey(),
              e.getValue().asText()));
    } catch (IOException e) {
      throw new AssertionError("cannot read the shipped connector configuration", e);
    }
    config.put("topics", topic);
    config.put("topics.dir", dir);
    config.put("schema.registry.url", "mock://" + SCOPE);
    config.put("store.url", s3.endpoint().toString());
    config.put("aws.access.key.id", S3ProxyServer.ACCESS_KEY);
    config.put("aws.secret.access.key", S3ProxyServer.SECRET_KEY);
    for (int i = 0; i < overrides.length; i += 2) {
      config.put(overrides[i], overrides[i + 1]);
    }
    return config;
  }

  private static Verdict verdict(int partition, int n) {
    return Verdict.newBuilder(SampleRecords.verdict()).setEventId(UUID.randomUUID())
        .setVideoId("video-" + partition + "-" + n).build();
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers(), ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
        new StringSerializer(), new ByteArraySerializer());
  }

  private static void send(KafkaProducer<String, byte[]> producer, String topic, int partition,
      byte[] value) {
    try {
      producer.send(new ProducerRecord<>(topic, partition, T0.toEpochMilli(), "key", value))
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("cannot produce to " + topic, e);
    }
  }

  /** Sends {@code count} verdicts to each partition, numbered from {@code from}. */
  private static void produce(String topic, int partitions, int from, int count,
      Map<Integer, List<Verdict>> sent) {
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (int n = from; n < from + count; n++) {
        for (int p = 0; p < partitions; p++) {
          Verdict verdict = verdict(p, n);
          send(producer, topic, p, serde.serializer().serialize(topic, verdict));
          sent.computeIfAbsent(p, k -> new ArrayList<>()).add(verdict);
        }
      }
    }
  }

  /**
   * Every record is in exactly one object: the keys are exactly those of consecutive batches of
   * {@code flushSize} from offset 0, and each object holds its batch's records in order.
   */
  private static void assertExactlyOnce(String prefix, String topic, String path,
      Map<Integer, List<Verdict>> sent, int flushSize) {
    List<String> expected = new ArrayList<>();
    sent.forEach((partition, records) -> {
      for (int start = 0; start < records.size(); start += flushSize) {
        expected.add(String.format("%s/%s/%s/%s+%d+%010d.avro", prefix, topic,
            path.replace("{p}", partition.toString()), topic, partition, start));
      }
    });
    Await.until(WAIT, () -> s3.keys(BUCKET, prefix + "/").size() >= expected.size(),
        () -> s3.keys(BUCKET, prefix + "/").toString());
    Map<String, byte[]> objects = s3.objects(BUCKET, prefix + "/");
    assertThat(objects.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    objects.forEach((key, bytes) -> {
      Matcher m = KEY.matcher(key);
      assertThat(m.matches()).isTrue();
      int partition = Integer.parseInt(m.group(1));
      int start = Integer.parseInt(m.group(2));
      assertThat(ObjectContents.avro(bytes, Verdict.class)).as(key)
          .containsExactlyElementsOf(sent.get(partition).subList(start, start + flushSize));
    });
  }

  @Test
  void objectsHoldExactlyTheTopicsRecordsInAvroAndJson() {
    String topic = "verdicts-contents";
    kafka.createTopic(topic, 3);
    Map<Integer, List<Verdict>> sent = new HashMap<>();
    produce(topic, 3, 0, 20, sent);
    ConnectRest rest = worker.rest();
    rest.putConnector("avro-sink", config(topic, "avro", "flush.size", "10"));
    rest.putConnector("json-sink", config(topic, "json", "flush.size", "20", "format", "json",
        "partitioner", "kafka"));

    assertExactlyOnce("avro", topic, "year=2026/month=11/day=21", sent, 10);

    Await.until(WAIT, () -> s3.keys(BUCKET, "json/").size() == 3,
        () -> s3.keys(BUCKET, "json/").toString());
    for (int p = 0; p < 3; p++) {
      String key = String.format("json/%s/partition=%d/%s+%d+0000000000.json", topic, p, topic,
          p);
      String text = new String(s3.objects(BUCKET, key).get(key), StandardCharsets.UTF_8);
      List<String> videoIds = text.lines().map(line -> readJson(line).get("video_id").asText())
          .toList();
      assertThat(videoIds).containsExactlyElementsOf(
          sent.get(p).stream().map(Verdict::getVideoId).toList());
    }
  }

  @Test
  void aTaskRestartAndAWorkerRestartMidStreamLoseAndDuplicateNothing() throws Exception {
    String topic = "verdicts-restart";
    kafka.createTopic(topic, 3);
    Map<Integer, List<Verdict>> sent = new HashMap<>();
    Map<String, String> config = config(topic, "restart", "flush.size", "5", "tasks.max", "2",
        "partitioner", "kafka");
    worker.rest().putConnector("restart-sink", config);
    produce(topic, 3, 0, 20, sent);
    Await.until(WAIT, () -> s3.keys(BUCKET, "restart/").size() >= 3,
        () -> s3.keys(BUCKET, "restart/").toString());

    // A task restart revokes its partitions mid-batch: the unwritten records are read again.
    assertThat(worker.rest().post("/connectors/restart-sink/tasks/0/restart", null).status())
        .isEqualTo(204);
    produce(topic, 3, 20, 10, sent);
    int before = s3.keys(BUCKET, "restart/").size();
    Await.until(WAIT, () -> s3.keys(BUCKET, "restart/").size() > before,
        () -> s3.keys(BUCKET, "restart/").toString());

    // The whole worker goes away while records keep arriving; a new one resumes.
    worker.close();
    produce(topic, 3, 30, 10, sent);
    worker = ConnectWorker.start(kafka.bootstrapServers(), workDir);
    worker.rest().putConnector("restart-sink", config);
    produce(topic, 3, 40, 10, sent);

    assertExactlyOnce("restart", topic, "partition={p}", sent, 5);
    Await.until(WAIT, () -> committed("connect-restart-sink", topic, 3) == 3 * 50L,
        () -> "committed " + committed("connect-restart-sink", topic, 3));
  }

  @Test
  void theWallClockScheduleWritesAQuietPartition() {
    String topic = "verdicts-quiet";
    kafka.createTopic(topic, 1);
    Map<Integer, List<Verdict>> sent = new HashMap<>();
    produce(topic, 1, 0, 3, sent);
    worker.rest().putConnector("quiet-sink", config(topic, "quiet", "flush.size", "1000",
        "rotate.schedule.interval.ms", "1000", "partitioner", "kafka"));
    String key = "quiet/" + topic + "/partition=0/" + topic + "+0+0000000000.avro";
    Await.until(WAIT, () -> s3.keys(BUCKET, "quiet/").contains(key),
        () -> s3.keys(BUCKET, "quiet/").toString());
    assertThat(ObjectContents.avro(s3.objects(BUCKET, key).get(key), Verdict.class))
        .containsExactlyElementsOf(sent.get(0));
  }

  @Test
  void onlyCommittedTransactionsReachS3() throws Exception {
    String topic = "verdicts-transactional";
    kafka.createTopic(topic, 1);
    List<Verdict> committed = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-" + UUID.randomUUID()),
        new StringSerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      for (int txn = 0; txn < 3; txn++) {
        producer.beginTransaction();
        for (int n = 0; n < 3; n++) {
          Verdict verdict = verdict(txn, n);
          producer.send(new ProducerRecord<>(topic, 0, T0.toEpochMilli(), "key",
              serde.serializer().serialize(topic, verdict)));
          if (txn != 1) {
            committed.add(verdict);
          }
        }
        // Flushed, so that the aborted records are in the log, not dropped in the producer.
        producer.flush();
        if (txn == 1) {
          producer.abortTransaction();
        } else {
          producer.commitTransaction();
        }
      }
    }
    // Offsets 0-2 and 8-10 hold committed records, 4-6 aborted ones, 3, 7 and 11 markers. The
    // shipped configuration reads committed records only; read_uncommitted fails this test.
    worker.rest().putConnector("transactional-sink", config(topic, "txn", "flush.size", "3",
        "partitioner", "kafka"));
    String prefix = "txn/" + topic + "/partition=0/" + topic + "+0+";
    Await.until(WAIT, () -> s3.keys(BUCKET, "txn/").size() == 2,
        () -> s3.keys(BUCKET, "txn/").toString());
    Map<String, byte[]> objects = s3.objects(BUCKET, "txn/");
    assertThat(objects).containsOnlyKeys(prefix + "0000000000.avro", prefix + "0000000008.avro");
    assertThat(ObjectContents.avro(objects.get(prefix + "0000000000.avro"), Verdict.class))
        .containsExactlyElementsOf(committed.subList(0, 3));
    assertThat(ObjectContents.avro(objects.get(prefix + "0000000008.avro"), Verdict.class))
        .containsExactlyElementsOf(committed.subList(3, 6));
  }

  /** The sum of the group's committed offsets over the topic's partitions. */
  private static long committed(String group, String topic, int partitions) {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets = kafka.admin()
          .listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
          .get(10, TimeUnit.SECONDS);
      long sum = 0;
      for (int p = 0; p < partitions; p++) {
        OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, p));
        sum += offset == null ? 0 : offset.offset();
      }
      return sum;
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Test
  void theWorkerFindsThePluginAndReportsConfigErrors() {
    ConnectRest rest = worker.rest();
    JsonNode plugins = rest.get("/connector-plugins").body();
    assertThat(plugins.findValuesAsText("class"))
        .contains(S3SinkConnector.class.getName());

    Map<String, String> singleField = config("verdicts", "invalid", "store.url", "s3://bucket",
        "flush.size", "0", "format", "parquet");
    assertThat(validationErrors(singleField)).containsOnly(
        Map.entry("store.url", List.of("Invalid value s3://bucket for configuration store.url:"
            + " must be an http(s)://host[:port] URL, or empty for AWS S3")),
        Map.entry("flush.size", List.of("Invalid value 0 for configuration flush.size: Value"
            + " must be at least 1")),
        Map.entry("format", List.of("Invalid value parquet for configuration format: must be"
            + " one of avro, json")));

    Map<String, String> crossField = config("verdicts", "invalid", "partitioner", "field");
    crossField.remove("aws.secret.access.key");
    assertThat(validationErrors(crossField)).containsOnly(
        Map.entry("partition.field.name", List.of("partition.field.name: must be set when"
            + " partitioner is field")),
        Map.entry("aws.secret.access.key", List.of("aws.secret.access.key: aws.access.key.id"
            + " and aws.secret.access.key must be set together")));

    ConnectRest.Response refused = rest.put("/connectors/invalid-sink/config", singleField);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body().get("message").asText()).contains("store.url");
  }

  private static Map<String, List<String>> validationErrors(Map<String, String> config) {
    Map<String, String> named = new HashMap<>(config);
    named.put("name", "validated-sink");
    ConnectRest.Response response = worker.rest().put(
        "/connector-plugins/S3SinkConnector/config/validate", named);
    assertThat(response.status()).isEqualTo(200);
    Map<String, List<String>> errors = new HashMap<>();
    for (JsonNode entry : response.body().get("configs")) {
      JsonNode value = entry.get("value");
      List<String> messages = new ArrayList<>();
      value.get("errors").forEach(e -> messages.add(e.asText()));
      if (!messages.isEmpty()) {
        errors.put(value.get("name").asText(), messages);
      }
    }
    return errors;
  }

  @Test
  void recordsTheDecoderCannotReadGoToTheDeadLetterQueue() {
    String topic = "verdicts-dlq";
    kafka.createTopic(topic, 1);
    byte[] notAvro = "not the wire format".getBytes(StandardCharsets.UTF_8);
    byte[] unknownSchema = {0, 0, 0x0f, 0x42, 0x40, 2, 4};
    List<Verdict> valid = List.of(verdict(0, 0), verdict(0, 2), verdict(0, 4), verdict(0, 5));
    try (KafkaProducer<String, byte[]> producer = producer()) {
      send(producer, topic, 0, serde.serializer().serialize(topic, valid.get(0)));
      send(producer, topic, 0, notAvro);
      send(producer, topic, 0, serde.serializer().serialize(topic, valid.get(1)));
      send(producer, topic, 0, unknownSchema);
      send(producer, topic, 0, serde.serializer().serialize(topic, valid.get(2)));
      send(producer, topic, 0, serde.serializer().serialize(topic, valid.get(3)));
    }
    worker.rest().putConnector("dlq-sink", config(topic, "dlq", "flush.size", "2",
        "partitioner", "kafka", "errors.deadletterqueue.topic.name", "dlq-sink-dlq"));

    String prefix = "dlq/" + topic + "/partition=0/" + topic + "+0+";
    Await.until(WAIT, () -> s3.keys(BUCKET, "dlq/").size() == 2,
        () -> s3.keys(BUCKET, "dlq/").toString());
    Map<String, byte[]> objects = s3.objects(BUCKET, "dlq/");
    assertThat(objects).containsOnlyKeys(prefix + "0000000000.avro", prefix + "0000000004.avro");
    assertThat(ObjectContents.avro(objects.get(prefix + "0000000000.avro"), Verdict.class))
        .containsExactly(valid.get(0), valid.get(1));
    assertThat(ObjectContents.avro(objects.get(prefix + "0000000004.avro"), Verdict.class))
        .containsExactly(valid.get(2), valid.get(3));

    List<ConsumerRecord<byte[], byte[]>> dead = consume("dlq-sink-dlq", 2);
    assertThat(dead).extracting(ConsumerRecord::value).containsExactly(notAvro, unknownSchema);
    assertThat(dead).allSatisfy(r -> {
      assertThat(header(r, "__connect.errors.exception.class.name"))
          .isEqualTo("org.apache.kafka.connect.errors.DataException");
      assertThat(header(r, "__connect.errors.exception.message"))
          .startsWith("Cannot decode the value of " + topic + "-0 offset ");
    });
    Await.until(WAIT, () -> committed("connect-dlq-sink", topic, 1) == 6,
        () -> "committed " + committed("connect-dlq-sink", topic, 1));
  }

  @Test
  void withoutErrorToleranceAnUnreadableRecordFailsTheTask() {
    String topic = "verdicts-intolerant";
    kafka.createTopic(topic, 1);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      send(producer, topic, 0, "garbage".getBytes(StandardCharsets.UTF_8));
    }
    Map<String, String> config = config(topic, "intolerant", "errors.tolerance", "none");
    config.remove("errors.deadletterqueue.topic.name");
    worker.rest().putConnector("intolerant-sink", config);
    Await.until(WAIT, () -> taskState("intolerant-sink").equals("FAILED"),
        () -> taskState("intolerant-sink"));
    JsonNode status = worker.rest().get("/connectors/intolerant-sink/status").body();
    assertThat(status.get("tasks").get(0).get("trace").asText())
        .contains("Cannot decode the value of " + topic + "-0 offset 0");
    assertThat(s3.keys(BUCKET, "intolerant/")).isEmpty();
  }

  private static String taskState(String connector) {
    JsonNode status = worker.rest().get("/connectors/" + connector + "/status").body();
    JsonNode tasks = status == null ? null : status.get("tasks");
    return tasks == null || tasks.isEmpty() ? "none" : tasks.get(0).get("state").asText();
  }

  private static List<ConsumerRecord<byte[], byte[]>> consume(String topic, int count) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static JsonNode readJson(String line) {
    try {
      return new ObjectMapper().readTree(line);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
