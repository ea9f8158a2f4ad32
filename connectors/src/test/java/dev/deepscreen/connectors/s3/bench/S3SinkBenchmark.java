package dev.deepscreen.connectors.s3.bench;

import dev.deepscreen.avro.Verdict;
import dev.deepscreen.connectors.s3.S3SinkTask;
import dev.deepscreen.connectors.s3.testing.StubSinkTaskContext;
import dev.deepscreen.schemas.SampleRecords;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.InMemorySchemaRegistry;
import dev.deepscreen.schemas.serde.AvroSerde;
import dev.deepscreen.embedded.testing.S3ProxyServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.sink.SinkRecord;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Records per second from Connect's {@code put} into S3Proxy objects, for several flush sizes,
 * against a peer measured in the same run: plain PutObject calls of the very bytes the sink
 * wrote, through the same SDK and HTTP client to the same server. The ratio is the share of the
 * upload-only rate the sink reaches after decoding the wire format and encoding the objects.
 *
 * <p>Not a test: run it as BENCHMARKS.md says. Arguments: records per partition (default
 * 20000), then flush sizes (default 100 1000 10000).
 */
public final class S3SinkBenchmark {

  private static final String TOPIC = "verdicts";
  private static final int PARTITIONS = 3;
  private static final int ROUNDS = 3;

  public static void main(String[] args) throws Exception {
    int perPartition = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    List<Integer> flushSizes = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      flushSizes.add(Integer.parseInt(args[i]));
    }
    if (flushSizes.isEmpty()) {
      flushSizes = List.of(100, 1000, 10_000);
    }
    String scope = "bench-" + UUID.randomUUID();
    List<SinkRecord> records = records(scope, perPartition);
    try (S3ProxyServer s3 = S3ProxyServer.start()) {
      s3.createBucket("bench");
      runSink(s3, scope, records, 1000, "warmup");
      runPeer(s3, "warmup");
      System.out.printf("%d records (%d partitions), median of %d rounds%n", records.size(),
          PARTITIONS, ROUNDS);
      System.out.printf("%-10s %8s %8s %14s %14s %8s%n", "flush.size", "objects", "MiB",
          "sink rec/s", "peer rec/s", "ratio");
      for (int flushSize : flushSizes) {
        double[] sink = new double[ROUNDS];
        double[] peer = new double[ROUNDS];
        int objects = 0;
        long bytes = 0;
        for (int round = 0; round < ROUNDS; round++) {
          String prefix = "f" + flushSize + "-r" + round;
          long sinkNanos = runSink(s3, scope, records, flushSize, prefix);
          sink[round] = records.size() / (sinkNanos / 1e9);
          Map<String, byte[]> written = s3.objects("bench", prefix + "/");
          objects = written.size();
          bytes = written.values().stream().mapToLong(b -> b.length).sum();
          long peerNanos = runPeer(s3, prefix);
          peer[round] = records.size() / (peerNanos / 1e9);
          clear(s3, prefix);
          System.out.printf("  round %d: sink %.0f rec/s, peer %.0f rec/s%n", round, sink[round],
              peer[round]);
        }
        double s = median(sink);
        double p = median(peer);
        System.out.printf("%-10d %8d %8.1f %14.0f %14.0f %8.2f%n", flushSize, objects,
            bytes / 1048576.0, s, p, s / p);
      }
    } finally {
      InMemorySchemaRegistry.dropScope(scope);
    }
  }

  private static List<SinkRecord> records(String scope, int perPartition) {
    AvroSerde<Verdict> serde = Topics.VERDICTS.valueSerde(InMemorySchemaRegistry.forScope(scope),
        true);
    List<SinkRecord> records = new ArrayList<>();
    long t0 = SampleRecords.verdict().getDecidedAt().toEpochMilli();
    for (int n = 0; n < perPartition; n++) {
      for (int p = 0; p < PARTITIONS; p++) {
        Verdict verdict = Verdict.newBuilder(SampleRecords.verdict())
            .setEventId(UUID.randomUUID()).setVideoId("video-" + p + "-" + n).build();
        records.add(new SinkRecord(TOPIC, p, null, verdict.getEventId().toString(), null,
            serde.serializer().serialize(TOPIC, verdict), n, t0 + n,
            TimestampType.CREATE_TIME));
      }
    }
    return records;
  }

  /** Feeds the records to a task in Connect-sized batches of 500; nanoseconds taken. */
  private static long runSink(S3ProxyServer s3, String scope, List<SinkRecord> records,
      int flushSize, String prefix) {
    Map<String, String> props = s3.clientProperties("");
    props.put("s3.bucket.name", "bench");
    props.put("schema.registry.url", "mock://" + scope);
    props.put("topics.dir", prefix);
    props.put("flush.size", Integer.toString(flushSize));
    S3SinkTask task = new S3SinkTask();
    task.initialize(new StubSinkTaskContext());
    task.start(props);
    Set<TopicPartition> partitions = new HashSet<>();
    for (int p = 0; p < PARTITIONS; p++) {
      partitions.add(new TopicPartition(TOPIC, p));
    }
    task.open(partitions);
    long start = System.nanoTime();
    for (int i = 0; i < records.size(); i += 500) {
      task.put(records.subList(i, Math.min(records.size(), i + 500)));
    }
    Map<TopicPartition, OffsetAndMetadata> committed = task.preCommit(Map.of());
    long nanos = System.nanoTime() - start;
    task.close(partitions);
    task.stop();
    if (committed.size() != PARTITIONS) {
      throw new IllegalStateException("not every partition was written: " + committed);
    }
    return nanos;
  }

  /** Uploads the bytes of every object under the prefix again with plain PutObject. */
  private static long runPeer(S3ProxyServer s3, String prefix) {
    Map<String, byte[]> objects = s3.objects("bench", prefix + "/");
    long start = System.nanoTime();
    objects.forEach((key, bytes) -> s3.client().putObject(
        b -> b.bucket("bench").key("peer/" + key), RequestBody.fromBytes(bytes)));
    return System.nanoTime() - start;
  }

  private static void clear(S3ProxyServer s3, String prefix) {
    for (String root : List.of(prefix + "/", "peer/" + prefix + "/")) {
      for (S3Object object : s3.client().listObjectsV2Paginator(b -> b.bucket("bench")
          .prefix(root)).contents()) {
        s3.client().deleteObject(b -> b.bucket("bench").key(object.key()));
      }
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
