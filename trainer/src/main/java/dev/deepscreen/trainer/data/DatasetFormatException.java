package dev.deepscreen.trainer.data;

/** A data set's index cannot be read: the message names the file and what is wrong. */
public class DatasetFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DatasetFormatException(String message) {
    super(message);
  }

  public DatasetFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
