package dev.deepscreen.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.schemas.SampleRecords;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final RecordDecoder decoder = new RecordDecoder(registry);

  private static SinkRecord record(Object value) {
    return new SinkRecord("verdicts", 1, null, "k", null, value, 7, 0L,
        TimestampType.CREATE_TIME);
  }

  @Test
  void decodesTheWireFormatIntoTheWriterSchemasGenericRecord() {
    byte[] bytes = Topics.VERDICTS.valueSerde(registry, true).serializer()
        .serialize("verdicts", SampleRecords.verdict());
    assertThat(decoder.decode(record(bytes)))
        .isEqualTo(GenericRecords.of(SampleRecords.verdict()));
  }

  @Test
  void undecodableBytesAreADataErrorNamingTheRecord() {
    assertThatThrownBy(() -> decoder.decode(record("not avro".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith("Cannot decode the value of verdicts-1 offset 7: Record of topic"
            + " verdicts does not start with the Confluent wire-format magic byte");
    assertThatThrownBy(() -> decoder.decode(record(new byte[] {0, 0, 0, 0, 42, 2})))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith("Cannot decode the value of verdicts-1 offset 7: get schema by id"
            + " 42");
  }

  @Test
  void aValueThatIsNotBytesMeansTheConverterIsWrong() {
    assertThatThrownBy(() -> decoder.decode(record("a string")))
        .isInstanceOf(ConnectException.class).isNotInstanceOf(DataException.class)
        .hasMessage("The value of verdicts-1 offset 7 is a java.lang.String, not bytes: set"
            + " value.converter=org.apache.kafka.connect.converters.ByteArrayConverter; the task"
            + " decodes the Confluent wire format itself");
  }
}
