package dev.deepscreen.demo.chaos;

import dev.deepscreen.avro.Verdict;
import dev.deepscreen.connectors.s3.ShippedConnectorConfigs;
import dev.deepscreen.embedded.ConnectRest;
import dev.deepscreen.embedded.InProcessS3Store;
import dev.deepscreen.schemas.SampleRecords;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.FakeSchemaRegistryServer;
import dev.deepscreen.schemas.registry.SchemaRegistries;
import dev.deepscreen.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How long the S3 sink takes to write again after its Connect worker is SIGKILLed and started
 * again at once, per variant of the connector's consumer settings: a real broker process, a
 * worker process (Kafka's own {@code ConnectDistributed} from the full distribution's jars), the
 * S3-compatible store in this JVM, verdicts produced at a steady pace, one object per verdict.
 * Run by {@code demo/bench/connect-recovery.sh}. Not a test.
 *
 * <p>Arguments: kills per variant, the full distribution's folder, then the variants by name.
 */
public final class ConnectRecoveryBenchmark {

  /**
   * What is laid over the shipped connector configuration: nothing, or the consumer's own
   * defaults instead of the shipped 10 s session.
   */
  static final Map<String, Map<String, String>> VARIANTS = Map.of(
      "shipped", Map.of(),
      "consumer-defaults", Map.of("consumer.override.session.timeout.ms", "45000",
          "consumer.override.heartbeat.interval.ms", "3000"));

  private ConnectRecoveryBenchmark() {}

  public static void main(String[] args) throws Exception {
    int kills = Integer.parseInt(args[0]);
    Path distribution = Path.of(args[1]);
    for (String name : List.of(args).subList(2, args.length)) {
      Path work = Files.createTempDirectory("deepscreen-connect-" + name + "-");
      List<Double> seconds = run(work, distribution, kills, VARIANTS.get(name));
      System.out.printf(Locale.ROOT, "%s %s: restart to the first new object, s: %s%n", name,
          VARIANTS.get(name), seconds);
    }
  }

  private static List<Double> run(Path work, Path distribution, int kills,
      Map<String, String> variant) throws Exception {
    List<Double> seconds = new ArrayList<>();
    Path s3proxy = Path.of("target", "s3proxy", "s3proxy.jar");
    try (FakeSchemaRegistryServer registry = new FakeSchemaRegistryServer();
        BrokerProcess broker = BrokerProcess.start(work.resolve("broker"), distribution);
        InProcessS3Store s3 = InProcessS3Store.start(s3proxy, work.resolve("s3"))) {
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          broker.bootstrapServers()))) {
        broker.createTopics(admin);
        admin.createTopics(List.of(new NewTopic("verdicts-s3-sink-dlq", 1, (short) 1))).all()
            .get();
      }
      s3.createBucket("deepscreen");
      int port = BrokerProcess.freePort();
      Path properties = work.resolve("worker.properties");
      Files.writeString(properties, String.join("\n",
          "bootstrap.servers=" + broker.bootstrapServers(),
          "group.id=connect-bench",
          "config.storage.topic=connect-configs",
          "offset.storage.topic=connect-offsets",
          "status.storage.topic=connect-status",
          "config.storage.replication.factor=1",
          "offset.storage.replication.factor=1",
          "status.storage.replication.factor=1",
          "listeners=http://127.0.0.1:" + port,
          "key.converter=org.apache.kafka.connect.storage.StringConverter",
          "value.converter=org.apache.kafka.connect.converters.ByteArrayConverter", ""));
      Process worker = startWorker(distribution, properties, work.resolve("worker.log"));
      ConnectRest rest = new ConnectRest(URI.create("http://127.0.0.1:" + port));
      try {
        awaitRest(rest);
        Map<String, String> config = sinkConfig(registry.url(), s3);
        config.putAll(variant);
        rest.putConnector("verdicts-s3-sink", config);
        AtomicBoolean done = new AtomicBoolean();
        Thread producer = new Thread(() -> produce(broker.bootstrapServers(), registry.url(),
            done), "bench-producer");
        producer.start();
        Path objects = s3.folder().resolve("deepscreen");
        awaitMore(objects, 0, Duration.ofSeconds(120));
        for (int i = 0; i < kills; i++) {
          Thread.sleep(3000);
          worker.destroyForcibly();
          worker.waitFor();
          long restarted = System.nanoTime();
          int before = count(objects);
          worker = startWorker(distribution, properties, work.resolve("worker.log"));
          boolean wrote = awaitMore(objects, before, Duration.ofSeconds(300));
          double took = wrote ? (System.nanoTime() - restarted) / 1e9 : Double.NaN;
          seconds.add(Math.round(took * 10) / 10.0);
          System.out.printf(Locale.ROOT, "  killed the worker: new objects after %.1f s%n", took);
        }
        done.set(true);
        producer.join();
      } finally {
        worker.destroyForcibly();
        worker.waitFor();
      }
    }
    return seconds;
  }

  private static Process startWorker(Path distribution, Path properties, Path log)
      throws IOException {
    return BrokerProcess.java(distribution, log,
        "org.apache.kafka.connect.cli.ConnectDistributed", properties.toString());
  }

  private static Map<String, String> sinkConfig(String registryUrl, InProcessS3Store s3) {
    Map<String, String> config = ShippedConnectorConfigs.read("verdicts-s3-sink");
    config.put("tasks.max", "1");
    config.put("schema.registry.url", registryUrl);
    config.put("s3.bucket.name", "deepscreen");
    config.put("s3.region", InProcessS3Store.REGION);
    config.put("s3.endpoint", s3.endpoint().toString());
    config.put("s3.access.key.id", InProcessS3Store.ACCESS_KEY);
    config.put("s3.secret.access.key", InProcessS3Store.SECRET_KEY);
    config.put("format", "json");
    config.put("flush.size", "1");
    config.put("errors.deadletterqueue.topic.replication.factor", "1");
    return config;
  }

  private static void produce(String bootstrapServers, String registryUrl, AtomicBoolean done) {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (SchemaRegistryClient client = SchemaRegistries.connect(Map.of("schema.registry.url",
        registryUrl));
        KafkaProducer<String, Verdict> producer = new KafkaProducer<>(props,
            new StringSerializer(), Topics.VERDICTS.valueSerde(client, true).serializer())) {
      while (!done.get()) {
        String id = UUID.randomUUID().toString();
        Verdict verdict = Verdict.newBuilder(SampleRecords.verdict())
            .setEventId(UUID.fromString(id)).build();
        producer.send(new ProducerRecord<>(Topics.VERDICTS.name(), id, verdict));
        Thread.sleep(300);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitRest(ConnectRest rest) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (rest.get("/connectors").status() == 200) {
          return;
        }
      } catch (RuntimeException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("The worker's REST API did not come up");
  }

  private static boolean awaitMore(Path folder, int than, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (count(folder) > than) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  private static int count(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return (int) files.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith(".")).count();
    }
  }
}
