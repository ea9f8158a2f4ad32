package dev.deepscreen.trainer.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@code deepscreen-trainer} in this JVM as a user runs it, capturing what it prints. */
public final class TrainerCliRunner {

  /** How a command ended and what it printed. */
  public record Result(int exitCode, String out, String err) {}

  private TrainerCliRunner() {}

  public static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = TrainerCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Result(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }
}
