package dev.deepscreen.demo.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline as an operator runs it, separate processes of the full distribution against a
 * real broker process, with stages SIGKILLed and restarted while videos keep coming, and the
 * broker itself killed and restarted: exactly one verdict per event, and every restarted
 * process working again. The recovery times are the benchmark's business (demo/bench/chaos.sh,
 * BENCHMARKS.md), not this test's.
 */
@Tag("integration")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ChaosIT {

  @Test
  void exactlyOneVerdictPerEventThroughStageKillsAndABrokerRestart(@TempDir Path work)
      throws Exception {
    Path distribution;
    try (Stream<Path> entries = Files.list(Path.of("target"))) {
      distribution = entries.filter(p -> p.getFileName().toString().startsWith("deepscreen-")
          && Files.isDirectory(p)).findFirst().orElseThrow();
    }
    ChaosRun run = new ChaosRun(work, distribution, new ChaosRun.Settings(6,
        Duration.ofMillis(1500), 2, true, 3, ChaosBenchmark.VARIANTS.get("static")),
        new PrintStream(OutputStream.nullOutputStream()));

    ChaosRun.Result result = run.run();

    assertThat(result.events()).isGreaterThanOrEqualTo(6);
    assertThat(result.wrong(run.submitted())).as("events without exactly one verdict").isEmpty();
    assertThat(result.recoveries()).hasSize(3).allSatisfy(recovery ->
        assertThat(recovery.outputSeconds()).as(recovery.process() + " wrote again").isNotNaN());
  }
}
