package dev.deepscreen.core.inference;

/** A model of the ensemble is missing, cannot be loaded, or does not match its manifest. */
public class ModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
