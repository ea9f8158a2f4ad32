package dev.deepscreen.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The record's writer schema cannot be resolved against the reader's schema under Avro's schema
 * resolution rules, for example a field the reader needs that the writer lacks and has no default.
 */
public class SchemaResolutionException extends SerializationException {
  private static final long serialVersionUID = 1L;

  public SchemaResolutionException(String message) {
    super(message);
  }
}
