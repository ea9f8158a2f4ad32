package dev.deepscreen.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The distributions {@code package} made, run as a user runs them: {@code bin/deepscreen} in a
 * child process, with only what the distribution holds on its class path.
 */
final class FullDistribution {

  /** This module's: the stages, and the demo in lib/demo/. */
  static final Path FULL = distribution(Path.of("target"));
  /** The streams module's: what the stage images carry. */
  static final Path STAGES = distribution(Path.of("..", "streams", "target"));

  private FullDistribution() {}

  /** What a run printed on its standard output and error, and its exit code. */
  record Result(int exitCode, String out, String err) {

    /** Both outputs, for messages and for checks that do not mind which. */
    String output() {
      return out + err;
    }
  }

  private static Path distribution(Path folder) {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.filter(p -> p.getFileName().toString().startsWith("deepscreen-")
          && Files.isDirectory(p)).findFirst().orElseThrow(() -> new IllegalStateException(
              "No " + folder + "/deepscreen-<version>/: run the package phase first"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code launcher} with the {@code DEEPSCREEN_*} variables of this JVM removed. */
  static Result run(Path launcher, Map<String, String> environment, long timeoutSeconds,
      String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(launcher.toAbsolutePath().normalize().toString());
    command.addAll(List.of(args));
    Path err = Files.createTempFile("deepscreen-", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("DEEPSCREEN_"));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().putAll(environment);
    Process process = builder.start();
    try {
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(timeoutSeconds, TimeUnit.SECONDS)).isTrue();
      return new Result(process.exitValue(), out, Files.readString(err));
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(err);
    }
  }

  /** The names of the jars in {@code folder}. */
  static List<String> jars(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted()
          .toList();
    }
  }
}
