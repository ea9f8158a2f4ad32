package dev.deepscreen.schemas;

import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.schemas.serde.AvroSerde;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One topic of the pipeline: its name, the Avro class of its values and how the topic is created.
 * Keys are always the video event's id as a UTF-8 string, so that all records of one video land on
 * one partition.
 *
 * @param name the topic name
 * @param valueType the generated Avro class of its values
 * @param partitions partition count when created; bounds the parallelism of the stages reading it
 * @param topicConfigs topic-level settings when created (retention, cleanup policy, sizes)
 */
public record TopicDefinition<V extends SpecificRecord>(String name, Class<V> valueType,
    int partitions, Map<String, String> topicConfigs) {

  public TopicDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(valueType, "valueType");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
    }
    topicConfigs = Map.copyOf(topicConfigs);
  }

  /** The schema of the values, as the generated class declares it. */
  public Schema valueSchema() {
    return SpecificData.getForClass(valueType).getSchema(valueType);
  }

  /** The Schema Registry subject of the values (TopicNameStrategy). */
  public String valueSubject() {
    return name + "-value";
  }

  /** Serde of the keys: the event id as a string. */
  public Serde<String> keySerde() {
    return Serdes.String();
  }

  /** Serde of the values in the Confluent wire format, on a registry the caller owns. */
  public AvroSerde<V> valueSerde(SchemaRegistryClient registry, boolean autoRegister) {
    return AvroSerde.forValues(valueType, registry, autoRegister);
  }

  /** The topic-level settings in a stable order, for printing and for manifests. */
  public Map<String, String> sortedTopicConfigs() {
    return new java.util.TreeMap<>(topicConfigs);
  }

  static Map<String, String> configs(String... keyValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return map;
  }
}
