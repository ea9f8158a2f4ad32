package dev.deepscreen.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.avro.Verdict;
import dev.deepscreen.avro.VideoEvent;
import dev.deepscreen.connectors.s3.testing.ObjectContents;
import dev.deepscreen.connectors.s3.testing.StubSinkTaskContext;
import dev.deepscreen.schemas.SampleRecords;
import dev.deepscreen.schemas.Topics;
import dev.deepscreen.schemas.registry.FakeSchemaRegistryServer;
import dev.deepscreen.schemas.serde.AvroSerde;
import dev.deepscreen.embedded.testing.S3ProxyServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task driven as Connect drives it, against S3Proxy and an HTTP registry that can be made
 * to fail: what happens when the registry, the store or the bucket is not there.
 */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class S3SinkTaskIT {

  private static final String BUCKET = "task-it";
  private static final TopicPartition TP = new TopicPartition("verdicts", 0);
  private static S3ProxyServer s3;
  private static FakeSchemaRegistryServer registry;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3ProxyServer.start();
    s3.createBucket(BUCKET);
    registry = new FakeSchemaRegistryServer();
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  private static Map<String, String> props(String bucket, String dir) {
    Map<String, String> props = s3.clientProperties("");
    props.put("s3.bucket.name", bucket);
    props.put("schema.registry.url", registry.url());
    props.put("schema.registry.retries", "0");
    props.put("topics.dir", dir);
    props.put("flush.size", "2");
    props.put("s3.retries", "0");
    return props;
  }

  private static SinkRecord record(long offset, byte[] value) {
    return new SinkRecord(TP.topic(), TP.partition(), null, "k", null, value, offset, 1L,
        TimestampType.CREATE_TIME);
  }

  @Test
  void aRegistryOutageIsRetriableAndTheRedeliveredBatchIsNotWrittenTwice() {
    AvroSerde<Verdict> verdicts = Topics.VERDICTS.valueSerde(registry.registry(), true);
    AvroSerde<VideoEvent> events = Topics.VIDEO_EVENTS.valueSerde(registry.registry(), true);
    Verdict v0 = Verdict.newBuilder(SampleRecords.verdict()).setVideoId("v0").build();
    Verdict v1 = Verdict.newBuilder(SampleRecords.verdict()).setVideoId("v1").build();
    SinkRecord r0 = record(0, verdicts.serializer().serialize("verdicts", v0));
    SinkRecord r1 = record(1, verdicts.serializer().serialize("verdicts", v1));
    SinkRecord r2 = record(2, events.serializer().serialize("video-events",
        SampleRecords.videoEvent()));
    SinkRecord r3 = record(3, events.serializer().serialize("video-events",
        SampleRecords.videoEvent()));

    S3SinkTask task = new S3SinkTask();
    task.initialize(new StubSinkTaskContext());
    task.start(props(BUCKET, "retriable"));
    task.open(Set.of(TP));
    task.put(List.of(r0));
    // r2 has a schema id the task has not fetched yet (registered under another subject: the
    // task decodes by id); the registry answers 503 once.
    registry.failNext(1, 503, "{\"error_code\":50301,\"message\":\"down\"}");
    assertThatThrownBy(() -> task.put(List.of(r1, r2, r3)))
        .isInstanceOf(RetriableException.class)
        .hasMessageStartingWith("Schema registry unavailable:");
    task.put(List.of(r1, r2, r3));
    Map<TopicPartition, OffsetAndMetadata> committable = task.preCommit(Map.of());
    task.close(Set.of(TP));
    task.stop();

    String prefix = "retriable/verdicts/partition=0/verdicts+0+";
    Map<String, byte[]> objects = s3.objects(BUCKET, "retriable/");
    assertThat(objects).containsOnlyKeys(prefix + "0000000000.avro", prefix + "0000000002.avro");
    assertThat(ObjectContents.avro(objects.get(prefix + "0000000000.avro"), Verdict.class))
        .containsExactly(v0, v1);
    assertThat(ObjectContents.avro(objects.get(prefix + "0000000002.avro"), VideoEvent.class))
        .containsExactly(SampleRecords.videoEvent(), SampleRecords.videoEvent());
    assertThat(committable).containsExactly(Map.entry(TP, new OffsetAndMetadata(4)));
  }

  /**
   * The store goes away mid-batch: the task rewinds the partition to the batch's first record
   * and asks for a retry, Connect delivers the failed batch again and then the records from the
   * rewound offset, as its worker does, until the store is back. Each record ends up in exactly
   * one object, named as without the outage.
   */
  @Test
  void anS3OutageRewindsThePartitionUntilTheStoreIsBack(@TempDir Path data) {
    AvroSerde<Verdict> verdicts = Topics.VERDICTS.valueSerde(registry.registry(), true);
    List<Verdict> sent = new ArrayList<>();
    List<SinkRecord> r = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      Verdict v = Verdict.newBuilder(SampleRecords.verdict()).setVideoId("v" + i).build();
      sent.add(v);
      r.add(record(i, verdicts.serializer().serialize("verdicts", v)));
    }
    try (S3ProxyServer own = S3ProxyServer.start(data)) {
      own.createBucket("outage");
      Map<String, String> props = own.clientProperties("");
      props.put("s3.bucket.name", "outage");
      props.put("schema.registry.url", registry.url());
      props.put("topics.dir", "outage");
      props.put("flush.size", "3");
      props.put("s3.retries", "1");
      props.put("s3.retry.backoff.ms", "10");
      props.put("retry.backoff.ms", "1234");
      StubSinkTaskContext context = new StubSinkTaskContext();
      S3SinkTask task = new S3SinkTask();
      task.initialize(context);
      task.start(props);
      task.open(Set.of(TP));
      task.put(r.subList(0, 4)); // writes 0-2, keeps 3

      own.stop();
      String failure = "S3 request failed: put outage/verdicts/partition=0/verdicts+0+0000000003"
          + ".avro in bucket outage:";
      // The batch 3-5 cannot be written: back to 3, records again in 1234 ms.
      assertThatThrownBy(() -> task.put(r.subList(4, 7)))
          .isInstanceOf(RetriableException.class).hasMessageStartingWith(failure);
      assertThat(context.takeOffsets()).isEqualTo(Map.of(TP, 3L));
      assertThat(context.timeout()).isEqualTo(1234);
      // Connect delivers the failed batch 4-6 again: it starts after 3, so none is taken.
      task.put(r.subList(4, 7));
      // Then the records from 3, while the store is still away.
      assertThatThrownBy(() -> task.put(r.subList(3, 7)))
          .isInstanceOf(RetriableException.class).hasMessageStartingWith(failure);
      assertThat(context.takeOffsets()).isEqualTo(Map.of(TP, 3L));
      assertThat(task.preCommit(Map.of())).isEqualTo(Map.of(TP, new OffsetAndMetadata(3)));

      own.restart();
      task.put(r.subList(3, 7)); // the failed batch again, which starts at 3: writes 3-5
      task.put(r.subList(3, 8)); // read again from 3: only 7 is new
      task.put(r.subList(8, 9));
      assertThat(context.takeOffsets()).isEmpty();
      Map<TopicPartition, OffsetAndMetadata> committable = task.preCommit(Map.of());
      task.close(Set.of(TP));
      task.stop();

      String prefix = "outage/verdicts/partition=0/verdicts+0+";
      Map<String, byte[]> objects = own.objects("outage", "outage/");
      assertThat(objects).containsOnlyKeys(prefix + "0000000000.avro",
          prefix + "0000000003.avro", prefix + "0000000006.avro");
      for (int start = 0; start < 9; start += 3) {
        assertThat(ObjectContents.avro(objects.get(String.format("%s%010d.avro", prefix, start)),
            Verdict.class)).containsExactlyElementsOf(sent.subList(start, start + 3));
      }
      assertThat(committable).isEqualTo(Map.of(TP, new OffsetAndMetadata(9)));
    }
  }

  @Test
  void aMissingBucketFailsTheStartWithTheReason() {
    S3SinkTask task = new S3SinkTask();
    task.initialize(new StubSinkTaskContext());
    assertThatThrownBy(() -> task.start(props("no-such-bucket", "missing")))
        .isInstanceOf(ConnectException.class)
        .hasMessageStartingWith("S3 request failed: head bucket in bucket no-such-bucket:");
    task.stop();
  }
}
