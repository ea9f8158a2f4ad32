package dev.deepscreen.connectors.s3;

import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.schemas.registry.SchemaRegistryException;
import dev.deepscreen.schemas.serde.AvroDeserializer;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Decodes a record value in the Confluent wire format into a generic record of its writer
 * schema. The value reaches the task as raw bytes (ByteArrayConverter): converting to a Connect
 * Struct and back would lose Avro types (enums, logical types, unions) that the objects keep.
 */
final class RecordDecoder {

  /** The converter the connector needs for values (in connect-runtime, not connect-api). */
  static final String BYTE_ARRAY_CONVERTER =
      "org.apache.kafka.connect.converters.ByteArrayConverter";

  private final AvroDeserializer<GenericRecord> deserializer;

  RecordDecoder(SchemaRegistryClient registry) {
    this.deserializer = AvroDeserializer.generic(registry);
  }

  /**
   * @throws DataException for a value that cannot be decoded (route it to the dead-letter queue)
   * @throws RetriableException when the registry is unreachable: Connect delivers the batch again
   * @throws ConnectException when the value is not bytes: the converter is misconfigured
   */
  GenericRecord decode(SinkRecord record) {
    Object value = record.value();
    if (!(value instanceof byte[] bytes)) {
      throw new ConnectException("The value of " + record.topic() + "-" + record.kafkaPartition()
          + " offset " + record.kafkaOffset() + " is a " + value.getClass().getName()
          + ", not bytes: set value.converter=" + BYTE_ARRAY_CONVERTER
          + "; the task decodes the Confluent wire format itself");
    }
    try {
      return deserializer.deserialize(record.topic(), bytes);
    } catch (SchemaRegistryException e) {
      if (e.isRetryable()) {
        throw new RetriableException("Schema registry unavailable: " + e.getMessage(), e);
      }
      throw new DataException(describe(record) + e.getMessage(), e);
    } catch (SerializationException e) {
      throw new DataException(describe(record) + e.getMessage(), e);
    }
  }

  private static String describe(SinkRecord record) {
    return "Cannot decode the value of " + record.topic() + "-" + record.kafkaPartition()
        + " offset " + record.kafkaOffset() + ": ";
  }
}
