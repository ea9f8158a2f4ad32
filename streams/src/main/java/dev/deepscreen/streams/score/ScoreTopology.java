package dev.deepscreen.streams.score;

import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.streams.app.StageOutputs;
import dev.deepscreen.core.inference.Ensemble;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * The scoring stage's topology: face crops in; one face score per crop and dead letters out, keyed
 * by the event id. Its only state is the crops waiting for their batch (see {@link
 * CropBatcher}), so it scales with the partitions of the face-crops topic.
 */
public final class ScoreTopology {

  /** The crops waiting for their batch, by input offset. */
  static final String BUFFER_STORE = "score-batch-buffer";

  private ScoreTopology() {}

  /**
   * Adds the stage to {@code builder}.
   *
   * @param ensemble the models, shared by every task; the caller owns it and closes it after the
   *     Kafka Streams application
   * @param registry the Schema Registry client of every Avro serde; the caller owns it
   * @param meters where the stage records its metrics
   */
  public static void build(StreamsBuilder builder, ScoreConfig config,
      SchemaRegistryClient registry, Ensemble ensemble, MeterRegistry meters) {
    boolean autoRegister = config.autoRegisterSchemas();
    // Cached: a crop scored before the next commit is put and deleted in the cache alone, and
    // only the crops still waiting when the stage commits reach the changelog (each crop is tens
    // of kilobytes; the deletions that follow are a few bytes).
    builder.addStateStore(Stores.timestampedKeyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(BUFFER_STORE), Serdes.Long(),
        Topics.FACE_CROPS.valueSerde(registry, autoRegister)).withCachingEnabled());
    KStream<String, SpecificRecord> out = builder.stream(Topics.FACE_CROPS.name(),
            Consumed.with(Topics.FACE_CROPS.keySerde(),
                Topics.FACE_CROPS.valueSerde(registry, autoRegister))
                .withName("read-" + Topics.FACE_CROPS.name()))
        .process(() -> new CropBatcher(ensemble, config, meters), Named.as("score-faces"), BUFFER_STORE);
    StageOutputs.route(out, Topics.FACE_SCORES, registry, autoRegister);
    StageOutputs.route(out, Topics.DEAD_LETTERS, registry, autoRegister);
  }
}
