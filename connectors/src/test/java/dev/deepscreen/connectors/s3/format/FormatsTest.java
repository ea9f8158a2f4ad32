package dev.deepscreen.connectors.s3.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deepscreen.avro.Verdict;
import dev.deepscreen.connectors.s3.GenericRecords;
import dev.deepscreen.schemas.SampleRecords;
import dev.deepscreen.schemas.serde.AvroJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

class FormatsTest {

  private final Verdict first = SampleRecords.verdict();
  private final Verdict second = Verdict.newBuilder(SampleRecords.verdict())
      .setVideoId("video-2").setTenant(null).setProbability(0.125).build();

  private static byte[] write(RecordFormat format, Verdict... verdicts) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordWriter writer = format.open(out, Verdict.getClassSchema());
    for (Verdict verdict : verdicts) {
      writer.write(GenericRecords.of(verdict));
    }
    writer.finish();
    return out.toByteArray();
  }

  @Test
  void avroContainerFilesReadBackAsTheSameRecords() throws Exception {
    byte[] bytes = write(new AvroContainerFormat(), first, second);
    List<Verdict> read = new ArrayList<>();
    try (DataFileReader<Verdict> reader = new DataFileReader<>(new SeekableByteArrayInput(bytes),
        new SpecificDatumReader<>(Verdict.class))) {
      reader.forEach(read::add);
      assertThat(reader.getSchema()).isEqualTo(Verdict.getClassSchema());
    }
    assertThat(read).containsExactly(first, second);
    assertThat(new AvroContainerFormat().extension()).isEqualTo("avro");
  }

  @Test
  void jsonLinesHoldOneObjectPerRecord() throws Exception {
    String text = new String(write(new JsonLinesFormat(), first, second), StandardCharsets.UTF_8);
    String[] lines = text.split("\n", -1);
    assertThat(lines).hasSize(3);
    assertThat(lines[2]).isEmpty();
    ObjectMapper mapper = new ObjectMapper();
    JsonNode one = mapper.readTree(lines[0]);
    assertThat(one.get("event_id").asText()).isEqualTo(SampleRecords.EVENT_ID.toString());
    assertThat(one.get("video_id").asText()).isEqualTo("video-1");
    assertThat(one.get("label").asText()).isEqualTo("FAKE");
    assertThat(one.get("probability").asDouble()).isEqualTo(0.87);
    assertThat(one.get("source").isNull()).isTrue();
    assertThat(one.get("attributes").get("channel").asText()).isEqualTo("web");
    assertThat(one.get("submitted_at").asLong())
        .isEqualTo(SampleRecords.verdict().getSubmittedAt().toEpochMilli());
    assertThat(one.get("model_results").get(0).get("model").asText()).isEqualTo("b0-fold0");
    JsonNode two = mapper.readTree(lines[1]);
    assertThat(two.get("video_id").asText()).isEqualTo("video-2");
    assertThat(two.get("tenant").isNull()).isTrue();
    assertThat(new JsonLinesFormat().extension()).isEqualTo("json");
  }

  @Test
  void jsonWritesEveryFieldOfTheRecord() throws Exception {
    GenericRecord generic = GenericRecords.of(first);
    String line = new String(write(new JsonLinesFormat(), first), StandardCharsets.UTF_8).trim();
    JsonNode node = new ObjectMapper().readTree(line);
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactlyElementsOf(generic.getSchema().getFields().stream()
        .map(f -> f.name()).toList());
  }

  @Test
  void jsonWritesBytesAsBase64AndSpecialFloatsAsStrings() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var json = new com.fasterxml.jackson.core.JsonFactory().createGenerator(out)) {
      json.writeStartArray();
      AvroJson.write(json, java.nio.ByteBuffer.wrap(new byte[] {(byte) 0xff, 0, 1}));
      AvroJson.write(json, Double.NaN);
      AvroJson.write(json, 0.97f);
      json.writeEndArray();
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("[\"/wAB\",\"NaN\",0.97]");
  }
}
