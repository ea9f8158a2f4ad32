package dev.deepscreen.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The conventions of the topic schemas: a namespace and a doc on every named type and field, a
 * default symbol on every enum so that old readers survive new symbols, and logical types on the
 * ids and times.
 */
class SchemaConventionsTest {

  @Test
  void everyNamedTypeHasTheNamespaceAndADocAndEveryFieldADoc() {
    List<String> problems = new ArrayList<>();
    for (Schema schema : namedTypes()) {
      if (!"dev.deepscreen.avro".equals(schema.getNamespace())) {
        problems.add(schema.getFullName() + " has namespace " + schema.getNamespace());
      }
      if (schema.getDoc() == null || schema.getDoc().isBlank()) {
        problems.add(schema.getFullName() + " has no doc");
      }
      if (schema.getType() == Schema.Type.RECORD) {
        schema.getFields().stream().filter(f -> f.doc() == null || f.doc().isBlank())
            .forEach(f -> problems.add(schema.getFullName() + "." + f.name() + " has no doc"));
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyEnumHasADefaultSymbol() {
    List<String> withoutDefault = namedTypes().stream()
        .filter(s -> s.getType() == Schema.Type.ENUM && s.getEnumDefault() == null)
        .map(Schema::getFullName).toList();
    assertThat(withoutDefault).isEmpty();
    assertThat(namedTypes().stream().filter(s -> s.getType() == Schema.Type.ENUM)).hasSizeGreaterThan(5);
  }

  @Test
  void eventIdsAreUuidsAndInstantsAreTimestamps() {
    for (TopicDefinition<?> topic : Topics.all()) {
      for (Schema.Field field : topic.valueSchema().getFields()) {
        Schema type = nonNull(field.schema());
        if (field.name().equals("event_id")) {
          assertThat(type.getLogicalType()).as(topic.name() + ".event_id").isNotNull();
          assertThat(type.getLogicalType().getName()).isEqualTo("uuid");
        }
        if (field.name().endsWith("_at")) {
          assertThat(type.getLogicalType()).as(topic.name() + "." + field.name()).isNotNull();
          assertThat(type.getLogicalType().getName()).isEqualTo("timestamp-millis");
        }
      }
    }
  }

  private static Schema nonNull(Schema schema) {
    if (schema.getType() != Schema.Type.UNION) {
      return schema;
    }
    return schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst()
        .orElseThrow();
  }

  private static List<Schema> namedTypes() {
    Set<String> seen = new HashSet<>();
    List<Schema> named = new ArrayList<>();
    Topics.all().forEach(t -> collect(t.valueSchema(), seen, named));
    return named;
  }

  private static void collect(Schema schema, Set<String> seen, List<Schema> named) {
    switch (schema.getType()) {
      case RECORD -> {
        if (seen.add(schema.getFullName())) {
          named.add(schema);
          schema.getFields().forEach(f -> collect(f.schema(), seen, named));
        }
      }
      case ENUM, FIXED -> {
        if (seen.add(schema.getFullName())) {
          named.add(schema);
        }
      }
      case UNION -> schema.getTypes().forEach(s -> collect(s, seen, named));
      case ARRAY -> collect(schema.getElementType(), seen, named);
      case MAP -> collect(schema.getValueType(), seen, named);
      default -> { }
    }
  }
}
