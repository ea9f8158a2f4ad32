package dev.deepscreen.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.avro.FaceCrop;
import dev.deepscreen.avro.VideoEvent;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.schemas.SampleRecords;
import dev.deepscreen.schemas.TopicDefinition;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.IncompatibleSchemaException;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.schemas.registry.SchemaNotFoundException;
import dev.deepscreen.schemas.registry.SchemaRegistryClientConfig;
import dev.deepscreen.schemas.registry.SchemaRegistryException;
import dev.deepscreen.schemas.registry.SubjectNotFoundException;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  @Test
  void everyTopicsSampleRoundTripsAndRegistersUnderTheTopicSubject() {
    List<SpecificRecord> samples = SampleRecords.all();
    for (int i = 0; i < samples.size(); i++) {
      TopicDefinition<?> topic = Topics.all().get(i);
      SpecificRecord sample = samples.get(i);
      assertThat(sample).isInstanceOf(topic.valueType());

      byte[] bytes = roundTrip(topic, sample);

      int id = WireFormat.schemaId(topic.name(), bytes);
      assertThat(registry.schemaById(id)).isEqualTo(topic.valueSchema());
      assertThat(registry.lookup(topic.valueSubject(), topic.valueSchema()).id()).isEqualTo(id);
    }
    assertThat(registry.subjects()).containsExactly("dead-letters-value",
        "extraction-summaries-value", "face-crops-value", "face-scores-value",
        "review-decisions-value", "verdicts-value", "video-events-value");
  }

  @SuppressWarnings("unchecked")
  private <V extends SpecificRecord> byte[] roundTrip(TopicDefinition<V> topic,
      SpecificRecord sample) {
    AvroSerde<V> serde = topic.valueSerde(registry, true);
    byte[] bytes = serde.serializer().serialize(topic.name(), (V) sample);
    assertThat(serde.deserializer().deserialize(topic.name(), bytes)).isEqualTo(sample);
    return bytes;
  }

  @Test
  void keysRegisterUnderTheKeySubject() {
    byte[] bytes = new AvroSerializer<VideoEvent>(registry, true, true)
        .serialize("t", SampleRecords.videoEvent());
    assertThat(deserializer(VideoEvent.class).deserialize("t", bytes))
        .isEqualTo(SampleRecords.videoEvent());
    assertThat(registry.subjects()).containsExactly("t-key");
  }

  @Test
  void nullIsATombstoneBothWays() {
    AvroSerde<Verdict> serde = Topics.VERDICTS.valueSerde(registry, true);
    assertThat(serde.serializer().serialize("verdicts", null)).isNull();
    assertThat(serde.deserializer().deserialize("verdicts", null)).isNull();
  }

  @Test
  void genericDeserializerReadsWithTheWriterSchema() {
    byte[] bytes = Topics.VERDICTS.valueSerde(registry, true).serializer()
        .serialize("verdicts", SampleRecords.verdict());
    GenericRecord record = AvroSerde.genericValues(registry, false).deserializer()
        .deserialize("verdicts", bytes);
    assertThat(record.getSchema()).isEqualTo(Verdict.getClassSchema());
    assertThat(record.get("event_id").toString()).isEqualTo(SampleRecords.EVENT_ID.toString());
    assertThat(record.get("probability")).isEqualTo(0.87);
  }

  @Test
  void aGenericRecordWrittenByAnotherProducerIsReadIntoTheGeneratedClass() {
    // A producer on an older schema: only the fields VideoEvent v1 cannot do without.
    Schema older = SchemaBuilder.record("VideoEvent").namespace("dev.deepscreen.avro").fields()
        .name("event_id").type(VideoEvent.getClassSchema().getField("event_id").schema())
        .noDefault()
        .requiredString("video_id").requiredString("uri")
        .name("submitted_at").type(VideoEvent.getClassSchema().getField("submitted_at").schema())
        .noDefault().endRecord();
    GenericRecord record = new GenericData.Record(older);
    record.put("event_id", SampleRecords.EVENT_ID.toString());
    record.put("video_id", "v");
    record.put("uri", "file:///v.mp4");
    record.put("submitted_at", 5L);
    byte[] bytes = new AvroSerializer<GenericRecord>(registry, true, false)
        .serialize("older", record);

    VideoEvent read = AvroDeserializer.specific(VideoEvent.class, registry)
        .deserialize("older", bytes);

    assertThat(read.getEventId()).isEqualTo(SampleRecords.EVENT_ID);
    assertThat(read.getSubmittedAt().toEpochMilli()).isEqualTo(5L);
    assertThat(read.getTenant()).isNull();
    assertThat(read.getAttributes()).isEmpty();
  }

  @Test
  void bytesWithoutTheMagicByteAreAWireFormatError() {
    byte[] bytes = "plain text".getBytes();
    assertThatThrownBy(() -> deserializer(VideoEvent.class).deserialize("video-events", bytes))
        .isInstanceOf(WireFormatException.class)
        .hasMessageContaining("does not start with the Confluent wire-format magic byte");
  }

  @Test
  void anUnknownSchemaIdIsASchemaNotFoundError() {
    byte[] bytes = {0, 0, 0, 0x30, 0x39, 2, 4};
    assertThatThrownBy(() -> deserializer(VideoEvent.class).deserialize("video-events", bytes))
        .isInstanceOf(SchemaNotFoundException.class)
        .hasMessageContaining("get schema by id 12345")
        .satisfies(e -> assertThat(((SchemaRegistryException) e).errorCode()).isEqualTo(40403));
  }

  @Test
  void aTruncatedPayloadIsADecodingError() {
    byte[] bytes = serialize(Topics.VERDICTS, SampleRecords.verdict());
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 7);
    assertThatThrownBy(() -> deserializer(Verdict.class).deserialize("verdicts", truncated))
        .isInstanceOf(PayloadDecodingException.class)
        .hasMessageStartingWith("Record of topic verdicts with schema id 1 cannot be decoded");
  }

  @Test
  void trailingBytesAreADecodingError() {
    byte[] bytes = serialize(Topics.VERDICTS, SampleRecords.verdict());
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
    assertThatThrownBy(() -> deserializer(Verdict.class).deserialize("verdicts", longer))
        .isInstanceOf(PayloadDecodingException.class)
        .hasMessageContaining("bytes are left over after the record");
  }

  @Test
  void aHugeDeclaredLengthFailsWithoutAllocatingIt() {
    // A hostile record: header, then a string length of about 2^31 in a 12-byte payload.
    registry.register("video-events-value", VideoEvent.getClassSchema());
    byte[] bytes = {0, 0, 0, 0, 1, (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1, 2};
    assertThatThrownBy(() -> deserializer(VideoEvent.class).deserialize("video-events", bytes))
        .isInstanceOf(PayloadDecodingException.class);
  }

  @Test
  void aWriterSchemaTheReaderCannotResolveIsAResolutionError() {
    byte[] crop = serialize(Topics.FACE_CROPS, SampleRecords.faceCrop());
    assertThatThrownBy(() -> deserializer(Verdict.class).deserialize("verdicts", crop))
        .isInstanceOf(SchemaResolutionException.class)
        .hasMessageStartingWith("Record of topic verdicts was written with schema id 1"
            + " (dev.deepscreen.avro.FaceCrop), which cannot be read as dev.deepscreen.avro.Verdict")
        .hasMessageContaining("NAME_MISMATCH");
  }

  @Test
  void anIncompatibleNewSchemaIsRefusedByTheRegistry() {
    serialize(Topics.FACE_CROPS, SampleRecords.faceCrop());
    Schema changed = SchemaBuilder.record("FaceCrop").namespace("dev.deepscreen.avro").fields()
        .requiredString("only_field").endRecord();
    GenericRecord record = new GenericData.Record(changed);
    record.put("only_field", "x");
    AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(registry, true, false);
    assertThatThrownBy(() -> serializer.serialize("face-crops", record))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("compatibility level BACKWARD")
        .hasMessageContaining("READER_FIELD_MISSING_DEFAULT");
  }

  @Test
  void withoutAutoRegistrationAnUnregisteredSchemaFailsTheSend() {
    AvroSerializer<FaceCrop> serializer = new AvroSerializer<>(registry, false, false);
    assertThatThrownBy(() -> serializer.serialize("face-crops", SampleRecords.faceCrop()))
        .isInstanceOf(SubjectNotFoundException.class)
        .hasMessageContaining("face-crops-value");

    registry.register("face-crops-value", FaceCrop.getClassSchema());
    assertThat(serializer.serialize("face-crops", SampleRecords.faceCrop())).isNotEmpty();
  }

  @Test
  void aRegistryThatIsDownIsARetryableRegistryError() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    AvroDeserializer<GenericRecord> configured = new AvroDeserializer<>();
    configured.configure(Map.of(SchemaRegistryClientConfig.URL_CONFIG,
        "http://127.0.0.1:" + closedPort, SchemaRegistryClientConfig.RETRIES_CONFIG, "0"), false);
    byte[] bytes = {0, 0, 0, 0, 7, 0};
    assertThatThrownBy(() -> configured.deserialize("video-events", bytes))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("cannot reach the registry")
        .satisfies(e -> assertThat(((SchemaRegistryException) e).isRetryable()).isTrue());
    configured.close();
  }

  @Test
  void serdesConfiguredWithTheSameMockScopeShareOneRegistry() {
    Map<String, String> config = Map.of(SchemaRegistryClientConfig.URL_CONFIG, "mock://shared-test");
    try {
      AvroSerializer<Verdict> serializer = new AvroSerializer<>();
      serializer.configure(config, false);
      AvroDeserializer<GenericRecord> deserializer = new AvroDeserializer<>();
      deserializer.configure(config, false);

      byte[] bytes = serializer.serialize("verdicts", SampleRecords.verdict());

      assertThat(deserializer.deserialize("verdicts", bytes).get("video_id").toString())
          .isEqualTo("video-1");
      assertThat(InMemorySchemaRegistry.forScope("shared-test").subjects())
          .containsExactly("verdicts-value");
    } finally {
      InMemorySchemaRegistry.dropScope("shared-test");
    }
  }

  private <V extends SpecificRecord> byte[] serialize(TopicDefinition<V> topic, V record) {
    return topic.valueSerde(registry, true).serializer().serialize(topic.name(), record);
  }

  private <V extends SpecificRecord> AvroDeserializer<V> deserializer(Class<V> type) {
    return AvroDeserializer.specific(type, registry);
  }
}
