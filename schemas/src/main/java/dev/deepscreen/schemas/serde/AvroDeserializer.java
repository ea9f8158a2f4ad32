package dev.deepscreen.schemas.serde;

import dev.deepscreen.schemas.registry.CompatibilityLevel;
import dev.deepscreen.schemas.registry.SchemaRegistries;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads records in the Confluent wire format. The writer schema is fetched from the registry by
 * the id in the record (cached by the client) and resolved against the reader schema: the
 * generated class's for a specific deserializer, the writer's own for a generic one.
 *
 * <p>Bad input never becomes a silent null: it throws a typed {@link SerializationException}
 * that Kafka Streams' deserialization handler can route to the dead-letter topic:
 * {@link WireFormatException}, a registry exception such as
 * {@link dev.deepscreen.schemas.registry.SchemaNotFoundException} for an unknown id,
 * {@link SchemaResolutionException}, or {@link PayloadDecodingException}. A null record (a
 * tombstone) is read as null. Thread-safe.
 */
public final class AvroDeserializer<T> implements Deserializer<T> {

  private final Schema readerSchema;
  private final SpecificData model;
  private SchemaRegistryClient registry;
  private boolean ownsRegistry;
  private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

  /** A generic deserializer to be configured by a Kafka client from properties. */
  public AvroDeserializer() {
    this(null, null, null);
  }

  private AvroDeserializer(Schema readerSchema, SpecificData model, SchemaRegistryClient registry) {
    this.readerSchema = readerSchema;
    this.model = model;
    this.registry = registry;
  }

  /** Reads records into the generated class {@code type}, using a registry the caller owns. */
  public static <T extends SpecificRecord> AvroDeserializer<T> specific(Class<T> type,
      SchemaRegistryClient registry) {
    SpecificData model = SpecificData.getForClass(type);
    return new AvroDeserializer<>(model.getSchema(type), model, registry);
  }

  /** Reads records as generic records of their writer schema, using a registry the caller owns. */
  public static AvroDeserializer<GenericRecord> generic(SchemaRegistryClient registry) {
    return new AvroDeserializer<>(null, null, registry);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (registry != null) {
      throw new IllegalStateException("This deserializer was built with a registry client already");
    }
    this.registry = SchemaRegistries.connect(new AvroSerdeConfig(configs));
    this.ownsRegistry = true;
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (registry == null) {
      throw new IllegalStateException("AvroDeserializer used before configure()");
    }
    int id = WireFormat.schemaId(topic, data);
    DatumReader<T> reader = readers.get(id);
    if (reader == null) {
      reader = readerFor(topic, id);
      readers.put(id, reader);
    }
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
        data.length - WireFormat.HEADER_SIZE, null);
    T record;
    try {
      record = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new IOException("bytes are left over after the record");
      }
    } catch (IOException | RuntimeException e) {
      // Avro reports corrupt input as EOFException, AvroRuntimeException, or index errors.
      throw new PayloadDecodingException("Record of topic " + topic + " with schema id " + id
          + " cannot be decoded (" + (data.length - WireFormat.HEADER_SIZE) + " payload bytes): "
          + e, e);
    }
    return record;
  }

  private DatumReader<T> readerFor(String topic, int id) {
    Schema writer = registry.schemaById(id);
    if (readerSchema == null) {
      return new GenericDatumReader<>(writer, writer, GenericData.get());
    }
    SchemaCompatibility.SchemaPairCompatibility compatibility =
        SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
    if (compatibility.getType() != SchemaCompatibilityType.COMPATIBLE) {
      String problems = CompatibilityLevel.describe(compatibility);
      throw new SchemaResolutionException("Record of topic " + topic + " was written with schema id "
          + id + " (" + writer.getFullName() + "), which cannot be read as "
          + readerSchema.getFullName() + ": " + problems);
    }
    return new SpecificDatumReader<>(writer, readerSchema, model);
  }

  @Override
  public void close() {
    if (ownsRegistry && registry != null) {
      registry.close();
    }
  }
}
