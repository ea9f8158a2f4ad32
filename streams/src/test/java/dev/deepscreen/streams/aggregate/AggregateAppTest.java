package dev.deepscreen.streams.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.streams.app.StageRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entry point's failures, which happen before any Kafka client starts. */
class AggregateAppTest {

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return AggregateApp.RUNNER.run(args, env, new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8).trim();
  }

  @Test
  void invalidSettingsExitWithTheReason() {
    assertThat(run(Map.of("DEEPSCREEN_SCHEMA_REGISTRY_URL", "mock://app-test")))
        .isEqualTo(StageRunner.EXIT_CONFIG);
    assertThat(err()).isEqualTo("Invalid settings: Missing required configuration"
        + " \"bootstrap.servers\" which has no default value.");
  }

  @Test
  void settingsFromTheFileAreValidatedToo(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a.properties"),
        "bootstrap.servers=localhost:9092\nschema.registry.url=mock://app-test\n"
            + "aggregate.block.above=0.3\n");
    assertThat(run(Map.of(), file.toString())).isEqualTo(StageRunner.EXIT_CONFIG);
    assertThat(err()).isEqualTo("Invalid settings: Invalid value 0.4 for configuration"
        + " aggregate.allow.below: must not be above aggregate.block.above (0.3), or no video"
        + " could be reviewed");
  }

  @Test
  void aMissingFileIsReported(@TempDir Path dir) {
    assertThat(run(Map.of(), dir.resolve("missing.properties").toString()))
        .isEqualTo(StageRunner.EXIT_NO_INPUT);
    assertThat(err()).startsWith("Cannot read the settings file ");
  }

  @Test
  void tooManyArgumentsShowTheUsage() {
    assertThat(run(Map.of(), "a", "b")).isEqualTo(StageRunner.EXIT_USAGE);
    assertThat(err()).isEqualTo("usage: AggregateApp [settings.properties]");
  }
}
