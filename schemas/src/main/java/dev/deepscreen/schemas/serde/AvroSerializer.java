package dev.deepscreen.schemas.serde;

import dev.deepscreen.schemas.registry.SchemaRegistries;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records in the Confluent wire format, byte for byte what Confluent's
 * KafkaAvroSerializer writes for the same schema id, so that Confluent consumers and connectors
 * read them. The schema is registered (or looked up, see {@link
 * AvroSerdeConfig#AUTO_REGISTER_SCHEMAS_CONFIG}) under the topic's subject once per topic and
 * schema. Thread-safe: Kafka Streams shares one instance between its threads.
 */
public final class AvroSerializer<T extends GenericContainer> implements Serializer<T> {

  private SchemaRegistryClient registry;
  private boolean ownsRegistry;
  private boolean autoRegister;
  private boolean isKey;
  private final Map<TopicSchema, Integer> ids = new ConcurrentHashMap<>();
  private final Map<Schema, DatumWriter<Object>> specificWriters = new ConcurrentHashMap<>();
  private final Map<Schema, DatumWriter<Object>> genericWriters = new ConcurrentHashMap<>();

  private record TopicSchema(String topic, Schema schema) {}

  /** An unconfigured serializer, for Kafka clients that create serializers from class names. */
  public AvroSerializer() {}

  /** A ready serializer using a registry the caller owns and closes. */
  public AvroSerializer(SchemaRegistryClient registry, boolean autoRegister, boolean isKey) {
    this.registry = registry;
    this.autoRegister = autoRegister;
    this.isKey = isKey;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (registry != null) {
      throw new IllegalStateException("This serializer was built with a registry client already");
    }
    AvroSerdeConfig config = new AvroSerdeConfig(configs);
    this.registry = SchemaRegistries.connect(config);
    this.ownsRegistry = true;
    this.autoRegister = config.autoRegisterSchemas();
    this.isKey = isKey;
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    if (registry == null) {
      throw new IllegalStateException("AvroSerializer used before configure()");
    }
    Schema schema = record.getSchema();
    int id = ids.computeIfAbsent(new TopicSchema(topic, schema), this::schemaId);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(new byte[WireFormat.HEADER_SIZE], 0, WireFormat.HEADER_SIZE);
    try {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writerFor(record).write(record, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Cannot write a " + schema.getFullName() + " record to topic "
          + topic + ": " + e, e);
    }
    byte[] bytes = out.toByteArray();
    WireFormat.writeHeader(id, bytes);
    return bytes;
  }

  private int schemaId(TopicSchema key) {
    String subject = SubjectNames.forTopic(key.topic(), isKey);
    return autoRegister ? registry.register(subject, key.schema())
        : registry.lookup(subject, key.schema()).id();
  }

  private DatumWriter<Object> writerFor(T record) {
    Schema schema = record.getSchema();
    if (record instanceof SpecificRecord) {
      // Generated classes carry their logical-type conversions (UUID, Instant) in their model.
      return specificWriters.computeIfAbsent(schema,
          s -> new SpecificDatumWriter<>(s, SpecificData.getForSchema(s)));
    }
    return genericWriters.computeIfAbsent(schema,
        s -> new GenericDatumWriter<>(s, GenericData.get()));
  }

  @Override
  public void close() {
    if (ownsRegistry && registry != null) {
      registry.close();
    }
  }
}
