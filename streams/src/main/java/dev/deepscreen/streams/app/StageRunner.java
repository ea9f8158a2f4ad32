package dev.deepscreen.streams.app;

import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;

/**
 * One stage: how its settings are validated, which inputs it checks before starting and how its
 * Kafka Streams application is built. {@code deepscreen run} runs it as a process (see {@link
 * StageProcess}); the embedded mode and the tests use the same parts.
 *
 * <p>Exit codes of {@code deepscreen run}: 0 stopped on request, 1 the stage failed or its input topics are unusable
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

  /**
   * Adds a stage's processing to a builder, given its settings, the registry client and the
   * registry its processors record their metrics into.
   */
  @FunctionalInterface
  public interface TopologyFunction<C> {
    void build(StreamsBuilder builder, C config, SchemaRegistryClient registry,
        MeterRegistry meters);
  }

  /**
   * Adds a stage's processing to a builder, given also a resource the stage's tasks share (the
   * scorer's models), which lives as long as the stage.
   */
  @FunctionalInterface
  public interface SharedResourceTopologyFunction<C, R> {
    void build(StreamsBuilder builder, C config, SchemaRegistryClient registry, R resource,
        MeterRegistry meters);
  }

  /** Builds the topology and answers what it holds that must be closed after the streams. */
  private interface StageBuilder<C> {
    AutoCloseable build(StreamsBuilder builder, C config, SchemaRegistryClient registry,
        MeterRegistry meters);
  }

  /** A stage with its validated settings, ready to be checked and created. */
  public record Configured<C extends StageConfig>(StageRunner<C> runner, C config) {

    /** See {@link StageRunner#checkInputs}. */
    public void checkInputs() {
      runner.checkInputs(config);
    }

    /** See {@link StageRunner#create(StageConfig, SchemaRegistryClient, MeterRegistry)}. */
    public StageInstance create(SchemaRegistryClient registry, MeterRegistry meters) {
      return runner.create(config, registry, meters);
    }
  }

  private final String name;
  private final Function<Map<String, String>, C> configFactory;
  private final StageBuilder<C> topology;
  private final List<String> coPartitionedInputs;

  /**
   * @param name the stage's name in health reports and logs
   * @param configFactory validates the merged settings, throwing ConfigException
   * @param topology the stage's topology function
   * @param coPartitionedInputs input topics joined by key, checked at start to exist with the
   *     same partition count; empty when the stage reads one topic
   */
  public StageRunner(String name, Function<Map<String, String>, C> configFactory,
      TopologyFunction<C> topology, List<String> coPartitionedInputs) {
    this(name, configFactory, (StageBuilder<C>) (builder, config, registry, meters) -> {
      topology.build(builder, config, registry, meters);
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
    return new StageRunner<>(name, configFactory,
        (StageBuilder<C>) (builder, config, registry, meters) -> {
          R shared = resource.apply(config);
          try {
            topology.build(builder, config, registry, shared, meters);
          } catch (RuntimeException e) {
            closeQuietly(shared, e);
            throw e;
          }
          return shared;
        }, coPartitionedInputs);
  }

  /**
   * Validates the settings for this stage.
   *
   * @throws ConfigException naming the setting that is wrong and why
   */
  public Configured<C> configure(Map<String, String> settings) {
    return new Configured<>(this, configFactory.apply(settings));
  }

  /**
   * Checks, before starting, that the topics read together exist with the same partition count.
   *
   * @throws IllegalStateException saying what is wrong
   */
  public void checkInputs(C config) {
    if (coPartitionedInputs.isEmpty()) {
      return;
    }
    try (Admin admin = Admin.create(config.streamsProperties())) {
      CoPartitioning.check(admin, coPartitionedInputs, CHECK_TIMEOUT);
    }
  }

  /**
   * The stage, not started, whose meters record nothing (an empty composite registry): for
   * callers that serve no metrics. The caller closes it, before the registry client.
   *
   * @throws ConfigException if a shared resource named by the settings cannot be opened
   */
  public StageInstance create(C config, SchemaRegistryClient registry) {
    return create(config, registry, new CompositeMeterRegistry());
  }

  /**
   * The stage, not started, whose processors and Kafka Streams application record into {@code
   * meters}. The caller closes it, before the registry client; the registry outlives it.
   *
   * @throws ConfigException if a shared resource named by the settings cannot be opened
   */
  public StageInstance create(C config, SchemaRegistryClient registry, MeterRegistry meters) {
    Properties props = config.streamsProperties();
    // The builder gets the stage's settings too: a bare StreamsBuilder makes a StreamsConfig of
    // defaults of its own, which warns about settings the stage does set.
    StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new UnloggedConfig(props)));
    AutoCloseable shared = topology.build(builder, config, registry, meters);
    try {
      return new StageInstance(name, new KafkaStreams(builder.build(props), props), shared,
          meters, RunMarker.of(props, config.stage().name().toLowerCase(Locale.ROOT)));
    } catch (RuntimeException e) {
      closeQuietly(shared, e);
      throw e;
    }
  }

  /** The name in messages. */
  public String name() {
    return name;
  }

  /**
   * Closes, leaving the consumer group so that its partitions move at once.
   *
   * @return whether every thread stopped within the timeout
   */
  public static boolean close(KafkaStreams streams) {
    return streams.close(CloseOptions.groupMembershipOperation(
        CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(CLOSE_TIMEOUT));
  }

  private static void closeQuietly(AutoCloseable resource, RuntimeException failure) {
    try {
      resource.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }

  /** The stage's settings for its topology, not logged: KafkaStreams logs the same ones. */
  private static final class UnloggedConfig extends StreamsConfig {
    UnloggedConfig(Properties props) {
      super(props, false);
    }
  }
}
