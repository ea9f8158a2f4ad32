package dev.deepscreen.streams.app;

import dev.deepscreen.schemas.registry.SchemaRegistries;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One or more stages running in this JVM, each its own Kafka Streams application with its own
 * registry client. {@link #run} runs them as a process until the JVM is asked to stop or one
 * fails; the embedded mode starts and closes them itself.
 */
public final class StageProcess implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StageProcess.class);

  private final List<StageInstance> stages = new ArrayList<>();
  private final List<SchemaRegistryClient> registries = new ArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);

  private StageProcess() {}

  /**
   * Creates and starts the stages, which record their metrics into {@code meters}. Does not
   * check their inputs (see {@link StageRunner#checkInputs}).
   *
   * @throws ConfigException if a stage's shared resource cannot be opened (nothing is left
   *     running)
   */
  public static StageProcess start(List<? extends StageRunner.Configured<?>> stages,
      MeterRegistry meters) {
    StageProcess process = new StageProcess();
    try {
      for (StageRunner.Configured<?> stage : stages) {
        SchemaRegistryClient registry = SchemaRegistries.connect(stage.config());
        process.registries.add(registry);
        StageInstance instance = stage.create(registry, meters);
        process.stages.add(instance);
        instance.streams().setStateListener((now, before) -> {
          if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
            process.stopped.countDown();
          }
        });
      }
      process.stages.forEach(StageInstance::start);
      return process;
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
  }

  /**
   * Checks the stages' inputs, starts them and runs until {@code signal} says stop (the JVM's
   * shutdown for {@code deepscreen run}) or a stage fails or stops; returns the exit code of
   * {@link StageRunner}. The stages record into one Prometheus registry, which the process's
   * endpoint serves (see {@link StageEndpoint}) and which is closed with the process.
   */
  public static int run(List<? extends StageRunner.Configured<?>> stages, PrintStream err,
      StopSignal signal) {
    for (StageRunner.Configured<?> stage : stages) {
      try {
        stage.checkInputs();
      } catch (IllegalStateException e) {
        err.println(e.getMessage());
        return StageRunner.EXIT_FAILED;
      }
    }
    try (ProcessMeters meters = new ProcessMeters()) {
      return serve(stages, err, signal, meters);
    }
  }

  private static int serve(List<? extends StageRunner.Configured<?>> stages, PrintStream err,
      StopSignal signal, ProcessMeters meters) {
    CountDownLatch closed = new CountDownLatch(1);
    StageProcess process;
    try {
      process = start(stages, meters.registry());
    } catch (ConfigException e) {
      err.println("Invalid settings: " + e.getMessage());
      return StageRunner.EXIT_CONFIG;
    }
    Runnable withdraw = signal.register(process.stopped::countDown, closed);
    int port = stages.get(0).config().httpPort();
    StageEndpoint endpoint = null;
    try {
      if (port >= 0) {
        endpoint = StageEndpoint.start(port, process, meters.registry());
        LOG.info("Health and metrics on port {}: /health/live, /health/ready, /metrics",
            endpoint.port());
      }
      process.awaitStop();
    } catch (IOException e) {
      err.println("Cannot serve health and metrics on " + StageConfig.HTTP_PORT_CONFIG + " "
          + port + ": " + e.getMessage());
      return StageRunner.EXIT_FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (endpoint != null) {
        endpoint.close();
      }
      process.close();
      closed.countDown();
      withdraw.run();
    }
    for (StageInstance stage : process.stages) {
      if (stage.streams().state() == KafkaStreams.State.ERROR) {
        err.println(stage.name() + " failed; see its log for the cause");
        return StageRunner.EXIT_FAILED;
      }
    }
    return StageRunner.EXIT_OK;
  }

  /** Waits until a stage fails or stops, or {@link #close} is called. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /** The stages, in the order started. */
  public List<StageInstance> stages() {
    return List.copyOf(stages);
  }

  /** Whether every stage is RUNNING (processing, not rebalancing or starting). */
  public boolean ready() {
    return !stages.isEmpty()
        && stages.stream().allMatch(s -> s.streams().state() == KafkaStreams.State.RUNNING);
  }

  /** Closes every stage, leaving their consumer groups, then the registry clients. */
  @Override
  public void close() {
    stopped.countDown();
    stages.forEach(StageInstance::close);
    registries.forEach(SchemaRegistryClient::close);
  }
}
