package dev.deepscreen.streams.extract;

import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.streams.app.StageOutputs;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * The extraction stage's topology: video events in; face crops, one extraction summary per event
 * and dead letters out, all keyed by the event id. Stateless, so it scales with the partitions of
 * the video-events topic.
 */
public final class ExtractTopology {
  private ExtractTopology() {}

  /**
   * Adds the stage to {@code builder}.
   *
   * @param registry the Schema Registry client of every Avro serde; the caller owns it
   * @param meters where the stage records its metrics
   */
  public static void build(StreamsBuilder builder, ExtractConfig config,
      SchemaRegistryClient registry, MeterRegistry meters) {
    boolean autoRegister = config.autoRegisterSchemas();
    KStream<String, SpecificRecord> out = builder.stream(Topics.VIDEO_EVENTS.name(),
            Consumed.with(Topics.VIDEO_EVENTS.keySerde(),
                Topics.VIDEO_EVENTS.valueSerde(registry, autoRegister))
                .withName("read-" + Topics.VIDEO_EVENTS.name()))
        .process(() -> new VideoExtractor(config, meters), Named.as("extract-faces"));
    StageOutputs.route(out, Topics.FACE_CROPS, registry, autoRegister);
    StageOutputs.route(out, Topics.EXTRACTION_SUMMARIES, registry, autoRegister);
    StageOutputs.route(out, Topics.DEAD_LETTERS, registry, autoRegister);
  }
}
