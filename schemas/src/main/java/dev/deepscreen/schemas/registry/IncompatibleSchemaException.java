package dev.deepscreen.schemas.registry;

/** The subject's compatibility level refuses the schema (HTTP 409). */
public class IncompatibleSchemaException extends SchemaRegistryException {
  private static final long serialVersionUID = 1L;

  public IncompatibleSchemaException(String message, int errorCode) {
    super(message, 409, errorCode);
  }
}
