package dev.deepscreen.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.avro.DeadLetter;
import dev.deepscreen.avro.Stage;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.schemas.serde.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.Response;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.Result;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadLetterHandlerTest {

  private final String scope = "dead-letter-test-" + UUID.randomUUID();

  @AfterEach
  void dropRegistry() {
    InMemorySchemaRegistry.dropScope(scope);
  }

  private DeadLetterHandler handler(boolean autoRegister) {
    DeadLetterHandler handler = new DeadLetterHandler();
    handler.configure(Map.of("schema.registry.url", "mock://" + scope,
        "auto.register.schemas", autoRegister, "application.id", "deepscreen-score",
        DeadLetterHandler.STAGE_CONFIG, "SCORE"));
    return handler;
  }

  @Test
  void anUndeserializableRecordBecomesADeadLetterAndTheStreamResumes() {
    byte[] key = "not-a-uuid".getBytes(StandardCharsets.UTF_8);
    byte[] value = {1, 2, 3};
    ConsumerRecord<byte[], byte[]> original = new ConsumerRecord<>("face-crops", 4, 99L, key,
        value);
    original.headers().add("traceparent", "00-abc-def-01".getBytes(StandardCharsets.UTF_8));
    Response response = handler(true).handleError(context("face-crops", 4, 99L), original,
        new WireFormatException("bad"));

    assertThat(response.result()).isEqualTo(Result.RESUME);
    assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(record -> {
      assertThat(record.topic()).isEqualTo(Topics.DEAD_LETTERS.name());
      assertThat(record.key()).isEqualTo(key);
      assertThat(record.timestamp()).as("the original record's timestamp").isEqualTo(1234L);
      assertThat(record.headers().lastHeader("traceparent").value())
          .isEqualTo("00-abc-def-01".getBytes(StandardCharsets.UTF_8));
      DeadLetter letter = read(record);
      assertThat(letter.getStage()).isEqualTo(Stage.SCORE);
      assertThat(letter.getApplicationId()).isEqualTo("deepscreen-score");
      assertThat(letter.getTopic()).isEqualTo("face-crops");
      assertThat(letter.getPartition()).isEqualTo(4);
      assertThat(letter.getOffset()).isEqualTo(99L);
      assertThat(letter.getRecordTimestamp().toEpochMilli()).isEqualTo(1234L);
      assertThat(letter.getValue().array()).isEqualTo(value);
      assertThat(letter.getEventId()).as("the key is not an event id").isNull();
      assertThat(letter.getErrorClass()).isEqualTo(WireFormatException.class.getName());
      assertThat(letter.getErrorMessage()).isEqualTo("bad");
    });
  }

  @Test
  void whenTheDeadLetterCannotBeWrittenTheStreamStopsRatherThanLoseTheRecord() {
    // Registration refused and the subject unknown: the dead letter cannot be serialized.
    Response response = handler(false).handleError(context("face-crops", 0, 1L),
        new ConsumerRecord<>("face-crops", 0, 1L, null, new byte[] {9}),
        new WireFormatException("bad"));
    assertThat(response.result()).isEqualTo(Result.FAIL);
    assertThat(response.deadLetterQueueRecords()).isEmpty();
  }

  private DeadLetter read(ProducerRecord<byte[], byte[]> record) {
    return Topics.DEAD_LETTERS.valueSerde(InMemorySchemaRegistry.forScope(scope), false)
        .deserializer().deserialize(record.topic(), record.value());
  }

  private static ErrorHandlerContext context(String topic, int partition, long offset) {
    return new ErrorHandlerContext() {
      @Override
      public String topic() {
        return topic;
      }

      @Override
      public int partition() {
        return partition;
      }

      @Override
      public long offset() {
        return offset;
      }

      @Override
      public Headers headers() {
        return new RecordHeaders();
      }

      @Override
      public String processorNodeId() {
        return "source";
      }

      @Override
      public TaskId taskId() {
        return new TaskId(0, partition);
      }

      @Override
      public long timestamp() {
        return 1234L;
      }

      @Override
      public byte[] sourceRawKey() {
        return null;
      }

      @Override
      public byte[] sourceRawValue() {
        return null;
      }
    };
  }
}
