package dev.deepscreen.schemas.registry;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The registry refused a request or could not be reached. It is a Kafka
 * {@link SerializationException} so that serdes can let it through unchanged and Kafka Streams'
 * deserialization and production handlers can route the record to the dead-letter topic.
 *
 * <p>{@link #errorCode()} is the registry's {@code error_code} (for example 40401), or the HTTP
 * status when the body carried none, or 0 when no answer came at all.
 */
public class SchemaRegistryException extends SerializationException {
  private static final long serialVersionUID = 1L;

  private final int httpStatus;
  private final int errorCode;

  public SchemaRegistryException(String message, int httpStatus, int errorCode) {
    super(message);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  /** The HTTP status of the answer, or 0 when there was none (connection failure, timeout). */
  public int httpStatus() {
    return httpStatus;
  }

  /** The registry's error code, such as 40401, 40403, 409 or 42201. */
  public int errorCode() {
    return errorCode;
  }

  /** Whether trying again later may succeed: server errors and failures to connect. */
  public boolean isRetryable() {
    return httpStatus == 0 || httpStatus >= 500;
  }

  /**
   * The typed exception for a registry error answer, as documented for the REST API v1.
   *
   * @param context what was asked, for the message (for example "get schema by id 7")
   */
  public static SchemaRegistryException fromError(String context, int httpStatus, int errorCode,
      String registryMessage) {
    String message = context + ": " + registryMessage + " (HTTP " + httpStatus + ", error code "
        + errorCode + ")";
    if (errorCode == 40401) {
      return new SubjectNotFoundException(message, httpStatus);
    }
    if (errorCode == 40402 || errorCode == 40403) {
      return new SchemaNotFoundException(message, httpStatus, errorCode);
    }
    if (httpStatus == 409) {
      return new IncompatibleSchemaException(message, errorCode);
    }
    if (httpStatus == 422) {
      return new InvalidSchemaException(message, errorCode);
    }
    if (httpStatus == 401 || httpStatus == 403) {
      return new SchemaRegistryException(message + "; check the registry credentials", httpStatus,
          errorCode);
    }
    return new SchemaRegistryException(message, httpStatus, errorCode);
  }
}
