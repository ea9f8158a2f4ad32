package dev.deepscreen.schemas.registry;

/** The subject has no versions in the registry (error code 40401). */
public class SubjectNotFoundException extends SchemaRegistryException {
  private static final long serialVersionUID = 1L;

  public SubjectNotFoundException(String message, int httpStatus) {
    super(message, httpStatus, 40401);
  }
}
