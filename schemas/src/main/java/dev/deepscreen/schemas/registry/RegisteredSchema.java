package dev.deepscreen.schemas.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One version of a subject in the registry.
 *
 * @param subject the subject, for example {@code verdicts-value}
 * @param id the registry-wide schema id written into the wire format
 * @param version the subject's version number, from 1
 * @param schema the schema itself
 */
public record RegisteredSchema(String subject, int id, int version, Schema schema) {
  public RegisteredSchema {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
  }
}
