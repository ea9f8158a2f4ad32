package dev.deepscreen.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The Avro payload after the header cannot be decoded with its writer schema: truncated, corrupt,
 * or followed by bytes the schema does not account for.
 */
public class PayloadDecodingException extends SerializationException {
  private static final long serialVersionUID = 1L;

  public PayloadDecodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
