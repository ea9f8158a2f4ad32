package dev.deepscreen.streams.app;

import dev.deepscreen.schemas.TopicDefinition;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Routes a stage's mixed output (crops and summaries, verdicts and dead letters) to the topic of
 * each record's type, with that topic's serdes.
 */
public final class StageOutputs {
  private StageOutputs() {}

  /** Sends the records of {@code topic}'s value type to {@code topic}. */
  public static <V extends SpecificRecord> void route(KStream<String, SpecificRecord> out,
      TopicDefinition<V> topic, SchemaRegistryClient registry, boolean autoRegister) {
    Class<V> type = topic.valueType();
    out.filter((key, value) -> type.isInstance(value), Named.as("select-" + topic.name()))
        .mapValues(type::cast, Named.as("as-" + topic.name()))
        .to(topic.name(), Produced.with(topic.keySerde(), topic.valueSerde(registry, autoRegister))
            .withName("write-" + topic.name()));
  }
}
