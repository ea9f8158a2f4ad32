package dev.deepscreen.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
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
