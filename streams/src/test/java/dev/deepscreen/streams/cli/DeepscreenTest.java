package dev.deepscreen.streams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.streams.app.StageRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's answers that need no cluster: usage, arguments and settings. */
class DeepscreenTest {

  private static final Map<String, String> CLUSTER = Map.of(
      "DEEPSCREEN_BOOTSTRAP_SERVERS", "localhost:9", "DEEPSCREEN_SCHEMA_REGISTRY_URL",
      "mock://deepscreen-test");

  @Test
  void withoutACommandItShowsTheUsage() {
    CliRun run = CliRun.run(Map.of());
    assertThat(run.exitCode()).isEqualTo(StageRunner.EXIT_USAGE);
    assertThat(run.err()).contains("Usage: deepscreen", "run", "topics", "submit", "verdicts");
  }

  @Test
  void helpListsTheExitCodes() {
    CliRun run = CliRun.run(Map.of(), "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Exit codes: 0 success, 1 failure, 64 wrong arguments");
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    CliRun run = CliRun.run(Map.of(), "sumbit");
    assertThat(run.exitCode()).isEqualTo(StageRunner.EXIT_USAGE);
    assertThat(run.err()).contains("Unmatched argument at index 0: 'sumbit'", "submit");
  }

  @Test
  void anUnknownStageNamesTheStagesOfThisBuild() {
    CliRun run = CliRun.run(CLUSTER, "run", "scoring");
    assertThat(run.exitCode()).isEqualTo(StageRunner.EXIT_USAGE);
    assertThat(run.err().trim()).isEqualTo("Unknown stage 'scoring'; this build has "
        + String.join(", ", Stages.names()) + " (or all)");
  }

  @Test
  void runAllRefusesOneApplicationIdForEveryStage() {
    CliRun run = CliRun.run(Map.of("DEEPSCREEN_BOOTSTRAP_SERVERS", "localhost:9",
        "DEEPSCREEN_APPLICATION_ID", "mine"), "run", "all");
    assertThat(run.exitCode()).isEqualTo(StageRunner.EXIT_CONFIG);
    assertThat(run.err()).startsWith("Invalid settings: application.id cannot be set for"
        + " 'run all'");
  }

  @Test
  void runValidatesTheStageSettings(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("stage.properties"),
        "bootstrap.servers=localhost:9\nschema.registry.url=mock://x\n"
            + "aggregate.block.above=0.3\n");
    CliRun run = CliRun.run(Map.of(), "run", "aggregate", "--config", file.toString());
    assertThat(run.exitCode()).isEqualTo(StageRunner.EXIT_CONFIG);
    assertThat(run.err()).startsWith("Invalid settings: Invalid value 0.4 for configuration"
        + " aggregate.allow.below");
  }

  @Test
  void anUnreadableSettingsFileIsExit66(@TempDir Path dir) {
    CliRun run = CliRun.run(Map.of(), "verdicts", "--config",
        dir.resolve("missing.properties").toString());
    assertThat(run.exitCode()).isEqualTo(StageRunner.EXIT_NO_INPUT);
    assertThat(run.err()).startsWith("Cannot read the settings file ");
  }

  @Test
  void clientCommandsNeedTheBrokers() {
    CliRun run = CliRun.run(Map.of("DEEPSCREEN_SCHEMA_REGISTRY_URL", "mock://x"), "verdicts");
    assertThat(run.exitCode()).isEqualTo(StageRunner.EXIT_CONFIG);
    assertThat(run.err().trim()).isEqualTo("Invalid settings: Missing required configuration"
        + " \"bootstrap.servers\" which has no default value.");
  }

  @Test
  void submitNeedsTheRegistry(@TempDir Path dir) throws Exception {
    Path video = Files.writeString(dir.resolve("a.mp4"), "x");
    CliRun run = CliRun.run(Map.of("DEEPSCREEN_BOOTSTRAP_SERVERS", "localhost:9"), "submit",
        video.toString());
    assertThat(run.exitCode()).isEqualTo(StageRunner.EXIT_CONFIG);
    assertThat(run.err()).startsWith("Invalid settings: Missing required configuration"
        + " \"schema.registry.url\"");
  }

  @Test
  void submitRefusesAMissingFileBeforeConnecting(@TempDir Path dir) {
    CliRun run = CliRun.run(CLUSTER, "submit", dir.resolve("none.mp4").toString());
    assertThat(run.exitCode()).isEqualTo(StageRunner.EXIT_NO_INPUT);
    assertThat(run.err().trim()).isEqualTo("Not a readable file: " + dir.resolve("none.mp4"));
  }

  @Test
  void oneVideoIdForSeveralVideosIsAUsageError() {
    CliRun run = CliRun.run(CLUSTER, "submit", "--video-id", "v", "s3://b/a.mp4",
        "s3://b/b.mp4");
    assertThat(run.exitCode()).isEqualTo(StageRunner.EXIT_USAGE);
    assertThat(run.err().trim()).isEqualTo("--video-id names one video; 2 were given");
  }

  @Test
  void topicsCreateChecksItsOptions() {
    CliRun run = CliRun.run(CLUSTER, "topics", "create", "--partitions", "0");
    assertThat(run.exitCode()).isEqualTo(StageRunner.EXIT_USAGE);
    assertThat(run.err().trim()).isEqualTo("--partitions must be at least 1");
  }
}
