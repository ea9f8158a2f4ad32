package dev.deepscreen.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.avro.ReviewAction;
import dev.deepscreen.avro.ReviewDecision;
import dev.deepscreen.schemas.SampleRecords;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** The review-decisions topic's values through the project's serde. */
class ReviewDecisionSerdeTest {

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final AvroSerde<ReviewDecision> serde =
      Topics.REVIEW_DECISIONS.valueSerde(registry, true);

  @Test
  void aDecisionWithAndWithoutANoteRoundTrips() {
    ReviewDecision noted = SampleRecords.reviewDecision();
    ReviewDecision bare = ReviewDecision.newBuilder(noted).setNote(null).setEnsembleVersion(null)
        .setDecision(ReviewAction.ALLOW).build();

    for (ReviewDecision decision : new ReviewDecision[] {noted, bare}) {
      byte[] bytes = serde.serializer().serialize(Topics.REVIEW_DECISIONS.name(), decision);
      assertThat(bytes[0]).isZero(); // Confluent wire format's magic byte
      assertThat(serde.deserializer().deserialize(Topics.REVIEW_DECISIONS.name(), bytes))
          .isEqualTo(decision);
    }
    assertThat(registry.subjects()).containsExactly("review-decisions-value");
  }

  @Test
  void aDecisionAddedLaterReadsAsEscalate() throws IOException {
    // A writer whose schema knows a decision this reader does not.
    Schema newer = new Schema.Parser().parse(ReviewDecision.getClassSchema().toString()
        .replace("\"symbols\":[\"ESCALATE\",\"ALLOW\",\"BLOCK\"]",
            "\"symbols\":[\"ESCALATE\",\"ALLOW\",\"BLOCK\",\"AGE_RESTRICT\"]"));
    assertThat(newer.getField("decision").schema().getEnumSymbols()).contains("AGE_RESTRICT");
    GenericRecord written = new GenericData.Record(newer);
    ReviewDecision sample = SampleRecords.reviewDecision();
    for (Schema.Field field : newer.getFields()) {
      Object value = sample.get(field.name());
      if (value instanceof Enum<?> symbol) {
        value = new GenericData.EnumSymbol(field.schema(), symbol.name());
      } else if (value instanceof java.time.Instant instant) {
        value = instant.toEpochMilli();
      } else if (value instanceof java.util.UUID id) {
        value = id.toString();
      }
      written.put(field.name(), value);
    }
    written.put("decision", new GenericData.EnumSymbol(newer.getField("decision").schema(),
        "AGE_RESTRICT"));
    int id = registry.register(Topics.REVIEW_DECISIONS.valueSubject(), newer);

    ReviewDecision read = serde.deserializer().deserialize(Topics.REVIEW_DECISIONS.name(),
        wire(id, newer, written));

    assertThat(read.getDecision()).isEqualTo(ReviewAction.ESCALATE);
    assertThat(read.getEventId()).isEqualTo(sample.getEventId());
    assertThat(read.getNote()).isEqualTo(sample.getNote());
  }

  @Test
  void bytesThatAreNoDecisionAreRefusedWithATypedError() {
    assertThatThrownBy(() -> serde.deserializer().deserialize(Topics.REVIEW_DECISIONS.name(),
        new byte[] {1, 2, 3})).isInstanceOf(WireFormatException.class);
  }

  private static byte[] wire(int id, Schema schema, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
