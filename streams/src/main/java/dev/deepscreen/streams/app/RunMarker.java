package dev.deepscreen.streams.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file in the stage's state folder ({@code <state.dir>/<application.id>/deepscreen.running})
 * that exists while the stage runs and is removed when it closes. Found at start, it says that
 * the last run ended without closing: a crash, a SIGKILL, a node lost. Kafka Streams recovers
 * from that by itself, but logs its recovery in words that look like faults; the stage says once,
 * at INFO, what is going on.
 */
final class RunMarker {

  private static final Logger LOG = LoggerFactory.getLogger(RunMarker.class);
  static final String FILE_NAME = "deepscreen.running";

  private final Path file;
  private final String stage;

  private RunMarker(Path file, String stage) {
    this.file = file;
    this.stage = stage;
  }

  /** The marker of {@code stage}'s application, which the properties configure. */
  static RunMarker of(Properties streamsProperties, String stage) {
    String stateDir = streamsProperties.getProperty(StreamsConfig.STATE_DIR_CONFIG,
        StreamsConfig.configDef().defaultValues().get(StreamsConfig.STATE_DIR_CONFIG).toString());
    return new RunMarker(Path.of(stateDir,
        streamsProperties.getProperty(StreamsConfig.APPLICATION_ID_CONFIG), FILE_NAME), stage);
  }

  Path file() {
    return file;
  }

  /**
   * Marks the run as started, and says at INFO what recovery follows when the last one did not
   * close. A marker that cannot be written costs only that message: a warning, not a failure.
   *
   * @return whether the last run ended without closing
   */
  boolean start() {
    boolean unclean = Files.exists(file);
    if (unclean) {
      LOG.info("The last run of the {} stage did not close (a crash, SIGKILL or lost node,"
          + " last started {}). Kafka Streams recovers by itself: its open transactions are"
          + " aborted and the input is read again from the last commit, so no output is lost"
          + " or repeated; state stores the crash left without a checkpoint are wiped and"
          + " restored from their changelogs, which Kafka Streams logs at WARN as corrupted"
          + " tasks (TaskCorruptedException). That is this recovery, not a fault.", stage,
          lastStart());
    }
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, Instant.now() + "\n");
    } catch (IOException e) {
      LOG.warn("Cannot write {}: an unclean stop will not be recognised at the next start",
          file, e);
    }
    return unclean;
  }

  /** Marks the run as closed. */
  void closed() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("Cannot remove {}: the next start will take this stop for a crash", file, e);
    }
  }

  private String lastStart() {
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      return "at an unknown time";
    }
  }
}
