package dev.deepscreen.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stage distribution (what the stage images carry) holds no demo infrastructure, and the
 * full distribution is the stage distribution plus the demo's own libraries, apart.
 */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DistributionLayoutIT {

  /** Jars only the demo uses: the broker and its Scala, the Connect runtime, the test kit. */
  private static final List<String> DEMO_ONLY = List.of("kafka_2.13-", "kafka-server-",
      "kafka-raft-", "kafka-metadata-", "kafka-test-common-", "connect-runtime-", "scala-library-",
      "deepscreen-embedded-", "deepscreen-connectors-", "deepscreen-demo-");

  @Test
  void theStageClassPathHasNoBrokerConnectOrDemo() throws Exception {
    List<String> stageJars = FullDistribution.jars(FullDistribution.STAGES.resolve("lib"));

    assertThat(stageJars).anySatisfy(jar -> assertThat(jar).startsWith("deepscreen-streams-"))
        .anySatisfy(jar -> assertThat(jar).startsWith("kafka-streams-"))
        .anySatisfy(jar -> assertThat(jar).startsWith("kafka-clients-"));
    for (String prefix : DEMO_ONLY) {
      assertThat(stageJars).as(prefix).noneMatch(jar -> jar.startsWith(prefix));
    }
    // Nothing beside lib/*.jar that bin/deepscreen could load either.
    try (var entries = Files.list(FullDistribution.STAGES.resolve("lib"))) {
      assertThat(entries.filter(Files::isDirectory)).isEmpty();
    }
    assertThat(FullDistribution.STAGES.resolve("connect-plugins")).doesNotExist();
  }

  @Test
  void theFullDistributionAddsTheDemoApartFromTheStageClassPath() throws Exception {
    Path full = FullDistribution.FULL;
    List<String> lib = FullDistribution.jars(full.resolve("lib"));
    List<String> demo = FullDistribution.jars(full.resolve("lib/demo"));

    assertThat(lib).isEqualTo(FullDistribution.jars(FullDistribution.STAGES.resolve("lib")));
    for (String prefix : DEMO_ONLY) {
      assertThat(demo).as(prefix).anyMatch(jar -> jar.startsWith(prefix));
    }
    // One copy of each library: a jar of lib/ (same artifact, any version) never again in demo/.
    assertThat(demo).noneMatch(jar -> lib.stream()
        .anyMatch(other -> artifact(other).equals(artifact(jar))));
    assertThat(full.resolve("lib/s3proxy/s3proxy.jar")).isRegularFile();
    try (var plugins = Files.list(full.resolve("connect-plugins"))) {
      assertThat(plugins.map(p -> p.getFileName().toString()))
          .singleElement(InstanceOfAssertFactories.STRING).matches("deepscreen-s3-sink-.+\\.zip");
    }
    // For users who run their own Connect workers: the plugin zip, as connectors builds it.
    String version = FullDistribution.STAGES.getFileName().toString()
        .substring("deepscreen-".length());
    try (ZipFile zip = new ZipFile(full.resolve("connect-plugins/deepscreen-s3-sink-" + version
        + ".zip").toFile())) {
      assertThat(zip.stream().map(ZipEntry::getName)).contains(
          "deepscreen-s3-sink/lib/deepscreen-connectors-" + version + ".jar",
          "deepscreen-s3-sink/lib/deepscreen-s3-" + version + ".jar",
          "deepscreen-s3-sink/etc/verdicts-s3-sink.json")
          .noneMatch(name -> name.contains("kafka-clients") || name.contains("kafka-streams"));
    }
    assertThat(Files.isExecutable(full.resolve("bin/deepscreen"))).isTrue();
  }

  @Test
  void theStageDistributionSaysWhereTheDemoIs() throws Exception {
    FullDistribution.Result result = FullDistribution.run(
        FullDistribution.STAGES.resolve("bin/deepscreen"), Map.of(), 60, "demo", "--clips", "1");

    assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
    assertThat(result.output()).contains("This distribution runs the stages only",
        "./deepscreen demo");
  }

  @Test
  void theLauncherAtTheRootOfTheCloneRunsTheFullDistribution() throws Exception {
    // The build is there (this test runs after package): the launcher runs it, building nothing.
    FullDistribution.Result result = FullDistribution.run(Path.of("..", "deepscreen"),
        Map.of("DEEPSCREEN_REBUILD", ""), 60, "demo", "--help");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("Usage: deepscreen demo", "--clips");
  }

  /** {@code kafka-clients-4.1.0.jar} -> {@code kafka-clients}. */
  private static String artifact(String jar) {
    return jar.replaceFirst("-\\d[^-]*(-SNAPSHOT)?(-[a-z][\\w-]*)?\\.jar$", "");
  }
}
