package dev.deepscreen.streams.app;

import dev.deepscreen.schemas.registry.SchemaRegistries;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * Runs one stage as a process: reads its settings from an optional properties file and {@code
 * DEEPSCREEN_*} environment variables (see {@link AppProperties}), builds its topology, and runs
 * until the JVM is asked to stop or the stage fails.
 *
 * <p>Exit codes: 0 stopped on request, 1 the stage failed or its input topics are unusable
 * (missing, or partitioned differently when read together), 64 wrong arguments, 66 the settings
 * file cannot be read, 78 invalid settings (the message says which and why).
 *
 * @param <C> the stage's configuration
 */
public final class StageRunner<C extends StageConfig> {

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 64;
  public static final int EXIT_NO_INPUT = 66;
  public static final int EXIT_CONFIG = 78;

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);

  /** Adds a stage's processing to a builder, given its settings and the registry client. */
  @FunctionalInterface
  public interface TopologyFunction<C> {
    void build(StreamsBuilder builder, C config, SchemaRegistryClient registry);
  }

  private final String name;
  private final Function<Map<String, String>, C> configFactory;
  private final TopologyFunction<C> topology;
  private final List<String> coPartitionedInputs;

  /**
   * @param name the command's name in usage messages
   * @param configFactory validates the merged settings, throwing ConfigException
   * @param topology the stage's topology function
   * @param coPartitionedInputs input topics joined by key, checked at start to exist with the
   *     same partition count; empty when the stage reads one topic
   */
  public StageRunner(String name, Function<Map<String, String>, C> configFactory,
      TopologyFunction<C> topology, List<String> coPartitionedInputs) {
    this.name = name;
    this.configFactory = configFactory;
    this.topology = topology;
    this.coPartitionedInputs = List.copyOf(coPartitionedInputs);
  }

  /** Reads the settings, then runs the stage until stopped; returns the exit code. */
  public int run(String[] args, Map<String, String> environment, PrintStream err) {
    if (args.length > 1) {
      err.println("usage: " + name + " [settings.properties]");
      return EXIT_USAGE;
    }
    C config;
    try {
      config = configFactory.apply(AppProperties.load(
          args.length == 1 ? Path.of(args[0]) : null, environment));
    } catch (IOException e) {
      err.println("Cannot read the settings file " + args[0] + ": " + e);
      return EXIT_NO_INPUT;
    } catch (ConfigException e) {
      err.println("Invalid settings: " + e.getMessage());
      return EXIT_CONFIG;
    }
    if (!coPartitionedInputs.isEmpty()) {
      try (Admin admin = Admin.create(config.streamsProperties())) {
        CoPartitioning.check(admin, coPartitionedInputs, CHECK_TIMEOUT);
      } catch (IllegalStateException e) {
        err.println(e.getMessage());
        return EXIT_FAILED;
      }
    }
    return runUntilStopped(config);
  }

  /**
   * The stage's Kafka Streams application, not started. The caller closes it, before the
   * registry client.
   */
  public KafkaStreams create(C config, SchemaRegistryClient registry) {
    StreamsBuilder builder = new StreamsBuilder();
    topology.build(builder, config, registry);
    Properties props = config.streamsProperties();
    return new KafkaStreams(builder.build(props), props);
  }

  /** Closes, leaving the consumer group so that its partitions move at once. */
  public static void close(KafkaStreams streams) {
    streams.close(CloseOptions.groupMembershipOperation(
        CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(CLOSE_TIMEOUT));
  }

  private int runUntilStopped(C config) {
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, name + "-shutdown");
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
