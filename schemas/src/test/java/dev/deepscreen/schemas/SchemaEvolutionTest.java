package dev.deepscreen.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.deepscreen.avro.BoundingBox;
import dev.deepscreen.avro.FaceEvidence;
import dev.deepscreen.avro.FaceScore;
import dev.deepscreen.avro.FrameScore;
import dev.deepscreen.avro.ModelScore;
import dev.deepscreen.avro.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every change to a topic's schema must be BACKWARD compatible: consumers on the current schema
 * read what producers wrote with any released version. The released versions live in
 * {@code schemas/released/<Record>/v<N>.avsc}; releasing adds the current schema as the next file.
 */
class SchemaEvolutionTest {

  private static final Path RELEASED = Path.of("released");

  @TestFactory
  Stream<DynamicTest> currentSchemasReadEveryReleasedVersion() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (TopicDefinition<?> topic : Topics.all()) {
      Schema current = topic.valueSchema();
      for (Path file : releasedVersions(current)) {
        tests.add(DynamicTest.dynamicTest(current.getName() + " reads " + file.getFileName(),
            () -> assertBackwardCompatible(current, parse(file))));
      }
    }
    return tests.stream();
  }

  @Test
  void everyTopicHasAReleasedVersion() throws IOException {
    for (TopicDefinition<?> topic : Topics.all()) {
      assertThat(releasedVersions(topic.valueSchema()))
          .as("released versions of %s", topic.valueSchema().getName()).isNotEmpty();
    }
  }

  @Test
  void theCheckCatchesAFieldAddedWithoutADefault() throws IOException {
    Schema released = parse(RELEASED.resolve("VideoEvent/v1.avsc"));
    String json = released.toString().replace("\"fields\":[",
        "\"fields\":[{\"name\":\"priority\",\"type\":\"int\"},");
    Schema changed = new Schema.Parser().parse(json);

    SchemaCompatibility.SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(changed, released);

    assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    assertThat(result.getResult().getIncompatibilities().get(0).getMessage())
        .contains("priority");
  }

  @Test
  void theCheckCatchesARemovedEnumSymbolWithoutADefault() {
    Schema released = new Schema.Parser().parse(
        "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}");
    Schema changed = new Schema.Parser().parse(
        "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}");
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(changed, released).getType())
        .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
  }

  @Test
  void aReaderOfTheFirstReleaseReadsAWeightedFaceScore() throws IOException {
    assertThat(SampleRecords.faceScore().getModelScores()).extracting(ModelScore::getWeight)
        .as("the sample's weights, other than the default").containsExactly(2.0, 1.0);

    GenericRecord old = asFirstRelease(SampleRecords.faceScore());

    @SuppressWarnings("unchecked")
    List<GenericRecord> models = (List<GenericRecord>) old.get("model_scores");
    assertThat(models).extracting(m -> m.get("model").toString())
        .containsExactly("b0-fold0", "tiny");
    assertThat(models).extracting(m -> m.get("probability")).containsExactly(0.91, 0.12);
    assertThat(models.get(0).getSchema().getField("weight")).isNull();
  }

  @Test
  void aFaceScoreOfTheFirstReleaseReadsWithEveryModelWeighingOne() throws IOException {
    Schema v1 = firstFaceScore();
    GenericRecord old = asFirstRelease(SampleRecords.faceScore());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(v1).write(old, encoder);
    encoder.flush();

    FaceScore read = new SpecificDatumReader<FaceScore>(v1, FaceScore.getClassSchema())
        .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

    assertThat(read.getModelScores()).extracting(ModelScore::getModel, ModelScore::getWeight)
        .containsExactly(tuple("b0-fold0", 1.0), tuple("tiny", 1.0));
    assertThat(read.getModelScores()).extracting(ModelScore::getProbability)
        .containsExactly(0.91, 0.12);
  }

  @Test
  void recordsOfTheFirstReleaseReadWithoutBoxesHeatmapsOrEvidence() throws IOException {
    FaceScore score = readAs(written(SampleRecords.faceScore(), firstFaceScore()),
        firstFaceScore(), FaceScore.getClassSchema());
    assertThat(score.getBox()).isNull();
    assertThat(score.getModelScores()).extracting(ModelScore::getHeatmap).containsOnlyNulls();

    Schema v1 = parse(RELEASED.resolve("Verdict/v1.avsc"));
    Verdict verdict = readAs(written(SampleRecords.verdict(), v1), v1,
        Verdict.getClassSchema());
    assertThat(verdict.getTopFrames()).extracting(FrameScore::getFrameIndex).containsExactly(31);
    assertThat(verdict.getTopFrames()).extracting(FrameScore::getEvidence).containsOnlyNulls();
  }

  @Test
  void aVerdictCarriesItsEvidenceThroughTheSecondRelease() throws IOException {
    Schema v2 = parse(RELEASED.resolve("Verdict/v2.avsc"));
    Verdict sample = SampleRecords.verdict();

    Verdict read = readAs(written(sample, v2), v2, Verdict.getClassSchema());

    assertThat(read).isEqualTo(sample);
    FaceEvidence face = read.getTopFrames().get(0).getEvidence().get(0);
    assertThat(face.getBox()).isEqualTo(new BoundingBox(410, 120, 96, 118));
    assertThat(face.getModelScores().get(0).getHeatmap().getCells().array())
        .containsExactly(255, 40, 0, 90, 0, 0);
    // The reader of the first release, on an older consumer, skips the evidence.
    GenericRecord old = new GenericDatumReader<GenericRecord>(v2, parse(RELEASED.resolve(
        "Verdict/v1.avsc"))).read(null, DecoderFactory.get().binaryDecoder(
            bytes(sample), null));
    assertThat(old.get("probability")).isEqualTo(0.87);
  }

  /** {@code record} written as the specific class, then projected on {@code released}. */
  private static GenericRecord written(SpecificRecord record, Schema released)
      throws IOException {
    return new GenericDatumReader<GenericRecord>(record.getSchema(), released)
        .read(null, DecoderFactory.get().binaryDecoder(bytes(record), null));
  }

  private static byte[] bytes(SpecificRecord record) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
    encoder.flush();
    return bytes.toByteArray();
  }

  /** {@code old}, written with {@code writer}, read by a reader of {@code reader}. */
  private static <T> T readAs(GenericRecord old, Schema writer, Schema reader)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(writer).write(old, encoder);
    encoder.flush();
    return new SpecificDatumReader<T>(writer, reader)
        .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
  }

  /** {@code score} as a reader on the first released FaceScore schema sees it. */
  private static GenericRecord asFirstRelease(FaceScore score) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new SpecificDatumWriter<FaceScore>(FaceScore.getClassSchema()).write(score, encoder);
    encoder.flush();
    return new GenericDatumReader<GenericRecord>(FaceScore.getClassSchema(), firstFaceScore())
        .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
  }

  private static Schema firstFaceScore() throws IOException {
    return parse(RELEASED.resolve("FaceScore/v1.avsc"));
  }

  private static void assertBackwardCompatible(Schema reader, Schema writer) {
    SchemaCompatibility.SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    assertThat(result.getType())
        .as("%s must read %s: %s", reader.getFullName(), writer.getFullName(),
            result.getResult().getIncompatibilities())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }

  private static List<Path> releasedVersions(Schema schema) throws IOException {
    Path folder = RELEASED.resolve(schema.getName());
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> f.getFileName().toString().matches("v\\d+\\.avsc")).sorted()
          .toList();
    }
  }

  private static Schema parse(Path file) throws IOException {
    return new Schema.Parser().parse(file.toFile());
  }
}
