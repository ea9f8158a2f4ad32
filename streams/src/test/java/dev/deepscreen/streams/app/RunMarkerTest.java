package dev.deepscreen.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunMarkerTest {

  @TempDir
  Path stateDir;

  private RunMarker marker() {
    Properties props = new Properties();
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "deepscreen-aggregate");
    return RunMarker.of(props, "aggregate");
  }

  @Test
  void aStartAfterACleanCloseIsClean() {
    assertThat(marker().file())
        .isEqualTo(stateDir.resolve("deepscreen-aggregate").resolve(RunMarker.FILE_NAME));
    assertThat(marker().start()).isFalse();
    assertThat(marker().file()).exists();

    marker().closed();

    assertThat(marker().file()).doesNotExist();
    assertThat(marker().start()).isFalse();
  }

  @Test
  void aStartAfterARunThatNeverClosedIsUnclean() {
    marker().start();
    // The process dies here: no close.

    assertThat(marker().start()).isTrue();
    marker().closed();
    assertThat(marker().start()).isFalse();
  }
}
