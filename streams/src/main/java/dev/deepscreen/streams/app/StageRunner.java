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

  /**
   * Adds a stage's processing to a builder, given also a resource the stage's tasks share (the
   * scorer's models), which lives as long as the stage.
   */
  @FunctionalInterface
  public interface SharedResourceTopologyFunction<C, R> {
    void build(StreamsBuilder builder, C config, SchemaRegistryClient registry, R resource);
  }

  /** Builds the topology and answers what it holds that must be closed after the streams. */
  private interface StageBuilder<C> {
    AutoCloseable build(StreamsBuilder builder, C config, SchemaRegistryClient registry);
  }

  private final String name;
  private final Function<Map<String, String>, C> configFactory;
  private final StageBuilder<C> topology;
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
    this(name, configFactory, (StageBuilder<C>) (builder, config, registry) -> {
      topology.build(builder, config, registry);
      return () -> { };
    }, coPartitionedInputs);
  }

  private StageRunner(String name, Function<Map<String, String>, C> configFactory,
      StageBuilder<C> topology, List<String> coPartitionedInputs) {
    this.name = name;
    this.configFactory = configFactory;
    this.topology = topology;
    this.coPartitionedInputs = List.copyOf(coPartitionedInputs);
  }

  /**
   * A runner for a stage whose tasks share a resource, opened once per process before the
   * topology is built and closed after the Kafka Streams application.
   *
   * @param resource opens the resource from the settings; throws ConfigException when the
   *     settings name something unusable
   */
  public static <C extends StageConfig, R extends AutoCloseable> StageRunner<C> withSharedResource(
      String name, Function<Map<String, String>, C> configFactory, Function<C, R> resource,
      SharedResourceTopologyFunction<C, R> topology, List<String> coPartitionedInputs) {
    return new StageRunner<>(name, configFactory, (StageBuilder<C>) (builder, config, registry) -> {
      R shared = resource.apply(config);
      try {
        topology.build(builder, config, registry, shared);
      } catch (RuntimeException e) {
        closeQuietly(shared, e);
        throw e;
      }
      return shared;
    }, coPartitionedInputs);
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
    return runUntilStopped(config, err);
  }

  /**
   * The stage, not started: its Kafka Streams application and what its tasks share. The caller
   * closes it, before the registry client.
   *
   * @throws ConfigException if a shared resource named by the settings cannot be opened
   */
  public StageInstance create(C config, SchemaRegistryClient registry) {
    StreamsBuilder builder = new StreamsBuilder();
    AutoCloseable shared = topology.build(builder, config, registry);
    try {
      Properties props = config.streamsProperties();
      return new StageInstance(name, new KafkaStreams(builder.build(props), props), shared);
    } catch (RuntimeException e) {
      closeQuietly(shared, e);
      throw e;
    }
  }

  /** Closes, leaving the consumer group so that its partitions move at once. */
  public static void close(KafkaStreams streams) {
    streams.close(CloseOptions.groupMembershipOperation(
        CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(CLOSE_TIMEOUT));
  }

  private static void closeQuietly(AutoCloseable resource, RuntimeException failure) {
    try {
      resource.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }

  private int runUntilStopped(C config, PrintStream err) {
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
      StageInstance stage;
      try {
        stage = create(config, registry);
      } catch (ConfigException e) {
        err.println("Invalid settings: " + e.getMessage());
        return EXIT_CONFIG;
      }
      KafkaStreams streams = stage.streams();
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
        stage.close();
      }
      return streams.state() == KafkaStreams.State.ERROR ? EXIT_FAILED : EXIT_OK;
    } finally {
      closed.countDown();
    }
  }
}
