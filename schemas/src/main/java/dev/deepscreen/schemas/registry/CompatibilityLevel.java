package dev.deepscreen.schemas.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * The Schema Registry's compatibility levels that compare a new schema with the subject's latest
 * version. BACKWARD, the registry's default, means consumers on the new schema can read what
 * producers wrote with the previous one.
 */
public enum CompatibilityLevel {
  NONE,
  BACKWARD,
  FORWARD,
  FULL;

  /**
   * Why {@code candidate} may not follow {@code latest} at this level, or null when it may.
   */
  public String incompatibility(Schema candidate, Schema latest) {
    return switch (this) {
      case NONE -> null;
      case BACKWARD -> problem(candidate, latest);
      case FORWARD -> problem(latest, candidate);
      case FULL -> {
        String backward = problem(candidate, latest);
        yield backward != null ? backward : problem(latest, candidate);
      }
    };
  }

  private static String problem(Schema reader, Schema writer) {
    SchemaCompatibility.SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    return result.getType() == SchemaCompatibilityType.COMPATIBLE ? null : describe(result);
  }

  /** Each incompatibility of a reader/writer check with its location, for messages. */
  public static String describe(SchemaCompatibility.SchemaPairCompatibility result) {
    return result.getResult().getIncompatibilities().stream()
        .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
        .reduce((a, b) -> a + "; " + b)
        .orElse(result.getDescription());
  }
}
