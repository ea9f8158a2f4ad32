package dev.deepscreen.streams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.streams.app.StageRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stage distribution {@code package} made (target/deepscreen-<version>/), run as a user runs
 * it: {@code bin/deepscreen} in a child process with only lib/ on its class path. (The demo
 * module's tests check the full distribution and what the stage one leaves out.)
 */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DistributionIT {

  private static final Path HOME = distribution();

  private record Result(int exitCode, String output) {}

  private static Path distribution() {
    try (Stream<Path> entries = Files.list(Path.of("target"))) {
      return entries.filter(p -> p.getFileName().toString().startsWith("deepscreen-")
          && Files.isDirectory(p)).findFirst().orElseThrow(() -> new IllegalStateException(
              "No target/deepscreen-<version>/: run the package phase first"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Result run(Map<String, String> environment, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(HOME.resolve("bin/deepscreen").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("DEEPSCREEN_"));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().putAll(environment);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  @Test
  void theLauncherRunsTheCommandLineFromLib() throws Exception {
    Result version = run(Map.of(), "--version");
    assertThat(version.exitCode()).isZero();
    assertThat(version.output().trim()).matches("deepscreen \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");

    Result invalid = run(Map.of("DEEPSCREEN_SCHEMA_REGISTRY_URL", "mock://d"), "run", "extract");
    assertThat(invalid.exitCode()).isEqualTo(StageRunner.EXIT_CONFIG);
    assertThat(invalid.output()).contains("Invalid settings: Missing required configuration"
        + " \"bootstrap.servers\"");
  }

  @Test
  void libHoldsTheNativesOfLinuxX8664() throws Exception {
    List<String> jars;
    try (Stream<Path> files = Files.list(HOME.resolve("lib"))) {
      jars = files.map(p -> p.getFileName().toString()).toList();
    }
    for (String prefix : List.of("javacpp-", "ffmpeg-", "opencv-", "openblas-",
        "tensorflow-core-native-")) {
      assertThat(jars).as(prefix + " natives").anySatisfy(jar -> assertThat(jar)
          .startsWith(prefix).containsPattern("-linux-x86_64(-gpu)?\\.jar$"));
    }
    assertThat(jars).anySatisfy(jar -> assertThat(jar).startsWith("deepscreen-streams-"))
        .anySatisfy(jar -> assertThat(jar).startsWith("picocli-"));
    assertThat(Files.isExecutable(HOME.resolve("bin/deepscreen"))).isTrue();
  }

  @Test
  void theTensorFlowNativesLoadFromTheDistribution() throws Exception {
    // The scorer logs TensorFlow's version (loading its natives) before it looks for the models.
    Result result = run(Map.of("DEEPSCREEN_BOOTSTRAP_SERVERS", "localhost:9",
        "DEEPSCREEN_SCHEMA_REGISTRY_URL", "mock://d", "DEEPSCREEN_SCORE_ENSEMBLE_DIR",
        HOME.resolve("no-such-ensemble").toString(), "DEEPSCREEN_HTTP_PORT", "-1"),
        "run", "score");
    assertThat(result.exitCode()).as(result.output()).isEqualTo(StageRunner.EXIT_CONFIG);
    assertThat(result.output()).containsPattern("TensorFlow \\d+\\.\\d+")
        .contains("Invalid settings:", "score.ensemble.dir");
  }
}
