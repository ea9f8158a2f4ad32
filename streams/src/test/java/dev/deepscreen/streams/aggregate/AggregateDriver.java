package dev.deepscreen.streams.aggregate;

import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.ExtractionSummary;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real aggregation topology in a {@link TopologyTestDriver}, with a registry of its own scope,
 * typed input and output topics and a raw input for undeserializable records.
 */
final class AggregateDriver implements AutoCloseable {
  static final Instant WALL_START = Events.SUBMITTED.plusSeconds(10);
  static final Duration TIMEOUT = Duration.ofMinutes(1);
  static final Duration PUNCTUATE = Duration.ofSeconds(1);
  static final Duration RETENTION = Duration.ofHours(1);
  static final Duration ABANDONED = Duration.ofMinutes(10);

  private final String scope = "aggregate-test-" + UUID.randomUUID();
  private final TopologyTestDriver driver;
  final TestInputTopic<String, ExtractionSummary> summaries;
  final TestInputTopic<String, FaceScore> scores;
  final TestInputTopic<String, byte[]> rawScores;
  final TestOutputTopic<String, Verdict> verdicts;
  final TestOutputTopic<String, DeadLetter> deadLetters;
  /** What the stage recorded. */
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  AggregateDriver(Path stateDir, Map<String, ?> overrides) {
    Map<String, Object> settings = new HashMap<>(Map.of(
        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
        "schema.registry.url", "mock://" + scope,
        StreamsConfig.STATE_DIR_CONFIG, stateDir.toString(),
        AggregateConfig.COMPLETION_TIMEOUT_MS_CONFIG, TIMEOUT.toMillis(),
        AggregateConfig.PUNCTUATE_INTERVAL_MS_CONFIG, PUNCTUATE.toMillis(),
        AggregateConfig.DECIDED_RETENTION_MS_CONFIG, RETENTION.toMillis(),
        AggregateConfig.ABANDONED_AFTER_MS_CONFIG, ABANDONED.toMillis()));
    settings.putAll(overrides);
    AggregateConfig config = new AggregateConfig(settings);
    SchemaRegistryClient registry = InMemorySchemaRegistry.forScope(scope);
    StreamsBuilder builder = new StreamsBuilder();
    AggregateTopology.build(builder, config, registry, meters);
    driver = new TopologyTestDriver(builder.build(), config.streamsProperties(), WALL_START);
    summaries = driver.createInputTopic(Topics.EXTRACTION_SUMMARIES.name(),
        new StringSerializer(), Topics.EXTRACTION_SUMMARIES.valueSerde(registry, true)
            .serializer());
    scores = driver.createInputTopic(Topics.FACE_SCORES.name(), new StringSerializer(),
        Topics.FACE_SCORES.valueSerde(registry, true).serializer());
    rawScores = driver.createInputTopic(Topics.FACE_SCORES.name(), new StringSerializer(),
        new ByteArraySerializer());
    verdicts = driver.createOutputTopic(Topics.VERDICTS.name(), new StringDeserializer(),
        Topics.VERDICTS.valueSerde(registry, true).deserializer());
    deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), new StringDeserializer(),
        Topics.DEAD_LETTERS.valueSerde(registry, true).deserializer());
  }

  /** Pipes a summary with a record time {@code atMs} after submission. */
  void summary(ExtractionSummary summary, long atMs) {
    summaries.pipeInput(summary.getEventId().toString(), summary,
        Events.SUBMITTED.plusMillis(atMs));
  }

  /** Pipes scores with a record time {@code atMs} after submission. */
  void scores(long atMs, FaceScore... faceScores) {
    for (FaceScore score : faceScores) {
      scores.pipeInput(score.getEventId().toString(), score, Events.SUBMITTED.plusMillis(atMs));
    }
  }

  void advanceWallClock(Duration duration) {
    driver.advanceWallClockTime(duration);
  }

  List<TestRecord<String, Verdict>> verdicts() {
    return verdicts.readRecordsToList();
  }

  /** How many entries a store of the stage holds now. */
  long storedEntries(String storeName) {
    try (KeyValueIterator<Object, Object> it =
        driver.getKeyValueStore(storeName).all()) {
      long count = 0;
      for (; it.hasNext(); it.next()) {
        count++;
      }
      return count;
    }
  }

  @Override
  public void close() {
    driver.close();
    InMemorySchemaRegistry.dropScope(scope);
  }
}
