package dev.deepscreen.connectors.s3.storage;

import org.apache.kafka.connect.errors.RetriableException;

/**
 * An S3 request failed in a way that may pass (the store unreachable, 5xx, throttling) after the
 * client's own retries: the task rewinds the partition it was writing and asks Connect to
 * deliver its records again later, instead of failing.
 */
public final class S3UnavailableException extends RetriableException {
  private static final long serialVersionUID = 1L;

  public S3UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
