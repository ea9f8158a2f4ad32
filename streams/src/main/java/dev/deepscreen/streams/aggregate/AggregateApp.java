package dev.deepscreen.streams.aggregate;

import dev.deepscreen.schemas.registry.SchemaRegistries;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import dev.deepscreen.streams.app.AppProperties;
import dev.deepscreen.streams.app.CoPartitioning;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * Runs the aggregation stage: {@code AggregateApp [settings.properties]}, with {@code
 * DEEPSCREEN_*} environment variables overriding the file (see {@link AppProperties}). Runs until
 * the JVM is asked to stop or the stage fails.
 *
 * <p>Exit codes: 0 stopped on request, 1 the stage failed or its input topics are unusable
 * (missing, or partitioned differently), 64 wrong arguments, 66 the settings file cannot be
 * read, 78 invalid settings (the message says which and why).
 */
public final class AggregateApp {

  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 64;
  static final int EXIT_NO_INPUT = 66;
  static final int EXIT_CONFIG = 78;

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);

  private AggregateApp() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.err));
  }

  /** Reads the settings, then runs the stage until stopped; returns the exit code. */
  static int run(String[] args, Map<String, String> environment, PrintStream err) {
    if (args.length > 1) {
      err.println("usage: AggregateApp [settings.properties]");
      return EXIT_USAGE;
    }
    AggregateConfig config;
    try {
      config = new AggregateConfig(AppProperties.load(
          args.length == 1 ? Path.of(args[0]) : null, environment));
    } catch (IOException e) {
      err.println("Cannot read the settings file " + args[0] + ": " + e);
      return EXIT_NO_INPUT;
    } catch (ConfigException e) {
      err.println("Invalid settings: " + e.getMessage());
      return EXIT_CONFIG;
    }
    return runUntilStopped(config, err);
  }

  /**
   * The stage's Kafka Streams application, not started. The caller closes it, before the
   * registry client.
   */
  public static KafkaStreams create(AggregateConfig config, SchemaRegistryClient registry) {
    StreamsBuilder builder = new StreamsBuilder();
    AggregateTopology.build(builder, config, registry);
    Properties props = config.streamsProperties();
    return new KafkaStreams(builder.build(props), props);
  }

  /** Closes, leaving the consumer group so that its partitions move at once. */
  public static void close(KafkaStreams streams) {
    streams.close(CloseOptions.groupMembershipOperation(
        CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(CLOSE_TIMEOUT));
  }

  private static int runUntilStopped(AggregateConfig config, PrintStream err) {
    try (Admin admin = Admin.create(config.streamsProperties())) {
      CoPartitioning.check(admin, AggregateTopology.INPUT_TOPICS, CHECK_TIMEOUT);
    } catch (IllegalStateException e) {
      err.println(e.getMessage());
      return EXIT_FAILED;
    }
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "aggregate-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (SchemaRegistryClient registry = SchemaRegistries.connect(config)) {
      KafkaStreams streams = create(config, registry);
      try {
        streams.setStateListener((now, before) -> {
          if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
            stop.countDown();
          }
        });
        streams.start();
        stop.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        close(streams);
      }
      return streams.state() == KafkaStreams.State.ERROR ? EXIT_FAILED : EXIT_OK;
    } finally {
      closed.countDown();
    }
  }
}
