package dev.deepscreen.streams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

/** The distribution's log configuration keeps ERROR for what needs a person. */
class LogConfigurationTest {

  private static final String TASK_MANAGER =
      "org.apache.kafka.streams.processor.internals.TaskManager";
  private static final String CORRUPTED = "org.apache.kafka.streams.errors"
      + ".TaskCorruptedException: Tasks [%s] are corrupted and hence need to be re-initialized";

  private static Filter.Result filter(String message) throws IOException {
    try (InputStream in = new FileInputStream(Path.of("src/dist/conf/log4j2.xml").toFile())) {
      XmlConfiguration configuration = new XmlConfiguration(new LoggerContext("test"),
          new ConfigurationSource(in));
      configuration.initialize();
      LoggerConfig logger = configuration.getLoggerConfig(TASK_MANAGER);
      assertThat(logger.getName()).isEqualTo(TASK_MANAGER);
      return logger.getFilter().filter(Log4jLogEvent.newBuilder().setLoggerName(TASK_MANAGER)
          .setLevel(Level.ERROR).setMessage(new SimpleMessage(message)).build());
    }
  }

  @Test
  void theRecoveryOfTasksACrashLeftWithoutACheckpointIsLeftOut() throws IOException {
    assertThat(filter("stream-thread [a-StreamThread-1] Get exceptions for the following tasks:"
        + " {0_5=" + CORRUPTED.formatted("0_5") + ", 0_1=" + CORRUPTED.formatted("0_1, 0_2")
        + "}")).isEqualTo(Filter.Result.DENY);
  }

  @Test
  void anyOtherExceptionOfTheTaskManagerStays() throws IOException {
    assertThat(filter("stream-thread [a-StreamThread-1] Get exceptions for the following tasks:"
        + " {0_5=" + CORRUPTED.formatted("0_5") + ", 0_1=org.apache.kafka.streams.errors"
        + ".StreamsException: the disk is full}")).isEqualTo(Filter.Result.NEUTRAL);
    assertThat(filter("stream-thread [a-StreamThread-1] Failed to process stream task 0_1"))
        .isEqualTo(Filter.Result.NEUTRAL);
  }
}
