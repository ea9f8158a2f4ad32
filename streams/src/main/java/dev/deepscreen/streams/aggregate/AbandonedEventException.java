package dev.deepscreen.streams.aggregate;

/**
 * Why face scores were dropped without a verdict: their extraction summary never came. Only
 * recorded in a dead letter, never thrown.
 */
public final class AbandonedEventException extends Exception {
  private static final long serialVersionUID = 1L;

  AbandonedEventException(String message) {
    super(message, null, false, false);
  }
}
