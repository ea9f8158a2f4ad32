package dev.deepscreen.streams.extract;

import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.ExtractionSummary;
import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.avro.VideoEvent;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The real extraction topology in a {@link TopologyTestDriver}, with a registry of its own scope
 * and typed topics.
 */
final class ExtractDriver implements AutoCloseable {

  private final String scope = "extract-" + UUID.randomUUID();
  private final TopologyTestDriver driver;
  final TestInputTopic<String, VideoEvent> events;
  final TestInputTopic<byte[], byte[]> rawEvents;
  final TestOutputTopic<String, FaceCrop> crops;
  final TestOutputTopic<String, ExtractionSummary> summaries;
  final TestOutputTopic<String, DeadLetter> deadLetters;
  /** What the stage recorded. */
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  /** @param settings the stage's settings; the broker and registry ones are added */
  ExtractDriver(Map<String, ?> settings) {
    Map<String, Object> all = new HashMap<>();
    all.put("bootstrap.servers", "unused:9092");
    all.put("schema.registry.url", "mock://" + scope);
    all.putAll(settings);
    ExtractConfig config = new ExtractConfig(all);
    InMemorySchemaRegistry registry = InMemorySchemaRegistry.forScope(scope);
    StreamsBuilder builder = new StreamsBuilder();
    ExtractTopology.build(builder, config, registry, meters);
    Properties props = config.streamsProperties();
    driver = new TopologyTestDriver(builder.build(props), props);
    events = driver.createInputTopic(Topics.VIDEO_EVENTS.name(),
        Topics.VIDEO_EVENTS.keySerde().serializer(),
        Topics.VIDEO_EVENTS.valueSerde(registry, true).serializer());
    rawEvents = driver.createInputTopic(Topics.VIDEO_EVENTS.name(), new ByteArraySerializer(),
        new ByteArraySerializer());
    crops = driver.createOutputTopic(Topics.FACE_CROPS.name(),
        Topics.FACE_CROPS.keySerde().deserializer(),
        Topics.FACE_CROPS.valueSerde(registry, true).deserializer());
    summaries = driver.createOutputTopic(Topics.EXTRACTION_SUMMARIES.name(),
        Topics.EXTRACTION_SUMMARIES.keySerde().deserializer(),
        Topics.EXTRACTION_SUMMARIES.valueSerde(registry, true).deserializer());
    deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(),
        Topics.DEAD_LETTERS.keySerde().deserializer(),
        Topics.DEAD_LETTERS.valueSerde(registry, true).deserializer());
  }

  /** Submits a video event for {@code uri}, keyed by its fresh event id. */
  VideoEvent submit(String uri) {
    VideoEvent event = VideoEvent.newBuilder().setEventId(UUID.randomUUID()).setVideoId("v")
        .setUri(uri).setSubmittedAt(Instant.parse("2026-11-21T08:00:00Z")).setSource(null)
        .setTenant("t1").setAttributes(Map.of("k", "v")).build();
    events.pipeInput(event.getEventId().toString(), event);
    return event;
  }

  @Override
  public void close() {
    driver.close();
    InMemorySchemaRegistry.dropScope(scope);
  }
}
