package dev.deepscreen.connectors.s3.testing;

import dev.deepscreen.avro.Verdict;
import dev.deepscreen.connectors.s3.ShippedConnectorConfigs;
import dev.deepscreen.schemas.SampleRecords;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.schemas.serde.AvroSerde;
import dev.deepscreen.embedded.ConnectWorker;
import dev.deepscreen.embedded.InProcessKafkaCluster;
import dev.deepscreen.embedded.testing.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the worker-level tests run against: the in-process broker, S3Proxy with one bucket, a
 * Connect worker, and a {@code mock://} registry scope; plus the producing and reading they do.
 */
public final class SinkEnvironment implements AutoCloseable {

  /** The record timestamp of every verdict sent: 2026-11-21, for the daily partitioner. */
  public static final Instant T0 = Instant.parse("2026-11-21T08:30:00Z");
  public static final Duration WAIT = Duration.ofSeconds(45);

  private final String bucket;
  private final Path workDir;
  private final String scope = "s3-sink-it-" + UUID.randomUUID();
  private final InProcessKafkaCluster kafka;
  private final S3ProxyServer s3;
  private final AvroSerde<Verdict> serde;
  private ConnectWorker worker;

  private SinkEnvironment(String bucket, Path workDir) {
    this.bucket = bucket;
    this.workDir = workDir;
    this.kafka = InProcessKafkaCluster.start();
    this.s3 = S3ProxyServer.start();
    s3.createBucket(bucket);
    this.serde = Topics.VERDICTS.valueSerde(InMemorySchemaRegistry.forScope(scope), true);
    startWorker();
  }

  public static SinkEnvironment start(String bucket, Path workDir) {
    return new SinkEnvironment(bucket, workDir);
  }

  public InProcessKafkaCluster kafka() {
    return kafka;
  }

  public S3ProxyServer s3() {
    return s3;
  }

  public ConnectWorker worker() {
    return worker;
  }

  public AvroSerde<Verdict> serde() {
    return serde;
  }

  /** Stops the worker; its connectors stop with it (standalone keeps them in memory only). */
  public void stopWorker() {
    worker.close();
    worker = null;
  }

  public void startWorker() {
    worker = ConnectWorker.start(kafka.bootstrapServers(), workDir);
  }

  /** Keys under the prefix in the bucket. */
  public List<String> keys(String prefix) {
    return s3.keys(bucket, prefix);
  }

  public Map<String, byte[]> objects(String prefix) {
    return s3.objects(bucket, prefix);
  }

  /** The shipped configuration, pointed at this environment's topic, registry and S3. */
  public Map<String, String> config(String topic, String dir, String... overrides) {
    Map<String, String> config = ShippedConnectorConfigs.read("verdicts-s3-sink");
    config.put("topics", topic);
    config.put("topics.dir", dir);
    config.put("s3.bucket.name", bucket);
    config.put("schema.registry.url", "mock://" + scope);
    config.putAll(s3.clientProperties(""));
    for (int i = 0; i < overrides.length; i += 2) {
      config.put(overrides[i], overrides[i + 1]);
    }
    return config;
  }

  /** A verdict with a fresh event id and the video id {@code video-<partition>-<n>}. */
  public static Verdict verdict(int partition, int n) {
    return Verdict.newBuilder(SampleRecords.verdict()).setEventId(UUID.randomUUID())
        .setVideoId("video-" + partition + "-" + n).build();
  }

  public KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers(), ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
        new StringSerializer(), new ByteArraySerializer());
  }

  public KafkaProducer<String, byte[]> transactionalProducer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers(), ProducerConfig.TRANSACTIONAL_ID_CONFIG,
        "it-" + UUID.randomUUID()), new StringSerializer(), new ByteArraySerializer());
  }

  /** Sends a value with timestamp {@link #T0} and waits for it to be written. */
  public void send(KafkaProducer<String, byte[]> producer, String topic, int partition,
      byte[] value) {
    try {
      producer.send(new ProducerRecord<>(topic, partition, T0.toEpochMilli(), "key", value))
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("cannot produce to " + topic, e);
    }
  }

  /** A verdict in the Confluent wire format. */
  public byte[] wireFormat(String topic, Verdict verdict) {
    return serde.serializer().serialize(topic, verdict);
  }

  /** Sends {@code count} verdicts to each partition, numbered from {@code from}. */
  public void produce(String topic, int partitions, int from, int count,
      Map<Integer, List<Verdict>> sent) {
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (int n = from; n < from + count; n++) {
        for (int p = 0; p < partitions; p++) {
          Verdict verdict = verdict(p, n);
          send(producer, topic, p, wireFormat(topic, verdict));
          sent.computeIfAbsent(p, k -> new ArrayList<>()).add(verdict);
        }
      }
    }
  }

  /** The sum of the group's committed offsets over the topic's partitions; -1 if unknown. */
  public long committed(String group, String topic, int partitions) {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets = kafka.admin()
          .listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
          .get(10, TimeUnit.SECONDS);
      long sum = 0;
      for (int p = 0; p < partitions; p++) {
        OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, p));
        sum += offset == null ? 0 : offset.offset();
      }
      return sum;
    } catch (ExecutionException | TimeoutException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Reads {@code count} records of a topic from the start, or what came within the wait. */
  public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int count) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  /** A header's value as text, or null. */
  public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (worker != null) {
      worker.close();
    }
    s3.close();
    kafka.close();
    InMemorySchemaRegistry.dropScope(scope);
  }
}
