package dev.deepscreen.streams.aggregate;

import static dev.deepscreen.streams.aggregate.Events.score;
import static dev.deepscreen.streams.aggregate.Events.summary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.ExtractionStatus;
import dev.deepscreen.avro.Stage;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.avro.VerdictStatus;
import dev.deepscreen.embedded.InProcessKafkaCluster;
import dev.deepscreen.schemas.TopicDefinition;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.streams.app.CoPartitioning;
import dev.deepscreen.streams.app.StageInstance;
import dev.deepscreen.streams.embedded.CommittedTopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregation stage on a real broker under exactly_once_v2, stopped in the middle of a run
 * and restarted with an empty state directory, so that its pending events come back from the
 * changelogs: still exactly one verdict per event, read with read_committed.
 */
@Tag("integration")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AggregateRestartIT {

  private static final Logger LOG = LoggerFactory.getLogger(AggregateRestartIT.class);
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static InProcessKafkaCluster kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = InProcessKafkaCluster.start();
    kafka.createTopics(Topics.all()); // returns once every partition has its leader
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void exactlyOneVerdictPerEventAcrossAStopAndRestart(@TempDir Path stateDirs) throws Exception {
    String scope = "aggregate-it-" + UUID.randomUUID();
    String applicationId = "aggregate-it-" + UUID.randomUUID();
    SchemaRegistryClient registry = InMemorySchemaRegistry.forScope(scope);
    try {
      List<String> early = ids(6);
      List<String> straddling = ids(12);
      List<String> unreadable = ids(2);
      List<String> bulk = ids(300);
      String garbageKey = UUID.randomUUID().toString();

      // Phase 1: early events complete; straddling events get their summary and half their scores.
      List<ProducerRecord<String, byte[]>> phase1 = new ArrayList<>();
      for (String id : early) {
        phase1.add(record(Topics.EXTRACTION_SUMMARIES, id, summary(id, 2), registry));
        phase1.add(record(Topics.FACE_SCORES, id, score(id, 0, 0, 1, 0.9, 0.8), registry));
        phase1.add(record(Topics.FACE_SCORES, id, score(id, 1, 0, 1, 0.7, 0.6), registry));
      }
      for (String id : straddling) {
        phase1.add(record(Topics.EXTRACTION_SUMMARIES, id, summary(id, 4), registry));
        phase1.add(record(Topics.FACE_SCORES, id, score(id, 0, 0, 1, 0.1, 0.1), registry));
        phase1.add(record(Topics.FACE_SCORES, id, score(id, 1, 0, 1, 0.1, 0.1), registry));
      }
      for (String id : unreadable) {
        phase1.add(record(Topics.EXTRACTION_SUMMARIES, id,
            summary(id, ExtractionStatus.UNREADABLE, "moov atom not found", 0), registry));
      }
      phase1.add(new ProducerRecord<>(Topics.FACE_SCORES.name(), garbageKey,
          "not avro".getBytes(StandardCharsets.UTF_8)));
      // Enough complete events that the first run is stopped while still working through them.
      for (String id : bulk) {
        phase1.add(record(Topics.FACE_SCORES, id, score(id, 0, 0, null, 0.3, 0.4), registry));
        phase1.add(record(Topics.EXTRACTION_SUMMARIES, id, summary(id, 2), registry));
        phase1.add(record(Topics.FACE_SCORES, id, score(id, 1, 0, null, 0.5, 0.6), registry));
      }
      produce(phase1);

      try (CommittedTopicReader<Verdict> verdicts = new CommittedTopicReader<>(
              kafka.bootstrapServers(), Topics.VERDICTS, registry, DEADLINE);
          CommittedTopicReader<DeadLetter> deadLetters = new CommittedTopicReader<>(
              kafka.bootstrapServers(), Topics.DEAD_LETTERS, registry, DEADLINE)) {
        StageInstance first = AggregateApp.RUNNER.create(config(applicationId, scope,
            stateDirs.resolve("first")), registry);
        try {
          first.start();
          verdicts.awaitUntil(all -> keys(all).containsAll(early)
              && keys(all).containsAll(unreadable)
              && keys(all).stream().filter(bulk::contains).count() >= 20);
          deadLetters.awaitUntil(all -> keys(all).contains(garbageKey));
        } finally {
          first.close();
        }
        LOG.info("First run stopped after {} of {} bulk verdicts",
            keys(verdicts.records()).stream().filter(bulk::contains).count(), bulk.size());
        assertThat(keys(verdicts.records())).doesNotContainAnyElementsOf(straddling);

        // Phase 2, while the stage is down: the rest of the scores, a duplicate score and the
        // early events submitted again.
        List<ProducerRecord<String, byte[]>> phase2 = new ArrayList<>();
        for (String id : straddling) {
          phase2.add(record(Topics.FACE_SCORES, id, score(id, 1, 0, 1, 0.1, 0.1), registry));
          phase2.add(record(Topics.FACE_SCORES, id, score(id, 2, 0, 1, 0.1, 0.1), registry));
          phase2.add(record(Topics.FACE_SCORES, id, score(id, 3, 0, 2, 0.1, 0.1), registry));
        }
        for (String id : early) {
          phase2.add(record(Topics.EXTRACTION_SUMMARIES, id, summary(id, 2), registry));
        }
        produce(phase2);

        // A new state directory: what the first run knew must come back from the changelogs.
        StageInstance second = AggregateApp.RUNNER.create(config(applicationId, scope,
            stateDirs.resolve("second")), registry);
        try {
          second.start();
          verdicts.awaitUntil(all -> keys(all).containsAll(straddling)
              && keys(all).containsAll(bulk));
          awaitInputConsumed(applicationId);
        } finally {
          second.close();
        }
        verdicts.readToEnd();

        Map<String, List<Verdict>> byEvent = verdicts.records().stream().collect(
            Collectors.groupingBy(ConsumerRecord::key,
                Collectors.mapping(ConsumerRecord::value, Collectors.toList())));
        assertThat(byEvent).hasSize(early.size() + straddling.size() + unreadable.size()
            + bulk.size());
        assertThat(byEvent.values()).allSatisfy(list -> assertThat(list).hasSize(1));
        for (String id : straddling) {
          Verdict v = byEvent.get(id).get(0);
          assertThat(v.getStatus()).isEqualTo(VerdictStatus.OK);
          assertThat(v.getFacesScored()).as("scores of both runs, the duplicate once")
              .isEqualTo(4);
          assertThat(v.getTrackResults()).hasSize(2);
        }
        for (String id : unreadable) {
          assertThat(byEvent.get(id).get(0).getStatus()).isEqualTo(VerdictStatus.UNREADABLE);
        }

        deadLetters.readToEnd();
        assertThat(deadLetters.records()).singleElement().satisfies(r -> {
          assertThat(r.value().getStage()).isEqualTo(Stage.AGGREGATE);
          assertThat(r.value().getApplicationId()).isEqualTo(applicationId);
          assertThat(r.value().getTopic()).isEqualTo(Topics.FACE_SCORES.name());
          assertThat(r.value().getEventId()).hasToString(garbageKey);
        });
      }
    } finally {
      InMemorySchemaRegistry.dropScope(scope);
    }
  }

  @Test
  void theInputTopicsMustHaveOnePartitionCount() {
    CoPartitioning.check(kafka.admin(), AggregateTopology.INPUT_TOPICS, DEADLINE);
    kafka.createTopic("copartitioning-two", 2);
    kafka.createTopic("copartitioning-three", 3);
    assertThatThrownBy(() -> CoPartitioning.check(kafka.admin(),
        List.of("copartitioning-two", "copartitioning-three"), DEADLINE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("The input topics must have the same partition count, so that all records of"
            + " one event id reach one task; they have {copartitioning-two=2,"
            + " copartitioning-three=3}");
    assertThatThrownBy(() -> CoPartitioning.check(kafka.admin(),
        List.of("copartitioning-two", "copartitioning-missing"), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Cannot describe the input topics [copartitioning-two,"
            + " copartitioning-missing]: org.apache.kafka.common.errors"
            + ".UnknownTopicOrPartitionException");
  }

  private static AggregateConfig config(String applicationId, String scope, Path stateDir) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    settings.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    settings.put("schema.registry.url", "mock://" + scope);
    // Long enough that no event of this test times out: every verdict here is complete.
    settings.put(AggregateConfig.COMPLETION_TIMEOUT_MS_CONFIG, Duration.ofMinutes(10).toMillis());
    settings.put(AggregateConfig.PUNCTUATE_INTERVAL_MS_CONFIG, 500);
    return new AggregateConfig(settings);
  }

  /** Waits until the application has committed every input record it was given. */
  private static void awaitInputConsumed(String applicationId) throws Exception {
    CommittedTopicReader.awaitConsumed(kafka.admin(), applicationId, inputPartitions(), DEADLINE);
  }

  private static List<TopicPartition> inputPartitions() {
    List<TopicPartition> inputs = new ArrayList<>();
    for (TopicDefinition<?> topic : List.of(Topics.EXTRACTION_SUMMARIES, Topics.FACE_SCORES)) {
      for (int p = 0; p < topic.partitions(); p++) {
        inputs.add(new TopicPartition(topic.name(), p));
      }
    }
    return inputs;
  }

  private static void produce(List<ProducerRecord<String, byte[]>> records) throws Exception {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1), new StringSerializer(),
        new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (ProducerRecord<String, byte[]> record : records) {
        sent.add(producer.send(record));
      }
      for (Future<RecordMetadata> future : sent) {
        future.get(30, TimeUnit.SECONDS);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <V extends SpecificRecord> ProducerRecord<String, byte[]> record(
      TopicDefinition<V> topic, String key, SpecificRecord value, SchemaRegistryClient registry) {
    byte[] bytes = topic.valueSerde(registry, true).serializer()
        .serialize(topic.name(), (V) value);
    return new ProducerRecord<>(topic.name(), key, bytes);
  }

  private static List<String> ids(int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(UUID.randomUUID().toString());
    }
    return ids;
  }

  private static <V> List<String> keys(List<ConsumerRecord<String, V>> records) {
    return records.stream().map(ConsumerRecord::key).toList();
  }
}
