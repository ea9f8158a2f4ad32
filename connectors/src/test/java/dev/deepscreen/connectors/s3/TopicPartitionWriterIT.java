package dev.deepscreen.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deepscreen.avro.Verdict;
import dev.deepscreen.connectors.s3.format.Formats;
import dev.deepscreen.connectors.s3.partitioner.Partitioners;
import dev.deepscreen.connectors.s3.storage.S3Storage;
import dev.deepscreen.connectors.s3.testing.MutableClock;
import dev.deepscreen.connectors.s3.testing.ObjectContents;
import dev.deepscreen.schemas.SampleRecords;
import dev.deepscreen.embedded.testing.S3ProxyServer;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The per-partition writer's rotation rules and object names against a real S3 server. */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TopicPartitionWriterIT {

  private static final String BUCKET = "writer-it";
  private static final long T0 = 1_795_000_000_000L;
  private static final TopicPartition TP = new TopicPartition("verdicts", 2);

  private static S3ProxyServer s3;
  private final MutableClock clock = new MutableClock(T0);
  private String dir;
  private S3Storage storage;

  @BeforeAll
  static void startS3() {
    s3 = S3ProxyServer.start();
    s3.createBucket(BUCKET);
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  @BeforeEach
  void newPrefix() {
    dir = "run-" + UUID.randomUUID();
  }

  @AfterEach
  void closeStorage() {
    if (storage != null) {
      storage.close();
    }
  }

  private TopicPartitionWriter writer(Map<String, String> extra) {
    Map<String, String> props = s3.clientProperties("");
    props.put("s3.bucket.name", BUCKET);
    props.put("schema.registry.url", "mock://writer-it");
    props.put("topics.dir", dir);
    props.putAll(extra);
    S3SinkConfig config = new S3SinkConfig(props);
    storage = S3Storage.connect(config);
    return new TopicPartitionWriter(TP, config, Partitioners.create(config, clock),
        Formats.create(config.format()), storage, clock);
  }

  private static SinkRecord record(long offset, long timestamp) {
    return new SinkRecord(TP.topic(), TP.partition(), null, "k", null, new byte[0], offset,
        timestamp, TimestampType.CREATE_TIME);
  }

  private static Verdict verdict(long n, String tenant) {
    return Verdict.newBuilder(SampleRecords.verdict()).setVideoId("video-" + n).setTenant(tenant)
        .build();
  }

  private static void write(TopicPartitionWriter writer, long offset, long timestamp,
      Verdict verdict) {
    writer.write(record(offset, timestamp), GenericRecords.of(verdict));
  }

  private List<String> videoIds(String key) {
    return ObjectContents.avro(s3.objects(BUCKET, key).get(key), Verdict.class).stream()
        .map(Verdict::getVideoId).toList();
  }

  @Test
  void writesABatchEveryFlushSizeRecords() {
    TopicPartitionWriter writer = writer(Map.of("flush.size", "3"));
    for (long offset = 100; offset < 107; offset++) {
      write(writer, offset, T0, verdict(offset, "t"));
    }
    String prefix = dir + "/verdicts/partition=2/verdicts+2+";
    assertThat(s3.keys(BUCKET, dir)).containsExactly(prefix + "0000000100.avro",
        prefix + "0000000103.avro");
    assertThat(videoIds(prefix + "0000000103.avro"))
        .containsExactly("video-103", "video-104", "video-105");
    assertThat(writer.committableOffset()).isEqualTo(OptionalLong.of(106));
    writer.close();
    assertThat(s3.keys(BUCKET, dir)).hasSize(2);
  }

  @Test
  void nothingIsCommittableBeforeTheFirstObject() {
    TopicPartitionWriter writer = writer(Map.of("flush.size", "3"));
    write(writer, 0, T0, verdict(0, "t"));
    assertThat(writer.committableOffset()).isEmpty();
    assertThat(s3.keys(BUCKET, dir)).isEmpty();
  }

  @Test
  void rotatesOnRecordTime() {
    TopicPartitionWriter writer = writer(Map.of("rotate.interval.ms", "1000"));
    write(writer, 0, T0, verdict(0, "t"));
    write(writer, 1, T0 + 999, verdict(1, "t"));
    write(writer, 2, T0 + 1000, verdict(2, "t"));
    String key = dir + "/verdicts/partition=2/verdicts+2+0000000000.avro";
    assertThat(s3.keys(BUCKET, dir)).containsExactly(key);
    assertThat(videoIds(key)).containsExactly("video-0", "video-1");
    assertThat(writer.committableOffset()).isEqualTo(OptionalLong.of(2));
  }

  @Test
  void rotatesOnTheWallClockSchedule() {
    TopicPartitionWriter writer = writer(Map.of("rotate.schedule.interval.ms", "60000"));
    write(writer, 5, T0, verdict(5, "t"));
    writer.rotateIfScheduled();
    assertThat(s3.keys(BUCKET, dir)).isEmpty();
    clock.advance(60_000);
    writer.rotateIfScheduled();
    assertThat(s3.keys(BUCKET, dir))
        .containsExactly(dir + "/verdicts/partition=2/verdicts+2+0000000005.avro");
    assertThat(writer.committableOffset()).isEqualTo(OptionalLong.of(6));
  }

  @Test
  void startsANewObjectWhenTheWriterSchemaChanges() {
    TopicPartitionWriter writer = writer(Map.of("flush.size", "10"));
    write(writer, 0, T0, verdict(0, "t"));
    GenericRecord other = GenericRecords.of(SampleRecords.videoEvent());
    writer.write(record(1, T0), other);
    assertThat(s3.keys(BUCKET, dir))
        .containsExactly(dir + "/verdicts/partition=2/verdicts+2+0000000000.avro");
    assertThat(writer.committableOffset()).isEqualTo(OptionalLong.of(1));
  }

  @Test
  void fieldPartitionsStartAtTheirFirstRecord() {
    TopicPartitionWriter writer = writer(Map.of("flush.size", "4", "partitioner", "field",
        "partition.field.name", "tenant", "format", "json"));
    write(writer, 10, T0, verdict(10, "a"));
    write(writer, 11, T0, verdict(11, "b"));
    write(writer, 12, T0, verdict(12, "a"));
    write(writer, 13, T0, verdict(13, "b"));
    assertThat(s3.keys(BUCKET, dir)).containsExactly(
        dir + "/verdicts/tenant=a/verdicts+2+0000000010.json",
        dir + "/verdicts/tenant=b/verdicts+2+0000000011.json");
    String a = new String(s3.objects(BUCKET, dir + "/verdicts/tenant=a").values().iterator()
        .next(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(a.lines()).hasSize(2).allSatisfy(l -> assertThat(l).contains("\"tenant\":\"a\""));
  }

  @Test
  void aLargeBatchIsOneMultipartObject() {
    int records = 30_000;
    TopicPartitionWriter writer = writer(Map.of("flush.size", Integer.toString(records),
        "s3.part.size", Integer.toString(S3SinkConfig.MIN_PART_SIZE)));
    GenericRecord value = GenericRecords.of(verdict(0, "t"));
    for (long offset = 0; offset < records; offset++) {
      writer.write(record(offset, T0), value);
    }
    String key = dir + "/verdicts/partition=2/verdicts+2+0000000000.avro";
    assertThat(s3.keys(BUCKET, dir)).containsExactly(key);
    // A multipart object's ETag ends in -<parts>: one per 5 MiB part, more than one here.
    var head = s3.client().headObject(b -> b.bucket(BUCKET).key(key));
    long parts = (head.contentLength() + S3SinkConfig.MIN_PART_SIZE - 1)
        / S3SinkConfig.MIN_PART_SIZE;
    assertThat(parts).isGreaterThan(1);
    assertThat(head.eTag()).endsWith("-" + parts + "\"");
    assertThat(ObjectContents.avro(s3.objects(BUCKET, key).get(key))).hasSize(records)
        .allSatisfy(r -> assertThat(r).isEqualTo(value));
    assertThat(writer.committableOffset()).isEqualTo(OptionalLong.of(records));
  }

  @Test
  void skipsRedeliveredRecordsAndCommitsPastSkippedOnes() {
    TopicPartitionWriter writer = writer(Map.of("flush.size", "2"));
    writer.skip(record(0, T0));
    assertThat(writer.committableOffset()).isEqualTo(OptionalLong.of(1));
    write(writer, 1, T0, verdict(1, "t"));
    assertThat(writer.isNew(record(1, T0))).isFalse();
    assertThat(writer.isNew(record(2, T0))).isTrue();
    writer.skip(record(2, T0));
    assertThat(writer.committableOffset()).isEqualTo(OptionalLong.of(1));
    write(writer, 3, T0, verdict(3, "t"));
    assertThat(writer.committableOffset()).isEqualTo(OptionalLong.of(4));
    assertThat(videoIds(dir + "/verdicts/partition=2/verdicts+2+0000000001.avro"))
        .containsExactly("video-1", "video-3");
  }
}
