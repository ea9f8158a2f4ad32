package dev.deepscreen.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryTest {

  private static final Schema V1 = SchemaBuilder.record("R").fields().requiredString("a")
      .endRecord();
  private static final Schema V2 = SchemaBuilder.record("R").fields().requiredString("a")
      .name("b").type().intType().intDefault(0).endRecord();
  private static final Schema V2_NO_DEFAULT = SchemaBuilder.record("R").fields()
      .requiredString("a").requiredInt("b").endRecord();

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  @Test
  void idsAreRegistryWideAndVersionsPerSubject() {
    int first = registry.register("a-value", V1);
    int again = registry.register("a-value", V1);
    int otherSubject = registry.register("b-value", V1);
    int second = registry.register("a-value", V2);

    assertThat(again).isEqualTo(first);
    assertThat(otherSubject).isEqualTo(first);
    assertThat(second).isNotEqualTo(first);
    assertThat(registry.lookup("a-value", V2))
        .isEqualTo(new RegisteredSchema("a-value", second, 2, V2));
    assertThat(registry.lookup("a-value", V1).version()).isEqualTo(1);
    assertThat(registry.lookup("b-value", V1).version()).isEqualTo(1);
    assertThat(registry.schemaById(second)).isEqualTo(V2);
  }

  @Test
  void backwardCompatibilityIsTheDefaultAndCanBeRelaxed() {
    // A new field with a default passes BACKWARD; one without is refused.
    registry.register("t", V1);
    registry.register("t", V2);
    assertThat(registry.lookup("t", V2).version()).isEqualTo(2);

    registry.register("s", V1);
    assertThatThrownBy(() -> registry.register("s", V2_NO_DEFAULT))
        .isInstanceOf(IncompatibleSchemaException.class)
        .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(409));

    registry.setCompatibility("s", CompatibilityLevel.NONE);
    assertThat(registry.register("s", V2_NO_DEFAULT)).isPositive();
  }

  @Test
  void unknownSubjectsAndIdsGiveTheRegistryErrorCodes() {
    assertThatThrownBy(() -> registry.lookup("missing", V1))
        .isInstanceOf(SubjectNotFoundException.class)
        .hasMessageContaining("subject not found (error code 40401)");
    registry.register("s", V1);
    assertThatThrownBy(() -> registry.lookup("s", V2))
        .isInstanceOf(SchemaNotFoundException.class)
        .satisfies(e -> assertThat(((SchemaRegistryException) e).errorCode()).isEqualTo(40403));
    assertThatThrownBy(() -> registry.schemaById(99))
        .isInstanceOf(SchemaNotFoundException.class)
        .hasMessageContaining("schema 99 not found");
  }

  @Test
  void scopesAreSharedByNameAndCanBeDropped() {
    try {
      InMemorySchemaRegistry.forScope("scope-test").register("s", V1);
      assertThat(InMemorySchemaRegistry.forScope("scope-test").subjects()).containsExactly("s");
      InMemorySchemaRegistry.dropScope("scope-test");
      assertThat(InMemorySchemaRegistry.forScope("scope-test").subjects()).isEmpty();
    } finally {
      InMemorySchemaRegistry.dropScope("scope-test");
    }
  }
}
