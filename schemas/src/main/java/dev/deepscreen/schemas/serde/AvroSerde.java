package dev.deepscreen.schemas.serde;

import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A {@link Serde} of Avro records in the Confluent wire format, made of an {@link AvroSerializer}
 * and an {@link AvroDeserializer} sharing one registry client, which the caller owns.
 */
public final class AvroSerde<T> implements Serde<T> {
  private final Serializer<T> serializer;
  private final Deserializer<T> deserializer;

  private AvroSerde(Serializer<T> serializer, Deserializer<T> deserializer) {
    this.serializer = serializer;
    this.deserializer = deserializer;
  }

  /** Values of the generated class {@code type}, registered under {@code <topic>-value}. */
  public static <T extends SpecificRecord> AvroSerde<T> forValues(Class<T> type,
      SchemaRegistryClient registry, boolean autoRegister) {
    return new AvroSerde<>(new AvroSerializer<>(registry, autoRegister, false),
        AvroDeserializer.specific(type, registry));
  }

  /** Generic values read with their writer schema, as a connector or a tool sees them. */
  public static AvroSerde<GenericRecord> genericValues(SchemaRegistryClient registry,
      boolean autoRegister) {
    return new AvroSerde<>(new AvroSerializer<>(registry, autoRegister, false),
        AvroDeserializer.generic(registry));
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}
