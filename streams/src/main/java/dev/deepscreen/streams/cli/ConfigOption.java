package dev.deepscreen.streams.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The settings file option every cluster command shares. */
final class ConfigOption {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "Settings file (Java properties). DEEPSCREEN_* environment variables"
          + " override it: DEEPSCREEN_BOOTSTRAP_SERVERS sets bootstrap.servers.")
  Path file;
}
