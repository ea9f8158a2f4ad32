package dev.deepscreen.schemas.registry;

/**
 * No schema has the id asked for, or the subject holds no such schema or version (error codes
 * 40403 and 40402). A record whose schema id is unknown to the registry ends here.
 */
public class SchemaNotFoundException extends SchemaRegistryException {
  private static final long serialVersionUID = 1L;

  public SchemaNotFoundException(String message, int httpStatus, int errorCode) {
    super(message, httpStatus, errorCode);
  }
}
