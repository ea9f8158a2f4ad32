package dev.deepscreen.streams.app;

import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.Stage;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.SchemaRegistries;
import dev.deepscreen.schemas.serde.AvroSerdeConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a record that cannot be deserialized to the dead-letters topic as a {@link DeadLetter}
 * with its original coordinates, key and value, and lets the stream go on. Kafka Streams writes
 * the dead letter in the same transaction as the task's other output, so under exactly_once_v2 a
 * bad record is dead-lettered once.
 *
 * <p>Any stage can use it: set {@code deserialization.exception.handler} to this class, {@link
 * #STAGE_CONFIG} to the stage's name, and the Schema Registry settings among the Streams
 * properties (the handler is configured with all of them). If the dead letter itself cannot be
 * written (the registry is down), the handler answers FAIL: the stream stops and retries the
 * record after a restart, rather than losing it.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler {

  /** The stage recorded in dead letters: EXTRACT, SCORE, AGGREGATE or SINK. */
  public static final String STAGE_CONFIG = "deepscreen.dead.letter.stage";

  // A dead letter has room for a stack trace, but a deep Avro one repeats frames many times.
  private static final int MAX_STACK_TRACE_CHARS = 16_384;
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

  private Stage stage = Stage.UNKNOWN;
  private String applicationId;
  private Serializer<DeadLetter> serializer;

  @Override
  public void configure(Map<String, ?> configs) {
    Object configuredStage = configs.get(STAGE_CONFIG);
    stage = configuredStage == null ? Stage.UNKNOWN : Stage.valueOf(configuredStage.toString());
    Object id = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
    applicationId = id == null ? null : id.toString();
    AvroSerdeConfig serdeConfig = new AvroSerdeConfig(configs);
    // The registry client lives as long as the application; the in-memory one is shared and
    // the HTTP one holds no resource that needs closing (see HttpSchemaRegistryClient#close).
    serializer = Topics.DEAD_LETTERS.valueSerde(SchemaRegistries.connect(serdeConfig),
        serdeConfig.autoRegisterSchemas()).serializer();
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
      Exception exception) {
    DeadLetter letter = deadLetter(stage, applicationId, context.topic(), context.partition(),
        context.offset(), context.timestamp(), record.key(), record.value(), exception,
        Instant.now());
    byte[] value;
    try {
      value = serializer.serialize(Topics.DEAD_LETTERS.name(), letter);
    } catch (RuntimeException e) {
      LOG.error("Cannot write the dead letter of {}-{}@{}; stopping rather than losing it",
          context.topic(), context.partition(), context.offset(), e);
      return Response.fail();
    }
    LOG.warn("Record {}-{}@{} cannot be deserialized, sent to {}: {}", context.topic(),
        context.partition(), context.offset(), Topics.DEAD_LETTERS.name(), exception.toString());
    // The original record's timestamp and headers travel with it (tracing ids, the producer's
    // own metadata), so that a replay of the dead letter looks like the record it stands for.
    long timestamp = context.timestamp();
    return Response.resume(List.of(new ProducerRecord<>(Topics.DEAD_LETTERS.name(), null,
        timestamp >= 0 ? timestamp : null, record.key(), value,
        new RecordHeaders(record.headers().toArray()))));
  }

  /** A dead letter for the record at these coordinates; shared by the stages' own failures. */
  public static DeadLetter deadLetter(Stage stage, String applicationId, String topic,
      int partition, long offset, long timestamp, byte[] key, byte[] value, Throwable error,
      Instant failedAt) {
    return DeadLetter.newBuilder().setStage(stage).setApplicationId(applicationId)
        .setTopic(topic).setPartition(partition).setOffset(offset)
        .setRecordTimestamp(timestamp >= 0 ? Instant.ofEpochMilli(timestamp) : null)
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setValue(value == null ? null : ByteBuffer.wrap(value))
        .setEventId(eventIdOf(key)).setErrorClass(error.getClass().getName())
        .setErrorMessage(String.valueOf(error.getMessage())).setStackTrace(stackTrace(error))
        .setFailedAt(failedAt).build();
  }

  /** The event id when the key is one, as every pipeline key should be; else null. */
  static UUID eventIdOf(byte[] key) {
    if (key == null) {
      return null;
    }
    try {
      return UUID.fromString(new String(key, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String stackTrace(Throwable error) {
    StringWriter text = new StringWriter();
    error.printStackTrace(new PrintWriter(text));
    String trace = text.toString();
    return trace.length() <= MAX_STACK_TRACE_CHARS ? trace
        : trace.substring(0, MAX_STACK_TRACE_CHARS) + "\n... (truncated)";
  }
}
