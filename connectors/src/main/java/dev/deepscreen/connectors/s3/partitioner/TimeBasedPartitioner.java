package dev.deepscreen.connectors.s3.partitioner;

import dev.deepscreen.connectors.s3.S3SinkConfig.TimestampSource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Daily ({@code year=YYYY/month=MM/day=DD}) or hourly ({@code .../hour=HH}) folders in UTC, the
 * Hive-style layout query engines prune by. The time is the Kafka record's timestamp
 * (deterministic on replay) or the wall clock when the record is written (not deterministic).
 */
public final class TimeBasedPartitioner implements Partitioner {

  private final boolean hourly;
  private final TimestampSource source;
  private final Clock clock;

  public TimeBasedPartitioner(boolean hourly, TimestampSource source, Clock clock) {
    this.hourly = hourly;
    this.source = source;
    this.clock = clock;
  }

  @Override
  public String partitionPath(SinkRecord record, GenericRecord value) {
    long millis;
    if (source == TimestampSource.WALLCLOCK) {
      millis = clock.millis();
    } else if (record.timestamp() != null && record.timestamp() >= 0) {
      millis = record.timestamp();
    } else {
      throw new DataException("Record at offset " + record.kafkaOffset()
          + " has no timestamp to partition by");
    }
    ZonedDateTime time = Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC);
    String day = String.format("year=%04d/month=%02d/day=%02d", time.getYear(),
        time.getMonthValue(), time.getDayOfMonth());
    return hourly ? day + String.format("/hour=%02d", time.getHour()) : day;
  }
}
