package dev.deepscreen.connectors.s3.partitioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deepscreen.connectors.s3.GenericRecords;
import dev.deepscreen.connectors.s3.S3SinkConfig.TimestampSource;
import dev.deepscreen.schemas.SampleRecords;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class PartitionersTest {

  private static final long RECORD_TIME = Instant.parse("2026-11-21T08:59:59.999Z").toEpochMilli();
  private static final Clock WALL = Clock.fixed(Instant.parse("2027-01-02T03:04:05Z"),
      ZoneOffset.UTC);

  private final GenericRecord verdict = GenericRecords.of(SampleRecords.verdict());

  private static SinkRecord record(Long timestamp) {
    return new SinkRecord("verdicts", 4, null, "key", null, new byte[0], 17, timestamp,
        TimestampType.CREATE_TIME);
  }

  @Test
  void kafkaPartitionIsTheDefaultLayout() {
    assertThat(new KafkaPartitionPartitioner().partitionPath(record(RECORD_TIME), verdict))
        .isEqualTo("partition=4");
  }

  @Test
  void fieldNamesTheFolder() {
    assertThat(new FieldPartitioner("tenant").partitionPath(record(RECORD_TIME), verdict))
        .isEqualTo("tenant=tenant-a");
    assertThat(new FieldPartitioner("label").partitionPath(record(RECORD_TIME), verdict))
        .isEqualTo("label=FAKE");
  }

  @Test
  void fieldValuesCannotAddFolders() {
    assertThat(new FieldPartitioner("uri").partitionPath(record(RECORD_TIME), verdict))
        .isEqualTo("uri=file%3A%2F%2F%2Fvideos%2Fa.mp4");
  }

  @Test
  void aMissingOrNullFieldIsADataError() {
    assertThatThrownBy(() -> new FieldPartitioner("nope").partitionPath(record(1L), verdict))
        .isInstanceOf(DataException.class)
        .hasMessage("Record dev.deepscreen.avro.Verdict has no field nope to partition by");
    assertThatThrownBy(() -> new FieldPartitioner("source").partitionPath(record(1L), verdict))
        .isInstanceOf(DataException.class)
        .hasMessage("Field source is null; it cannot name a folder");
  }

  @Test
  void dailyAndHourlyUseTheRecordTimeInUtc() {
    assertThat(new TimeBasedPartitioner(false, TimestampSource.RECORD, WALL)
        .partitionPath(record(RECORD_TIME), verdict))
        .isEqualTo("year=2026/month=11/day=21");
    assertThat(new TimeBasedPartitioner(true, TimestampSource.RECORD, WALL)
        .partitionPath(record(RECORD_TIME), verdict))
        .isEqualTo("year=2026/month=11/day=21/hour=08");
  }

  @Test
  void wallclockUsesTheClock() {
    assertThat(new TimeBasedPartitioner(true, TimestampSource.WALLCLOCK, WALL)
        .partitionPath(record(RECORD_TIME), verdict))
        .isEqualTo("year=2027/month=01/day=02/hour=03");
  }

  @Test
  void aRecordWithoutTimestampIsADataError() {
    assertThatThrownBy(() -> new TimeBasedPartitioner(false, TimestampSource.RECORD, WALL)
        .partitionPath(record(null), verdict))
        .isInstanceOf(DataException.class)
        .hasMessage("Record at offset 17 has no timestamp to partition by");
  }
}
