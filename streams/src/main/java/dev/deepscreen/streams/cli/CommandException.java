package dev.deepscreen.streams.cli;

/** Ends a command with an exit code and a message for the user, without a stack trace. */
public final class CommandException extends RuntimeException {

  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public CommandException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CommandException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
