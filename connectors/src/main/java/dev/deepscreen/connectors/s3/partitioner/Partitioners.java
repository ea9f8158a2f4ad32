package dev.deepscreen.connectors.s3.partitioner;

import dev.deepscreen.connectors.s3.S3SinkConfig;
import java.time.Clock;

/** Builds the partitioner a configuration asks for. */
public final class Partitioners {
  private Partitioners() {}

  public static Partitioner create(S3SinkConfig config, Clock clock) {
    return switch (config.partitioner()) {
      case KAFKA -> new KafkaPartitionPartitioner();
      case FIELD -> new FieldPartitioner(config.partitionField());
      case DAILY -> new TimeBasedPartitioner(false, config.timestampSource(), clock);
      case HOURLY -> new TimeBasedPartitioner(true, config.timestampSource(), clock);
    };
  }
}
