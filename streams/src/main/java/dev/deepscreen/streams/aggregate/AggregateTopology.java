package dev.deepscreen.streams.aggregate;

import dev.deepscreen.schemas.TopicDefinition;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.streams.app.StageOutputs;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The aggregation stage's topology: extraction summaries and face scores in, one verdict per
 * event out, dead letters for scores whose summary never came. Both inputs are keyed by event
 * id and co-partitioned, so one task sees all of an event's records and no repartition is needed.
 */
public final class AggregateTopology {

  /** The topics read together, which must have the same partition count. */
  public static final List<String> INPUT_TOPICS =
      List.of(Topics.EXTRACTION_SUMMARIES.name(), Topics.FACE_SCORES.name());

  static final String SUMMARY_STORE = "aggregate-summaries";
  static final String SCORE_STORE = "aggregate-scores";
  static final String PENDING_STORE = "aggregate-pending";
  static final String DECIDED_STORE = "aggregate-decided";
  static final String DECIDED_BY_TIME_STORE = "aggregate-decided-by-time";

  private AggregateTopology() {}

  /**
   * Adds the stage to {@code builder}.
   *
   * @param builder the builder the caller turns into a topology
   * @param config the stage's settings
   * @param registry the Schema Registry client of every Avro serde; the caller owns it
   * @param meters where the stage records its metrics
   */
  public static void build(StreamsBuilder builder, AggregateConfig config,
      SchemaRegistryClient registry, MeterRegistry meters) {
    boolean autoRegister = config.autoRegisterSchemas();
    builder.addStateStore(store(SUMMARY_STORE,
        Topics.EXTRACTION_SUMMARIES.valueSerde(registry, autoRegister)));
    builder.addStateStore(store(SCORE_STORE, Topics.FACE_SCORES.valueSerde(registry,
        autoRegister)));
    builder.addStateStore(store(PENDING_STORE, PendingEvent.serde()));
    builder.addStateStore(store(DECIDED_STORE, Serdes.Long()));
    builder.addStateStore(store(DECIDED_BY_TIME_STORE, Serdes.String()));

    KStream<String, SpecificRecord> summaries = source(builder, Topics.EXTRACTION_SUMMARIES,
        registry, autoRegister);
    KStream<String, SpecificRecord> scores = source(builder, Topics.FACE_SCORES, registry,
        autoRegister);
    KStream<String, SpecificRecord> out = summaries.merge(scores, Named.as("aggregate-inputs"))
        .process(() -> new EventAggregator(config, meters), Named.as("aggregate-events"),
            SUMMARY_STORE, SCORE_STORE, PENDING_STORE, DECIDED_STORE, DECIDED_BY_TIME_STORE);
    StageOutputs.route(out, Topics.VERDICTS, registry, autoRegister);
    StageOutputs.route(out, Topics.DEAD_LETTERS, registry, autoRegister);
  }

  private static <V extends SpecificRecord> KStream<String, SpecificRecord> source(
      StreamsBuilder builder, TopicDefinition<V> topic, SchemaRegistryClient registry,
      boolean autoRegister) {
    return builder.stream(topic.name(), Consumed.with(topic.keySerde(),
            topic.valueSerde(registry, autoRegister)).withName("read-" + topic.name()))
        .mapValues(value -> (SpecificRecord) value, Named.as("as-input-" + topic.name()));
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> values) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(),
        values);
  }
}
