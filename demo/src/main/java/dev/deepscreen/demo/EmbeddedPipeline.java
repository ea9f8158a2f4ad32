package dev.deepscreen.demo;

import dev.deepscreen.connectors.s3.ShippedConnectorConfigs;
import dev.deepscreen.embedded.ConnectWorker;
import dev.deepscreen.embedded.InProcessKafkaCluster;
import dev.deepscreen.embedded.InProcessS3Store;
import dev.deepscreen.schemas.TopicDefinition;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.streams.app.StageProcess;
import dev.deepscreen.streams.app.StageRunner;
import dev.deepscreen.streams.cli.Stages;
import dev.deepscreen.streams.extract.ExtractConfig;
import dev.deepscreen.streams.score.ScoreConfig;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The whole pipeline in this JVM, as the demo runs it: a one-node Kafka cluster (KRaft,
 * loopback), an in-memory Schema Registry scope ({@code mock://}), an S3-compatible store keeping
 * its objects as files under the work folder, a Connect worker running the S3 sink on the
 * verdict topic, and the three stages. Everything runs as it would against a real cluster, with
 * exactly-once processing; only the addresses differ.
 */
final class EmbeddedPipeline implements AutoCloseable {

  static final String BUCKET = "deepscreen";
  static final String S3PROXY_JAR_PROPERTY = "deepscreen.s3proxy.jar";

  /** The shipped sink configurations the demo runs: verdicts, and reviewers' decisions. */
  private static final List<TopicDefinition<?>> SUNK = List.of(Topics.VERDICTS,
      Topics.REVIEW_DECISIONS);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

  private final String scope = "deepscreen-demo-" + UUID.randomUUID();
  private final List<AutoCloseable> parts = new ArrayList<>();
  private InProcessKafkaCluster kafka;
  private InProcessS3Store s3;
  private StageProcess stages;

  private EmbeddedPipeline() {}

  /**
   * Starts every part, and waits until the stages run.
   *
   * @param workDir holds the stages' state, the Connect worker's offsets and the S3 objects
   * @param videoRoot the folder the extraction stage may read files from
   * @param ensembleDir the scorer's ensemble, or null for the built-in one
   * @param step told what is being started, for progress
   */
  static EmbeddedPipeline start(Path workDir, Path videoRoot, Path ensembleDir,
      Consumer<String> step) {
    EmbeddedPipeline pipeline = new EmbeddedPipeline();
    try {
      pipeline.startParts(workDir, videoRoot, ensembleDir, step);
      return pipeline;
    } catch (RuntimeException e) {
      pipeline.close();
      throw e;
    }
  }

  private void startParts(Path workDir, Path videoRoot, Path ensembleDir, Consumer<String> step) {
    step.accept("Kafka broker (KRaft, loopback)");
    // Kafka's storage formatter prints its bootstrap records on System.out, the command's
    // output, and nothing else writes there meanwhile; the command prints through its context.
    PrintStream out = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try {
      kafka = InProcessKafkaCluster.start();
    } finally {
      System.setOut(out);
    }
    parts.add(kafka);
    kafka.createTopics(Topics.all());

    step.accept("S3 store (S3Proxy) in " + workDir.resolve("s3"));
    s3 = InProcessS3Store.start(s3proxyJar(), workDir.resolve("s3"));
    parts.add(s3);
    try {
      s3.createBucket(BUCKET);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the bucket folder", e);
    }

    step.accept("Kafka Connect worker with the S3 sink on " + SUNK.stream()
        .map(TopicDefinition::name).collect(Collectors.joining(" and ")));
    ConnectWorker worker = ConnectWorker.start(kafka.bootstrapServers(),
        createDirectories(workDir.resolve("connect")));
    parts.add(worker);
    for (TopicDefinition<?> topic : SUNK) {
      String name = sinkName(topic);
      Map<String, String> sink = sinkConfig(name);
      // Made beforehand, so that the worker need not make it (and log that it is missing).
      kafka.createTopic(sink.get("errors.deadletterqueue.topic.name"), 1);
      worker.rest().putConnector(name, sink);
    }

    step.accept("stages " + String.join(", ", Stages.names()));
    Map<String, String> settings = new HashMap<>(clientSettings());
    settings.put("state.dir", createDirectories(workDir.resolve("state")).toString());
    settings.put(ExtractConfig.FILE_ROOTS_CONFIG, videoRoot.toString());
    if (ensembleDir != null) {
      settings.put(ScoreConfig.ENSEMBLE_DIR_CONFIG, ensembleDir.toString());
    }
    List<StageRunner.Configured<?>> configured = new ArrayList<>();
    Stages.BY_NAME.values().forEach(runner -> configured.add(runner.configure(settings)));
    // Serves no /metrics: a composite registry without children records nothing.
    stages = StageProcess.start(configured, new CompositeMeterRegistry());
    parts.add(stages);
    awaitRunning();
  }

  /** The settings a client of this pipeline needs: brokers and registry. */
  Map<String, String> clientSettings() {
    return Map.of("bootstrap.servers", kafka.bootstrapServers(),
        "schema.registry.url", "mock://" + scope);
  }

  /** Where the S3 sink writes the verdicts, as files: {@code <bucket folder>/topics/verdicts}. */
  Path verdictObjects() {
    return objects(Topics.VERDICTS);
  }

  /** Where the S3 sink writes the reviewers' decisions, as files. */
  Path decisionObjects() {
    return objects(Topics.REVIEW_DECISIONS);
  }

  private Path objects(TopicDefinition<?> topic) {
    return s3.folder().resolve(BUCKET).resolve("topics").resolve(topic.name());
  }

  /** The connector's name, as its shipped configuration file is named. */
  static String sinkName(TopicDefinition<?> topic) {
    return topic.name() + "-s3-sink";
  }

  /** The verdict objects written so far. */
  List<Path> verdictObjectFiles() {
    if (!Files.isDirectory(verdictObjects())) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(verdictObjects())) {
      return files.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private void awaitRunning() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!stages.ready()) {
      if (stages.stages().stream().anyMatch(s -> s.streams().state() == KafkaStreams.State.ERROR
          || s.streams().state() == KafkaStreams.State.NOT_RUNNING)) {
        throw new IllegalStateException("A stage failed to start; see the log");
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("The stages did not start within " + START_TIMEOUT);
      }
      sleep(100);
    }
  }

  /**
   * A shipped connector configuration pointed at this pipeline: its registry, store and bucket,
   * one task, JSON Lines objects (readable as they are) and one object per record, so that each
   * appears as soon as its record is committed.
   */
  private Map<String, String> sinkConfig(String name) {
    Map<String, String> config = ShippedConnectorConfigs.read(name);
    config.put("tasks.max", "1");
    config.put("schema.registry.url", "mock://" + scope);
    config.put("s3.bucket.name", BUCKET);
    config.put("s3.region", InProcessS3Store.REGION);
    config.put("s3.endpoint", s3.endpoint().toString());
    config.put("s3.access.key.id", InProcessS3Store.ACCESS_KEY);
    config.put("s3.secret.access.key", InProcessS3Store.SECRET_KEY);
    config.put("format", "json");
    config.put("flush.size", "1");
    return config;
  }

  /**
   * S3Proxy's jar: {@code -Ddeepscreen.s3proxy.jar}, else {@code lib/s3proxy/s3proxy.jar} of the
   * distribution that {@code bin/deepscreen} runs (it sets {@code deepscreen.home}).
   */
  static Path s3proxyJar() {
    String explicit = System.getProperty(S3PROXY_JAR_PROPERTY);
    if (explicit != null) {
      return Path.of(explicit);
    }
    String home = System.getProperty("deepscreen.home");
    if (home == null) {
      throw new IllegalStateException("The S3 store needs S3Proxy's jar: run the demo with"
          + " bin/deepscreen of the distribution, or set -D" + S3PROXY_JAR_PROPERTY);
    }
    return Path.of(home, "lib", "s3proxy", "s3proxy.jar");
  }

  private static Path createDirectories(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + dir, e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  /** Stops the stages, the worker, the store and the broker, in that order. */
  @Override
  public void close() {
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        // Each part is stopped even when another would not stop cleanly.
      }
    }
    InMemorySchemaRegistry.dropScope(scope);
  }
}
