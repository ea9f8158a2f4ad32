package dev.deepscreen.schemas.registry;

/** The registry could not accept the request's schema or version (HTTP 422, codes 42201, 42202). */
public class InvalidSchemaException extends SchemaRegistryException {
  private static final long serialVersionUID = 1L;

  public InvalidSchemaException(String message, int errorCode) {
    super(message, 422, errorCode);
  }
}
