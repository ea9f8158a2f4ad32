package dev.deepscreen.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/** The bytes are not in the Confluent wire format: no magic byte, or shorter than the header. */
public class WireFormatException extends SerializationException {
  private static final long serialVersionUID = 1L;

  public WireFormatException(String message) {
    super(message);
  }
}
