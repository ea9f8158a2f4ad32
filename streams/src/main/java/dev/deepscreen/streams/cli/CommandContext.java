package dev.deepscreen.streams.cli;

import dev.deepscreen.streams.app.AppProperties;
import dev.deepscreen.streams.app.StageRunner;
import dev.deepscreen.streams.app.StopSignal;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every command works with: its output streams, the environment and what stops a
 * long-running command, given rather than taken from {@code System} so that tests run commands
 * in-process, capture what they print and stop them.
 */
public record CommandContext(PrintStream out, PrintStream err, Map<String, String> environment,
    StopSignal stopSignal) {

  /**
   * The settings of the file (if any) and the {@code DEEPSCREEN_*} variables, as every stage
   * reads them (see {@link AppProperties}).
   *
   * @throws CommandException with exit code 66 when the file cannot be read
   */
  public Map<String, String> settings(Path file) {
    try {
      return AppProperties.load(file, environment);
    } catch (IOException e) {
      throw new CommandException(StageRunner.EXIT_NO_INPUT,
          "Cannot read the settings file " + file + ": " + e);
    }
  }
}
